"""Reports for the forge: ``komentar-pr`` and ``anotasi`` (the PR speaks for itself), ``isu-terlambat``."""

from __future__ import annotations

from pathlib import Path

import click

from . import main

REPORT = click.Path(dir_okay=False, path_type=Path)


def _reports(validasi, periksa_pr, diff):
    from ..workflow.komentar import ReportError, read_report

    try:
        return read_report(validasi), read_report(periksa_pr), read_report(diff)
    except ReportError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command(name="komentar-pr")
@click.option("--validasi", type=REPORT, help="Keluaran satudata validate --format json.")
@click.option("--periksa-pr", "periksa_pr", type=REPORT, help="Keluaran satudata check-pr --format json.")
@click.option("--diff", "diff", type=REPORT, help="Keluaran satudata diff --format json.")
@click.option("--keluar", "out", type=REPORT, default=None, help="Tulis ke berkas (bawaan: layar).")
def komentar_pr(validasi, periksa_pr, diff, out) -> None:
    """Satu komentar pull request: hasil pemeriksaan dan perbedaan metadata per isian (lama → baru).

    Laporan JSON dianggap data tak tepercaya (dari artefak): ukurannya dibatasi, setiap isian
    diperiksa jenisnya dan setiap teks di-escape (tanpa HTML, tanpa @mention). Laporan yang tidak
    ada disebut di komentar. Komentar diawali penanda agar alur kerja memperbarui komentar yang sama.
    """
    from ..workflow.komentar import comment

    text = comment(*_reports(validasi, periksa_pr, diff))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Komentar ditulis ke {out} ({len(text)} karakter).")


@main.command(name="anotasi")
@click.option("--validasi", type=REPORT, help="Keluaran satudata validate --format json.")
@click.option("--periksa-pr", "periksa_pr", type=REPORT, help="Keluaran satudata check-pr --format json.")
@click.option("--diff", "diff", type=REPORT, help="Keluaran satudata diff --format json.")
def anotasi(validasi, periksa_pr, diff) -> None:
    """Anotasi GitHub (::error file=…,line=…::) untuk temuan pada berkas YAML yang diubah PR."""
    from ..workflow.komentar import annotations, changed_files

    validate, checkpr, changes = _reports(validasi, periksa_pr, diff)
    for line in annotations(validate, checkpr, changed_files(changes, checkpr)):
        click.echo(line)


@main.command(name="isu-terlambat")
@click.option("--status", "status_file", required=True, type=click.File("r", encoding="utf-8"),
              help="Keluaran satudata status --format json.")  # fmt: skip
@click.option("--isu", "issues_file", required=True, type=click.File("r", encoding="utf-8"),
              help="Isu terbuka, seperti dijawab GET /repos/{owner}/{repo}/issues (JSON; boleh gabungan halaman).")  # fmt: skip
@click.option("--pembuat", default="github-actions[bot]", show_default=True, help="Akun yang membuat isu otomatis.")
def isu_terlambat(status_file, issues_file, pembuat: str) -> None:
    """Tindakan (buat, perbarui, tutup) agar ada tepat satu isu terbuka per langkah SOP yang terlambat.

    Mencetak daftar tindakan JSON; alur kerja terjadwal menerapkannya dengan gh. Isu yang dikelola
    hanya yang berlabel terlambat, dibuat --pembuat, dan bertanda kegiatan/langkah.
    """
    import json

    from ..workflow.tugas import issue_actions

    try:
        status = json.load(status_file)
        issues = json.load(issues_file)
    except ValueError as exc:
        raise click.BadParameter(f"bukan JSON: {exc}") from None
    if isinstance(issues, list) and issues and all(isinstance(page, list) for page in issues):
        issues = [i for page in issues for i in page]  # gh api --paginate --slurp
    if not isinstance(status, dict) or not isinstance(issues, list):
        raise click.BadParameter("--status harus objek JSON satudata status, --isu daftar isu GitHub.")
    click.echo(json.dumps(issue_actions(status, issues, pembuat), ensure_ascii=False, indent=2))
