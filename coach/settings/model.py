"""config.toml, validated into a small frozen model, and `config get/set` on dotted keys."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coach.errors import ConfigError
from coach.system.files import atomic_write, read_regular
from coach.system.locks import FileLock
from coach.system.text import printable
from routines import EVENING, Evidence, Routine, StepDef
from routines.evening import SLEEP_POSITION_PREGNANT, STRETCH_NOTIFICATION

if TYPE_CHECKING:
    import tomlkit

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Variant = Literal["standing", "seated"]
VARIANTS: tuple[Variant, ...] = get_args(Variant)
THEMES: tuple[str, ...] = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "high-contrast",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-ansi",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)
"""Textual's built-in themes from 8.0 to 8.2 (8.0 has textual-ansi, 8.2 ansi-dark and
ansi-light) and coach's own high-contrast (screens/looks.py), named here so the core checks
a theme without importing Textual; the app keeps Textual's default when the installed
Textual lacks the one chosen."""
DEFAULT_THEME = "textual-dark"
DEFAULT_BEDTIME = time(22, 30)
OFFSET_RANGE = (-600, 120)
"""Steps may be set from 10 hours before bedtime to 2 hours after it."""
STEP_ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


class StretchSettings(NamedTuple):
    """How the guided stretch player runs; the defaults are the tested protocol's
    (Hallegraeff et al. 2012)."""

    hold_seconds: int = 10
    """Seconds to hold each stretch."""
    reps: int = 3
    """Times each stretch is done, per leg."""
    rest_seconds: int = 10
    """Seconds of rest between holds."""
    variant: Variant = "standing"
    """'standing', or 'seated' for people who find standing hard."""
    bell: bool = True
    """Sound a chime at each change of hold and rest (the terminal bell if no sound works)."""


class NotificationSettings(NamedTuple):
    """Desktop reminders."""

    enabled: bool = True
    """Send a desktop notification when a step falls due."""
    snooze_minutes: int = 10
    """How long a snooze lasts."""


class ProfileSettings(NamedTuple):
    """About the user, all optional: the routine adapts (CONTENT.md, who should adapt it)."""

    fluid_limit: bool = False
    """A doctor has set a fluid limit, or heart failure, kidney or liver disease, or low
    sodium: the hydration step is off unless `steps.hydration.enabled` turns it on."""
    pregnant: bool = False
    """Pregnant: side-sleeping in the sleep-position step, and a card to ask a midwife or
    doctor first, with the signs of a blood clot."""
    trouble_standing: bool = False
    """Standing or balancing is hard: the seated stretches, unless `stretch.variant` says."""
    numb_feet: bool = False
    """Numb feet (diabetes, neuropathy): no heat advice, as heat can burn unfelt."""


class VoiceSettings(NamedTuple):
    """Spoken cues, for a stretch session followed with eyes off the screen."""

    enabled: bool = False
    """Speak each change in the stretch player, and the title of each reminder."""
    rate: int = 150
    """Speaking speed in words per minute."""


class SoundSettings(NamedTuple):
    """The chime played at each change and the loudness of the voice."""

    volume: int = 80
    """Loudness of chimes and speech, 0 (silent) to 100."""


class DisplaySettings(NamedTuple):
    """How the app looks; the app saves a choice made in it here."""

    theme: str | None = None
    """The colour theme (one of THEMES); None leaves Textual's default, textual-dark."""


class ReportSettings(NamedTuple):
    """Where History's `x` saves the report for the doctor."""

    folder: str | None = None
    """A folder of the user's choosing (~ allowed); None: the user's documents folder."""


class Settings(NamedTuple):
    """Everything config.toml can say, with defaults filled in. Build with `load_settings`."""

    timezone: str
    """IANA time zone name in which the night's times are computed."""
    bedtime: time = DEFAULT_BEDTIME
    """Bedtime on nights without a weekday override. Before noon means after midnight."""
    bedtime_by_weekday: Mapping[str, time] = MappingProxyType({})
    """Bedtime overrides keyed by the evening's weekday ('mon'..'sun')."""
    routine: Routine = EVENING
    """The routine with the user's offsets, on/off flags and own steps applied."""
    stretch: StretchSettings = StretchSettings()
    notifications: NotificationSettings = NotificationSettings()
    profile: ProfileSettings = ProfileSettings()
    timezone_unknown: bool = False
    """True when config.toml names no zone and the system's could not be told (UTC used)."""
    voice: VoiceSettings = VoiceSettings()
    sound: SoundSettings = SoundSettings()
    display: DisplaySettings = DisplaySettings()
    report: ReportSettings = ReportSettings()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def bedtime_for(self, night: date) -> time:
        """The bedtime of the night that starts on the evening of `night`."""
        return self.bedtime_by_weekday.get(WEEKDAYS[night.weekday()], self.bedtime)

    @property
    def enabled_steps(self) -> tuple[StepDef, ...]:
        return tuple(step for step in self.routine.steps if step.enabled)


