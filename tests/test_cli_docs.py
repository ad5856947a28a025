"""The command line as a documented product (as sqlite-utils tests its own): every command and option
is in the README or docs/, every help says the exit codes, and click's own texts are Indonesian."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import EXIT_HELP, i18n, main

README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDES = {p: p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").rglob("*.md"))}
COMMANDS = sorted(main.commands)


def _row(name: str) -> str:
    """The README command table's row of ``satudata NAME``."""
    rows = [line for line in README.splitlines() if line.startswith(f"| `satudata {name}")]
    assert len(rows) == 1, f"README: no row in the command table for satudata {name}"
    return rows[0]


def _options(command: click.Command) -> list[str]:
    return [
        max(p.opts, key=len)
        for p in command.params
        if isinstance(p, click.Option) and not set(p.opts) & {"--help", "-h", "--version"}
    ]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_documented(name):
    row = _row(name)
    guides = [text for text in GUIDES.values() if f"satudata {name}" in text]
    for param in main.commands[name].params:
        if isinstance(param, click.Option):
            assert param.help, f"satudata {name} {param.opts[0]}: give the option a help text"
    for option in _options(main.commands[name]):
        assert option in row or any(option in text for text in guides), (
            f"satudata {name} {option}: document it in the README command table or a guide in docs/"
        )


def test_the_readme_documents_no_command_that_is_gone():
    documented = set(re.findall(r"^\| `satudata ([a-z-]+)", README, re.M))
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_every_help_is_indonesian_and_names_the_exit_codes(name):
    args = [name, "--help"] if name else ["--help"]
    result = CliRunner().invoke(main, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("Penggunaan: satudata") and "\nOpsi:\n" in text
    assert "Tampilkan pesan ini lalu keluar." in text
    assert " ".join(EXIT_HELP.split()) in " ".join(text.split())
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[OPTIONS]", "COMMAND [ARGS]"):
        assert english not in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--tidak-ada"], "Galat: Tidak ada opsi '--tidak-ada'."),
        (["validat"], "Galat: Tidak ada perintah 'validat'."),
        (["kode", "--format", "xml"], "Galat: Nilai tidak sah untuk '--format': 'xml' bukan salah satu dari"),
        (["init"], "Galat: Argumen belum diisi 'FOLDER'."),
        (["validate", "/tidak/ada"], "Jalur '/tidak/ada' tidak ada."),
        (["validate", "--pekerja", "0"], "0 di luar rentang 1<=x<=64."),
        (["serve", "--port"], "Galat: Opsi '--port' memerlukan satu nilai."),
        (["kode", "lebih"], "Galat: Ada argumen lebih yang tidak dikenal (lebih)"),
    ],
)
def test_usage_errors_are_indonesian_with_exit_2(args, expected):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Error" not in result.output and "Usage" not in result.output and "for help" not in result.output


def _click_texts() -> set[str]:
    """Every text the installed click marks for translation."""
    found = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def test_every_text_of_the_installed_click_is_translated():
    missing = sorted(_click_texts() - set(i18n.TEXTS))
    assert not missing, "add to pipeline/cli/i18n.py TEXTS: " + repr(missing)
    unused = sorted(set(i18n.TEXTS) - _click_texts())
    assert not unused, "no longer in click: " + repr(unused)


def test_translations_keep_their_placeholders():
    def holes(text: str) -> list[str]:
        return sorted(re.findall(r"\{[^}]*\}|%\(\w+\)s", text))

    for english, indonesian in i18n.TEXTS.items():
        assert holes(english) == holes(indonesian), english
