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
        f"({result.record_pages} halaman rekaman) dan {result.exports} berkas ekspor (api/) "
        f"dalam {result.seconds:.1f} detik.",
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
