"""katalog.yaml: the catalog's own facts, checked against schemas/katalog.schema.json."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import KATALOG, REPO

from pipeline.cli import main
from pipeline.contract.config import CatalogConfig
from pipeline.read.loader import load


def test_the_sample_catalog_has_a_valid_katalog_yaml():
    config = CatalogConfig.from_data(load(REPO / "katalog.yaml").data)
    assert config.url("kegiatan/") == "https://satudata.pasuruankab.go.id/metadata/kegiatan/"


def test_a_catalog_without_katalog_yaml_is_warned(catalog):
    (catalog.root / "katalog.yaml").unlink()
    assert catalog.codes() == {"katalog-identitas-tidak-ada"}


def test_katalog_yaml_is_checked_against_its_schema(catalog):
    catalog.write("katalog.yaml", KATALOG | {"url_situs": "http://tanpa-garis-miring", "kode_wilayah": 3514})
    result = CliRunner().invoke(main, ["validate", str(catalog.root)])
    assert result.exit_code == 1
    assert "katalog.yaml:" in result.output and "Alamat portal (url_situs)" in result.output
    assert {"skema-pattern", "skema-type"} <= catalog.codes()
