"""Catalog model → open data exports in ``site/api/``.

- per-record JSON (activities with their variables and indicators, and each indicator);
- CSV of activities, variables and indicators, columns in Indah form order (from the schemas);
- a Frictionless data package describing those CSVs (field titles and help from the schemas);
- a DCAT-AP 3 catalog in JSON-LD;
- schema.org ``Dataset`` JSON-LD for embedding in each activity page.

Everything is built from the (already filtered) model, so nothing private can reach an export.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from ..contract.schema import RecordSchema
from ..excel.workbook import build_layout, write_public_workbook
from ..layout import record_path
from ..read.catalog import Catalog, Record
from ..read.loader import Document
from .model import Activity, CatalogModel, Item
from .urls import activity_url, item_url

ID_COLUMNS = {"kegiatan": ["id", "opd"], "variabel": ["id", "kegiatan"], "indikator": ["id", "kegiatan"]}
JSON_TYPES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets evaluate as a formula


def columns(rs: RecordSchema) -> list[tuple[str, dict]]:
    """Flat columns of a record kind in form order: dotted key → its schema.

    Objects are flattened; lists of options are one column ("a; b"); lists of objects
    (schedules, area rows) are one column holding JSON. ``alur`` is not metadata."""
    out: list[tuple[str, dict]] = []

    def walk(node: dict, prefix: str) -> None:
        for key, sub in (node.get("properties") or {}).items():
            if not prefix and key == "alur":
                continue
            dotted = f"{prefix}{key}"
            if sub.get("type") == "object":
                walk(sub, dotted + ".")
            else:
                out.append((dotted, sub))

    walk(rs.schema, "")
    return out


def cell(value) -> str:
    """A value as CSV text: option lists joined with '; ', nested data as JSON."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def flatten(data: dict, cols: list[tuple[str, dict]]) -> list[str]:
    """One CSV row. Text starting like a formula gets a leading apostrophe (OWASP CSV injection
    advice), so opening the file in a spreadsheet never runs it."""
    row = []
    for dotted, sub in cols:
        node = data
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        text = cell(node)
        if text.startswith(FORMULA_START) and sub.get("type") not in ("integer", "number"):
            text = "'" + text
        row.append(text)
    return row


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def tables(model: CatalogModel) -> dict[str, tuple[list[str], list[list[str]]]]:
    """kegiatan / variabel / indikator → (header, rows)."""
    schemas = model.schemas
    cols = {k: columns(schemas[k]) for k in ("kegiatan", "variabel", "indikator")}
    out = {k: ([*ID_COLUMNS[k], *(c for c, _ in cols[k])], []) for k in cols}
    for a in model.activities:
        out["kegiatan"][1].append([a.ident, a.opd, *flatten(a.data, cols["kegiatan"])])
        for kind, items in (("variabel", a.variables), ("indikator", a.indicators)):
            for item in items:
                out[kind][1].append([item.ident, a.ident, *flatten(item.data, cols[kind])])
    return out


