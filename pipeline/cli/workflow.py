"""The SOP and pull requests: ``langkah``, ``status``, ``check-pr``, ``codeowners``, ``sop``, ``diff``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from ..check.alur import alur_findings, typed_event_findings
from ..check.messages import schema_findings
from ..check.rootfiles import roles_record
from ..codes import Finding, finding
from ..contract.roles import ROLES_FILE, Roles
from ..contract.schema import Schemas
from ..edit.events import append_event, locked
from ..layout import identify
from ..read.catalog import Record, find_root, load_catalog
from ..read.git import BadRevision, GitError
from ..read.loader import Document, LoadError, load
from ..sop.definition import SopError, load_sop
from ..sop.doc import markdown as sop_markdown
from ..sop.doc import update_doc
from ..sop.state import events, riwayat, status, until
from ..workflow.checkpr import check_pr, markdown
from ..workflow.codeowners import CODEOWNERS_FILE, codeowners
from ..workflow.tugas import annotate
from . import EXIT_ENVIRONMENT, catalog_option, echo_finding, format_option, main, now, parse_moment
from .editor import echo_waiting


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
    """Catat bahwa LANGKAH SOP yang terjadi di luar GitHub selesai: tambahkan peristiwa di akhir
    alur.riwayat kegiatan.yaml.

    Hanya langkah yang diketik (di schemas/sop.yaml: dicatat: tangan, misalnya 1, 2, 6 dan 13);
    tinjauan, persetujuan dan penggabungan dicatat otomatis dari GitHub. PATH adalah folder
    kegiatan atau berkas kegiatan.yaml. Isi lain berkas (komentar, urutan, tanda kutip, izin
    berkas) tidak berubah. Peristiwa ditolak sebelum ditulis bila satudata check-pr akan
    menolaknya: akun tidak di roles.yaml atau tidak memegang perannya, langkah dari GitHub,
    urutan langkah, pelaksana, waktu di masa depan, atau surat rekomendasi (langkah 6).
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
        if len(info.pelaksana) > 1 and not info.by_forge:
            raise click.UsageError(
                f"Langkah {step} ({info.ringkas}) dilaksanakan oleh {sop.roles_text(info.pelaksana)}; "
                f"sebutkan --peran {' atau --peran '.join(info.pelaksana)}."
            )
        peran = info.pelaksana[0]
    if not aktor:
        raise click.UsageError("Sebutkan akun GitHub Anda dengan --aktor NAMA (atau SATUDATA_AKTOR=NAMA).")
    moment = parse_moment(waktu, sop, "--waktu")
    try:
        with locked(file):  # read, check and write in turn with any other run on this file
            line, trial = _append_checked(
                file, rel, root, schemas, step, peran, aktor, moment, catatan, nomor_surat, tanggal_surat
            )
    except TimeoutError:
        click.secho(f"{rel} sedang disunting proses lain; coba lagi sebentar lagi.", fg="red", bold=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    except OSError as exc:
        echo_finding(
            Finding(
                "berkas-tidak-terbaca",
                "galat",
                rel,
                f"Berkas tidak dapat ditulis: {exc.strerror}.",
                "Periksa izin berkas dan ruang disk.",
            )
        )
        raise SystemExit(EXIT_ENVIRONMENT) from None
    click.secho(
        f"{rel}:{line}: langkah {info.label()} dicatat oleh {sop.short_role(peran)} '{aktor}' pada {moment.isoformat()}.",
        fg="green",
        bold=True,
    )
    st = status(trial, sop)
    if st.menunggu:
        click.echo(f"Berikutnya: {_waiting_text(sop, st.menunggu)}.")
    else:
        click.echo("Semua langkah SOP untuk kegiatan ini selesai.")


def _append_checked(file, rel, root, schemas, step, peran, aktor, moment, catatan, nomor_surat, tanggal_surat):
    """Under the lock: read the file, refuse what check-pr would refuse, then append. Exits 1 on findings."""
    sop = schemas.sop
    try:
        doc = load(file)
    except LoadError as exc:
        echo_finding(Finding(exc.kode, "galat", rel, exc.pesan, exc.saran, exc.baris))
        raise SystemExit(1) from None
    data = doc.data if isinstance(doc.data, dict) else {}
    if step == sop.surat and nomor_surat is None and isinstance(data.get("identitas_rekomendasi"), str):
        nomor_surat = data["identitas_rekomendasi"]
    event = {
        "langkah": step,
        "waktu": moment.isoformat(),
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
    roles_rec, roles_problems = roles_record(root, schemas)
    if roles_rec is None and not roles_problems:
        problems.append(
            finding(
                "pr-peran-tidak-ada",
                ROLES_FILE,
                "Katalog ini belum memiliki roles.yaml; peran akun tidak dapat diperiksa (check-pr akan menolak PR-nya).",
                "Walidata menambahkan roles.yaml di akar katalog (lihat docs/panduan/admin.md).",
            )
        )
    roles = Roles.from_data(roles_rec.data if roles_rec else None)
    found = identify(rel)
    problems += typed_event_findings(
        event,
        berkas=rel,
        opd=found.opd if found else None,
        actor=aktor,
        account=roles.get(aktor),
        sop=sop,
        lokasi=prefix,
        now=now(sop),
    )
    errors = [f for f in problems if f.is_error]
    for f in problems:
        echo_finding(replace(f, baris=None))
    if errors:
        click.secho(f"Langkah {step} tidak dicatat: {len(errors)} galat.", fg="red", bold=True)
        raise SystemExit(1)
    try:
        line = append_event(file, event)
    except LoadError as exc:
        echo_finding(Finding(exc.kode, "galat", rel, exc.pesan, exc.saran, exc.baris))
        raise SystemExit(1) from None
    return line, trial


def _waiting_text(sop, steps) -> str:
    return "; ".join(
        f"langkah {sop.langkah[n].label()} oleh {sop.roles_text(sop.langkah[n].pelaksana)} (baku {sop.langkah[n].waktu})"
        for n in steps
    )


def _status_row(record: Record, sop, pada: datetime) -> dict:
    st = status(record, sop, pada)
    jam = sop.jam_kerja
    history, previous = [], None
    for ev in until(events(record), pada):
        step = sop.step(ev.langkah)
        took = jam.working_minutes(previous, ev.waktu) if previous is not None and ev.waktu is not None else None
        history.append(
            {
                "langkah": ev.langkah if ev.akhir is None else ev.akhir,
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
        "akhir": st.akhir,
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
    if row["akhir"]:
        return row["akhir"]
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
@click.option(
    "--pada",
    help="Hitung status pada waktu ini, misalnya 2025-02-10T09:00:00+07:00, atau 2025-02-10 (pukul 00.00 WIB); bawaan: sekarang.",
)
@format_option(["teks", "json"], "teks", "Bentuk keluaran: tabel untuk dibaca, json untuk alat lain.")
@click.option("--untuk", "login", default=None, help="Hanya yang menunggu akun ini (akun GitHub), dengan tenggatnya.")
def status_cmd(path: Path, pada: str | None, fmt: str, login: str | None) -> None:
    """Posisi setiap kegiatan dalam alur SOP: langkah terakhir, siapa yang harus bertindak,
    lama menunggu dalam waktu kerja dibanding waktu baku SOP, dan yang terlambat.

    Waktu kerja: Senin–Jumat 08:00–16:00 WIB, tanpa libur nasional dan cuti bersama
    (diatur di schemas/sop.yaml). PATH membatasi kegiatan yang ditampilkan. Dengan --untuk AKUN:
    hanya langkah yang harus dikerjakan akun itu (menurut roles.yaml dan opd.yaml), dengan tenggatnya.
    """
    target = path.resolve()
    root = find_root(target)
    schemas = Schemas.find(root)
    sop = schemas.sop
    moment = parse_moment(pada, sop, "--pada", day=True)
    catalog = load_catalog(root)
    records = sorted(
        (r for r in catalog.of("kegiatan") if (root / r.path).resolve().is_relative_to(target) or target == root),
        key=lambda r: r.ident,
    )
    rows = [_status_row(r, sop, moment) for r in records]
    record, _ = roles_record(root, schemas)
    annotate(rows, sop, Roles.from_data(record.data if record else None), catalog)
    if login is not None:
        echo_waiting(rows, login, sop, moment, fmt)
        return
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "pada": moment.isoformat(),
                    "jam_kerja": {
                        "mulai": sop.jam_kerja.start.strftime("%H:%M"),
                        "selesai": sop.jam_kerja.end.strftime("%H:%M"),
                        "zona_waktu": str(sop.jam_kerja.zone),
                        "menit_per_hari": sop.jam_kerja.minutes_per_day,
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
@click.argument("base")
@click.argument("head", default="HEAD")
@click.option("--aktor", "actor", required=True, help="Akun GitHub pembuat PR.")
@click.option(
    "--pada", help="Waktu pemeriksaan untuk batas waktu peristiwa (tanggal saja = pukul 00.00 WIB; bawaan: sekarang)."
)
@catalog_option()
@format_option(
    ["teks", "json", "markdown"],
    "teks",
    "teks untuk dibaca, json untuk alat lain, markdown untuk ringkasan di halaman PR.",
)
def check_pr_cmd(base: str, head: str, actor: str, pada: str | None, repo: Path, fmt: str) -> None:
    """Periksa PR (perubahan sejak titik cabang BASE sampai HEAD) dengan aturan dari BASE.

    Semua dibaca dari objek git, bukan dari folder kerja: skema, daftar kode, sop.yaml,
    roles.yaml dan katalog.yaml dari BASE; metadata dari HEAD, diperiksa seluruhnya seperti
    satudata validate. Setiap berkas PR dinilai: akun OPD hanya mengubah folder OPD-nya;
    berkas aturan hanya oleh Walidata, tanpa rekaman dalam PR yang sama (lalu diperiksa juga
    dengan aturan barunya). Riwayat alur hanya boleh ditambah, dengan langkah yang diketik
    (bukan langkah yang dicatat dari GitHub) oleh pemegang perannya, di commit miliknya, dengan
    waktu yang tidak di masa depan. Kode keluar 1 jika ada galat.
    """
    moment = parse_moment(pada, load_sop(), "--pada", day=True) if pada else None
    try:
        report = check_pr(repo.resolve(), base, head, actor, now=moment)
    except BadRevision as exc:
        raise click.BadParameter(str(exc), param_hint="BASE/HEAD") from None
    except GitError as exc:
        click.secho(f"Git: {exc}", fg="red", err=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(markdown(report), nl=False)
    else:
        for f in report.temuan:
            echo_finding(f)
        for note in report.catatan:
            click.echo(f"Catatan: {note}")
        errors = sum(f.is_error for f in report.temuan)
        changed = len(report.perubahan.records) if report.perubahan else 0
        click.secho(
            f"PR oleh '{actor}': {changed} rekaman metadata berubah, {errors} galat.",
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
    schemas = Schemas.find(root)
    record, problems = roles_record(root, schemas)
    if any(f.is_error for f in problems):
        for f in problems:
            echo_finding(f)
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
                "dicatat": s.dicatat,
                "forge": list(s.forge),
            }
            for s in sop.langkah.values()
        ]
        ends = [
            {"kunci": e.kunci, "nama": e.nama, "pelaksana": list(e.pelaksana), "setelah": list(e.setelah)}
            for e in sop.akhir.values()
        ]
        click.echo(
            json.dumps(
                {"sop": sop.nama, "nomor": sop.nomor, "langkah": steps, "akhir": ends}, ensure_ascii=False, indent=2
            )
        )
    else:
        click.secho(f"SOP {sop.nama} ({sop.nomor})", bold=True)
        for s in sop.langkah.values():
            nxt = ", ".join(map(str, s.berikutnya)) or "selesai"
            click.echo(f"{s.nomor:>3}. {s.nama}")
            how = "dicatat dari GitHub" if s.by_forge else "diketik"
            click.echo(f"     {sop.roles_text(s.pelaksana)} · {s.waktu} · berikutnya: {nxt} · {how}")


@main.command(name="diff")
@click.argument("base")
@click.argument("head", default="HEAD")
@format_option(["markdown", "json"], "markdown", "markdown untuk komentar pull request, json untuk alat lain.")
@catalog_option()
@click.option("--keluar", "out", default=None, type=click.Path(dir_okay=False, path_type=Path), help="Tulis ke berkas.")
def diff_cmd(base: str, head: str, fmt: str, repo: Path, out: Path | None) -> None:
    """Perbedaan metadata antara dua revisi git, dengan nomor dan nama isian formulir.

    Untuk peninjau pull request: misalnya satudata diff origin/main HEAD. Setiap rekaman yang
    ditambah, dihapus atau berubah disebut dengan judulnya; setiap isian yang berubah dengan
    nomor dan labelnya (nilai lama → baru; daftar: butir ditambah/dihapus); riwayat SOP
    diringkas sebagai peristiwa baru. Berkas yang tidak dapat dibaca dilaporkan.
    """
    from ..workflow.diff import diff, to_markdown

    try:
        report = diff(find_root(repo.resolve()), base, head)
    except BadRevision as exc:
        raise click.BadParameter(str(exc), param_hint="BASE/HEAD") from None
    except GitError as exc:
        click.secho(f"Perbedaan tidak dapat dihitung: {exc}", fg="red", bold=True, err=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n" if fmt == "json" else to_markdown(report)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Ditulis ke {out}.")
    else:
        click.echo(text, nl=False)


@main.command(name="catat-forge")
@click.argument("pr_file", metavar="PR.json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--tinjauan",
    "review_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Tinjauan PR: daftar dari GET /repos/{o}/{r}/pulls/{n}/reviews, atau payload pull_request_review (boleh berulang).",
)
@click.option("--ditutup-oleh", "closed_by", help="Akun yang menutup PR tanpa digabung (bila PR.json dari REST API).")
@catalog_option()
@click.option(
    "--commit", "make_commit", is_flag=True, help="Buat satu commit berisi peristiwa ini (alur kerja pencatat)."
)
@format_option(["teks", "json"], "teks", "teks untuk dibaca, json untuk alat lain.")
def catat_forge_cmd(pr_file: Path, review_files, closed_by, repo: Path, make_commit: bool, fmt: str) -> None:
    """Catat langkah SOP yang disaksikan GitHub untuk satu PR yang sudah ditutup.

    PR.json adalah payload webhook pull_request (closed) atau objek PR dari REST API GitHub;
    --tinjauan memberi tinjauannya. PR dibuka (langkah 7), Approve dan Request changes
    (langkah 3, 8, 9, 10, 11), perbaikan setelah Request changes (4, 5) dan penggabungan
    (12) menjadi peristiwa di alur.riwayat kegiatan yang diubah PR itu, dengan waktu, akun,
    nomor PR dan commit dari GitHub (sumber: forge); PR yang ditutup tanpa digabung oleh BPS
    atau OPD-nya mengakhiri pengajuan (ditolak, dibatalkan). Dijalankan alur kerja pencatat di
    main; perintah ini tidak pernah menjalankan kode dari PR.
    """
    from ..workflow.forge import (
        BOT_EMAIL,
        BOT_NAME,
        ForgeDataError,
        PullRequest,
        load_json,
        record,
        reviews_from,
        write,
    )
    from ..workflow.revision import Repo

    root = find_root(repo.resolve())
    try:
        pr = PullRequest.from_json(load_json(pr_file, "Berkas PR"), closed_by)
        reviews = reviews_from(review_files)
        r = Repo.of(root)
        head = r.git("rev-parse", "HEAD").decode().strip()
        recording = record(r, head, pr, reviews)
    except ForgeDataError as exc:
        echo_finding(finding("forge-data-tidak-sah", str(pr_file), f"Data GitHub tidak dapat dipakai: {exc}"))
        raise SystemExit(1) from None
    except GitError as exc:
        click.secho(f"Git: {exc}", fg="red", err=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    _refuse_unrecordable(r, str(pr_file), recording)
    written = write(root, recording)
    if make_commit and written:
        r.git("add", "--", *(str(p) for p in written))
        identity = ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]
        message = f"SOP: peristiwa dari GitHub untuk PR #{pr.number}\n\nDicatat oleh satudata catat-forge."
        r.git(*identity, "commit", "-q", "--no-verify", "-m", message)
    if fmt == "json":
        click.echo(json.dumps(recording.to_dict(), ensure_ascii=False, indent=2))
        return
    for note in recording.notes:
        click.echo(note)
    for entry in recording.activities:
        for event in entry.events:
            step = event.get("langkah", event.get("akhir"))
            click.echo(f"{entry.path}: langkah {step} oleh {event['peran']} '{event['aktor']}' pada {event['waktu']}.")
        for skipped in entry.skipped:
            click.echo(f"{entry.path}: tidak dicatat: {skipped}")
    click.secho(
        f"PR #{pr.number}: {recording.events} peristiwa dicatat di {len(written)} kegiatan"
        + (" (satu commit)." if make_commit and written else "."),
        fg="green",
        bold=True,
    )


def _refuse_unrecordable(repo, pr_file: str, recording) -> None:
    """Exit 1 with a finding when this PR cannot be recorded here: its commits are missing, or the
    working tree's activity files differ from HEAD."""
    number = recording.pr.number
    if recording.missing:
        echo_finding(
            finding(
                "forge-commit-tidak-ada",
                pr_file,
                f"PR #{number}: commit {', '.join(recording.missing)} tidak ada di salinan repositori ini "
                "(cabang PR sudah dihapus, atau PR dari fork); tidak ada yang dicatat untuk PR ini.",
                f"Ambil commit PR dulu: git fetch origin refs/pull/{number}/head (alur kerja pencatat "
                "melakukannya), lalu ulangi.",
            )
        )
        raise SystemExit(1)
    paths = [a.path for a in recording.activities if a.events]
    if paths and repo.git("status", "--porcelain", "--", *paths).decode().strip():
        echo_finding(
            finding(
                "forge-folder-kerja",
                paths[0],
                "Berkas kegiatan di folder kerja berbeda dengan HEAD; peristiwa forge hanya ditambahkan pada salinan bersih.",
                "Jalankan pada checkout bersih dari main (alur kerja pencatat melakukannya).",
            )
        )
        raise SystemExit(1)


@main.command(name="periksa-terbit")
@click.argument("head", default="HEAD")
@click.option("--sejak", help="Commit terakhir yang sudah diterbitkan (bawaan: periksa seluruh riwayat main).")
@click.option(
    "--forge",
    "forge_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder data GitHub: <nomor>/pull_request.json dan <nomor>/reviews.json untuk setiap PR.",
)
@click.option(
    "--keluaran",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tambahkan baris siap=true|false ke berkas ini (misalnya $GITHUB_OUTPUT).",
)
@catalog_option()
@format_option(["teks", "json"], "teks", "teks untuk dibaca, json untuk alat lain (juga daftar PR yang perlu diambil).")
def periksa_terbit_cmd(head: str, sejak, forge_dir, keluaran, repo: Path, fmt: str) -> None:
    """Sebelum portal diterbitkan: periksa setiap commit main sejak penerbitan terakhir.

    Setiap commit harus penggabungan PR yang lulus satudata check-pr (dihitung ulang), atau
    commit alur kerja pencatat yang hanya menambah peristiwa forge yang sama persis dengan
    data GitHub. Selain itu ditolak dengan commit dan alasannya (kode keluar 1). PR yang sudah
    digabung tetapi peristiwanya belum dicatat membuat penerbitan menunggu (siap=false).
    """
    from ..workflow.forge import ForgeDataError
    from ..workflow.forgehistory import ForgeData, check_history

    try:
        history = check_history(find_root(repo.resolve()), sejak, head, ForgeData.read(forge_dir))
    except ForgeDataError as exc:
        echo_finding(finding("forge-data-tidak-sah", str(forge_dir), f"Data GitHub tidak dapat dipakai: {exc}"))
        raise SystemExit(1) from None
    except BadRevision as exc:
        raise click.BadParameter(str(exc), param_hint="HEAD/--sejak") from None
    except GitError as exc:
        click.secho(f"Git: {exc}", fg="red", err=True)
        raise SystemExit(EXIT_ENVIRONMENT) from None
    if keluaran is not None:
        with open(keluaran, "a", encoding="utf-8") as fh:
            fh.write(f"siap={'true' if history.siap else 'false'}\n")
    if fmt == "json":
        click.echo(json.dumps(history.to_dict(), ensure_ascii=False, indent=2))
    else:
        for f in history.temuan:
            echo_finding(f)
        if history.menunggu:
            numbers = ", ".join(f"#{n}" for n in history.menunggu)
            click.echo(f"Menunggu alur kerja pencatat mencatat peristiwa GitHub untuk PR {numbers}; belum diterbitkan.")
        verdict = "siap diterbitkan" if history.siap else "tidak diterbitkan"
        click.secho(f"{history.commits} commit diperiksa: {verdict}.", fg="green" if history.siap else "red", bold=True)
    if not history.ok:
        raise SystemExit(1)
