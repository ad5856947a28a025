"""The web editor and what it does on the command line: ``sunting`` (local mode), ``salin``, ``opd tambah``."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import click

from ..read.catalog import find_root
from . import EXIT_ENVIRONMENT, Satudata, catalog_option, echo_finding, main


@main.command(name="sunting")
@catalog_option("Folder katalog di dalam repositori git yang menerima usulan.")
@click.option(
    "--situs",
    "site",
    default=None,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Portal yang sudah dibangun (bawaan: dibangun sekarang ke folder sementara).",
)
@click.option(
    "--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port HTTP (0: pilih sendiri)."
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan (bawaan: hanya komputer ini)."
)
@click.option("--aktor", default="pengguna-lokal", show_default=True, help="Akun yang dipakai untuk commit usulan.")
@click.option("--token", default=None, help="Token yang harus diisi di penyunting (bawaan: dibuat acak).")
def sunting_cmd(repo: Path, site: Path | None, port: int, host: str, aktor: str, token: str | None) -> None:
    """Jalankan penyunting web di komputer ini terhadap repositori git lokal (mode lokal).

    Portal disajikan di http://HOST:PORT/ dan penyunting di /sunting/. Penyunting memakai
    panggilan REST yang sama seperti ke GitHub; di sini dijawab oleh git: setiap usulan menjadi
    satu commit di cabang baru (usulan/…), tidak pernah di cabang utama. Cocok untuk mencoba,
    untuk pelatihan OPD dan untuk uji otomatis.
    """
    from http.server import ThreadingHTTPServer

    from ..read.git import GitError, git
    from ..workflow.lokal import LocalForge, handler_for

    root = find_root(repo.resolve())
    try:
        top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    except GitError as exc:
        click.secho(f"{root} bukan repositori git: {exc}", fg="red", err=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    forge = LocalForge(top, aktor, **({"token": token} if token else {}))
    holder = None
    if site is None:
        holder = tempfile.TemporaryDirectory(prefix="satudata-sunting-situs-")
        site = Path(holder.name) / "site"
        from .portal import build_portal

        click.echo("Membangun portal untuk penyunting…")
        build_portal(root, site)
    try:
        server = ThreadingHTTPServer((host, port), handler_for(forge, site))
    except OSError as exc:
        why = "port sudah dipakai" if exc.errno == errno.EADDRINUSE else exc.strerror
        click.secho(f"Tidak dapat membuka {host}:{port}: {why}. Pilih port lain dengan --port.", fg="red", err=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    address = f"http://{host}:{server.server_address[1]}/sunting/"
    click.secho(f"Penyunting lokal: {address}", fg="green", bold=True)
    click.echo(f"Token: {forge.token}")
    click.echo(f"Usulan menjadi cabang usulan/… di {top} (cabang dasar {forge.base}). Ctrl+C untuk berhenti.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Berhenti.")
    finally:
        server.server_close()
        if holder is not None:
            holder.cleanup()


def _refuse_if(findings, outcome: str) -> None:
    """Print the findings and stop with exit 1 when there are any (nothing was written)."""
    if findings:
        for f in findings:
            echo_finding(f)
        click.secho(f"{outcome}.", fg="red", bold=True)
        raise SystemExit(1)


def _environment(exc: OSError, outcome: str):
    click.secho(f"{outcome}: {exc.strerror or exc} ({exc.filename or ''}).", fg="red", err=True)
    raise SystemExit(EXIT_ENVIRONMENT) from None


@main.command(name="salin")
@click.argument("source", metavar="SUMBER", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--tahun", type=click.IntRange(1945, 2100), default=None, help="Tahun edisi baru (bawaan: tahun sumber + 1)."
)
def salin_cmd(source: Path, tahun: int | None) -> None:
    """Salin dari tahun lalu: buat edisi berikutnya dari kegiatan SUMBER beserta variabel dan indikatornya.

    SUMBER adalah folder kegiatan (atau kegiatan.yaml-nya). Folder baru TAHUN-nama dibuat di OPD yang
    sama; jadwal 3.3, tanggal rilis 8.2, riwayat SOP, kode kegiatan BPS dan identitas rekomendasi
    dikosongkan, tahun diganti (juga di judul). Komentar berkas tetap. Semua berkas ditulis
    sekaligus, atau tidak sama sekali.
    """
    from ..workflow.salin import plan_edition, write_edition

    root = find_root(source.resolve())
    edition = plan_edition(root, str(source), tahun)
    _refuse_if(edition.findings, "Tidak ada berkas yang ditulis")
    try:
        write_edition(root, edition)
    except OSError as exc:
        _environment(exc, "Tidak ada berkas yang ditulis")
    folder = f"metadata/{edition.target}"
    click.secho(
        f"{folder}/ dibuat dari metadata/{edition.source}/ ({len(edition.files)} berkas).", fg="green", bold=True
    )
    if edition.cleared:
        click.echo("Dikosongkan, isi untuk tahun baru: " + "; ".join(edition.cleared) + ".")
    click.echo(f"Berikutnya: isi yang dikosongkan, lalu satudata validate {folder}")


@main.group(name="opd", cls=Satudata)
def opd_group() -> None:
    """Kelola OPD katalog: opd.yaml, akun di roles.yaml dan .github/CODEOWNERS sekaligus."""


@opd_group.command(name="tambah")
@click.argument("slug", metavar="SLUG")
@click.option("--nama", required=True, help="Nama resmi OPD, misalnya 'Dinas Sosial Kabupaten Pasuruan'.")
@click.option("--singkatan", required=True, help="Singkatan, misalnya Dinsos.")
@click.option("--alamat", required=True, help="Alamat kantor.")
@click.option("--email", required=True, help="E-mail resmi kantor.")
@click.option("--telepon", default=None, help="Telepon kantor, misalnya '(0343) 429064'.")
@click.option("--situs", default=None, help="Situs web resmi (https://…).")
@click.option("--kode-wilayah", default=None, help="Kode wilayah BPS (bawaan: kode_wilayah di katalog.yaml).")
@click.option("--akun", "accounts", multiple=True, required=True, help="Akun GitHub pengelola OPD; boleh diulang.")
@catalog_option()
def opd_tambah(slug, nama, singkatan, alamat, email, telepon, situs, kode_wilayah, accounts, repo: Path) -> None:
    """Tambahkan OPD baru SLUG (nama folder di metadata/) beserta akun pengelolanya, dalam satu langkah.

    Menulis metadata/SLUG/opd.yaml, menambahkan akun ke roles.yaml (peran opd untuk SLUG; komentar
    tetap) dan menulis ulang .github/CODEOWNERS. Semua diperiksa lebih dulu; bila ada yang salah,
    tidak ada berkas yang berubah.
    """
    from ..workflow.onboarding import plan_opd, write_all

    root = find_root(repo.resolve())
    if kode_wilayah is None:
        kode_wilayah = _catalog_region(root)
    fields = {"nama": nama, "singkatan": singkatan, "alamat": alamat, "telepon": telepon, "email": email,
              "situs": situs, "kode_wilayah": kode_wilayah}  # fmt: skip
    plan = plan_opd(root, slug, fields, list(accounts))
    _refuse_if(plan.findings, "Tidak ada berkas yang berubah")
    try:
        write_all(root, plan.files)
    except OSError as exc:
        _environment(exc, "Tidak ada berkas yang berubah")
    click.secho(f"OPD {slug} ditambahkan: {', '.join(plan.files)}.", fg="green", bold=True)
    if plan.added:
        click.echo(f"Akun baru di roles.yaml (peran opd untuk {slug}): {', '.join(plan.added)}.")
    if plan.extended:
        click.echo(f"Akun yang kini juga mewakili {slug}: {', '.join(plan.extended)}.")
    click.echo("Berikutnya: ajukan perubahan ini dalam satu PR oleh Walidata (berkas aturan: roles.yaml, CODEOWNERS).")


def _catalog_region(root: Path) -> str | None:
    from ..contract.config import CONFIG_FILE
    from ..read.loader import LoadError, load

    try:
        data = load(root / CONFIG_FILE).data
    except (LoadError, OSError):
        return None
    return data.get("kode_wilayah") if isinstance(data, dict) else None


def echo_waiting(rows: list[dict], login: str, sop, moment, fmt: str) -> None:
    """``satudata status --untuk AKUN``: what waits for one account, soonest deadline first."""
    import json

    from ..sop.state import parse_time
    from ..workflow.tugas import waiting_for

    found = sorted(waiting_for(rows, login), key=lambda pair: pair[1]["tenggat"] or "9999")
    if fmt == "json":
        items = [{"kegiatan": r["kegiatan"], "berkas": r["berkas"], "judul": r["judul"], "sejak": r["waktu_terakhir"],
                  "terlambat": r["terlambat"], **w} for r, w in found]  # fmt: skip
        click.echo(
            json.dumps({"akun": login, "pada": moment.isoformat(), "menunggu": items}, ensure_ascii=False, indent=2)
        )
        return
    if not found:
        click.echo(f"Tidak ada langkah SOP yang menunggu akun '{login}' pada {moment.isoformat()}.")
        return
    jam = sop.jam_kerja
    click.secho(f"Menunggu akun '{login}' ({len(found)} langkah) pada {moment.isoformat()}:", bold=True)
    for row, wait in found:
        due = parse_time(wait["tenggat"])
        if due is None:
            when = "tenggat tidak dapat dihitung (waktu langkah terakhir tidak sah)"
        elif due < moment:
            when = f"TERLAMBAT {jam.format(jam.working_minutes(due, moment))} jam kerja (tenggat {wait['tenggat']})"
        else:
            when = f"tenggat {wait['tenggat']}, sisa {jam.format(jam.working_minutes(moment, due))} jam kerja"
        click.secho(f"- {row['kegiatan']}: langkah {wait['langkah']} {wait['nama']} — {when}",
                    fg="red" if due is not None and due < moment else None)  # fmt: skip
        click.echo(f"    {row['judul'] or row['berkas']} · sejak {row['waktu_terakhir']} · baku {wait['waktu_baku']}")
