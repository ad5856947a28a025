"""Workbook → records: plan every change, check every planned record, then write all files or none.

For each row the importer compares every cell with what :mod:`pipeline.excel` would write for
the record as it is stored now. A cell that still holds exactly that is left alone, so values
the workbook cannot show, fields it does not know, comments and the SOP log (``alur``) are
never touched. A changed cell is converted to its schema type and checked against its own
field's rules (type, option, pattern, code list); any problem is reported with sheet, row and
column, and then **nothing** is written. Next every record the import would write is checked
whole, as ``satudata validate`` would after writing (required fields, R1–R16, the checks across
records): an error the import would bring stops it, again before any file is written. Only then
are new files created and existing ones updated in place (:mod:`pipeline.edit.records`), all in
one journaled write (:mod:`pipeline.edit.transaction`): killed or out of disk halfway, the
catalog goes back to exactly what it was.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.catalog import check
from ..check.messages import schema_findings
from ..check.records import codelist_findings
from ..codes import GALAT, Finding, finding
from ..contract.schema import Schemas
from ..edit.oserrors import os_finding
from ..edit.records import WriteError, new_text, same, updated_text
from ..edit.transaction import FOLDER, Busy, Lock, recover, write_all
from ..layout import record_path
from ..read.catalog import Catalog, Record, data_at, load_catalog
from ..read.loader import Document, LoadError, decode, parse
from .cells import CellError, Unrepresentable, convert, export_content
from .layout import RECORD_IDS, Column, Layout, Sheet, build_layout
from .reader import CellRef, RecordRows, WorkbookData, cell_finding, read_workbook
from .writer import item_rows

BLOCKING = {"kode-tidak-dikenal", "kode-daftar-tak-dikenal", "kode-klasifikasi"}
NOT_BLOCKING = {"skema-wajib", "skema-isian-tak-dikenal"}  # whole-record rules: judged on the planned record


@dataclass
class Planned:
    kind: str
    ident: str
    path: str
    exists: bool
    data: dict
    ops: list = field(default_factory=list)
    changed: list[tuple] = field(default_factory=list)
    refs: dict[tuple, CellRef] = field(default_factory=dict)
    text: str | None = None


@dataclass
class ImportResult:
    book: str
    counts: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)  # problems in the workbook: nothing written
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)  # path, changed items
    unchanged: int = 0
    checked: list[Finding] = field(default_factory=list)  # check() on the records as written (or as they would be)
    written: bool = False
    blocking: list[Finding] = field(default_factory=list)  # errors the import would bring: nothing written
    environment: bool = False  # the machine failed (disk full, permissions): exit code 3
    restored: list[str] = field(default_factory=list)  # files put back from an interrupted import
    cells: dict[str, dict[tuple, CellRef]] = field(default_factory=dict)  # record path → field path → cell

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)

    def cell(self, finding: Finding) -> CellRef | None:
        """The workbook cell a finding on a (planned or written) record came from, if known: the
        cell of its field, else of the closest field above it, else the first cell of the block
        it names (a missing Blok I points at 1.1)."""
        refs = self.cells.get(finding.berkas)
        if not refs:
            return None
        wanted = _path(finding.lokasi)
        path = wanted
        while path:
            if path in refs:
                return refs[path]
            path = path[:-1]
        inside = next((ref for key, ref in refs.items() if wanted and key[: len(wanted)] == wanted), None)
        return inside or refs.get(())


def _path(lokasi: str | None) -> tuple:
    if not lokasi:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in lokasi.split("."))


def _order(schemas: Schemas, kind: str):
    rs = schemas[kind]

    def order(path: tuple) -> Sequence[str]:
        return list(((rs.subschema(path) or {}).get("properties") or {}).keys())

    return order


def _insert(mapping: dict, key: str, value: Any, order: Sequence[str]) -> None:
    """Set ``mapping[key]``; a new key goes after the last present key before it in form order."""
    if key in mapping or key not in order:
        mapping[key] = value
        return
    rank = order.index(key)
    items = list(mapping.items())
    pos = 0
    for i, (k, _) in enumerate(items):
        if k in order and order.index(k) < rank:
            pos = i + 1
    items.insert(pos, (key, value))
    mapping.clear()
    mapping.update(items)


def _set(plan: Planned, path: tuple, value: Any, order) -> None:
    node = plan.data
    for i, part in enumerate(path[:-1]):
        child = node.get(part)
        if not isinstance(child, dict):
            nested: Any = value
            for key in reversed(path[i + 1 :]):
                nested = {key: nested}
            _insert(node, part, nested, order(path[:i]))
            plan.ops.append(("set", path[: i + 1], copy.deepcopy(nested)))
            return
        node = child
    _insert(node, path[-1], value, order(path[:-1]))
    plan.ops.append(("set", path, copy.deepcopy(value)))


def _delete(plan: Planned, path: tuple, old: dict) -> None:
    parent = data_at(plan.data, path[:-1]) if len(path) > 1 else plan.data
    if not isinstance(parent, dict) or path[-1] not in parent:
        return
    del parent[path[-1]]
    plan.ops.append(("del", path))
    for k in range(len(path) - 1, 0, -1):  # an object emptied by the import goes too
        obj = data_at(plan.data, path[:k])
        if isinstance(obj, dict) and not obj and data_at(old, path[:k]):
            holder = data_at(plan.data, path[: k - 1]) if k > 1 else plan.data
            del holder[path[k - 1]]
            plan.ops.append(("del", path[:k]))
        else:
            break


def _unchanged(value: Any, old: Any) -> bool:
    """A converted cell equal to what is stored (e.g. 2025 typed as text) changes nothing."""
    return (value is None and old in (None, "", [], {})) or (value is not None and same(value, old))


def _nested(item: dict, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        item = item.setdefault(part, {})
    item[path[-1]] = value


class _Planner:
    def __init__(self, layout: Layout, book: WorkbookData, catalog: Catalog):
        self.layout = layout
        self.schemas = layout.schemas
        self.book = book
        self.catalog = catalog
        self.findings: list[Finding] = []

    def error(self, ref: CellRef, exc: CellError, column: Column | None, form: str) -> None:
        self.findings.append(cell_finding(self.book.name, ref, exc.kode, exc.pesan, exc.saran, column, form))

    def parent_missing(self, rows: RecordRows) -> bool:
        kind = rows.kind
        if kind == "opd":
            return False
        parts = rows.ident.split("/")
        parent_kind, parent = ("opd", parts[0]) if kind == "kegiatan" else ("kegiatan", "/".join(parts[:2]))
        if self.book.record(parent_kind, parent) is not None or self.catalog.get(parent_kind, parent) is not None:
            return False
        sheet = self.layout.main(parent_kind).name
        key = "opd" if parent_kind == "opd" else "kegiatan"
        self.findings.append(
            cell_finding(
                self.book.name,
                rows.main.ref(key),
                "excel-induk-tidak-ada",
                f"{'OPD' if parent_kind == 'opd' else 'Kegiatan'} '{parent}' belum ada di katalog maupun di lembar {sheet}.",
                f"Tambahkan barisnya di lembar {sheet}, atau perbaiki kolom identitas baris ini.",
                None,
                rows.main.sheet.form,
            )
        )
        return True

    def plan(self, rows: RecordRows) -> Planned | None:
        kind, ident = rows.kind, rows.ident
        form = rows.main.sheet.form
        record = self.catalog.get(kind, ident)
        if record is not None and (record.doc is None or not isinstance(record.doc.data, dict)):
            self.findings.append(
                cell_finding(
                    self.book.name,
                    rows.main.ref(RECORD_IDS[kind][-1]),
                    "excel-yaml-rusak",
                    f"Berkas {record.path} yang akan diperbarui tidak dapat dibaca.",
                    "Perbaiki berkas YAML itu dulu (satudata validate), lalu impor ulang.",
                    None,
                    form,
                )
            )
            return None
        if self.parent_missing(rows):
            return None
        old = record.data if record is not None else {}
        rel = record.path if record else record_path(kind, ident)
        plan = Planned(kind, ident, rel, record is not None, copy.deepcopy(old))
        order = _order(self.schemas, kind)
        for path, target in self.layout.leaves(kind):
            if isinstance(target, Column):
                value, changed = self.cell(rows, target, path, old, plan)
            else:
                value, changed = self.items(rows, target, path, old, plan)
            if not changed:
                continue
            plan.changed.append(path)
            if value is None:
                _delete(plan, path, old)
            else:
                _set(plan, path, value, order)
        self.validate(plan, form)
        return plan

    def cell(self, rows: RecordRows, column: Column, path: tuple, old: dict, plan: Planned):
        main = rows.main
        if column.key not in self.book.columns.get(main.sheet.name, ()):
            return None, False
        content = main.content(column.key)
        plan.refs[path] = main.ref(column.key)
        try:
            before = export_content(column, data_at(old, path))
        except Unrepresentable:
            before = None
        if same(content, before):
            return None, False
        try:
            value = convert(column, content)
        except CellError as exc:
            self.error(main.ref(column.key), exc, column, main.sheet.form)
            return None, False
        return value, not _unchanged(value, data_at(old, path))

    def items(self, rows: RecordRows, sheet: Sheet, path: tuple, old: dict, plan: Planned):
        if sheet.name not in self.book.sheets:
            return None, False
        mine = rows.items.get(sheet.name, [])
        if sheet.phases:
            mine = [r for r in mine if r.content("fase") == path[-1]]
        columns = sheet.data_columns
        first = rows.main.ref(RECORD_IDS[rows.kind][-1])
        plan.refs[path] = mine[0].ref(columns[0].key) if mine else first
        for i, row in enumerate(mine):
            plan.refs[path + (i,)] = row.ref(columns[0].key)
            for column in columns:
                plan.refs[path + (i,) + column.path] = row.ref(column.key)
        new_rows = [[row.content(c.key) for c in columns] for row in mine]
        try:
            old_rows = item_rows(sheet, data_at(old, path))
        except Unrepresentable:
            old_rows = []
        if same(new_rows, old_rows):
            return None, False
        items = []
        ok = True
        for row in mine:
            item: dict = {}
            for column in columns:
                try:
                    value = convert(column, row.content(column.key))
                except CellError as exc:
                    self.error(row.ref(column.key), exc, column, sheet.form)
                    ok = False
                    continue
                if value is not None:
                    _nested(item, column.path, value)
            items.append(item)
        if not ok:
            return None, False
        return items or None, not _unchanged(items or None, data_at(old, path))

    def validate(self, plan: Planned, form: str) -> None:
        """A changed cell must satisfy its own field's rules; whole-record rules wait for check()."""
        if not plan.changed:
            return
        rs = self.schemas[plan.kind]
        record = Record(plan.kind, plan.ident, plan.path, Document(plan.data, {}))
        found = schema_findings(record, rs) + codelist_findings(record, rs, self.schemas)
        seen = set()
        for f in found:
            if not f.is_error or f.kode in NOT_BLOCKING:
                continue
            if not (f.kode.startswith("skema-") or f.kode in BLOCKING):
                continue
            path = _path(f.lokasi)
            if not any(path[: len(c)] == c for c in plan.changed):
                continue
            ref = None
            probe = path
            while probe and ref is None:
                ref = plan.refs.get(probe)
                probe = probe[:-1]
            if ref is None or (ref, f.kode) in seen:
                continue
            seen.add((ref, f.kode))
            self.findings.append(
                Finding(
                    kode=f.kode,
                    tingkat=GALAT,
                    berkas=f"{self.book.name} › {ref.sheet}",
                    baris=ref.row,
                    lokasi=ref.ref,
                    nomor=f.nomor,
                    label=f.label,
                    formulir=form,
                    pesan=f"Lembar {ref.sheet}, baris {ref.row}, kolom {ref.letter}: {f.pesan}",
                    saran=f.saran,
                )
            )


