"""Reports for the forge: ``komentar-pr`` and ``anotasi`` (the PR speaks for itself), ``isu-terlambat``."""

from __future__ import annotations

from pathlib import Path

import click

from . import echo_finding, main

BOT_LOGIN = "github-actions[bot]"

_TEXT, _COUNT = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
_WAIT = {
    "type": "object",
    "required": ["langkah", "nama", "waktu_baku", "akun"],
    "properties": {
        "langkah": {"type": "integer"}, "nama": {"type": "string"}, "waktu_baku": {"type": "string"},
        "baku_menit": _COUNT, "tenggat": _TEXT, "akun": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip
STATUS_SHAPE = {
    "type": "object",
    "properties": {
        "kegiatan": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kegiatan", "berkas", "menunggu"],
                "properties": {
                    "kegiatan": {"type": "string"}, "berkas": {"type": "string"}, "judul": _TEXT,
                    "waktu_terakhir": _TEXT, "berjalan": _TEXT, "berjalan_menit": _COUNT,
                    "terlambat": {"type": ["boolean", "null"]}, "menunggu": {"type": "array", "items": _WAIT},
                },
            },
        }
    },
}  # fmt: skip
"""The fields of ``satudata status --format json`` that ``isu-terlambat`` reads, with their types."""
_LOGIN = {"type": ["object", "null"], "properties": {"login": _TEXT}}
ISSUES_SHAPE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["number"],
        "properties": {
            "number": {"type": "integer"}, "state": _TEXT, "title": _TEXT, "body": _TEXT, "user": _LOGIN,
            "labels": {"type": ["array", "null"], "items": {"type": ["object", "null"], "properties": {"name": _TEXT}}},
            "assignees": {"type": ["array", "null"], "items": {"type": "object", "required": ["login"],
                                                               "properties": {"login": {"type": "string"}}}},
        },
    },
}  # fmt: skip
"""The fields of GitHub's issue objects that ``isu-terlambat`` reads, with their types."""

REPORT = click.Path(dir_okay=False, path_type=Path)


def _reports(validasi, periksa_pr, diff):
    from ..codes import finding
    from ..workflow.komentar import ReportError, read_report

    try:
        return read_report(validasi), read_report(periksa_pr), read_report(diff)
    except ReportError as exc:
        echo_finding(finding("artefak-tidak-sah", "laporan", f"Laporan tidak dapat dipakai: {exc}."))
        raise SystemExit(1) from None


def _github_json(path: Path | None, what: str):
    """A JSON file written by the workflow from GitHub's own API or event (trusted, but still checked)."""
    from ..read import jsondata

    if path is None:
        return []
    try:
        return jsondata.load_file(path, what)
    except jsondata.JsonDataError as exc:
        _refuse(path, str(exc))


def _refuse(path: Path, why: str):
    """Hostile or broken JSON from GitHub or a workflow: a finding, exit 1."""
    from ..codes import finding

    echo_finding(finding("forge-data-tidak-sah", path.name, f"Data tidak dapat dipakai: {why}."))
    raise SystemExit(1)


def _shaped(value, shape: dict, path: Path, what: str) -> None:
    """Refuse ``value`` (a finding naming the field) unless its fields have the types ``shape`` says."""
    import jsonschema

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(shape).iter_errors(value))
    if error is not None:
        where = "/".join(map(str, error.absolute_path)) or "(akar)"
        if error.validator == "type":
            kinds = error.validator_value
            why = f"harus berjenis {' atau '.join([kinds] if isinstance(kinds, str) else kinds)}"
        else:
            why = f"tidak sesuai ({error.validator}: {error.validator_value})"
        _refuse(path, f"{what}: isian {where} {why}")


