"""Evidence on a group's server: a contributor attaches documents to the figures it may write
and the server refuses the rest, through the app, the command line and raw SQL alike; the
server writes each attachment's audit row with its hash. A verifier (assurer) reads
everything and writes only its samples and marks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest
from pg_server import PgServer
from pg_server import cli as _cli

from esgdesk.errors import Forbidden
from esgdesk.model.assurance import Mark
from esgdesk.storage.location import ServerUrl
from esgdesk.storage.store import Change, open_database

HR = "people.employees.total"  # owned by hr, which li writes for
IR = "finance.revenue"  # owned by ir
PAYROLL = b"%PDF-1.4\npayroll extract 2023\n%%EOF\n"
LATER = b"%PDF-1.4\npayroll extract 2024\n%%EOF\n"


def _raw(url: ServerUrl, statement: str, params: tuple[object, ...] = ()) -> None:
    with psycopg.connect(str(url), autocommit=True) as connection:
        connection.execute(statement, params)  # type: ignore[arg-type]


def test_a_contributor_attaches_to_its_own_figure_and_is_refused_another_departments(
        pg_server: PgServer, group: ServerUrl) -> None:
    li = open_database(pg_server.as_user(group, "li"))
    try:
        attached = li.attach("group", 2023, HR, "payroll.pdf", PAYROLL, "li", note="December")
        [entry] = [r for r in li.history("group", 2023, HR) if r.action == "attach"]
        assert (entry.user, entry.db_user, entry.new_value, entry.source, entry.reason) == (
            "li", "li", hashlib.sha256(PAYROLL).hexdigest(), "payroll.pdf", "December")
        head = li.audit_head()
        with pytest.raises(Forbidden):
            li.attach("group", 2023, IR, "accounts.pdf", PAYROLL, "li")
        assert li.audit_head() == head and li.attachments(2023, indicator=IR) == []
        li.detach(attached.id, "the wrong month", "li")
        assert li.attachments(2023) == []
        assert li.verify_audit().sound, li.verify_audit().problems()
    finally:
        li.close()


def test_the_server_refuses_a_contributors_raw_sql_on_evidence(
        pg_server: PgServer, group: ServerUrl) -> None:
    owner = pg_server.url(group.name)
    digest = hashlib.sha256(PAYROLL).hexdigest()
    zhao = open_database(pg_server.as_user(group, "zhao"))
    try:
        on_ir = zhao.attach("group", 2023, IR, "accounts.pdf", PAYROLL, "zhao")
        on_hr = zhao.attach("group", 2023, HR, "payroll.pdf", PAYROLL, "zhao")
    finally:
        zhao.close()
    li = pg_server.as_user(group, "li")
    insert = ("INSERT INTO attachment (entity_id, year, indicator, sha256, file_name, note, "
              "attached_by, attached_at, removed) VALUES (1, 2023, %s, %s, 'x.pdf', '', 'li', "
              "'now', false)")
    refused = [
        (insert, (IR, digest)),  # another department's figure
        ("UPDATE attachment SET removed = true, removed_reason = 'x' WHERE id = %s",
         (on_ir.id,)),
        ("UPDATE attachment SET sha256 = sha256 WHERE id = %s", (on_hr.id,)),
        ("DELETE FROM attachment WHERE id = %s", (on_hr.id,)),
        ("UPDATE evidence_content SET content = '\\x00'::bytea", ()),
        ("DELETE FROM evidence_content", ()),
        # other bytes stored first under the SHA-256 of a document someone will attach
        ("INSERT INTO evidence_content (sha256, content, size, media_type) VALUES "
         "(%s, %s, 6, 'application/pdf')", (hashlib.sha256(LATER).hexdigest(), b"forged")),
    ]
    for statement, params in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(li, statement, params)
    # Its own figure's attachment it may remove (the server logs it), never bring back.
    _raw(li, "UPDATE attachment SET removed = true, removed_by = 'li', removed_reason = "
         "'psql' WHERE id = %s", (on_hr.id,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _raw(owner, "UPDATE attachment SET removed = false WHERE id = %s", (on_hr.id,))
    store = open_database(group)
    try:
        [detached] = [r for r in store.history("group", 2023, HR) if r.action == "detach"]
        assert (detached.db_user, detached.old_value, detached.reason) == ("li", digest, "psql")
        assert store.verify_audit().sound
    finally:
        store.close()


def test_the_command_line_attaches_and_fetches_on_a_server(
        pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    pdf = tmp_path / "payroll.pdf"
    pdf.write_bytes(PAYROLL)
    li = pg_server.as_user(group, "li")
    added = _cli("evidence", "add", li, "--year", "2023", HR, str(pdf), "--note", "December")
    assert added.returncode == 0, added.stderr
    refused = _cli("evidence", "add", li, "--year", "2023", IR, str(pdf))
    assert refused.returncode != 0 and "nothing was written" in refused.stderr
    listed = _cli("evidence", "list", li, "--year", "2023")
    assert listed.returncode == 0 and listed.stdout.count("payroll.pdf") == 1
    out = tmp_path / "fetched.pdf"
    fetched = _cli("evidence", "get", li, listed.stdout.split("\t")[0], "--out", str(out))
    assert fetched.returncode == 0, fetched.stderr
    assert out.read_bytes() == PAYROLL


def test_an_assurer_reads_everything_and_writes_only_samples_and_marks(
        pg_server: PgServer, group: ServerUrl) -> None:
    grant = _cli("server", "grant", group, "--name", "kpmg", "--role", "assurer")
    assert grant.returncode == 0, grant.stderr
    kpmg = open_database(pg_server.as_user(group, "kpmg"))
    try:
        assert kpmg.server_role() == ("assurer", ())
        assert kpmg.get("group", 2023, HR) is not None  # reads the figures
        sample = kpmg.record_sample(2023, "s1", 1, "random", "", [("group", HR)], "kpmg")
        assert kpmg.set_marks([Mark("group", 2023, HR, "failed", "no register")], "kpmg") == 1
        [entry] = [r for r in kpmg.history("group", 2023, HR) if r.action == "mark"]
        assert (entry.db_user, entry.new_value, entry.reason) == ("kpmg", "failed",
                                                                   "no register")
        assert sample.figures == (("group", HR),)
        head = kpmg.audit_head()
        for write in (lambda: kpmg.set_value(Change("group", 2023, HR, "1"), "kpmg"),
                      lambda: kpmg.attach("group", 2023, HR, "x.pdf", PAYROLL, "kpmg"),
                      lambda: kpmg.set_quality("group", 2023, HR, "measured", "", "kpmg")):
            with pytest.raises(Forbidden):
                write()
        assert kpmg.audit_head() == head
    finally:
        kpmg.close()
    for statement in ("UPDATE assurance_mark SET mark = 'passed'", "DELETE FROM assurance_mark",
                      "UPDATE value SET note = 'x'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _raw(pg_server.as_user(group, "kpmg"), statement)
