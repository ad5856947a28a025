"""``satudata validate``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from ..contract.schema import Schemas
from ..read.catalog import find_root
from . import echo_finding, format_option, main, under


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@format_option(["teks", "json"], "teks", "Bentuk keluaran: teks untuk dibaca, json untuk alat lain.")
@click.option("--ketat", is_flag=True, help="Peringatan juga dianggap gagal (kode keluar 1).")
@click.option(
    "--tanpa-cache", is_flag=True, help="Periksa ulang semua berkas; jangan baca atau tulis cache pemeriksaan."
)
@click.option(
    "--pekerja", type=click.IntRange(1, 64), default=None, help="Jumlah proses pemeriksa (bawaan: jumlah inti CPU)."
)
def validate(path: Path, fmt: str, ketat: bool, tanpa_cache: bool, pekerja: int | None) -> None:
    """Periksa metadata terhadap skema, daftar kode dan keterkaitan antarrekaman.

    PATH boleh folder katalog, folder metadata/ sebuah OPD atau kegiatan, atau satu berkas:
    seluruh katalog tetap dibaca (untuk memeriksa rujukan), tetapi yang dilaporkan hanya
    temuan di bawah PATH. Kode keluar 1 jika ada galat. Hasil tiap berkas dan tiap
    pemeriksaan antarrekaman disimpan di cache di luar repositori (~/.cache/satudata/, atau
    folder di $SATUDATA_CACHE), sehingga pemeriksaan ulang hanya membaca berkas yang berubah
    dan menilai ulang rekaman yang terkait dengannya. Di CI (variabel CI diisi) cache tidak
    dipakai.
    """
    from ..check.engine import validate_catalog

    target = path.resolve()
    root = find_root(target)
    # broken rules are refused before any record; the code lists (≈ 40 ms to read) only once a
    # record is to be checked, which a run that finds nothing changed never does
    schemas = Schemas.find(root, lists=False)
    result = validate_catalog(root, schemas, workers=pekerja, cache=not tanpa_cache)
    if result.stats.cache_note:
        click.echo(result.stats.cache_note, err=True)
    findings = [f for f in result.findings if under(f, root, target)]
    counts = Counter(f.tingkat for f in findings)
    kinds = result.counts
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
            echo_finding(f)
        summary = (
            f"Diperiksa {kinds['opd']} OPD, {kinds['kegiatan']} kegiatan, {kinds['variabel']} variabel, "
            f"{kinds['indikator']} indikator: {counts['galat']} galat, {counts['peringatan']} peringatan."
        )
        ok = not counts["galat"] and not (ketat and counts["peringatan"])
        click.secho(summary, fg="green" if ok else "red", bold=True)
    if counts["galat"] or (ketat and counts["peringatan"]):
        raise SystemExit(1)
