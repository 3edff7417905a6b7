"""The Textual application: wiring of screens, app-wide keys, and the app's few writes."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

# Loading the app (Textual, the core, the screens: what `coach` imports to start it) leaves
# some 60,000 objects that live as long as the process: modules, classes, functions. With
# the collector on, it walked them again and again while they loaded (about 10 ms of each
# start); off meanwhile and frozen once loaded, it never walks them again, neither while
# the app runs nor at exit (where the interpreter took them apart one by one, just before
# the process ended anyway). The cost: the few cycles that became garbage while loading are
# kept (peak memory unchanged, bench/README.md). Whatever comes after is collected as usual.
_COLLECTING = gc.isenabled()
gc.disable()
try:
    from textual.app import App, SystemCommand
    from textual.binding import Binding, BindingType
    from textual.screen import ModalScreen, Screen

    from coach.clock import Clock
    from coach.errors import CoachError, ConfigError
    from coach.planner import current_night
    from coach.session import Session, StepRecord, Tombstone
    from coach.settings.model import Settings
    from screens.base import Params, Result
    from screens.looks import HIGH_CONTRAST, HIGH_CONTRAST_NAME
    from screens.tonight import TonightScreen
finally:
    gc.freeze()
    if _COLLECTING:
        gc.enable()

if TYPE_CHECKING:
    from coach.desktop.notify import Delivery, Notifier
    from coach.desktop.voice import Speaker
    from coach.safety.flags import RaisedFlag
    from coach.settings.watch import ConfigWatcher
    from screens.messages import ReminderButton, RingBell, Say, StepDue

# The other screens are imported when first opened: most evenings never need the help's
# Markdown renderer or the settings form, and startup time is what a user waits for.

REMINDERS_DELAY = 1.0
"""Seconds after mount before the reminder service is built (in a worker thread)."""
WIND_DOWN_STEP = "screens-off"
"""The step whose reminder opens the guided evening, when the app shows Tonight."""
CONFIG_POLL_SECONDS = 0.5
"""How often the app looks at config.toml (one stat): an edit shows within about a second."""
SETUP_DONE = "tui.setup-done"
HELP_SEEN = "tui.help-seen"


class Reminders(Protocol):
    """What the app needs of the reminder host (coach.reminders.host.ReminderHost)."""

    async def start(self) -> None: ...

    def stop(self) -> None: ...

    def settings_changed(self, settings: Settings) -> None: ...

    def snooze(self, night: date, step_id: str) -> datetime: ...

    def snoozes_left(self, night: date, step_id: str) -> int: ...

    def set_paused(self, night: date, paused: bool = True) -> bool: ...

    def refresh(self) -> None: ...


RemindersFactory = Callable[["CoachApp"], Reminders]
SpeakerFactory = Callable[["CoachApp"], "Speaker"]


class CoachApp(App[None]):
    """The evening coach. Every dependency is passed in, so tests hand in fakes."""

    TITLE = "coach"
    # Tonight's styles; every other screen brings its own .tcss, parsed when it is first
    # shown, so there is less to do before Tonight's first paint; looks.tcss marks focus
    # without colour on every screen. Absolute, so subclasses defined elsewhere (tests,
    # benchmarks) find them too.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(__file__).parent / "tonight.tcss",
        Path(__file__).parent / "looks.tcss",
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "cramp",
            "Cramping now",
            id="cramp-now",
            tooltip="A relief guide with a timer; logs the cramp",
        ),
        # Tab moves focus before the keys after it are handed on: as the screen's own binding
        # it ran only once the field had seen it, so in keys typed fast ("2 Tab 12") the
        # digits after Tab had already gone to the field Tab was leaving.
        Binding("tab", "focus_next", show=False, priority=True, id="focus-next"),
        Binding("shift+tab", "focus_previous", show=False, priority=True, id="focus-previous"),
        # ctrl+c copies what is selected; with nothing selected it says how to quit, on every
        # screen: Textual's own hint finds no quit key over a dialog, and said nothing there.
        Binding("ctrl+c", "copy_or_say_quit", show=False, priority=True, system=True, id="ctrl-c"),
        # F2 reaches the cramp guide even from inside a text field, where c is typed.
        Binding("f2", "cramp", "Cramping now", show=False, priority=True, id="cramp-now-f2"),
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            id="help",
            tooltip="Every key, what coach claims and what it does not",
        ),
    ]

    def __init__(
        self,
        session: Session,
        notifier: Notifier,
        *,
        first_run: bool | None = None,
        reminders: RemindersFactory | None = None,
        exports_dir: Path | None = None,
        speaker: SpeakerFactory | None = None,
        open_step: str | None = None,
        opener: Callable[[Path], str | None] | None = None,
    ) -> None:
        """`exports_dir`: where History's report goes (None: report.folder, else the
        user's documents folder). `opener`: opens a file in the desktop's viewer (None
        on success, else why not; default coach.desktop.opener.open_file)."""
        super().__init__()
        self._open_step = open_step
        self.session = session
        # Every save through the session is checked for red flags at once (CONTENT.md).
        self.session.after_save.append(self.check_red_flags)
        self._ui_thread: int | None = None
        """The thread the app runs on, known from mount: where a hook's display goes."""
        self.notifier = notifier
        self.exports_dir = exports_dir
        self._opener = opener
        self._first_run = first_run
        self._reminders_factory = reminders
        self._speaker_factory = speaker
        self.reminders: Reminders | None = None
        self._config_watch: ConfigWatcher | None = None
        self._tied: list[tuple[str, str, object]] = []
        """Toasts to take back (title, message, what they belong to): a reminder's once its
        step is marked, "step:<id>"; a screen's once it is left, the screen itself."""
        self._said: set[str] = set()
        """Background notices (Say) already shown: each is said once."""
        self._held: list[str] = []
        """Background notices waiting for a dialog to close: over one, at the top, a toast
        covered a full-height dialog's first lines (the check-in's question at 80x24)."""
        self.due_step: tuple[date, str] | None = None
        """The step the latest reminder announced: what the snooze key snoozes."""
        self.register_theme(HIGH_CONTRAST)
        self._apply_display(session.settings)
        self._show_marks()

    @property
    def settings(self) -> Settings:
        """The settings in force (the session's, changed by `apply_settings`)."""
        return self.session.settings

    @property
    def clock(self) -> Clock:
        return self.session.clock

    @property
    def config_path(self) -> Path:
        return self.session.paths.config_file

    # --- start ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        # Tonight is the bottom of the stack itself, so startup builds one screen, not two.
        return TonightScreen()

    def on_mount(self) -> None:
        self._ui_thread = threading.get_ident()
        first_run = self._first_run
        if first_run is None:
            first_run = not self.config_path.exists() and not self._state(SETUP_DONE)
        if first_run:
            from screens.settings import SettingsScreen

            self.push_screen(SettingsScreen(first_run=True), callback=self._after_setup)
        elif self._open_step is not None:
            # Once Tonight, the screen it opens over, has drawn: before, neither its lines
            # nor the opened screen's header are there to be filled in.
            self.screen.call_after_refresh(self.open_step, self._open_step)
        else:
            self._offer_checkin()
        if self.settings.timezone_unknown:
            from coach.settings.model import TIMEZONE_UNKNOWN

            self.notify(
                TIMEZONE_UNKNOWN[0].upper() + TIMEZONE_UNKNOWN[1:] + ".",
                severity="warning",
                timeout=20,
            )
        # Reminders start a moment after Tonight is on screen, so the first paint never waits
        # on APScheduler. Nothing is lost: a step up to 2 minutes late counts as on time.
        # On a first run they wait for the welcome form: until it is answered the bedtime is
        # a guess, and a toast would cover the form.
        if not first_run:
            self.set_timer(REMINDERS_DELAY, self._start_reminders)
        self._follow_config()
        self.screen_change_signal.subscribe(self, self._screen_changed)
        # Urgent flags not yet acknowledged come back at every start, after the first paint,
        # and so do records set aside that nobody was told about.
        self.call_after_refresh(self.run_worker, self._recall, thread=True, group="flags")

    def _start_reminders(self) -> None:
        if self._reminders_factory is not None and self.reminders is None:
            # Building the service imports APScheduler and plyer and reads the store: off
            # the UI thread, so the first keys after the paint are not kept waiting.
            self.run_worker(self._build_reminders, thread=True, group="reminders")

    def _build_reminders(self) -> None:
        assert self._reminders_factory is not None
        reminders = self._reminders_factory(self)
        self.call_from_thread(self._run_reminders, reminders)

    def _run_reminders(self, reminders: Reminders) -> None:
        if not self.is_running:  # the user left while it loaded
            reminders.stop()
            return
        self.reminders = reminders
        self.run_worker(reminders.start(), group="reminders", exit_on_error=False)

    def on_unmount(self) -> None:
        if self.reminders is not None:
            self.reminders.stop()

    # --- red flags ---------------------------------------------------------------------------

    def _recall(self) -> None:
        """What the start owes the user (a worker thread): urgent flags, then notices."""
        self._recall_flags()
        self._tell_notices()

    def _recall_flags(self) -> None:
        """Read the urgent flags not yet acknowledged and show them."""
        try:
            flags = self.session.urgent_flags()
        except CoachError:
            return  # the timeline shows the storage problem
        if flags:
            self.call_from_thread(self.show_flags, flags)

    def _tell_notices(self) -> None:
        """Records set aside since the user was last told, by this app or by another process
        (a worker thread). What is set aside while the app runs is told when it closes."""
        try:
            notices = self.session.take_notices()
        except CoachError:
            return
        for notice in notices:
            self.call_from_thread(
                self.notify, notice, title="Records set aside", severity="warning", timeout=30
            )

    def check_red_flags(self, night: date) -> list[RaisedFlag]:
        """Run the red-flag rules on a night just saved (the diary's after-save hook, on
        any thread); store what they raise and show it once the save's screen is done.

        Urgent flags open the red-flag dialog; flags to raise soon come as a notice and
        stay in `coach flags` until acknowledged.
        """
        try:
            new = self.session.check_flags(night)
        except CoachError as exc:
            self.call_from_anywhere(self.notify, f"Could not check for red flags: {exc}")
            return []
        if new:
            # After the current handler: the check-in that saved dismisses itself first.
            self.call_from_anywhere(self._show_new_flags, new)
        return new

    def call_from_anywhere(self, callback: Callable[..., object], *args: Any) -> None:
        """Run callback on the app's thread after the current message, from any thread."""
        if self._ui_thread in (None, threading.get_ident()):
            self.call_later(callback, *args)
        else:
            self.call_from_thread(callback, *args)

    def _show_new_flags(self, new: list[RaisedFlag]) -> None:
        if any(flag.level == "urgent" for flag in new):
            self.show_flags(new)
        for flag in new:
            if flag.level == "soon":
                self.notify(flag.text, title="Worth raising with a professional", timeout=30)

    def show_flags(self, flags: list[RaisedFlag]) -> None:
        """The red-flag dialog; acknowledging it is recorded in the store."""
        from screens.redflag import RedFlagScreen

        def answered(acknowledged: bool | None) -> None:
            if acknowledged:
                self.acknowledge_flags(flags)

        self.push_screen(RedFlagScreen(flags), callback=answered)

    def acknowledge_flags(self, flags: list[RaisedFlag]) -> None:
        from coach.errors import StoreError

        for flag in flags:
            try:
                self.session.acknowledge_flag(flag.id)
            except StoreError as exc:
                self.notify(f"Not recorded: {exc}", title="Could not save", severity="error")
                return
            except CoachError:
                continue  # acknowledged meanwhile (another window, `coach flags --ack`)

    def _offer_checkin(self) -> None:
        """On the first start of the day, ask about each night of the past week not logged
        (oldest first, one key each), then last night if it has no cramp log."""
        from coach.diary.checkin import mark_asked, morning_round

        try:
            asked = morning_round(self.session)
            if asked is None:
                return  # nothing to ask, or a brand-new diary with no night behind it
            mark_asked(self.session)
        except CoachError:
            return  # the timeline shows the storage problem
        night = asked.night
        if not asked.gaps:
            if night is not None:
                self.action_checkin(night)
            return
        from screens.gaps import GapScreen

        def then(_: object) -> None:
            if night is not None and self.session.cramp_log(night) is None:
                self.action_checkin(night)

        self.push_screen(GapScreen(asked.gaps), then)

    def _after_setup(self, saved: bool | None) -> None:
        if saved:
            self._set_state(SETUP_DONE, True)
        self._start_reminders()
        if not self._state(HELP_SEEN):
            self._set_state(HELP_SEEN, True)
            self.action_help()

    def _state(self, key: str) -> Any:
        try:
            return self.session.get_state(key)
        except CoachError:
            return None

    def _set_state(self, key: str, value: Any) -> None:
        try:
            self.session.set_state(key, value)
        except CoachError as exc:
            self.notify(str(exc), title="Could not save", severity="error")

    # --- display choices, remembered in config.toml ------------------------------------------

    def _apply_display(self, settings: Settings) -> None:
        # Before the first paint: a theme set now costs nothing; the default is left alone.
        theme = settings.display.theme
        if theme is not None and theme != self.theme and theme in self.available_themes:
            self.theme = theme

    def _show_marks(self) -> None:
        """Focus and choice marks that need no colour: under NO_COLOR, and with the
        high-contrast theme and the terminal's own colours (see screens/looks.py)."""
        marks = self.no_color or self.theme == HIGH_CONTRAST_NAME or self.current_theme.ansi
        self.set_class(marks, "-marks")

    # --- config.toml edited while the app runs (`coach config set`, an editor) ----------------

    def _follow_config(self) -> None:
        from coach.clock import SystemClock
        from coach.settings.watch import ConfigWatcher

        # Real time, whatever the app's clock: the wait is for an editor's writes to end.
        self._config_watch = ConfigWatcher(self.config_path, SystemClock(), self.settings)
        self.set_interval(CONFIG_POLL_SECONDS, self._poll_config)

    def _poll_config(self) -> None:
        watcher = self._config_watch
        if watcher is None:
            return
        settings = watcher.poll()
        problem = watcher.take_problem()
        if problem is not None:
            self.notify(
                f"{problem}. coach keeps the settings it had until the file is fixed.",
                title="config.toml not used",
                severity="warning",
                timeout=20,
            )
        if settings is not None:
            self.use_settings(settings)

    def use_settings(self, settings: Settings) -> None:
        """Settings changed outside the app: Tonight's times, the player's holds, the
        voice and the theme follow at once."""
        self.session.use_settings(settings)
        if self.reminders is not None:
            self.reminders.settings_changed(settings)
        theme = settings.display.theme
        if theme is not None and theme != self.theme and theme in self.available_themes:
            self.theme = theme
        for screen in self.screen_stack:
            # A screen pushed but not yet built (the guided evening a reminder has just
            # opened) reads the new settings when it mounts.
            changed = getattr(screen, "settings_changed", None) if screen.is_mounted else None
            if changed is not None:
                changed()

    def on_app_focus(self) -> None:
        """The app has the keyboard again (in the browser: the page's terminal has the
        focus). Textual gives a screen shown while the app had no focus nothing to focus,
        and gives back only a field that had it before: in `coach serve`, whose app starts
        without focus, Tonight's list of steps had none, and the arrow keys did nothing.
        The screen's first field takes the focus, as it does in a terminal."""
        screen = self.screen
        if screen.focused is not None:
            return
        selector = self.AUTO_FOCUS if screen.AUTO_FOCUS is None else screen.AUTO_FOCUS
        if not selector:
            return
        for widget in screen.query(selector):
            if widget.focusable:
                screen.set_focus(widget)
                return

    def watch_theme(self, theme: str) -> None:
        """The user chose a theme (command palette, Settings): keep it for the next start."""
        self._show_marks()
        if theme != self.settings.display.theme:
            error = self.apply_settings([("display.theme", theme)])
            if error is not None:
                self.notify(f"The theme is not remembered: {error}", severity="warning")

    # --- what screens ask of the app -------------------------------------------------------

    def tonight(self) -> date:
        """The night the app is about now (it rolls over at noon)."""
        return current_night(self.settings, self.clock.now())

    def saved(
        self, change: Callable[Params, Result], /, *args: Params.args, **kwargs: Params.kwargs
    ) -> Result | None:
        """Make a change through the session (`app.saved(app.session.record_step, ...)`);
        on a storage failure, say so and return None."""
        try:
            result = change(*args, **kwargs)
        except CoachError as exc:
            self.notify(f"Not recorded: {exc}", title="Could not save", severity="error")
            return None
        if isinstance(result, StepRecord) and result.outcome in ("done", "skipped"):
            self._step_marked(result.step)
        return result

    def undo(self) -> Tombstone | None:
        """Take back the latest change and say what it was (or that there was none)."""
        try:
            stone = self.session.undo()
        except CoachError as exc:
            self.notify(f"Could not undo: {exc}", title="Could not save", severity="error")
            return None
        if stone is None:
            self.notify("Nothing to undo.")
        else:
            self.notify(f"Undone: {stone.what}.", title="Undo")
        return stone

    def redo(self) -> Tombstone | None:
        """Put back what the latest undo took and say what (or that there is nothing)."""
        try:
            stone = self.session.redo()
        except CoachError as exc:
            self.notify(f"Could not redo: {exc}", title="Could not save", severity="error")
            return None
        if stone is None:
            self.notify("Nothing to redo.")
        else:
            self.notify(f"Redone: {stone.what}.", title="Redo")
        return stone

    def apply_settings(self, changes: list[tuple[str, str | None]]) -> str | None:
        """Write config keys (None removes one); all or nothing. Returns an error line or None.

        The diary tries them on a copy first, so a bad value leaves config.toml untouched.
        """
        try:
            settings = self.session.change_settings(changes)
        except ConfigError as exc:
            return f"{exc.key}: {exc.problem}" if exc.key else exc.problem
        except OSError as exc:
            return f"{self.config_path}: cannot be written ({exc.strerror})"
        if self._config_watch is not None:
            self._config_watch.accept(settings)  # written here: nothing to follow
        if self.reminders is not None:
            self.reminders.settings_changed(settings)
        return None

    def open_file(self, path: Path) -> str | None:
        """Open a file with the desktop's viewer; None when started, else why not."""
        if self._opener is not None:
            return self._opener(path)
        from coach.desktop.opener import open_file

        return open_file(path)

    def make_speaker(self) -> Speaker:
        """Where the stretch player's cues go: voice and chimes, or the terminal bell."""
        if self._speaker_factory is not None:
            return self._speaker_factory(self)
        from coach.desktop.voice import BellSpeaker

        return BellSpeaker(self.bell, chimes=self.settings.stretch.bell)

    # --- reminders ----------------------------------------------------------------------------

    def step_due(
        self,
        step_id: str,
        night: date,
        late_by: timedelta = timedelta(0),
        words: tuple[str, str] | None = None,
    ) -> None:
        """A step fell due: select it on Tonight and say so in a toast, in the words of
        the desktop notification (`words`: its title and body; computed by the core's
        rules when not given)."""
        if night != self.tonight():
            return
        plan = self.session.plan(night)
        step = plan.step(step_id)
        if step is None:
            return
        from screens.wind_down import WindDownScreen

        guided = False
        for screen in self.screen_stack:
            if isinstance(screen, TonightScreen):
                screen.show_due(step_id)
            elif isinstance(screen, WindDownScreen):
                screen.announce(step_id)
                guided = True
        self.due_step = (night, step_id)
        if step_id == WIND_DOWN_STEP and not guided and isinstance(self.screen, TonightScreen):
            # Screens off is where the evening turns to bed: walk the rest of it from here.
            self.screen.action_wind_down()
        if words is None:
            from coach.reminders.rules import reminder_text

            words = reminder_text(self.settings, plan, step, self.clock.now(), late_by)
        title, body = words
        hint = "\n(z: snooze)" if self.reminders is not None else ""
        self.notify(f"{body}{hint}", title=title, timeout=30)
        self._tied.append((title, f"{body}{hint}", f"step:{step_id}"))

    def post_step_due(
        self,
        step_id: str,
        night: date,
        late_by: timedelta = timedelta(0),
        words: tuple[str, str] | None = None,
    ) -> None:
        """Thread-safe: hand this to the reminder host as its on-due callback."""
        from screens.messages import StepDue

        self.post_message(StepDue(step_id, night, late_by, words))

    def open_step(self, step_id: str) -> None:
        """Open one of tonight's steps as enter on Tonight would ("evening": the guided
        evening), over whatever is on screen but a dialog."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, TonightScreen):
            if isinstance(self.screen, ModalScreen):
                self.notify("Finish this first; the reminder's step waits on Tonight.")
                return
            self.pop_screen()
        tonight = self.screen
        if not isinstance(tonight, TonightScreen):
            return
        if step_id == "evening":
            tonight.action_wind_down()
        elif not tonight.open_step(step_id):
            title = self.settings.routine.step(step_id).title if step_id else step_id
            self.notify(f"{title} is not on tonight's plan.", severity="warning")

    def mark_done(self, night: date, step_id: str) -> None:
        """Record a step done as `d` on Tonight does: late once its time has passed."""
        from coach.reminders.rules import overtaken

        plan = self.session.plan(night)
        step = plan.step(step_id)
        if step is None:  # a no-stretch night of the experiment, or a step turned off
            self.notify(f"{step_id} is not on the plan for that night.", severity="warning")
            return
        late = overtaken(plan, step_id, self.clock.now())
        if self.saved(self.session.record_step, night, step_id, "done", late=late):
            self.notify(f"{step.title}: done.")
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_view", None) if screen.is_mounted else None
            if refresh is not None:
                refresh()

    def on_reminder_button(self, message: ReminderButton) -> None:
        """A button pressed on a desktop reminder: the same as the key in the app."""
        action = message.action
        if action.night != self.tonight():
            return
        if action.key == "done":
            self.mark_done(action.night, action.step_id)
        elif action.key == "snooze":
            self.snooze(action.step_id)
        else:
            self.open_step(action.step_id)

    def on_step_due(self, message: StepDue) -> None:
        self.step_due(message.step_id, message.night, message.late_by, message.words)

    def on_say(self, message: Say) -> None:
        """A notice from the background (reminders, sound): said once, and not over a dialog
        (held until it closes)."""
        self._say(message.text)

    def _say(self, text: str) -> None:
        if text in self._said or text in self._held:
            return
        if isinstance(self.screen, ModalScreen):
            self._held.append(text)
            return
        self._said.add(text)
        self.notify(text, severity="warning", timeout=15)

    def tie_notice(self, screen: Screen[Any], message: str) -> None:
        """A notice (untitled) about one screen: taken back when that screen is left."""
        self._tied.append(("", message, screen))

    def _screen_changed(self, screen: Screen[Any]) -> None:
        gone = [
            item for item in self._tied if isinstance(item[2], Screen) and item[2] is not screen
        ]
        if gone:
            self._withdraw(gone)
        if isinstance(screen, ModalScreen) and self._said:
            # A dialog opens under a background notice still on show: it waits too.
            from screens.textual_shim import withdraw_notices

            said = self._said
            for text in withdraw_notices(self, lambda notice: notice.message in said):
                self._said.discard(text)
                self._held.append(text)
        if not isinstance(screen, ModalScreen) and self._held:
            held, self._held = self._held, []
            for text in held:
                self._say(text)

    def _withdraw(self, items: list[tuple[str, str, object]]) -> None:
        from screens.textual_shim import withdraw_notices

        keys = {(title, message) for title, message, _ in items}
        self._tied = [item for item in self._tied if item not in items]
        withdraw_notices(self, lambda notice: (notice.title, notice.message) in keys)

    def _step_marked(self, step_id: str) -> None:
        """A step is recorded done or skipped: its reminder's toast has had its say."""
        mine = [item for item in self._tied if item[2] == f"step:{step_id}"]
        if mine:
            self._withdraw(mine)

    def on_ring_bell(self, message: RingBell) -> None:
        self.bell()

    def snooze(self, step_id: str | None = None) -> None:
        """Snooze a step (the one last announced, unless told) and say until when."""
        if self.reminders is None:
            self.notify("Reminders are not running in this window.", severity="warning")
            return
        night = self.tonight()
        if step_id is None:
            if self.due_step is None or self.due_step[0] != night:
                self.notify("No reminder to snooze yet.", severity="warning")
                return
            step_id = self.due_step[1]
        try:
            wake = self.reminders.snooze(night, step_id)
        except CoachError as exc:
            self.notify(str(exc), severity="warning")
            return
        left = self.reminders.snoozes_left(night, step_id)
        title = self.settings.routine.step(step_id).title
        self.notify(
            f"{title}: reminding you again at {wake.astimezone(self.settings.tz):%H:%M} "
            f"({left} snooze{'s' if left != 1 else ''} left tonight)."
        )

    def action_snooze(self) -> None:
        self.snooze()

    def pause_reminders(self, nights: int) -> str | None:
        """Pause reminders for `nights` nights from tonight (0: end a pause); returns what
        to tell the user, or None when it could not be recorded (said in a toast)."""
        tonight = self.tonight()
        if nights == 0:
            ended = self.saved(self.session.end_pause)
            if ended is None:
                return None
            said = "Reminders are back on." if ended else "Reminders were not paused."
        else:
            last = tonight + timedelta(days=nights - 1)
            if self.saved(self.session.pause_nights, last) is None:
                return None
            said = (
                f"Reminders paused to the night of {last:%a %d %b}; those nights count "
                "neither for nor against your streak."
            )
        if self.reminders is not None:
            self.reminders.refresh()
        return said

    def action_pause_tonight(self) -> None:
        """Silence tonight's reminders; the night does not count against the streak."""
        if self.reminders is None:
            self.notify("Reminders are not running in this window.", severity="warning")
            return
        try:
            changed = self.reminders.set_paused(self.tonight(), True)
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return
        if not changed:
            self.notify("Tonight's reminders are off already.")
            return
        self.notify(
            "Tonight's reminders are off; this night will not count against your streak. "
            "`coach pause --undo` turns them back on."
        )

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide a key in the footer on the screen it would open."""
        opens = {"cramp": "CrampScreen", "help": "HelpScreen"}.get(action)
        return opens is None or type(self.screen).__name__ != opens

    def action_cramp(self) -> None:
        from screens.cramp import CrampScreen

        if not isinstance(self.screen, CrampScreen):
            self.push_screen(CrampScreen())

    async def action_quit(self) -> None:
        """Leave coach; a stretch session under way is recorded first, as partial."""
        from screens.stretch_player import StretchScreen

        for screen in self.screen_stack:
            if isinstance(screen, StretchScreen):
                screen.record_partial()
        self.exit()

    def action_copy_or_say_quit(self) -> None:
        """ctrl+c: copy the selected text (in a field, or on the screen); with none, say
        that ctrl+q quits (q also does on Tonight)."""
        from textual.widgets import Input

        focused = self.focused
        if isinstance(focused, Input) and focused.selected_text:
            self.copy_to_clipboard(focused.selected_text)
            return
        selected = self.screen.get_selected_text()
        if selected:
            self.copy_to_clipboard(selected)
            return
        self.notify("Press ctrl+q to quit coach.", title="Do you want to quit?", timeout=5)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_history(self) -> None:
        from screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(exports_dir=self.exports_dir))

    def action_checkin(self, night: date | None = None) -> None:
        """The morning check-in: last night's cramps (or the night given)."""
        from screens.checkin import CheckinScreen

        if not isinstance(self.screen, CheckinScreen):
            self.push_screen(CheckinScreen(night))

    def action_settings(self) -> None:
        from screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_test_notification(self) -> None:
        delivery = self.notifier.notify("coach", "This is a test notification from coach.")
        if delivery.ok:
            self.notify(f"Sent a test notification ({delivery.backend}).")
        else:
            why = f": {delivery.detail}" if delivery.detail else ""
            self.notify(
                f"No desktop notification was shown ({delivery.backend}{why}).",
                severity="warning",
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Cramping now", "Relief guide with a timer; logs it", self.action_cramp)
        yield SystemCommand("Help", "Every key, and what coach does not claim", self.action_help)
        yield SystemCommand(
            "Settings", "Bedtime, time zone, steps, stretches", self.action_settings
        )
        yield SystemCommand(
            "History", "Adherence, streaks, cramps; correct a night; export", self.action_history
        )
        yield SystemCommand("Log last night's cramps", "The morning check-in", self.action_checkin)
        yield SystemCommand(
            "Pause or skip tonight's reminders",
            "Skip tonight: no reminders, and the night does not count against your streak",
            self.action_pause_tonight,
        )
        yield SystemCommand(
            "Snooze the last reminder", "Remind me again in a few minutes", self.action_snooze
        )
        if isinstance(screen, TonightScreen):
            yield SystemCommand(
                "Start my evening",
                "Walk each step still ahead as its time comes, to lights out",
                screen.action_wind_down,
            )
            yield SystemCommand("Done", "Mark the chosen step done", screen.action_done)
            yield SystemCommand("Skip", "Mark the chosen step skipped", screen.action_skip)
            yield SystemCommand("Stretches", "Open the guided stretches", screen.open_stretches)
            yield SystemCommand(
                "Experiment", "Find out whether stretching helps you", screen.action_experiment
            )
        yield SystemCommand(
            "Send a test notification",
            "Check that desktop notifications reach you",
            self.action_test_notification,
        )


def desktop_reminders(desktop: Notifier | None = None) -> RemindersFactory:
    """The reminder host for an app, on its session: APScheduler on the app's loop,
    desktop notifications (plyer unless told) while no daemon sends them."""

    def build(app: CoachApp) -> Reminders:
        # Imported here: APScheduler and plyer load after Tonight's first paint.
        from coach.reminders.host import DueReminder, ReminderHost, desktop_notifier
        from screens.messages import ReminderButton, Say

        def show(due: DueReminder) -> None:
            app.post_step_due(due.step.id, due.night, due.late_by, (due.title, due.body))

        def say(text: str) -> None:
            app.post_message(Say(text))

        return ReminderHost(
            app.session,
            "tui",
            desktop or desktop_notifier(app.settings),
            on_due=show,
            tell=say,
            instead="will show here instead",
            on_action=lambda action: app.post_message(ReminderButton(action)),
        )

    return build


def audio_speaker(app: CoachApp) -> Speaker:
    """The real cue speaker: voice and chimes on a worker thread, problems said in a toast."""
    from coach.desktop.voice import AudioCues
    from screens.messages import RingBell, Say

    settings = app.settings
    return AudioCues(
        settings.voice,
        settings.sound,
        chimes=settings.stretch.bell,
        on_problem=lambda text: app.post_message(Say(text)),
        bell=lambda: app.post_message(RingBell()),
    )


def run_tui(
    session: Session, notifier: Notifier | None = None, *, open_step: str | None = None
) -> int:
    """Start the app on the session's data (on one of tonight's steps, or the guided
    evening with "evening"); returns the exit status."""
    # Read tonight's and last night's records before the screen takes over, so a damaged
    # database stops here with the store's one-line error rather than inside the UI.
    night = session.tonight()
    session.outcomes(night - timedelta(days=1), night)
    app = CoachApp(
        session,
        notifier or _LazyDesktop(),
        reminders=desktop_reminders(notifier),
        speaker=audio_speaker,
        open_step=open_step,
    )
    app.run()
    return 0


class _LazyDesktop:
    """The real desktop notifier, built on first use so plyer loads after the first paint."""

    def __init__(self) -> None:
        self._real: Notifier | None = None

    def notify(self, title: str, message: str) -> Delivery:
        if self._real is None:
            from coach.desktop.notify import PlyerNotifier

            self._real = PlyerNotifier()
        return self._real.notify(title, message)
