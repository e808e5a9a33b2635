"""The catalogue templates a new database starts from: the shipped folders of catalogue data,
each read, checked and spelt out as a document (the form a database stores an edition in)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from esgdesk.errors import CatalogueError, NotFound
from esgdesk.model.catalogue import CATALOGUE_DIR, Catalogue, Label, read, to_document
from esgdesk.paths import RESOURCES


@dataclass(frozen=True)
class Template:
    id: str
    title: Label
    folder: Path


TEMPLATES = {
    t.id: t for t in (
        Template("zkteco-2023", Label("熵基科技 2023 年 ESG 报告的指标表",
                                      "The indicator tables of ZKTeco's 2023 ESG report"),
                 CATALOGUE_DIR),
        Template("szse-17", Label("深交所自律监管指引第 17 号（可持续发展报告）要求披露的指标",
                                  "What the SZSE Self-Regulatory Guideline No. 17 asks a "
                                  "sustainability report to disclose"),
                 RESOURCES / "templates" / "szse-17"),
    )
}
DEFAULT_TEMPLATE = "zkteco-2023"


def template(template_id: str) -> Template:
    try:
        return TEMPLATES[template_id]
    except KeyError:
        known = ", ".join(TEMPLATES)
        raise NotFound(f"no template '{template_id}' (templates: {known})",
                       f"没有模板“{template_id}”（可用模板：{known}）") from None


def available() -> list[Template]:
    """The templates whose data is shipped with this esgdesk."""
    return [t for t in TEMPLATES.values() if (t.folder / "catalogue.toml").exists()]


@cache
def template_catalogue(template_id: str = DEFAULT_TEMPLATE) -> Catalogue:
    """A template's catalogue, read once per process; broken data is refused."""
    catalogue, problems = read(template(template_id).folder)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def template_document(template_id: str = DEFAULT_TEMPLATE) -> dict[str, Any]:
    """A template as the document a new database stores as its first edition."""
    return to_document(template_catalogue(template_id))
