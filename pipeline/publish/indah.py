"""Catalog model ⇄ Indah v2 (BPS's Indonesia Data Hub): its JSON keys, enums and record envelope.

Each schema field says where it goes in Indah with ``x-indah``; nothing else holds the mapping.
- a dotted key: ``"blok_i.instansi_penyelanggara"`` in Indah's ``data`` object (in
  ``opd.schema.json``, in the record envelope: ``"produsen_data.name"``);
- an object ``{"kunci": …, "pilihan": {option: Indah value}, "jenis": …}`` where the value is
  converted: ``pilihan`` maps an option to Indah's UPPER_SNAKE enum or boolean; ``jenis`` is
  ``boolean-per-pilihan`` (a multiple choice becomes an object of booleans), ``daftar`` (a text
  becomes a one-item list), ``huruf-besar`` (a code-list name in UPPER_SNAKE), ``objek-bernama``
  (texts become ``{"nama": …}`` objects), ``rujukan`` (references to variables/indicators become
  ``{"nama": …}`` objects) or ``kode-wilayah`` (a BPS region code becomes ``province_code`` and
  ``city_code``);
- ``{"kunci": null, "alasan": …}`` when Indah has no such field. An option mapped to ``null`` has no
  Indah value either (the object's ``alasan`` says why). With ``"isi-manual": true`` what is lost
  must be entered in Indah by hand, and :func:`export` reports it (``indah-tanpa-padanan``).
Objects that only group fields carry no ``x-indah``; their fields do. Keys inside list items are
relative to the item; a key with ``[].`` (``variabel_pembangun[].kegiatan_penghasil``) is set on
every item of that list.

:func:`export` writes the catalog as Indah record envelopes; :func:`compare` reads an Indah
export and reports, as findings labelled with form numbers, approved records missing in Indah
and field differences. Personal contact fields (``x-pribadi``) are never compared or printed.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..codes import GALAT, PERINGATAN, Finding, finding
from ..contract.schema import Field, RecordSchema
from ..layout import record_path
from ..read import jsondata
from ..read.catalog import resolve_ref
from .model import Activity, CatalogModel, Item
from .urls import activity_url

VERSION = "v2"
CHILDREN = {"variabel": "metadata_statistik_variabel", "indikator": "metadata_statistik_indikator"}
APPROVED = ("APPROVED", "PUBLISHED")
FORMS = {"kegiatan": "MS-Keg", "variabel": "MS-Var", "indikator": "MS-Ind"}
KINDS = ("boolean-per-pilihan", "daftar", "huruf-besar", "objek-bernama", "rujukan", "kode-wilayah")
"""The conversions ``jenis`` names (tests/test_indah.py holds the schemas to them)."""
_SKIP = object()  # a value Indah has no counterpart for


def snake(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", str(text).upper()).strip("_")


def annotation(rs: RecordSchema, path: tuple[str, ...]) -> Any:
    """The ``x-indah`` of a field (schema path, '[]' for list items); None if it has none."""
    node = rs.schema
    for part in path:
        node = (node.get("items") or {}) if part == "[]" else (node.get("properties") or {}).get(part, {})
        if not isinstance(node, dict):
            return None
    return node.get("x-indah")


def _spec(note) -> dict | None:
    """How a field is converted, or None where it goes nowhere in Indah (or its ``x-indah`` is not one this
    tool reads: a catalog may ship its own schemas)."""
    if isinstance(note, str) and note:
        return {"kunci": note}
    if isinstance(note, dict) and isinstance(note.get("kunci"), str) and note["kunci"]:
        return note
    return None


def _manual(note) -> str | None:
    """Why a filled field of this ``x-indah`` must be entered in Indah by hand, or None."""
    if isinstance(note, dict) and note.get("isi-manual") is True:
        return str(note.get("alasan") or "Indah tidak memiliki isian ini.")
    return None


def _put(out: dict, key: str, value) -> None:
    parts = key.split(".")
    node = out
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):  # two fields claim the same key (a catalog's own schema)
            return
    if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
        node[parts[-1]].update(value)
    else:
        node[parts[-1]] = value


def _listed(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


class Converter:
    """One record kind's data → Indah ``data``, remembering which form field each Indah key came from
    and (in :attr:`lost`) what of the last record converted Indah cannot hold."""

    def __init__(self, rs: RecordSchema, names: dict[str, str], resolve: Callable[[str, str], str]):
        self.rs = rs
        self.names = names  # wilayah code → name
        self.resolve = resolve  # (kind, reference) → the record's name
        self.origin: dict[tuple[str, ...], Field] = {}  # Indah key path → our field
        self.lost: list[tuple[Field, Any, str]] = []  # (field, value, why) of the last record converted

    def convert(self, data: dict) -> dict:
        out: dict = {}
        later = []
        self.lost = []
        self._visit(self.rs.schema, data, (), out, later)
        for key, spec, value, field in later:
            head, tail = key.split("[].", 1)
            node = out
            for part in head.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            for item in node if isinstance(node, list) else []:
                if isinstance(item, dict):
                    converted = self._value(spec, field, value)
                    if converted is not _SKIP:
                        item[tail] = converted
            self.origin[tuple(head.split(".")) + (tail,)] = field
        return out

    def _visit(self, node: dict, data: dict, path: tuple, out: dict, later: list) -> None:
        for key, sub in (node.get("properties") or {}).items():
            if key not in data or not isinstance(sub, dict):
                continue
            p = path + (key,)
            value = data[key]
            if sub.get("type") == "object" and isinstance(value, dict):
                self._visit(sub, value, p, out, later)
                continue
            note = annotation(self.rs, p)
            spec = _spec(note)
            field = Field(p, sub)
            if spec is None:
                self._lose(field, value, _manual(note))
                continue
            if "[]." in spec["kunci"]:
                later.append((spec["kunci"], spec, value, field))
                continue
            items = sub.get("items") or {}
            if sub.get("type") == "array" and items.get("type") == "object" and isinstance(value, list):
                converted = [self._item(items, v, p + ("[]",)) for v in value if isinstance(v, dict)]
            else:
                converted = self._value(spec, field, value)
            if converted is not _SKIP:
                _put(out, spec["kunci"], converted)
            self.origin[tuple(spec["kunci"].split("."))] = field

    def _item(self, schema: dict, item: dict, path: tuple) -> dict:
        out = {}
        for key, sub in (schema.get("properties") or {}).items():
            if key not in item:
                continue
            note = annotation(self.rs, path + (key,))
            spec = _spec(note)
            field = Field(tuple(p for p in path if p != "[]") + (key,), sub)
            if spec is None:
                self._lose(field, item[key], _manual(note))
                continue
            converted = self._value(spec, field, item[key])
            if converted is not _SKIP:
                out[spec["kunci"]] = converted
            if isinstance(spec.get("nama"), str):
                out[spec["nama"]] = self.names.get(str(item[key]), "")
        return out

    def _lose(self, field: Field, value, why: str | None) -> None:
        if why is not None and value not in (None, "", [], {}):
            self.lost.append((field, value, why))

    def _value(self, spec: dict, field: Field, value):
        kind = spec.get("jenis")
        options = spec.get("pilihan") if isinstance(spec.get("pilihan"), dict) else {}
        if kind == "boolean-per-pilihan":
            chosen = value if isinstance(value, list) else [value]
            out = dict.fromkeys((v for v in options.values() if isinstance(v, str)), False)
            for option in chosen:
                if isinstance(options.get(option), str):
                    out[options[option]] = True
            return out
        if kind == "daftar":
            return copy.deepcopy(value) if isinstance(value, list) else [value]
        if kind == "huruf-besar":
            return snake(value)
        if kind == "objek-bernama":
            extra = spec.get("tambahan") if isinstance(spec.get("tambahan"), dict) else {}
            return [{"nama": str(v), **extra} for v in _listed(value)]
        if kind == "rujukan":
            target = spec.get("rujukan") if isinstance(spec.get("rujukan"), str) else ""
            return [{"nama": self.resolve(target, str(v))} for v in _listed(value)]
        if kind == "kode-wilayah":
            code = str(value)
            return {"province_code": code[:2], "city_code": code if len(code) >= 4 else ""}
        if options and isinstance(value, (str, int, float, bool)) and value in options:
            if options[value] is None:
                self._lose(field, value, str(spec.get("alasan") or "Indah tidak memiliki pilihan ini."))
                return _SKIP
            return options[value]
        return copy.deepcopy(value)


def status_of(a: Activity) -> str:
    """Indah's status for the activity's last SOP step (8 reported, 9 reviewed, 10 revised, 11 approved)."""
    if a.public or a.step >= 11:
        return "APPROVED"
    return {8: "SUBMITTED", 9: "UNDER_REVIEW", 10: "REVISED"}.get(a.step, "DRAFT")


def region_names(model: CatalogModel) -> dict[str, str]:
    """Wilayah code → name (4.5 rows carry both in Indah)."""
    if "wilayah" not in model.schemas.codelists:
        return {}
    return {k: r["nama"] for k, r in model.schemas.codelists["wilayah"].lookup().items()}


def converters(model: CatalogModel, a: Activity, names: dict[str, str]) -> dict[str, Converter]:
    def resolve(kind: str, ref: str) -> str:
        found = model.item(kind, resolve_ref(ref, a.ident)) if kind in ("variabel", "indikator") else None
        return found.name if found else ref

    return {k: Converter(model.schemas[k], names, resolve) for k in (*FORMS, "opd")}


def _lost(conv: Converter, kind: str, ident: str) -> list[Finding]:
    """The values of the record ``conv`` converted last that Indah has no place for."""
    form = FORMS.get(kind, "OPD")
    return [
        finding(
            "indah-tanpa-padanan",
            record_path(kind, ident),
            f"{form} {field.heading()} ({_show(value)}) tidak terkirim ke Indah: {why}",
            lokasi=".".join(field.path),
            nomor=field.nomor,
            label=field.label,
            formulir=form,
        )  # fmt: skip
        for field, value, why in conv.lost
    ]


def envelope(model: CatalogModel, a: Activity, names: dict[str, str], lost: list[Finding] | None = None) -> dict:
    """One activity as an Indah MS-Keg record with its MS-Var and MS-Ind records; what Indah cannot
    hold is added to ``lost``."""
    conv = converters(model, a, names)
    lost = [] if lost is None else lost
    opd = model.opds[a.opd]
    region = opd.data.get("kode_wilayah") or model.config.kode_wilayah
    top = conv["opd"].convert({**opd.data, **({"kode_wilayah": region} if region else {})})
    lost.extend(_lost(conv["opd"], "opd", a.opd))
    producer = top.get("produsen_data") or {}
    status = status_of(a)

    def converted(kind: str, ident: str, data: dict) -> dict:
        out = conv[kind].convert(data)
        lost.extend(_lost(conv[kind], kind, ident))
        return out

    def child(item: Item) -> dict:
        return {"submission_period": a.year, "status": status, "version": VERSION, "produsen_data": producer,
                "data": converted(item.kind, item.ident, item.data), "satudata": {"id": item.ident}}  # fmt: skip

    return {
        "submission_period": a.year,
        "status": status,
        "version": VERSION,
        "produsen_data": producer,
        "data": converted("kegiatan", a.ident, a.data),
        CHILDREN["variabel"]: [child(v) for v in a.variables],
        CHILDREN["indikator"]: [child(i) for i in a.indicators],
        "satudata": {"id": a.ident, "halaman": model.url(activity_url(a))},
    }


def export(model: CatalogModel, activities: list[Activity] | None = None, lost: list[Finding] | None = None) -> dict:
    """The catalog (or ``activities``) as Indah v2 records; what Indah cannot hold is added to ``lost``."""
    names = region_names(model)
    chosen = model.activities if activities is None else activities
    return {
        "versi": VERSION,
        "keterangan": "Metadata dalam kunci dan enum Indah v2 (indah.bps.go.id); satu MS-Keg per kegiatan dengan MS-Var dan MS-Ind-nya.",
        "kegiatan": [envelope(model, a, names, lost) for a in chosen],
    }


# --- comparing an Indah export with the catalog -----------------------------------------------


class IndahFileError(ValueError):
    """The file is not an Indah export this tool can read."""


def _records(doc) -> list[dict]:
    """The MS-Keg envelopes of an Indah export: this tool's, a list, or an API page."""
    if isinstance(doc, dict):
        for key in ("kegiatan", "result", "content", "data"):
            if key in doc and not (key == "data" and isinstance(doc[key], dict) and "judul_kegiatan" in doc[key]):
                return _records(doc[key])
        if isinstance(doc.get("data"), dict):
            return [doc]
    if isinstance(doc, list):
        return [r for r in doc if isinstance(r, dict)]
    raise IndahFileError(
        "Isi berkas bukan ekspor Indah: tidak ada daftar rekaman MS-Keg (kunci 'kegiatan', 'content' atau 'result')."
    )


