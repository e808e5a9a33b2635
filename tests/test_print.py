"""The report workbook printed and read in each language: every sheet on A4 with nothing cut,
sheet names whole, each workbook in its own language, titles following the year, and an
explicit state in the data sheet. Real workbooks, read back with openpyxl; LibreOffice
prints them to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from workbooks import load_workbook

from esgdesk.exchange.export import LONGEST_UNBROKEN, export_workbook
from esgdesk.exchange.workbook import (
    DEFAULT_HEIGHT,
    PRINT_SCALE_LEAST,
    PRINTABLE_POINTS,
    WIDER_FONT,
    height_for,
    lines_needed,
    longest_word,
    sheet_name,
    text_width,
)
from esgdesk.storage.store import Change, Store

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORDS = re.compile(r"[A-Za-z]{2,}")


def _width(sheet, column: int) -> float:
    """A column's width; one <col> element may set several columns."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= column <= dimension.max and dimension.width:
            return float(dimension.width)
    return 8.43


def _merged(sheet) -> dict[tuple[int, int], int]:
    """The first cell of each merged range → the range's last column."""
    return {(m.min_row, m.min_col): m.max_col for m in sheet.merged_cells.ranges}


def _too_narrow(book) -> list[str]:
    """Text cells the printed page would cut: wider than their column (or merged columns)
    on one line, a word wider than the column, or wrapped onto more lines than the row's
    height holds."""
    cut = []
    for sheet in book.worksheets:
        merged = _merged(sheet)
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value:
                    continue
                last = merged.get((cell.row, cell.column), cell.column)
                width = sum(_width(sheet, c) for c in range(cell.column, last + 1))
                bold = bool(cell.font and cell.font.b)
                indent = 2 * int(cell.alignment.indent or 0)
                room = width - indent
                height = sheet.row_dimensions[cell.row].height or DEFAULT_HEIGHT
                where = f"{sheet.title}!{cell.coordinate} {cell.value[:30]!r}"
                if cell.alignment.wrap_text:
                    size = float(cell.font.sz or 11) if cell.font else 11.0
                    lines = lines_needed(cell.value, room * 11 / size, bold)
                    needed = height_for(lines, size, bool(CJK.search(cell.value))) or 0
                    if LONGEST_UNBROKEN >= longest_word(cell.value, bold) > room:
                        cut.append(f"{where}: a word wider than its column ({room:.0f})")
                    elif needed > height + 0.5:
                        cut.append(f"{where}: {lines} lines in a row {height} high")
                elif text_width(cell.value, bold) > room and any(
                        sheet.cell(cell.row, c).value is not None
                        for c in range(last + 1, sheet.max_column + 1)):
                    cut.append(f"{where}: wider than its column ({room:.0f}) and not wrapped")
    return cut


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, _sample_master: Path,
          master_copy: Callable[[str, Callable[[Path], None], Path], Path]
          ) -> dict[str, Path]:
    """The sample's 2023 workbooks in each language (exported once per run), which the
    tests only read."""
    from esgdesk.storage.store import open_database

    def exported(lang: str) -> Callable[[Path], None]:
        def export(path: Path) -> None:
            shutil.copyfile(_sample_master, path.with_name("sample.db"))
            store = open_database(path.with_name("sample.db"))
            try:
                assert export_workbook(store, 2023, path, lang=lang, by_entity=True) == path
            finally:
                store.close()
        return export

    folder = tmp_path_factory.mktemp("print")
    return {lang: master_copy(f"print-report-{lang}.xlsx", exported(lang),
                              folder / f"report-{lang}.xlsx") for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def read(books: dict[str, Path]) -> dict[str, Any]:
    """The same workbooks as openpyxl reads them, read once for the tests that only look."""
    return {lang: load_workbook(path) for lang, path in books.items()}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_cell_is_wider_than_its_column_at_print(read: dict[str, Any],
                                                        lang: str) -> None:
    assert _too_narrow(read[lang]) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_prints_on_a4_at_no_less_than_8_points_with_its_titles(
        read: dict[str, Any], lang: str) -> None:
    book = read[lang]
    for sheet in book.worksheets[1:]:
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert not sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title  # a set scale
        scale = int(sheet.page_setup.scale or 100)
        assert scale >= PRINT_SCALE_LEAST * 100, sheet.title  # 10-point notes at 8 or more
        # chapters, and the index, findings and data too
        assert sheet.print_title_rows.replace("$", "") == "1:1", sheet.title
        landscape = sheet.page_setup.orientation == "landscape"
        widths = [_width(sheet, c) for c in range(1, sheet.max_column + 1)]
        parts = [c.id for c in sheet.col_breaks.brk]  # pages across: each fits its page
        for first, last in zip([0, *parts], [*parts, len(widths)], strict=True):
            # a stored width holds the column's padding: 7 pixels a unit, 3/4 point a pixel
            printed = sum(w * 7 * 0.75 * WIDER_FONT for w in widths[first:last]) * scale / 100
            assert printed <= PRINTABLE_POINTS[landscape] + 1, (sheet.title, first, printed)
    cover = book.worksheets[0]
    assert int(cover.page_setup.paperSize) == int(cover.PAPERSIZE_A4)
    assert cover.sheet_properties.pageSetUpPr.fitToPage
    assert int(cover.page_setup.fitToHeight or 1) == 1  # the cover on one page (1: default)
    assert book.worksheets[-1].page_setup.orientation == "landscape"  # the wide data sheet


def test_breakdown_rows_print_indented(read: dict[str, Any]) -> None:
    sheet = read["en"]["04 People"]
    female = next(c for row in sheet.iter_rows() for c in row if c.value == "Female")
    assert female.alignment.indent >= 1


def _pdf_pages(workbook: Path, folder: Path) -> list[str]:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and poppler-utils are installed by 'make test'")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(workbook)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pdf = folder / workbook.with_suffix(".pdf").name
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_prints_the_cover_on_one_page_and_every_label_whole(
        books: dict[str, Path], lang: str, tmp_path: Path) -> None:
    pages = _pdf_pages(books[lang], tmp_path)
    book = load_workbook(books[lang])
    cover = [str(v) for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)
             for v in row if v is not None]
    flat = [re.sub(r"\s+", "", page) for page in pages]
    title = re.sub(r"\s+", "", book.worksheets[0]["A1"].value)
    assert title in flat[0] and all(re.sub(r"\s+", "", v) in flat[0] for v in cover)
    assert not flat[1].startswith(re.sub(r"\s+", "", cover[-1]))  # nothing run over
    everything = "\n".join(pages)
    for sheet in book.worksheets[1:]:
        column = _width(sheet, 1)
        for (label,) in sheet.iter_rows(min_row=2, max_col=1, values_only=True):
            if isinstance(label, str) and lines_needed(label, column) == 1:
                assert label in everything, f"{sheet.title}: {label!r} is cut or missing"


