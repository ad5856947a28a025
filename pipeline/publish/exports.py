"""Catalog model → open data exports in ``site/api/``.

- per activity, the files of :func:`downloads.activity_downloads` (JSON, Excel, CSV per form,
  DCAT-AP, DDI Codebook for surveys, its public data files and their Frictionless package);
- per-record JSON of each variable and indicator;
- CSV of activities, variables and indicators, columns in form order (from the schemas), and a
  Frictionless data package describing them (field titles and help from the schemas);
- the catalog as DCAT-AP 3 (``dcat.jsonld``), Project Open Data 1.1 (``data.json``), CKAN
  package dicts (``ckan.json``), Indah v2 (``indah.json``) and an Excel workbook;
- schema.org ``Dataset`` JSON-LD for embedding in each activity page.

Every URL is absolute (katalog.yaml ``url_situs``). Everything is built from the (already
filtered) model, so nothing private or not public can reach an export.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from ..check.datafiles import field_for
from ..contract.schema import RecordSchema
from ..excel.workbook import build_layout, write_public_workbook
from ..layout import record_path
from ..read.catalog import Catalog, Record
from ..read.loader import Document
from . import ckan, datajson, dcat, ddi, indah
from .downloads import activity_downloads
from .downloads import record_path as activity_record_path
from .model import Activity, CatalogModel, Item
from .urls import activity_url, item_url
from .workbooks import STAMP, CatalogWorkbook

ID_COLUMNS = {"kegiatan": ["id", "opd"], "variabel": ["id", "kegiatan"], "indikator": ["id", "kegiatan"]}
JSON_TYPES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets evaluate as a formula


def columns(rs: RecordSchema) -> list[tuple[str, dict]]:
    """Flat columns of a record kind in form order: dotted key → its schema.

    Objects are flattened; lists of options are one column ("a; b"); lists of objects
    (schedules, area rows) are one column holding JSON. Workflow properties (``x-alur``) are not metadata."""
    out: list[tuple[str, dict]] = []

    def walk(node: dict, prefix: str) -> None:
        for key, sub in (node.get("properties") or {}).items():
            if not prefix and sub.get("x-alur"):
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


def tables(
    model: CatalogModel, activities: list[Activity] | None = None
) -> dict[str, tuple[list[str], list[list[str]]]]:
    """kegiatan / variabel / indikator → (header, rows), of the catalog or of some activities."""
    schemas = model.schemas
    cols = {k: columns(schemas[k]) for k in ("kegiatan", "variabel", "indikator")}
    out = {k: ([*ID_COLUMNS[k], *(c for c, _ in cols[k])], []) for k in cols}
    for a in model.activities if activities is None else activities:
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
            json_type = sub.get("type")  # a list of types (number or text, 5.5/5.6) is a text column
            field = {"name": name, "type": JSON_TYPES.get(json_type, "string") if isinstance(json_type, str) else "string",
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


def schema_org(model: CatalogModel, a: Activity) -> dict:
    """schema.org Dataset for an activity page (absolute URLs; downloads from :mod:`downloads`)."""
    opd = model.opds[a.opd]
    page = model.url(activity_url(a))
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page + "#dataset",
        "name": a.title,
        "description": dcat.description(a),
        "url": page,
        "temporalCoverage": str(a.year) if a.year else None,
        "keywords": [a.sector, *(v.name for v in a.variables)],
        "variableMeasured": [v.name for v in a.variables] + [i.name for i in a.indicators],
        "inLanguage": "id",
        "creator": {
            "@type": "GovernmentOrganization",
            "@id": model.url(f"opd/{a.opd}/"),
            "name": opd.name,
            **({"email": opd.data["email"]} if opd.data.get("email") else {}),
        },
        "isAccessibleForFree": True,
        "license": str(model.config.lisensi["url"]),
        "distribution": [
            {"@type": "DataDownload", "name": d.label, "encodingFormat": d.media_type, "contentUrl": model.url(d.path)}
            for d in activity_downloads(model, a)
        ],
    }


def json_ld_script(doc: dict) -> str:
    """A JSON-LD <script> that no metadata text can break out of."""
    text = json.dumps({k: v for k, v in doc.items() if v is not None}, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def record_json(model: CatalogModel, a: Activity) -> dict:
    out = {
        "id": a.ident,
        "opd": {"slug": a.opd, "nama": model.opds[a.opd].name},
        "ms_keg": a.data,
        "ms_var": [{"id": v.ident, **v.data} for v in a.variables],
        "ms_ind": [{"id": i.ident, **i.data} for i in a.indicators],
        "halaman": model.url(activity_url(a)),
    }
    if a.hidden_variables:
        out["variabel_tidak_dipublikasikan"] = a.hidden_variables
    return out


def item_json(model: CatalogModel, item: Item) -> dict:
    return {
        "id": item.ident,
        "kegiatan": item.ident.rsplit("/", 1)[0],
        "halaman": model.url(item_url(item)),
        **item.data,
    }


def _dump(path: Path, data, made: set[Path]) -> None:
    _mkdir(path, made)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _mkdir(path: Path, made: set[Path]) -> None:
    if path.parent not in made:  # one mkdir per folder, not one per file
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)


def model_catalog(model: CatalogModel, root: Path, activities: list[Activity] | None = None) -> Catalog:
    """The model's (public) records as a catalog, for writers that read records."""
    catalog = Catalog(root)
    chosen = model.activities if activities is None else activities
    opds = {a.opd for a in chosen} if activities is not None else set(model.opds)
    for opd in model.opds.values():
        if opd.slug in opds:
            catalog.add(Record("opd", opd.slug, record_path("opd", opd.slug), Document(opd.data)))
    for a in chosen:
        catalog.add(Record("kegiatan", a.ident, record_path("kegiatan", a.ident), Document(a.data)))
        for item in (*a.variables, *a.indicators):
            catalog.add(Record(item.kind, item.ident, record_path(item.kind, item.ident), Document(item.data)))
    return catalog


