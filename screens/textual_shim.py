"""Every use of Textual's private parts, in one place.

CoachFooter (screens/base.py) builds Textual's footer faster; for that it needs the footer's
key widget, which Textual does not export, and the flag that tells the footer its bindings
are known. Textual may change either in any release: tests/pilot/test_textual_shim.py checks them
against the installed Textual and fails, saying what to re-check, on one they were not
written for. Nothing else in coach imports a private Textual module (the same test checks).
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["CHECKED_ON", "FOOTER_SOURCES", "FooterKey", "mark_bindings_ready"]

CHECKED_ON = ((8, 0), (8, 2))
"""The first and last Textual (major, minor) these were checked on; pyproject.toml's
dependency range is at most the major version."""

FOOTER_SOURCES = {
    "Footer.compose": "8514ae6622cb",
    "Footer.bindings_changed": "eb88714081bd",
    "Footer.on_mount": "1a81a045e0f3",
    "FooterKey.__init__": "ad69cb341018",
}
"""The first 12 hex digits of the SHA-256 of the source of each Textual method CoachFooter
copies or relies on, as checked (the same from Textual 8.0.0 to 8.2.8)."""


def mark_bindings_ready(footer: Footer) -> None:
    """What Footer.bindings_changed does first: let compose() show the screen's keys."""
    footer._bindings_ready = True