def _sheet_names(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)  # read_only reads the names and no cell
    names = book.sheetnames
    book.close()
    return names


def test_sheet_names_are_the_chapters_short_titles(books: dict[str, Path]) -> None:
    names, chinese = (_sheet_names(books[lang]) for lang in ("en", "zh"))
    assert names[:7] == ["Cover", "Key Figures", "01 Governance", "02 Environment",
                         "03 Innovation", "04 People", "05 Community"]
    assert "04 以人为本" in chinese
    assert all(n == n.strip() and len(n) <= 31 for n in names)


def test_a_long_sheet_name_is_cut_at_a_word_boundary() -> None:
    taken: set[str] = set()
    long = "01 Steady for far-reaching, Opening up a new development pattern"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert first == "01 Steady for far-reaching"
    assert second == "01 Steady for far-reaching (2)"
    assert sheet_name("02 Green and low-carbon  Exploring", set()) == "02 Green and low-carbon"
    assert sheet_name("一二三四五六七八九十" * 4, set()) == ("一二三四五六七八九十" * 4)[:31]


def _texts(book: Any, skip: dict[str, set[int]]) -> list[tuple[str, str]]:
    """Every text cell of a workbook, but the columns `skip` names (sheet → columns)."""
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str) and cell.column not in skip.get(sheet.title, ()):
                    found.append((f"{sheet.title}!{cell.coordinate}", cell.value))
    return found


def test_the_english_workbook_has_no_chinese_but_what_users_typed(read: dict[str, Any]
                                                                  ) -> None:
    # Notes are the users' own words: the findings' explanations, the data sheet's notes.
    chinese = [(where, text) for where, text in _texts(read["en"], {"Findings": {7},
                                                                     "Data": {9}})
               if CJK.search(text)]
    assert chinese == []