def system_timezone() -> str | None:
    """The system's IANA zone name, or None when it cannot be told."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises several kinds when /etc/localtime is odd
        return None
    return name if isinstance(name, str) and _is_zone(name) else None


TIMEZONE_UNKNOWN = (
    "the system's time zone could not be told, so times are in UTC; set yours with "
    "`coach config set timezone Europe/Berlin` (any IANA name)"
)


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# --- parsing single values -------------------------------------------------------------


def _short(value: object) -> str:
    """A value as an error message quotes it: at most 60 characters (a 1 MB value is not
    echoed whole, to the terminal or into daemon.log)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Bad(ValueError):
    """A value is wrong; the message says what is allowed."""


MORNING = (time(5, 0), time(12, 0))
"""Bedtimes from 05:00 to before noon are asked about ("09:30 is in the morning"): most
are an evening time typed without its 12 hours (an after-midnight bedtime like 00:30 or
02:00 is not asked)."""


def bedtime_question(value: str) -> str | None:
    """'09:30 is in the morning: did you mean 21:30?' for a bedtime in MORNING; None for
    any other (and for text that is not a time: the settings say what is wrong with it)."""
    try:
        at = parse_hhmm(value)
    except _Bad:
        return None
    if not MORNING[0] <= at < MORNING[1]:
        return None
    evening = at.replace(hour=at.hour + 12)
    return f"{at:%H:%M} is in the morning: did you mean {evening:%H:%M}?"


def parse_hhmm(value: object) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{1,2}:[0-9]{2}", value.strip()):
        raise _Bad(f'{_short(value)} is not a time; use HH:MM in 24-hour form, like "22:30"')
    hours, minutes = (int(part) for part in value.strip().split(":"))
    if hours > 23 or minutes > 59:
        raise _Bad(f"{_short(value)} is not a time; hours go 00-23 and minutes 00-59")
    return time(hours, minutes)


def _int_in(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"{_short(value)} is not a whole number; allowed: {low} to {high}")
        if not low <= value <= high:
            raise _Bad(f"{value} is out of range; allowed: {low} to {high}")
        return value

    return check


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{_short(value)} is not true or false")
    return value


