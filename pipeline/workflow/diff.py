"""Two git revisions → a semantic diff of the metadata, labelled with the forms' numbers and names.

Each revision's ``metadata/`` and ``schemas/`` are read from git (``git ls-tree`` and
``git cat-file --batch``, the bytes ``git show REV:path`` prints) into a temporary folder and
loaded with the normal catalog loader, so a record that does not parse at either revision is
reported with the loader's message instead of stopping the diff. Records are matched by
identity (their path); fields are compared in form order and named by the head revision's
schema. Lists show the items added and removed; the SOP log (``alur``) is summarised as the
events appended (and flagged if earlier events were rewritten). Output is deterministic.
"""

from __future__ import annotations

import html
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codes import Finding
from ..contract.schema import BUNDLED, Field, RecordSchema, Schemas
from ..edit.records import same
from ..layout import KINDS
from ..read.catalog import Catalog, Record, load_catalog
from ..read.git import Revision, git, resolve
from ..read.loader import MAX_BYTES
from ..sop.state import riwayat

KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
TITLE_KEY = {"opd": "nama", "kegiatan": "judul_kegiatan", "variabel": "nama", "indikator": "nama"}
CELL_LIMIT = 1000  # characters per table cell in Markdown (a PR comment holds 65,536)


class _Missing:
    def __repr__(self) -> str:  # pragma: no cover
        return "MISSING"


MISSING: Any = _Missing()


def _materialize(top: Path, rev: Revision, prefix: str, dest: Path) -> dict[str, str]:
    """Write the revision's metadata/ and schemas/ under ``dest``; return catalog path → blob id."""
    listing = git(top, "ls-tree", "-r", "-l", "-z", rev.commit, "--", f"{prefix}metadata", f"{prefix}schemas")
    blobs: dict[str, str] = {}
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha, size = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob" or mode not in ("100644", "100755") or not path.startswith(prefix):
            continue  # symlinks and submodules are not records
        rel = path[len(prefix) :]
        if ".." in Path(rel).parts:
            continue
        blobs[rel] = sha
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if int(size) > MAX_BYTES:
            with open(target, "wb") as fh:  # the loader reports the size; no need to read the blob
                fh.truncate(int(size))
        else:
            wanted.append((rel, sha))
    if wanted:
        out = git(top, "cat-file", "--batch", data="".join(f"{sha}\n" for _, sha in wanted).encode())
        pos = 0
        for rel, _sha in wanted:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split()[2])
            start = header_end + 1
            (dest / rel).write_bytes(out[start : start + size])
            pos = start + size + 1
    return blobs


@dataclass
class Change:
    """One changed field: old → new, or the items added to and removed from a list."""

    path: tuple
    nomor: str | None
    label: str
    old: Any = MISSING
    new: Any = MISSING
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    is_list: bool = False
    item: str | None = None  # a changed item of a list of objects: its name

    @property
    def heading(self) -> str:
        return f"{self.nomor} {self.label}" if self.nomor else self.label

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"jalur": ".".join(map(str, self.path)), "nomor": self.nomor, "label": self.label}
        if self.item is not None:
            out["butir"] = self.item
        if self.is_list:
            out |= {"ditambah": self.added, "dihapus": self.removed}
        else:
            if self.old is not MISSING:
                out["sebelum"] = self.old
            if self.new is not MISSING:
                out["sesudah"] = self.new
        return out


@dataclass
class RecordDiff:
    kind: str
    ident: str
    path: str
    form: str
    status: str  # baru | dihapus | berubah | tidak-terbaca
    title: str
    changes: list[Change] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)  # SOP events appended
    rewritten: bool = False  # earlier SOP events were changed or removed
    problems: list[tuple[str, Finding]] = field(default_factory=list)  # (revision label, finding)

    @property
    def activity(self) -> str:
        parts = self.ident.split("/")
        return "/".join(parts[:2]) if len(parts) >= 2 else ""

    def sort_key(self):
        return (self.ident.split("/")[0], self.activity, KIND_ORDER[self.kind], self.ident)

    def to_dict(self) -> dict:
        return {
            "jenis": self.kind,
            "formulir": self.form,
            "id": self.ident,
            "berkas": self.path,
            "status": self.status,
            "judul": self.title,
            "perubahan": [c.to_dict() for c in self.changes],
            "alur_baru": self.events,
            "alur_ditulis_ulang": self.rewritten,
            "masalah": [{"revisi": rev} | f.to_dict() for rev, f in self.problems],
        }


