"""The ``satudata`` command line. Messages are in Bahasa Indonesia."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from . import __version__
from .catalog import find_root, load_catalog
from .checks import check
from .findings import Finding
from .schema import Schemas


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="satudata", message="%(prog)s %(version)s")
def main() -> None:
    """Katalog metadata statistik sektoral (Satu Data Indonesia) berbasis git."""


def _under(finding: Finding, root: Path, target: Path) -> bool:
    if target == root:
        return True
    return (root / finding.berkas).resolve().is_relative_to(target)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["teks", "json"]),
    default="teks",
    show_default=True,
    help="Bentuk keluaran: teks untuk dibaca, json untuk alat lain.",
)
@click.option("--ketat", is_flag=True, help="Peringatan juga dianggap gagal (kode keluar 1).")
def validate(path: Path, fmt: str, ketat: bool) -> None:
    """Periksa metadata terhadap skema, daftar kode dan keterkaitan antarrekaman.

    PATH boleh folder katalog, folder metadata/ sebuah OPD atau kegiatan, atau satu berkas:
    seluruh katalog tetap dibaca (untuk memeriksa rujukan), tetapi yang dilaporkan hanya
    temuan di bawah PATH. Kode keluar 1 jika ada galat.
    """
    target = path.resolve()
    root = find_root(target)
    catalog = load_catalog(root)
    findings = [f for f in check(catalog, Schemas.find(root)) if _under(f, root, target)]
    counts = Counter(f.tingkat for f in findings)
    kinds = Counter(r.kind for r in catalog.records.values())
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ringkasan": {
                        "galat": counts["galat"],
                        "peringatan": counts["peringatan"],
                        "rekaman": {k: kinds[k] for k in ("opd", "kegiatan", "variabel", "indikator")},
                    },
                    "temuan": [f.to_dict() for f in findings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in findings:
            _echo_finding(f)
        summary = (
            f"Diperiksa {kinds['opd']} OPD, {kinds['kegiatan']} kegiatan, {kinds['variabel']} variabel, "
            f"{kinds['indikator']} indikator: {counts['galat']} galat, {counts['peringatan']} peringatan."
        )
        ok = not counts["galat"] and not (ketat and counts["peringatan"])
        click.secho(summary, fg="green" if ok else "red", bold=True)
    if counts["galat"] or (ketat and counts["peringatan"]):
        raise SystemExit(1)


def _echo_finding(f: Finding) -> None:
    color = "red" if f.is_error else "yellow"
    head = click.style(f"{f.where()}: ", bold=True) + click.style(f.tingkat.upper(), fg=color, bold=True)
    item = f.item()
    click.echo(f"{head} [{f.kode}]" + (f" {item}" if item else "") + (f" ({f.lokasi})" if f.lokasi else ""))
    click.echo(f"    {f.pesan}")
    click.echo(f"    Perbaikan: {f.saran}")
