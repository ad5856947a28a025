"""The ``satudata`` command line: a thin layer over the stages. Messages are in Bahasa Indonesia.

Each command module registers its commands on :data:`main`; shared option helpers and the
way a finding is printed live here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from .. import __version__
from ..codes import Finding
from ..sop.state import parse_time

EXIT_OK = 0
EXIT_FINDINGS = 1  # the input has errors (findings of level galat), or a check refused it
EXIT_USAGE = 2  # the command was called wrongly (click's own exit code for usage errors)
EXIT_ENVIRONMENT = 3  # the machine or repository failed: git, disk, permissions, a port in use


def catalog_option(help: str = "Folder katalog (berisi metadata/) di dalam repositori git."):
    """--katalog DIR: where the catalog is, for commands whose arguments are something else."""
    return click.option(
        "--katalog",
        "repo",
        default=".",
        show_default=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=help,
    )


def format_option(choices: list[str], default: str, help: str):
    """The --format option shared by commands that print for people and for tools."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="satudata", message="%(prog)s %(version)s")
def main() -> None:
    """Katalog metadata statistik sektoral (Satu Data Indonesia) berbasis git."""


def under(finding: Finding, root: Path, target: Path) -> bool:
    if target == root:
        return True
    return (root / finding.berkas).resolve().is_relative_to(target)


def echo_finding(f: Finding) -> None:
    color = "red" if f.is_error else "yellow"
    head = click.style(f"{f.where()}: ", bold=True) + click.style(f.tingkat.upper(), fg=color, bold=True)
    item = f.item()
    click.echo(f"{head} [{f.kode}]" + (f" {item}" if item else "") + (f" ({f.lokasi})" if f.lokasi else ""))
    click.echo(f"    {f.pesan}")
    click.echo(f"    Perbaikan: {f.saran}")


def now(sop) -> datetime:
    return datetime.now(sop.jam_kerja.zona).replace(microsecond=0)


def parse_moment(value: str | None, sop, option: str) -> datetime:
    if value is None:
        return now(sop)
    moment = parse_time(value)
    if moment is None:
        raise click.BadParameter(
            f"'{value}' bukan tanggal dan jam dengan zona waktu; tulis misalnya 2025-02-03T09:00:00+07:00.",
            param_hint=option,
        )
    return moment


from . import check, excel, interop, portal, workflow  # noqa: E402,F401  (registers the commands)
