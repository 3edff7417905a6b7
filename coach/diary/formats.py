"""The output formats of `coach history` and `coach report`: closed sets as Literals, with
the tuples the command line offers. Light on purpose: the parser imports it, not the
exporters."""

from __future__ import annotations

from typing import Literal, get_args

HistoryFormat = Literal["table", "csv", "json"]
HISTORY_FORMATS: tuple[HistoryFormat, ...] = get_args(HistoryFormat)

ReportFormat = Literal["pdf", "html", "md"]
REPORT_FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)
