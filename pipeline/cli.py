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


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--keluar",
    "out",
    default="site",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder hasil (diganti seluruhnya setelah berhasil dibangun).",
)
@click.option(
    "--internal",
    is_flag=True,
    help="Tampilan peninjau: termasuk draf, rekaman tidak publik dan riwayat SOP. Jangan dipublikasikan.",
)
@click.option(
    "--site-url",
    default=None,
    help="Alamat publik portal, untuk sitemap.xml (misalnya https://satudata.pasuruankab.go.id/metadata/).",
)
def build(path: Path, out: Path, internal: bool, site_url: str | None) -> None:
    """Bangun portal katalog (MkDocs Material + pencarian Pagefind) dari metadata/.

    Hanya kegiatan yang sudah disetujui BPS (langkah SOP 11) yang tampil; variabel/indikator
    yang tidak publik dan data kontak pribadi tidak pernah masuk halaman, indeks pencarian
    maupun ekspor.
    """
    from .model import build_model
    from .site import BuildError, build_site

    root = find_root(path.resolve())
    schemas = Schemas.find(root)
    catalog = load_catalog(root)
    errors = [f for f in check(catalog, schemas) if f.is_error]
    if errors:
        for f in errors[:20]:
            _echo_finding(f)
        click.secho(
            f"Portal tidak dibangun: {len(errors)} galat. Perbaiki dulu (satudata validate).", fg="red", bold=True
        )
        raise SystemExit(1)
    out = out if out.is_absolute() else Path.cwd() / out
    try:
        result = build_site(root, build_model(catalog, schemas, internal=internal), out, site_url=site_url)
    except BuildError as exc:
        click.secho(f"Portal tidak dibangun: {exc}", fg="red", bold=True)
        raise SystemExit(1) from None
    click.secho(
        f"Portal{' internal' if internal else ''} dibangun di {result.out}: {result.pages} halaman "
        f"({result.record_pages} halaman rekaman) dalam {result.seconds:.1f} detik.",
        fg="green",
        bold=True,
    )
    click.echo(f"Buka dengan: satudata serve --dir {out} lalu kunjungi http://localhost:8000/")


@main.command()
@click.option(
    "--dir",
    "directory",
    default="site",
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(directory: Path, port: int, host: str) -> None:
    """Sajikan portal yang sudah dibangun di komputer ini (pencarian butuh http://, bukan file://)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    with ThreadingHTTPServer((host, port), handler) as httpd:
        click.echo(
            f"Portal tersaji di http://{host if host != '0.0.0.0' else 'localhost'}:{port}/ (Ctrl+C untuk berhenti)"
        )
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            click.echo("Berhenti.")


# --- Excel and diff ---------------------------------------------------------------------------


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
    from .excel import build_layout, write_workbook

    root = find_root(path.resolve())
    out = _xlsx_out(out)
    write_workbook(out, build_layout(Schemas.find(root)))
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

    from .excel import build_layout, write_workbook

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

    result = write_workbook(out, build_layout(Schemas.find(root)), catalog, keep)
    for f in result.findings:
        _echo_finding(f)
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
    "--ke",
    "dest",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder katalog tujuan (berisi atau akan berisi metadata/). Bawaan: katalog di folder ini.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["teks", "json"]),
    default="teks",
    show_default=True,
    help="Bentuk keluaran.",
)
def import_cmd(file: Path, dest: Path | None, fmt: str) -> None:
    """Masukkan buku kerja Excel (dari templat atau export-xlsx) ke berkas YAML di metadata/.

    Semua sel diperiksa dulu; jika ada sel yang salah, setiap kesalahan disebut dengan lembar,
    baris dan kolomnya, dan tidak ada berkas yang ditulis. Berkas yang sudah ada diperbarui di
    tempat: komentar, isian yang tidak berubah dan riwayat SOP (alur) tetap utuh. Setelah
    ditulis, rekaman diperiksa seperti satudata validate. Kode keluar 1 jika ada galat.
    """
    from .importer import import_workbook

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
        _echo_finding(f)
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
        _echo_finding(f)
        cell = result.cell(f)
        if cell is not None:
            click.echo(f"    Di Excel: lembar {cell.sheet}, sel {cell.ref}")
    counts = Counter(f.tingkat for f in result.checked)
    summary = f"Pemeriksaan rekaman yang ditulis: {counts['galat']} galat, {counts['peringatan']} peringatan."
    click.secho(summary, fg="red" if counts["galat"] else "green", bold=True)
    if counts["galat"]:
        click.echo("Berkas sudah ditulis; perbaiki galat di atas (di Excel lalu impor ulang, atau langsung di YAML).")
        raise SystemExit(1)


@main.command(name="diff")
@click.argument("base")
@click.argument("head", default="HEAD")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown untuk komentar pull request, json untuk alat lain.",
)
@click.option(
    "--repo",
    default=".",
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder katalog di dalam repositori git.",
)
@click.option("--keluar", "out", default=None, type=click.Path(dir_okay=False, path_type=Path), help="Tulis ke berkas.")
def diff_cmd(base: str, head: str, fmt: str, repo: Path, out: Path | None) -> None:
    """Perbedaan metadata antara dua revisi git, dengan nomor dan nama isian formulir.

    Untuk peninjau pull request: misalnya satudata diff origin/main HEAD. Setiap rekaman yang
    ditambah, dihapus atau berubah disebut dengan judulnya; setiap isian yang berubah dengan
    nomor dan labelnya (nilai lama → baru; daftar: butir ditambah/dihapus); riwayat SOP
    diringkas sebagai peristiwa baru. Berkas yang tidak dapat dibaca dilaporkan.
    """
    from .diff import GitError, diff, to_markdown

    try:
        report = diff(find_root(repo.resolve()), base, head)
    except GitError as exc:
        click.secho(f"Perbedaan tidak dapat dihitung: {exc}", fg="red", bold=True, err=True)
        raise SystemExit(2) from None
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n" if fmt == "json" else to_markdown(report)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Ditulis ke {out}.")
    else:
        click.echo(text, nl=False)
