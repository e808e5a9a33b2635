"""The assurance pack: a year made checkable by a verifier without esgdesk's database. One zip
holds the report workbook, every figure of the year with its full history, the whole audit
log (so its hash chain is checked to its head), the evidence files, the factors used with
their sources, the method's choices, the catalogue edition, the sample and its marks, and a
manifest with the SHA-256 of every part. `verify_pack` checks it offline and names every part
changed, added or missing, every broken audit row, and every figure whose value disagrees
with its history."""

from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from esgdesk.errors import FileRefused
from esgdesk.model.frozen import Frozen
from esgdesk.model.states import state_text
from esgdesk.storage.audit import verify_rows
from esgdesk.storage.store import Store

FORMAT = "esgdesk-assurance-pack-1"
MANIFEST = "manifest.json"
VALUE_ACTIONS = ("set", "restate")
STATUS_ACTIONS = ("status", "restate", "recompute")


class PackProblem(Frozen):
    """One thing `verify_pack` found: a code (changed, added, missing, unreadable,
    broken_chain, head, figure, evidence) and what it names."""

    _fields = ("code", "name", "en", "zh")
    code: str
    name: str
    en: str
    zh: str

    def __init__(self, code: str, name: str, en: str, zh: str) -> None:
        self.__dict__.update(code=code, name=name, en=en, zh=zh)

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


def _json(data: Any) -> bytes:
    """A part as JSON, compact (the C encoder: indenting makes json use its Python one,
    seven seconds of a generated group's pack)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      default=lambda o: str(o) if isinstance(o, Decimal) else repr(o)
                      ).encode("utf-8")


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def evidence_path(sha256: str, file_name: str) -> str:
    """Where a document lies in the pack: by its hash (each once), keeping its extension."""
    return f"evidence/{sha256}{PurePosixPath(file_name).suffix.lower()}"


def pack_parts(store: Store, year: int, report: bytes) -> dict[str, bytes]:
    """Every part of a year's pack but the manifest, by its name in the zip."""
    codes = {e.id: e.code for e in store.entities()}
    chain = store.audit_chain()
    for row in chain:
        row["entity"] = codes.get(row["entity_id"], "")
    by_figure: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    for row in chain:
        by_figure.setdefault((row["entity"], row["year"], row["indicator"]), []).append(row)
    qualities = store.qualities(year)
    figures = []
    for stored in sorted(store.figures_of([e.code for e in store.entities()], [year]).values(),
                         key=lambda v: (v.entity, v.indicator)):
        quality, method = qualities.get((stored.entity, stored.indicator), ("", ""))
        figures.append({
            "entity": stored.entity, "year": stored.year, "indicator": stored.indicator,
            "value": stored.value, "state": stored.state, "status": stored.status,
            "note": stored.note, "provenance": stored.provenance, "quality": quality,
            "method": method, "history": [
                {key: row[key] for key in ("id", "at", "user", "action", "old_value",
                                           "new_value", "old_status", "new_status", "reason",
                                           "source", "hash")}
                for row in by_figure.get((stored.entity, year, stored.indicator), [])]})
    attachments = store.attachments(year, removed=True)
    parts: dict[str, bytes] = {"report.xlsx": report}
    for attachment in attachments:
        name = evidence_path(attachment.sha256, attachment.file_name)
        if name not in parts:
            parts[name] = store.evidence_content(attachment.sha256)
    info = store.edition_info(year)
    sample = store.latest_sample(year)
    parts.update({
        "figures.json": _json(figures),
        "audit.json": _json(chain),
        "evidence.json": _json([{**a.as_dict(), "path": evidence_path(a.sha256, a.file_name)}
                                for a in attachments]),
        "factors.json": _json({f.id: {name: getattr(f, name) for name in f._fields}
                               for f in store.factors(year).values()}),
        "method.json": _json(store.settings_under("method.")),
        "catalogue.json": _json({"year": year, "edition": None if info is None else {
            "number": info.number, "hash": info.hash, "made_by": info.made_by,
            "made_at": info.made_at}, "document": store.edition_document(year)}),
        "sample.json": _json({"sample": None if sample is None else sample.as_dict(),
                              "marks": [m.as_dict() for m in store.marks_of_years({year})]}),
    })
    return parts


def write_pack(store: Store, year: int, out: Path, report: bytes, made_by: str,
               made_at: str, version: str) -> Path:
    """Write the pack (atomically: a failed write leaves no half a pack)."""
    parts = pack_parts(store, year, report)
    manifest = {"format": FORMAT, "year": year, "made_by": made_by, "made_at": made_at,
                "esgdesk": version, "audit_head": store.audit_head(),
                "parts": {name: {"sha256": _sha(content), "size": len(content)}
                          for name, content in sorted(parts.items())}}
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _json(manifest))
        for name, content in sorted(parts.items()):
            archive.writestr(name, content)
    partial.replace(out)
    return out


