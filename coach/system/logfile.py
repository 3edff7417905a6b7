"""A rotating log file that stays user-only and never writes through a planted link."""

from __future__ import annotations

import io
import logging.handlers
import os
import stat

from coach.system.files import FILE_MODE

LOG_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """RotatingFileHandler whose every file (the first and each after a rotation) is
    opened without following links, must be a regular file of ours, and is 0600 whatever
    the umask."""

    def __init__(self, filename: str | os.PathLike[str], max_bytes: int, backups: int) -> None:
        super().__init__(
            filename, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=False
        )

    def _open(self) -> io.TextIOWrapper:
        try:
            mode = os.lstat(self.baseFilename).st_mode
        except FileNotFoundError:
            pass
        else:
            if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):  # a link fails at open
                raise OSError(0, "not a plain file", self.baseFilename)
        fd = os.open(self.baseFilename, LOG_FLAGS, FILE_MODE)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                raise OSError(0, "not a plain file of this user", self.baseFilename)
            os.fchmod(fd, FILE_MODE)
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return open(fd, "a", encoding=self.encoding, errors=self.errors)
