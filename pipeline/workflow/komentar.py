"""The pull request speaks for itself: one comment with the check result and the labelled diff, and
annotations on the changed YAML lines.

The inputs are the JSON reports of ``satudata check-pr`` (which validates the head under the
base's rules and carries the labelled change model), and optionally ``satudata validate`` and
``satudata diff``. The read-only job that reads the pull request writes them into the artifact
``laporan-pr`` with ``pr.json`` (PR number, head and base commit) and prints the annotations
(GitHub workflow commands, escaped). The second, privileged job (``workflow_run``) renders the
comment from the artifact. A pull request that edits ``periksa-pr.yml`` controls that artifact,
so it is hostile data here: the zip is read in memory, never extracted, only known member names,
size-limited; its PR number and head commit must be those of the pull request that GitHub's API
gives for the run's head commit; every report is type-checked field by field, every text made
inert for Markdown (no HTML, no @mentions, no links or issue references), and file paths accepted
only as plain paths inside the repository.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..read import jsondata
from .diff import md

MARKER = "<!-- satudata:komentar-pr -->"
BOT = "github-actions[bot]"
MAX_REPORT = 4 * 1024 * 1024  # bytes of one JSON report
MAX_ARTIFACT = 8 * 1024 * 1024  # bytes of the artifact's zip (the workflow refuses bigger ones too)
ARTIFACT_FILES = {"pr.json": "pr", "periksa-pr.json": "periksa-pr", "diff.json": "diff", "validasi.json": "validasi"}
SHA = re.compile(r"[0-9a-f]{40}")
MAX_COMMENT = 60_000  # GitHub refuses comments over 65,536 characters
MAX_FINDINGS = 60
MAX_ANNOTATIONS = {"galat": 10, "peringatan": 10}  # what GitHub shows per step
STATUS_WORDS = {"baru": "baru", "dihapus": "dihapus", "berubah": "berubah", "tidak-terbaca": "tidak dapat dibaca"}
_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")


class ReportError(ValueError):
    """A report that is not what the tool writes (the message is for people)."""


def _parse(name: str, raw: bytes) -> dict:
    try:
        data = jsondata.loads(raw, name, max_bytes=MAX_REPORT)
    except jsondata.JsonDataError as exc:
        raise ReportError(str(exc)) from None
    if not isinstance(data, dict):
        raise ReportError(f"{name}: bukan objek JSON")
    return data


def read_report(path: Path | None) -> dict | None:
    """One JSON report, or None if absent; refuses big or malformed files."""
    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    if path.is_symlink() or path.stat().st_size > MAX_REPORT:
        raise ReportError(f"{path.name}: bukan berkas biasa atau lebih dari {MAX_REPORT // 1024 // 1024} MiB")
    return _parse(path.name, path.read_bytes())


@dataclass
class Artifact:
    """The reports of the artifact ``laporan-pr`` by role (``pr``, ``periksa-pr``, ``diff``, ``validasi``)."""

    reports: dict[str, dict] = field(default_factory=dict)

    def get(self, role: str) -> dict | None:
        return self.reports.get(role)


def read_artifact(path: Path) -> Artifact:
    """The artifact's zip, read in memory (never extracted): known names only, sizes checked."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise ReportError(f"{path.name}: bukan berkas biasa")
    if path.stat().st_size > MAX_ARTIFACT:
        raise ReportError(f"{path.name}: lebih dari {MAX_ARTIFACT // 1024 // 1024} MiB")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReportError(f"{path.name}: bukan arsip zip ({exc})") from None
    out = Artifact()
    with archive:
        members = archive.infolist()
        if len(members) > 2 * len(ARTIFACT_FILES):
            raise ReportError(f"{path.name}: {len(members)} berkas, bukan artefak laporan")
        for info in members:
            name = info.filename
            shown = name[:80].encode("unicode_escape").decode("ascii")
            if name not in ARTIFACT_FILES:
                raise ReportError(f"{path.name}: berkas '{shown}' bukan bagian dari artefak laporan")
            role = ARTIFACT_FILES[name]
            if role in out.reports:
                raise ReportError(f"{path.name}: '{shown}' ada dua kali")
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ReportError(f"{path.name}: '{shown}' terenkripsi atau dimampatkan dengan cara lain")
            if info.file_size > MAX_REPORT:
                raise ReportError(f"{path.name}: '{shown}' lebih dari {MAX_REPORT // 1024 // 1024} MiB")
            try:
                with archive.open(info) as fh:
                    raw = fh.read(MAX_REPORT + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise ReportError(f"{path.name}: '{shown}' rusak ({exc})") from None
            if len(raw) > MAX_REPORT:
                raise ReportError(f"{path.name}: '{shown}' lebih dari {MAX_REPORT // 1024 // 1024} MiB")
            out.reports[role] = _parse(name, raw)
    return out


# --- which pull request a workflow run belongs to ------------------------------------------


def _login(obj) -> str | None:
    user = obj.get("user") if isinstance(obj, dict) else None
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) else None


