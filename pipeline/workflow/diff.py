"""Two git revisions → a semantic diff of the catalog, labelled with the forms' numbers and names.

Each revision's ``metadata/``, ``schemas/`` and ``roles.yaml`` are read from git objects
(:mod:`pipeline.workflow.revision`) into a temporary folder and loaded with the normal catalog
loader, so a record that does not parse at either revision is reported with the loader's message
instead of stopping the diff. Records are matched by identity (their path); fields are compared
in form order and named by the given schemas (``check-pr``: the base's) or the head revision's.
Lists show the items added and removed; the SOP log (``alur``) is summarised as the events
appended (and flagged if earlier events were rewritten). Code lists (``schemas/kode/``) are
compared row by row on their key, ``roles.yaml`` account by account, and every other file
outside ``metadata/`` is listed. This is the one change model of the tool: ``check-pr`` shows
the same report. Output is deterministic.
"""

from __future__ import annotations

import html
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codes import Finding, SatudataError
from ..contract.roles import ROLES_FILE, Roles
from ..contract.schema import BUNDLED, Field, RecordSchema, Schemas, read_codelists
from ..edit.records import same
from ..layout import KINDS
from ..read.catalog import Catalog, Record, load_catalog
from ..read.git import Revision, resolve
from ..read.loader import LoadError, load
from ..sop.state import riwayat
from .revision import Entry, Repo

KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
TITLE_KEY = {"opd": "nama", "kegiatan": "judul_kegiatan", "variabel": "nama", "indikator": "nama"}
CELL_LIMIT = 1000  # characters per table cell in Markdown (a PR comment holds 65,536)


class _Missing:
    def __repr__(self) -> str:  # pragma: no cover
        return "MISSING"


MISSING: Any = _Missing()


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
class CodeListDiff:
    """One code list (a resource of schemas/kode/datapackage.json): rows by key."""

    name: str
    title: str
    path: str
    added: list[str] = field(default_factory=list)  # "key — label"
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    status: str = "berubah"  # baru | dihapus | berubah | tidak-terbaca

    def to_dict(self) -> dict:
        return {
            "nama": self.name,
            "judul": self.title,
            "berkas": self.path,
            "status": self.status,
            "ditambah": self.added,
            "dihapus": self.removed,
            "diubah": self.changed,
        }


@dataclass
class AccountDiff:
    """One account of roles.yaml added, removed or given other roles, OPDs or e-mails."""

    login: str
    status: str  # baru | dihapus | berubah
    before: str
    after: str

    def to_dict(self) -> dict:
        return {"akun": self.login, "status": self.status, "sebelum": self.before, "sesudah": self.after}


