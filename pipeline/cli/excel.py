"""Excel: ``template``, ``export-xlsx`` and ``import``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from ..contract.schema import Schemas
from ..read.catalog import find_root, load_catalog
from . import EXIT_ENVIRONMENT, EXIT_FINDINGS, echo_finding, format_option, main


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
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--katalog",
    "dest",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder katalog tujuan (berisi atau akan berisi metadata/). Bawaan: katalog di folder ini.",
)
@click.option(
    "--pulihkan",
    is_flag=True,
    help="Hanya kembalikan katalog seperti sebelum impor yang terhenti di tengah penulisan (tanpa FILE).",
)
@format_option(["teks", "json"], "teks", "Bentuk keluaran.")
def import_cmd(file: Path | None, dest: Path | None, pulihkan: bool, fmt: str) -> None:
    """Masukkan buku kerja Excel (dari templat atau export-xlsx) ke berkas YAML di metadata/.

    Semua sel diperiksa dulu, lalu setiap rekaman yang akan ditulis diperiksa utuh seperti
    satudata validate (isian wajib, aturan R1–R16, pemeriksaan antarrekaman). Jika ada galat,
    setiap galat disebut dengan lembar, baris dan kolomnya, dan tidak ada berkas yang ditulis.
    Berkas yang sudah ada diperbarui di tempat: komentar, isian yang tidak berubah dan riwayat
    SOP (alur) tetap utuh. Semua berkas ditulis sekaligus atau tidak sama sekali: bila proses
    terhenti (listrik padam, disk penuh), impor berikutnya atau --pulihkan mengembalikan katalog
    seperti sebelum impor. Kode keluar 1 jika ada galat, 3 jika disk/izin menolak.
    """
    from ..excel.importer import import_workbook, recover_catalog

    root = dest.resolve() if dest is not None else find_root(Path.cwd())
    if pulihkan:
        _echo_recovery(recover_catalog(root), fmt)
        return
    if file is None:
        raise click.UsageError("sebutkan berkas Excel yang diimpor (atau --pulihkan).")
    result = import_workbook(file, root)
    if fmt == "json":
        _import_json(result)
    else:
        _import_text(result)


def _exit_code(result) -> int:
    if result.environment:
        return EXIT_ENVIRONMENT
    errors = [f for f in result.findings if f.is_error] + result.blocking
    return EXIT_FINDINGS if errors or (result.written and any(f.is_error for f in result.checked)) else 0


def _echo_recovery(result, fmt: str) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                {"dipulihkan": result.restored, "temuan": [f.to_dict() for f in result.findings]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in result.findings:
            echo_finding(f)
        if not result.restored and not result.findings:
            click.echo("Tidak ada impor yang terhenti; katalog tidak diubah.")
    raise SystemExit(_exit_code(result))


def _import_json(result) -> None:
    click.echo(
        json.dumps(
            {
                "ditulis": result.written,
                "dibuat": result.created,
                "diubah": [{"berkas": p, "isian": items} for p, items in result.updated],
                "tidak_berubah": result.unchanged,
                "dipulihkan": result.restored,
                "temuan_excel": [f.to_dict() for f in result.findings],
                "temuan_pemeriksaan": [
                    f.to_dict()
                    | {
                        "sel": (c.sheet + "!" + c.ref) if (c := result.cell(f)) else None,
                        "menghentikan": f in result.blocking,
                    }
                    for f in result.checked
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    raise SystemExit(_exit_code(result))


def _echo_checked(result) -> None:
    for f in result.checked:
        echo_finding(f)
        cell = result.cell(f)
        if cell is not None:
            click.echo(f"    Di Excel: lembar {cell.sheet}, sel {cell.ref}")


def _import_text(result) -> None:
    read = ", ".join(
        f"{result.counts[k]} {k}" for k in ("opd", "kegiatan", "variabel", "indikator") if result.counts[k]
    )
    click.echo(f"Dibaca {result.book}: {read or 'tidak ada baris data'}.")
    for f in result.findings:
        echo_finding(f)
    if not result.written:
        _echo_checked(result)
        errors = sum(f.is_error for f in result.findings) + len(result.blocking)
        if result.environment:
            click.secho(
                "Tidak ada berkas yang berubah: komputer menolak penulisan (lihat di atas).", fg="red", bold=True
            )
        elif result.blocking:
            click.secho(
                f"Tidak ada berkas yang ditulis: {len(result.blocking)} galat pada rekaman yang akan ditulis. "
                "Perbaiki selnya lalu impor ulang.",
                fg="red",
                bold=True,
            )
        elif errors:
            click.secho(
                f"Tidak ada berkas yang ditulis: {errors} galat di buku kerja. Perbaiki selnya lalu impor ulang.",
                fg="red",
                bold=True,
            )
        else:
            click.echo("  tidak ada yang berubah")
        raise SystemExit(_exit_code(result))
    for path in result.created:
        click.echo(f"  dibuat   {path}")
    for path, items in result.updated:
        click.echo(f"  diubah   {path}: " + "; ".join(items))
    click.echo(f"  tetap    {result.unchanged} rekaman tidak berubah")
    _echo_checked(result)
    counts = Counter(f.tingkat for f in result.checked)
    summary = f"Pemeriksaan rekaman yang ditulis: {counts['galat']} galat, {counts['peringatan']} peringatan."
    click.secho(summary, fg="red" if counts["galat"] else "green", bold=True)
    if counts["galat"]:
        click.echo("Galat di atas sudah ada sebelum impor; perbaiki di Excel lalu impor ulang, atau langsung di YAML.")
    raise SystemExit(_exit_code(result))
