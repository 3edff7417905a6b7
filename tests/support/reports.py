"""The Markdown report of a diary built in a test, without reading the store for it."""

from __future__ import annotations

from datetime import datetime

from coach.diary.nights import Diary
from coach.experiment.protocol import experiment_result
from coach.records.store import Store
from coach.report.build import Extras, build_report, experiment_blocks
from coach.report.markdown import render_markdown
from coach.settings.model import Settings


def markdown_report(
    diary: Diary, settings: Settings, weeks: int, now: datetime, store: Store | None = None
) -> str:
    """The Markdown report of the last `weeks` weeks of the diary (with the personal
    experiment's section when `store` holds one)."""
    if store is None:
        return render_markdown(build_report(diary, settings, weeks, now))
    extras = Extras(experiment=experiment_blocks(experiment_result(store, settings, now)))
    return render_markdown(build_report(diary, settings, weeks, now, extras=extras))