def datapackage(model: CatalogModel, header: dict[str, list[str]]) -> dict:
    schemas = model.schemas
    resources = []
    for kind, names in header.items():
        rs = schemas[kind]
        by_key = dict(columns(rs))
        fields = []
        for name in names:
            sub = by_key.get(name)
            if sub is None:  # identity columns
                desc = {"id": "Identitas rekaman (jalur foldernya).", "opd": "Slug OPD penyelenggara.",
                        "kegiatan": "Identitas kegiatan (opd/tahun-slug)."}[name]  # fmt: skip
                fields.append(
                    {
                        "name": name,
                        "type": "string",
                        "title": name,
                        "description": desc,
                        **({"constraints": {"required": True, "unique": True}} if name == "id" else {}),
                    }
                )
                continue
            field = {"name": name, "type": JSON_TYPES.get(sub.get("type"), "string"),
                     "title": sub.get("title", name), "description": sub.get("description", "")}  # fmt: skip
            if sub.get("x-nomor"):
                field["description"] = f"[{sub['x-nomor']}] {field['description']}"
            if "enum" in sub:
                field["constraints"] = {"enum": list(sub["enum"])}
            fields.append(field)
        schema = {"fields": fields, "primaryKey": ["id"]}
        if kind != "kegiatan":
            schema["foreignKeys"] = [{"fields": ["kegiatan"], "reference": {"resource": "kegiatan", "fields": ["id"]}}]
        resources.append({
            "name": kind, "path": f"{kind}.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": rs.schema["title"], "description": rs.schema.get("description", ""), "schema": schema,
        })  # fmt: skip
    return {
        "name": "katalog-metadata-statistik-sektoral",
        "title": "Katalog metadata statistik sektoral",
        "description": "Metadata kegiatan (MS-Keg), variabel (MS-Var) dan indikator (MS-Ind) yang telah disetujui BPS.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }  # fmt: skip


def _absolute(base: str | None, path: str) -> str:
    return (base.rstrip("/") + "/" + path) if base else path


def schema_org(model: CatalogModel, a: Activity, base: str | None = None) -> dict:
    """schema.org Dataset for an activity page."""
    opd = model.opds[a.opd]
    data = a.data
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": _absolute(base, activity_url(a)),
        "name": a.title,
        "description": str((data.get("perencanaan") or {}).get("tujuan") or a.title),
        "url": _absolute(base, activity_url(a)),
        "temporalCoverage": str(a.year) if a.year else None,
        "keywords": [a.sector, *(v.name for v in a.variables)],
        "variableMeasured": [v.name for v in a.variables] + [i.name for i in a.indicators],
        "creator": {
            "@type": "GovernmentOrganization",
            "name": opd.name,
            **({"email": opd.data["email"]} if opd.data.get("email") else {}),
        },  # fmt: skip
        "isAccessibleForFree": True,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": _absolute(base, f"api/kegiatan/{a.ident}.json"),
            }
        ],  # fmt: skip
    }


def json_ld_script(doc: dict) -> str:
    """A JSON-LD <script> that no metadata text can break out of."""
    text = json.dumps({k: v for k, v in doc.items() if v is not None}, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def dcat(model: CatalogModel, base: str | None) -> dict:
    """A DCAT-AP 3 catalog (JSON-LD) with one dcat:Dataset per public activity."""
    datasets = []
    for a in model.activities:
        opd = model.opds[a.opd]
        area = (a.data.get("desain_kegiatan") or {}).get("wilayah_kegiatan") or []
        datasets.append({
            "@id": _absolute(base, activity_url(a)),
            "@type": "dcat:Dataset",
            "dct:identifier": a.ident,
            "dct:title": {"@value": a.title, "@language": "id"},
            "dct:description": {"@value": str((a.data.get("perencanaan") or {}).get("tujuan") or a.title), "@language": "id"},
            "dct:publisher": {"@id": _absolute(base, f"opd/{a.opd}/"), "@type": "foaf:Organization",
                              "foaf:name": opd.name},
            "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": opd.name,
                                  **({"vcard:hasEmail": f"mailto:{opd.data['email']}"} if opd.data.get("email") else {})},
            "dcat:theme": {"@value": a.sector, "@language": "id"},
            "dcat:keyword": [{"@value": v.name, "@language": "id"} for v in a.variables],
            "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": {"@value": f"{a.year}-01-01", "@type": "xsd:date"},
                             "dcat:endDate": {"@value": f"{a.year}-12-31", "@type": "xsd:date"}} if a.year else None,
            "dct:spatial": [{"@type": "dct:Location", "dct:identifier": row.get("kabupaten_kota") or row.get("provinsi")}
                            for row in area if isinstance(row, dict)],
            "dcat:landingPage": {"@id": _absolute(base, activity_url(a))},
            "dct:conformsTo": {"@id": "https://jdih.bps.go.id/peraturan-bps-nomor-5-tahun-2020"},
            "dcat:distribution": [{
                "@type": "dcat:Distribution",
                "dcat:accessURL": {"@id": _absolute(base, f"api/kegiatan/{a.ident}.json")},
                "dcat:downloadURL": {"@id": _absolute(base, f"api/kegiatan/{a.ident}.json")},
                "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/application/json"},
                "dct:format": {"@value": "JSON"},
            }],
        })  # fmt: skip
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            **({"@base": base.rstrip("/") + "/"} if base else {}),
        },
        "@id": _absolute(base, "api/dcat.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": {"@value": "Katalog Metadata Statistik Sektoral", "@language": "id"},
        "dct:description": {"@value": "Metadata kegiatan statistik sektoral yang telah disetujui BPS.", "@language": "id"},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/IND"},
        "dct:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dcat:dataset": [{k: v for k, v in d.items() if v is not None} for d in datasets],
    }  # fmt: skip