@dataclass
class Report:
    base: Revision
    head: Revision
    records: list[RecordDiff] = field(default_factory=list)
    other: list[tuple[str, str]] = field(default_factory=list)  # (path, ditambah|dihapus|diubah) in metadata/
    codelists: list[CodeListDiff] = field(default_factory=list)
    roles: list[AccountDiff] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)  # other files outside metadata/: (path, status)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.records)

    @property
    def empty(self) -> bool:
        return not (self.records or self.other or self.codelists or self.roles or self.rules)

    def to_dict(self) -> dict:
        return {
            "base": {"revisi": self.base.name, "commit": self.base.commit},
            "head": {"revisi": self.head.name, "commit": self.head.commit},
            "ringkasan": {s.replace("-", "_"): self.count(s) for s in ("baru", "dihapus", "berubah", "tidak-terbaca")},
            "rekaman": [r.to_dict() for r in self.records],
            "berkas_lain": [{"berkas": p, "status": s} for p, s in self.other],
            "daftar_kode": [c.to_dict() for c in self.codelists],
            "peran": [a.to_dict() for a in self.roles],
            "berkas_aturan": [{"berkas": p, "status": s} for p, s in self.rules],
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


@dataclass
class Side:
    """One revision of the catalog, materialised from git objects into ``root``."""

    root: Path
    entries: dict[str, Entry]  # catalog path → tree entry (regular files written, others listed)
    catalog: Catalog

    @classmethod
    def load(cls, repo: Repo, commit: str, dest: Path) -> Side:
        dest.mkdir(parents=True, exist_ok=True)
        entries = repo.materialize(commit, dest, "metadata", "schemas", ROLES_FILE)
        return cls(dest, entries, load_catalog(dest))

    def blob(self, path: str) -> str | None:
        entry = self.entries.get(path)
        return entry.sha if entry is not None else None


def diff(repo: Path, base: str, head: str, schemas: Schemas | None = None) -> Report:
    """Compare two revisions of the git repository holding the catalog at ``repo``.

    ``schemas`` names the fields; by default the head revision's own (else the tool's)."""
    r = Repo.of(repo)
    base_rev, head_rev = resolve(r.top, base), resolve(r.top, head)
    with tempfile.TemporaryDirectory(prefix="satudata-diff-") as tmp:
        before = Side.load(r, base_rev.commit, Path(tmp) / "base")
        after = Side.load(r, head_rev.commit, Path(tmp) / "head")
        return compare(r, before, after, base_rev, head_rev, schemas)


def compare(repo: Repo, before: Side, after: Side, base: Revision, head: Revision, schemas: Schemas | None) -> Report:
    """The report between two materialised revisions."""
    if schemas is None:
        try:
            schemas = Schemas.find(after.root)
        except (OSError, ValueError, KeyError, SatudataError):  # the head's rules are broken: label with ours
            schemas = Schemas(BUNDLED)
    report = Report(base, head)
    problems = {"base": _problems(before.catalog), "head": _problems(after.catalog)}
    record_paths = set()
    for key in sorted(set(before.catalog.records) | set(after.catalog.records)):
        old, new = before.catalog.records.get(key), after.catalog.records.get(key)
        record = new or old
        record_paths.add(record.path)
        if old is not None and new is not None and before.blob(old.path) == after.blob(new.path):
            continue
        entry = _record_diff(schemas, old, new)
        for label, rev, rec in (("BASE", "base", old), ("HEAD", "head", new)):
            if rec is not None:
                entry.problems += [
                    (f"{label} ({getattr(report, rev).name})", f) for f in problems[rev].get(rec.path, [])
                ]
        if entry.status != "berubah" or entry.changes or entry.events or entry.rewritten:
            report.records.append(entry)
    for path in sorted(set(before.entries) | set(after.entries)):
        if path.startswith("metadata/") and path not in record_paths:
            status = _status(before.entries.get(path), after.entries.get(path))
            if status:
                report.other.append((path, status))
    report.records.sort(key=RecordDiff.sort_key)
    report.codelists = _codelists(before, after)
    report.roles = _roles(before.root, after.root)
    covered = {ROLES_FILE} | {c.path for c in report.codelists} | {"schemas/kode/datapackage.json"}
    for change in repo.changes(base.commit, head.commit):
        path = change.path[len(repo.prefix) :] if change.path.startswith(repo.prefix) else change.path
        if change.path.startswith(repo.prefix) and path.startswith("metadata/") or path in covered:
            continue
        report.rules.append((path, {"A": "ditambah", "D": "dihapus"}.get(change.status, "diubah")))
    return report


def _status(old: Entry | None, new: Entry | None) -> str | None:
    if old is None:
        return "ditambah"
    if new is None:
        return "dihapus"
    return "diubah" if (old.sha, old.mode) != (new.sha, new.mode) else None


def _codelists(before: Side, after: Side) -> list[CodeListDiff]:
    """Rows added, removed or changed in each code list, matched on the list's key."""

    out = []
    old, new = _read_lists(before.root), _read_lists(after.root)
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a is not None and b is not None and a.rows == b.rows:
            continue
        cl = b or a
        entry = CodeListDiff(
            name, cl.title, cl.path, status="baru" if a is None else "dihapus" if b is None else "berubah"
        )
        before_rows = a.lookup() if a is not None else {}
        after_rows = b.lookup() if b is not None else {}
        for key in sorted(set(before_rows) | set(after_rows)):
            x, y = before_rows.get(key), after_rows.get(key)
            if x == y:
                continue
            if x is None:
                entry.added.append(_row_text(key, y))
            elif y is None:
                entry.removed.append(_row_text(key, x))
            else:
                cells = [f"{k}: {_text(x.get(k))} → {_text(y.get(k))}" for k in y if x.get(k) != y.get(k)]
                entry.changed.append(f"{key} ({'; '.join(cells)})")
        out.append(entry)
    return out


def _read_lists(root: Path) -> dict:
    if not (root / "schemas" / "kode" / "datapackage.json").is_file():
        return {}
    try:
        return read_codelists(root / "schemas")
    except (OSError, ValueError, KeyError, TypeError, SatudataError):
        return {}


def _row_text(key: str, row: dict) -> str:
    label = next((row[k] for k in ("nama", "judul", "label") if row.get(k)), None)
    return f"{key} — {label}" if label else key


def _roles(before: Path, after: Path) -> list[AccountDiff]:
    old, new = _read_roles(before), _read_roles(after)
    if old is None and new is None:
        return []
    old, new = old or Roles(), new or Roles()
    out = []
    for key in sorted(set(old.akun) | set(new.akun)):
        a, b = old.akun.get(key), new.akun.get(key)
        text = {k: _account_text(v) for k, v in (("a", a), ("b", b))}
        if text["a"] == text["b"]:
            continue
        status = "baru" if a is None else "dihapus" if b is None else "berubah"
        out.append(AccountDiff((b or a).login, status, text["a"], text["b"]))
    if old.tim_walidata != new.tim_walidata:
        out.append(AccountDiff("tim_walidata", "berubah", ", ".join(old.tim_walidata), ", ".join(new.tim_walidata)))
    return out


def _read_roles(root: Path) -> Roles | None:
    path = root / ROLES_FILE
    if not path.is_file():
        return None
    try:
        return Roles.from_data(load(path).data)
    except LoadError:
        return Roles()


def _account_text(account) -> str:
    if account is None:
        return ""
    parts = [f"peran: {', '.join(account.peran) or '-'}"]
    if account.opd:
        parts.append(f"OPD: {', '.join(account.opd)}")
    if account.email:
        parts.append(f"e-mail: {', '.join(account.email)}")
    return "; ".join(parts)


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


LIST_LIMIT = 50  # rows shown per code list and kind of change


def to_markdown(report: Report) -> str:
    lines = [f"## Perubahan metadata `{report.base.short}` → `{report.head.short}`", ""]
    if report.empty:
        lines.append("Tidak ada perubahan metadata.")
        return "\n".join(lines) + "\n"
    if not report.records and not report.other:
        lines += ["Tidak ada rekaman metadata yang berubah.", ""]
        lines += _rules_markdown(report)
        return "\n".join(lines).rstrip("\n") + "\n"
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
    lines += _rules_markdown(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _shown(items: list[str], word: str) -> list[str]:
    out = [f"  - {word}: {md(x)}" for x in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        out.append(f"  - {word}: … dan {len(items) - LIST_LIMIT} baris lainnya")
    return out


def _rules_markdown(report: Report) -> list[str]:
    """Code lists, roles and the other files outside metadata/ (the rules records are judged by)."""
    lines: list[str] = []
    if report.codelists:
        lines += ["### Daftar kode (schemas/kode/)", ""]
        for c in report.codelists:
            counts = f"{len(c.added)} ditambah, {len(c.removed)} dihapus, {len(c.changed)} diubah"
            lines.append(f"- **{md(c.title)}** (`{md(c.path)}`, {STATUS_WORDS.get(c.status, c.status)}): {counts}")
            lines += _shown(c.added, "ditambah") + _shown(c.removed, "dihapus") + _shown(c.changed, "diubah")
        lines.append("")
    if report.roles:
        lines += ["### Peran akun (roles.yaml)", "", "| Akun | Sebelum | Sesudah |", "| --- | --- | --- |"]
        lines += [f"| {md(a.login)} | {md(a.before) or '—'} | {md(a.after) or '—'} |" for a in report.roles]
        lines.append("")
    if report.rules:
        lines += ["### Berkas aturan dan konfigurasi lain", ""]
        lines += [f"- {md(path)} ({status})" for path, status in report.rules]
        lines.append("")
    return lines