@dataclass
class Report:
    base: Revision
    head: Revision
    records: list[RecordDiff] = field(default_factory=list)
    other: list[tuple[str, str]] = field(default_factory=list)  # (path, ditambah|dihapus|diubah)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.records)

    def to_dict(self) -> dict:
        return {
            "base": {"revisi": self.base.name, "commit": self.base.commit},
            "head": {"revisi": self.head.name, "commit": self.head.commit},
            "ringkasan": {s.replace("-", "_"): self.count(s) for s in ("baru", "dihapus", "berubah", "tidak-terbaca")},
            "rekaman": [r.to_dict() for r in self.records],
            "berkas_lain": [{"berkas": p, "status": s} for p, s in self.other],
        }


# --- comparing values -----------------------------------------------------------------------


def _title(record: Record | None) -> str | None:
    if record is None:
        return None
    value = record.data.get(TITLE_KEY[record.kind])
    return value if isinstance(value, str) and value.strip() else None


def _field(rs: RecordSchema, path: tuple) -> Field | None:
    sub = rs.subschema(path)
    return Field(path, sub) if sub is not None else None


def _label(rs: RecordSchema, path: tuple) -> tuple[str | None, str]:
    fld = _field(rs, path)
    if fld is not None and "title" in fld.schema:
        return fld.nomor, fld.label
    return None, ".".join(map(str, path))


def _item_text(item: Any, rs: RecordSchema, path: tuple) -> str:
    """One item of a list of objects, as 'Label: value; …' in form order."""
    if not isinstance(item, dict):
        return _text(item)
    props = list(((rs.subschema(path + (0,)) or {}).get("properties") or {}).keys())
    keys = [k for k in props if k in item] + sorted((k for k in item if k not in props), key=str)
    parts = []
    for key in keys:
        fld = _field(rs, path + (0, key))
        label = fld.label if fld is not None and "title" in fld.schema else str(key)
        parts.append(f"{label}: {_text(item[key])}")
    return "; ".join(parts)


def _text(value: Any) -> str:
    if value is MISSING:
        return ""
    if value is None:
        return "(kosong)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _multiset_minus(a: list, b: list) -> list:
    rest = list(b)
    out = []
    for x in a:
        for i, y in enumerate(rest):
            if same(x, y):
                del rest[i]
                break
        else:
            out.append(x)
    return out


def _list_change(rs: RecordSchema, path: tuple, old: Any, new: Any) -> list[Change]:
    nomor, label = _label(rs, path)
    old_list = old if isinstance(old, list) else ([] if old is MISSING else [old])
    new_list = new if isinstance(new, list) else ([] if new is MISSING else [new])
    removed = _multiset_minus(old_list, new_list)
    added = _multiset_minus(new_list, old_list)
    objects = all(isinstance(x, dict) for x in old_list + new_list) and (old_list or new_list)
    if not objects:
        change = Change(path, nomor, label, old, new, [_text(x) for x in added], [_text(x) for x in removed], True)
        if not added and not removed:  # same items, other order
            change.added, change.removed = [], []
            change.is_list = False
            change.old, change.new = _text(old), _text(new)
        return [change]
    # lists of objects: pair a removed and an added item that share their first field's value
    props = list(((rs.subschema(path + (0,)) or {}).get("properties") or {}).keys())
    key = props[0] if props else None
    out: list[Change] = []

    def name(item: dict) -> Any:
        return item.get(key, MISSING) if key else MISSING

    pairs = []
    for r in list(removed):
        matches = [a for a in added if key and not same(name(a), MISSING) and same(name(a), name(r))]
        same_name = [x for x in removed if same(name(x), name(r))]
        if len(matches) == 1 and len(same_name) == 1:
            pairs.append((r, matches[0]))
            removed.remove(r)
            added.remove(matches[0])
    for before, after in pairs:
        index = next(i for i, x in enumerate(new_list) if x is after)
        for sub in _compare(before, after, (rs.subschema(path + (0,)) or {}), path + (index,), rs, top=False):
            sub.item = _text(name(before))
            sub.nomor, sub.label = nomor, f"{label} — {sub.label}"
            out.append(sub)
    if added or removed:
        out.append(
            Change(
                path,
                nomor,
                label,
                added=[_item_text(x, rs, path) for x in added],
                removed=[_item_text(x, rs, path) for x in removed],
                is_list=True,
            )
        )
    if not out:  # same items, other order
        out.append(Change(path, nomor, label, "urutan lama", "urutan baru"))
    return out