def test_the_chinese_workbook_has_no_english_words_but_ids_units_and_codes(
        read: dict[str, Any], sample: Store) -> None:
    catalogue = sample.catalogue
    allowed = {w.lower() for i in catalogue.indicators.values()
               for w in WORDS.findall(f"{i.id} {i.unit.zh} {i.label.zh}")}
    allowed |= {w.lower() for t in catalogue.tables.values() for row in t.rows if row.label
                for w in WORDS.findall(row.label.zh)}
    allowed |= {w.lower() for c in catalogue.chapters for s in c.sections
                for w in WORDS.findall(" ".join((s.title.zh, *s.gri, *s.cass)))}
    allowed |= {"esgdesk", "gri", "standards", "cass", "esg", "zkteco"}
    english = [(where, text) for where, text in _texts(read["zh"], {"校验结果": {7},
                                                                      "数据": {3, 9, 10}})
               if {w.lower() for w in WORDS.findall(text)} - allowed]
    assert english == []
    book = read["zh"]
    cover = {r[0]: r[1] for r in book["封面"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert re.fullmatch(r"\d+ 个错误 · \d+ 个警告 · \d+ 条提示", cover["未处理的校验结果"])
    findings = list(book["校验结果"].iter_rows(min_row=2, values_only=True))
    assert findings and {f[0] for f in findings} <= {"错误", "警告", "提示"}
    assert not {f[2] for f in findings} & {e.code for e in sample.entities()}  # names


def test_titles_and_the_cover_follow_the_year(sample: Store, tmp_path: Path) -> None:
    sample.set_values([Change("group", 2024, "people.employees.total", "4200")], user="test")
    for lang, held, stale in (("zh", "2024 年重要成果", "2023 年重要成果"),
                              ("en", "Important Achievements in 2024",
                               "Important Achievements in 2023")):
        book = load_workbook(export_workbook(sample, 2024, tmp_path / f"{lang}.xlsx", lang=lang))
        cover = book.worksheets[0]
        assert "2024" in cover["A1"].value and "2023" not in cover["A1"].value
        assert "ZKTeco" in cover["A1"].value or "熵基科技" in cover["A1"].value
        assert "2024" in book.worksheets[1]["A1"].value  # 数说2024, Data of 2024
        titles = {c for s in book.worksheets[1:7] for (c,) in
                  s.iter_rows(max_col=1, values_only=True) if isinstance(c, str)}
        assert held in titles and stale not in titles


def test_the_data_sheet_shows_n_a_and_not_available_as_states(sample: Store,
                                                              tmp_path: Path) -> None:
    sample.set_values([
        Change("group", 2023, "people.leave.paternity", "n/a", note="no such leave here"),
        Change("group", 2023, "people.employees.doctorate", "not available",
               note="survey not run"),
    ], user="test")
    for lang, words in (("zh", ("不适用", "暂无")), ("en", ("n/a", "not available"))):
        book = load_workbook(export_workbook(sample, 2023, tmp_path / f"{lang}.xlsx",
                                             lang=lang), read_only=True)  # values, row by row
        rows = list(book.worksheets[-1].iter_rows(values_only=True))
        book.close()
        state = rows[0].index("状态" if lang == "zh" else "State")
        value = rows[0].index("数值" if lang == "zh" else "Value")
        group = sample.entity("group").name(lang)
        found = {r[2]: r for r in rows[1:] if r[0] == group and r[1] == 2023
                 and r[2] in ("people.leave.paternity", "people.employees.doctorate")}
        assert found["people.leave.paternity"][state] == words[0]
        assert found["people.employees.doctorate"][state] == words[1]
        assert found["people.leave.paternity"][value] is None


# -- a realistic group's 2024 workbooks, printed by LibreOffice and read from the PDF ---------

POPPLER_EM = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                        r'yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def group_prints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, int]]:
    """lang → (workbook, its PDF, the text figures held in Chinese alone) for the realistic
    group of test_group_tree (three companies, four sites) with its 2024 figures, every
    sheet of the export (by entity and per child included)."""
    from print_group import realistic_group

    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and poppler-utils are installed by 'make test'")
    folder = tmp_path_factory.mktemp("group-print")
    store, chinese_only = realistic_group(folder / "group.db")
    try:
        books = {lang: export_workbook(store, 2024, folder / f"group-{lang}.xlsx", lang=lang,
                                       by_entity=True, per_child=True) for lang in ("zh", "en")}
    finally:
        store.close()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, books.values())],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return {lang: (book, book.with_suffix(".pdf"), chinese_only)
            for lang, book in books.items()}


