"""``satudata build``, ``serve`` and ``init``: the portal and new catalogs."""

from __future__ import annotations

from pathlib import Path

import click

from ..check.catalog import check
from ..contract.schema import Schemas
from ..edit.oserrors import explain
from ..read.catalog import find_root, load_catalog
from . import EXIT_ENVIRONMENT, EXIT_FINDINGS, echo_failure, echo_finding, main, now, parse_moment


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
    "--url-situs",
    "site_url",
    default=None,
    help="Alamat publik portal (bawaan: url_situs di katalog.yaml); semua tautan mutlak di ekspor, JSON-LD dan sitemap.xml dimulai dari sini.",
)
@click.option(
    "--terbit",
    is_flag=True,
    help="Bangun untuk diterbitkan (alur kerja penerbitan): katalog.yaml dengan url_situs wajib ada; tidak bisa bersama --internal.",
)
@click.option(
    "--pada",
    default=None,
    help="Waktu acuan dasbor keterlambatan (ISO, dengan zona; tanggal saja = pukul 00.00 WIB). Bawaan: awal hari ini (WIB), agar hasil sama sepanjang hari.",
)
def build(path: Path, out: Path, internal: bool, site_url: str | None, terbit: bool, pada: str | None) -> None:
    """Bangun portal katalog (MkDocs Material + indeks pencarian luring) dari metadata/.

    Hanya kegiatan yang sudah disetujui BPS (langkah SOP 11) yang tampil; variabel/indikator
    yang tidak publik dan data kontak pribadi tidak pernah masuk halaman, indeks pencarian
    maupun ekspor.
    """
    out = build_portal(path, out, internal=internal, site_url=site_url, terbit=terbit, pada=pada)
    click.echo(f"Buka dengan: satudata serve {out} lalu kunjungi http://localhost:8000/")


def build_portal(path: Path, out: Path, *, internal=False, site_url=None, terbit=False, pada=None) -> Path:
    """The work of ``satudata build`` (also for ``satudata sunting``); returns the site folder."""
    from ..codes import finding
    from ..contract.config import CONFIG_FILE, SITE_URL
    from ..publish.history import read_history
    from ..publish.model import PREVIEW_URL, build_model, preview_config, read_config, with_site_url
    from ..publish.site import build_site

    if terbit and internal:
        raise click.UsageError("--terbit membangun portal publik; tampilan --internal tidak boleh diterbitkan.")
    if site_url is not None and not SITE_URL.fullmatch(site_url):
        raise click.BadParameter(
            f"'{site_url}' bukan alamat http(s)://… (tanpa spasi, tanda kutip, < > & \\ atau {{ }})",
            param_hint="--url-situs",
        )
    root = find_root(path.resolve())
    schemas = Schemas.find(root)
    catalog = load_catalog(root)
    config = read_config(root)
    if terbit and config is None:
        echo_finding(finding(
            "terbit-tanpa-url-situs", CONFIG_FILE,
            "Portal tidak dapat diterbitkan tanpa katalog.yaml: alamat publik (url_situs), penerbit dan lisensi ekspor diambil dari sana.",
            "Buat katalog.yaml (contoh dan penjelasan isian ada di schemas/katalog.schema.json), lalu bangun ulang.",
        ))  # fmt: skip
        raise SystemExit(1)
    config = config or preview_config()
    if site_url:
        config = with_site_url(config, site_url)
    elif config.url_situs == PREVIEW_URL:
        click.secho(
            f"Peringatan: alamat portal belum diisi (url_situs di katalog.yaml); tautan mutlak memakai {PREVIEW_URL} "
            "untuk pratinjau dengan satudata serve. Jangan terbitkan hasil ini.",
            fg="yellow",
        )
    errors = [f for f in check(catalog, schemas) if f.is_error]
    if errors:
        for f in errors[:20]:
            echo_finding(f)
        click.secho(
            f"Portal tidak dibangun: {len(errors)} galat. Perbaiki dulu (satudata validate).", fg="red", bold=True
        )
        raise SystemExit(1)
    out = out if out.is_absolute() else Path.cwd() / out
    refused = unsafe_output(root, out)
    if refused:
        click.secho(f"Portal tidak dibangun: {refused}", fg="red", bold=True)
        raise SystemExit(EXIT_FINDINGS)
    sop = schemas.sop
    moment = parse_moment(pada, sop, "--pada", day=True) if pada else now(sop).replace(hour=0, minute=0, second=0)
    # the public portal shows each activity's last approved version (read from git) while a revision is reviewed
    history = read_history(catalog, schemas)
    model = build_model(
        catalog if internal else history.catalog, schemas, internal=internal, pada=moment, config=config
    )
    result = build_site(root, model, out, history=history)
    click.secho(
        f"Portal{' internal' if internal else ''} dibangun di {result.out}: {result.pages} halaman "
        f"({result.record_pages} halaman rekaman) dan {result.exports} berkas ekspor (api/) "
        f"dalam {result.seconds:.1f} detik.",
        fg="green",
        bold=True,
    )
    found = result.search
    click.echo(
        f"Indeks pencarian: {found.documents} halaman, {found.words} kata, {found.bytes / 1e6:.1f} MB (pencarian/)."
    )
    if result.editor is not None and not result.editor.installed:
        click.secho(
            "Penyunting web (sunting/) tanpa pustaka peramban: jalankan npm ci di folder katalog, lalu bangun ulang "
            f"(belum ada: {', '.join(result.editor.missing)}).",
            fg="yellow",
        )
    return out


