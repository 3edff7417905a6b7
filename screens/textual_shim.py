"""Every use of Textual's private parts, in one place.

`withdraw_notices` takes back toasts already shown (a reminder's once its step is marked,
a screen's once it is left): Textual has no public way, so it uses the app's notification
collection and its private remove.

CoachFooter (screens/base.py) builds Textual's footer faster; for that it needs the footer's
key widget, which Textual does not export, and the flag that tells the footer its bindings
are known. LetterPassingInput overrides the Input's private key handler, so a number field
lets letters through to the screen's and the app's keys. Textual may change any of them in
any release: tests/pilot/test_textual_shim.py checks them against the installed Textual and
fails, saying what to re-check, on one they were not written for. Nothing else in coach
imports a private Textual module or overrides a private method (the same test checks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.notifications import Notification
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

__all__ = [
    "CHECKED_ON",
    "FOOTER_SOURCES",
    "INPUT_SOURCES",
    "FooterKey",
    "LetterPassingInput",
    "mark_bindings_ready",
    "withdraw_notices",
]

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


INPUT_SOURCES = {"Input._on_key": "55068e7ce456"}
"""The same, for the Input key handler LetterPassingInput overrides (Textual 8.2.8)."""


class LetterPassingInput(Input):
    """An Input that does not take letters: they bubble to the screen's and the app's keys."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character.isalpha():
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isalpha():
            # Skip Input's own key handler (Textual runs one per class in the MRO) but let
            # the event bubble, so the screen's and the app's bindings get it.
            event.prevent_default()
            return
        await super()._on_key(event)


def mark_bindings_ready(footer: Footer) -> None:
    """What Footer.bindings_changed does first: let compose() show the screen's keys."""
    footer._bindings_ready = True


def withdraw_notices(app: App[Any], which: Callable[[Notification], bool]) -> list[str]:
    """Take back the toasts on show that `which` picks; returns their messages."""
    taken = [notice for notice in list(app._notifications) if which(notice)]
    for notice in taken:
        app._unnotify(notice, refresh=False)
    if taken:
        app._refresh_notifications()
    return [notice.message for notice in taken]
