"""A survey → DDI Codebook 2.5 XML (``api/kegiatan/<id>/ddi.xml``), the format NADA imports.

The study description comes from MS-Keg (title, producer, objectives, time, area, design, sample,
collection mode) and one ``var`` per public MS-Var (label, question, definition, concept, codes,
type). Element order follows the DDI Codebook 2.5 XML Schema, which the test suite validates
every file against.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .model import Activity, CatalogModel
from .urls import activity_url

NS = "ddi:codebook:2_5"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NUMERIC = {"Integer", "Float", "Numerik"}


NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0 Char


def _xml(value) -> str:
    return NOT_XML.sub("\ufffd", str(value))


def _add(parent: ET.Element, tag: str, text=None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}", {k: _xml(v) for k, v in attrs.items() if v not in (None, "")})
    if text not in (None, ""):
        el.text = _xml(text)
    return el


def _join(values) -> str:
    return "; ".join(str(v) for v in values) if isinstance(values, list) else str(values or "")


def _periods(jadwal: dict, phase: str):
    for row in (jadwal or {}).get(phase) or []:
        if isinstance(row, dict):
            yield str(row.get("awal") or ""), str(row.get("akhir") or "")


def codebook(model: CatalogModel, a: Activity) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}codeBook", {"version": "2.5", "ID": "DDI-" + a.ident.replace("/", "-"), XML_LANG: "id"})
    page = model.url(activity_url(a))
    doc_cit = _add(_add(root, "docDscr"), "citation")
    _add(_add(doc_cit, "titlStmt"), "titl", a.title)
    _add(_add(doc_cit, "prodStmt"), "producer", str(model.config.walidata.get("nama") or model.config.pemda))
    _add(doc_cit, "holdings", "Katalog metadata statistik sektoral", URI=page)
    study = _add(root, "stdyDscr")
    _citation(_add(study, "citation"), model, a, page)
    _study_info(_add(study, "stdyInfo"), model, a)
    _method(_add(study, "method"), a.data)
    _variables(_add(root, "dataDscr"), a)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _citation(cit: ET.Element, model: CatalogModel, a: Activity, page: str) -> None:
    data, cfg, opd = a.data, model.config, model.opds[a.opd]
    titles = _add(cit, "titlStmt")
    _add(titles, "titl", a.title)
    _add(titles, "IDNo", a.ident, agency=cfg.pemda)
    if data.get("kode_kegiatan"):
        _add(titles, "IDNo", data["kode_kegiatan"], agency="BPS")
    if data.get("identitas_rekomendasi"):
        _add(titles, "IDNo", data["identitas_rekomendasi"], agency="BPS (rekomendasi kegiatan statistik)")
    _add(_add(cit, "rspStmt"), "AuthEnty", opd.name, affiliation=cfg.pemda)
    prod = _add(cit, "prodStmt")
    _add(prod, "producer", opd.name, abbr=opd.data.get("singkatan"), role="Produsen data")
    if a.year:
        _add(prod, "prodDate", a.year, date=a.year)
    _add(_add(cit, "distStmt"), "distrbtr", str(cfg.walidata.get("nama") or ""), URI=cfg.walidata.get("situs"))
    _add(cit, "holdings", a.title, URI=page)


def _study_info(info: ET.Element, model: CatalogModel, a: Activity) -> None:
    data = a.data
    plan = data.get("perencanaan") or {}
    subject = _add(info, "subject")
    for v in a.variables:
        _add(subject, "keyword", v.name)
    if a.sector:
        _add(subject, "topcClas", a.sector, vocab="Sektor Kegiatan (Peraturan BPS Nomor 5 Tahun 2020)")
    abstract = "\n\n".join(str(x) for x in (plan.get("latar_belakang"), plan.get("tujuan")) if x)
    if abstract:
        _add(info, "abstract", abstract)
    summary = _add(info, "sumDscr")
    if a.year:
        _add(summary, "timePrd", a.year, event="start", date=f"{a.year}-01-01")
        _add(summary, "timePrd", a.year, event="end", date=f"{a.year}-12-31")
    for start, end in _periods(plan.get("jadwal"), "pengumpulan_data"):
        _add(summary, "collDate", start, event="start", date=start)
        _add(summary, "collDate", end, event="end", date=end)
    _add(summary, "nation", "Indonesia", abbr="IDN")
    names = model.schemas.codelists["wilayah"].lookup() if "wilayah" in model.schemas.codelists else {}
    for row in (data.get("desain_kegiatan") or {}).get("wilayah_kegiatan") or []:
        code = str((row.get("kabupaten_kota") or row.get("provinsi") or "") if isinstance(row, dict) else "")
        if code:
            _add(summary, "geogCover", (names.get(code) or {}).get("nama", code))
    analysis = data.get("pengolahan_analisis") or {}
    for unit in [u for u in analysis.get("unit_analisis") or [] if u != "Lainnya"] + [
        analysis.get("unit_analisis_lainnya")
    ]:
        if unit:
            _add(summary, "anlyUnit", unit)
    if (data.get("desain_sampel") or {}).get("unit_observasi"):
        _add(summary, "universe", data["desain_sampel"]["unit_observasi"])
    _add(summary, "dataKind", data.get("cara_pengumpulan_data"))


def _method(method: ET.Element, data: dict) -> None:
    design = data.get("desain_kegiatan") or {}
    sample = data.get("desain_sampel") or {}
    collect = data.get("pengumpulan_data") or {}
    coll = _add(method, "dataColl")
    _add(coll, "timeMeth", design.get("tipe_pengumpulan_data"))
    _add(coll, "dataCollector", collect.get("petugas"))
    if collect.get("pelatihan_petugas"):
        _add(coll, "collectorTraining", f"Pelatihan petugas: {collect['pelatihan_petugas']}")
    _add(coll, "frequenc", design.get("frekuensi") or design.get("kegiatan_dilakukan"))
    procedure = [sample.get(k) for k in ("jenis_rancangan_sampel", "metode_pemilihan_sampel", "metode_sampel")]
    if any(procedure):
        _add(coll, "sampProc", "; ".join(str(p) for p in procedure if p))
    if sample.get("kerangka_sampel"):
        _add(_add(coll, "sampleFrame"), "sampleFrameName", sample["kerangka_sampel"])
    modes = [*(design.get("metode_pengumpulan_data") or []), *(design.get("sarana_pengumpulan_data") or [])]
    if modes:
        _add(coll, "collMode", _join(modes))
    notes = []
    if sample.get("fraksi_sampel") is not None:
        notes.append(f"Fraksi sampel keseluruhan: {sample['fraksi_sampel']}")
    if sample.get("sampling_error") is not None:
        notes.append(f"Perkiraan sampling error variabel utama: {sample['sampling_error']}%")
    if notes:
        _add(method, "notes", "; ".join(notes))
    analysis = data.get("pengolahan_analisis") or {}
    if analysis.get("metode_analisis"):
        _add(_add(method, "anlyInfo"), "dataAppr", analysis["metode_analisis"])


def _variables(data_dscr: ET.Element, a: Activity) -> None:
    for i, v in enumerate(a.variables, start=1):
        d = v.data
        numeric = d.get("tipe_data") in NUMERIC
        var = _add(data_dscr, "var", ID=f"V{i}", name=v.slug, intrvl="contin" if numeric else "discrete")
        _add(var, "labl", v.name)
        if d.get("kalimat_pertanyaan"):
            _add(_add(var, "qstn"), "qstnLit", d["kalimat_pertanyaan"])
        if d.get("definisi"):
            _add(var, "txt", d["definisi"])
        for item in d.get("klasifikasi_isian") or []:
            if isinstance(item, dict) and "kode" in item:
                cat = _add(var, "catgry")
                _add(cat, "catValu", item["kode"])
                _add(cat, "labl", item.get("nilai"))
        if d.get("konsep"):
            _add(var, "concept", d["konsep"])
        _add(var, "varFormat", type="numeric" if numeric else "character")
