"""The ``satudata`` command line: a thin layer over the stages. Messages are in Bahasa Indonesia.

Each command module registers its commands on :data:`main`; shared option helpers and the
way a finding is printed live here."""

from __future__ import annotations

import errno
import os
from datetime import date, datetime, time
from pathlib import Path

import click

from .. import __version__
from ..codes import EMITTED, EXIT_ENVIRONMENT, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Finding, SatudataError, lookup
from ..edit.oserrors import explain
from ..sop.definition import SopError
from ..sop.state import parse_time
from . import i18n

i18n.install()  # before any option is declared: click's own texts (Usage, Options, errors) in Indonesian

__all__ = ["EXIT_ENVIRONMENT", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "main"]


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


def echo_failure(kode: str, pesan: str, saran: str) -> None:
    """A failure of the command itself (not a finding in a file), on stderr."""
    lookup(kode)
    EMITTED.add(kode)
    click.echo(click.style("GALAT", fg="red", bold=True) + f" [{kode}] {pesan}", err=True)
    click.echo(f"    Perbaikan: {saran}", err=True)


class Command(click.Command):
    """A satudata command: its usage line names the options in Indonesian too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPSI]")
        super().__init__(*args, **kwargs)


class Satudata(click.Group):
    """The command group that turns every failure into an Indonesian message and an exit code."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPSI]")
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARGUMEN]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except SopError as exc:  # a broken sop.yaml: findings like a record's, with lines
            _sop_findings(exc)
            ctx.exit(EXIT_FINDINGS)
        except SatudataError as exc:
            echo_failure(exc.kode, exc.pesan, exc.saran)
            ctx.exit(exc.keluar)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (… | head): click closes quietly
                raise
            echo_failure(*explain(exc))  # disk full, permissions, a port in use … in words
            ctx.exit(EXIT_ENVIRONMENT)
        except Exception as exc:
            if os.environ.get("SATUDATA_JEJAK"):
                raise
            pesan = f"Galat internal satudata ({type(exc).__name__}: {exc})."
            echo_failure("satudata-internal", pesan, lookup("satudata-internal").saran)
            ctx.exit(EXIT_ENVIRONMENT)


def _sop_findings(exc: SopError) -> None:
    from ..check.alur import sop_file_findings

    where = Path(exc.where)
    try:
        where = where.resolve().relative_to(Path.cwd())
    except (ValueError, OSError):
        pass
    for f in sop_file_findings(exc, where.as_posix()):
        echo_finding(f)
    echo_failure(exc.kode, f"{where.as_posix()} tidak sah: perbaiki temuan di atas dulu.", exc.saran)


@click.group("satudata", cls=Satudata, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="satudata", message="%(prog)s %(version)s")
def main() -> None:
    """Katalog metadata statistik sektoral (Satu Data Indonesia) berbasis git."""


def under(finding: Finding, root: Path, target: Path) -> bool:
    if target == root:
        return True
    return (root / finding.berkas).resolve().is_relative_to(target)


def echo_finding(f: Finding, err: bool = False) -> None:
    color = "red" if f.is_error else "yellow"
    head = click.style(f"{f.where()}: ", bold=True) + click.style(f.tingkat.upper(), fg=color, bold=True)
    item = f.item()
    click.echo(f"{head} [{f.kode}]" + (f" {item}" if item else "") + (f" ({f.lokasi})" if f.lokasi else ""), err=err)
    click.echo(f"    {f.pesan}", err=err)
    click.echo(f"    Perbaikan: {f.saran}", err=err)


def now(sop) -> datetime:
    return datetime.now(sop.jam_kerja.zone).replace(microsecond=0)


def parse_moment(value: str | None, sop, option: str, day: bool = False) -> datetime:
    """``value`` as a moment with its zone; with ``day``, a date alone (2025-02-03) is 00.00 that
    day in the SOP's zone (a reference time, as ``--pada`` takes it; an event's time is exact)."""
    if value is None:
        return now(sop)
    moment = parse_time(value)
    if moment is None and day:
        try:
            moment = datetime.combine(date.fromisoformat(value), time(), sop.jam_kerja.zone)
        except ValueError:
            moment = None
    if moment is None:
        example = "2025-02-03 atau 2025-02-03T09:00:00+07:00" if day else "2025-02-03T09:00:00+07:00"
        raise click.BadParameter(
            f"'{value}' bukan {'tanggal, atau ' if day else ''}tanggal dan jam dengan zona waktu; tulis misalnya {example}.",
            param_hint=option,
        )
    return moment


from . import check, editor, excel, interop, laporan, portal, reference, workflow  # noqa: E402,F401  (registers the commands)

EXIT_HELP = (
    f"Kode keluar: {EXIT_OK} bersih; {EXIT_FINDINGS} ada galat atau permintaan ditolak; {EXIT_USAGE} perintah "
    f"dipanggil dengan salah; {EXIT_ENVIRONMENT} lingkungan gagal (git, disk, izin, port) atau galat internal."
)
main.epilog = EXIT_HELP
for _command in main.commands.values():
    _command.epilog = EXIT_HELP
