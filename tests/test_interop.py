"""Interoperability on a real build of the sample catalog, checked by third-party validators:
DCAT-AP 3.0.1 SHACL shapes (pySHACL, core and full), the POD v1.1 JSON Schema (data.json),
ckanext-dcat's field list read with rdflib, Frictionless, the DDI Codebook 2.5 XSD (lxml), and
every absolute URL of every export resolved against the built tree."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import rdflib
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main
from pipeline.contract.schema import Schemas
from pipeline.publish.downloads import activity_downloads
from pipeline.publish.model import build_model
from pipeline.read.catalog import load_catalog

DATA = Path(__file__).parent / "data"
SHACL = DATA / "dcat-ap/releases/3.0.1/html/shacl"
# Core = the official validator's "Base Zero" profile; full = every 3.0.1 shape file (the official
# "Full" set plus the controlled-vocabulary shapes), with the EU authority tables' concepts as
# background knowledge (see tests/data/dcat-ap/SOURCE.md and tests/data/eu-vocab/SOURCE.md).
CORE = ["shapes.ttl"]
FULL = ["shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl", "mdr-vocabularies.shape.ttl"]
VOCABULARIES = [
    DATA / "eu-vocab/digst-modelcatalogue/models/xml/data-theme-skos-ap-act.rdf",
    DATA / "eu-vocab/europarl-open-data-beta-testing/controlled-vocabularies/filetypes-skos.rdf",
    DATA / "eu-vocab/metadata101-dcat-ap/resources/thesauri/theme/language.rdf",
    DATA / "eu-vocab/metadata101-dcat-ap/resources/thesauri/theme/frequency.rdf",
]
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
BASE = "https://satudata.pasuruankab.go.id/metadata/"  # the sample catalog's katalog.yaml url_situs


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The project's own sample catalog, built for publication (--terbit) as the workflow does."""
    root = tmp_path_factory.mktemp("contoh")
    for name in ("metadata", "docs"):
        shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "katalog.yaml"):
        shutil.copy(REPO / name, root / name)
    site = root / "site"
    result = CliRunner().invoke(main, ["build", str(root), "--keluar", str(site), "--terbit"])
    assert result.exit_code == 0, result.output
    model = build_model(load_catalog(root), Schemas.find(root))
    return root, site, model


def _shapes(files):
    graph = rdflib.Graph()
    for name in files:
        graph.parse(SHACL / name)
    return graph


@pytest.fixture(scope="module")
def background():
    """The concepts of the EU authority tables (type, labels, scheme): what the SEMIC validator's
    "background knowledge" supplies. The tables' scheme descriptions are left out (the redistributed
    dumps have no dct:title, which the shapes ask of every concept scheme in the data)."""
    out = rdflib.Graph()
    for path in VOCABULARIES:
        table = rdflib.Graph().parse(path)
        for concept in set(table.subjects(rdflib.RDF.type, SKOS.Concept)):
            for triple in table.triples((concept, None, None)):
                out.add(triple)
    return out


def _violations(data: rdflib.Graph, shapes: rdflib.Graph) -> list[str]:
    import pyshacl

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    out = []
    for rep in report.subjects(rdflib.RDF.type, SH.ValidationReport):
        for result in report.objects(rep, SH.result):
            if report.value(result, SH.resultSeverity) == SH.Violation:
                path = report.value(result, SH.resultPath)
                out.append(f"{report.value(result, SH.focusNode)} {path} {report.value(result, SH.resultMessage)}")
    return out


def _dcat_files(site: Path) -> list[Path]:
    return [site / "api/dcat.jsonld", *sorted((site / "api/kegiatan").rglob("dcat.jsonld"))]


@pytest.mark.parametrize("profile", ["core", "full"])
def test_dcat_ap_3_shapes_find_no_violation(sample, background, profile):
    _, site, model = sample
    shapes = _shapes(CORE if profile == "core" else FULL)
    files = _dcat_files(site)
    assert len(files) == 1 + len(model.activities)
    for path in files:
        data = rdflib.Graph().parse(path, format="json-ld")
        if profile == "full":
            data += background
        assert _violations(data, shapes) == [], path.relative_to(site)


