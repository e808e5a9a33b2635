"""China's provincial-level divisions as data (resources/provinces.toml): each one's id (the
pinyin grid factors are named by), zh and en names, and the regional grid it belongs to; and
reading a province as a user types it (id, zh or en name, any case), refusing a typo with the
nearest names."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from esgdesk.errors import EsgdeskError
from esgdesk.paths import RESOURCES

PROVINCES_FILE = RESOURCES / "provinces.toml"


class Region(NamedTuple):
    """A regional grid of the MEE/NBS factors (huabei: 华北)."""

    id: str
    zh: str
    en: str


class Province(NamedTuple):
    """A provincial-level division: `region` is its regional grid's id, "" where it has no
    single one (内蒙古)."""

    id: str
    zh: str
    en: str
    full_zh: str
    region: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every spelling it is known by, as typed."""
        return (self.id, self.zh, self.en, self.full_zh, *self.aliases)


class UnknownProvince(EsgdeskError):
    """A province that is none of the known ones, with the nearest names."""

    kind = "unknown_province"

    def __init__(self, typed: str, nearest: list[Province]) -> None:
        self.typed, self.nearest = typed, nearest
        shown = typed.strip()[:40]
        if nearest:
            en = ", ".join(f"{p.id} ({p.en}, {p.zh})" for p in nearest)
            zh = "、".join(f"{p.zh}（{p.id}）" for p in nearest)
            super().__init__(f"'{shown}' is not a province of China; did you mean {en}?",
                             f"“{shown}”不是中国的省级行政区；是否指 {zh}？",
                             where="province")
        else:
            super().__init__(f"'{shown}' is not a province of China (see resources/"
                             "provinces.toml: ids such as guangdong, zh or en names)",
                             f"“{shown}”不是中国的省级行政区（如 guangdong、广东、Guangdong）",
                             where="province")


@cache
def _data() -> tuple[dict[str, Province], dict[str, Region]]:
    import tomllib  # when the file is first read, not at start-up

    with PROVINCES_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    regions = {r["id"]: Region(r["id"], r["name"]["zh"], r["name"]["en"])
               for r in raw["regions"]}
    provinces = {p["id"]: Province(p["id"], p["name"]["zh"], p["name"]["en"], p["full_zh"],
                                   p.get("region", ""), tuple(p.get("aliases", ())))
                 for p in raw["provinces"]}
    return provinces, regions


def provinces() -> dict[str, Province]:
    """Every province, by id."""
    return _data()[0]


def regions() -> dict[str, Region]:
    """The seven regional grids, by id."""
    return _data()[1]


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


@cache
def _by_name() -> dict[str, Province]:
    return {_key(name): province for province in provinces().values()
            for name in province.names()}


def known_province(text: str | None) -> Province | None:
    """The province a stored or typed text names, or None (no text, or none known)."""
    return _by_name().get(_key(text or "")) if text else None


def find_province(text: str) -> Province:
    """The province typed (id, zh or en name, any case and spacing), or UnknownProvince
    naming the nearest ones."""
    found = known_province(text)
    if found is not None:
        return found
    import difflib

    names = _by_name()
    close = difflib.get_close_matches(_key(text), list(names), n=6, cutoff=0.5)
    nearest = list(dict.fromkeys(names[name] for name in close))[:3]
    raise UnknownProvince(text, nearest)


def province_region(province: str | None) -> Region | None:
    """The regional grid of a province (by any of its names), or None."""
    found = known_province(province)
    return regions().get(found.region) if found is not None and found.region else None
