"""katalog.yaml: the catalog's own facts, checked against schemas/katalog.schema.json."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import KATALOG, REPO

from pipeline.cli import main
from pipeline.contract.config import CatalogConfig
from pipeline.contract.schema import BUNDLED
from pipeline.read.loader import load


def test_the_sample_catalog_has_a_valid_katalog_yaml():
    config = CatalogConfig.from_data(load(REPO / "katalog.yaml").data)
    assert config.url("kegiatan/") == "https://satudata.pasuruankab.go.id/metadata/kegiatan/"


HOSTILE_URLS = ['https://x.example/"><svg/onload=alert(1)>/', "https://x.example/'onmouseover='a'/",
                "https://x.example/a&amp;b/", "https://x.example/{{ config }}/", "https://x.example\\evil/"]  # fmt: skip


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_site_url_that_could_break_a_page_is_refused_in_katalog_yaml_and_on_the_command_line(catalog, url, tmp_path):
    catalog.write("katalog.yaml", KATALOG | {"url_situs": url})
    assert "skema-pattern" in catalog.codes()
    catalog.write("katalog.yaml", KATALOG)
    result = CliRunner().invoke(main, ["build", str(catalog.root), "--keluar", str(tmp_path / "s"), "--url-situs", url])
    assert result.exit_code == 2 and "--url-situs" in result.output and not (tmp_path / "s").exists()


def test_the_command_line_takes_the_site_urls_katalog_yaml_takes():
    import re

    from pipeline.contract.config import SITE_URL

    pattern = re.compile(
        json.loads((BUNDLED / "katalog.schema.json").read_text())["properties"]["url_situs"]["pattern"]
    )
    for url in ["https://satudata.pasuruankab.go.id/metadata/", "https://data.jatimprov.go.id:8443/a_b/c-d~e/",
                "https://x.example/%20x/", *HOSTILE_URLS]:  # fmt: skip
        assert bool(pattern.fullmatch(url)) == bool(SITE_URL.fullmatch(url)), url


def test_a_catalog_without_katalog_yaml_is_warned(catalog):
    (catalog.root / "katalog.yaml").unlink()
    assert catalog.codes() == {"katalog-identitas-tidak-ada"}


def test_katalog_yaml_is_checked_against_its_schema(catalog):
    catalog.write("katalog.yaml", KATALOG | {"url_situs": "http://tanpa-garis-miring", "kode_wilayah": 3514})
    result = CliRunner().invoke(main, ["validate", str(catalog.root)])
    assert result.exit_code == 1
    assert "katalog.yaml:" in result.output and "Alamat portal (url_situs)" in result.output
    assert {"skema-pattern", "skema-type"} <= catalog.codes()