def verify_pack(path: Path) -> tuple[dict[str, Any], list[PackProblem]]:
    """Check a pack offline: its manifest and what it found wrong (empty when sound)."""
    try:
        with zipfile.ZipFile(path) as archive:
            contents = {info.filename: archive.read(info) for info in archive.infolist()
                        if not info.is_dir()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused(f"is not an assurance pack ({exc})",
                          f"不是核查包（{exc}）", where=str(path), kind="not_a_pack") from exc
    try:
        manifest = json.loads(contents.pop(MANIFEST))
        listed: dict[str, dict[str, Any]] = manifest["parts"]
    except (KeyError, ValueError, TypeError) as exc:
        raise FileRefused("has no readable manifest", "没有可读的清单（manifest.json）",
                          where=str(path), kind="not_a_pack") from exc
    problems = _parts(listed, contents)
    audit = _loaded(contents, "audit.json", problems)
    if isinstance(audit, list):
        problems += _chain(audit, str(manifest.get("audit_head", "")))
        figures = _loaded(contents, "figures.json", problems)
        if isinstance(figures, list):
            problems += _figures(figures, audit)
        attachments = _loaded(contents, "evidence.json", problems)
        if isinstance(attachments, list):
            problems += _evidence(attachments, audit, contents)
    return manifest, problems


def _parts(listed: dict[str, dict[str, Any]], contents: dict[str, bytes]) -> list[PackProblem]:
    found = []
    for name, facts in sorted(listed.items()):
        content = contents.get(name)
        if content is None:
            found.append(PackProblem("missing", name, f"{name}: missing from the pack",
                                     f"{name}：包中缺少此文件"))
        elif _sha(content) != facts.get("sha256"):
            found.append(PackProblem("changed", name,
                                     f"{name}: changed (its SHA-256 is not the manifest's)",
                                     f"{name}：已被修改（SHA-256 与清单不符）"))
    for name in sorted(set(contents) - set(listed)):
        found.append(PackProblem("added", name, f"{name}: added (not in the manifest)",
                                 f"{name}：清单中没有此文件（被添加）"))
    return found


def _loaded(contents: dict[str, bytes], name: str, problems: list[PackProblem]) -> Any:
    if name not in contents:
        return None
    try:
        return json.loads(contents[name])
    except ValueError:
        problems.append(PackProblem("unreadable", name, f"{name}: cannot be read",
                                    f"{name}：无法读取"))
        return None


def _chain(audit: list[dict[str, Any]], head: str) -> list[PackProblem]:
    report = verify_rows(audit)
    found = [PackProblem("broken_chain", f"audit row {row}",
                         f"audit.json: audit row {row} was changed, or a row before it "
                         "removed", f"audit.json：审计记录 {row} 被修改，或其前的记录被删除")
             for row in report.broken]
    last = str(audit[-1].get("hash", "")) if audit else ""
    if last != head:
        found.append(PackProblem("head", "audit.json",
                                 "audit.json: the audit log does not end at the manifest's "
                                 "head", "audit.json：审计日志的末尾与清单记录的链头不符"))
    return found


def _figures(figures: list[dict[str, Any]], audit: list[dict[str, Any]]) -> list[PackProblem]:
    """Each figure against the newest rows of its history in the audit log."""
    logged_value: dict[tuple[str, int, str], Any] = {}
    logged_status: dict[tuple[str, int, str], Any] = {}
    for row in audit:
        key = (row.get("entity"), row.get("year"), row.get("indicator"))
        if row.get("action") in VALUE_ACTIONS:
            logged_value[key] = row.get("new_value")  # type: ignore[index]
        if row.get("action") in STATUS_ACTIONS and row.get("new_status") is not None:
            logged_status[key] = row.get("new_status")  # type: ignore[index]
    found = []
    for figure in figures:
        key = (figure.get("entity"), figure.get("year"), figure.get("indicator"))
        shown = state_text(str(figure.get("state")), figure.get("value"))
        place = f"{key[0]} {key[1]} {key[2]}"
        if key in logged_value and shown != logged_value[key]:
            found.append(PackProblem(
                "figure", place, f"figures.json: {place} is {shown!r}; its history says "
                f"{logged_value[key]!r}", f"figures.json：{place} 为 {shown!r}，其历史记录为 "
                f"{logged_value[key]!r}"))
        status = logged_status.get(key, "draft")  # type: ignore[arg-type]
        if figure.get("status") != status:
            found.append(PackProblem(
                "figure", place, f"figures.json: {place} is {figure.get('status')}; its "
                f"history says {status}", f"figures.json：{place} 的状态为 "
                f"{figure.get('status')}，其历史记录为 {status}"))
    return found


def _evidence(attachments: list[dict[str, Any]], audit: list[dict[str, Any]],
              contents: dict[str, bytes]) -> list[PackProblem]:
    """Each document: in the pack, its content the hash its attachment's audit row holds."""
    attached = {(row.get("entity"), row.get("year"), row.get("indicator"), row.get("new_value"))
                for row in audit if row.get("action") == "attach"}
    found = []
    for attachment in attachments:
        path = str(attachment.get("path", ""))
        content = contents.get(path)
        sha = attachment.get("sha256")
        if content is not None and _sha(content) != sha:
            found.append(PackProblem("evidence", path,
                                     f"{path}: its content is not the document attached "
                                     f"({attachment.get('file_name')})",
                                     f"{path}：内容与所附证明文件（{attachment.get('file_name')}）"
                                     "不符"))
        if (attachment.get("entity"), attachment.get("year"), attachment.get("indicator"),
                sha) not in attached:
            found.append(PackProblem("evidence", path,
                                     f"{path}: no audit row attached it",
                                     f"{path}：审计日志中没有附上此文件的记录"))
    return found