def _choice(*options: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in options:
            raise _Bad(f"{_short(value)} is not allowed; use one of: {', '.join(options)}")
        return str(value)

    return check


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 500:
        raise _Bad("must be non-empty text of at most 500 characters")
    return value.strip()


def _shown_text(value: object) -> str:
    """Text that coach shows (what a step is, why): an escape sequence or a control
    character in it is shown as a mark, never sent to the terminal."""
    return printable(_text(value))


def _shown_line(value: object) -> str:
    """`_shown_text` on one line (a step's title)."""
    return printable(_text(value), one_line=True)


def _folder(value: object) -> str:
    """A folder's path: refused with a control character in it (one is no folder name)."""
    text = _text(value)
    if not text.isprintable():
        raise _Bad("holds a control character; give a folder's path, like ~/Doctor")
    return text


def _zone(value: object) -> str:
    if not isinstance(value, str) or not _is_zone(value):
        raise _Bad(f'{_short(value)} is not a known IANA time zone, like "Europe/Berlin"')
    return value


STRETCH_KEYS: dict[str, Callable[[object], Any]] = {
    "hold_seconds": _int_in(1, 300),
    "reps": _int_in(1, 10),
    "rest_seconds": _int_in(0, 300),
    "variant": _choice(*VARIANTS),
    "bell": _boolean,
}
NOTIFICATION_KEYS: dict[str, Callable[[object], Any]] = {
    "enabled": _boolean,
    "snooze_minutes": _int_in(1, 120),
}
PROFILE_KEYS: dict[str, Callable[[object], Any]] = {
    name: _boolean for name in ProfileSettings._fields
}
VOICE_KEYS: dict[str, Callable[[object], Any]] = {
    "enabled": _boolean,
    "rate": _int_in(80, 400),
}
SOUND_KEYS: dict[str, Callable[[object], Any]] = {
    "volume": _int_in(0, 100),
}
DISPLAY_KEYS: dict[str, Callable[[object], Any]] = {
    "theme": _choice(*THEMES),
}
REPORT_KEYS: dict[str, Callable[[object], Any]] = {
    "folder": _folder,
}
SECTIONS: dict[str, dict[str, Callable[[object], Any]]] = {
    "stretch": STRETCH_KEYS,
    "notifications": NOTIFICATION_KEYS,
    "voice": VOICE_KEYS,
    "sound": SOUND_KEYS,
    "profile": PROFILE_KEYS,
    "display": DISPLAY_KEYS,
    "report": REPORT_KEYS,
}
"""Simple tables of plain keys, checked and read the same way."""
STEP_KEYS: dict[str, Callable[[object], Any]] = {
    "offset_minutes": _int_in(*OFFSET_RANGE),
    "enabled": _boolean,
    "title": _shown_line,
    "what": _shown_text,
    "why": _shown_text,
}
TOP_KEYS = (
    "bedtime",
    "timezone",
    "bedtime_by_weekday",
    "steps",
    *SECTIONS,
)


# --- the whole file -------------------------------------------------------------------


def load_settings(
    path: Path, *, default_timezone: Callable[[], str | None] | None = None
) -> Settings:
    """Read and check config.toml; a missing file means all defaults."""
    try:
        raw = read_regular(path)  # a FIFO or a device is refused, never opened for reading
    except FileNotFoundError:
        raw = b""
    except OSError as exc:
        raise ConfigError(path, None, f"cannot be read ({exc.strerror})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"is not valid TOML ({exc})") from exc
    except RecursionError:
        raise ConfigError(path, None, "is not valid TOML (nested too deeply)") from None
    return settings_from_dict(data, path, default_timezone=default_timezone)


def settings_from_dict(
    data: Mapping[str, Any],
    path: Path,
    *,
    default_timezone: Callable[[], str | None] | None = None,
) -> Settings:
    """Check a parsed config and build Settings; the first problem raises ConfigError."""

    def check(key: str, parser: Callable[[object], Any], value: object) -> Any:
        try:
            return parser(value)
        except _Bad as bad:
            raise ConfigError(path, key, str(bad)) from None

    def table(key: str, value: object) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise ConfigError(path, key, "must be a table, like [" + key + "]")
        return value

    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(path, key, f"unknown key; known keys: {', '.join(TOP_KEYS)}")

    bedtime = check("bedtime", parse_hhmm, data["bedtime"]) if "bedtime" in data else None
    zone = check("timezone", _zone, data["timezone"]) if "timezone" in data else None

    by_weekday: dict[str, time] = {}
    for day, value in table("bedtime_by_weekday", data.get("bedtime_by_weekday", {})).items():
        key = f"bedtime_by_weekday.{day}"
        if day not in WEEKDAYS:
            raise ConfigError(path, key, f"unknown weekday; use one of: {', '.join(WEEKDAYS)}")
        by_weekday[day] = check(key, parse_hhmm, value)

    sections: dict[str, dict[str, Any]] = {}
    for section, keys in SECTIONS.items():
        found = sections.setdefault(section, {})
        for name, value in table(section, data.get(section, {})).items():
            if name not in keys:
                raise ConfigError(
                    path, f"{section}.{name}", f"unknown key; known: {', '.join(keys)}"
                )
            found[name] = check(f"{section}.{name}", keys[name], value)
    stretch_values = sections["stretch"]
    profile = ProfileSettings(**sections["profile"])
    if profile.trouble_standing and "variant" not in stretch_values:
        stretch_values["variant"] = "seated"
    stretch = StretchSettings(**stretch_values)

    steps = [_adapted(step, profile, stretch) for step in EVENING.steps]
    known = {step.id: index for index, step in enumerate(steps)}
    raw_steps = table("steps", data.get("steps", {}))
    if profile.fluid_limit and "enabled" not in table(
        "steps.hydration", raw_steps.get("hydration", {})
    ):
        steps[known["hydration"]] = steps[known["hydration"]]._replace(enabled=False)
    for step_id, raw_step in raw_steps.items():
        prefix = f"steps.{step_id}"
        fields = table(prefix, raw_step)
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name not in STEP_KEYS:
                raise ConfigError(
                    path, f"{prefix}.{name}", f"unknown key; known: {', '.join(STEP_KEYS)}"
                )
            values[name] = check(f"{prefix}.{name}", STEP_KEYS[name], value)
        if step_id in known:
            steps[known[step_id]] = steps[known[step_id]]._replace(**values)
            continue
        if not STEP_ID_PATTERN.match(step_id):
            raise ConfigError(
                path, prefix, "a step id is lowercase letters, digits and dashes, like 'warm-bath'"
            )
        if "title" not in values or "offset_minutes" not in values:
            raise ConfigError(
                path,
                prefix,
                f"unknown step id; known: {', '.join(known)} (to add your own step, give it "
                "a title and offset_minutes: set the title first)",
            )
        what = values.pop("what", values["title"])
        why = values.pop("why", "A step you added yourself.")
        steps.append(
            StepDef(
                id=step_id,
                what=what,
                why=why,
                evidence=Evidence.OWN,
                notification=what,
                **values,
            )
        )

    guessed = None if zone else (default_timezone or system_timezone)()
    return Settings(
        timezone=zone or guessed or "UTC",
        timezone_unknown=zone is None and guessed is None,
        bedtime=bedtime or DEFAULT_BEDTIME,
        bedtime_by_weekday=by_weekday,
        routine=EVENING._replace(steps=tuple(steps)),
        stretch=stretch,
        notifications=NotificationSettings(**sections["notifications"]),
        profile=profile,
        voice=VoiceSettings(**sections["voice"]),
        sound=SoundSettings(**sections["sound"]),
        display=DisplaySettings(**sections["display"]),
        report=ReportSettings(**sections["report"]),
    )


def stretch_minutes(stretch: StretchSettings, routine: Routine = EVENING) -> int:
    """About how long the guided stretches take, in whole minutes (at least 1)."""
    holds = len(routine.exercises_for(stretch.variant)) * stretch.reps * 2  # both legs
    seconds = holds * (stretch.hold_seconds + stretch.rest_seconds)
    return max(1, round(seconds / 60))


def _adapted(step: StepDef, profile: ProfileSettings, stretch: StretchSettings) -> StepDef:
    """A built-in step as this user needs it: the stretch's real length; side-sleeping in
    pregnancy. The user's own `what`/`why` in config still win (applied after)."""
    if step.id == "stretch":
        return step._replace(
            notification=STRETCH_NOTIFICATION.format(minutes=stretch_minutes(stretch))
        )
    if step.id == "sleep-position" and profile.pregnant:
        return SLEEP_POSITION_PREGNANT._replace(
            offset_minutes=step.offset_minutes, enabled=step.enabled
        )
    return step


# --- config get / set -------------------------------------------------------------------


def _parser_for(key: str, path: Path) -> Callable[[object], Any]:
    parts = key.split(".")
    match parts:
        case ["bedtime"]:
            return parse_hhmm
        case ["timezone"]:
            return _zone
        case ["bedtime_by_weekday", day] if day in WEEKDAYS:
            return parse_hhmm
        case ["steps", _, name] if name in STEP_KEYS:
            return STEP_KEYS[name]
        case [section, name] if name in SECTIONS.get(section, {}):
            return SECTIONS[section][name]
    raise ConfigError(path, key, f"unknown key; known keys: {', '.join(known_keys())}")


def known_keys() -> list[str]:
    keys = ["bedtime", "timezone"]
    keys += [f"bedtime_by_weekday.{day}" for day in WEEKDAYS]
    keys += [f"steps.<step>.{name}" for name in STEP_KEYS]
    keys += [f"{section}.{name}" for section, names in SECTIONS.items() for name in names]
    return keys


def _parse_text(text: str, parser: Callable[[object], Any]) -> Any:
    """Turn command-line text into the value the key wants, or raise _Bad."""
    if parser is _boolean:
        words = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
        return _boolean(words.get(text.strip().lower(), text))
    try:
        return parser(text)
    except _Bad as as_text:
        try:
            number = int(text.strip())
        except ValueError:
            raise as_text from None
        return parser(number)


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def config_get(settings: Settings, key: str, path: Path) -> str:
    """The value in force for a dotted key, defaults included."""
    _parser_for(key, path)
    parts = key.split(".")
    match parts:
        case ["bedtime"]:
            return format_value(settings.bedtime)
        case ["timezone"]:
            return settings.timezone
        case ["bedtime_by_weekday", day]:
            return format_value(settings.bedtime_by_weekday.get(day, settings.bedtime))
        case ["display", "theme"]:
            return settings.display.theme or DEFAULT_THEME
        case ["report", "folder"]:
            from coach.system.paths import report_folder

            return str(report_folder(settings.report.folder))
        case [section, name] if section in SECTIONS:
            return format_value(getattr(getattr(settings, section), name))
        case ["steps", step_id, name]:
            try:
                step = settings.routine.step(step_id)
            except KeyError:
                raise ConfigError(
                    path, key, f"unknown step id; known: {', '.join(settings.routine.step_ids)}"
                ) from None
            return format_value(getattr(step, name))
    raise ConfigError(path, key, "unknown key")  # pragma: no cover - _parser_for caught it


def _read_document(path: Path) -> tomlkit.TOMLDocument:
    # tomlkit keeps the user's comments and layout; only `config set/unset` need it.
    import tomlkit
    import tomlkit.exceptions

    try:
        text = read_regular(path).decode("utf-8")
    except FileNotFoundError:
        return tomlkit.document()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"cannot be read ({exc})") from exc
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(path, None, f"is not valid TOML ({exc})") from exc


def config_set(path: Path, key: str, text: str) -> Settings:
    """Set one dotted key, keeping every other key and comment; returns the new settings.

    The file is written only if the whole result is valid.
    """
    return config_change(path, [(key, text)])


def config_unset(path: Path, key: str) -> Settings:
    """Remove one dotted key so its default applies again."""
    return config_change(path, [(key, None)])


def config_change(path: Path, changes: Sequence[tuple[str, str | None]]) -> Settings:
    """Set keys (a value as the user would type it) and remove keys (None), keeping every
    other key and comment, in one atomic write; returns the new settings.

    All or nothing: a bad value or a result that is not valid as a whole (ConfigError)
    leaves the file as it was.
    """
    values: list[tuple[str, Any]] = []
    for key, text in changes:
        parser = _parser_for(key, path)
        if text is None:
            values.append((key, _UNSET))
            continue
        try:
            value = _parse_text(text, parser)
        except _Bad as bad:
            raise ConfigError(path, key, str(bad)) from None
        values.append((key, format_value(value) if isinstance(value, time) else value))
    with config_lock(path):
        document = _read_document(path)
        changed = False
        for key, value in values:
            if value is _UNSET:
                changed = _unset_in(document, key) or changed
            else:
                _set_in(document, path, key, value)
                changed = True
        if not changed:  # only keys that were not there: nothing to write
            return settings_from_dict(document.unwrap(), path)
        return _write_document(path, document)


_UNSET = object()
"""A change that removes its key."""


def config_lock(path: Path) -> FileLock:
    """The lock around a read-modify-write of config.toml: two `config set` at once both
    land."""
    return FileLock(path.with_name(f".{path.name}.lock"), what="the config lock")


def _set_in(document: tomlkit.TOMLDocument, path: Path, key: str, value: Any) -> None:
    import tomlkit

    *tables, leaf = key.split(".")
    node: Any = document
    for depth, name in enumerate(tables):
        if name not in node:
            node[name] = tomlkit.table()
        node = node[name]
        if not isinstance(node, dict):
            table_key = ".".join(tables[: depth + 1])
            raise ConfigError(path, table_key, f"must be a table, like [{table_key}]")
    node[leaf] = value
    if (
        len(tables) == 2
        and tables[0] == "steps"
        and tables[1] not in EVENING.step_ids
        and leaf == "title"
        and "offset_minutes" not in node
    ):
        # A step of one's own starts with its title (as the error for it says): at
        # bedtime until `steps.<id>.offset_minutes` moves it.
        node["offset_minutes"] = 0


def _unset_in(document: tomlkit.TOMLDocument, key: str) -> bool:
    """Remove the key if it is there; whether it was."""
    *tables, leaf = key.split(".")
    node: Any = document
    for name in tables:
        if name not in node or not isinstance(node[name], dict):
            return False
        node = node[name]
    if leaf not in node:
        return False
    del node[leaf]
    return True


def _write_document(path: Path, document: tomlkit.TOMLDocument) -> Settings:
    """Check the whole document, then write it crash-safely; the old file stays on error."""
    import tomlkit

    settings = settings_from_dict(document.unwrap(), path)
    try:
        atomic_write(path, tomlkit.dumps(document).encode("utf-8"))
    except OSError as exc:
        raise ConfigError(path, None, f"cannot be written ({exc.strerror})") from None
    return settings
