""" "Salin dari tahun lalu": an activity's next edition, with its variables and indicators.

The new folder ``<tahun+1>-<slug>`` gets every record of the source activity. The fields that do
not carry over (:func:`pipeline.contract.edition.cleared_paths`: the schedule 3.3 and the release
dates 8.2, the SOP log, the BPS activity code, the recommendation identity) are removed; the year
becomes the new one, also where the title names it. Each file is the source file edited in place
(:mod:`pipeline.edit.records`), so its comments stay. Everything is written to a temporary
folder first and moved into place at once: all files or none.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..codes import Finding, finding
from ..contract.edition import cleared_paths
from ..contract.schema import Schemas
from ..edit.records import WriteError, same, updated_text
from ..layout import ACTIVITY_FILE, CHILD_KINDS, METADATA, activity_of
from ..read.catalog import load_catalog
from ..read.loader import LoadError, decode


@dataclass
class Edition:
    source: str  # opd/tahun-slug
    target: str
    files: dict[str, str] = field(default_factory=dict)  # catalog path → text
    cleared: list[str] = field(default_factory=list)  # form items removed, as 'nomor label'
    findings: list[Finding] = field(default_factory=list)


def operations(old: dict, new: dict, path: tuple = ()) -> list[tuple]:
    """The edit from ``old`` to ``new`` as set/del operations on the deepest changed mapping keys."""
    ops: list[tuple] = [("del", (*path, k)) for k in old if k not in new]
    for key, value in new.items():
        if key not in old:
            ops.append(("set", (*path, key), value))
        elif not same(old[key], value):
            if isinstance(old[key], dict) and isinstance(value, dict):
                ops.extend(operations(old[key], value, (*path, key)))
            else:
                ops.append(("set", (*path, key), value))
    return ops


def _order(rs):
    return lambda path: list(((rs.subschema(path) or {}).get("properties") or {}).keys())


def _without(data: dict, paths) -> dict:
    out = copy.deepcopy(data)
    for path in paths:
        node = out
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return out


def plan_edition(root: Path, source: str, year: int | None = None) -> Edition:
    """What :func:`write_edition` would write for the activity at ``source`` (a path inside it)."""
    root = Path(root)
    rel = Path(source).resolve()
    rel = rel.relative_to(root.resolve()).as_posix() if rel.is_relative_to(root.resolve()) else str(source)
    ident = activity_of(rel + "/" + ACTIVITY_FILE if not rel.endswith(".yaml") else rel)
    schemas = Schemas.find(root)
    catalog = load_catalog(root)
    record = catalog.get("kegiatan", ident) if ident else None
    if record is None or record.doc is None:
        edition = Edition(str(ident or source), "")
        edition.findings.append(
            finding("salin-sumber", rel, f"'{source}' bukan folder kegiatan yang dapat dibaca di katalog ini.")
        )
        return edition
    opd, folder = ident.split("/")
    old_year = int(folder[:4])
    new_year = year or old_year + 1
    target = f"{opd}/{new_year}-{folder[5:]}"
    edition = Edition(ident, target)
    if (root / METADATA / target).exists():
        edition.findings.append(
            finding("salin-tujuan-ada", f"{METADATA}/{target}", f"Folder {METADATA}/{target}/ sudah ada.")
        )
        return edition
    rs = schemas["kegiatan"]
    for path in cleared_paths(rs):
        fld = rs.field(path)
        if fld is not None and _has(record.data, path):
            edition.cleared.append(fld.heading())
    data = _without(record.data, cleared_paths(rs))
    data["tahun"] = new_year
    if isinstance(data.get("judul_kegiatan"), str):
        data["judul_kegiatan"] = re.sub(rf"\b{old_year}\b", str(new_year), data["judul_kegiatan"])
    sources = [(record, data)]
    for kind in CHILD_KINDS:
        for child in sorted(catalog.children(ident, kind), key=lambda r: r.path):
            if child.doc is None:
                edition.findings.append(finding("salin-sumber", child.path, f"{child.path} tidak dapat dibaca."))
                continue
            sources.append((child, _without(child.data, cleared_paths(schemas[kind]))))
    for rec, new in sources:
        text = decode((root / rec.path).read_bytes())
        ops = operations(rec.data, new)
        try:
            out = updated_text(text, ops, new, _order(schemas[rec.kind])) if ops else text
        except (WriteError, LoadError) as exc:
            edition.findings.append(
                finding("sunting-gagal", rec.path, f"{rec.path} tidak dapat disalin dengan aman: {exc}.")
            )
            continue
        edition.files[rec.path.replace(f"{METADATA}/{ident}/", f"{METADATA}/{target}/", 1)] = out
    return edition


def _has(data, path) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def write_edition(root: Path, edition: Edition) -> None:
    """Write every file of ``edition`` or none (raises OSError; nothing is left behind)."""
    root = Path(root)
    final = root / METADATA / edition.target
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    try:
        for path, text in edition.files.items():
            dest = work / Path(path).relative_to(f"{METADATA}/{edition.target}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8", newline="")
        os.rename(work, final)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        raise