def test_the_shapes_do_catch_a_literal_theme_and_a_missing_publisher(sample, background):
    """The validators are live: the faults issue 13 found in the old export are violations."""
    _, site, _ = sample
    data = rdflib.Graph().parse(site / "api/dcat.jsonld", format="json-ld")
    catalog = next(data.subjects(rdflib.RDF.type, DCAT.Catalog))
    data.remove((catalog, DCT.publisher, None))
    dataset = next(data.subjects(rdflib.RDF.type, DCAT.Dataset))
    data.remove((dataset, DCAT.theme, None))
    data.add((dataset, DCAT.theme, rdflib.Literal("Kesehatan", lang="id")))
    core = _violations(data, _shapes(CORE))
    assert any("publisher" in v for v in core)
    assert any(str(DCAT.theme) in v for v in _violations(data + background, _shapes(FULL)))


def test_themes_formats_languages_and_e_mails_are_iris(sample):
    _, site, model = sample
    graph = rdflib.Graph().parse(site / "api/dcat.jsonld", format="json-ld")
    eu = "http://publications.europa.eu/resource/authority/"
    for dataset in graph.subjects(rdflib.RDF.type, DCAT.Dataset):
        themes = {str(t) for t in graph.objects(dataset, DCAT.theme)}
        assert any(t.startswith(eu + "data-theme/") for t in themes), themes
        assert any(t.startswith(BASE + "sektor/") for t in themes), themes  # the sector code list, linked
        assert str(graph.value(dataset, DCT.language)) == eu + "language/IND"
        for dist in graph.objects(dataset, DCAT.distribution):
            assert str(graph.value(dist, DCT["format"])).startswith(eu + "file-type/")
        email = graph.value(
            graph.value(dataset, DCAT.contactPoint), rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")
        )
        assert isinstance(email, rdflib.URIRef) and str(email).startswith("mailto:")
    sectors = {row["nama"]: row for row in Schemas.find(REPO).codelists["sektor"].rows}
    concept = rdflib.URIRef(BASE + "sektor/kesehatan/")
    assert str(graph.value(concept, SKOS.closeMatch)) == eu + "data-theme/" + sectors["Kesehatan"]["tema_eu"]
    assert str(graph.value(concept, SKOS.notation)) == sectors["Kesehatan"]["kode"]


def _pod_validator():
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    folder = DATA / "pod/v1.1/schema"
    registry = Registry()
    schemas = {}
    for path in folder.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name] = schema
        registry = registry.with_resource(schema["id"].rstrip("#"), Resource(schema, specification=DRAFT4))
    return Draft4Validator(schemas["catalog.json"], registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_data_json_is_valid_project_open_data_1_1(sample):
    _, site, model = sample
    doc = json.loads((site / "api/data.json").read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _pod_validator().iter_errors(doc)]
    assert errors == []
    assert len(doc["dataset"]) == len(model.activities)
    broken = json.loads(json.dumps(doc))
    del broken["dataset"][0]["publisher"]
    broken["dataset"][0]["distribution"][0]["mediaType"] = "CSV saja"
    assert len(list(_pod_validator().iter_errors(broken))) >= 2


def test_ckan_harvester_reads_every_dataset(sample):
    """The predicates ckanext-dcat's euro_dcat_ap profile reads (2.4.4, profiles/euro_dcat_ap_base.py
    _parse_dataset_base; see tests/data/README.md): title, notes, publisher, identifier, resources'
    URLs and the licence of the first distribution."""
    _, site, model = sample
    graph = rdflib.Graph().parse(site / "api/dcat.jsonld", format="json-ld")
    found = {}
    for dataset in graph.subjects(rdflib.RDF.type, DCAT.Dataset):
        dists = list(graph.objects(dataset, DCAT.distribution))
        found[str(graph.value(dataset, DCT.identifier))] = {
            "title": str(graph.value(dataset, DCT.title)),
            "notes": str(graph.value(dataset, DCT.description)),
            "publisher_name": str(graph.value(graph.value(dataset, DCT.publisher), FOAF.name)),
            "url": str(graph.value(dataset, DCAT.landingPage)),
            "resources": sorted(str(graph.value(d, DCAT.downloadURL)) for d in dists),
            "license": {str(graph.value(d, DCT.license)) for d in dists},
        }
    assert sorted(found) == sorted(a.ident for a in model.activities)
    for a in model.activities:
        got = found[a.ident]
        assert got["title"] == a.title
        assert got["notes"] == str(a.data["perencanaan"]["tujuan"])
        assert got["publisher_name"] == model.opds[a.opd].name
        assert got["url"] == BASE + f"kegiatan/{a.ident}/"
        assert got["resources"] == sorted(BASE + d.path for d in activity_downloads(model, a))
        assert got["license"] == {"https://creativecommons.org/licenses/by/4.0/"}


URL = re.compile(r"https?://[^\s\"'<>\\]+")


def _export_texts(site: Path):
    for path in sorted((site / "api").rglob("*")):
        if path.suffix in {".json", ".jsonld", ".csv", ".xml"}:
            yield path, path.read_text(encoding="utf-8")
    for path in sorted(site.rglob("index.html")):
        for blob in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', path.read_text(encoding="utf-8"), re.S
        ):
            yield path, blob


