"""A group's server database: the same app on PostgreSQL, with each role's rights enforced by
the server itself, other users' changes heard live, and databases moved up and back whole."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from cli_runner import run_cli
from pg_server import ROOT, PgServer
from pg_server import cli as _cli

from esgdesk.application.generate import generate_group
from esgdesk.application.session import Session
from esgdesk.errors import DatabaseError, EsgdeskError, Forbidden, StaleValue
from esgdesk.exchange.dump import dump_rows
from esgdesk.model.layout import FigureRef
from esgdesk.storage.audit import ChainReport
from esgdesk.storage.entities import entity_text
from esgdesk.storage.location import ServerUrl, location
from esgdesk.storage.postgres import role_names
from esgdesk.storage.store import Change, open_database
from esgdesk.storage.transfer import pull, push, rows_of

HR = "people.employees.total"  # owned by hr
IR = "finance.revenue"  # owned by ir


def _raw(url: ServerUrl, statement: str) -> None:
    with psycopg.connect(str(url), autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def test_push_and_pull_keep_every_row_and_the_chain_head(pg_server: PgServer,
                                                         sample_file: Path,
                                                         tmp_path: Path) -> None:
    url = pg_server.create_database("round_trip")
    rows, head = push(sample_file, url)
    original = open_database(sample_file)
    assert head == original.audit_head() and rows == sum(map(len, rows_of(original).values()))
    assert _triggers_off(url) == []  # those the copy went without are on again
    back = tmp_path / "back.db"
    assert pull(url, back) == (rows, head)
    server, copy = open_database(url), open_database(back)
    try:
        assert rows_of(server) == rows_of(original) == rows_of(copy)
        assert dump_rows(server) == dump_rows(original) == dump_rows(copy)
        for store in (server, copy):
            assert store.verify_audit().intact and store.audit_head() == head
        # The pulled copy is an ordinary file that opens offline and takes writes.
        copy.set_value(Change("group", 2023, HR, "4107"), "li")
        assert copy.verify_audit().intact
    finally:
        for store in (server, copy, original):
            store.close()
    # Pushing into a database that holds figures is refused and changes nothing.
    before = rows_of(open_database(url))
    with pytest.raises(DatabaseError, match="holds figures already"):
        push(sample_file, url)
    assert rows_of(open_database(url)) == before


def test_a_file_whose_audit_log_is_broken_is_not_pushed(pg_server: PgServer,
                                                          sample_file: Path) -> None:
    connection = sqlite3.connect(sample_file)
    connection.executescript("DROP TRIGGER audit_no_update; "
                             "UPDATE audit SET reason = 'edited' WHERE id = 5")
    connection.close()
    url = pg_server.create_database("broken_push")
    with pytest.raises(DatabaseError, match="its audit log is broken"):
        push(sample_file, url)
    with psycopg.connect(str(url)) as server:  # the tables it made are gone again
        assert server.execute("SELECT count(*) FROM pg_tables "
                              "WHERE schemaname = 'public'").fetchone() == (0,)


def _triggers_off(url: ServerUrl) -> list[str]:
    with psycopg.connect(str(url)) as connection:
        return [row[0] for row in connection.execute(
            "SELECT tgname FROM pg_trigger WHERE tgenabled = 'D'").fetchall()]


def test_a_group_generated_on_a_server_is_logged_as_on_a_file_and_its_triggers_stay_on(
        pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.create_database("generated")
    server = generate_group(url, companies=3, years=2)
    file = generate_group(tmp_path / "g.db", companies=3, years=2)
    try:
        assert _triggers_off(url) == []
        assert server.verify_audit().sound
        assert dump_rows(server) == dump_rows(file)
        # The server logs the next change itself, chained to the generated rows.
        server.set_value(Change("cn-001", 2023, HR, "41"), "li")
        entry = server.history("cn-001", 2023, HR)[-1]
        assert (entry.action, entry.new_value, entry.db_user) == ("set", "41", "postgres")
        assert server.verify_audit().sound
    finally:
        server.close()
        file.close()


def test_a_contributor_writes_only_its_own_departments_unlocked_figures(
        pg_server: PgServer, group: ServerUrl) -> None:
    li = open_database(pg_server.as_user(group, "li"))
    try:
        assert li.server_role() == ("contributor", ("hr",))
        assert li.may_write("hr") and not li.may_write("ir")
        li.set_value(Change("group", 2023, HR, "4200"), "li")
        entry = li.history("group", 2023, HR)[-1]
        assert (entry.user, entry.db_user, entry.new_value) == ("li", "li", "4200")
        # A note and a status of its own figure: each comes with its audit row, which the
        # server checks at commit.
        assert li.set_note("group", 2023, HR, "from the HR system", "li").note == (
            "from the HR system")
        assert li.set_status("group", 2023, HR, "submitted", "li").status == "submitted"
        assert li.set_status("group", 2023, HR, "draft", "li").status == "draft"
        head = li.audit_head()
        with pytest.raises(Forbidden, match="not yours to change") as refused:
            li.set_value(Change("group", 2023, IR, "99"), "li")
        assert refused.value.kind == "forbidden"
        assert li.get("group", 2023, IR).value != "99" and li.audit_head() == head
        # A figure the coordinator locked is refused to the contributor.
        coordinator = open_database(pg_server.as_user(group, "zhao"))
        coordinator.set_status("group", 2023, HR, "locked", "zhao")
        coordinator.close()
        with pytest.raises(EsgdeskError):
            li.set_value(Change("group", 2023, HR, "4300"), "li")
        assert li.get("group", 2023, HR).value == "4200"
    finally:
        li.close()


def test_the_server_refuses_a_contributors_raw_sql(pg_server: PgServer,
                                                   group: ServerUrl) -> None:
    """The app is not the guard: psql as the contributor is refused by the server."""
    li = pg_server.as_user(group, "li")
    refused = [
        f"UPDATE value SET value = '1' WHERE indicator = '{IR}'",  # another department's
        "UPDATE audit SET reason = 'x'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "DELETE FROM entity",
        "INSERT INTO value (entity_id, year, indicator, value, state, note, status, changed_by,"
        f" changed_at, version, restated, provenance) VALUES (1, 2030, '{IR}', '1', 'value', "
        "'', 'draft', 'li', 'now', 1, '', '')",
        f"UPDATE value SET status = 'approved' WHERE indicator = '{HR}'",  # no approving
    ]
    for statement in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(li, statement)
    _raw(pg_server.url(location(group).name), f"UPDATE value SET status = 'locked' "
         f"WHERE indicator = '{HR}' AND year = 2023")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not yours"):
        _raw(li, f"UPDATE value SET value = '1' WHERE indicator = '{HR}' AND year = 2023")
    for statement in ("UPDATE value SET value = '1'", "DELETE FROM audit"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, "wang"), statement)  # the reader
    # esgdesk deletes nothing, and the coordinator's login may not either: no audit row would
    # say a figure, an entity, a factor or a request had gone.
    for statement in ("DELETE FROM value", "DELETE FROM entity", "DELETE FROM factor",
                      "DELETE FROM request", "TRUNCATE value"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, "zhao"), statement)
    # Nor change in place what esgdesk never changes, which no trigger logs: an entity's
    # parent, code or kind (a move is a row of its own), a year's catalogue edition or its
    # content, a move, a submission.
    for statement in ("UPDATE entity SET parent_id = NULL", "UPDATE entity SET code = 'x'",
                      "UPDATE entity SET kind = 'site'", "UPDATE catalogue_edition SET number = 9",
                      "UPDATE catalogue_content SET content = ''",
                      "UPDATE entity_parent SET from_year = 2000",
                      "UPDATE submission SET submitted_by = 'x'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, "zhao"), statement)
    # Its settings: the method's choices and the company's names, which are logged; not
    # another one, as the first year the database holds.
    for statement in ("UPDATE setting SET value = '2019' WHERE key = 'first_year'",
                      "INSERT INTO setting (key, value) VALUES ('first_year_shown', '2019')"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            _raw(pg_server.as_user(group, "zhao"), statement)
    # No esgdesk role writes the audit log: not a row of its own making, not even one that
    # goes with a change of its own figure, whatever hash or server user it names.
    audit_row = ("INSERT INTO audit (at, \"user\", db_user, action, entity_id, year, indicator, "
                 "old_value, new_value, reason, source, hash) VALUES ('now', 'li', 'li', "
                 f"'set', 1, 2022, '{HR}', NULL, '1', '', '', 'x')")
    for login in ("li", "zhao", "wang"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit"):
            _raw(pg_server.as_user(group, login), audit_row)
    store = open_database(group)
    try:
        assert store.verify_audit().intact
    finally:
        store.close()


def test_a_contributors_own_change_with_psql_is_logged_by_the_server(
        pg_server: PgServer, group: ServerUrl) -> None:
    """The hr contributor changes its own draft figure with psycopg alone (its rights allow
    it): the server writes the audit row, naming the login, with its clock and the chain
    hash; a context saying "copy" (the owner's push) does not stop it for a contributor."""
    li = pg_server.as_user(group, "li")
    own = f"indicator = '{HR}' AND year = 2022 AND entity_id = {_group_id(group)}"
    _raw(li, f"UPDATE value SET value = '4321' WHERE {own}")
    with psycopg.connect(str(li)) as connection:
        connection.execute("SELECT set_config('esgdesk.context', '{\"copy\":true}', true)")
        connection.execute(f"UPDATE value SET value = '4322', status = 'submitted' "  # type: ignore[arg-type]
                           f"WHERE {own}")
    store = open_database(group)
    try:
        assert store.get("group", 2022, HR).value == "4322"
        first, second, status = store.history("group", 2022, HR)[-3:]
        assert (first.action, first.new_value) == ("set", "4321")
        assert (first.user, first.db_user, first.reason, first.source) == ("li", "li", "", "")
        assert (second.action, second.old_value, second.new_value) == ("set", "4321", "4322")
        assert (status.action, status.old_status, status.new_status) == (
            "status", "draft", "submitted")
        assert {r.db_user for r in (first, second, status)} == {"li"}
        assert first.at.endswith("+00:00") and first.at < second.at
        assert store.verify_audit().sound
    finally:
        store.close()
    for command in (("check", group), ("audit", "verify", group)):
        result = _cli(*command)
        assert result.returncode == 0, result.stderr
    result = _cli("history", group, "--year", "2022", HR)
    assert result.returncode == 0 and "4322" in result.stdout, result.stderr


def test_the_apps_write_carries_its_user_reason_and_source_to_the_servers_audit_row(
        pg_server: PgServer, group: ServerUrl) -> None:
    """What the server cannot know (the app's user name, the reason, the source file and its
    hash, a figure as typed) reaches the row the server writes; the rest is the server's."""
    li = open_database(pg_server.as_user(group, "li"))
    try:
        li.set_values([Change("group", 2021, HR, "4100"), Change("group", 2022, HR, "4200",
                                                                  note="from the HR system")],
                      "李 li", source="returned.xlsx sha256:ab12")
        li.set_note("group", 2023, HR, "recounted", "李 li")
        li.set_status("group", 2023, HR, "submitted", "李 li", reason="ready")
        rows = li.audit_log()[-4:]
        assert [(r.action, r.user, r.db_user) for r in rows] == [
            ("set", "李 li", "li"), ("set", "李 li", "li"), ("note", "李 li", "li"),
            ("status", "李 li", "li")]
        by_year = {r.year: r for r in rows[:2]}
        assert by_year[2021].reason == "" and by_year[2022].reason == "from the HR system"
        assert {r.source for r in rows[:2]} == {"returned.xlsx sha256:ab12"}
        assert (rows[2].new_value, rows[3].reason, rows[3].new_status) == (
            "recounted", "ready", "submitted")
        assert li.verify_audit().sound
    finally:
        li.close()
    # A coordinator's request, its review, a factor and the method: each row by the server.
    zhao = open_database(pg_server.as_user(group, "zhao"))
    try:
        before = zhao.audit_log()[-1].id
        request = zhao.assign("group", 2023, "hr", "li", "2024-03-01", "赵 zhao")
        zhao.set_request_status(request.id, "submitted", "赵 zhao", reason="sent")
        zhao.set_factor(2023, "grid.national", "0.5703", "kgCO2e/kWh", "MEE 2023", "table 1",
                        "赵 zhao", "new figure")
        rows = [r for r in zhao.audit_log() if r.id > before]
        assert {(r.user, r.db_user) for r in rows} == {("赵 zhao", "zhao")}
        assert [r.action for r in rows[:2]] == ["request", "review"]
        assert (rows[0].department, rows[0].new_value, rows[1].reason) == (
            "hr", "li 2024-03-01", "sent")
        # 2023 read an earlier year's factors: it gets its own copy first, each copied
        # factor with the copy's reason, then the change with its own.
        *copies, change = rows[2:]
        assert copies and {(r.action, r.new_status) for r in copies} == {("factor", None)}
        assert all("own copy" in r.reason and r.source.startswith("factors of ")
                   for r in copies)
        assert (change.factor, change.new_value, change.reason, change.source) == (
            "grid.national", "0.5703", "new figure", "MEE 2023")
        assert zhao.verify_audit().sound
    finally:
        zhao.close()


def test_even_the_owners_audit_edit_is_refused_and_a_superusers_is_found(
        pg_server: PgServer, group: ServerUrl) -> None:
    owner = pg_server.url(location(group).name)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        _raw(owner, "UPDATE audit SET reason = 'x' WHERE id = 5")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        _raw(owner, "TRUNCATE audit")
    _raw(owner, "ALTER TABLE audit DISABLE TRIGGER USER")  # only a superuser or the owner
    _raw(owner, "UPDATE audit SET new_value = '9999' WHERE id = 100")
    store = open_database(group)
    try:
        assert store.verify_audit().broken_at == 100
    finally:
        store.close()
    result = _cli("audit", "verify", group)
    assert result.returncode == 1 and "broken" in result.stderr


def test_a_window_hears_another_users_change_within_a_second(group: ServerUrl) -> None:
    watching, other = Session(), Session()
    watching.open(group, "group", 2023)
    other.open(group, "group", 2023)
    try:
        assert watching.listen()
        ref = FigureRef("group", 2023, HR)
        other.set_figure(ref, "4321")
        deadline, heard = time.monotonic() + 1.0, frozenset()
        while not heard and time.monotonic() < deadline:
            changes = watching.others_changed()
            heard = changes.figures
            time.sleep(0.02)
        assert ref in heard
        assert watching.require_workspace().display(ref) == "4,321"
        # Its own writes are not announced back to it as someone else's.
        watching.set_figure(FigureRef("group", 2023, HR), "4322")
        time.sleep(0.2)
        assert watching.others_changed().figures == frozenset()
    finally:
        watching.close()
        other.close()


def test_a_notice_esgdesk_does_not_send_is_ignored_and_the_figures_read_again(
        pg_server: PgServer, group: ServerUrl) -> None:
    from esgdesk.storage.server import figure_of

    assert figure_of('{"entity_id": 1, "year": 2023, "indicator": "x"}') == (1, 2023, "x")
    for junk in ("not json", "[]", '{"entity_id": "1", "year": 2023, "indicator": "x"}',
                 '{"entity_id": 1, "year": 2023}', "null", '{"entity_id": true, "year": 1, '
                 '"indicator": "x"}'):
        assert figure_of(junk) is None, junk
    watching = Session()
    watching.open(pg_server.as_user(group, "li"), "group", 2023)
    try:
        assert watching.listen()
        # A change no trigger announced (the superuser's, with triggers off) ...
        _raw(pg_server.url(location(group).name),
             "BEGIN; SET LOCAL session_replication_role = replica; "
             f"UPDATE value SET value = '4444' WHERE indicator = '{HR}' AND year = 2023 "
             "AND entity_id = (SELECT id FROM entity WHERE code = 'group'); COMMIT")
        # ... and junk on the channel from the reader: read again, not believed, no error.
        for payload in ("not json", '{"entity_id": "everything"}'):
            _raw(pg_server.as_user(group, "wang"), f"NOTIFY esgdesk_figures, '{payload}'")
        deadline, changes = time.monotonic() + 2.0, watching.others_changed()
        while not changes.reloaded and time.monotonic() < deadline:
            time.sleep(0.05)
            changes = watching.others_changed()
        assert changes.reloaded and changes.figures == frozenset()
        assert watching.require_workspace().display(FigureRef("group", 2023, HR)) == "4,444"
    finally:
        watching.close()


def test_a_figure_changed_by_another_user_since_it_was_read_is_detected(
        group: ServerUrl) -> None:
    mine, theirs = open_database(group), open_database(group)
    try:
        version = mine.get("group", 2023, HR).version
        theirs.set_value(Change("group", 2023, HR, "4400"), "zhao")
        with pytest.raises(StaleValue):
            mine.set_value(Change("group", 2023, HR, "4500", expected_version=version), "li")
        assert mine.get("group", 2023, HR).value == "4400"
    finally:
        mine.close()
        theirs.close()


def test_eight_concurrent_writers_lose_nothing_and_keep_one_chain(group: ServerUrl) -> None:
    """Eight command-line writers at once (esgdesk set, three figures each): everything
    reported saved is there, and the audit chain is one."""
    store = open_database(group)
    entities = [e.code for e in store.entities()][:4]
    store.close()
    esgdesk = f"{sys.executable} -m esgdesk"
    writers = []
    for number in range(8):
        entity = entities[number % len(entities)]
        year = 2030 + number // len(entities)
        script = " && ".join(
            f"{esgdesk} set '{group}' --entity {entity} --year {year} --user w{number} "
            f"{indicator} {value}"
            for indicator, value in (("people.employees.female", 100 + number),
                                     ("people.employees.male", 200 + number),
                                     ("people.employees.total", 300 + number)))
        writers.append(subprocess.Popen(["bash", "-c", script], cwd=ROOT, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outputs = [w.communicate(timeout=300) for w in writers]
    assert all(w.returncode == 0 for w in writers), outputs
    store = open_database(group)
    try:
        for number, (out, _err) in enumerate(outputs):
            entity, year = entities[number % len(entities)], 2030 + number // len(entities)
            saved = [line.split("\t")[0] for line in out.splitlines()]
            assert saved == ["people.employees.female", "people.employees.male",
                             "people.employees.total"]  # each reported saved
            for indicator, value in zip(saved, (100, 200, 300), strict=True):
                assert store.get(entity, year, indicator).value == str(value + number)
        assert store.verify_audit().intact
        assert len([r for r in store.audit_log() if r.year >= 2030]) == 24
    finally:
        store.close()


def test_a_url_with_a_password_is_refused_by_every_command_and_the_app(tmp_path: Path) -> None:
    from esgdesk.errors import PasswordInUrl

    for given in ("postgresql://li:secret@db.example.com:5432/esg",
                  "postgres://li@db.example.com/esg?password=secret&sslmode=require"):
        with pytest.raises(PasswordInUrl) as refused:
            location(given)
        assert refused.value.kind == "password_in_url" and "secret" not in str(refused.value)
        assert refused.value.where.startswith(("postgresql://li@db.example.com:5432/esg",
                                               "postgres://li@db.example.com/esg"))
        assert ".pgpass" in refused.value.message("zh") and "service" in str(refused.value)
    url = "postgresql://li:secret@db.example.com:5432/esg"
    commands = [("server", "init", url), ("server", "push", str(tmp_path / "x.db"), url),
                ("get", url, "--year", "2023", "people.employees.total"),
                ("set", url, "--year", "2023", "people.employees.total", "1"),
                ("backup", url, "out.db"), ("dump", url), ("audit", "verify", url),
                ("validate", url, "--year", "2023")]
    for args in commands:  # what each command says, run in this process
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert ".pgpass" in result.stderr and "Traceback" not in result.stderr, args
        assert "secret" not in result.stderr + result.stdout
    app = subprocess.run([sys.executable, "main.py", "--db", url, "--screenshot",
                          str(tmp_path / "shot.png")], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, env={**__import__("os").environ,
                                           "QT_QPA_PLATFORM": "offscreen"})
    assert app.returncode == 2 and ".pgpass" in app.stderr and "secret" not in app.stderr
    assert not (tmp_path / "shot.png").exists()


def test_an_unreachable_server_is_a_clear_message(tmp_path: Path) -> None:
    url = ServerUrl(f"postgresql://nobody@/esg?host={tmp_path}&connect_timeout=2")
    with pytest.raises(DatabaseError) as refused:
        open_database(url)
    assert refused.value.kind == "unreachable" and "cannot connect" in str(refused.value)
    result = _cli("dump", str(url))
    assert result.returncode != 0 and "cannot connect to the server" in result.stderr


def test_what_was_read_is_given_again_as_it_was_while_the_server_is_away(
        pg_server: PgServer, group: ServerUrl) -> None:
    store = open_database(group)
    try:
        figures = store.figures_of(["group"], [2022, 2023])
        entities = store.entities()
        assert figures and store.server_role() == ("coordinator", ())
        pg_server.pause()
        try:
            assert store.figures_of(["group"], [2022, 2023]) == figures
            assert store.entities() == entities and store.offline
            with pytest.raises(DatabaseError) as away:  # what was never read is not made up
                store.figures_of(["group"], [2021])
            assert away.value.kind == "unreachable"
        finally:
            pg_server.resume()
    finally:
        store.close()


def test_a_read_too_long_to_keep_is_made_a_row_at_a_time_and_not_kept(
        pg_server: PgServer, group: ServerUrl, sample_file: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from esgdesk.storage import base

    server, file = open_database(group), open_database(sample_file)
    try:
        codes = [e.code for e in file.entities()]
        monkeypatch.setattr(base, "LAST_READ_ROWS", 10)
        figures = server.figures_of(codes, [2021, 2022, 2023])
        assert len(figures) > 10 and figures == file.figures_of(codes, [2021, 2022, 2023])
        pg_server.pause()
        try:
            with pytest.raises(DatabaseError) as away:
                server.figures_of(codes, [2021, 2022, 2023])
            assert away.value.kind == "unreachable"
        finally:
            pg_server.resume()
    finally:
        server.close()
        file.close()


def test_a_validation_reading_its_tree_an_entity_at_a_time_keeps_none_of_it(
        pg_server: PgServer, sample_tree_path: Path) -> None:
    """A tree is read an entity at a time to be validated: hundreds of small answers,
    none kept for when the server goes away (the validation's book holds them once)."""
    from esgdesk.rules.validation import Validator

    url = pg_server.create_database("validated_tree")
    for args in (("server", "init", url), ("server", "push", str(sample_tree_path), url)):
        result = _cli(*args)
        assert result.returncode == 0, result.stderr
    store = open_database(url)
    try:
        kept = store.figures_of(["group"], [2022, 2023])  # a window's read, kept
        # read as a window's validation reads it: an entity at a time, in steps
        findings = Validator(store, 2023, "group", read=False).run()
        assert findings  # it read and checked the tree
        below = [code for code in store.tree(2023).subtree("group") if code != "group"]
        assert len(below) >= 3
        pg_server.pause()
        try:
            assert store.figures_of(["group"], [2022, 2023]) == kept
            for code in below:  # what the validation read of them (its two years): not kept
                with pytest.raises(DatabaseError) as away:
                    store.figures_of([code], [2022, 2023])
                assert away.value.kind == "unreachable"
        finally:
            pg_server.resume()
    finally:
        store.close()


def test_an_empty_server_database_is_not_opened_as_esgdesks(pg_url: ServerUrl) -> None:
    with pytest.raises(DatabaseError, match="empty"):
        open_database(pg_url)
    _raw(pg_url, "CREATE TABLE other (x int)")
    with pytest.raises(DatabaseError, match="another program"):
        open_database(pg_url)



def test_opening_reads_role_user_and_version_with_the_revision_and_upgrades_an_older_schema(
        pg_server: PgServer, group: ServerUrl) -> None:
    from esgdesk.storage.engine import SCHEMA_HEAD

    li = open_database(pg_server.as_user(group, "li"))
    try:  # known from the opening's one round trip, not asked again
        assert (li._role, li._db_user) == (("contributor", ("hr",)), "li")
        assert li.server_version() == li._query("SHOW server_version")[0]["server_version"]
    finally:
        li.close()
    # A database of the schema before (no year index yet) is upgraded when opened.
    _raw(group, "DROP INDEX ix_value_year")
    _raw(group, "CREATE INDEX ix_value_entity_year ON value (entity_id, year)")
    for table in ("attachment", "evidence_content", "assurance_mark", "assurance_sample"):
        _raw(group, f"DROP TABLE {table}")  # 0013 on
    _raw(group, "ALTER TABLE value DROP COLUMN quality, DROP COLUMN method")
    _raw(group, "ALTER TABLE value DROP COLUMN printed, DROP COLUMN printed_reason")  # 0012
    _raw(group, "DROP TABLE entity_parent")  # nor the entities' years (0011)
    _raw(group, "ALTER TABLE entity DROP COLUMN from_year CASCADE, DROP COLUMN to_year CASCADE, "
         "DROP COLUMN equity_share CASCADE, DROP COLUMN control CASCADE")
    _raw(group, "UPDATE alembic_version SET version_num = '0009'")
    _raw(group, "DROP TRIGGER value_contributor_guard ON value")  # rights of a version before
    _raw(group, "DROP TRIGGER audit_figure ON value")  # and its server objects
    store = open_database(group)
    try:
        assert store._query("SELECT version_num FROM alembic_version")[0]["version_num"] == (
            SCHEMA_HEAD)
        assert len(store._query("SELECT 1 FROM pg_trigger WHERE tgname IN "
                                "('value_contributor_guard', 'audit_figure', "
                                "'audit_entity_change', 'audit_move')")) == 4
        assert store._role is None and store.server_role() == ("coordinator", ())
        assert store.years() == sorted(store.years()) and 2023 in store.years()
        assert store.tree(2023).roots()[0].control  # the entities' years, added
    finally:
        store.close()


def test_a_new_edition_that_gives_an_indicator_to_another_department_moves_the_right(
        pg_server: PgServer, group: ServerUrl) -> None:
    """The server knows each edition's owners as the edition is stored (no re-init)."""
    from esgdesk.model.catalogue import to_document

    coordinator = open_database(pg_server.as_user(group, "zhao"))
    try:
        document = to_document(coordinator.edition(2023))
        (spec,) = [i for chapter in document["chapters"] for i in chapter["indicators"]
                   if i["id"] == HR]
        spec["owner"] = "ir"
        coordinator.store_edition(2023, document, "head-count to investor relations", "zhao")
    finally:
        coordinator.close()
    li = open_database(pg_server.as_user(group, "li"))
    try:
        with pytest.raises(Forbidden):
            li.set_value(Change("group", 2023, HR, "4321"), "li")
        li.set_value(Change("group", 2021, HR, "4321"), "li")  # 2021's edition: still hr's
    finally:
        li.close()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not yours"):  # the server's
        _raw(pg_server.as_user(group, "li"),
             f"UPDATE value SET value = '1' WHERE indicator = '{HR}' AND year = 2023")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _raw(pg_server.as_user(group, "zhao"), "DELETE FROM esgdesk_indicator_owner")


def _hr_figure(url: ServerUrl, year: int = 2022) -> tuple[int, str]:
    """The id and value of the group's hr head-count in a year, as the owner reads it."""
    with psycopg.connect(str(url)) as connection:
        row = connection.execute(
            "SELECT v.id, v.value FROM value v JOIN entity e ON e.id = v.entity_id "
            f"WHERE e.code = 'group' AND v.year = {year} AND v.indicator = '{HR}'").fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def test_a_contributors_temporary_tables_do_not_stand_in_for_esgdesks(
        pg_server: PgServer, group: ServerUrl) -> None:
    """The issue's attack: the hr contributor shadows the department grants and the audit
    log with temporary tables of the same names, then changes ir's figure."""
    owner = pg_server.url(location(group).name)
    with psycopg.connect(str(owner)) as connection:
        (ir_id,) = connection.execute(
            "SELECT v.id FROM value v JOIN entity e ON e.id = v.entity_id WHERE e.code = "
            f"'group' AND v.year = 2023 AND v.indicator = '{IR}'").fetchone()  # type: ignore[misc]
    li = pg_server.as_user(group, "li")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="temporary"):
        _raw(li, "CREATE TEMP TABLE esgdesk_department_grant (username text, department text)")
    # An administrator who gives the login temporary tables after all gives it nothing more:
    # the functions behind the rights never look in its temporary schema.
    _raw(owner, f'GRANT TEMPORARY ON DATABASE "{location(group).name}" TO li')
    attack = [
        "CREATE TEMP TABLE esgdesk_department_grant (username text, department text)",
        "INSERT INTO esgdesk_department_grant VALUES ('li', 'ir'), ('li', 'hr')",
        "CREATE TEMP TABLE esgdesk_indicator_owner (hash text, indicator text, owner text)",
        "CREATE TEMP TABLE audit (entity_id int, year int, indicator text, db_user text)",
        f"INSERT INTO audit VALUES (1, 2023, '{IR}', 'li')",
        f"UPDATE public.value SET value = '7' WHERE id = {ir_id}",
    ]
    with (pytest.raises(psycopg.errors.InsufficientPrivilege, match="not yours"),
          psycopg.connect(str(li)) as connection):
        for statement in attack:
            connection.execute(statement)  # type: ignore[arg-type]
    # Its own figure, beside a temporary "audit" table: the server logs the change in the
    # real one, never in the login's.
    own_id, _own_value = _hr_figure(owner)
    with psycopg.connect(str(li)) as connection:
        for statement in attack[3:5]:
            connection.execute(statement)  # type: ignore[arg-type]
        connection.execute(f"UPDATE public.value SET value = '7' WHERE id = {own_id}")
    store = open_database(group)
    try:
        assert store.get("group", 2023, IR).value != "7"
        assert _hr_figure(owner) == (own_id, "7")
        last = store.history("group", 2022, HR)[-1]
        assert (last.new_value, last.db_user) == ("7", "li")
        assert store.verify_audit().sound
    finally:
        store.close()
    # Every function the rights depend on runs with a search path that ends in pg_temp.
    with psycopg.connect(str(owner)) as connection:
        unsafe = connection.execute(
            "SELECT proname FROM pg_proc WHERE proname LIKE 'esgdesk%' AND NOT EXISTS ("
            "SELECT 1 FROM unnest(proconfig) c "
            "WHERE c = 'search_path=pg_catalog, public, pg_temp')").fetchall()
    assert unsafe == []


def test_a_role_on_one_database_gives_nothing_on_another_of_the_same_server(
        pg_server: PgServer, group: ServerUrl, sample_file: Path) -> None:
    """Two group databases side by side: zhao coordinates the first, li contributes to the
    second only."""
    second = pg_server.create_database(f"{location(group).name}_other")
    for args in (("server", "init", second), ("server", "push", str(sample_file), second),
                 ("server", "grant", second, "--name", "li", "--role", "coordinator")):
        result = _cli(*args)
        assert result.returncode == 0, result.stderr
    zhao_there = pg_server.as_user(second, "zhao")
    for statement in ("UPDATE factor SET value = '1'", "UPDATE value SET value = '1'",
                      "DELETE FROM entity",
                      f"SET ROLE {role_names(location(second).name)['coordinator']}"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(zhao_there, statement)
    with pytest.raises(Forbidden, match="no esgdesk role in this database") as refused:
        open_database(zhao_there).close()
    assert refused.value.kind == "forbidden"
    # li coordinates the second and still only contributes to the first.
    li_there = open_database(pg_server.as_user(second, "li"))
    li_here = open_database(pg_server.as_user(group, "li"))
    try:
        assert li_there.server_role() == ("coordinator", ())
        assert li_here.server_role() == ("contributor", ("hr",))
        li_there.set_value(Change("group", 2023, IR, "5"), "li")
        with pytest.raises(Forbidden):
            li_here.set_value(Change("group", 2023, IR, "5"), "li")
    finally:
        li_there.close()
        li_here.close()
    # Revoking on the second leaves the first as it was.
    assert _cli("server", "revoke", second, "--name", "li").returncode == 0
    li_here = open_database(pg_server.as_user(group, "li"))
    try:
        assert li_here.server_role() == ("contributor", ("hr",))
    finally:
        li_here.close()


def test_rights_of_an_earlier_esgdesk_are_brought_up_to_date_by_the_owner_only(
        pg_server: PgServer, group: ServerUrl) -> None:
    """A database whose rights went to server-wide roles and whose functions had no fixed
    search path: a contributor's opening is refused with what to do; the owner's upgrades it,
    and the members of the old roles keep their role in this database only."""
    owner = pg_server.url(location(group).name)
    _raw(owner, "DROP TABLE esgdesk_server")
    _raw(owner, "ALTER FUNCTION esgdesk_may_write(text, integer, text) RESET search_path")
    pg_server.sql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                  "'esgdesk_coordinator') THEN CREATE ROLE esgdesk_coordinator NOLOGIN; END IF; "
                  "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kim') THEN "
                  "CREATE ROLE kim LOGIN; END IF; END $$")
    pg_server.sql("GRANT esgdesk_coordinator TO kim")
    try:
        for statement in ("GRANT USAGE ON SCHEMA public TO esgdesk_coordinator",
                          "GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA public "
                          "TO esgdesk_coordinator"):
            _raw(owner, statement)
        with pytest.raises(DatabaseError) as refused:
            open_database(pg_server.as_user(group, "li")).close()
        assert refused.value.kind == "upgrade_needed"
        open_database(owner).close()
        kim = open_database(pg_server.as_user(group, "kim"))
        try:
            assert kim.server_role() == ("coordinator", ())
        finally:
            kim.close()
        with psycopg.connect(str(owner)) as connection:
            left = connection.execute(
                "SELECT count(*) FROM information_schema.role_table_grants "
                "WHERE grantee = 'esgdesk_coordinator'").fetchone()
            config = connection.execute(
                "SELECT proconfig FROM pg_proc WHERE proname = 'esgdesk_may_write'").fetchone()
        assert left == (0,) and config == (["search_path=pg_catalog, public, pg_temp"],)
        li = open_database(pg_server.as_user(group, "li"))
        li.close()
    finally:
        pg_server.sql("REVOKE esgdesk_coordinator FROM kim")
        pg_server.sql("DROP ROLE esgdesk_coordinator")


def test_a_database_whose_contributors_wrote_audit_rows_is_brought_up_to_date_by_its_owner(
        pg_server: PgServer, group: ServerUrl) -> None:
    """A database of the generation before, where a contributor wrote its figures' audit rows
    itself: a contributor's opening is refused until the owner opens it, which gives it the
    server's audit triggers and takes the audit log from every role."""
    from esgdesk.storage.postgres import SERVER_GENERATION

    contributor = role_names(location(group).name)["contributor"]
    coordinator = role_names(location(group).name)["coordinator"]
    owner = pg_server.url(location(group).name)
    for statement in (f"UPDATE esgdesk_server SET generation = {SERVER_GENERATION - 1}",
                      "DROP TRIGGER audit_figure ON value",
                      f"GRANT INSERT ON audit TO {contributor}",
                      f"GRANT DELETE ON value, entity TO {coordinator}"):  # as before 6
        _raw(owner, statement)
    with pytest.raises(DatabaseError) as refused:
        open_database(pg_server.as_user(group, "li")).close()
    assert refused.value.kind == "upgrade_needed"
    open_database(owner).close()
    for deleting in ("DELETE FROM value", "DELETE FROM entity"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, "zhao"), deleting)
    li = open_database(pg_server.as_user(group, "li"))
    try:
        li.set_value(Change("group", 2022, HR, "4321"), "li")
        assert li.history("group", 2022, HR)[-1].db_user == "li"
        assert li.verify_audit().sound
    finally:
        li.close()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit"):
        _raw(pg_server.as_user(group, "li"), "INSERT INTO audit (at, \"user\", action, "
             "entity_id, year, indicator, reason, source, hash) VALUES ('now', 'li', 'set', "
             f"1, 2022, '{HR}', '', '', 'x')")


def test_a_reader_cannot_stop_the_writers_and_a_waiting_writer_is_told_who_holds_them(
        pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    from esgdesk.errors import DatabaseBusy

    wang = pg_server.as_user(group, "wang")  # the reader
    for statement in ("SELECT id FROM esgdesk_writer FOR UPDATE",
                      "SELECT id FROM esgdesk_writer FOR KEY SHARE",
                      "LOCK TABLE esgdesk_writer IN EXCLUSIVE MODE",
                      "LOCK TABLE value IN SHARE MODE", "UPDATE esgdesk_writer SET id = 1"):
        with (pytest.raises(psycopg.errors.InsufficientPrivilege),
              psycopg.connect(str(wang)) as connection):  # in a transaction, as LOCK needs
            connection.execute(statement)  # type: ignore[arg-type]
    # Nor can the reader or a contributor hold the audit log against a write, which reads
    # its head as it begins and as it ends (the findings each edit leaves are kept by it).
    for login in (wang, pg_server.as_user(group, "li")):
        with (pytest.raises(psycopg.errors.InsufficientPrivilege),
              psycopg.connect(str(login)) as connection):
            connection.execute("LOCK TABLE audit IN ACCESS EXCLUSIVE MODE")
    # The reader holds every advisory lock it likes: the writers do not wait for it.
    with psycopg.connect(str(wang), autocommit=True) as reader:
        reader.execute("SELECT pg_advisory_lock(1163084612)")  # the old writers' key, ESGD
        reader.execute("BEGIN")
        reader.execute("SELECT * FROM esgdesk_writer")
        coordinator = open_database(pg_server.as_user(group, "zhao"))
        try:
            start = time.monotonic()
            coordinator.set_value(Change("group", 2023, HR, "4111"), "zhao")
            assert time.monotonic() - start < 2
        finally:
            coordinator.close()
    # A reader may still copy the database it reads into a file.
    result = _cli("backup", wang, str(tmp_path / "copy.db"))
    assert result.returncode == 0, result.stderr
    # A writer (the hr contributor) holding the lock makes another wait, then hear who.
    with psycopg.connect(str(pg_server.as_user(group, "li"))) as holder:
        holder.execute("SELECT id FROM esgdesk_writer FOR UPDATE")
        coordinator = open_database(pg_server.as_user(group, "zhao"))
        try:
            with pytest.raises(DatabaseBusy, match="server user li") as busy:
                coordinator.set_value(Change("group", 2023, HR, "4112"), "zhao")
            assert busy.value.kind == "busy" and busy.value.holders == ("li",)
        finally:
            coordinator.close()
    store = open_database(group)
    try:
        assert store.get("group", 2023, HR).value == "4111" and store.verify_audit().intact
    finally:
        store.close()


def _group_id(url: ServerUrl) -> int:
    with psycopg.connect(str(url)) as connection:
        row = connection.execute("SELECT id FROM entity WHERE code = 'group'").fetchone()
    assert row is not None
    return int(row[0])


def _write_as(url: ServerUrl, year: int, value: str, logged: str,
              hash_of: Callable[[str, dict[str, Any]], str] | None = None) -> int:
    """As `url`'s login with psql's means, in a transaction that says it copies a database
    (as a push does: only the owner's is taken at its word): change the group's hr
    head-count of a year and write an audit row saying `logged`, hashed with esgdesk's own
    function (or `hash_of` the row's head and content); the audit row's id."""
    from esgdesk.storage.audit import audit_hash

    user = urlsplit(str(url)).username or ""
    with psycopg.connect(str(url)) as connection:
        connection.execute("SELECT set_config('esgdesk.context', '{\"copy\":true}', true)")
        head_row = connection.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        head = head_row[0] if head_row else ""
        row = {"at": "2026-01-01T00:00:00+00:00", "user": user, "action": "set",
               "entity_id": _group_id(url), "year": year, "indicator": HR, "old_value": None,
               "new_value": logged, "old_status": None, "new_status": None, "reason": "",
               "source": "", "db_user": user}
        digest = (hash_of or audit_hash)(head, row)
        (audit_id,) = connection.execute(  # type: ignore[misc]
            'INSERT INTO audit (at, "user", action, entity_id, year, indicator, old_value, '
            "new_value, reason, source, db_user, hash) VALUES (%(at)s, %(user)s, %(action)s, "
            "%(entity_id)s, %(year)s, %(indicator)s, NULL, %(new_value)s, '', '', "
            "%(db_user)s, %(hash)s) RETURNING id", {**row, "hash": digest}).fetchone()
        connection.execute("UPDATE value SET value = %s WHERE entity_id = %s AND year = %s "
                           "AND indicator = %s", (value, row["entity_id"], year, HR))
    return int(audit_id)


def test_an_audit_row_that_lies_is_found_by_check_and_mended_by_setting_the_figure(
        pg_server: PgServer, group: ServerUrl) -> None:
    li, owner = pg_server.as_user(group, "li"), pg_server.url(location(group).name)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit"):
        _write_as(li, 2022, "9999", "1520")  # no esgdesk role writes an audit row
    # Only the owner of the tables can, who may switch every trigger off anyway: the figure
    # says 9999, its audit row 1520.
    _write_as(owner, 2022, "9999", "1520")
    store = open_database(group)
    try:
        report = store.verify_audit()
        assert report.intact and not report.sound
        (found,) = report.mismatches
        assert (found.entity, found.year, found.indicator, found.what) == (
            "group", 2022, HR, "value")
        assert (found.stored, found.logged) == ("9999", "1520")
    finally:
        store.close()
    for command in (("check", group), ("audit", "verify", group)):
        result = _cli(*command)
        assert result.returncode == 1 and f"group 2022 {HR}" in result.stderr, result.stderr
    # A figure with no audit row at all (the owner's, with the server's log switched off as
    # for a copy) is found too.
    _raw(owner, "BEGIN; SELECT set_config('esgdesk.context', '{\"copy\":true}', true); "
         "INSERT INTO value (entity_id, year, indicator, value, state, note, status, "
         f"changed_by, changed_at, version, restated, provenance) VALUES ({_group_id(group)}, "
         f"2030, '{HR}', '1', 'value', '', 'draft', 'x', 'now', 1, '', ''); COMMIT")
    li_store = open_database(li)
    try:
        assert {(m.year, m.what) for m in li_store.verify_audit().mismatches} == {
            (2022, "value"), (2030, "no audit row")}
        li_store.set_value(Change("group", 2022, HR, "1530"), "li")  # written again, audited
        assert [m.year for m in li_store.verify_audit().mismatches] == [2030]
    finally:
        li_store.close()
    # A figure the owner deletes, switching off the trigger that keeps every figure (no role
    # of the group may delete one), is found gone.
    _raw(owner, "BEGIN; ALTER TABLE value DISABLE TRIGGER value_contributor_guard; "
         f"DELETE FROM value WHERE entity_id = {_group_id(group)} AND year = 2023 "
         f"AND indicator = '{HR}'; "
         "ALTER TABLE value ENABLE TRIGGER value_contributor_guard; COMMIT")
    gone = [m for m in _verify(group).mismatches if m.what == "gone"]
    assert [(m.entity, m.year, m.indicator, m.stored) for m in gone] == [
        ("group", 2023, HR, None)]
    result = _cli("check", group)
    assert result.returncode == 1 and f"group 2023 {HR}: the figure is gone" in result.stderr


def _verify(url: ServerUrl) -> ChainReport:
    store = open_database(url)
    try:
        return store.verify_audit()
    finally:
        store.close()


def test_a_garbage_hash_is_found_sealed_by_the_owner_only_and_later_tampering_still_found(
        pg_server: PgServer, group: ServerUrl) -> None:
    li, owner = pg_server.as_user(group, "li"), pg_server.url(location(group).name)
    # A contributor writes no audit row, let alone a hand-made hash.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit"):
        _write_as(li, 2022, "1520", "1520", lambda _head, _row: "garbage")
    # The owner's rows are taken as given (a push copies rows with their hashes).
    garbage = _write_as(owner, 2022, "1530", "1530", lambda _head, _row: "garbage")
    coordinator = open_database(pg_server.as_user(group, "zhao"))
    try:  # writers after it chain on as before
        coordinator.set_value(Change("group", 2023, IR, "5"), "zhao")
        report = coordinator.verify_audit()
        assert report.broken == (garbage,) and report.mismatches == ()
        # Neither a coordinator nor a contributor may seal it; the owner may.
        for user in ("zhao", "li"):
            result = _cli("audit", "seal", pg_server.as_user(group, user), "--reason", "x")
            assert result.returncode != 0 and "owner" in result.stderr, result.stderr
        result = _cli("audit", "seal", group, "--reason", "garbage hash written by hand")
        assert result.returncode == 0, result.stderr
        report = coordinator.verify_audit()
        assert report.sound and report.sealed == (garbage,)
        seal = coordinator.audit_log()[-1]
        assert seal.action == "seal" and str(garbage) in (seal.new_value or "")
        assert seal.reason == "garbage hash written by hand" and seal.db_user == "postgres"
        assert _cli("audit", "verify", group).returncode == 0
        # Tampering after the seal is found, and the sealed row stays sealed.
        later = _write_as(owner, 2022, "1540", "1540", lambda _head, _row: "more garbage")
        report = coordinator.verify_audit()
        assert report.broken == (later,) and report.sealed == (garbage,)
        # A sealed row changed again (by a superuser) is no longer covered by the seal.
        _raw(pg_server.url(location(group).name),
             "BEGIN; SET LOCAL session_replication_role = replica; "
             f"UPDATE audit SET reason = 'edited' WHERE id = {garbage}; COMMIT")
        assert coordinator.verify_audit().broken == (garbage, later)
    finally:
        coordinator.close()


def test_the_server_makes_each_audit_rows_hash_clock_and_user_as_a_file_would(
        pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    """Rows a coordinator and a contributor write through esgdesk, with text that JSON must
    escape, get the server's clock, user and hash; Python's audit_hash verifies them, and the
    copy pulled into a file verifies there too."""
    tricky = 'quote " backslash \\ newline \n tab \t 中文 😀 \u2028 end'
    zhao = open_database(pg_server.as_user(group, "zhao"))
    li = open_database(pg_server.as_user(group, "li"))
    try:
        before = zhao.audit_log()[-1].id
        zhao.set_value(Change("group", 2023, IR, "12.5", note=tricky), "赵 \"zhao\" \x01\x7f")
        zhao.set_status("group", 2023, IR, "submitted", "zhao", reason=tricky)
        li.set_note("group", 2023, HR, tricky, "li")
        li.set_values([Change("group", year, HR, str(4000 + year)) for year in (2021, 2022)],
                      "li", reason="batch", source="returned.xlsx sha256:ab12")
        rows = [r for r in zhao.audit_log() if r.id > before]
        assert len(rows) == 5
        assert [r.db_user for r in rows] == ["zhao", "zhao", "li", "li", "li"]
        assert all(r.at.endswith("+00:00") and "T" in r.at for r in rows)
        assert zhao.verify_audit().sound
    finally:
        zhao.close()
        li.close()
    copy = tmp_path / "copy.db"
    result = _cli("backup", group, str(copy))
    assert result.returncode == 0, result.stderr
    assert _cli("check", str(copy)).returncode == 0


def test_a_coordinators_new_entity_is_logged_by_the_server_and_no_other_role_may_add_one(
        pg_server: PgServer, group: ServerUrl) -> None:
    """A coordinator adds a site through the session: the server's trigger writes its audit
    row (the app's user, the coordinator's login, the entity's fields exactly as the file
    writes them) and `check` passes. A contributor and a reader may add none, through esgdesk
    or psql; the owner's own insert with psql is logged from the row alone."""
    name = '惠州 "工厂" \\ 换行\n\t 😀 \u2028'
    session = Session(user_name="赵 zhao")
    session.open(pg_server.as_user(group, "zhao"), "group", 2023)
    try:
        store = session.require_store()
        before = store.audit_log()[-1].id
        assert session.add_entity("huizhou", name, "Huizhou plant", "site", "group",
                                  "Guangdong").saved
        [row] = [r for r in store.audit_log() if r.id > before]
        assert (row.action, row.entity, row.year, row.indicator, row.user, row.db_user) == (
            "entity", "huizhou", 0, "", "赵 zhao", "zhao")
        assert (row.old_value, row.reason, row.source) == (None, "", "entity")
        assert row.new_value == entity_text("huizhou", name, "Huizhou plant", "site", "group",
                                            "guangdong")
        assert store.verify_audit().sound
    finally:
        session.close()
    for login in ("li", "wang"):
        store = open_database(pg_server.as_user(group, login))
        try:
            head = store.audit_head()
            with pytest.raises(EsgdeskError):
                store.add_entity(f"by_{login}", "站点", "Site", "site", "group", user=login)
            assert store.audit_head() == head
        finally:
            store.close()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, login), "INSERT INTO entity (code, name_zh, "
                 f"name_en, kind) VALUES ('raw_{login}', '站点', 'Site', 'site')")
        store = open_database(pg_server.as_user(group, login))
        try:  # nor rename or close one (nor move one: below)
            with pytest.raises(EsgdeskError):
                store.change_entity("huizhou", login, name_en="Renamed")
            with pytest.raises(EsgdeskError):
                store.close_entity("huizhou", 2025, login)
            assert store.audit_head() == head
        finally:
            store.close()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, login), "INSERT INTO entity_parent (entity_id, "
                 "parent_id, from_year) SELECT e.id, e.parent_id, 2030 FROM entity e "
                 "WHERE e.code = 'huizhou'")
    _raw(group, "INSERT INTO entity (code, name_zh, name_en, kind, parent_id) "
         "SELECT 'raw', '直接', 'Raw', 'site', id FROM entity WHERE code = 'huizhou'")
    store = open_database(group)
    try:
        assert "by_li" not in {e.code for e in store.entities()}
        row = store.audit_log()[-1]
        assert (row.action, row.entity, row.user, row.db_user, row.source) == (
            "entity", "raw", "postgres", "postgres", "entity")
        assert row.new_value == entity_text("raw", "直接", "Raw", "site", "huizhou", None)
        assert store.verify_audit().sound
    finally:
        store.close()
    for command in (("check", group), ("audit", "verify", group)):
        result = _cli(*command)
        assert result.returncode == 0, result.stderr