@main.command(name="komentar-pr")
@click.option("--validasi", type=REPORT, help="Keluaran satudata validate --format json.")
@click.option("--periksa-pr", "periksa_pr", type=REPORT, help="Keluaran satudata check-pr --format json.")
@click.option("--diff", "diff", type=REPORT, help="Keluaran satudata diff --format json.")
@click.option(
    "--artefak", type=REPORT, help="Artefak laporan-pr (zip) dari run Periksa PR, sebagai ganti tiga laporan."
)
@click.option(
    "--peristiwa", type=REPORT, help="Payload peristiwa workflow_run ($GITHUB_EVENT_PATH); wajib dengan --artefak."
)
@click.option(
    "--pr-github", "pulls_file", type=REPORT, help="PR terbuka untuk cabang kepala run, dari API GitHub (GET /pulls)."
)
@click.option(
    "--komentar-lama",
    "comments_file",
    type=REPORT,
    help="Komentar PR itu dari API GitHub, untuk mencari komentar sebelumnya.",
)
@click.option(
    "--berkas-pr",
    "files_file",
    type=REPORT,
    help="Berkas yang diubah PR dari API GitHub (GET /pulls/{n}/files, dengan nomor).",
)
@click.option("--pembuat", default=BOT_LOGIN, show_default=True, help="Akun yang menulis komentar otomatis.")
@click.option("--keluar", "out", type=REPORT, default=None, help="Tulis ke berkas (bawaan: layar).")
@click.option(
    "--keluaran", type=REPORT, help="Tambahkan baris pr=NOMOR dan komentar=ID ke berkas ini ($GITHUB_OUTPUT)."
)
def komentar_pr(validasi, periksa_pr, diff, artefak, peristiwa, pulls_file, comments_file, files_file, pembuat, out,
                keluaran) -> None:  # fmt: skip
    """Satu komentar pull request: hasil pemeriksaan dan perbedaan metadata per isian (lama → baru).

    Laporan JSON dianggap data tak tepercaya (dari artefak): ukurannya dibatasi, setiap isian
    diperiksa jenisnya dan setiap teks di-escape (tanpa HTML, tanpa @mention, tanpa tautan).
    Tanpa --diff, perubahan diambil dari laporan check-pr. Laporan yang tidak ada disebut di
    komentar. Komentar diawali penanda agar alur kerja memperbarui komentar yang sama.

    Dengan --artefak (alur kerja Komentar PR): arsip zip dibaca tanpa diekstrak; PR-nya dicari
    dari commit kepala run di --peristiwa dan --pr-github, dan nomor PR serta commit kepala di
    pr.json artefak harus sama (bila tidak: komentar penolakan, kode keluar 1). --keluaran
    menerima pr=NOMOR (kosong bila tidak ada PR terbuka untuk commit itu) dan komentar=ID
    komentar sebelumnya (kosong: buat baru).
    """
    from ..workflow.komentar import comment

    if artefak is None:
        text = comment(*_reports(validasi, periksa_pr, diff))
        _write(text, out)
        return
    if peristiwa is None:
        raise click.UsageError("--artefak butuh --peristiwa (payload workflow_run) dan --pr-github.")
    _from_artifact(artefak, peristiwa, pulls_file, comments_file, files_file, pembuat, out, keluaran)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Komentar ditulis ke {out} ({len(text)} karakter).")


def _from_artifact(artefak, peristiwa, pulls_file, comments_file, files_file, bot, out, keluaran) -> None:
    from ..codes import finding
    from ..workflow import komentar as k

    pull = k.run_pull_request(_github_json(peristiwa, "--peristiwa"), _github_json(pulls_file, "--pr-github"))
    outputs = {"pr": "", "komentar": ""}
    refused = None  # (kode, why)
    if pull is None:
        click.echo("Tidak ada PR terbuka yang commit kepalanya commit run ini (mungkin sudah ada commit baru); "
                   "komentar tidak ditulis.")  # fmt: skip
    else:
        number = pull["number"]
        previous = k.earlier_comment(_github_json(comments_file, "--komentar-lama"), number, bot)
        outputs = {"pr": str(number), "komentar": str(previous or "")}
        if not artefak.is_file():
            text = k.comment(None, None, None)  # the run uploaded no report: the comment says so
        else:
            try:
                artifact = k.read_artifact(artefak)
            except k.ReportError as exc:
                artifact, refused = None, ("artefak-tidak-sah", str(exc))
            if artifact is not None and (why := k.artifact_mismatch(artifact, pull)):
                refused = ("artefak-pr-tidak-cocok", why)
            if refused:
                text = k.refusal(refused[1])
            else:
                github = k.touches_github(_github_json(files_file, "--berkas-pr"), number)
                text = k.comment(artifact.get("validasi"), artifact.get("periksa-pr"), artifact.get("diff"),
                                 changes_github=github)  # fmt: skip
        _write(text, out)
    if keluaran is not None:
        with open(keluaran, "a", encoding="utf-8") as fh:
            fh.write("".join(f"{key}={value}\n" for key, value in outputs.items()))
    if refused:
        kode, why = refused
        echo_finding(finding(kode, artefak.name, why[0].upper() + why[1:] + "."))
        raise SystemExit(1)


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
@click.option("--status", "status_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Keluaran satudata status --format json.")  # fmt: skip
@click.option("--isu", "issues_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Isu terbuka, seperti dijawab GET /repos/{owner}/{repo}/issues (JSON; boleh gabungan halaman).")  # fmt: skip
@click.option("--pembuat", default="github-actions[bot]", show_default=True, help="Akun yang membuat isu otomatis.")
def isu_terlambat(status_file, issues_file, pembuat: str) -> None:
    """Tindakan (buat, perbarui, tutup) agar ada tepat satu isu terbuka per langkah SOP yang terlambat.

    Mencetak daftar tindakan JSON; alur kerja terjadwal menerapkannya dengan gh. Isu yang dikelola
    hanya yang berlabel terlambat, dibuat --pembuat, dan bertanda kegiatan/langkah.
    """
    import json

    from ..workflow.tugas import issue_actions

    status = _github_json(status_file, "--status")
    issues = _github_json(issues_file, "--isu")
    if isinstance(issues, list) and issues and all(isinstance(page, list) for page in issues):
        issues = [i for page in issues for i in page]  # gh api --paginate --slurp
    if not isinstance(status, dict):
        _refuse(status_file, "--status harus objek JSON keluaran satudata status --format json")
    if not isinstance(issues, list):
        _refuse(issues_file, "--isu harus daftar isu GitHub (JSON)")
    _shaped(status, STATUS_SHAPE, status_file, "--status")
    _shaped(issues, ISSUES_SHAPE, issues_file, "--isu")
    click.echo(json.dumps(issue_actions(status, issues, pembuat), ensure_ascii=False, indent=2))