def test_every_url_of_every_export_resolves_to_a_built_file(sample):
    _, site, _ = sample
    checked = Counter()
    missing = []
    for path, text in _export_texts(site):
        for url in URL.findall(text):
            url = url.rstrip(".,;)")
            if not url.startswith(BASE):
                continue
            rel = unquote(urlsplit(url).path)[len(urlsplit(BASE).path) :]
            target = site / rel / "index.html" if rel == "" or rel.endswith("/") else site / rel
            checked[path.suffix] += 1
            if not target.is_file():
                missing.append(f"{path.relative_to(site)}: {url}")
    assert missing == []
    assert checked[".jsonld"] > 100 and checked[".json"] > 100 and checked[".html"] > 10 and checked[".xml"] > 0
    # no export carries a site path that is not absolute
    record = json.loads(next((site / "api/kegiatan").rglob("*.json")).read_text(encoding="utf-8"))
    assert record["halaman"].startswith(BASE)


def test_downloads_of_every_activity_exist_and_parse(sample):
    from openpyxl import load_workbook

    _, site, model = sample
    kinds = Counter()
    for a in model.activities:
        downloads = activity_downloads(model, a)
        assert len({d.path for d in downloads}) == len(downloads)
        for d in downloads:
            path = site / d.path
            assert path.is_file(), d.path
            kinds[d.format] += 1
            if d.format == "CSV":
                rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
                assert len(rows) >= 2, d.path
            elif d.format == "XLSX":
                book = load_workbook(path, read_only=True)
                assert "MS-Keg" in book.sheetnames
            elif d.format == "JSON":
                json.loads(path.read_text(encoding="utf-8"))
            elif d.format == "JSON-LD":
                assert len(rdflib.Graph().parse(path, format="json-ld")) > 20
            elif d.format == "XML":
                from lxml import etree

                etree.parse(str(path))
    assert set(kinds) == {"CSV", "XLSX", "JSON", "JSON-LD", "XML"}


def test_frictionless_packages_of_the_catalog_and_of_each_activity_validate(sample):
    from frictionless import Package

    _, site, model = sample
    packages = [site / "api/datapackage.json", *sorted((site / "api/kegiatan").rglob("datapackage.json"))]
    assert len(packages) == 1 + len(model.activities)
    with_data = 0
    for path in packages:
        report = Package(str(path)).validate()
        assert report.valid, (path, report.flatten(["rowNumber", "fieldName", "type", "note"]))
        with_data += any(r["path"].startswith("data/") for r in json.loads(path.read_text())["resources"])
    assert with_data >= 1  # the sample's rice data file is published with its Table Schema


def _ddi_schema():
    from lxml import etree

    xsd = DATA / "ddi/ddialliance-ddi-c_2-2.5.1/schemas/codebook.xsd"
    return etree.XMLSchema(etree.parse(str(xsd), etree.XMLParser(no_network=True)))


