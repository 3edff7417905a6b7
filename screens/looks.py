"""Easy on older eyes: coach's high-contrast theme, and choice and focus marks that show
without colour.

Under NO_COLOR, and with the high-contrast theme or the terminal's own colours (`ansi-dark`,
`ansi-light`, chosen for a high-contrast palette of the terminal's), the app carries the
class `-marks`:
`looks.tcss` then marks the focused field with a bar at its left edge, so a monochrome
screen, a screen magnifier or a plain capture of the terminal still shows where typing
goes. A radio button's dot is there only when it is chosen (screens/choice.py).
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST_NAME = "high-contrast"

HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_NAME,
    # White on black, with yellow for what is chosen or needs acting on: the pairs have a
    # contrast ratio of 21:1 (white) and 19.6:1 (yellow), past WCAG's 7:1 for AAA.
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF6B6B",
    success="#00FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#1C1C1C",
    panel="#303030",
    boost="#FFFFFF",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text-muted": "#FFFFFF",
        # A field's example text (its placeholder): light grey, 11:1 on black.
        "text-disabled": "#BFBFBF",
        "border": "#FFFFFF",
        "border-blurred": "#B0B0B0",
        # The chosen row: navy, under which white, yellow and green text all stay past
        # 7:1 (a yellow bar would hide a row's coloured words).
        "block-cursor-background": "#000080",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#303030",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#303030",
        "link-color": "#00FFFF",
    },
)
