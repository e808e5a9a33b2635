"""Writing a catalogue edition's document as a workbook a coordinator edits: an instructions
sheet, one sheet per kind of item, a hidden sheet of drop-down choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from esgdesk.exchange.catalogue_book.columns import (
    CHOICES,
    COLUMN_HELP,
    COLUMNS,
    DROP_DOWNS,
    EXTRA_ROWS,
    FRAMEWORKS,
    INSTRUCTION_LINES,
    INSTRUCTIONS,
    LISTS,
    NO,
    NONE_MARK,
    SHEET_HELP,
    SHEETS,
    YES,
)
from esgdesk.exchange.workbook import (
    house_styles,
    lines_needed,
    save_atomically,
    set_value,
    text_width,
)
from esgdesk.model.catalogue import DEFAULT_MARKS, Catalogue, read_document, to_document


def write_catalogue_book(document: dict, out: Path, lang: str = "zh",
                         year: int | None = None) -> Path:
    """Write a catalogue edition's document as a workbook a coordinator edits: an
    instructions sheet, one sheet per kind of item, a hidden sheet of drop-down choices.
    `lang` is the language the instructions come first in and the headers' notes are in;
    `year` the reporting year the book says it is of (the document's own by default)."""
    from openpyxl import Workbook

    catalogue, _problems = read_document(document, year)
    canonical_document = to_document(catalogue)
    data = _book_rows(canonical_document)
    writer = _Writer(Workbook(), lang)
    writer.instructions(catalogue)
    for sheet_id in SHEETS:
        writer.sheet(sheet_id, data[sheet_id])
    writer.lists()
    writer.drop_downs({k: len(v) for k, v in data.items()})
    return save_atomically(writer.book, Path(out))


def _words(label: dict | None) -> tuple[str, str]:
    label = label or {}
    return str(label.get("zh", "")), str(label.get("en", ""))


def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else (YES if flag else NO)


def _number(text: str) -> int | float:
    """A decimal the document holds as text, as a number cell holds it."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _joined(items: Any) -> str:
    return ", ".join(str(i) for i in items or ())


def _book_rows(document: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Each sheet's rows (cell values in COLUMNS order) for a canonical document."""
    meta = document.get("catalogue", {})
    data: dict[str, list[list[Any]]] = {sheet: [] for sheet in SHEETS}
    report, company = _words(meta.get("report")), _words(meta.get("company"))
    data["catalogue"] = [["version", str(meta.get("version", ""))], ["report_zh", report[0]],
                         ["report_en", report[1]], ["company_zh", company[0]],
                         ["company_en", company[1]], ["report_year", meta.get("report_year")],
                         *([f"mark_{state}", mark]
                           for state, mark in {**DEFAULT_MARKS, **meta.get("marks", {})}.items())]
    for key, value in meta.get("rules", {}).items():
        if key == "slips" and isinstance(value, dict):
            for unit, slip in value.items():
                data["rules"].append([f"slips:{unit}", None, *_words(slip)])
        else:
            shown = _yes_no(value) if isinstance(value, bool) else value
            data["rules"].append([key, shown, None, None])
    for key, name in meta.get("departments", {}).items():
        data["departments"].append([key, *_words(name)])
    sections: dict[str, dict[str, Any]] = {}
    for chapter in document.get("chapters", []):
        head = chapter["chapter"]
        data["chapters"].append([head["id"], head.get("number", ""), head.get("order"),
                                 *_words(head.get("title")), *_words(head.get("short_title"))])
        for section in chapter.get("sections", []):
            sections[section["id"]] = section
            data["sections"].append([section["id"], head["id"], *_words(section.get("title")),
                                     section.get("page"),
                                     *(_joined(section.get(k)) for k in FRAMEWORKS)])
    for target in document.get("targets", []):
        data["targets"].append([target["id"], target["indicator"], target["kind"],
                                _number(target["reduction"]), target["base_year"],
                                target["target_year"], *_words(target.get("label")),
                                target.get("table")])
    indicators = [i for chapter in document.get("chapters", []) for i in chapter["indicators"]]
    for raw in indicators:
        data["indicators"].append(_indicator_row(raw, sections, retired=False))
    for raw in document.get("retired", []):
        data["indicators"].append(_indicator_row(raw, sections, retired=True))
    for chapter in document.get("chapters", []):
        cid = chapter["chapter"]["id"]
        for order, table in enumerate(chapter.get("tables", []), start=1):
            data["tables"].append([
                table["id"], cid, table.get("section"), *_words(table.get("title")),
                table.get("layout"), order, table.get("source"), table.get("years"),
                *_words(table.get("header")), _yes_no(table.get("unit_column", True)),
                _joined(table.get("sites"))])
            for column in table.get("columns", []):
                data["columns"].append([table["id"], column["key"], *_words(column["title"])])
            for note in table.get("notes", []):
                data["notes"].append([table["id"], note["number"], *_words(note["text"])])
            for number, row in enumerate(table.get("rows", []), start=1):
                data["rows"].append(_row_row(table["id"], number, row))
        for check in chapter.get("checks", []):
            data["checks"].append([
                cid, check.get("kind"), *_words(check.get("label")), check.get("total"),
                _joined(check.get("parts")), _joined(check.get("indicators")),
                check.get("indicator"), check.get("formula"),
                _yes_no(check.get("complete", True)), check.get("severity")])
    return data


def _indicator_row(raw: dict[str, Any], sections: dict[str, dict[str, Any]],
                   retired: bool) -> list[Any]:
    rules = raw.get("rules", {})
    section = sections.get(raw.get("section", ""), {})
    codes = []
    for key in FRAMEWORKS:
        own = raw.get(key, [])
        codes.append(_joined(own) if own else (NONE_MARK if section.get(key) else ""))
    return [raw["id"], *_words(raw.get("label")), *_words(raw.get("unit")), raw.get("type"),
            raw.get("precision"), raw.get("quantity"), raw.get("owner"), raw.get("aggregation"),
            raw.get("entered_at"), raw.get("formula"),
            raw.get("weight"), rules.get("min"), rules.get("max"), rules.get("max_change"),
            _yes_no(rules.get("repeats")), _yes_no(rules.get("required")),
            raw.get("evidence") or None, rules.get("target"),
            rules.get("next_target"), rules.get("better"), *codes, raw.get("note") or None,
            raw.get("section"), YES if retired else NO]


def _row_row(table_id: str, order: int, row: dict[str, Any]) -> list[Any]:
    if "group" in row:
        return [table_id, order, None, *_words(row["group"]), None, None]
    label = _words(row["label"]) if "label" in row else (None, None)
    cells = "; ".join(f"{k}={v}" for k, v in row.get("cells", {}).items()) or None
    return [table_id, order, row.get("indicator"), *label, row.get("indent", 0), cells]


class _Writer:
    """The book's sheets in the house styles."""

    def __init__(self, book: Any, lang: str) -> None:
        self.book = book
        self.lang = "zh" if lang == "zh" else "en"
        house_styles(self)

    def _say(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "zh" else pair[1]

    def instructions(self, catalogue: Catalogue) -> None:
        from openpyxl.styles import Font

        sheet = self.book.active
        sheet.title = INSTRUCTIONS
        titles = {"zh": f"指标目录工作簿 · 版本 {catalogue.version} · {catalogue.report_year} 年",
                  "en": f"Catalogue workbook · version {catalogue.version} · "
                        f"{catalogue.report_year}"}
        intro = {"zh": "本工作簿是 esgdesk 指标目录的一个版本。在 Excel 或 LibreOffice 中修改后用 "
                       "esgdesk 导入：导入前会检查全部内容，每个问题都会指出工作表和单元格。",
                 "en": "This workbook is an edition of esgdesk's catalogue. Edit it in Excel or "
                       "LibreOffice and import it with esgdesk: everything is checked first, "
                       "and every problem is named by sheet and cell."}
        sheets_word = {"zh": "各工作表", "en": "The sheets"}
        row = 1
        for lang in (self.lang, "en" if self.lang == "zh" else "zh"):
            set_value(sheet.cell(row, 1), titles[lang]).font = self.title_font
            set_value(sheet.cell(row + 1, 1), intro[lang]).alignment = self.wrap
            sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=2)
            sheet.row_dimensions[row + 1].height = 15 * lines_needed(intro[lang], 114)
            row += 3
            set_value(sheet.cell(row, 1), sheets_word[lang]).font = self.bold
            row += 1
            for sheet_id, words in SHEET_HELP.items():
                set_value(sheet.cell(row, 1), sheet_id).font = self.bold
                text = words[0] if lang == "zh" else words[1]
                set_value(sheet.cell(row, 2), text).alignment = self.wrap
                row += 1
            row += 1
            for line in INSTRUCTION_LINES[lang]:
                set_value(sheet.cell(row, 1), "•")
                set_value(sheet.cell(row, 2), line).alignment = self.wrap
                row += 1
            row += 2
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 100
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        # Rows as high as their wrapped text (no spreadsheet sizes them on opening), and
        # the sheet printed on A4, landscape, one page wide.
        for cells in sheet.iter_rows():
            if len(cells) > 1 and isinstance(cells[1].value, str):
                lines = lines_needed(cells[1].value, 100)
                if lines > 1:
                    sheet.row_dimensions[cells[1].row].height = 15 * lines
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def sheet(self, sheet_id: str, rows: list[list[Any]]) -> None:
        from openpyxl.comments import Comment
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(sheet_id)
        columns = COLUMNS[sheet_id]
        widths = [text_width(c, bold=True) + 3 for c in columns]
        for index, column in enumerate(columns, start=1):
            cell = set_value(sheet.cell(1, index), column)
            cell.font, cell.fill, cell.border = self.bold, self.header_fill, self.border
            help_text = COLUMN_HELP.get(f"{column}.{sheet_id}") or COLUMN_HELP.get(column)
            if help_text:
                cell.comment = Comment(self._say(help_text), "esgdesk", height=90, width=260)
        grey = Font(color="808080")
        for number, values in enumerate(rows, start=2):
            retired = sheet_id == "indicators" and values[-1] == YES
            for index, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                cell = set_value(sheet.cell(number, index), value)
                if retired:
                    cell.font = grey
                width = text_width(str(value)) + 2
                widths[index - 1] = max(widths[index - 1], min(width, 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "B2" if sheet_id in ("indicators", "tables") else "A2"
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"

    def lists(self) -> None:
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(LISTS)
        for index, (name, choices) in enumerate(CHOICES.items(), start=1):
            set_value(sheet.cell(1, index), name).font = self.bold
            for number, choice in enumerate(choices, start=2):
                set_value(sheet.cell(number, index), choice)
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.sheet_state = "hidden"

    def drop_downs(self, counts: dict[str, int]) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        choice_columns = {name: get_column_letter(i) for i, name in enumerate(CHOICES, 1)}
        for (sheet_id, column), (source, blank) in DROP_DOWNS.items():
            if source in choice_columns:
                letter = choice_columns[source]
                formula = f"{LISTS}!${letter}$2:${letter}${len(CHOICES[source]) + 1}"
                style = "stop"
            else:  # the id column of another sheet: new ids may be typed before they exist
                formula = f"{source}!$A$2:$A${counts[source] + 1 + EXTRA_ROWS}"
                style = "warning"
            letter = get_column_letter(COLUMNS[sheet_id].index(column) + 1)
            validation = DataValidation(type="list", formula1=formula, allow_blank=blank,
                                        errorStyle=style, showErrorMessage=True)
            validation.errorTitle = "esgdesk"
            validation.error = self._say(("请从列表中选择", "Choose from the list"))
            sheet = self.book[sheet_id]
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{counts[sheet_id] + 1 + EXTRA_ROWS}")