def _typed(record: dict) -> dict | None:
    """The record with ``data`` an object and child lists of objects (hostile shapes dropped), or None."""
    if not isinstance(record.get("data", {}), dict):
        return None
    out = dict(record)
    for key in CHILDREN.values():
        if key in out:
            items = out[key] if isinstance(out[key], list) else []
            out[key] = [c for c in items if isinstance(c, dict) and isinstance(c.get("data", {}), dict)]
    return out


def read_export(path: Path) -> list[dict]:
    try:
        doc = jsondata.load_file(path, "Berkas")
    except jsondata.JsonDataError as exc:
        raise IndahFileError(f"{exc}.") from None
    records = [r for r in map(_typed, _records(doc)) if r is not None]
    flat_children = [r for r in records if "ms_keg_id" in r]
    kegiatan = [r for r in records if "ms_keg_id" not in r and isinstance(r.get("data"), dict)]
    for r in kegiatan:  # children listed separately point at their MS-Keg by id/base_id
        ids = {str(r.get(k)) for k in ("id", "base_id") if r.get(k) is not None}
        for c in flat_children:
            if str(c.get("ms_keg_id")) in ids:
                kind = "indikator" if "apakah_indikator_komposit" in (c.get("data") or {}) else "variabel"
                r.setdefault(CHILDREN[kind], []).append(c)
    return kegiatan