CATALOG_PARTS = ("metadata", "katalog.yaml", "roles.yaml", "schemas", "docs", "mkdocs.yml", ".git")
"""What only a catalog (or a git checkout) holds: a folder with one of these is never replaced by a build."""


def unsafe_output(root: Path, out: Path) -> str | None:
    """Why ``build --keluar out`` would destroy something (None if it is safe): ``out`` is replaced
    whole, so it must be new, empty or an earlier build, never the catalog, a folder holding it or
    one of its own folders."""
    from ..publish.site import SITE_MARKER

    out, root = out.resolve(), root.resolve()
    keep = "Pilih folder baru atau kosong, misalnya --keluar site."
    if out == root or root.is_relative_to(out):
        return f"folder keluaran {out} memuat katalog ini; folder keluaran diganti seluruhnya. {keep}"
    for part in ("metadata", "docs", "schemas", ".git"):
        if out.is_relative_to(root / part):
            return f"folder keluaran {out} berada di dalam {part}/ katalog. {keep}"
    if not out.exists():
        return None
    if not out.is_dir():
        return f"{out} adalah berkas, bukan folder. {keep}"
    found = [name for name in CATALOG_PARTS if (out / name).exists()]
    if found:
        return (
            f"folder keluaran {out} memuat {', '.join(found)} — isi katalog atau repositori git, bukan portal. {keep}"
        )
    if (out / SITE_MARKER).is_file() or not any(out.iterdir()):
        return None
    return (
        f"folder keluaran {out} berisi berkas tetapi bukan hasil satudata build sebelumnya (tidak ada penanda "
        f"{SITE_MARKER}); isinya akan hilang. {keep} Portal yang dibangun versi lama: hapus foldernya dulu."
    )


@main.command()
@click.argument(
    "directory", metavar="SITUS", default="site", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Nomor port HTTP (0–65535)."
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan (127.0.0.1: hanya komputer ini)."
)
def serve(directory: Path, port: int, host: str) -> None:
    """Sajikan portal yang sudah dibangun (folder SITUS, bawaan site) di komputer ini.

    Pencarian butuh http://, bukan file://.
    """
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    try:
        httpd = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        kode, pesan, saran = explain(exc, f"Port {port} di {host}")
        echo_failure(kode, f"Portal tidak dapat disajikan: {pesan}", saran)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    with httpd:
        click.echo(
            f"Portal tersaji di http://{host if host != '0.0.0.0' else 'localhost'}:{port}/ (Ctrl+C untuk berhenti)"
        )
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            click.echo("Berhenti.")


@main.command(name="init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--wilayah", "code", required=True, help="Kode wilayah BPS pemerintah daerah, misalnya 3515 (Kabupaten Sidoarjo)."
)
@click.option(
    "--alat",
    "tool",
    default=None,
    help="Persyaratan pip alat satudata untuk alur kerja katalog (bawaan: versi alat ini), misalnya "
    "'satudata-metadata @ git+https://github.com/ORG/alat@COMMIT'.",
)
def init_cmd(folder: Path, code: str, tool: str | None) -> None:
    """Buat repositori katalog baru untuk pemerintah daerah lain di FOLDER (kosong atau belum ada).

    Menulis skema dan daftar kode, portal (docs/, mkdocs.yml), .github/ (alur kerja, ruleset-main.json,
    CODEOWNERS, templat isu dan PR), requirements/ (alat yang dipasang alur kerja), katalog.yaml,
    roles.yaml dan OPD pertama, dengan nama wilayahnya.
    """
    from ..workflow.bootstrap import TOOL_PIN, init_catalog, region

    written = init_catalog(folder, code, tool)
    click.secho(f"Katalog {region(code)['nama']} dibuat di {folder} ({len(written)} berkas).", fg="green", bold=True)
    click.echo("Langkah berikutnya:")
    click.echo(f"  1. Ganti isian contoh di {folder}/metadata/diskominfo/opd.yaml dan {folder}/roles.yaml,")
    click.echo(f"     lalu satudata codeowners {folder}; periksa versi alat di {folder}/{TOOL_PIN}.")
    click.echo(f"  2. satudata validate {folder}")
    click.echo(f"  3. satudata build {folder} --keluar {folder}/site   lalu   satudata serve {folder}/site")
    click.echo("  4. Siapkan repositori GitHub-nya: docs/panduan/admin.md")
