"""Catalog model → DCAT-AP 3.0.1 in JSON-LD (``api/dcat.jsonld`` and one per activity).

Every value that DCAT-AP takes from a controlled vocabulary is an IRI of the EU authority
tables (themes, file types, languages, frequencies), typed as the DCAT-AP range asks; every
link is absolute (from ``katalog.yaml`` ``url_situs``) and points at a file of the build.
The sectors of Peraturan BPS 5/2020 are published as a SKOS concept scheme whose concepts are
the portal's sector pages, each mapped to its EU data theme (``schemas/kode/sektor.csv``,
column ``tema_eu``); a dataset's ``dcat:theme`` names both.
"""

from __future__ import annotations

from .downloads import activity_downloads
from .model import Activity, CatalogModel
from .urls import activity_url, sector_url

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LANGUAGE = EU + "language/IND"
DATA_THEME = EU + "data-theme"
PERBAN5 = "https://jdih.bps.go.id/peraturan-bps-nomor-5-tahun-2020"  # the standard the metadata follows
FREQUENCY = {  # MS-Keg 4.2 → EU frequency authority table
    "Harian": "DAILY",
    "Mingguan": "WEEKLY",
    "Bulanan": "MONTHLY",
    "Triwulanan": "QUARTERLY",
    "Empat Bulanan": "ANNUAL_3",
    "Semesteran": "ANNUAL_2",
    "Tahunan": "ANNUAL",
    "Lebih dari Dua Tahunan": "OTHER",
}
ONCE = "Hanya Sekali"  # 4.1: an activity done once is never updated


def text(value) -> dict:
    return {"@value": str(value), "@language": "id"}


def ref(iri: str, kind: str | None = None) -> dict:
    return {"@id": iri, "@type": kind} if kind else {"@id": iri}


def description(a: Activity) -> str:
    return str((a.data.get("perencanaan") or {}).get("tujuan") or a.title)


def sector_row(model: CatalogModel, a: Activity) -> dict | None:
    lists = model.schemas.codelists
    return lists["sektor"].lookup("nama").get(a.sector) if "sektor" in lists else None


def themes(model: CatalogModel, a: Activity) -> list[dict]:
    """The EU data theme of the activity's sector, and the sector itself (a concept of the portal)."""
    row = sector_row(model, a)
    if row is None:
        return []
    out = []
    if row.get("tema_eu"):
        out.append(ref(f"{EU}data-theme/{row['tema_eu']}"))  # described by the EU table itself
    out.append({**ref(model.url(sector_url(a.sector)), "skos:Concept"), "skos:prefLabel": text(a.sector),
                "skos:inScheme": ref(model.url("sektor/"))})  # fmt: skip
    return out


def agent(iri: str, name: str) -> dict:
    return {"@id": iri, "@type": "foaf:Agent", "foaf:name": text(name)}


def publisher(model: CatalogModel, a: Activity) -> dict:
    return agent(model.url(f"opd/{a.opd}/"), model.opds[a.opd].name)


def catalog_publisher(model: CatalogModel) -> dict:
    return agent(model.url() + "#walidata", str(model.config.walidata.get("nama") or model.config.pemda))


def contact(name: str, email: str | None, page: str | None = None) -> dict:
    node = {"@type": ["vcard:Organization", "vcard:Kind"], "vcard:fn": text(name)}
    if email:
        node["vcard:hasEmail"] = ref(f"mailto:{email}")
    if page:
        node["vcard:hasURL"] = ref(page)
    return node


def licence(model: CatalogModel) -> dict:
    return ref(str(model.config.lisensi["url"]), "dct:LicenseDocument")


def distributions(model: CatalogModel, a: Activity) -> list[dict]:
    page = model.url(activity_url(a))
    out = []
    for d in activity_downloads(model, a):
        url = model.url(d.path)
        out.append({
            "@id": url + "#distribusi",
            "@type": "dcat:Distribution",
            "dct:title": text(d.label),
            "dct:description": text(f"{d.label}: {a.title}"),
            "dcat:accessURL": ref(page),
            "dcat:downloadURL": ref(url),
            "dct:format": ref(f"{EU}file-type/{d.file_type}", "dct:MediaTypeOrExtent"),
            "dcat:mediaType": ref(IANA + d.media_type, "dct:MediaType"),
            "dct:license": licence(model),
            "dct:language": ref(LANGUAGE, "dct:LinguisticSystem"),
        })  # fmt: skip
    return out


def dataset_iri(model: CatalogModel, a: Activity) -> str:
    return model.url(activity_url(a)) + "#dataset"


