"""Open-data exports in site/api: JSON, CSV in form order, Frictionless, DCAT-AP, schema.org."""

from __future__ import annotations

import csv
import json
import re

import rdflib
from conftest import ACTIVITY, KOMPROMIN, PUBLIC_ALUR, SURVEI, VARIABEL, events
from frictionless import Package

from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.publish.exports import columns

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def test_csv_columns_follow_the_form_and_package_validates(portal):
    site = portal.build()
    schemas = Schemas(BUNDLED)
    with open(site / "api/kegiatan.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[:2] == ["id", "opd"]
    assert header[2:] == [key for key, _ in columns(schemas["kegiatan"])]
    assert header.index("desain_kegiatan.frekuensi") < header.index("desain_sampel.jenis_rancangan_sampel")
    report = Package(str(site / "api/datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((site / "api/datapackage.json").read_text())
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["desain_kegiatan.frekuensi"]["title"].endswith("Frekuensi Penyelenggaraan")
    assert fields["desain_kegiatan.frekuensi"]["description"].startswith("[4.2]")


def test_per_record_json(portal):
    site = portal.build()
    record = json.loads((site / "api/kegiatan/dinkes/2025-profil-kesehatan.json").read_text())
    assert record["ms_keg"]["judul_kegiatan"] == KOMPROMIN["judul_kegiatan"]
    assert [v["nama"] for v in record["ms_var"]] == ["Jumlah kelahiran hidup"]
    assert "alur" not in record["ms_keg"] and "nama" not in record["ms_keg"]["penanggung_jawab"]["teknis"]
    variable = json.loads((site / "api/variabel/dinkes/2025-profil-kesehatan/jumlah-kelahiran-hidup.json").read_text())
    assert variable["definisi"] == VARIABEL["definisi"]
    index = json.loads((site / "api/katalog.json").read_text())
    assert [k["id"] for k in index["kegiatan"]] == ["dinkes/2025-profil-kesehatan"]


def test_dcat_catalog_is_valid_json_ld(portal):
    site = portal.build()  # the site URL comes from katalog.yaml
    graph = rdflib.Graph().parse(site / "api/dcat.jsonld", format="json-ld")
    datasets = list(graph.subjects(rdflib.RDF.type, DCAT.Dataset))
    page = "https://satudata.example.go.id/metadata/kegiatan/dinkes/2025-profil-kesehatan/"
    assert [str(d) for d in datasets] == [page + "#dataset"]
    assert str(graph.value(datasets[0], DCAT.landingPage)) == page
    assert str(graph.value(datasets[0], DCT.title)) == KOMPROMIN["judul_kegiatan"]
    assert (None, DCAT.downloadURL, None) in graph
    catalogs = list(graph.subjects(rdflib.RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1 and (catalogs[0], DCAT.dataset, datasets[0]) in graph


def test_schema_org_in_activity_page_cannot_break_out(portal):
    title = "Kompilasi Produk Administrasi </script><script>alert(1)</script> Sehat"
    portal.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR, "judul_kegiatan": title})
    site = portal.build()
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    (blob,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    doc = json.loads(blob)
    assert doc["@type"] == "Dataset" and doc["name"] == title
    assert doc["variableMeasured"] == ["Jumlah kelahiran hidup", "Angka Kematian Bayi"]
    assert "<script>alert" not in page


def test_csv_cells_cannot_run_as_formulas(portal):
    portal.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"definisi": "=cmd|' /C calc'!A0"})
    site = portal.build()
    with open(site / "api/variabel.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["nama"] == "Jumlah kelahiran hidup")
    assert row["definisi"] == "'=cmd|' /C calc'!A0"


def test_public_workbook_has_public_records_only(portal):
    from openpyxl import load_workbook

    portal.write(f"{ACTIVITY}/variabel/nik-responden.yaml", VARIABEL | {"nama": "NIK Responden", "akses_umum": "Tidak"})
    site = portal.build()
    book = load_workbook(site / "api/katalog.xlsx")
    values = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Jumlah kelahiran hidup" in values and "Angka Kematian Bayi" in values
    for secret in ("NIK Responden", "Survei Draf Rahasia", "Siti Aminah", "siti@example.org"):
        assert not any(secret in v for v in values), secret


def test_public_workbook_reads_back_as_the_published_records(portal):
    from openpyxl import load_workbook

    from pipeline.excel.workbook import Column, build_layout, convert, read_workbook
    from pipeline.publish.exports import model_catalog
    from pipeline.publish.model import build_model
    from pipeline.read.catalog import data_at, load_catalog

    alur = events(1, 2, 3, 4, 5, 6, 7, 8, 9, 11)  # a survey needs BPS's recommendation
    survei = SURVEI | {"alur": alur, "desain_sampel": SURVEI["desain_sampel"] | {"fraksi_sampel": 1.0}}
    portal.write(f"{ACTIVITY}/kegiatan.yaml", survei)
    formula = "=cmd|' /C calc'!A0"
    portal.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"definisi": formula, "satuan": "0042"})
    site = portal.build()
    schemas = Schemas.find(portal.root)
    layout = build_layout(schemas)
    book = read_workbook(site / "api/katalog.xlsx", layout)
    assert book.findings == []
    published = model_catalog(build_model(load_catalog(portal.root), schemas), portal.root)
    assert sorted((r.kind, r.ident) for r in book.records) == sorted(
        (r.kind, r.ident) for r in published.records.values()
    )
    assert "dinkes/2025-survei-draf" not in {r.ident for r in book.records}
    for rows in book.records:
        data = published.get(rows.kind, rows.ident).data
        for path, target in layout.leaves(rows.kind):
            if isinstance(target, Column):
                got, want = convert(target, rows.main.content(target.key)), data_at(data, path)
                assert repr(got) == repr(want), (rows.ident, path)  # repr: 1.0 is not 1
                continue
            mine = [r for r in rows.items.get(target.name, []) if not target.phases or r.content("fase") == path[-1]]
            got = [[convert(c, r.content(c.key)) for c in target.data_columns] for r in mine]
            want = [[data_at(item, c.path) for c in target.data_columns] for item in data_at(data, path) or []]
            assert repr(got) == repr(want), (rows.ident, path)
    # formula text stays a quoted text cell; codes keep their leading zeros; 1.0 stays a float
    ws = load_workbook(site / "api/katalog.xlsx")["MS-Var"]
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if c.value is not None}
    assert cells[formula].data_type == "s" and cells[formula].quotePrefix
    assert cells["0042"].data_type == "s"
    assert ws.freeze_panes == "D3"