def _audited_changes(store: Any, user: str) -> None:
    """One of every audited write the app makes (figures, notes, statuses, a figure's
    quality, evidence attached and removed, a restatement, a request and its review locking
    its figures, a factor with its year's own copy, a province and a method choice moving
    published figures, a catalogue edition)."""
    from esgdesk.model.assurance import Mark
    from esgdesk.rules.published import change_choice, change_province
    from esgdesk.storage.restatements import Restatement

    electricity = "environment.energy.electricity"
    store.add_entity("dongguan", "东莞", "Dongguan", "site", "group", "guangdong")
    store.add_entity("tricky", '名 "引号" \\ 换行\n 😀 \u2028', "Tab\there \x01", "site",
                     "group")
    store.add_entity("acquired", "新厂", "New plant", "site", "group", "hubei",
                     from_year=2024, equity_share="51", control=False)
    store.change_entity("acquired", user, name_en="New plant (Wuhan)")
    store.change_entity("acquired", user, equity_share="60.5")
    store.add_entity("holding", "控股", "Holding", "company", "group", from_year=2025)
    store.move_entity("acquired", "holding", 2025, user)
    store.close_entity("acquired", 2026, user)
    store.apply_structure([], [], [], {}, user, "structure.xlsx", "新名集团 / New Name Group")
    store.set_values([Change("group", 2023, HR, "4100", note="from the HR system"),
                      Change("group", 2022, HR, "4000", provenance="HR system export"),
                      Change("dongguan", 2024, electricity, "1.2", unit="GWh"),
                      Change("dongguan", 2024, electricity + "_renewable", "200000")],
                     user, source="returned.xlsx sha256:ab12")
    store.set_values([Change("group", 2021, HR, "3900", quality="estimated",  # with its
                             method="payroll's \"12\" months"),  # quality: a new figure
                      Change("group", 2023, HR, "4120", quality="measured")], user)  # and one held
    store.set_note("group", 2023, IR, "audited accounts", user)
    store.set_quality("group", 2022, HR, "estimated", "November's count, \"plus\" hires", user)
    store.set_quality("group", 2022, HR, "measured", "", user)
    attached = store.attach("group", 2022, HR, "工资 payroll.pdf", b"%PDF-1.4 payroll", user,
                            note="December's extract")
    store.attach("group", 2023, IR, "accounts.txt", "审计报告".encode(), user)
    store.detach(attached.id, "the wrong month", user)
    store.record_sample(2023, "kpmg-7", 2, "magnitude", "hr", [("group", HR), ("group", IR)],
                        user)
    store.set_marks([Mark("group", 2023, HR, "queried", "the December hires?"),
                     Mark("group", 2023, IR, "passed")], user, source="assurance.xlsx")
    store.set_marks([Mark("group", 2023, HR, "passed", "register seen")], user)
    store.set_note("group", 2023, HR, "recounted", user)
    store.set_status("group", 2023, HR, "locked", user, reason="published")
    store.restate("group", 2023, HR, "4150", "error", "a site was left out", user)
    for indicator in (electricity, electricity + "_renewable"):
        store.set_status("dongguan", 2024, indicator, "locked", user)
    request = store.assign("group", 2022, "hr", "li", "2024-03-01", user)
    store.set_request_status(request.id, "submitted", user, reason="sent")
    store.set_request_status(request.id, "locked", user, reason="published", lock_figures=True)
    store.set_factor(2023, "grid.national", "0.5703", "kgCO2e/kWh", "MEE 2023", "table 1",
                     user, "new figure")
    change_province(store, "dongguan", "湖北", user, Restatement("boundary", "it moved"))
    change_choice(store, "scope2_market", "grid_average", None, user,
                  Restatement("method", "the grid average for the uncovered part"))
    ratio, why = "people.employees.female_ratio", "rounded so the column adds to 100 %"
    store.set_printed("group", 2023, ratio, "36.9", why, user)  # a computed figure printed
    store.set_printed("group", 2023, ratio, "36.8", why, user)  # otherwise, and as computed
    store.set_printed("group", 2023, ratio, "", "", user)
    store.open_year(2026, user)


