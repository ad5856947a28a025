"""The download files of each activity: one list that the exports write and the pages link.

:func:`activity_downloads` says which files an activity offers (label in Indonesian, format,
path in the built site, media type). :mod:`pipeline.publish.exports` writes exactly these files,
the DCAT-AP, data.json and CKAN exports describe them as distributions, and the activity page
links them, so a page never links a file that was not written.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Activity, CatalogModel

# format → (IANA media type, EU file-type code: http://publications.europa.eu/resource/authority/file-type/…)
FORMATS = {
    "JSON": ("application/json", "JSON"),
    "CSV": ("text/csv", "CSV"),
    "XLSX": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "JSON-LD": ("application/ld+json", "JSON_LD"),
    "XML": ("application/xml", "XML"),
}
SURVEY = "Survei"  # cara_pengumpulan_data of the activities that get a DDI Codebook


@dataclass(frozen=True)
class Download:
    label: str  # for people, in Indonesian
    format: str  # a key of FORMATS
    path: str  # relative to the site root, e.g. api/kegiatan/dinkes/2025-profil-kesehatan/ms-keg.csv
    media_type: str
    isi: str  # what the file holds: semua, ms-keg, ms-var, ms-ind, dcat, ddi, datapackage, data

    @property
    def file_type(self) -> str:
        """The EU file-type authority code (DCAT-AP ``dct:format``)."""
        return FORMATS[self.format][1]


def folder(a: Activity) -> str:
    """Where an activity's download files live in the site."""
    return f"api/kegiatan/{a.ident}/"


def record_path(a: Activity) -> str:
    """The activity's JSON record (MS-Keg with its MS-Var and MS-Ind)."""
    return f"api/kegiatan/{a.ident}.json"


def is_survey(a: Activity) -> bool:
    return a.data.get("cara_pengumpulan_data") == SURVEY


def _dl(label: str, fmt: str, path: str, isi: str) -> Download:
    return Download(label, fmt, path, FORMATS[fmt][0], isi)


def activity_downloads(model: CatalogModel, a: Activity) -> list[Download]:
    """Every download file of ``a``, in the order the page lists them."""
    base = folder(a)
    out = [
        _dl("MS-Keg, MS-Var dan MS-Ind (JSON)", "JSON", record_path(a), "semua"),
        _dl("MS-Keg, MS-Var dan MS-Ind (Excel)", "XLSX", base + "metadata.xlsx", "semua"),
        _dl("MS-Keg (CSV)", "CSV", base + "ms-keg.csv", "ms-keg"),
    ]
    if a.variables:
        out.append(_dl("MS-Var (CSV)", "CSV", base + "ms-var.csv", "ms-var"))
    if a.indicators:
        out.append(_dl("MS-Ind (CSV)", "CSV", base + "ms-ind.csv", "ms-ind"))
    out.append(_dl("DCAT-AP 3 (JSON-LD)", "JSON-LD", base + "dcat.jsonld", "dcat"))
    if is_survey(a):
        out.append(_dl("DDI Codebook 2.5 (XML)", "XML", base + "ddi.xml", "ddi"))
    for f in a.data_files:
        out.append(_dl(f"Data {f.name} (CSV)", "CSV", base + "data/" + f.name, "data"))
    out.append(_dl("Paket data Frictionless (JSON)", "JSON", base + "datapackage.json", "datapackage"))
    return out