def _norm(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def _leaves(value, path=()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


def _at(data, path):
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return a == b or (a in (None, "", [], {}) and b in (None, "", [], {}))


def _show(value) -> str:
    if value in (None, "", [], {}):
        return "(kosong)"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"'{value}'"


def _origin(conv: Converter, path: tuple) -> Field | None:
    keys = tuple(p for p in path if not isinstance(p, int))
    while keys:
        if keys in conv.origin:
            return conv.origin[keys]
        keys = keys[:-1]
    return None


def _differences(kind: str, ident: str, ours: dict, theirs: dict, conv: Converter) -> list[Finding]:
    out = []
    seen = set()
    for path, mine in _leaves(ours):
        field = _origin(conv, path)
        if field is None or field.pribadi:
            continue
        other = _at(theirs, path)
        if _same(mine, other):
            continue
        key = (field.path, path[:-1] if isinstance(path[-1], str) and field.schema.get("type") == "array" else path)
        if key in seen:
            continue
        seen.add(key)
        where = ".".join(str(p) for p in path)
        out.append(Finding(
            "indah-beda", PERINGATAN, record_path(kind, ident),
            f"{FORMS[kind]} {field.heading()} berbeda dengan Indah ({where}): di katalog {_show(mine)}, di Indah {_show(other)}.",
            "Samakan isian di Indah dengan katalog (atau perbaiki katalog lewat pull request), lalu bandingkan ulang.",
            lokasi=".".join(field.path), nomor=field.nomor, label=field.label, formulir=FORMS[kind],
        ))  # fmt: skip
    return out


def compare(model: CatalogModel, records: list[dict], source: str) -> list[Finding]:
    """Findings: approved activities (and their variables/indicators) missing in Indah, records in
    Indah that the catalog does not have, status and field differences. ``model`` is the internal
    view (Indah also holds non-public variables, flagged)."""
    out: list[Finding] = []
    names = region_names(model)
    theirs: dict[tuple[str, str], dict] = {}
    for r in records:
        data = r.get("data") or {}
        year = data.get("tahun", r.get("submission_period"))
        theirs.setdefault((_norm(data.get("judul_kegiatan")), str(year)), r)
    matched = set()
    for a in model.activities:
        key = (_norm(a.title), str(a.year))
        other = theirs.get(key)
        path = record_path("kegiatan", a.ident)
        if other is None:
            if a.public:
                out.append(Finding(
                    "indah-tidak-ada", GALAT, path,
                    f"Kegiatan '{a.title}' ({a.year}) sudah disetujui BPS di katalog, tetapi tidak ada di ekspor Indah {source}.",
                    "Laporkan MS-Keg ini di Indah (langkah 8), atau periksa judul dan tahunnya di Indah.",
                    formulir="MS-Keg",
                ))  # fmt: skip
            continue
        matched.add(key)
        mine = envelope(model, a, names)
        conv = converters(model, a, names)
        conv["kegiatan"].convert(a.data)
        status = str(other.get("status") or "")
        if a.public and status not in APPROVED:
            out.append(Finding(
                "indah-status", PERINGATAN, path,
                f"Kegiatan sudah disetujui BPS di katalog, tetapi berstatus '{status or 'kosong'}' di Indah.",
                "Periksa pemeriksaan di Indah; catat langkah SOP yang sesuai di alur.riwayat.",
                formulir="MS-Keg",
            ))  # fmt: skip
        out.extend(_differences("kegiatan", a.ident, mine["data"], other.get("data") or {}, conv["kegiatan"]))
        for kind, items in (("variabel", a.variables), ("indikator", a.indicators)):
            listed = {
                _norm((c.get("data") or {}).get("nama")): c
                for c in other.get(CHILDREN[kind]) or []
                if isinstance(c, dict)
            }
            for item in items:
                c = listed.pop(_norm(item.name), None)
                if c is None:
                    out.append(Finding(
                        "indah-tidak-ada", GALAT, record_path(kind, item.ident),
                        f"{FORMS[kind]} '{item.name}' tidak ada di kegiatan ini dalam ekspor Indah {source}.",
                        f"Tambahkan {FORMS[kind]} ini di Indah (Daftar Pelaporan → View), lalu bandingkan ulang.",
                        formulir=FORMS[kind],
                    ))  # fmt: skip
                    continue
                out.extend(
                    _differences(kind, item.ident, conv[kind].convert(item.data), c.get("data") or {}, conv[kind])
                )
            for name in listed:
                out.append(_unknown(source, f"{FORMS[kind]} '{name}' pada kegiatan '{a.title}'"))
    for key, r in theirs.items():
        if key not in matched:
            data = r.get("data") or {}
            out.append(_unknown(source, f"Kegiatan '{data.get('judul_kegiatan', '?')}' ({key[1]})"))
    return out


def _unknown(source: str, what: str) -> Finding:
    return Finding(
        "indah-tidak-dikenal", PERINGATAN, source,
        f"{what} ada di Indah, tetapi tidak ada di katalog.",
        "Tambahkan rekamannya ke katalog (satudata import atau pull request), atau periksa ejaan nama/judulnya.",
    )  # fmt: skip
