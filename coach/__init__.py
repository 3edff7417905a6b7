"""coach: a bedtime coach for night-time leg cramps. The core knows nothing of Textual."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

DISTRIBUTION = "bedtime-coach"
"""The name coach is installed under (pip, pipx); the command and the packages are coach."""


def installed_version() -> str:
    """The installed version, which pyproject.toml alone sets."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a source tree run without installing it
        return "0+unknown"


if TYPE_CHECKING:
    __version__: str
else:

    def __getattr__(name: str) -> str:
        # Read on first use: importlib.metadata costs more at startup than coach may spend.
        if name == "__version__":
            return installed_version()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lazy_exports(
    package: str, exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], Any], list[str]]:
    """A package's public surface, loaded on first use: its module `__getattr__` (PEP 562)
    and its `__all__`, from {module: names}. Importing the package itself loads nothing
    (so `coach.report` does not load fpdf, nor `coach.experiment` scipy)."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        return getattr(import_module(module), name)

    return __getattr__, sorted(where)