def record_json(model: CatalogModel, a: Activity) -> dict:
    return {
        "id": a.ident,
        "opd": {"slug": a.opd, "nama": model.opds[a.opd].name},
        "ms_keg": a.data,
        "ms_var": [{"id": v.ident, **v.data} for v in a.variables],
        "ms_ind": [{"id": i.ident, **i.data} for i in a.indicators],
        "halaman": activity_url(a),
    }


def item_json(item: Item) -> dict:
    return {"id": item.ident, "kegiatan": item.ident.rsplit("/", 1)[0], "halaman": item_url(item), **item.data}


def _dump(path: Path, data, made: set[Path]) -> None:
    if path.parent not in made:  # one mkdir per folder, not one per file
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def model_catalog(model: CatalogModel, root: Path) -> Catalog:
    """The model's (public) records as a catalog, for writers that read records."""
    catalog = Catalog(root)
    for opd in model.opds.values():
        catalog.add(Record("opd", opd.slug, record_path("opd", opd.slug), Document(opd.data)))
    for a in model.activities:
        catalog.add(Record("kegiatan", a.ident, record_path("kegiatan", a.ident), Document(a.data)))
        for item in (*a.variables, *a.indicators):
            catalog.add(Record(item.kind, item.ident, record_path(item.kind, item.ident), Document(item.data)))
    return catalog


def write_exports(model: CatalogModel, site: Path, base: str | None = None) -> int:
    """Write every export into ``site/api``; returns the number of files written."""
    api = site / "api"
    made: set[Path] = set()
    count = 0
    index = []
    for a in model.activities:
        _dump(api / "kegiatan" / f"{a.ident}.json", record_json(model, a), made)
        count += 1
        for item in [*a.variables, *a.indicators]:
            _dump(api / item.kind / f"{item.ident}.json", item_json(item), made)
            count += 1
        index.append({"id": a.ident, "judul": a.title, "opd": a.opd, "tahun": a.year, "sektor": a.sector,
                      "json": f"kegiatan/{a.ident}.json"})  # fmt: skip
    _dump(api / "katalog.json", {"kegiatan": index}, made)
    header = {}
    for kind, (head, rows) in tables(model).items():
        (api / f"{kind}.csv").write_text(_csv(head, rows), encoding="utf-8")
        header[kind] = head
    _dump(api / "datapackage.json", datapackage(model, header), made)
    _dump(api / "dcat.jsonld", dcat(model, base), made)
    # the same workbook layout as `satudata export-xlsx` (streamed, no dropdowns), from the published records only
    write_public_workbook(api / "katalog.xlsx", build_layout(model.schemas), model_catalog(model, site))
    fix_zip_times(api / "katalog.xlsx")
    return count + 1 + len(header) + 3  # katalog.json, the CSVs, datapackage, DCAT, workbook


def fix_zip_times(path: Path) -> None:
    """Rewrite an XLSX without the write time (zip entry dates, document properties), so the
    same catalog gives the same bytes."""
    with zipfile.ZipFile(path) as zin:
        items = [(info.filename, zin.read(info)) for info in zin.infolist()]
    stamp = "2000-01-01T00:00:00Z"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zout.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