def test_surveys_have_a_ddi_codebook_valid_against_the_xsd(sample):
    from lxml import etree

    _, site, model = sample
    schema = _ddi_schema()
    surveys = [a for a in model.activities if a.data.get("cara_pengumpulan_data") == "Survei"]
    assert surveys
    for a in surveys:
        doc = etree.parse(str(site / f"api/kegiatan/{a.ident}/ddi.xml"))
        assert schema.validate(doc), schema.error_log
        ns = {"d": "ddi:codebook:2_5"}
        assert doc.findtext("d:stdyDscr/d:citation/d:titlStmt/d:titl", namespaces=ns) == a.title
        assert [v.get("name") for v in doc.findall("d:dataDscr/d:var", ns)] == [v.slug for v in a.variables]
    others = [a for a in model.activities if a not in surveys]
    assert not any((site / f"api/kegiatan/{a.ident}/ddi.xml").exists() for a in others)
    broken = etree.parse(str(site / f"api/kegiatan/{surveys[0].ident}/ddi.xml"))
    broken.getroot().insert(0, etree.Element("{ddi:codebook:2_5}tidakAda"))
    assert not schema.validate(broken)


def _built(site: Path, url: str) -> Path:
    rel = unquote(urlsplit(url).path)[len(urlsplit(BASE).path) :]
    return site / rel / "index.html" if rel == "" or rel.endswith("/") else site / rel


def test_the_sitemap_is_valid_against_the_sitemaps_org_schema_and_lists_every_page(sample):
    import gzip

    from lxml import etree

    _, site, model = sample
    xsd = etree.XMLSchema(etree.parse(str(DATA / "sitemaps/sitemap.xsd"), etree.XMLParser(no_network=True)))
    doc = etree.parse(str(site / "sitemap.xml"))
    assert xsd.validate(doc), xsd.error_log
    locs = [e.text for e in doc.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(set(locs)) and all(loc.startswith(BASE) for loc in locs)
    assert [loc for loc in locs if not _built(site, loc).is_file()] == []
    assert {BASE + f"kegiatan/{a.ident}/" for a in model.activities} <= set(locs)
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (site / "sitemap.xml").read_bytes()
    broken = etree.parse(str(site / "sitemap.xml"))
    broken.getroot()[0].insert(0, etree.Element("{http://www.sitemaps.org/schemas/sitemap/0.9}prioritas"))
    assert not xsd.validate(broken)


def test_the_atom_feed_has_what_rfc_4287_requires(sample):
    import datetime

    from lxml import etree

    _, site, model = sample
    atom = "{http://www.w3.org/2005/Atom}"
    feed = etree.parse(str(site / "feed.xml")).getroot()
    assert feed.tag == f"{atom}feed"

    def one(node, name):
        found = node.findall(f"{atom}{name}")
        assert len(found) == 1, name
        return found[0]

    def stamp(text):  # RFC 3339: a date-time with its offset
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)", text), text
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))

    assert one(feed, "id").text == BASE + "feed.xml" and one(feed, "title").text
    updated = stamp(one(feed, "updated").text)
    assert one(one(feed, "author"), "name").text
    assert {(e.get("rel"), e.get("href")) for e in feed.findall(f"{atom}link")} == {
        ("self", BASE + "feed.xml"), ("alternate", BASE)}  # fmt: skip
    entries = feed.findall(f"{atom}entry")
    assert entries and len({one(e, "id").text for e in entries}) == len(entries)
    for e in entries:
        assert one(e, "title").text and one(e, "summary").text
        link = one(e, "link")
        assert link.get("rel") == "alternate" and link.get("href") == one(e, "id").text
        assert _built(site, link.get("href")).is_file()
        assert stamp(one(e, "published").text) <= stamp(one(e, "updated").text) <= updated


