"""Where config, data, backups and logs live. Nothing here touches the disk at import."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import platformdirs

from coach.errors import CoachError
from coach.system.files import unsafe_folder

APP_NAME = "coach"
HOME_ENV = "COACH_HOME"


def report_folder(chosen: str | None) -> Path:
    """Where the report for the doctor is saved: the folder chosen in config.toml
    (`report.folder`, ~ allowed), else the user's documents folder (~/Documents, or the
    desktop's own name for it), where a person looks for a file."""
    if chosen:
        try:
            folder = Path(chosen).expanduser()
        except RuntimeError:  # "~someone" for a user that does not exist
            raise CoachError(f"report.folder {chosen!r}: cannot find that home folder") from None
        # A relative name is a folder in the home folder, wherever coach was started.
        return folder if folder.is_absolute() else Path.home() / folder
    return Path(platformdirs.user_documents_dir())


class Paths(NamedTuple):
    """Every path the app uses. Folders are created by whoever first writes into them."""

    config_dir: Path
    data_dir: Path

    @classmethod
    def resolve(
        cls, data_dir: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
    ) -> Paths:
        """`--data-dir` wins, then $COACH_HOME, then the platform's user folders."""
        env = os.environ if env is None else env
        if data_dir is not None and not str(data_dir).strip():
            raise CoachError("--data-dir is empty; name a folder, or leave the option out")
        chosen = data_dir if data_dir is not None else env.get(HOME_ENV) or None
        if chosen is not None:
            try:
                home = Path(chosen).expanduser().absolute()
            except RuntimeError:  # "~someone" for a user that does not exist
                raise CoachError(f"{chosen}: cannot find that home folder") from None
            return cls(config_dir=home, data_dir=home)
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        )

    def check(self) -> None:
        """Refuse, in one line, a data or config folder another user could tamper with."""
        folders = (
            self.data_dir,
            self.config_dir,
            self.db_dir,
            self.backups_dir,
            self.logs_dir,
            self.data_dir / "quarantine",
            self.data_dir / "digests",  # coach.records.digest.DIGESTS_DIR
        )
        for folder in dict.fromkeys(folders):
            why = unsafe_folder(folder)
            # The data folder may be a link (to a synced folder, say); a folder inside it
            # that is one would have coach write its records, backups and digests somewhere
            # else (some of coach followed such links and some did not).
            inside = folder not in (self.data_dir, self.config_dir)
            if why is None and inside and folder.is_symlink():
                raise CoachError(
                    f"{folder}: this folder of coach's data is a link to another place, "
                    "which coach does not follow; move the link away (coach makes the "
                    "folder again)"
                )
            if why is not None:
                raise CoachError(
                    f"{folder}: this folder of coach's data {why}; coach keeps health "
                    "records only in a folder of your own that others cannot write (chmod "
                    "go-w, or choose another with --data-dir)"
                )

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def db_dir(self) -> Path:
        """One TinyDB file per month of nights, plus the small state file."""
        return self.data_dir / "db"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "db.lock"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"
