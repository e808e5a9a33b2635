"""Each command is declared once: its name, parser and handler together, all listed by
--help and dispatched by main.py."""

from __future__ import annotations

import pytest

from esgdesk.application.cli import COMMANDS, REGISTRY, main


def test_every_command_has_a_parser_and_a_handler() -> None:
    # no "unlock": locked is published; "templates", "year", "frameworks", "targets" for the
    # catalogue; "printed" for a computed figure printed as the report rounds it; "server",
    # "method", "entity"; "evidence" and "assurance" for verifiers
    assert tuple(REGISTRY) == COMMANDS and len(COMMANDS) == 33
    for name in COMMANDS:
        command = REGISTRY[name]
        assert command.name == name and command.help and callable(command.run)
        parser = command.parser()
        assert parser.prog == f"esgdesk {name}"
        assert "--user" in parser.format_usage()


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    for name in COMMANDS:
        assert f"{name} ({REGISTRY[name].help})" in " ".join(out.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_answers_help(capsys: pytest.CaptureFixture[str], name: str) -> None:
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: esgdesk {name}")


def test_no_command_is_refused_with_exit_code_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "give a command" in capsys.readouterr().err


def test_main_py_sends_every_command_to_the_command_line() -> None:
    import main as entry

    assert all(entry.is_command([name]) for name in COMMANDS)
    assert entry.is_command(["--help"]) and entry.is_command(["nonsense"])
    assert not entry.is_command([]) and not entry.is_command(["--db", "x.db"])
