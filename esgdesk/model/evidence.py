"""Evidence behind a figure, as data: the kinds of file taken (each known by its extension and
its first bytes), the size limit, what makes a file refused, an attachment as the store hands
it out, and how a figure was obtained (measured, calculated or estimated)."""

from __future__ import annotations

import io
from pathlib import PurePath

from esgdesk.errors import Code, EsgdeskError, EvidenceRefused
from esgdesk.model.frozen import Frozen

MAX_BYTES = 50 * 1024 * 1024  # a file over this is refused (a scan of a year's bills fits)

# Each extension taken, with the media type it is stored as.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".csv": "text/csv",
}
# The part an Office file's zip must hold to be what its extension says.
OFFICE_PARTS = {".xlsx": "xl/workbook.xml", ".docx": "word/document.xml"}
MAGIC = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
         ".jpeg": (b"\xff\xd8\xff",)}
# The first bytes of a program: ELF, PE (MZ), Mach-O (both byte orders, 32 and 64 bits and
# fat binaries), and a script's shebang.
EXECUTABLE = (b"\x7fELF", b"MZ", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
              b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")

TOO_LARGE = Code("evidence_too_large",
                 "{file} is {size} bytes; a document may be at most {limit} bytes",
                 "{file} 有 {size} 字节；证明文件最多 {limit} 字节")
IS_PROGRAM = Code("evidence_executable", "{file} is a program, not a document",
                  "{file} 是可执行程序，不是证明文件")
NOT_AS_NAMED = Code("evidence_not_as_named",
                    "{file} is not what its extension ({extension}) says it is",
                    "{file} 的内容与其扩展名（{extension}）不符")
KIND_NOT_TAKEN = Code("evidence_kind_not_taken",
                      "{file}: a document is a PDF, an image (PNG, JPEG), a workbook (xlsx), "
                      "a Word file (docx) or text (txt, csv), not {extension}",
                      "{file}：证明文件须为 PDF、图片（PNG、JPEG）、工作簿（xlsx）、Word 文件"
                      "（docx）或文本（txt、csv），而不是 {extension}")
EMPTY = Code("evidence_empty", "{file} is empty", "{file} 是空文件")


def media_type(file_name: str, content: bytes) -> str:
    """The media type a document is stored as, once its content is known to be what its
    extension says; EvidenceRefused (its Problem says why) otherwise."""
    name = PurePath(file_name).name
    extension = PurePath(name).suffix.lower()
    refuse_size(name, len(content))
    if not content:
        raise EvidenceRefused(EMPTY(file=name))
    if content.startswith(EXECUTABLE):
        raise EvidenceRefused(IS_PROGRAM(file=name))
    if extension not in MEDIA_TYPES:
        raise EvidenceRefused(KIND_NOT_TAKEN(file=name, extension=extension or "(none)"))
    if not _is_as_named(extension, content):
        raise EvidenceRefused(NOT_AS_NAMED(file=name, extension=extension))
    return MEDIA_TYPES[extension]


def refuse_size(file_name: str, size: int) -> None:
    """A document over the limit is refused before it is read."""
    if size > MAX_BYTES:
        raise EvidenceRefused(TOO_LARGE(file=PurePath(file_name).name, size=size,
                                        limit=MAX_BYTES))


def _is_as_named(extension: str, content: bytes) -> bool:
    if extension in MAGIC:
        return content.startswith(MAGIC[extension])
    if extension in OFFICE_PARTS:
        return _zip_holds(content, OFFICE_PARTS[extension])
    for encoding in ("utf-8-sig", "gb18030"):  # text: what a Chinese Excel or Notepad saves
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "\x00" not in text
    return False


def _zip_holds(content: bytes, part: str) -> bool:
    import zipfile

    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and part in names


class Attachment(Frozen):
    """A document attached to a figure: which figure, the file (its name, size, media type
    and SHA-256), the note said with it, who attached it and when, and whether (by whom,
    when and why) it was removed: a removed attachment stays, since the audit log names it."""

    _fields = ("id", "entity", "year", "indicator", "sha256", "file_name", "size",
               "media_type", "note", "attached_by", "attached_at", "removed", "removed_by",
               "removed_at", "removed_reason")
    id: int
    entity: str
    year: int
    indicator: str
    sha256: str
    file_name: str
    size: int
    media_type: str
    note: str
    attached_by: str
    attached_at: str
    removed: bool
    removed_by: str
    removed_at: str
    removed_reason: str

    def __init__(self, id: int, entity: str, year: int, indicator: str, sha256: str,
                 file_name: str, size: int, media_type: str, note: str, attached_by: str,
                 attached_at: str, removed: bool = False, removed_by: str = "",
                 removed_at: str = "", removed_reason: str = "") -> None:
        self.__dict__.update(id=id, entity=entity, year=year, indicator=indicator,
                             sha256=sha256, file_name=file_name, size=size,
                             media_type=media_type, note=note, attached_by=attached_by,
                             attached_at=attached_at, removed=bool(removed),
                             removed_by=removed_by or "", removed_at=removed_at or "",
                             removed_reason=removed_reason or "")

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self._fields}


# How a figure was obtained; "" when nobody said.
QUALITIES = {"measured": ("实测", "measured"), "calculated": ("计算", "calculated"),
             "estimated": ("估算", "estimated")}
ESTIMATED = "estimated"

UNKNOWN_QUALITY = Code("unknown_quality",
                       "'{quality}' is not how a figure is obtained: measured, calculated or "
                       "estimated", "“{quality}”不是数据的取得方式：实测、计算或估算")
NO_METHOD = Code("estimate_without_method",
                 "an estimated figure needs its method (how it was estimated)",
                 "估算数据需要说明估算方法")
METHOD_NOT_ESTIMATE = Code("method_without_estimate",
                           "only an estimated figure has a method",
                           "只有估算数据才需要说明估算方法")


def quality_problem(quality: str, method: str) -> Code | None:
    """What is wrong with saying a figure was obtained so (None when nothing is)."""
    if quality and quality not in QUALITIES:
        return UNKNOWN_QUALITY
    if quality == ESTIMATED and not method.strip():
        return NO_METHOD
    if quality != ESTIMATED and method.strip():
        return METHOD_NOT_ESTIMATE
    return None


def refuse_quality(indicator: str, quality: str, method: str) -> None:
    """EsgdeskError (its kind the problem's code) when a figure cannot be said to be
    obtained so."""
    code = quality_problem(quality.strip().lower(), method)
    if code is not None:
        found = code(indicator=indicator, quality=quality)
        raise EsgdeskError(found.en, found.zh, where=indicator, kind=found.code)


def quality_words(quality: str, lang: str = "en") -> str:
    """How a figure was obtained, in the language asked ("" when nobody said)."""
    words = QUALITIES.get(quality)
    if words is None:
        return ""
    return words[0] if lang == "zh" else words[1]
