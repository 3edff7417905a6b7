"""What wakes the reminder host between reminders, without a periodic timer.

- Resume from suspend: logind's `PrepareForSleep(false)` on the system bus (jeepney).
- Wall-clock changes (NTP steps, a manual set, and resume too): a Linux timerfd armed on
  CLOCK_REALTIME with TFD_TIMER_CANCEL_ON_SET, which becomes readable when the clock is
  set. Python 3.11 has no os.timerfd_create, so libc is called through ctypes.
- Changes to config.toml and to the database folder: inotify (again through ctypes).

Each watcher runs on the asyncio loop (a reader on its file descriptor, or a task) and
calls `on_wake(reason)`; none of them wakes the process while nothing happens. Each
`start_*` returns a `Watch` to close, or raises `WatchUnavailable` saying why not.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import os
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

OnWake = Callable[[str], object]

LOGIND = "org.freedesktop.login1"
LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"

CLOCK_REALTIME = 0
TFD_NONBLOCK = os.O_NONBLOCK
TFD_CLOEXEC = os.O_CLOEXEC
TFD_TIMER_ABSTIME = 1
TFD_TIMER_CANCEL_ON_SET = 2

IN_MODIFY = 0x2
IN_CLOSE_WRITE = 0x8
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
_EVENT = struct.Struct("iIII")


class WatchUnavailable(Exception):
    """This kind of wake-up cannot be had here; the message says why, in plain words."""


class Watch:
    """A running watcher; `close()` stops it."""

    def __init__(self, name: str, close: Callable[[], object]) -> None:
        self.name = name
        self._close = close

    def close(self) -> None:
        self._close()


# --- libc -------------------------------------------------------------------------------


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class _Itimerspec(ctypes.Structure):
    _fields_ = [("it_interval", _Timespec), ("it_value", _Timespec)]


def _libc() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise WatchUnavailable("only Linux has timerfd and inotify")
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _errno_text() -> str:
    return os.strerror(ctypes.get_errno())


# --- wall-clock changes -------------------------------------------------------------------


class ClockChanges:
    """A timerfd that becomes readable when CLOCK_REALTIME is set (or jumps on resume)."""

    # Armed far in the future: it never expires, it is only ever cancelled by a clock set.
    FAR = 10 * 365 * 24 * 3600

    def __init__(self) -> None:
        libc = _libc()
        self._libc = libc
        fd = libc.timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC)
        if fd < 0:
            raise WatchUnavailable(f"timerfd_create failed ({_errno_text()})")
        self.fd: int = fd
        self.arm()

    def arm(self) -> None:
        value = _Itimerspec()
        value.it_value.tv_sec = int(_realtime()) + self.FAR
        flags = TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET
        if self._libc.timerfd_settime(self.fd, flags, ctypes.byref(value), None) != 0:
            text = _errno_text()
            os.close(self.fd)
            raise WatchUnavailable(f"timerfd_settime failed ({text})")

    def changed(self) -> bool:
        """Read the timerfd after it became readable: True if the clock was set."""
        try:
            os.read(self.fd, 8)
        except BlockingIOError:
            return False
        except OSError:  # ECANCELED: the clock was set; the timer must be armed again
            self.arm()
            return True
        self.arm()  # it expired (ten years on); arm it again
        return False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _realtime() -> float:
    return time.clock_gettime(time.CLOCK_REALTIME)


def start_clock_watch(loop: asyncio.AbstractEventLoop, on_wake: OnWake) -> Watch:
    """Call `on_wake('clock')` whenever the wall clock is set."""
    clock = ClockChanges()

    def readable() -> None:
        if clock.changed():
            on_wake("the clock was changed")

    loop.add_reader(clock.fd, readable)

    def close() -> None:
        loop.remove_reader(clock.fd)
        clock.close()

    return Watch("clock changes (timerfd)", close)


# --- files ----------------------------------------------------------------------------------


def start_file_watch(
    loop: asyncio.AbstractEventLoop, folders: dict[Path, set[str] | None], on_wake: OnWake
) -> Watch:
    """Call `on_wake(name)` when a file in one of `folders` is written, renamed in or
    removed; each folder maps to the names that matter (None: any name)."""
    libc = _libc()
    fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    if fd < 0:
        raise WatchUnavailable(f"inotify_init1 failed ({_errno_text()})")
    watches: dict[int, tuple[Path, set[str] | None]] = {}
    mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MODIFY
    for folder, names in folders.items():
        if not folder.is_dir():
            continue
        wd = libc.inotify_add_watch(fd, os.fsencode(folder), mask)
        if wd >= 0:
            watches[wd] = (folder, names)
    if not watches:
        os.close(fd)
        raise WatchUnavailable("none of the folders to watch could be watched")

    def readable() -> None:
        try:
            data = os.read(fd, 64 * 1024)
        except BlockingIOError:
            return
        offset, changed = 0, ""
        while offset + _EVENT.size <= len(data):
            wd, _mask, _cookie, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
            offset += _EVENT.size + length
            name = os.fsdecode(raw.rstrip(b"\0"))
            folder, names = watches.get(wd, (None, None))
            if folder is not None and (names is None or name in names):
                changed = str(folder / name)
        if changed:
            on_wake(f"{changed} changed")

    loop.add_reader(fd, readable)

    def close() -> None:
        loop.remove_reader(fd)
        with contextlib.suppress(OSError):
            os.close(fd)

    return Watch("file changes (inotify)", close)


# --- suspend and resume -----------------------------------------------------------------------


async def start_sleep_watch(on_wake: OnWake, timeout: float = 2.0) -> Watch:
    """Call `on_wake('resume')` when logind says the machine woke up from sleep.

    Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS, else the standard socket) and
    subscribes to PrepareForSleep; raises WatchUnavailable when there is no bus or no
    jeepney.
    """
    try:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.asyncio import DBusRouter, Proxy, open_dbus_connection
    except ImportError:
        raise WatchUnavailable("jeepney is not installed") from None
    try:
        conn = await asyncio.wait_for(open_dbus_connection(bus="SYSTEM"), timeout)
    except (TimeoutError, OSError, ValueError, KeyError) as exc:
        raise WatchUnavailable(f"no system bus ({exc or type(exc).__name__})") from None
    rule = MatchRule(
        type="signal", interface=LOGIND_MANAGER, member="PrepareForSleep", path=LOGIND_PATH
    )
    router = DBusRouter(conn)
    try:
        await asyncio.wait_for(Proxy(message_bus, router).AddMatch(rule), timeout)
    except Exception as exc:  # any D-Bus error: the bus refused the subscription
        conn.writer.close()
        raise WatchUnavailable(f"the system bus refused ({exc})") from None
    queue: asyncio.Queue[object] = asyncio.Queue()
    router.filter(rule, queue=queue, bufsize=16)

    async def listen() -> None:
        while True:
            message = await queue.get()
            body = getattr(message, "body", ())
            if body and body[0] is False:  # False: resumed; True: about to sleep
                on_wake("resumed from sleep")

    task = asyncio.get_running_loop().create_task(listen())

    def close() -> None:
        task.cancel()
        router._rcv_task.cancel()  # jeepney's receiver; its public close is a coroutine
        conn.writer.close()

    return Watch("suspend and resume (logind)", close)
