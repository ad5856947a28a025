"""Catalog model → CKAN package dicts (``api/ckan.json``) with the Satu Data Indonesia fields.

Each public activity becomes one CKAN package in the shape ``package_create`` takes: name,
title, notes, licence, organization (the OPD), group (the sector), tags (variables), resources
(the activity's download files) and ``extras`` with the identifiers and reference codes a
national or regional Satu Data portal keeps: the activity's identifier here (MS-Keg path), its
BPS/Indah *Kode Kegiatan*, the recommendation identity, the sector code (Peraturan BPS 5/2020),
the codes of the collection method and statistics type as printed on the form, the areas of
4.5 and the producer's region code (BPS and Kemendagri). The field names of the extras are the
schema keys (``sdi_`` + key) so a portal can map them without a second list.
"""

from __future__ import annotations

import re

from .downloads import activity_downloads
from .model import Activity, CatalogModel
from .urls import activity_url, slugify

LICENCES = {  # SPDX (katalog.yaml lisensi.nama) → CKAN's default licence register ids
    "CC-BY-4.0": "cc-by",
    "CC-BY-SA-4.0": "cc-by-sa",
    "CC0-1.0": "cc-zero",
    "ODbL-1.0": "odc-odbl",
    "ODC-By-1.0": "odc-by",
    "PDDL-1.0": "odc-pddl",
}


def tag(name: str) -> str:
    """A CKAN tag: letters, digits, spaces, '-', '_' and '.' only, at most 100 characters."""
    return " ".join(re.sub(r"[^\w \-.]+", "-", name).split())[:100].strip()


def package_name(a: Activity) -> str:
    """A CKAN package name: lowercase letters, digits, '-' and '_', at most 100 characters."""
    return a.ident.replace("/", "--")[:100]


def _code(model: CatalogModel, key: str, value) -> str:
    codes = (model.schemas["kegiatan"].subschema((key,)) or {}).get("x-kode") or {}
    return str(codes[value]) if value in codes else ""


def _region(model: CatalogModel, code: str) -> tuple[str, str]:
    row = model.schemas.codelists["wilayah"].lookup().get(code) if "wilayah" in model.schemas.codelists else None
    return (row["nama"], row.get("kode_kemendagri") or "") if row else ("", "")


def package(model: CatalogModel, a: Activity) -> dict:
    opd = model.opds[a.opd]
    data = a.data
    cfg = model.config
    sector = (
        model.schemas.codelists["sektor"].lookup("nama").get(a.sector) if "sektor" in model.schemas.codelists else None
    )
    region = str(opd.data.get("kode_wilayah") or cfg.kode_wilayah or "")
    region_name, region_kemendagri = _region(model, region)
    areas = [
        str(r.get("kabupaten_kota") or r.get("provinsi"))
        for r in (data.get("desain_kegiatan") or {}).get("wilayah_kegiatan") or []
        if isinstance(r, dict) and (r.get("kabupaten_kota") or r.get("provinsi"))
    ]
    extras = {
        "sdi_id_kegiatan": a.ident,
        "sdi_kode_kegiatan": str(data.get("kode_kegiatan") or ""),
        "sdi_identitas_rekomendasi": str(data.get("identitas_rekomendasi") or ""),
        "sdi_tahun": str(a.year or ""),
        "sdi_jenis_statistik": str(data.get("jenis_statistik") or ""),
        "sdi_cara_pengumpulan_data": str(data.get("cara_pengumpulan_data") or ""),
        "sdi_kode_cara_pengumpulan_data": _code(model, "cara_pengumpulan_data", data.get("cara_pengumpulan_data")),
        "sdi_sektor_kegiatan": a.sector,
        "sdi_kode_sektor_kegiatan": str(sector["kode"]) if sector else "",
        "sdi_wilayah_kegiatan": "; ".join(areas),
        "sdi_kode_wilayah_produsen": region,
        "sdi_nama_wilayah_produsen": region_name,
        "sdi_kode_wilayah_produsen_kemendagri": region_kemendagri,
        "sdi_produsen_data": opd.name,
        "sdi_walidata": str(cfg.walidata.get("nama") or ""),
        "sdi_tanggal_disetujui_bps": a.approved or "",
        "sdi_standar_metadata": "Peraturan BPS Nomor 5 Tahun 2020",
        "uri": model.url(activity_url(a)) + "#dataset",
    }
    return {
        "name": package_name(a),
        "title": a.title,
        "notes": str((data.get("perencanaan") or {}).get("tujuan") or a.title),
        "url": model.url(activity_url(a)),
        "version": str(a.year or ""),
        "license_id": LICENCES.get(str(cfg.lisensi["nama"]), "other-open"),
        "license_url": str(cfg.lisensi["url"]),
        "owner_org": a.opd,
        "organization": {"name": a.opd, "title": opd.name},
        "author": opd.name,
        "author_email": str(opd.data.get("email") or ""),
        "maintainer": str(cfg.walidata.get("nama") or ""),
        "maintainer_email": str(cfg.walidata.get("email") or ""),
        "groups": [{"name": slugify(a.sector), "title": a.sector}] if a.sector else [],
        "tags": [{"name": t} for t in dict.fromkeys(tag(v.name) for v in a.variables) if len(t) >= 2],
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v],
        "resources": [
            {"name": d.label, "url": model.url(d.path), "format": d.format, "mimetype": d.media_type}
            for d in activity_downloads(model, a)
        ],
    }


def packages(model: CatalogModel) -> dict:
    return {
        "keterangan": "Paket CKAN (package_create) per kegiatan, dengan isian Satu Data Indonesia di extras.",
        "sumber": model.url("api/ckan.json"),
        "packages": [package(model, a) for a in model.activities],
    }
