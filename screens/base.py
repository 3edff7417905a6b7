"""What every screen may ask of the app: its clock, settings, session and the few writes
it reports on.

Screens reach the app through this protocol, not by importing `screens.app`, so the app
can import every screen without a cycle. Everything recorded is behind the session
(coach.session); no screen touches the store or the config file, and a screen's paint
only reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, Protocol, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from coach.clock import Clock
from coach.session import Session, Tombstone
from coach.settings.model import Settings
from screens.textual_shim import FooterKey, LetterPassingInput, mark_bindings_ready

if TYPE_CHECKING:
    from coach.desktop.voice import Speaker


Params = ParamSpec("Params")
Result = TypeVar("Result")
"""A change's arguments and result, for `CoachServices.saved`."""


class CoachServices(Protocol):
    """The parts of CoachApp that screens use."""

    session: Session
    """Everything recorded; the writes a screen makes without its own error handling go
    through the methods below, which report failures."""

    @property
    def clock(self) -> Clock: ...

    @property
    def settings(self) -> Settings: ...

    def tonight(self) -> date: ...

    def undo(self) -> Tombstone | None: ...

    def redo(self) -> Tombstone | None: ...

    def saved(
        self, change: Callable[Params, Result], /, *args: Params.args, **kwargs: Params.kwargs
    ) -> Result | None: ...

    def apply_settings(self, changes: list[tuple[str, str | None]]) -> str | None: ...

    def pause_reminders(self, nights: int) -> str | None: ...

    def open_file(self, path: Path) -> str | None: ...

    def make_speaker(self) -> Speaker: ...

    def snooze(self, step_id: str | None = None) -> None: ...

    def tie_notice(self, screen: Screen[Any], message: str) -> None: ...


ResultType = TypeVar("ResultType")


class CoachModal(ModalScreen[ResultType]):
    """A dialog that still lets `c` open "Cramping now": Textual stops a modal's keys from
    reaching the app's bindings, so the dialog carries the key itself."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "app.cramp",
            "Cramping now",
            show=False,
            id="modal.cramp-now",
            tooltip="A relief guide with a timer; logs the cramp",
        ),
    ]


class NumberInput(LetterPassingInput):
    """A field for a number that lets letters through to the keys of the screen and app:
    in it, `c` still opens "Cramping now" and a form's own letter keys still work."""


def services(node: DOMNode) -> CoachServices:
    """The running CoachApp, seen through the protocol."""
    return cast(CoachServices, node.app)


class CoachFooter(Footer):
    """Textual's footer, made cheaper to build: it shows the same keys the same way.

    - Each key gets the footer's (compact) look before it mounts. A key left to find it
      out after mounting restyles itself, one by one.
    - A burst of binding changes (at startup: the screen, then focus, then the app) rebuilds
      the keys once, after the burst, instead of once per change.
    Together they took about a third off the time Textual spends before Tonight's first paint.
    """

    _rebuild_pending = False

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Textual ties each key to the footer's look, except the palette key, which
                # keeps its own (compact) one; both stay as Textual draws them.
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        mark_bindings_ready(self)
        if not screen.app.app_focus or self._rebuild_pending:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
        self.call_after_refresh(self._fit)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    async def on_resize(self) -> None:
        # Keys hidden for a narrower terminal come back with the room: build them again.
        if self.is_attached and any(not key.display for key in self.query(FooterKey)):
            await self.recompose()
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Hide the keys that would be cut at the right edge, so a narrow terminal shows
        whole keys (the last ones go: they are also in the help and the palette)."""
        keys = list(self.query(FooterKey))
        palette = next((key for key in keys if key.has_class("-command-palette")), None)
        limit = palette.region.x if palette is not None else self.region.right
        for key in keys:
            if key is not palette and key.display and key.region.right > limit:
                key.display = False