def _get(obj, *keys):
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def run_pull_request(event: dict, pulls: list) -> dict | None:
    """The open pull request of the base repository whose head is the run's head commit.

    ``event`` is the ``workflow_run`` event payload (``$GITHUB_EVENT_PATH``); ``pulls`` are the
    pull requests GitHub's API lists for the run's head branch. A pull request from a fork is not
    in ``workflow_run.pull_requests``, so the API list decides; when that list of the payload is
    not empty, the pull request must be in it too. None when there is no single match (for
    instance a newer commit was pushed since: the newer run writes the comment).
    """
    run = event.get("workflow_run") if isinstance(event, dict) else None
    head = _get(run, "head_sha")
    base_repo = _get(event, "repository", "full_name")
    if not isinstance(head, str) or not SHA.fullmatch(head) or not isinstance(base_repo, str):
        return None
    found = [
        p
        for p in (pulls if isinstance(pulls, list) else [])
        if isinstance(p, dict)
        and _int(p.get("number"))
        and p.get("state", "open") == "open"
        and _get(p, "head", "sha") == head
        and _get(p, "base", "repo", "full_name") == base_repo
    ]
    listed = {_int(_get(p, "number")) for p in _get(run, "pull_requests") or [] if isinstance(p, dict)}
    if listed - {None}:
        found = [p for p in found if p["number"] in listed]
    return found[0] if len(found) == 1 else None


def artifact_mismatch(artifact: Artifact, pull: dict) -> str | None:
    """Why the artifact is not the report of ``pull`` at its head commit, or None."""
    meta = artifact.get("pr")
    if meta is None:
        return "artefak tidak memuat pr.json (nomor PR dan commit kepala)"
    number, head = meta.get("nomor"), meta.get("kepala")
    if _int(number) != pull["number"]:
        return f"artefak menyebut PR {_int(number) or '?'}, padahal run ini untuk PR #{pull['number']}"
    if head != _get(pull, "head", "sha"):
        return (
            f"artefak menyebut commit kepala yang lain daripada commit {pull['head']['sha'][:10]} PR #{pull['number']}"
        )
    return None


def earlier_comment(comments: list, number: int, bot: str = BOT) -> int | None:
    """The id of the bot's comment with :data:`MARKER` on PR ``number`` (the oldest), or None."""
    ours = [
        c["id"]
        for c in (comments if isinstance(comments, list) else [])
        if isinstance(c, dict)
        and _int(c.get("id"))
        and _login(c) == bot
        and isinstance(c.get("body"), str)
        and c["body"].startswith(MARKER)
        and str(c.get("issue_url", "")).rsplit("/", 1)[-1] == str(number)
    ]
    return min(ours) if ours else None


def touches_github(files: list, number: int) -> bool:
    """Whether PR ``number`` changes ``.github/`` (files from ``GET /pulls/{n}/files``, tagged ``nomor``)."""
    for f in files if isinstance(files, list) else []:
        if isinstance(f, dict) and f.get("nomor") == number:
            names = (f.get("filename"), f.get("previous_filename"))
            if any(isinstance(n, str) and n.startswith(".github/") for n in names):
                return True
    return False


