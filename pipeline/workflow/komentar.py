"""The pull request speaks for itself: one comment with the check result and the labelled diff, and
annotations on the changed YAML lines.

The inputs are the JSON reports of ``satudata validate``, ``satudata check-pr`` and ``satudata
diff``, made by the read-only job that reads the pull request. The comment is rendered by the
second, privileged job (``workflow_run``) from those reports as they come out of an artifact, so
they are hostile data here: size-limited, type-checked field by field, every text escaped for
Markdown (no HTML, no @mentions, no links), and file paths accepted only as plain paths inside the
repository. The first job prints the annotations (GitHub workflow commands, escaped).
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from .diff import md

MARKER = "<!-- satudata:komentar-pr -->"
MAX_REPORT = 4 * 1024 * 1024  # bytes of one JSON report
MAX_COMMENT = 60_000  # GitHub refuses comments over 65,536 characters
MAX_FINDINGS = 60
MAX_ANNOTATIONS = {"galat": 10, "peringatan": 10}  # what GitHub shows per step
STATUS_WORDS = {"baru": "baru", "dihapus": "dihapus", "berubah": "berubah", "tidak-terbaca": "tidak dapat dibaca"}
_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")


class ReportError(ValueError):
    """A report that is not what the tool writes (the message is for people)."""


def read_report(path: Path | None) -> dict | None:
    """One JSON report from the artifact, or None if absent; refuses big or malformed files."""
    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    if path.is_symlink() or path.stat().st_size > MAX_REPORT:
        raise ReportError(f"{path.name}: bukan berkas biasa atau lebih dari {MAX_REPORT // 1024 // 1024} MiB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReportError(f"{path.name}: bukan JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path.name}: bukan objek JSON")
    return data


def safe_path(value) -> str | None:
    """A repository-relative posix path, or None (absolute, '..', odd characters: refused)."""
    if not isinstance(value, str) or not value or len(value) > 300 or not _SAFE_PATH.fullmatch(value):
        return None
    parts = PurePosixPath(value).parts
    return value if not value.startswith("/") and ".." not in parts and "." not in parts else None


def _text(value, limit: int = 400) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "; ".join(_text(v, limit) for v in value[:50])
    return md(str(value)[:limit]) if isinstance(value, str) else ""


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
    checks = [("satudata validate", validate, lambda f: safe_path(f.get("berkas")) in changed or not changed),
              ("satudata check-pr", checkpr, lambda f: True)]  # fmt: skip
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
    shown.sort(key=lambda f: (f["tingkat"] != "galat", str(f.get("berkas")), _int(f.get("baris")) or 0))
    if shown:
        lines += ["", "### Temuan", ""]
        lines += [_finding_line(f) for f in shown[:MAX_FINDINGS]]
        if len(shown) > MAX_FINDINGS:
            lines.append(f"- … dan {len(shown) - MAX_FINDINGS} temuan lain (lihat ringkasan run).")
    return lines + [""]


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


def comment(validate: dict | None, checkpr: dict | None, diff: dict | None) -> str:
    """The one PR comment (Markdown), updated on every push; starts with :data:`MARKER`."""
    changed = changed_files(diff, checkpr)
    head = [MARKER] + _check_section(validate, checkpr, changed)
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