TABLE_FILES = {"ms-keg": "kegiatan", "ms-var": "variabel", "ms-ind": "indikator"}


def activity_datapackage(model: CatalogModel, a: Activity, header: dict[str, list[str]]) -> dict:
    """The Frictionless package of one activity: its MS-Keg/MS-Var/MS-Ind tables and its data files,
    whose Table Schema comes from its MS-Var records (as ``satudata validate`` checks them)."""
    package = datapackage(model, header)
    for res in package["resources"]:
        res["name"] = {v: k for k, v in TABLE_FILES.items()}[res["name"]]
        res["path"] = res["name"] + ".csv"
        for fk in res["schema"].get("foreignKeys", []):
            fk["reference"]["resource"] = "ms-keg"
    variables = {v.slug: v for v in a.variables}
    for f in a.data_files:
        fields = [field_for(variables[c], model.schemas) for c in f.columns if c in variables]
        package["resources"].append({
            "name": "data-" + f.name.removesuffix(".csv").lower(), "path": "data/" + f.name, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": f"Data {f.name}",
            "description": f"Data kegiatan {a.title}; kolom = variabel MS-Var kegiatan ini.",
            "schema": {"fields": fields},
        })  # fmt: skip
    package["name"] = "kegiatan-" + a.ident.replace("/", "-")
    package["title"] = a.title
    package["description"] = dcat.description(a)
    package["homepage"] = model.url(activity_url(a))
    return package


def write_activity(model: CatalogModel, a: Activity, site: Path, made: set[Path], workbook: CatalogWorkbook) -> int:
    """Every download file of ``a`` (:func:`activity_downloads`), its workbook cut from the catalog's;
    returns how many were written."""
    own = tables(model, [a])
    count = 0
    for d in activity_downloads(model, a):
        path = site / d.path
        _mkdir(path, made)
        if d.isi == "semua" and d.format == "JSON":
            _dump(path, record_json(model, a), made)
        elif d.isi == "semua":
            workbook.write(path, {a.opd, a.ident, *(item.ident for item in (*a.variables, *a.indicators))})
        elif d.isi in TABLE_FILES:
            head, rows = own[TABLE_FILES[d.isi]]
            path.write_text(_csv(head, rows), encoding="utf-8")
        elif d.isi == "dcat":
            _dump(path, dcat.activity_document(model, a), made)
        elif d.isi == "ddi":
            path.write_bytes(ddi.codebook(model, a))
        elif d.isi == "data":
            source = Path(model.root) / next(f.rel for f in a.data_files if f.name == path.name)
            path.write_bytes(source.read_bytes())
        elif d.isi == "datapackage":
            kept = {k: head for k, (head, rows) in own.items() if k == "kegiatan" or rows}
            _dump(path, activity_datapackage(model, a, kept), made)
        count += 1
    return count


def write_exports(model: CatalogModel, site: Path) -> int:
    """Write every export into ``site/api``; returns the number of files written."""
    api = site / "api"
    made: set[Path] = set()
    count = 0
    index = []
    # the same workbook layout as `satudata export-xlsx` (streamed, no dropdowns), from the published records only
    api.mkdir(parents=True, exist_ok=True)
    written = write_public_workbook(api / "katalog.xlsx", build_layout(model.schemas), model_catalog(model, site))
    fix_zip_times(api / "katalog.xlsx")
    workbook = CatalogWorkbook(api / "katalog.xlsx", written.origin)
    for a in model.activities:
        count += write_activity(model, a, site, made, workbook)
        for item in [*a.variables, *a.indicators]:
            _dump(api / item.kind / f"{item.ident}.json", item_json(model, item), made)
            count += 1
        index.append({"id": a.ident, "judul": a.title, "opd": a.opd, "tahun": a.year, "sektor": a.sector,
                      "halaman": model.url(activity_url(a)), "json": model.url(activity_record_path(a)),
                      "unduhan": [{"label": d.label, "format": d.format, "url": model.url(d.path)}
                                  for d in activity_downloads(model, a)]})  # fmt: skip
    del workbook  # its sheets' rows: not held while the catalog-wide exports are built
    _dump(api / "katalog.json", {"kegiatan": index}, made)
    header = {}
    for kind, (head, rows) in tables(model).items():
        (api / f"{kind}.csv").write_text(_csv(head, rows), encoding="utf-8")
        header[kind] = head
    _dump(api / "datapackage.json", datapackage(model, header), made)
    _dump(api / "dcat.jsonld", dcat.catalog(model), made)
    _dump(api / "data.json", datajson.catalog(model), made)
    _dump(api / "ckan.json", ckan.packages(model), made)
    _dump(api / "indah.json", indah.export(model), made)
    return count + 1 + len(header) + 6  # katalog.json, the CSVs, datapackage, DCAT, data.json, CKAN, Indah, workbook


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
            zout.writestr(zipfile.ZipInfo(name, date_time=STAMP), data, zipfile.ZIP_DEFLATED)
