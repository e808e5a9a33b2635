"""Every write has its audit row, the group's structure included: an entity added and a
site's province are audited in the transaction that makes them, the chain verifies after
them, `check` passes, and the entity's own history shows them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esgdesk.application.cli import main
from esgdesk.application.session import Session
from esgdesk.errors import EsgdeskError
from esgdesk.storage.store import current_user, open_database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def session(sample_tree_path: Path) -> Session:
    session = Session(user_name="Wang Fang")
    session.open(sample_tree_path, "group", 2023)
    yield session
    session.close()


def test_an_entity_added_has_its_audit_row_and_the_chain_verifies(
        session: Session, sample_tree_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = session.require_store()
    before = len(store.audit_log())
    changes = session.add_entity("huizhou", "惠州工厂", "Huizhou plant", "site", "group",
                                 "Guangdong")
    assert changes.saved and changes.scope
    [row] = store.audit_log()[before:]
    assert (row.action, row.entity, row.user, row.old_value) == ("entity", "huizhou",
                                                                 "Wang Fang", None)
    assert json.loads(row.new_value or "") == {
        "code": "huizhou", "name_zh": "惠州工厂", "name_en": "Huizhou plant", "kind": "site",
        "parent": "group", "province": "guangdong", "from": None, "to": None,
        "equity_share": None, "control": True}
    assert store.verify_audit().sound
    session.close()
    assert run(capsys, "check", str(sample_tree_path))[0] == 0


def test_an_entity_refused_writes_neither_it_nor_an_audit_row(session: Session) -> None:
    store = session.require_store()
    before = len(store.audit_log())
    with pytest.raises(EsgdeskError, match="exists already"):
        session.add_entity("dongguan", "东莞", "Dongguan", "site", "group")
    assert len(store.audit_log()) == before


def test_a_province_set_and_cleared_on_the_command_line_is_audited_and_shown(
        session: Session, sample_tree_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session.add_entity("huizhou", "惠州工厂", "Huizhou plant", "site", "group")
    session.close()
    db = str(sample_tree_path)
    code, out, _ = run(capsys, "--user", "li", "province", db, "huizhou", "湖南")
    assert code == 0 and out.startswith("huizhou: hunan (湖南, Hunan)")
    assert run(capsys, "--user", "li", "province", db, "huizhou", "-")[0] == 0
    store = open_database(sample_tree_path)
    try:
        rows = [r for r in store.audit_log() if r.entity == "huizhou"]
        assert [(r.action, r.old_value, r.new_value, r.user) for r in rows[1:]] == [
            ("province", None, "hunan", "li"), ("province", "hunan", None, "li")]
        assert store.verify_audit().sound
    finally:
        store.close()
    assert run(capsys, "check", db)[0] == 0
    code, out, _ = run(capsys, "entities", db, "--history", "huizhou")
    lines = out.splitlines()
    assert code == 0 and [line.split("\t")[2] for line in lines] == [
        "entity", "province", "province"]
    assert lines[1].split("\t")[1:4] == ["li", "province", "— → hunan"]
    assert lines[2].split("\t")[3] == "hunan → —"


def test_a_new_database_names_its_group_in_the_audit_log(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    assert run(capsys, "init", str(path), "--year", "2024")[0] == 0
    store = open_database(path)
    try:
        [row] = [r for r in store.audit_log() if r.action == "entity"]
        assert (row.entity, row.user) == ("group", current_user())
        assert store.verify_audit().sound
    finally:
        store.close()
