"""Excel: ``template``, ``export-xlsx`` and ``import``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from ..contract.schema import Schemas
from ..read.catalog import find_root, load_catalog
from . import echo_finding, format_option, main


def _xlsx_out(out: Path) -> Path:
    out = out if out.is_absolute() else Path.cwd() / out
    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("nama berkas keluaran harus berakhiran .xlsx", param_hint="--keluar")
    return out


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--keluar",
    "out",
    default="templat-metadata.xlsx",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas Excel yang dibuat.",
)
@click.option("--isi", is_flag=True, help="Isi templat dengan katalog saat ini (sama dengan export-xlsx).")
def template(path: Path, out: Path, isi: bool) -> None:
    """Buat templat Excel (.xlsx) untuk mengisi MS-Keg, MS-Var, MS-Ind dan OPD.

    Lembar, kolom, label, petunjuk dan daftar pilihan dibuat dari skema (schemas/) katalog
    di PATH. Isi templatnya, lalu masukkan dengan: satudata import BERKAS.xlsx
    """
    if isi:
        _export(path, out)
        return
    from ..excel.layout import build_layout, catalog_region
    from ..excel.writer import write_workbook

    root = find_root(path.resolve())
    out = _xlsx_out(out)
    write_workbook(out, build_layout(Schemas.find(root), catalog_region(root)))
    click.secho(f"Templat ditulis ke {out}.", fg="green", bold=True)


@main.command(name="export-xlsx")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--keluar",
    "out",
    default="metadata.xlsx",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas Excel yang dibuat.",
)
def export_xlsx(path: Path, out: Path) -> None:
    """Tulis metadata katalog ke buku kerja Excel bertata letak sama dengan templat.

    PATH boleh folder katalog, folder OPD atau folder kegiatan: hanya rekaman di bawahnya yang
    ditulis (beserta OPD-nya). Hasilnya dapat disunting lalu dimasukkan kembali dengan
    satudata import; tanpa perubahan, impor tidak mengubah satu berkas pun.
    """
    _export(path, out)


def _export(path: Path, out: Path) -> None:
    import time

    from ..excel.layout import build_layout, catalog_region
    from ..excel.writer import write_workbook

    start = time.perf_counter()
    target = path.resolve()
    root = find_root(target)
    catalog = load_catalog(root)
    out = _xlsx_out(out)
    opds = {r.opd for r in catalog.records.values() if (root / r.path).resolve().is_relative_to(target)}

    def keep(record) -> bool:
        if record.kind == "opd":
            return record.opd in opds
        return (root / record.path).resolve().is_relative_to(target)

    result = write_workbook(out, build_layout(Schemas.find(root), catalog_region(root)), catalog, keep)
    for f in result.findings:
        echo_finding(f)
    counts = ", ".join(f"{n} baris {name}" for name, n in result.rows.items() if n)
    click.secho(
        f"Ditulis ke {out}: {counts or 'tanpa baris data'} ({time.perf_counter() - start:.1f} detik).",
        fg="green",
        bold=True,
    )
    if result.findings:
        click.echo(
            f"{len(result.findings)} peringatan: nilai tersebut tidak tampil di Excel tetapi tetap aman di YAML."
        )


@main.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--katalog",
    "dest",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder katalog tujuan (berisi atau akan berisi metadata/). Bawaan: katalog di folder ini.",
)
@format_option(["teks", "json"], "teks", "Bentuk keluaran.")
def import_cmd(file: Path, dest: Path | None, fmt: str) -> None:
    """Masukkan buku kerja Excel (dari templat atau export-xlsx) ke berkas YAML di metadata/.

    Semua sel diperiksa dulu; jika ada sel yang salah, setiap kesalahan disebut dengan lembar,
    baris dan kolomnya, dan tidak ada berkas yang ditulis. Berkas yang sudah ada diperbarui di
    tempat: komentar, isian yang tidak berubah dan riwayat SOP (alur) tetap utuh. Setelah
    ditulis, rekaman diperiksa seperti satudata validate. Kode keluar 1 jika ada galat.
    """
    from ..excel.importer import import_workbook

    root = dest.resolve() if dest is not None else find_root(Path.cwd())
    result = import_workbook(file, root)
    errors = [f for f in result.findings if f.is_error] + [f for f in result.checked if f.is_error]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ditulis": result.written,
                    "dibuat": result.created,
                    "diubah": [{"berkas": p, "isian": items} for p, items in result.updated],
                    "tidak_berubah": result.unchanged,
                    "temuan_excel": [f.to_dict() for f in result.findings],
                    "temuan_pemeriksaan": [
                        f.to_dict() | {"sel": (c.sheet + "!" + c.ref) if (c := result.cell(f)) else None}
                        for f in result.checked
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        raise SystemExit(1 if errors else 0)
    read = ", ".join(
        f"{result.counts[k]} {k}" for k in ("opd", "kegiatan", "variabel", "indikator") if result.counts[k]
    )
    click.echo(f"Dibaca {result.book}: {read or 'tidak ada baris data'}.")
    for f in result.findings:
        echo_finding(f)
    if not result.written:
        click.secho(
            f"Tidak ada berkas yang ditulis: {len(errors)} galat di buku kerja. Perbaiki selnya lalu impor ulang.",
            fg="red",
            bold=True,
        )
        raise SystemExit(1)
    for path in result.created:
        click.echo(f"  dibuat   {path}")
    for path, items in result.updated:
        click.echo(f"  diubah   {path}: " + "; ".join(items))
    click.echo(f"  tetap    {result.unchanged} rekaman tidak berubah")
    for f in result.checked:
        echo_finding(f)
        cell = result.cell(f)
        if cell is not None:
            click.echo(f"    Di Excel: lembar {cell.sheet}, sel {cell.ref}")
    counts = Counter(f.tingkat for f in result.checked)
    summary = f"Pemeriksaan rekaman yang ditulis: {counts['galat']} galat, {counts['peringatan']} peringatan."
    click.secho(summary, fg="red" if counts["galat"] else "green", bold=True)
    if counts["galat"]:
        click.echo("Berkas sudah ditulis; perbaiki galat di atas (di Excel lalu impor ulang, atau langsung di YAML).")
        raise SystemExit(1)