def test_ckan_package_dicts_carry_the_sdi_fields(sample):
    _, site, model = sample
    doc = json.loads((site / "api/ckan.json").read_text(encoding="utf-8"))
    packages = {p["extras"][0]["value"]: p for p in doc["packages"]}
    a = next(a for a in model.activities if a.data.get("identitas_rekomendasi"))
    pkg = packages[a.ident]
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert re.fullmatch(r"[a-z0-9_-]{2,100}", pkg["name"])
    assert extras["sdi_identitas_rekomendasi"] == a.data["identitas_rekomendasi"]
    assert extras["sdi_kode_wilayah_produsen"] == "3514"
    assert extras["sdi_kode_wilayah_produsen_kemendagri"] == "35.14"
    assert extras["sdi_kode_sektor_kegiatan"] == "18"
    assert pkg["license_id"] == "cc-by" and pkg["owner_org"] == a.opd
    assert [r["url"] for r in pkg["resources"]] == [BASE + d.path for d in activity_downloads(model, a)]
    for tag in (t["name"] for p in doc["packages"] for t in p["tags"]):
        assert re.fullmatch(r"[\w \-.]{2,100}", tag), tag  # CKAN's tag rule


def test_publishing_build_needs_katalog_yaml(portal):
    (portal.root / "katalog.yaml").unlink()
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(portal.root / "site"), "--terbit"])
    assert result.exit_code == 1 and "[terbit-tanpa-url-situs]" in result.output
    assert not (portal.root / "site").exists()
    result = CliRunner().invoke(
        main, ["build", str(portal.root), "--keluar", str(portal.root / "site"), "--terbit", "--internal"]
    )
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(portal.root / "site")])
    assert result.exit_code == 0 and "localhost:8000" in result.output  # a preview, said so
    page = (portal.root / "site/kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text(encoding="utf-8")
    assert '"url": "http://localhost:8000/kegiatan/dinkes/2025-profil-kesehatan/"' in page


def test_url_situs_option_overrides_katalog_yaml(portal):
    site = portal.build("--url-situs", "https://data.example.org/katalog")
    graph = rdflib.Graph().parse(site / "api/dcat.jsonld", format="json-ld")
    assert str(next(graph.subjects(rdflib.RDF.type, DCAT.Dataset))).startswith(
        "https://data.example.org/katalog/kegiatan/"
    )
    result = CliRunner().invoke(main, ["build", str(portal.root), "--url-situs", "ftp://x"])
    assert result.exit_code == 2


def test_the_api_page_lists_every_export_and_the_fields_from_the_schemas(sample):
    root, site, _ = sample
    page = (site / "api/index.html").read_text(encoding="utf-8")
    for name in ("dcat.jsonld", "data.json", "ckan.json", "indah.json", "ddi.xml", "datapackage.json", "katalog.xlsx"):
        assert name in page, name
    schemas = Schemas.find(root)
    from pipeline.publish.exports import columns

    for kind in ("kegiatan", "variabel", "indikator"):
        for dotted, _sub in columns(schemas[kind]):
            assert f"<code>{dotted}</code>" in page, dotted
    row = re.search(r"<tr><td><code>desain_kegiatan.frekuensi</code></td>(.*?)</tr>", page).group(1)
    assert "4.2" in row and "blok_iv.frekuensi_penyelanggara" in row and "Tahunan" in row
    assert "satudata:isian-ekspor" not in page


def test_ddi_of_hostile_text_is_still_valid_xml(portal):
    from conftest import ACTIVITY, SURVEI, VARIABEL, events
    from lxml import etree

    alur = events(1, 2, 3, 4, 5, 6, 7, 8, 9, 11)
    odd = "Survei <b>&</b> \t \u2028 \U0001f600 kontrol ]]> selesai"  # controls: refused (yaml-karakter)
    portal.write(
        f"{ACTIVITY}/kegiatan.yaml", SURVEI | {"alur": alur, "perencanaan": SURVEI["perencanaan"] | {"tujuan": odd}}
    )
    portal.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"definisi": odd})
    site = portal.build()
    doc = etree.parse(str(site / "api/kegiatan/dinkes/2025-profil-kesehatan/ddi.xml"))
    schema = _ddi_schema()
    assert schema.validate(doc), schema.error_log
    assert "<b>&</b>" in doc.findtext(".//{ddi:codebook:2_5}txt")
