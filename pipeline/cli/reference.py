"""``satudata kode``: the reference of every finding code."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from ..check.reference import as_json, entries, markdown
from ..contract.schema import Schemas
from ..read.catalog import find_root
from . import catalog_option, format_option, main


@main.command("kode")
@format_option(
    ["teks", "markdown", "json"],
    "teks",
    "Bentuk keluaran: teks untuk dibaca, markdown untuk docs/, json untuk alat lain.",
)
@click.option(
    "--perbarui",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tulis daftar (Markdown) ke berkas ini, misalnya docs/kode-temuan.md, alih-alih menampilkannya.",
)
@catalog_option("Folder katalog: aturan x-aturan dibaca dari schemas/ miliknya (atau skema bawaan).")
def kode_cmd(fmt: str, perbarui: Path | None, repo: Path) -> None:
    """Daftar setiap kode temuan: tingkat, bidang, arti dan perbaikan yang biasa.

    Aturan lintas isian (aturan-R1 …) dibaca dari x-aturan di skema beserta pesan dan sarannya.
    Kode keluar 0.
    """
    schemas = Schemas.find(find_root(repo.resolve()))
    if perbarui is not None:
        text = markdown(schemas)
        old = perbarui.read_text(encoding="utf-8") if perbarui.is_file() else None
        if old != text:
            _write(perbarui, text)
        click.echo(f"{perbarui}: daftar kode temuan {'sudah sesuai' if old == text else 'diperbarui'}.")
    elif fmt == "markdown":
        click.echo(markdown(schemas), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(as_json(schemas), ensure_ascii=False, indent=2))
    else:
        for e in entries(schemas):
            where = f"{e.bidang}, {e.formulir}" if e.formulir else e.bidang
            click.echo(f"{e.kode}  [{e.tingkat}; {where}]")
            click.echo("    " + e.arti.replace("\n", "\n    "))
            click.echo("    Perbaikan: " + e.saran.replace("\n", "\n    Perbaikan: "))


def _write(path: Path, text: str) -> None:
    """All or nothing: a temporary file beside ``path``, then renamed over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