def import_workbook(xlsx: Path, root: Path) -> ImportResult:
    """Read ``xlsx`` and create/update records under ``root/metadata``, all of them or none; see
    the module docstring. An import interrupted earlier is rolled back first."""
    root = Path(root)
    result = ImportResult(Path(xlsx).name)
    if not root.is_dir():  # a new catalog: nothing to recover, locked once created
        _guarded(result, lambda: _import(Path(xlsx), root, result, new=True))
    else:
        _guarded(result, lambda: _import(Path(xlsx), root, result), root)
    return result


def recover_catalog(root: Path) -> ImportResult:
    """``satudata import --pulihkan``: roll back an import that was interrupted while writing."""
    result = ImportResult("")
    _guarded(result, lambda: None, Path(root))
    return result


def _guarded(result: ImportResult, action, root: Path | None = None) -> None:
    """Run ``action`` (with the catalog locked and an interrupted import rolled back first, when
    ``root`` is given); another writer and errors of the machine become findings."""
    try:
        if root is None:
            action()
            return
        with Lock(root):
            _recovered(root, result)
            action()
    except Busy:
        result.findings.append(
            finding(
                "impor-sibuk", FOLDER, "Impor lain sedang menulis katalog ini.", "Tunggu sampai selesai, lalu ulangi."
            )
        )
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else None
        if where is not None and root is not None and where.is_relative_to(root):
            where = where.relative_to(root)
        result.findings.append(os_finding(exc, where.as_posix() if where else "katalog"))
        result.environment = True


