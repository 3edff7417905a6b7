"""The report as one self-contained HTML page: the chart inline as SVG (text kept as text),
styles inline, printable on one A4 or Letter page. Loaded only when a report is made."""

from __future__ import annotations

from html import escape

from coach.report import chart as report_chart
from coach.report.model import Block, Bullets, Paragraph, Report, Table, WeeklyChart

STYLE = """
@page { size: auto; margin: 14mm; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 10pt; color: #191919;
       max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 15pt; margin: 0 0 .4em; }
h2 { font-size: 11pt; border-bottom: 1px solid #999; margin: 1.1em 0 .4em; }
dl { display: grid; grid-template-columns: 9em 1fr; gap: .15em .6em; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
dd.fill { border-bottom: 1px solid #999; width: 20em; height: 1.1em; }
table { border-collapse: collapse; margin: .2em 0 .4em; }
th { background: #e8eef5; font-size: 8.5pt; text-align: left; }
th, td { padding: .15em .5em; border-bottom: 1px solid #bbb; }
.r { text-align: right; }
tr.total td { font-weight: bold; }
p.small, footer { font-size: 8pt; color: #5f5f5f; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 8pt; color: #5f5f5f; }
"""


def render_html(report: Report) -> str:
    """The report as an HTML document."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        "<dl>",
    ]
    for label, value in report.facts:
        cell = f"<dd>{escape(value)}</dd>" if value else '<dd class="fill"></dd>'
        parts.append(f"<dt>{escape(label)}</dt>{cell}")
    parts.append("</dl>")
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section.title)}</h2>")
        parts.extend(_block(block) for block in section.blocks)
        parts.append("</section>")
    parts += [f"<footer><p>{escape(report.disclaimer)}</p></footer>", "</body></html>", ""]
    return "\n".join(parts)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return (
            f'<p class="small">{escape(block.text)}</p>'
            if block.small
            else (f"<p>{escape(block.text)}</p>")
        )
    if isinstance(block, Bullets):
        items = "".join(
            f"<li><b>{escape(lead)}</b>: {escape(text)}</li>"
            if lead
            else f"<li>{escape(text)}</li>"
            for lead, text in block.items
        )
        return f"<ul>{items}</ul>"
    if isinstance(block, WeeklyChart):
        svg = report_chart.render(block, 180, 45, "svg").decode()
        # The SVG's XML prologue and doctype are not allowed inside HTML.
        svg = svg[svg.index("<svg") :]
        return (
            f'<figure role="img" aria-label="{escape(block.alt())}">{svg}'
            f"<figcaption>{escape(block.title)}</figcaption></figure>"
        )
    return _table(block)


def _table(table: Table) -> str:
    def cells(tag: str, row: tuple[str, ...]) -> str:
        return "".join(
            f'<{tag} class="r">{escape(c)}</{tag}>' if a == "r" else f"<{tag}>{escape(c)}</{tag}>"
            for c, a in zip(row, table.align, strict=True)
        )

    rows = [f"<tr>{cells('th', table.header)}</tr>"]
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        total = ' class="total"' if table.total and index == last else ""
        rows.append(f"<tr{total}>{cells('td', row)}</tr>")
    return f"<table>{''.join(rows)}</table>"