def dataset(model: CatalogModel, a: Activity) -> dict:
    """One activity as a dcat:Dataset."""
    opd = model.opds[a.opd]
    data = a.data
    design = data.get("desain_kegiatan") or {}
    node = {
        "@id": dataset_iri(model, a),
        "@type": "dcat:Dataset",
        "dct:identifier": a.ident,
        "dct:title": text(a.title),
        "dct:description": text(description(a)),
        "dct:publisher": publisher(model, a),
        "dcat:contactPoint": contact(opd.name, opd.data.get("email"), opd.data.get("situs")),
        "dcat:theme": themes(model, a),
        "dcat:keyword": [text(k) for k in dict.fromkeys([a.sector, *(v.name for v in a.variables)]) if k],
        "dct:language": ref(LANGUAGE, "dct:LinguisticSystem"),
        "dcat:landingPage": ref(model.url(activity_url(a)), "foaf:Document"),
        "dct:conformsTo": ref(PERBAN5, "dct:Standard"),
        "dcat:distribution": distributions(model, a),
    }
    if a.approved:
        node["dct:modified"] = {"@value": a.approved, "@type": "xsd:date"}
    if a.year:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{a.year}-01-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{a.year}-12-31", "@type": "xsd:date"},
        }
    frequency = "NEVER" if design.get("kegiatan_dilakukan") == ONCE else FREQUENCY.get(design.get("frekuensi"))
    if frequency:
        node["dct:accrualPeriodicity"] = ref(f"{EU}frequency/{frequency}", "dct:Frequency")
    spatial = spatial_nodes(model, design.get("wilayah_kegiatan"))
    if spatial:
        node["dct:spatial"] = spatial
    ids = [(key, data.get(key)) for key in ("kode_kegiatan", "identitas_rekomendasi") if data.get(key)]
    if ids:
        node["adms:identifier"] = [
            {"@type": "adms:Identifier", "skos:notation": str(value), "dct:creator": ref("https://www.bps.go.id/")}
            for _key, value in ids
        ]
    return node


def spatial_nodes(model: CatalogModel, rows) -> list[dict]:
    """Areas of 4.5 as dct:Location with their BPS code and name (wilayah code list)."""
    names = model.schemas.codelists["wilayah"].lookup() if "wilayah" in model.schemas.codelists else {}
    out = []
    for row in rows if isinstance(rows, list) else []:
        code = (
            str((row or {}).get("kabupaten_kota") or (row or {}).get("provinsi") or "") if isinstance(row, dict) else ""
        )
        if not code:
            continue
        node = {"@type": "dct:Location", "dct:identifier": code}
        if code in names:
            node["skos:prefLabel"] = text(names[code]["nama"])
        out.append(node)
    return out


def sector_scheme(model: CatalogModel) -> list[dict]:
    """The sector code list as a SKOS concept scheme and its concepts, one per sector page."""
    scheme = model.url("sektor/")
    rows = model.schemas.codelists["sektor"].lookup("nama") if "sektor" in model.schemas.codelists else {}
    concepts = []
    for sector in sorted({a.sector for a in model.activities if a.sector}):
        node = {
            "@id": model.url(sector_url(sector)),
            "@type": "skos:Concept",
            "skos:prefLabel": text(sector),
            "skos:inScheme": ref(scheme),
        }
        row = rows.get(sector)
        if row:
            node["skos:notation"] = str(row["kode"])
            if row.get("tema_eu"):
                node["skos:closeMatch"] = ref(f"{EU}data-theme/{row['tema_eu']}")
        concepts.append(node)
    head = {
        "@id": scheme,
        "@type": "skos:ConceptScheme",
        "dct:title": text("Sektor Kegiatan (Peraturan BPS Nomor 5 Tahun 2020)"),
        "skos:hasTopConcept": [ref(c["@id"]) for c in concepts],
    }
    return [head, *concepts]


def catalog(model: CatalogModel) -> dict:
    """``api/dcat.jsonld``: the catalog with one dcat:Dataset per public activity, and the sectors."""
    cfg = model.config
    walidata = cfg.walidata
    node = {
        "@id": model.url("api/dcat.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": text(f"Katalog Metadata Statistik Sektoral {cfg.pemda}"),
        "dct:description": text(f"Metadata kegiatan statistik sektoral {cfg.pemda} yang telah disetujui BPS."),
        "dct:publisher": catalog_publisher(model),
        "dcat:contactPoint": contact(str(walidata.get("nama", "")), walidata.get("email"), walidata.get("situs")),
        "foaf:homepage": ref(model.url(), "foaf:Document"),
        "dct:language": ref(LANGUAGE, "dct:LinguisticSystem"),
        "dct:license": licence(model),
        "dcat:themeTaxonomy": [
            {
                "@id": DATA_THEME,
                "@type": "skos:ConceptScheme",
                "dct:title": {"@value": "Data theme", "@language": "en"},
            },
            ref(model.url("sektor/")),
        ],
        "dcat:dataset": [dataset(model, a) for a in model.activities],
    }
    return {"@context": CONTEXT, "@graph": [node, *sector_scheme(model)]}


def activity_document(model: CatalogModel, a: Activity) -> dict:
    """One activity's dataset as a JSON-LD document of its own (``…/dcat.jsonld`` beside its files)."""
    return {"@context": CONTEXT, **dataset(model, a)}
