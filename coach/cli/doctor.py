"""`coach doctor`: checks the reminder set-up (`coach.desktop.doctor`) and says, in plain
words, what to fix; exits 1 when it found a problem. `coach doctor --print-autostart`
prints an XDG autostart entry, for desktops where systemd user units do not start
graphical services.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.desktop.doctor import Check
    from coach.session import Session


def render(checks: list[Check], *, plain: bool = False) -> str:
    """The checks in columns; `plain`: a line of words for each, and one for its fix."""
    mark = {"ok": "ok     ", "note": "note   ", "problem": "PROBLEM"}
    word = {"ok": "OK", "note": "Note", "problem": "Problem"}
    lines = ["Checking coach's reminder set-up:", ""]
    for check in checks:
        if plain:
            lines.append(f"{word[check.verdict]}: {check.name}: {check.text}")
            if check.fix:
                lines.append(f"To fix it: {check.fix}")
            continue
        lines.append(f"  {mark[check.verdict]}  {check.name}: {check.text}")
        if check.fix:
            lines.append(f"           fix: {check.fix}")
    problems = sum(1 for c in checks if c.verdict == "problem")
    lines.append("")
    lines.append(
        "Everything reminders need is in place."
        if problems == 0
        else f"{problems} problem{'s' if problems != 1 else ''} found; each fix is one command."
    )
    return "\n".join(lines) + "\n"


# --- the command --------------------------------------------------------------------------


class DoctorOptions(NamedTuple):
    print_autostart: bool
    data_dir: str | None
    """coach's own --data-dir: the entry starts the daemon outside this shell."""
    plain: bool
    """Lines of words for screen readers (--plain), not columns."""


def run(options: DoctorOptions, ctx: Session) -> int:
    if options.print_autostart:
        from coach.desktop.autostart import autostart_entry, chosen_data_dir

        sys.stdout.write(autostart_entry(chosen_data_dir(options.data_dir)))
        return 0
    from coach.desktop.doctor import all_checks

    checks = all_checks(ctx)
    sys.stdout.write(render(checks, plain=options.plain))
    return 1 if any(c.verdict == "problem" for c in checks) else 0


def register(sub: Subparsers) -> None:
    """Add `doctor` to coach's commands."""
    from coach.cli.args import add_plain, command

    p = command(
        sub,
        run,
        DoctorOptions,
        "doctor",
        help="check the reminder set-up and say what to fix",
        description="Check what desktop reminders need: the notification server, "
        "notify-send, the daemon (and whether systemd starts it), the systemd user "
        "session's display and bus, suspend/resume, voice and sound, and the data folder. "
        "Each problem comes with the command that fixes it; exit 1 if there is one.",
    )
    p.add_argument(
        "--print-autostart",
        action="store_true",
        help="print an XDG autostart entry that starts the daemon at desktop login, and exit",
    )
    add_plain(p)