def _words(pdf: Path) -> list[list[tuple[float, float, str, float]]]:
    """Each page's words as (box height, box width, text, bottom), from poppler's word
    boxes."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    return [[(float(m[3]) - float(m[1]), float(m[2]) - float(m[0]), m[4], float(m[3]))
             for m in POPPLER_EM.findall(page)] for page in boxes.split("<page ")[1:]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_realistic_groups_workbook_prints_every_text_whole_and_nothing_under_8_points(
        group_prints: dict[str, tuple[Path, Path, int]], lang: str) -> None:
    book_path, pdf, _count = group_prints[lang]
    pages = _words(pdf)
    # A Chinese character is one em wide: poppler's word box over the em gives the ratio
    # that turns every word's box height into its printed font size.
    ratios = sorted(height / (width / len(text)) for page in pages
                    for height, width, text, _y in page
                    if re.fullmatch(r"[\u4e00-\u9fff]{2,}", text))
    assert ratios, "the workbook prints some Chinese (names, or text held in Chinese)"
    em = ratios[len(ratios) // 2]
    smallest = min((height / em, number) for number, page in enumerate(pages, start=1)
                   for height, _w, _t, _y in page)
    assert smallest[0] >= 7.95, f"page {smallest[1]} prints at {smallest[0]:.1f} pt"
    # every page holds more than a heading and one row: three lines of text at least
    lonely = [n for n, page in enumerate(pages, start=1)
              if len({round(y / 4) for _h, _w, _t, y in page}) < 3]
    assert lonely == []
    # every text of every sheet appears whole (LibreOffice writes a cell's lines in turn)
    printed = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(pdf), "-"],
                                                capture_output=True, text=True,
                                                check=True).stdout)
    book = load_workbook(book_path)
    cut = [f"{sheet.title}!{cell.coordinate} ({len(cell.value)} characters)"
           for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
           if isinstance(cell.value, str) and re.sub(r"\s+", "", cell.value) not in printed]
    assert cut == []
    assert "###" not in printed  # no number too wide for its column
    assert _too_narrow(book) == []
    assert all((sheet.row_dimensions[r].height or 0) <= 409 for sheet in book.worksheets
               for r in range(1, sheet.max_row + 1))
    # a table going on to another page starts it with its header row (the years) again
    environment = book.worksheets[3]
    breaks = [b.id for b in environment.row_breaks.brk]
    rows = list(environment.iter_rows(values_only=True))
    headers = [n for n, row in enumerate(rows, start=1) if row[0] in ("指标", "Indicator")
               and any(str(v).startswith("2024") for v in row if v)]
    assert breaks and {b + 1 for b in breaks} & set(headers)


def test_a_long_cell_is_continued_on_the_rows_below(group_prints: dict[str, tuple[Path, Path,
                                                                                  int]]) -> None:
    """GRI 3-3 lists about 7,000 characters of indicators in English: more than one row can
    hold, so it goes on over the rows below it, every indicator whole."""
    book = load_workbook(group_prints["en"][0])
    sheet = next(s for s in book.worksheets if s.title.endswith("gri-2021"))
    rows = list(sheet.iter_rows(values_only=True))
    start = next(n for n, row in enumerate(rows) if row[0] == "3\u20113")
    parts = [rows[start][3]]
    for row in rows[start + 1:]:
        if row[0] is not None:
            break
        parts.append(row[3])
    assert len(parts) > 1 and sum(map(len, parts)) > 6000
    assert all(part.endswith(";") for part in parts[:-1])  # cut between two indicators
    assert "414-2" not in " ".join(str(r[0]) for r in rows)  # codes print unbroken: 414‑2


def test_each_workbook_counts_and_lists_the_text_figures_without_its_language(
        group_prints: dict[str, tuple[Path, Path, int]]) -> None:
    book_path, _pdf, count = group_prints["en"]
    assert count == 3
    book = load_workbook(book_path)
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert cover["Text figures in the other language"] == "3 text figures have no English"
    listed = [r for r in book["Findings"].iter_rows(min_row=2, values_only=True)
              if r[4] == "Other language only"]
    assert len(listed) == 3 and all("has no English" in r[5] for r in listed)
    # the Chinese workbook: every text has its Chinese, and every rule is named in Chinese
    chinese = load_workbook(group_prints["zh"][0])
    cover = {r[0]: r[1] for r in chinese["封面"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert "缺少本语言的文字数据" not in cover
    rules = {r[4] for r in chinese["校验结果"].iter_rows(min_row=2, values_only=True)}
    assert "合计不完整" in rules and not any(WORDS.findall(r) for r in rules)


def test_every_rule_a_finding_can_carry_is_a_declared_kind_with_its_words() -> None:
    from esgdesk.rules import validation
    from esgdesk.rules.validation import RULES

    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in Path(validation.__file__).parent.glob("*.py"))
    rules = set(re.findall(r'Finding\(\s*"(?:error|warning|info)",\s*"(\w+)"', source))
    rules |= set(re.findall(r'\.finding\(\s*(?:"(?:error|warning|info)"|[^,]+),\s*"(\w+)"',
                            source))
    assert {"missing", "incomplete", "totals", "prior_year", "breakdown", "factor"} <= rules
    assert rules - set(RULES) == set()
    assert all(kind.zh and kind.en and not WORDS.findall(kind.zh) for kind in RULES.values())


def test_a_text_longer_than_a_row_is_cut_between_items_and_loses_nothing() -> None:
    from esgdesk.exchange.pages import continued

    items = [f"Number of employees trained in topic {n}" for n in range(300)]
    text = "; ".join(items)
    parts = continued(text, 50, 25)
    assert len(parts) > 1 and all(lines_needed(p, 50) <= 25 for p in parts)
    assert " ".join(parts) == text  # each cut after an item's "; ", nothing dropped
    assert all(p.endswith(";") for p in parts[:-1])
    chinese = "员工培训覆盖率" * 400  # no items, no spaces: cut between characters
    parts = continued(chinese, 30, 10)
    assert "".join(parts) == chinese and all(lines_needed(p, 30) <= 10 for p in parts)
    assert continued("short", 30, 10) == ["short"]


def test_page_breaks_keep_a_title_with_its_first_rows_and_no_last_row_alone() -> None:
    from esgdesk.exchange.pages import paginate

    # pages of 100 points holding a 10-point title row, then rows of 10 points
    no_table: list[int | None] = [None] * 13
    keeps = [0] * 8 + [3, 0, 0, 0, 0]  # row 8 a table's title, kept with 3 rows after it
    order, breaks = paginate([10.0] * 13, keeps, no_table, 100, repeated=10)
    assert breaks == [8] and order == list(range(13))  # not after the title
    keeps = [0] * 11 + [1, 0]  # the last two rows together
    assert paginate([10.0] * 13, keeps, no_table, 120, repeated=10)[1] == [11]
    assert paginate([10.0] * 5, [0] * 5, [None] * 5, 100) == (list(range(5)), [])


def test_a_table_going_on_to_another_page_starts_it_with_its_header_again() -> None:
    from esgdesk.exchange.pages import paginate

    # row 0 the sheet's title; row 1 a table's title, row 2 its header, rows 3–24 its rows
    headers = [None, None] + [2] * 23
    keeps = [0, 3] + [0] * 23
    order, breaks = paginate([10.0] * 25, keeps, headers, 100, repeated=10)
    assert breaks == [10, 19]
    assert order[10] == 2 and order[19] == 2  # the header again at the top of each page
    assert [i for i in order if i != 2] == [i for i in range(25) if i != 2]


def test_a_text_figure_lacks_a_language_only_when_it_has_none_of_it() -> None:
    from esgdesk.model.types import bilingual_value, value_type

    bilingual, text = value_type("bilingual"), value_type("text")
    assert bilingual.lacks(bilingual_value(zh="达标排放"), "en")
    assert not bilingual.lacks(bilingual_value(zh="达标排放"), "zh")
    assert not bilingual.lacks(bilingual_value("达标排放", "Up to standard"), "en")
    assert text.lacks("达标排放", "en") and not text.lacks("ISO 14001", "zh")
    assert not value_type("count").lacks("12", "en")