def _recovered(root: Path, result: ImportResult) -> None:
    for rel in recover(root):
        result.restored.append(rel)
    if result.restored:
        result.findings.append(
            finding(
                "impor-dipulihkan",
                FOLDER,
                "Impor sebelumnya terhenti saat menulis; berkas berikut dikembalikan seperti sebelum impor itu: "
                + ", ".join(result.restored)
                + ".",
            )
        )


def _import(xlsx: Path, root: Path, result: ImportResult, new: bool = False) -> None:
    schemas = Schemas.find(root)
    layout = build_layout(schemas)
    book = read_workbook(xlsx, layout)
    result.book = book.name
    result.findings.extend(book.findings)
    result.counts = Counter(r.kind for r in book.records)
    catalog = load_catalog(root) if (root / "metadata").is_dir() else Catalog(root)
    planner = _Planner(layout, book, catalog)
    plans = [p for p in (planner.plan(rows) for rows in book.records) if p is not None]
    result.findings.extend(planner.findings)
    if not result.ok:
        result.findings.sort(key=Finding.sort_key)
        return
    files = _texts(plans, root, schemas, result)
    if not result.ok:
        return
    if not files:
        result.written = True  # nothing to change: the import succeeded without touching a file
        return
    result.checked, result.blocking = _planned_findings(catalog, plans, schemas)
    if result.blocking:
        return  # the records as they would be written have new errors: nothing is written
    if new:
        root.mkdir(parents=True, exist_ok=True)
        with Lock(root):
            write_all(root, files)
    else:
        write_all(root, files)
    result.written = True
    for plan in plans:
        if plan.text is None:
            continue
        if plan.exists:
            rs = schemas[plan.kind]
            items = []
            for path in plan.changed:
                fld = rs.nearest_field(path)
                items.append(fld.heading() if fld else ".".join(path))
            result.updated.append((plan.path, items))
        else:
            result.created.append(plan.path)


