"""One vocabulary for why, on the command line as in the app: an explanation (`--explain`)
says why a figure is what it is and may explain a change; a provenance (`--source`) says
where it comes from and never explains one; `--reason` is asked only where a reason is (a
figure marked n/a or not available, and there it is the explanation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from esgdesk.application.cli import main
from esgdesk.rules.validation import validate
from esgdesk.storage.store import Store, open_database

TOTAL = "people.employees.total"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _finding(path: Path, rule: str, indicator: str) -> list:
    store = open_database(path)
    try:
        return [f for f in validate(store, 2024) if f.rule == rule and indicator in f.indicators]
    finally:
        store.close()


def test_a_source_never_explains_a_change_and_an_explanation_does(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path) -> None:
    sample.close()
    db = str(sample_path)
    assert _run(capsys, "set", db, "--year", "2024", TOTAL, "6000", "--source",
                "HR ledger, 31 Dec 2024")[0] == 0
    [change] = _finding(sample_path, "prior_year", TOTAL)  # 4,106 → 6,000: +46 %
    assert not change.explained
    store = open_database(sample_path)
    assert store.get("group", 2024, TOTAL).provenance == "HR ledger, 31 Dec 2024"
    store.close()
    assert _run(capsys, "set", db, "--year", "2024", TOTAL, "6000", "--explain",
                "two plants acquired in March")[0] == 0
    [change] = _finding(sample_path, "prior_year", TOTAL)
    assert change.explained and change.explanation == "two plants acquired in March"


def test_a_reason_goes_with_n_a_and_explains_it(capsys: pytest.CaptureFixture[str],
                                                sample: Store, sample_path: Path) -> None:
    sample.close()
    db = str(sample_path)
    paternity = "people.leave.paternity"
    code, _, err = _run(capsys, "set", db, "--year", "2024", paternity, "12", "--reason",
                        "counted again")
    assert code == 2 and "--explain" in err and "--source" in err
    assert _run(capsys, "set", db, "--year", "2024", paternity, "n/a", "--reason",
                "no statutory paternity leave where the staff are")[0] == 0
    assert not _finding(sample_path, "type_range", paternity)  # its reason is given
    store = open_database(sample_path)
    stored = store.get("group", 2024, paternity)
    assert (stored.state, stored.note) == (
        "not_applicable", "no statutory paternity leave where the staff are")
    store.close()


def test_note_is_the_old_name_of_explain_and_says_so(capsys: pytest.CaptureFixture[str],
                                                     sample: Store, sample_path: Path) -> None:
    sample.close()
    db = str(sample_path)
    code, _, err = _run(capsys, "set", db, "--year", "2024", TOTAL, "6000", "--note",
                        "two plants acquired in March")
    assert code == 0 and "--note is deprecated" in err and "--explain" in err
    [change] = _finding(sample_path, "prior_year", TOTAL)
    assert change.explained and change.explanation == "two plants acquired in March"
    code, _, err = _run(capsys, "set", db, "--year", "2024", TOTAL, "6001", "--note", "a",
                        "--explain", "b")
    assert code == 2 and "--explain" in err
    store = open_database(sample_path)
    assert store.get("group", 2024, TOTAL).value == "6000"  # nothing written
    store.close()
    code, _, err = _run(capsys, "set", db, "--year", "2024", TOTAL, "6000", "--explain",
                        "two plants acquired in March")
    assert code == 0 and "deprecated" not in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_n_a_and_not_available_print_as_the_report_prints_them(
        sample: Store, tmp_path: Path, lang: str) -> None:
    from workbooks import load_workbook

    from esgdesk.exchange.export import export_workbook
    from esgdesk.model.catalogue import to_document
    from esgdesk.storage.store import Change

    paternity, foreign = "people.leave.paternity", "people.employees.foreign"
    sample.set_values([Change("group", 2024, paternity, "n/a", note="no such leave"),
                       Change("group", 2024, foreign, "not available", note="counting")], "hr")

    def printed(path: Path) -> set[object]:
        """What the people chapter's sheet prints in the reporting year's column (the
        first of the years, as the report orders them)."""
        book = load_workbook(path, read_only=True, data_only=True)  # values, row by row
        sheet = next(s for s in book.worksheets if s.title.startswith("04"))
        shown = {row[2] for row in sheet.iter_rows(values_only=True) if len(row) > 2}
        book.close()
        return shown

    defaults = printed(export_workbook(sample, 2024, tmp_path / "a.xlsx", lang=lang))
    assert {"/", "—"} <= defaults  # never a blank that reads as missing
    compared = load_workbook(export_workbook(sample, 2024, tmp_path / "c.xlsx", lang=lang,
                                             by_entity=True), read_only=True, data_only=True)
    [sheet] = [s for s in compared.worksheets if s.title in ("按主体对比", "By entity")]
    assert {row[2] for row in sheet.iter_rows(values_only=True)} >= {"/", "—"}
    compared.close()
    # an edition of the company's own: its report prints "不适用" / "n.a."
    document = to_document(sample.edition(2024))
    document["catalogue"]["marks"] = {"not_applicable": "n.a.", "not_available": "未披露"}
    sample.store_edition(2024, document, "the report's own marks", "coordinator")
    own = printed(export_workbook(sample, 2024, tmp_path / "b.xlsx", lang=lang))
    assert {"n.a.", "未披露"} <= own and not {"/", "—"} & own


def test_a_company_named_in_each_language_is_titled_in_the_workbooks(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from workbooks import load_workbook

    from esgdesk.exchange.export import export_workbook

    db = tmp_path / "sunny.db"
    assert _run(capsys, "init", str(db), "--company-zh", "舜宇光学科技", "--company-en",
                "Sunny Optical", "--template", "szse-17", "--year", "2024")[0] == 0
    store = open_database(db)
    try:
        for lang, name, other in (("zh", "舜宇光学科技", "Sunny"), ("en", "Sunny Optical", "舜宇")):
            book = load_workbook(export_workbook(store, 2024, tmp_path / f"{lang}.xlsx",
                                                 lang=lang))
            cover = " ".join(str(v) for row in book.worksheets[0].iter_rows(values_only=True)
                             for v in row if v)
            assert name in cover and other not in cover, cover[:200]
    finally:
        store.close()


def test_the_forms_show_a_state_with_the_mark_the_report_prints(sample: Store) -> None:
    from esgdesk.model.catalogue import to_document
    from esgdesk.model.layout import FigureRef
    from esgdesk.rules.workspace import Workspace
    from esgdesk.storage.store import Change

    paternity = FigureRef("group", 2024, "people.leave.paternity")
    sample.set_value(Change("group", 2024, paternity.indicator, "n/a", note="no such leave"),
                     "hr")
    shown = Workspace(sample, "group", 2024)
    assert (shown.display(paternity, "zh"), shown.display(paternity, "en")) == (
        "/ 不适用", "/ n/a")
    document = to_document(sample.edition(2024))
    document["catalogue"]["marks"] = {"not_applicable": "n.a."}
    sample.store_edition(2024, document, "the report's own marks", "coordinator")
    shown = Workspace(sample, "group", 2024)
    assert (shown.display(paternity, "zh"), shown.display(paternity, "en")) == (
        "n.a. 不适用", "n.a. n/a")
