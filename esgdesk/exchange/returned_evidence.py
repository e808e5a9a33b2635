"""The documents a returned request brings: in a folder or a zip named after the workbook
("hr-2024.xlsx" beside "hr-2024/" or "hr-2024.zip"), each file named by the figure it backs
(its name starting with the indicator id, or in a subfolder named after it). Each is checked
as any document attached is; a file that backs no figure of the request is refused."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from esgdesk.errors import Code, EvidenceRefused, Problem
from esgdesk.model.evidence import MAX_BYTES, media_type
from esgdesk.model.frozen import Frozen

NO_FIGURE = Code("evidence_no_figure",
                 "{file}: names no figure of this request (start its name with an indicator "
                 "id, or put it in a folder named after one)",
                 "{file}：未对应本数据请求的任何数据（文件名须以指标编号开头，或放在以指标编号"
                 "命名的文件夹中）")
SEPARATORS = ("_", "-", " ", ".", "（", "(")


class ReturnedDocument(Frozen):
    """A document that came back with a request, and the figure it backs."""

    _fields = ("indicator", "file_name", "content")
    indicator: str
    file_name: str
    content: bytes

    def __init__(self, indicator: str, file_name: str, content: bytes) -> None:
        self.__dict__.update(indicator=indicator, file_name=file_name, content=content)


def _files_beside(workbook: Path) -> list[tuple[str, bytes]]:
    """Each file of the folder or zip named after the workbook, by its path inside it."""
    folder, archive = workbook.with_suffix(""), workbook.with_suffix(".zip")
    found: list[tuple[str, bytes]] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found.append((path.relative_to(folder).as_posix(),
                              path.read_bytes() if path.stat().st_size <= MAX_BYTES
                              else b"\0" * (MAX_BYTES + 1)))
    if archive.is_file():
        with zipfile.ZipFile(archive) as opened:
            for info in opened.infolist():
                if info.is_dir() or PurePosixPath(info.filename).name.startswith("."):
                    continue
                found.append((info.filename, opened.read(info) if info.file_size <= MAX_BYTES
                              else b"\0" * (MAX_BYTES + 1)))
    return found


def _figure_of(inner: str, indicators: Iterable[str]) -> str | None:
    """The indicator a file names: its folder, or the start of its name (the longest id)."""
    path = PurePosixPath(inner)
    known = sorted(indicators, key=len, reverse=True)
    for part in path.parts[:-1]:
        if part in known:
            return part
    name = path.name
    return next((i for i in known if name.startswith(i) and (
        len(name) == len(i) or name[len(i)] in SEPARATORS)), None)


def returned_documents(workbook: Path, indicators: Iterable[str],
                       ) -> tuple[list[ReturnedDocument], list[Problem]]:
    """The documents beside a returned workbook for the figures it collects, or the problems
    with them (each naming its file)."""
    wanted = list(indicators)
    documents, problems = [], []
    for inner, content in _files_beside(workbook):
        name = PurePosixPath(inner).name
        indicator = _figure_of(inner, wanted)
        if indicator is None:
            problems.append(NO_FIGURE(file=inner))
            continue
        try:
            media_type(name, content)
        except EvidenceRefused as refused:
            problems.append(refused.problem)
            continue
        documents.append(ReturnedDocument(indicator, name, content))
    return documents, problems
