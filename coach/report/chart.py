"""The report's weekly chart drawn with matplotlib (Agg, no pyplot), as PNG or SVG bytes.

Loaded only when a PDF or HTML report is made: matplotlib takes a few hundred
milliseconds to import, which no other command should pay.
"""

from __future__ import annotations

import io
from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from coach.diary.trends import MIN_RATE_NIGHTS
from coach.report.model import WeeklyChart

MM = 1 / 25.4
"""Inches per millimetre: the figure is sized for the page it goes on."""
LABELLED_BARS = 16
"""Up to this many bars each carry their count and nights logged; more share thinned labels."""
BAR = "#35608f"
BASELINE = "#9a9a9a"
FEW = "#c9d6e6"


def draw(chart: WeeklyChart, width_mm: float, height_mm: float) -> Figure:
    """The chart as a matplotlib figure of the given size."""
    fig = Figure(figsize=(width_mm * MM, height_mm * MM))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    bars = chart.bars
    xs = list(range(len(bars)))
    colours = [
        BASELINE if b.baseline else FEW if b.nights_logged < MIN_RATE_NIGHTS else BAR for b in bars
    ]
    drawn = ax.bar(xs, [b.cramps for b in bars], color=colours, width=0.7, zorder=2)
    for bar, patch in zip(bars, drawn, strict=True):
        if bar.nights_logged < MIN_RATE_NIGHTS:
            patch.set_hatch("///")
            patch.set_edgecolor(BAR)
    labelled = len(bars) <= LABELLED_BARS
    if labelled:
        # A week nobody logged has no count: "-", not a 0 that reads as no cramps.
        counts = [str(b.cramps) if b.nights_logged else "-" for b in bars]
        ax.bar_label(drawn, labels=counts, fontsize=8, padding=1)
        ax.set_xticks(xs, [f"{b.label}\n{b.nights_logged}/{b.nights} logged" for b in bars])
    else:
        step = -(-len(bars) // LABELLED_BARS)
        shown = xs[::-1][::step][::-1]
        ax.set_xticks(shown, [bars[i].label.split("\n")[0] for i in shown])
    ax.tick_params(axis="x", labelsize=7, length=0)
    ax.tick_params(axis="y", labelsize=7)
    # A short report keeps bars the width a long one would give them.
    ax.set_xlim(-0.6, max(len(bars), 6) - 0.4)
    ax.set_ylabel("cramps (count)", fontsize=8)
    top = max((b.cramps for b in bars), default=0)
    ax.set_ylim(0, max(4, top * 1.18))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Fixed margins in millimetres (tight_layout would draw the figure twice to find them).
    fig.subplots_adjust(
        left=11 / width_mm,
        right=1 - 1 / width_mm,
        bottom=(11 if labelled else 5) / height_mm,
        top=1 - 2 / height_mm,
    )
    return fig


def render(
    chart: WeeklyChart, width_mm: float, height_mm: float, fmt: Literal["png", "svg"]
) -> bytes:
    """The chart as PNG (170 dpi, for the page) or SVG (text kept as text, for HTML)."""
    fig = draw(chart, width_mm, height_mm)
    buffer = io.BytesIO()
    if fmt == "svg":
        from matplotlib import rc_context

        with rc_context({"svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buffer, format="png", dpi=170)
    return buffer.getvalue()
