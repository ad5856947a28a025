"""The ``satudata`` command line. Messages are in Bahasa Indonesia."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from . import __version__
from .alur import alur_findings, events, parse_time, riwayat, status
from .catalog import Record, find_root, load_catalog
from .checks import check, schema_findings
from .findings import Finding
from .loader import Document, LoadError, load
from .pr import CODEOWNERS_FILE, GitError, Roles, check_pr, codeowners, markdown, roles_record
from .schema import Schemas
from .sop import SopError, update_doc
from .sop import markdown as sop_markdown
from .sunting import append_event


def format_option(choices: list[str], default: str, help: str):
    """The --format option shared by commands that print for people and for tools."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help)


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
@format_option(["teks", "json"], "teks", "Bentuk keluaran: teks untuk dibaca, json untuk alat lain.")
@click.option("--ketat", is_flag=True, help="Peringatan juga dianggap gagal (kode keluar 1).")
@click.option(
    "--tanpa-cache", is_flag=True, help="Periksa ulang semua berkas; jangan baca atau tulis .satudata-cache/."
)
@click.option(
    "--pekerja", type=click.IntRange(1, 64), default=None, help="Jumlah proses pemeriksa (bawaan: jumlah inti CPU)."
)
def validate(path: Path, fmt: str, ketat: bool, tanpa_cache: bool, pekerja: int | None) -> None:
    """Periksa metadata terhadap skema, daftar kode dan keterkaitan antarrekaman.

    PATH boleh folder katalog, folder metadata/ sebuah OPD atau kegiatan, atau satu berkas:
    seluruh katalog tetap dibaca (untuk memeriksa rujukan), tetapi yang dilaporkan hanya
    temuan di bawah PATH. Kode keluar 1 jika ada galat. Hasil tiap berkas dan tiap
    pemeriksaan antarrekaman disimpan di .satudata-cache/, sehingga pemeriksaan ulang hanya
    membaca berkas yang berubah dan menilai ulang rekaman yang terkait dengannya.
    """
    from .engine import validate_catalog

    target = path.resolve()
    root = find_root(target)
    result = validate_catalog(root, Schemas.find(root), workers=pekerja, cache=not tanpa_cache)
    findings = [f for f in result.findings if _under(f, root, target)]
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
@click.option(
    "--pada",
    default=None,
    help="Waktu acuan dasbor keterlambatan (ISO, dengan zona). Bawaan: awal hari ini (WIB), agar hasil sama sepanjang hari.",
)
def build(path: Path, out: Path, internal: bool, site_url: str | None, pada: str | None) -> None:
    """Bangun portal katalog (MkDocs Material + indeks pencarian luring) dari metadata/.

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
        sop = schemas.sop
        moment = _moment(pada, sop, "--pada") if pada else _now(sop).replace(hour=0, minute=0, second=0)
        result = build_site(root, build_model(catalog, schemas, internal=internal, pada=moment), out, site_url=site_url)
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
    found = result.search
    click.echo(
        f"Indeks pencarian: {found.documents} halaman, {found.words} kata, {found.bytes / 1e6:.1f} MB (pencarian/)."
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


@main.command(name="init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--wilayah", "code", required=True, help="Kode wilayah BPS pemerintah daerah, misalnya 3515 (Kabupaten Sidoarjo)."
)
def init_cmd(folder: Path, code: str) -> None:
    """Buat katalog baru untuk pemerintah daerah lain di FOLDER (kosong atau belum ada)."""
    from .bootstrap import InitError, init_catalog, region

    try:
        written = init_catalog(folder, code)
    except InitError as exc:
        click.secho(str(exc), fg="red", bold=True)
        raise SystemExit(1) from None
    click.secho(f"Katalog {region(code)['nama']} dibuat di {folder} ({len(written)} berkas).", fg="green", bold=True)
    click.echo("Langkah berikutnya:")
    click.echo(f"  1. Ganti isian contoh di {folder}/metadata/diskominfo/opd.yaml dan {folder}/roles.yaml.")
    click.echo(f"  2. satudata validate {folder}")
    click.echo(f"  3. satudata build {folder} --keluar {folder}/site   lalu   satudata serve --dir {folder}/site")


# --- SOP workflow ---------------------------------------------------------------------------


def _now(sop) -> datetime:
    return datetime.now(sop.jam_kerja.zona).replace(microsecond=0)


def _moment(value: str | None, sop, option: str) -> datetime:
    if value is None:
        return _now(sop)
    moment = parse_time(value)
    if moment is None:
        raise click.BadParameter(
            f"'{value}' bukan tanggal dan jam dengan zona waktu; tulis misalnya 2025-02-03T09:00:00+07:00.",
            param_hint=option,
        )
    return moment


def _kegiatan_file(path: Path) -> Path:
    file = path / "kegiatan.yaml" if path.is_dir() else path
    if file.name != "kegiatan.yaml" or not file.is_file():
        raise click.BadParameter(f"{path} bukan folder kegiatan atau berkas kegiatan.yaml.", param_hint="PATH")
    return file.resolve()


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.argument("step", metavar="LANGKAH", type=int)
@click.option("--catatan", help="Catatan langkah, misalnya hasil pemeriksaan atau nomor tiket.")
@click.option(
    "--peran", help="Peran pelaksana (opd, walidata, bps); wajib jika langkah punya lebih dari satu pelaksana."
)
@click.option("--aktor", envvar="SATUDATA_AKTOR", help="Akun GitHub Anda (atau variabel lingkungan SATUDATA_AKTOR).")
@click.option("--waktu", help="Waktu langkah selesai, misalnya 2025-02-03T09:00:00+07:00 (bawaan: sekarang, WIB).")
@click.option("--nomor-surat", help="Langkah 6: identitas rekomendasi pada surat BPS, misalnya V-25.3514.004.")
@click.option("--tanggal-surat", help="Langkah 6: tanggal surat rekomendasi, misalnya 2025-02-10.")
def langkah(path: Path, step: int, catatan, peran, aktor, waktu, nomor_surat, tanggal_surat) -> None:
    """Catat bahwa LANGKAH SOP selesai: tambahkan peristiwa di akhir alur.riwayat kegiatan.yaml.

    PATH adalah folder kegiatan atau berkas kegiatan.yaml. Isi lain berkas (komentar, urutan,
    tanda kutip) tidak berubah. Peristiwa ditolak bila tidak sesuai SOP: urutan langkah,
    peran pelaksana, waktu, atau surat rekomendasi (langkah 6).
    """
    file = _kegiatan_file(path)
    root = find_root(file.parent)
    schemas = Schemas.find(root)
    sop = schemas.sop
    rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
    info = sop.step(step)
    if info is None:
        raise click.BadParameter(
            f"langkah SOP bernomor 1–{max(sop.langkah)}; lihat docs/alur-sop.md.", param_hint="LANGKAH"
        )
    if peran is None:
        if len(info.pelaksana) > 1:
            raise click.UsageError(
                f"Langkah {step} ({info.ringkas}) dilaksanakan oleh {sop.roles_text(info.pelaksana)}; "
                f"sebutkan --peran {' atau --peran '.join(info.pelaksana)}."
            )
        peran = info.pelaksana[0]
    if not aktor:
        raise click.UsageError("Sebutkan akun GitHub Anda dengan --aktor NAMA (atau SATUDATA_AKTOR=NAMA).")
    try:
        doc = load(file)
    except LoadError as exc:
        _echo_finding(Finding(exc.kode, "galat", rel, exc.pesan, exc.saran, exc.baris))
        raise SystemExit(1) from None
    data = doc.data if isinstance(doc.data, dict) else {}
    if step == sop.surat and nomor_surat is None and isinstance(data.get("identitas_rekomendasi"), str):
        nomor_surat = data["identitas_rekomendasi"]
    event = {
        "langkah": step,
        "waktu": _moment(waktu, sop, "--waktu").isoformat(),
        "peran": peran,
        "aktor": aktor,
        "catatan": catatan,
        "nomor_surat": nomor_surat,
        "tanggal_surat": tanggal_surat,
    }
    event = {k: v for k, v in event.items() if v is not None}
    index = len(riwayat(data))
    trial = dict(data)
    trial["alur"] = {"riwayat": [*riwayat(data), event]}
    record = Record("kegiatan", rel, rel, Document(trial, doc.lines))
    rs = schemas["kegiatan"]
    prefix = f"alur.riwayat.{index}"
    problems = [
        f
        for f in schema_findings(record, rs) + alur_findings(record, rs, sop)
        if f.lokasi and (f.lokasi == prefix or f.lokasi.startswith(prefix + "."))
    ]
    errors = [f for f in problems if f.is_error]
    for f in problems:
        _echo_finding(replace(f, baris=None))
    if errors:
        click.secho(f"Langkah {step} tidak dicatat: {len(errors)} galat.", fg="red", bold=True)
        raise SystemExit(1)
    try:
        line = append_event(file, event)
    except LoadError as exc:
        _echo_finding(Finding(exc.kode, "galat", rel, exc.pesan, exc.saran, exc.baris))
        raise SystemExit(1) from None
    click.secho(
        f"{rel}:{line}: langkah {info.label()} dicatat oleh {sop.short_role(peran)} '{aktor}' pada {event['waktu']}.",
        fg="green",
        bold=True,
    )
    st = status(trial, sop)
    if st.menunggu:
        click.echo(f"Berikutnya: {_waiting_text(sop, st.menunggu)}.")
    else:
        click.echo("Semua langkah SOP untuk kegiatan ini selesai.")


def _waiting_text(sop, steps) -> str:
    return "; ".join(
        f"langkah {sop.langkah[n].label()} oleh {sop.roles_text(sop.langkah[n].pelaksana)} (baku {sop.langkah[n].waktu})"
        for n in steps
    )


def _status_row(record: Record, sop, pada: datetime) -> dict:
    st = status(record, sop, pada)
    jam = sop.jam_kerja
    history, previous = [], None
    for ev in events(record):
        step = sop.step(ev.langkah)
        took = jam.menit_kerja(previous, ev.waktu) if previous is not None and ev.waktu is not None else None
        history.append(
            {
                "langkah": ev.langkah,
                "peran": ev.peran,
                "aktor": ev.aktor,
                "waktu": ev.raw.get("waktu"),
                "durasi_menit": took,
                "baku_menit": step.baku_menit if step else None,
                "sesuai_baku": None if took is None or step is None else took <= step.baku_menit,
            }
        )
        previous = ev.waktu if ev.waktu is not None else previous
    last = sop.step(st.langkah)
    return {
        "kegiatan": record.ident,
        "berkas": record.path,
        "judul": record.data.get("judul_kegiatan"),
        "langkah": st.langkah,
        "langkah_nama": last.ringkas if last else None,
        "waktu_terakhir": st.terakhir.raw.get("waktu") if st.terakhir else None,
        "menunggu": [
            {
                "langkah": n,
                "nama": sop.langkah[n].ringkas,
                "pelaksana": list(sop.langkah[n].pelaksana),
                "waktu_baku": sop.langkah[n].waktu,
                "baku_menit": sop.langkah[n].baku_menit,
            }
            for n in st.menunggu
        ],
        "pelaksana": st.pelaksana,
        "berjalan_menit": st.berjalan_menit,
        "berjalan": jam.format(st.berjalan_menit) if st.berjalan_menit is not None else None,
        "baku_menit": st.baku_menit,
        "baku": jam.format(st.baku_menit) if st.baku_menit is not None else None,
        "terlambat": st.terlambat,
        "disetujui": st.disetujui,
        "pernah_disetujui": st.pernah_disetujui,
        "publik": st.disetujui,
        "selesai": st.selesai,
        "riwayat": history,
    }


def _note(row: dict) -> str:
    if row["langkah"] is None:
        return "belum dimulai"
    if row["selesai"]:
        return "selesai"
    if row["terlambat"]:
        return "TERLAMBAT"
    if row["berjalan_menit"] is None:
        return "waktu langkah terakhir tidak sah"
    return "dalam waktu baku"


@main.command(name="status")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--pada", help="Hitung status pada waktu ini, misalnya 2025-02-10T09:00:00+07:00 (bawaan: sekarang).")
@format_option(["teks", "json"], "teks", "Bentuk keluaran: tabel untuk dibaca, json untuk alat lain.")
def status_cmd(path: Path, pada: str | None, fmt: str) -> None:
    """Posisi setiap kegiatan dalam alur SOP: langkah terakhir, siapa yang harus bertindak,
    lama menunggu dalam waktu kerja dibanding waktu baku SOP, dan yang terlambat.

    Waktu kerja: Senin–Jumat 08:00–16:00 WIB, tanpa libur nasional dan cuti bersama
    (diatur di schemas/sop.yaml). PATH membatasi kegiatan yang ditampilkan.
    """
    target = path.resolve()
    root = find_root(target)
    schemas = Schemas.find(root)
    sop = schemas.sop
    moment = _moment(pada, sop, "--pada")
    catalog = load_catalog(root)
    records = sorted(
        (r for r in catalog.of("kegiatan") if (root / r.path).resolve().is_relative_to(target) or target == root),
        key=lambda r: r.ident,
    )
    rows = [_status_row(r, sop, moment) for r in records]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "pada": moment.isoformat(),
                    "jam_kerja": {
                        "mulai": sop.jam_kerja.mulai.strftime("%H:%M"),
                        "selesai": sop.jam_kerja.selesai.strftime("%H:%M"),
                        "zona_waktu": str(sop.jam_kerja.zona),
                        "menit_per_hari": sop.jam_kerja.menit_per_hari,
                    },
                    "kegiatan": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    header = ("Kegiatan", "Langkah terakhir", "Menunggu", "Harus bertindak", "Berjalan", "Baku", "Keterangan")
    table = [
        (
            row["kegiatan"],
            f"{row['langkah']} {row['langkah_nama']}" if row["langkah"] else "-",
            ", ".join(f"{m['langkah']} {m['nama']}" for m in row["menunggu"]) or "-",
            sop.roles_text(row["pelaksana"]),
            row["berjalan"] or "-",
            row["baku"] or "-",
            _note(row),
        )
        for row in rows
    ]
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    click.secho("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), bold=True)
    for cells in table:
        text = "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        click.secho(text, fg="red" if cells[-1] == "TERLAMBAT" else None)
    late = sum(r["terlambat"] for r in rows)
    public = sum(r["publik"] for r in rows)
    click.echo(
        f"{len(rows)} kegiatan pada {moment.isoformat()}: {late} terlambat, {public} disetujui BPS (tampil di portal)."
    )


@main.command(name="check-pr")
@click.option("--base", required=True, help="Ref cabang tujuan PR (misalnya origin/main atau SHA).")
@click.option("--head", required=True, help="Ref kepala PR (misalnya SHA commit terakhir PR).")
@click.option("--actor", required=True, help="Akun GitHub pembuat PR.")
@click.option(
    "--repo",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    show_default=True,
    help="Folder repositori git katalog.",
)
@format_option(
    ["teks", "json", "markdown"],
    "teks",
    "teks untuk dibaca, json untuk alat lain, markdown untuk ringkasan di halaman PR.",
)
def check_pr_cmd(base: str, head: str, actor: str, repo: Path, fmt: str) -> None:
    """Periksa perubahan PR terhadap aturan alur dan peran (roles.yaml di cabang dasar).

    Riwayat alur hanya boleh ditambah; peristiwa baru harus berperan yang dipegang akun
    pembuat PR; kegiatan yang sudah disetujui BPS hanya boleh diubah bersama langkah 7 atau 8
    (siklus pemeriksaan baru). Kode keluar 1 jika ada galat.
    """
    schemas = Schemas.find(repo.resolve())
    try:
        report = check_pr(repo.resolve(), base, head, actor, schemas)
    except GitError as exc:
        click.secho(f"Git: {exc}", fg="red", err=True)
        raise SystemExit(2) from None
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "aktor": report.aktor,
                    "peran": list(report.akun.peran) if report.akun else [],
                    "opd": list(report.akun.opd) if report.akun else [],
                    "base": report.base,
                    "head": report.head,
                    "ringkasan": {
                        "galat": sum(f.is_error for f in report.temuan),
                        "peringatan": sum(not f.is_error for f in report.temuan),
                    },
                    "temuan": [f.to_dict() for f in report.temuan],
                    "perubahan": [c.to_dict() for c in report.perubahan],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif fmt == "markdown":
        click.echo(markdown(report), nl=False)
    else:
        for f in report.temuan:
            _echo_finding(f)
        errors = sum(f.is_error for f in report.temuan)
        click.secho(
            f"PR oleh '{actor}': {len(report.perubahan)} berkas metadata berubah, {errors} galat.",
            fg="red" if errors else "green",
            bold=True,
        )
    if not report.ok:
        raise SystemExit(1)


@main.command(name="codeowners")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--periksa", is_flag=True, help="Jangan menulis; kode keluar 1 bila berkas CODEOWNERS tidak sesuai.")
def codeowners_cmd(path: Path, periksa: bool) -> None:
    """Buat .github/CODEOWNERS dari pengelola di setiap opd.yaml dan tim_walidata di roles.yaml."""
    root = find_root(path.resolve())
    record, problem = roles_record(root)
    if problem is not None:
        _echo_finding(problem)
        raise SystemExit(1)
    roles = Roles.from_data(record.data if record else None)
    text = codeowners(load_catalog(root), roles)
    target = root / CODEOWNERS_FILE
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if periksa:
        if current != text:
            click.secho(
                f"{CODEOWNERS_FILE} tidak sesuai dengan opd.yaml dan roles.yaml. Jalankan: satudata codeowners",
                fg="red",
                bold=True,
            )
            raise SystemExit(1)
        click.echo(f"{CODEOWNERS_FILE} sesuai.")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    rules = [line for line in text.splitlines() if line and not line.startswith("#")]
    click.echo(f"{CODEOWNERS_FILE} ditulis ({len(rules)} aturan).")


@main.command(name="sop")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@format_option(
    ["teks", "markdown", "json"], "teks", "teks untuk dibaca, markdown untuk dokumentasi, json untuk alat lain."
)
@click.option(
    "--perbarui",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Tulis ulang tabel langkah di dokumen ini (di antara penanda sop:mulai dan sop:selesai).",
)
def sop_cmd(path: Path, fmt: str, perbarui: Path | None) -> None:
    """Tampilkan 13 langkah SOP (pelaksana, waktu baku, langkah berikutnya) dari schemas/sop.yaml."""
    sop = Schemas.find(find_root(path.resolve())).sop
    if perbarui is not None:
        text = perbarui.read_text(encoding="utf-8")
        try:
            updated = update_doc(text, sop)
        except SopError as exc:
            raise click.ClickException(str(exc)) from None
        perbarui.write_text(updated, encoding="utf-8")
        click.echo(f"{perbarui}: tabel langkah SOP {'diperbarui' if updated != text else 'sudah sesuai'}.")
        return
    if fmt == "markdown":
        click.echo(sop_markdown(sop), nl=False)
    elif fmt == "json":
        steps = [
            {
                "nomor": s.nomor,
                "nama": s.nama,
                "ringkas": s.ringkas,
                "pelaksana": list(s.pelaksana),
                "waktu": s.waktu,
                "baku_menit": s.baku_menit,
                "persyaratan": s.persyaratan,
                "output": s.output,
                "berikutnya": list(s.berikutnya),
            }
            for s in sop.langkah.values()
        ]
        click.echo(json.dumps({"sop": sop.nama, "nomor": sop.nomor, "langkah": steps}, ensure_ascii=False, indent=2))
    else:
        click.secho(f"SOP {sop.nama} ({sop.nomor})", bold=True)
        for s in sop.langkah.values():
            nxt = ", ".join(map(str, s.berikutnya)) or "selesai"
            click.echo(f"{s.nomor:>3}. {s.nama}")
            click.echo(f"     {sop.roles_text(s.pelaksana)} · {s.waktu} · berikutnya: {nxt}")


# --- Excel and revision diff ---------------------------------------------------------------


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
@format_option(["teks", "json"], "teks", "Bentuk keluaran.")
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
@format_option(["markdown", "json"], "markdown", "markdown untuk komentar pull request, json untuk alat lain.")
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
