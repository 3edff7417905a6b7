"""Digests of the month files: what the diary reads of a month, kept beside the records.

The diary of a night needs little of its month's file: each step's latest outcome, the
latest morning log and the events. Checking and decoding every record of every month is
what made opening History with years of records slow (some 2,000 records for the 400
nights it shows first, five in six of them step records written by the evening's
reminders). A month's digest holds just that, every record in it standing (no tombstone
took it back), and is written when a month is read whole and every record in it fits.

A digest is used only while the month file's bytes hash to what the digest names, so any
change to the file (a write, a merge, a restore, a hand edit) makes it stale, whatever its
time stamps say, and while its own body hashes (with that name) to the check it holds, so
an edit to the digest itself is not read either. It is read back like everything else:
each morning log and event is checked against its schema again, and each outcome against
the outcomes, the step ids and the month; a digest that does not fit is ignored and written
again from the month file.
It is only a cache, never backed up or merged: deleting the folder loses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from coach.records.schema import OUTCOMES, TABLES, a_date, misfit
from coach.system.files import MAX_FILE_BYTES, atomic_write, read_regular

DIGESTS_DIR = "digests"
"""Beside `db/`, not in it: the reminder daemon watches `db/` for new records."""
FORMAT = 4
"""Bump when what a digest holds (or the rules its contents were chosen by) changes.
2: the source hash is SHA-256, half the time of BLAKE2b on a CPU with SHA extensions (most
since 2017). 3: logs and events keep only what is decoded, less the records' defaults.
4: a check of the digest's own body (an edited digest that kept its source was read)."""


class Digest(NamedTuple):
    """One month's standing records as the diary reads them: checked documents."""

    steps: Mapping[str, Mapping[str, str]]
    """Night (ISO) -> step id -> the latest outcome recorded for it."""
    cramps: Sequence[Mapping[str, Any]]
    """Each night's latest morning log (without the fields that hold their default)."""
    events: Sequence[Mapping[str, Any]]
    """Every event, in the file's order (the same)."""


def source_hash(raw: bytes) -> str:
    """What a digest is tied to: the month file's bytes."""
    return hashlib.sha256(raw).hexdigest()[:32]


def digest_path(db_dir: Path, month: str) -> Path:
    return db_dir.parent / DIGESTS_DIR / f"{month}.json"


def _head(source: str) -> bytes:
    """How a digest of the file with hash `source` begins."""
    return b'{"format":%d,"source":"%s"' % (FORMAT, source.encode("ascii"))


CHECK_LENGTH = 32
"""Hex digits of the digest's own check."""


def _check(source: str, body: bytes) -> bytes:
    """The digest's own check: its body's bytes with the month file's hash. An edit to a
    digest that keeps its "source" (a hand edit, a damaged sector) does not pass."""
    return hashlib.sha256(source.encode("ascii") + b"\n" + body).hexdigest()[:CHECK_LENGTH].encode()


def encode_digest(digest: Digest, source: str) -> bytes:
    """`{"format":F,"source":S,"check":C,"body":{steps, cramps, events}}`, the body's bytes
    exactly as checked."""
    body = json.dumps(digest._asdict(), separators=(",", ":"), ensure_ascii=False).encode()
    return _head(source) + b',"check":"' + _check(source, body) + b'","body":' + body + b"}"


def _checked_body(raw: bytes, source: str) -> bytes | None:
    """The body of a digest of the file with hash `source` whose check holds, else None."""
    head = _head(source) + b',"check":"'
    start = len(head) + CHECK_LENGTH + len(b'","body":')
    if not raw.startswith(head) or not raw.endswith(b"}") or len(raw) <= start:
        return None
    check, body = raw[len(head) : len(head) + CHECK_LENGTH], raw[start:-1]
    if raw[len(head) + CHECK_LENGTH : start] != b'","body":' or check != _check(source, body):
        return None
    return body


def is_current(path: Path, source: str) -> bool:
    """Whether a digest of the file with hash `source` is at `path` (its first bytes
    only: whether it fits is for `read_digest` to say when it is read)."""
    head = _head(source)
    try:
        return read_regular(path, MAX_FILE_BYTES)[: len(head)] == head
    except OSError:
        return False


def decode_digest(raw: bytes, source: str, month: str) -> Digest | None:
    """The digest in `raw` if it is one of the month file with hash `source` and every
    part of it fits; otherwise None (the caller reads the month file instead)."""
    checked = _checked_body(raw, source)
    if checked is None:
        return None
    try:
        body = json.loads(checked)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    steps, cramps, events = body.get("steps"), body.get("cramps"), body.get("events")
    if not (isinstance(steps, dict) and isinstance(cramps, list) and isinstance(events, list)):
        return None
    step_check = TABLES["outcomes"].checks["step"]  # a step id as a record holds it
    fit: set[str] = set()  # the step ids checked (a month holds a handful, many times)
    for night, outcomes in steps.items():
        if a_date(night) is not None or night[:7] != month or not isinstance(outcomes, dict):
            return None
        for step, outcome in outcomes.items():
            if outcome not in OUTCOMES:
                return None
            if step not in fit:
                if step_check(step) is not None:
                    return None
                fit.add(step)
    nights = set()
    for doc in cramps:
        if misfit("cramps", doc, month) is not None or doc["night"] in nights:
            return None
        nights.add(doc["night"])
    if any(misfit("events", doc, month) is not None for doc in events):
        return None
    return Digest(steps=steps, cramps=cramps, events=events)


def read_digest(path: Path, source: str, month: str) -> Digest | None:
    """The month's digest at `path`, if there is a current one that fits."""
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except OSError:
        return None
    return decode_digest(raw, source, month)


def write_digest(path: Path, digest: Digest, source: str) -> None:
    """Keep a digest for the next read. Only a cache: a failure to write it is no error,
    and it is not synced to disk (one lost in a crash is written again)."""
    with contextlib.suppress(OSError):
        atomic_write(path, encode_digest(digest, source), durable=False)
