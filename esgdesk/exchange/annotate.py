"""A returned workbook's copy with its problems written in, for the coordinator to send back.

Each problem becomes a comment on its cell (in the workbook's language first, then the
other) and the cell is highlighted; problems of the whole file go on the first sheet's
first cell. The copy is the file as returned otherwise: its metadata and every figure stay,
so the contributor corrects the marked cells and sends it again.
"""

from __future__ import annotations

from pathlib import Path

from esgdesk.errors import EsgdeskError
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.returned import Problem, load_request_workbook
from esgdesk.exchange.workbook import save_atomically

MARK = "FFC7CE"  # the light red spreadsheet programs use for a bad cell


def problem_text(problem: Problem, lang: str) -> str:
    """A problem as its cell's comment says it: the contributor's language first."""
    first, second = (problem.zh, problem.en) if lang == "zh" else (problem.en, problem.zh)
    return f"{first}\n{second}"


def annotate(path: str | Path, problems: list[Problem], out: str | Path) -> Path:
    """Write a copy of a returned workbook with each problem as a comment on its cell and
    the cell highlighted; the copy's path."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    path, out = Path(path), Path(out)
    if path.resolve() == out.resolve():
        raise EsgdeskError("the annotated copy must not replace the returned file",
                           "批注副本不能覆盖发回的文件", where=str(out), kind="same_file")
    workbook = load_request_workbook(path)
    meta, _cells = read_meta(workbook[META_SHEET], path.name)
    lang = meta.get("lang", "zh")
    fill = PatternFill("solid", fgColor=MARK)
    notes: dict[tuple[str, str], list[str]] = {}
    first = workbook.worksheets[0].title
    for problem in problems:
        placed = problem.sheet in workbook.sheetnames and problem.cell
        key = (problem.sheet, problem.cell) if placed else (first, "A1")
        notes.setdefault(key, []).append(problem_text(problem, lang))
    for (sheet, coordinate), texts in notes.items():
        cell = workbook[sheet][coordinate]
        cell.comment = Comment("\n\n".join(texts), "esgdesk", width=320,
                               height=min(60 + 50 * len(texts), 400))
        cell.fill = fill
    return save_atomically(workbook, out)