def safe_path(value) -> str | None:
    """A repository-relative posix path, or None (absolute, '..', odd characters: refused)."""
    if not isinstance(value, str) or not value or len(value) > 300 or not _SAFE_PATH.fullmatch(value):
        return None
    parts = PurePosixPath(value).parts
    return value if not value.startswith("/") and ".." not in parts and "." not in parts else None


_AUTOLINK = re.compile(r"(?i)(://|www\.|#(?=\d)|gh-(?=\d))")


def inert(text: str) -> str:
    """Text from a record or report as inert Markdown: no HTML, markup, @mentions, links or #references."""
    return _AUTOLINK.sub(lambda m: m.group(1)[:1] + "\u200b" + m.group(1)[1:], md(text))


def _text(value, limit: int = 400) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "; ".join(_text(v, limit) for v in value[:50])
    return inert(str(value)[:limit]) if isinstance(value, str) else ""


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**7 else None


def _findings(report: dict | None) -> list[dict]:
    items = report.get("temuan") if isinstance(report, dict) else None
    out = []
    for f in items if isinstance(items, list) else []:
        if isinstance(f, dict) and f.get("tingkat") in ("galat", "peringatan") and isinstance(f.get("kode"), str):
            out.append(f)
    return out


def changed_files(diff: dict | None, checkpr: dict | None) -> set[str]:
    """The record files the pull request changes, from the diff and check-pr reports."""
    out = set()
    for item in (diff or {}).get("rekaman") or []:
        if isinstance(item, dict) and (path := safe_path(item.get("berkas"))):
            out.add(path)
    changes = (checkpr or {}).get("perubahan")
    for item in changes.get("rekaman") or [] if isinstance(changes, dict) else changes or []:
        if isinstance(item, dict) and (path := safe_path(item.get("berkas"))):
            out.add(path)
    return out


def _finding_line(f: dict) -> str:
    path = safe_path(f.get("berkas"))
    where = (
        f"`{path}:{_int(f.get('baris'))}`" if path and _int(f.get("baris")) else f"`{path}`" if path else "(berkas?)"
    )
    item = " ".join(_text(f.get(k), 120) for k in ("formulir", "nomor", "label") if _text(f.get(k), 120))
    kode = re.sub(r"[^a-z0-9-]", "", str(f.get("kode")))[:60]
    level = "GALAT" if f["tingkat"] == "galat" else "Peringatan"
    return f"- **{level}** {where} {('**' + item + '** ') if item else ''}[{kode}] {_text(f.get('pesan'))} Perbaikan: {_text(f.get('saran'))}"


def _check_section(validate: dict | None, checkpr: dict | None, changed: set[str]) -> list[str]:
    lines = ["## Hasil pemeriksaan otomatis", ""]
    checks = [("satudata check-pr", checkpr, lambda f: True)]
    if validate is not None or checkpr is None:  # check-pr validates the head too; validate is optional
        checks.insert(
            0, ("satudata validate", validate, lambda f: safe_path(f.get("berkas")) in changed or not changed)
        )
    shown = []
    for name, report, relevant in checks:
        if report is None:
            lines.append(f"- {name}: tidak ada laporan (langkah pemeriksaan gagal sebelum selesai; lihat log run).")
            continue
        found = [f for f in _findings(report) if relevant(f)]
        errors = sum(f["tingkat"] == "galat" for f in found)
        mark = "❌" if errors else "✅"
        scope = " pada berkas yang diubah" if name.endswith("validate") and changed else ""
        lines.append(f"- {mark} {name}: {errors} galat, {len(found) - errors} peringatan{scope}.")
        shown += found
    same = {(f.get("kode"), f.get("berkas"), f.get("baris"), f.get("lokasi"), f.get("pesan")): f for f in shown}
    shown = list(same.values())  # check-pr validates too: a finding both report is listed once
    shown.sort(key=lambda f: (f["tingkat"] != "galat", safe_path(f.get("berkas")) not in changed,
                              str(f.get("berkas")), _int(f.get("baris")) or 0))  # fmt: skip
    if shown:
        lines += ["", "### Temuan", ""]
        lines += [_finding_line(f) for f in shown[:MAX_FINDINGS]]
        if len(shown) > MAX_FINDINGS:
            lines.append(f"- … dan {len(shown) - MAX_FINDINGS} temuan lain (lihat ringkasan run).")
    notes = [n for n in (checkpr or {}).get("catatan") or [] if isinstance(n, str)]
    if notes:
        lines += ["", "### Catatan", ""] + [f"- {_text(n)}" for n in notes[:20]]
    lines += _rules_section((checkpr or {}).get("aturan_baru"))
    return lines + [""]