def _compare(old: Any, new: Any, node: dict, prefix: tuple, rs: RecordSchema, top: bool = True) -> list[Change]:
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    props = node.get("properties") or {}
    keys = [k for k in props if k in old or k in new]
    keys += sorted((k for k in set(old) | set(new) if k not in props), key=str)
    out: list[Change] = []
    for key in keys:
        if top and (props.get(key) or {}).get("x-alur"):
            continue
        a, b = old.get(key, MISSING), new.get(key, MISSING)
        if same(a, b):
            continue
        path = prefix + (key,)
        sub = props.get(key) or {}
        both_objects = all(isinstance(v, dict) or v is MISSING for v in (a, b))
        if sub.get("type") == "object" and both_objects:
            out.extend(_compare(a, b, sub, path, rs, top=False))
        elif sub.get("type") == "array" or isinstance(a, list) or isinstance(b, list):
            out.extend(_list_change(rs, path, a, b))
        else:
            nomor, label = _label(rs, path)
            out.append(Change(path, nomor, label, a, b))
    return out


def _events(old: dict, new: dict) -> tuple[list[dict], bool]:
    before, after = riwayat(old), riwayat(new)
    if len(after) >= len(before) and all(same(x, y) for x, y in zip(before, after, strict=False)):
        return list(after[len(before) :]), False
    common = 0
    while common < min(len(before), len(after)) and same(before[common], after[common]):
        common += 1
    return list(after[common:]), True


# --- the report ----------------------------------------------------------------------------


def _load(top: Path, rev: Revision, prefix: str, tmp: Path) -> tuple[Catalog, dict[str, str], Path]:
    dest = tmp / rev.commit
    dest.mkdir(parents=True, exist_ok=True)
    blobs = _materialize(top, rev, prefix, dest)
    return load_catalog(dest), blobs, dest


def diff(repo: Path, base: str, head: str) -> Report:
    """Compare the metadata of two revisions of the git repository holding ``repo``."""
    repo = Path(repo).resolve()
    top = Path(git(repo, "rev-parse", "--show-toplevel").decode().strip())
    prefix = git(repo, "rev-parse", "--show-prefix").decode().strip()
    base_rev, head_rev = resolve(repo, base), resolve(repo, head)
    report = Report(base_rev, head_rev)
    with tempfile.TemporaryDirectory(prefix="satudata-diff-") as tmp:
        before, before_blobs, _ = _load(top, base_rev, prefix, Path(tmp) / "base")
        after, after_blobs, head_dir = _load(top, head_rev, prefix, Path(tmp) / "head")
        try:
            schemas = Schemas.find(head_dir)
        except (OSError, ValueError, KeyError):  # the head's own schemas are broken: label with ours
            schemas = Schemas(BUNDLED)
        problems = {"base": _problems(before), "head": _problems(after)}
        record_paths = set()
        for key in sorted(set(before.records) | set(after.records)):
            old, new = before.records.get(key), after.records.get(key)
            record = new or old
            record_paths.add(record.path)
            if old is not None and new is not None and before_blobs.get(old.path) == after_blobs.get(new.path):
                continue
            entry = _record_diff(schemas, old, new)
            for label, rev, rec in (("BASE", "base", old), ("HEAD", "head", new)):
                if rec is not None:
                    entry.problems += [
                        (f"{label} ({getattr(report, rev).name})", f) for f in problems[rev].get(rec.path, [])
                    ]
            if entry.status != "berubah" or entry.changes or entry.events or entry.rewritten:
                report.records.append(entry)
        for path in sorted(set(before_blobs) | set(after_blobs)):
            if not path.startswith("metadata/") or path in record_paths:
                continue
            if path not in before_blobs:
                report.other.append((path, "ditambah"))
            elif path not in after_blobs:
                report.other.append((path, "dihapus"))
            elif before_blobs[path] != after_blobs[path]:
                report.other.append((path, "diubah"))
    report.records.sort(key=RecordDiff.sort_key)
    return report


def _problems(catalog: Catalog) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in catalog.findings:
        out.setdefault(f.berkas, []).append(f)
    return out