def test_each_activity_workbook_is_the_writers_workbook_of_its_records(portal, tmp_path):
    """metadata.xlsx is cut from the catalog workbook: the sheets, cells and cell formats the writer gives
    for the activity's own records, and it imports as exactly those records."""
    import zipfile

    from openpyxl import load_workbook

    from pipeline.excel.workbook import build_layout, read_workbook, write_public_workbook
    from pipeline.publish.exports import fix_zip_times, model_catalog
    from pipeline.publish.model import build_model
    from pipeline.read.catalog import load_catalog

    other = "metadata/dinkes/2024-profil-kesehatan"
    portal.write(f"{other}/kegiatan.yaml", KOMPROMIN | {"tahun": 2024, "alur": PUBLIC_ALUR})
    portal.write(f"{other}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
    # a styled cell (formula text, quoted) in one activity only: the catalog's styles are a superset
    bidan = VARIABEL | {"nama": "Jumlah bidan", "satuan": "0042", "definisi": "=SUM(A1)"}
    portal.write(f"{other}/variabel/jumlah-bidan.yaml", bidan)
    portal.write(f"{ACTIVITY}/variabel/nik-responden.yaml", VARIABEL | {"nama": "NIK Responden", "akses_umum": "Tidak"})
    site = portal.build()
    schemas = Schemas.find(portal.root)
    layout = build_layout(schemas)
    model = build_model(load_catalog(portal.root), schemas)
    assert len(model.activities) == 2

    def cells(book):
        return {ws.title: [(c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix, c.font.b,
                            c.fill.fgColor.rgb, c.alignment.wrap_text, c.protection.locked)
                           for row in ws.iter_rows() for c in row] for ws in book.worksheets}  # fmt: skip

    for a in model.activities:
        path = site / "api/kegiatan" / a.ident / "metadata.xlsx"
        assert zipfile.ZipFile(path).testzip() is None
        book = read_workbook(path, layout)
        assert book.findings == []
        mine = {("opd", a.opd), ("kegiatan", a.ident), *((i.kind, i.ident) for i in (*a.variables, *a.indicators))}
        assert {(r.kind, r.ident) for r in book.records} == mine
        alone = tmp_path / "alone.xlsx"
        write_public_workbook(alone, layout, model_catalog(model, portal.root, [a]))
        fix_zip_times(alone)
        cut, written = load_workbook(path), load_workbook(alone)
        assert cut.sheetnames == written.sheetnames
        assert cells(cut) == cells(written), a.ident
        assert [ws.freeze_panes for ws in cut.worksheets] == [ws.freeze_panes for ws in written.worksheets]
    quoted = load_workbook(site / "api/kegiatan/dinkes/2024-profil-kesehatan/metadata.xlsx")["MS-Var"]
    assert any(c.value == "=SUM(A1)" and c.quotePrefix for row in quoted.iter_rows() for c in row)