def test_the_server_writes_the_same_audit_rows_as_a_file_for_every_audited_write(
        pg_server: PgServer, group: ServerUrl, sample_file: Path) -> None:
    """The same writes on the file the server database was pushed from and on the server:
    the server's triggers write the rows Python writes on the file, field for field (the
    time, the server user and the hash apart), and both chains verify."""
    server, file = open_database(group), open_database(sample_file)
    try:
        rows = {}
        for name, store in (("server", server), ("file", file)):
            start = store.audit_log()[-1].id
            _audited_changes(store, "赵 zhao")
            rows[name] = sorted(
                tuple(str(getattr(record, key)) for key in (
                    "action", "user", "entity", "year", "indicator", "department",
                    "old_value", "new_value", "old_status", "new_status", "reason", "source",
                    "entered", "factor"))
                for record in store.audit_log() if record.id > start)
            assert store.verify_audit().sound, store.verify_audit().problems()
        assert len(rows["server"]) > 20 and rows["server"] == rows["file"]
        assert {row[0] for row in rows["server"]} >= {
            "set", "note", "status", "restate", "recompute", "request", "review", "factor",
            "province", "method", "catalogue", "entity", "rename", "close", "move", "printed",
            "attach", "detach", "quality", "sample", "mark", "company"}
        assert any(row[12] not in ("", "None") for row in rows["server"])  # as typed
    finally:
        server.close()
        file.close()


