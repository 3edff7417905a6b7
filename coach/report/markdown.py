"""The report as Markdown: what `coach report` prints by default."""

from __future__ import annotations

from coach.report.model import Block, Bullets, Paragraph, Report, WeeklyChart


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    lines = [f"# {report.title}", ""]
    for label, value in report.facts:
        lines.append(f"- {label}: {value or '_' * 24}")
    lines.append("")
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    lines += ["---", "", f"*{report.disclaimer}*", ""]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"*{block.text}*" if block.small else block.text, ""]
    if isinstance(block, Bullets):
        return [
            *(f"- **{lead}**: {text}" if lead else f"- {text}" for lead, text in block.items),
            "",
        ]
    if isinstance(block, WeeklyChart):
        return [f"{block.title}: {block.alt()}.", ""]
    lines = [
        "| " + " | ".join(block.header) + " |",
        "|" + "|".join("---:" if a == "r" else "---" for a in block.align) + "|",
    ]
    for index, row in enumerate(block.rows):
        cells = [_md_cell(c) for c in row]
        if block.total and index == len(block.rows) - 1:
            cells[0] = f"**{cells[0]}**"
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]