def _record_diff(schemas: Schemas, old: Record | None, new: Record | None) -> RecordDiff:
    record = new or old
    rs = schemas[record.kind]
    title = _title(new) or _title(old) or record.ident
    unreadable = any(r is not None and r.doc is None for r in (old, new))
    status = "tidak-terbaca" if unreadable else "baru" if old is None else "dihapus" if new is None else "berubah"
    entry = RecordDiff(record.kind, record.ident, record.path, rs.form, status, title)
    if status in ("baru", "berubah"):
        entry.changes = _compare(old.data if old else {}, new.data, rs.schema, (), rs)
        if record.kind == "kegiatan":
            entry.events, entry.rewritten = _events(old.data if old else {}, new.data)
    return entry


# --- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """Metadata text made inert in a Markdown table cell (no markup, no HTML, no @mentions)."""
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("@", "@\u200b")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


STATUS_WORDS = {"baru": "baru", "dihapus": "dihapus", "berubah": "berubah", "tidak-terbaca": "tidak dapat dibaca"}


def _cells(change: Change) -> tuple[str, str]:
    if change.is_list:
        return (
            "<br>".join("− " + md(x) for x in change.removed),
            "<br>".join("+ " + md(x) for x in change.added),
        )
    return md(_text(change.old)), md(_text(change.new))


def to_markdown(report: Report) -> str:
    lines = [f"## Perubahan metadata `{report.base.short}` → `{report.head.short}`", ""]
    if not report.records and not report.other:
        lines.append("Tidak ada perubahan metadata.")
        return "\n".join(lines) + "\n"
    counts = [f"{report.count(s)} {STATUS_WORDS[s]}" for s in ("baru", "berubah", "dihapus") if report.count(s)]
    if report.count("tidak-terbaca"):
        counts.append(f"**{report.count('tidak-terbaca')} berkas tidak dapat dibaca**")
    lines += ["Rekaman: " + ", ".join(counts) + "." if counts else "Tidak ada rekaman yang berubah.", ""]
    group = None
    for entry in report.records:
        key = entry.activity or entry.ident
        if key != group:
            group = key
            if entry.kind == "opd":
                heading = f"OPD {entry.ident} — {entry.title}"
            else:
                keg = next((r for r in report.records if r.kind == "kegiatan" and r.ident == entry.activity), None)
                heading = f"{entry.activity}" + (f" — {keg.title}" if keg else "")
            lines += [f"### {md(heading)}", ""]
        what = entry.form if entry.kind in ("kegiatan", "opd") else f"{entry.form} {md(entry.title)}"
        lines += [f"#### {what} · {STATUS_WORDS[entry.status]} · `{entry.path}`", ""]
        for rev, f in entry.problems:
            where = f" baris {f.baris}" if f.baris else ""
            lines.append(f"> **Tidak dapat dibaca di {md(rev)}{where}:** {md(f.pesan)} {md(f.saran)}")
            lines.append("")
        if entry.status == "dihapus":
            lines += ["Rekaman ini dihapus.", ""]
            continue
        if entry.changes:
            lines += ["| No. | Isian | Sebelum | Sesudah |", "| --- | --- | --- | --- |"]
            for change in entry.changes:
                label = md(change.label) + (f" (butir: {md(change.item)})" if change.item else "")
                before, after = _cells(change)
                lines.append(f"| {md(change.nomor or '')} | {label} | {before} | {after} |")
            lines.append("")
        if entry.events or entry.rewritten:
            if entry.rewritten:
                lines.append(
                    "> **Riwayat SOP ditulis ulang:** peristiwa lama diubah atau dihapus (seharusnya hanya ditambah)."
                )
            if entry.events:
                lines.append("Riwayat SOP — peristiwa baru:")
                for e in entry.events:
                    if not isinstance(e, dict):
                        lines.append(f"- {md(_text(e))}")
                        continue
                    head = f"- **Langkah {md(_text(e.get('langkah', '?')))}** · {md(_text(e.get('peran', '?')))}"
                    head += f" · {md(_text(e.get('aktor', '?')))} · {md(_text(e.get('waktu', '?')))}"
                    if e.get("nomor_surat"):
                        head += f" · surat {md(_text(e['nomor_surat']))}"
                    if e.get("catatan"):
                        head += f" — {md(_text(e['catatan']))}"
                    lines.append(head)
            lines.append("")
    if report.other:
        lines += ["### Berkas lain di metadata/", ""]
        lines += [f"- {md(path)} ({status})" for path, status in report.other]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