def _rules_section(rules) -> list[str]:
    """What a rule-file pull request changes in how the catalog is judged (check-pr's ``aturan_baru``)."""
    if not isinstance(rules, dict):
        return []
    paths = [p for p in (safe_path(x) for x in rules.get("berkas") or []) if p]
    appeared, gone = (
        _findings({"temuan": rules.get("temuan_muncul")}),
        _findings({"temuan": rules.get("temuan_hilang")}),
    )
    lines = ["", "### Aturan yang diubah PR ini", ""] + [f"- `{p}`" for p in paths[:50]]
    if rules.get("kode_alat_berubah") is True:
        lines.append("- Kode alat (pipeline/) berubah: tidak dijalankan pemeriksaan ini; diuji alur kerja Uji.")
    lines += ["", f"Di bawah aturan baru: {len(appeared)} temuan muncul, {len(gone)} hilang.", ""]
    lines += [_finding_line(f).replace("- ", "- ➕ ", 1) for f in appeared[: MAX_FINDINGS // 2]]
    lines += [_finding_line(f).replace("- ", "- ➖ ", 1) for f in gone[: MAX_FINDINGS // 2]]
    return lines


def _change_cells(change: dict) -> tuple[str, str]:
    if "ditambah" in change or "dihapus" in change:
        removed = change.get("dihapus") if isinstance(change.get("dihapus"), list) else []
        added = change.get("ditambah") if isinstance(change.get("ditambah"), list) else []
        return "<br>".join("− " + _text(x) for x in removed[:30]), "<br>".join("+ " + _text(x) for x in added[:30])
    return _text(change.get("sebelum")), _text(change.get("sesudah"))


def _diff_section(diff: dict | None, budget: int) -> list[str]:
    if diff is None:
        return ["## Perubahan metadata", "", "Tidak ada laporan perbedaan (lihat log run).", ""]
    records = [r for r in diff.get("rekaman") or [] if isinstance(r, dict)]
    lines = ["## Perubahan metadata (per isian formulir, lama → baru)", ""]
    if not records:
        return lines + ["Tidak ada rekaman metadata yang berubah.", ""]
    used = 0
    for i, rec in enumerate(records):
        path = safe_path(rec.get("berkas")) or "(berkas?)"
        status = STATUS_WORDS.get(rec.get("status"), "berubah")
        block = [f"### {_text(rec.get('formulir'), 40)} {_text(rec.get('judul'), 200)} · {status} · `{path}`", ""]
        for rev in rec.get("masalah") or []:
            if isinstance(rev, dict):
                block.append(f"> **Tidak dapat dibaca ({_text(rev.get('revisi'), 60)}):** {_text(rev.get('pesan'))}")
        changes = [c for c in rec.get("perubahan") or [] if isinstance(c, dict)]
        if changes and status != "dihapus":
            block += ["| No. | Isian | Sebelum | Sesudah |", "| --- | --- | --- | --- |"]
            for c in changes[:200]:
                label = _text(c.get("label"), 200) + (
                    f" (butir: {_text(c.get('butir'), 100)})" if c.get("butir") else ""
                )
                before, after = _change_cells(c)
                block.append(f"| {_text(c.get('nomor'), 30)} | {label} | {before} | {after} |")
        events = [e for e in rec.get("alur_baru") or [] if isinstance(e, dict)]
        for e in events[:20]:
            block.append(f"- Riwayat SOP baru: langkah {_text(e.get('langkah'))} · {_text(e.get('peran'), 30)} · "
                         f"{_text(e.get('aktor'), 60)} · {_text(e.get('waktu'), 40)}")  # fmt: skip
        block.append("")
        size = sum(len(x) + 1 for x in block)
        if used + size > budget:
            lines.append(f"… dan {len(records) - i} rekaman lain: terlalu panjang untuk komentar; lihat ringkasan run.")
            break
        lines += block
        used += size
    return lines


WORKFLOW_WARNING = (
    "> **Perhatian: PR ini mengubah `.github/`** (alur kerja, aturan cabang atau CODEOWNERS). Laporan di bawah "
    "dibuat alur kerja versi PR ini dan dapat dipalsukan. Walidata memeriksa perubahan `.github/` baris demi baris "
    "dan tidak menyetujui PR orang lain yang mengubahnya."
)


def refusal(reason: str) -> str:
    """The comment that says the run's artifact was refused, and why."""
    return "\n".join([MARKER, "## Hasil pemeriksaan otomatis", "",
                      f"❌ Laporan pemeriksaan run ini ditolak: {_text(reason)}.", "",
                      "Komentar ini tidak memuat hasil pemeriksaan. Lihat status pemeriksaan PR dan log run.", ""])  # fmt: skip


def comment(validate: dict | None, checkpr: dict | None, diff: dict | None, *, changes_github: bool = False) -> str:
    """The one PR comment (Markdown), updated on every push; starts with :data:`MARKER`.

    Without a ``diff`` report the changes come from check-pr's own change model (``perubahan``),
    labelled with the base's schemas."""
    if diff is None and isinstance((checkpr or {}).get("perubahan"), dict):
        diff = checkpr["perubahan"]
    changed = changed_files(diff, checkpr)
    head = [MARKER] + ([WORKFLOW_WARNING, ""] if changes_github else []) + _check_section(validate, checkpr, changed)
    used = sum(len(x) + 1 for x in head)
    tail = ["---", "_Komentar ini ditulis ulang otomatis setiap ada commit baru. Hasil resmi: status pemeriksaan PR._"]
    body = _diff_section(diff, MAX_COMMENT - used - 400)
    text = "\n".join(head + body + tail) + "\n"
    return text[:MAX_COMMENT]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(validate: dict | None, checkpr: dict | None, changed: set[str]) -> list[str]:
    """``::error file=…,line=…,title=…::message`` lines for findings on the changed record files."""
    out, count = [], {"galat": 0, "peringatan": 0}
    found = _findings(validate) + _findings(checkpr)
    found.sort(key=lambda f: (f["tingkat"] != "galat", str(f.get("berkas")), _int(f.get("baris")) or 0))
    seen = set()
    for f in found:
        path = safe_path(f.get("berkas"))
        line = _int(f.get("baris"))
        key = (path, line, f.get("kode"))
        if path not in changed or key in seen or count[f["tingkat"]] >= MAX_ANNOTATIONS[f["tingkat"]]:
            continue
        seen.add(key)
        count[f["tingkat"]] += 1
        item = " ".join(str(f.get(k)) for k in ("formulir", "nomor", "label") if isinstance(f.get(k), str))
        title = f"[{f['kode']}] {item}".strip()[:200]
        message = f"{str(f.get('pesan'))[:500]} Perbaikan: {str(f.get('saran'))[:500]}"
        props = (
            f"file={_escape_property(path)}" + (f",line={line}" if line else "") + f",title={_escape_property(title)}"
        )
        out.append(f"::{'error' if f['tingkat'] == 'galat' else 'warning'} {props}::{_escape_data(message)}")
    return out
