"""``satudata export-indah`` and ``banding-indah``: the catalog in Indah v2's keys and enums, and
an Indah export compared with the catalog."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..codes import GALAT, Finding
from ..contract.schema import Schemas
from ..edit.writer import replace_file
from ..read.catalog import find_root, load_catalog
from . import EXIT_FINDINGS, catalog_option, echo_finding, format_option, main


def _model(root: Path, internal: bool):
    from ..publish.model import build_model

    return build_model(load_catalog(root), Schemas.find(root), internal=internal)


@main.command(name="export-indah")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--keluar", "out", default="-", show_default=True, type=click.Path(path_type=Path, allow_dash=True),
              help="Berkas JSON hasil ('-' = layar).")  # fmt: skip
@click.option(
    "--internal",
    is_flag=True,
    help="Untuk pelaporan di Indah (langkah 8): termasuk kegiatan yang belum disetujui, variabel/indikator tidak "
    "publik (ditandai) dan kontak penanggung jawab teknis. Jangan dipublikasikan.",
)
def export_indah(path: Path, out: Path, internal: bool) -> None:
    """Tulis katalog (atau satu OPD/kegiatan di PATH) dalam kunci dan enum Indah v2.

    Bawaan: hanya yang publik (kegiatan yang sudah disetujui BPS, tanpa data pribadi), sama
    dengan api/indah.json di portal. Isian terisi yang tidak punya tempat di Indah disebut sebagai
    peringatan (indah-tanpa-padanan): lengkapi langsung di Indah.
    """
    from ..publish.indah import export

    target = path.resolve()
    root = find_root(target)
    model = _model(root, internal)
    chosen = [a for a in model.activities if (root / "metadata" / a.ident).resolve().is_relative_to(target)]
    if target != root and not chosen:
        click.secho(f"Tidak ada kegiatan{'' if internal else ' publik'} di {path}.", fg="red", bold=True)
        raise SystemExit(EXIT_FINDINGS)
    lost: list[Finding] = []
    text = json.dumps(export(model, chosen if target != root else None, lost), ensure_ascii=False, indent=1) + "\n"
    for f in lost:  # on stderr: stdout may be the JSON itself
        echo_finding(f, err=True)
    if str(out) == "-":
        sys.stdout.write(text)
        return
    replace_file(out, text.encode("utf-8"))  # all or nothing; a full disk is sistem-gagal (the group says it)
    n = len(chosen if target != root else model.activities)
    click.secho(f"{n} kegiatan ditulis ke {out} (Indah v2).", fg="green", bold=True)
    if internal:
        click.secho("Berkas ini memuat data pribadi dan rekaman tidak publik: jangan dipublikasikan.", fg="yellow")


@main.command(name="banding-indah")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@catalog_option()
@format_option(["teks", "json"], "teks", "Bentuk hasil.")
def banding_indah(file: Path, repo: Path, fmt: str) -> None:
    """Bandingkan ekspor Indah (FILE, JSON) dengan katalog.

    Menyebut kegiatan/variabel/indikator yang sudah disetujui di katalog tetapi tidak ada di
    Indah, rekaman Indah yang tidak ada di katalog, dan isian yang berbeda (dengan nomor dan
    label formulir). Kontak pribadi tidak dibandingkan. Kode keluar 1 jika ada perbedaan.
    """
    from ..publish.indah import IndahFileError, compare, read_export

    root = find_root(repo.resolve())
    try:
        records = read_export(file)
    except IndahFileError as exc:
        findings = [Finding("indah-berkas", GALAT, str(file), str(exc), "Unduh ulang ekspor Indah (JSON) lalu ulangi.")]
    else:
        findings = compare(_model(root, internal=True), records, file.name)
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1))
    else:
        for f in findings:
            echo_finding(f)
        if findings:
            click.secho(f"{len(findings)} perbedaan antara katalog dan {file.name}.", fg="red", bold=True)
        else:
            click.secho(f"Katalog dan {file.name} sama.", fg="green", bold=True)
    if findings:
        raise SystemExit(EXIT_FINDINGS)
