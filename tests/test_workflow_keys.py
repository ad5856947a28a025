"""``"x-alur": true`` marks record properties that are the SOP's workflow, not form content: every stage
reads the mark from the schema, so a catalog's own schema can add one and nothing else changes."""

from __future__ import annotations

import json
import shutil

import openpyxl
from conftest import ACTIVITY, KOMPROMIN, PUBLIC_ALUR, GitCatalog, PortalBuilder
from xlsxtools import export, import_

from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.workflow.checkpr import check_pr
from pipeline.workflow.diff import diff

MARK = "Catatan-proses-rahasia-7f3a"
PROSES = {"type": "object", "x-alur": True, "title": "Proses internal", "properties": {"catatan": {"type": "string"}}}


def own_schemas(root):
    """The bundled schemas plus a second workflow property, ``proses``, on MS-Keg."""
    shutil.copytree(BUNDLED, root / "schemas")
    path = root / "schemas" / "kegiatan.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["proses"] = PROSES
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return Schemas.find(root)


def test_the_bundled_schema_marks_alur():
    rs = Schemas(BUNDLED)["kegiatan"]
    assert rs.workflow_keys == {"alur"}
    assert rs.content(KOMPROMIN | {"alur": PUBLIC_ALUR}) == KOMPROMIN
    assert all(not Schemas(BUNDLED)[k].workflow_keys for k in ("opd", "variabel", "indikator"))


def test_a_marked_property_stays_out_of_the_portal_search_and_exports(tmp_path):
    portal = PortalBuilder(tmp_path)
    portal.schemas = own_schemas(tmp_path)
    portal.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR, "proses": {"catatan": MARK}})
    site = portal.build()
    assert (site / "kegiatan" / "dinkes" / "2025-profil-kesehatan" / "index.html").is_file()
    leaked = [p for p in site.rglob("*") if p.is_file() and MARK.encode() in p.read_bytes()]
    assert leaked == []


def test_a_marked_property_is_no_column_and_survives_an_import(tmp_path):
    root = tmp_path / "katalog"
    portal = PortalBuilder(root)
    own_schemas(root)
    path = portal.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"proses": {"catatan": MARK}})
    xlsx = export(root, tmp_path / "ekspor.xlsx")
    keys = [c.value for c in openpyxl.load_workbook(xlsx)["MS-Keg"][2]]
    assert "proses" not in keys and not any(str(k).startswith("proses") for k in keys if k)
    result = import_(xlsx, root)
    assert result.exit_code == 0, result.output
    assert MARK in path.read_text(encoding="utf-8")


def test_review_and_diff_ignore_a_change_of_a_marked_property(tmp_path):
    repo = GitCatalog(tmp_path / "katalog")
    own_schemas(repo.root)
    repo.commit("skema sendiri")
    base = repo.git("rev-parse", "HEAD")
    repo.branch("proses")
    repo.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"proses": {"catatan": MARK}})
    head = repo.commit("catatan proses")
    assert diff(repo.root, base, head).to_dict()["rekaman"] == []
    report = check_pr(repo.root, base, head, "dinkes-pasuruan")  # the base's own schemas mark proses
    assert report.perubahan.records == [] and report.ok
    # the same diff sees a change of content
    repo.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"proses": {"catatan": MARK}, "tahun": 2026})
    later = repo.commit("tahun")
    assert len(diff(repo.root, base, later).to_dict()["rekaman"]) == 1
    report = check_pr(repo.root, base, later, "dinkes-pasuruan")
    assert [".".join(map(str, c.path)) for r in report.perubahan.records for c in r.changes] == ["tahun"]
