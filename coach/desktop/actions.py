"""Notifications with buttons (Done, Snooze, Open), on Linux desktops, through the session
bus's org.freedesktop.Notifications, with jeepney.

The freedesktop notification spec lets a notification carry `actions` (key and label pairs)
where the server lists the "actions" capability; when the user picks one, the server emits
`ActionInvoked(id, key)` to the program that sent it. This notifier keeps one connection
open (jeepney's thread-safe router), so it is there to hear the answer, and hands each
answer, with the tag given when sending, to `on_action` on its own thread.

Where the server has no actions the notification goes out plain (the same D-Bus call); with
no session bus at all, `desktop_notifier` (coach.reminders.host) keeps plyer.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from queue import Empty, Queue
from typing import Any, Generic, TypeVar

from coach.desktop.notify import APP_NAME, NO_SESSION_BUS, Delivery

Tag = TypeVar("Tag")

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
CALL_TIMEOUT = 5.0
"""Seconds a call to the notification server may take."""


class ActionNotifier(Generic[Tag]):
    """Desktop notifications on the session bus, with actions where the server has them.

    `notify(title, message)` sends a plain one (the Notifier protocol);
    `notify_with_actions(title, message, actions, tag)` adds the buttons and remembers
    `tag` for the answer: `on_action(tag, key)` is called (on this notifier's thread) when
    the user picks one. Never raises.
    """

    backend = "D-Bus"

    def __init__(
        self,
        on_action: Callable[[Tag, str], object] | None = None,
        *,
        app_name: str = APP_NAME,
        timeout: float = CALL_TIMEOUT,
    ) -> None:
        self.on_action = on_action
        self.app_name = app_name
        self.timeout = timeout
        self._router: Any = None
        self._conn: Any = None
        self._lock = threading.Lock()
        self._tags: dict[int, Tag] = {}
        self._signals: Queue[Any] = Queue()
        self._listener: threading.Thread | None = None
        self._capabilities: frozenset[str] | None = None
        self._server = ""
        self._closed = False

    # --- the connection ---------------------------------------------------------------

    def _connect(self) -> Any:
        """The router, opened (and subscribed to the server's signals) on first use."""
        if self._router is not None and self._alive():
            return self._router
        self._drop()
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, Proxy, open_dbus_connection

        conn = open_dbus_connection(bus="SESSION")
        router = DBusRouter(conn)
        try:
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = MatchRule(type="signal", interface=BUS_NAME, member=member, path=OBJECT_PATH)
                # Servers that broadcast the signal need the match; those that send it to
                # us alone (dunst) deliver it anyway.
                Proxy(message_bus, router, timeout=self.timeout).AddMatch(rule)
                router.filter(rule, queue=self._signals)
        except Exception:
            router.close()
            conn.close()
            raise
        self._conn, self._router = conn, router
        self._capabilities = None
        if self._listener is None:
            self._listener = threading.Thread(
                target=self._listen, name="coach-notify-actions", daemon=True
            )
            self._listener.start()
        return router

    def _alive(self) -> bool:
        thread = getattr(self._router, "_rcv_thread", None)
        return thread is None or bool(thread.is_alive())

    def _drop(self) -> None:
        router, conn = self._router, self._conn
        self._router = self._conn = None
        if router is not None:
            try:
                router.close()
            finally:
                conn.close()

    def _call(self, method: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg

        router = self._connect()
        address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=BUS_NAME)
        message = new_method_call(address, method, signature, body)
        return unwrap_msg(router.send_and_get_reply(message, timeout=self.timeout))

    # --- what the server can do -------------------------------------------------------

    def check(self) -> tuple[bool, str]:
        """Whether a notification can be shown here: (True, the server) or (False, why)."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not _runtime_bus_exists():
            return False, NO_SESSION_BUS
        with self._lock:
            try:
                self._ask_server()
            except Exception as exc:  # jeepney raises OSError, DBusErrorResponse, TimeoutError
                return False, _why(exc)
        return True, self._server

    def _ask_server(self) -> None:
        # Asked before every notification, as plyer's probe does: a server that hangs
        # is found here, before a notification is put on its way, so a reminder cut off
        # by a crash while the server hangs is not shown twice after a restart.
        self._server = str(self._call("GetServerInformation")[0])
        if self._capabilities is None:
            capabilities = self._call("GetCapabilities")[0]
            self._capabilities = frozenset(str(c) for c in capabilities)

    @property
    def has_actions(self) -> bool:
        """The server shows actions (known once `check` or a notification asked it)."""
        return self._capabilities is not None and "actions" in self._capabilities

    # --- sending ----------------------------------------------------------------------

    def notify(self, title: str, message: str) -> Delivery:
        return self._send(title, message, (), None)

    def notify_with_actions(
        self, title: str, message: str, actions: Sequence[tuple[str, str]], tag: Tag
    ) -> Delivery:
        """Send with buttons (key, label) where the server has actions; plain otherwise."""
        return self._send(title, message, actions, tag)

    def _send(
        self, title: str, message: str, actions: Sequence[tuple[str, str]], tag: Tag | None
    ) -> Delivery:
        if self._closed:
            return Delivery(ok=False, backend=self.backend, detail="the notifier is closed")
        ok, why = self.check()
        if not ok:
            return Delivery(ok=False, backend=self.backend, detail=why)
        with self._lock:
            flat: list[str] = []
            if actions and self.has_actions:
                for key, label in actions:
                    flat += [key, label]
            body: tuple[Any, ...] = (self.app_name, 0, "", title, message, flat, {}, -1)
            try:
                reply = self._call("Notify", "susssasa{sv}i", body)
            except Exception as exc:
                self._drop()  # a bus that went away: reconnect next time
                return Delivery(ok=False, backend=self.backend, detail=_why(exc))
            if flat and tag is not None:
                self._tags[int(reply[0])] = tag
        shown = f"shown by {self._server}" if self._server else ""
        if actions and not flat:
            shown += "; without buttons: the notification server has no actions"
        return Delivery(ok=True, backend=self.backend, detail=shown.lstrip("; "))

    # --- answers ----------------------------------------------------------------------

    def _listen(self) -> None:
        while not self._closed:
            try:
                signal = self._signals.get(timeout=0.5)
            except Empty:
                continue
            member = signal.header.fields.get(_member_field())
            body = signal.body
            if not body:
                continue
            with self._lock:
                if member == "ActionInvoked":
                    tag = self._tags.pop(int(body[0]), None)
                else:  # NotificationClosed: no answer will come
                    self._tags.pop(int(body[0]), None)
                    continue
            if tag is not None and self.on_action is not None:
                try:
                    self.on_action(tag, str(body[1]))
                except Exception:  # the handler reports its own problems; never die here
                    continue

    def close(self) -> None:
        self._closed = True
        with self._lock:
            self._drop()


def _member_field() -> Any:
    from jeepney import HeaderFields

    return HeaderFields.member


def _runtime_bus_exists() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and os.path.exists(os.path.join(str(runtime), "bus"))


def _why(exc: BaseException) -> str:
    name = getattr(exc, "name", None)
    if name == "org.freedesktop.DBus.Error.ServiceUnknown":
        return "no notification service is running on the session bus"
    if isinstance(exc, TimeoutError):
        return "the notification service did not answer in time"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"the session bus refused ({text})"