def test_what_a_report_prints_beside_a_figure_changed_with_psql_is_logged(
        pg_server: PgServer, group: ServerUrl) -> None:
    """The printed figure, the restatement and the figure first published, changed with psql
    rather than through esgdesk, get their audit rows all the same, naming the login: the
    report prints them, and before they went unlogged."""
    figure = f"entity_id = {_group_id(group)} AND year = 2023 AND indicator = "
    _raw(pg_server.as_user(group, "li"), "UPDATE value SET printed = '4200', printed_reason = "
         f"'as printed' WHERE {figure}'{HR}'")  # its own department's draft figure
    _raw(pg_server.url(location(group).name),
         f"UPDATE value SET status = 'locked' WHERE {figure}'{IR}'")
    _raw(pg_server.as_user(group, "zhao"), "UPDATE value SET published = '1', restated = "
         f"'restated by hand' WHERE {figure}'{IR}'")
    store = open_database(group)
    try:
        printed = [r for r in store.history("group", 2023, HR) if r.action == "printed"]
        assert [(r.db_user, r.old_value, r.new_value, r.reason) for r in printed] == [
            ("li", None, "4200", "as printed")]
        restated = [r for r in store.history("group", 2023, IR) if r.action == "restate"]
        assert [(r.db_user, r.reason, r.new_status) for r in restated] == [
            ("zhao", "restated by hand", "locked")]
        assert restated[0].old_value == restated[0].new_value == store.get(
            "group", 2023, IR).value
        assert store.verify_audit().sound
    finally:
        store.close()