def _texts(plans: list[Planned], root: Path, schemas: Schemas, result: ImportResult) -> list[tuple[str, bytes]]:
    """Every new file's bytes, produced before anything is written: a file that cannot be written
    faithfully stops the whole import."""
    files = []
    for plan in plans:
        result.cells[plan.path] = plan.refs
        if plan.exists and not plan.ops:
            result.unchanged += 1
            continue
        try:
            bom = b""
            if plan.exists:
                raw = (root / plan.path).read_bytes()
                bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
                plan.text = updated_text(decode(raw), plan.ops, plan.data, _order(schemas, plan.kind))
            else:
                plan.text = new_text(plan.data)
        except (WriteError, LoadError, OSError) as exc:
            message = exc.pesan if isinstance(exc, LoadError) else str(exc)
            result.findings.append(
                Finding(
                    kode="excel-tulis",
                    tingkat=GALAT,
                    berkas=plan.path,
                    pesan=f"Berkas tidak dapat ditulis dengan aman: {message.rstrip('.')}.",
                    saran="Tidak ada berkas yang ditulis. Laporkan ke Walidata beserta berkas Excel-nya.",
                )
            )
            continue
        files.append((plan.path, bom + plan.text.encode("utf-8")))
    return files


def _planned_findings(catalog: Catalog, plans: list[Planned], schemas: Schemas) -> tuple[list[Finding], list[Finding]]:
    """(every finding, the new errors) on the files the import would write, as ``satudata validate``
    would report them after writing: whole-record rules and the checks across records included.
    An error the file already had before the import is reported but does not stop it."""
    written = {p.path for p in plans if p.text is not None}
    before = {(f.berkas, f.kode, f.lokasi) for f in check(catalog, schemas) if f.berkas in written}
    after = Catalog(catalog.root, findings=list(catalog.findings))
    for record in catalog.records.values():
        after.add(record)
    for plan in plans:
        if plan.text is not None:
            after.add(Record(plan.kind, plan.ident, plan.path, parse(plan.text)))
    found = [f for f in check(after, schemas) if f.berkas in written]
    return found, [f for f in found if f.is_error and (f.berkas, f.kode, f.lokasi) not in before]
