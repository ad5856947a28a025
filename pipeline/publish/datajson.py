"""Catalog model → ``api/data.json``: Project Open Data metadata schema v1.1 (DCAT-US 1.1).

Many harvesters (CKAN's ckanext-datajson, data.gov-style portals) read this file. POD v1.1
requires two US-federal codes, ``bureauCode`` and ``programCode`` (OMB); an Indonesian catalog
has none, so they carry the placeholders ``000:00`` and ``000:000`` that the schema's patterns
accept. Themes are the EU data theme labels of each sector and the sector itself.
"""

from __future__ import annotations

from . import dcat
from .downloads import activity_downloads
from .model import CatalogModel
from .urls import activity_url

POD = "https://project-open-data.cio.gov/v1.1/schema"
NO_BUREAU, NO_PROGRAM = "000:00", "000:000"  # US OMB codes: not applicable, but required by POD 1.1
PERIODICITY = {  # MS-Keg 4.2 → ISO 8601 repeating durations (POD accrualPeriodicity)
    "Harian": "R/P1D",
    "Mingguan": "R/P1W",
    "Bulanan": "R/P1M",
    "Triwulanan": "R/P3M",
    "Empat Bulanan": "R/P4M",
    "Semesteran": "R/P6M",
    "Tahunan": "R/P1Y",
    "Lebih dari Dua Tahunan": "irregular",
}


def catalog(model: CatalogModel) -> dict:
    cfg = model.config
    datasets = []
    for a in model.activities:
        opd = model.opds[a.opd]
        design = a.data.get("desain_kegiatan") or {}
        row = dcat.sector_row(model, a)
        ds = {
            "@type": "dcat:Dataset",
            "title": a.title,
            "description": dcat.description(a),
            "keyword": list(dict.fromkeys(k for k in [a.sector, *(v.name for v in a.variables)] if k)) or [a.title],
            "modified": a.approved or (str(a.year) if a.year else ""),
            "publisher": {
                "@type": "org:Organization",
                "name": opd.name,
                "subOrganizationOf": {"@type": "org:Organization", "name": cfg.pemda},
            },
            "contactPoint": {"@type": "vcard:Contact", "fn": opd.name},
            "identifier": model.url(activity_url(a)) + "#dataset",
            "accessLevel": "public",
            "bureauCode": [NO_BUREAU],
            "programCode": [NO_PROGRAM],
            "license": str(cfg.lisensi["url"]),
            "landingPage": model.url(activity_url(a)),
            "language": ["id"],
            "conformsTo": dcat.PERBAN5,
            "theme": [a.sector] if a.sector else None,
            "distribution": [
                {
                    "@type": "dcat:Distribution",
                    "title": d.label,
                    "downloadURL": model.url(d.path),
                    "mediaType": d.media_type,
                    "format": d.format,
                }
                for d in activity_downloads(model, a)
            ],
        }
        email = opd.data.get("email") or cfg.walidata.get("email")
        if email:
            ds["contactPoint"]["hasEmail"] = f"mailto:{email}"
        if a.year:
            ds["temporal"] = f"{a.year}-01-01/{a.year}-12-31"
        if design.get("frekuensi") in PERIODICITY:
            ds["accrualPeriodicity"] = PERIODICITY[design["frekuensi"]]
        if row and row.get("tema_eu"):
            ds["theme"] = [a.sector, row["tema_eu"]]
        if not ds["modified"]:
            del ds["modified"]
        datasets.append({k: v for k, v in ds.items() if v is not None})
    return {
        "@context": POD + "/catalog.jsonld",
        "@id": model.url("api/data.json"),
        "@type": "dcat:Catalog",
        "conformsTo": POD,
        "describedBy": POD + "/catalog.json",
        "dataset": datasets,
    }
