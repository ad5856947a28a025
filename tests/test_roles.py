"""roles.yaml is validated with the catalog; CODEOWNERS is generated from opd.yaml and roles.yaml."""

from __future__ import annotations

import copy

import pytest
from click.testing import CliRunner
from conftest import DISPENDIK, REPO, ROLES

from pipeline.cli import main


@pytest.fixture
def roles_catalog(catalog):
    catalog.write("metadata/dispendik/opd.yaml", DISPENDIK)
    catalog.write("roles.yaml", ROLES)
    return catalog


def with_account(login, entry):
    roles = copy.deepcopy(ROLES)
    roles["akun"][login] = entry
    return roles


def test_valid_roles_file(roles_catalog):
    assert roles_catalog.codes() == set()


def test_catalog_without_roles_file_is_fine(catalog):
    assert catalog.codes() == set()


@pytest.mark.parametrize(
    ("roles", "kode"),
    [
        (with_account("dinkes-pasuruan", {"peran": ["opd"]}), "aturan-P1"),
        (with_account("walidata-pasuruan", {"peran": ["walidata"], "opd": ["dinkes"]}), "aturan-P2"),
        (with_account("camat-bangil", {"peran": ["camat"]}), "skema-enum"),
        (with_account("bukan akun", {"peran": ["bps"]}), "skema-pattern"),
        (with_account("dinkes-pasuruan", {"peran": ["opd"], "opd": ["dinas-kesehatan"]}), "peran-opd-tak-dikenal"),
        (ROLES | {"tim_walidata": ["@walidata"]}, "skema-pattern"),
        ({"akun": {}}, "skema-minProperties"),
    ],
)
def test_roles_rules(roles_catalog, roles, kode):
    roles_catalog.write("roles.yaml", roles)
    assert kode in roles_catalog.codes("galat")


def test_opd_manager_without_opd_role_is_a_warning(roles_catalog):
    roles_catalog.write("metadata/dispendik/opd.yaml", DISPENDIK | {"pengelola": ["dispendik-pasuruan", "staf-baru"]})
    (f,) = [f for f in roles_catalog.findings() if f.kode == "peran-pengelola"]
    assert f.tingkat == "peringatan" and f.berkas == "metadata/dispendik/opd.yaml" and f.baris
    assert "Pengelola 'staf-baru' belum memegang peran opd untuk 'dispendik'" in f.pesan


def test_broken_roles_yaml_is_reported(roles_catalog):
    roles_catalog.text("roles.yaml", "akun: {\n")
    assert "yaml-sintaks" in roles_catalog.codes("galat")
    roles_catalog.text("roles.yaml", "- walidata\n")
    assert "yaml-bukan-objek" in roles_catalog.codes("galat")


# --- CODEOWNERS --------------------------------------------------------------------------------


def codeowners(*args):
    return CliRunner().invoke(main, ["codeowners", *map(str, args)], catch_exceptions=False)


def test_codeowners_generated_from_opd_managers_and_walidata_team(roles_catalog):
    root = roles_catalog.root
    assert codeowners(root, "--periksa").exit_code == 1  # not generated yet
    result = codeowners(root)
    assert result.exit_code == 0 and ".github/CODEOWNERS ditulis (3 aturan)." in result.output
    lines = (root / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#") and line] == [
        "* @walidata-pasuruan",
        "/metadata/dinkes/ @dinkes-pasuruan @walidata-pasuruan",
        "/metadata/dispendik/ @dispendik-pasuruan @walidata-pasuruan",
    ]
    assert codeowners(root, "--periksa").exit_code == 0
    roles_catalog.write("metadata/dispendik/opd.yaml", DISPENDIK | {"pengelola": ["dispendik-pasuruan", "staf-baru"]})
    assert codeowners(root, "--periksa").exit_code == 0  # a pengelola without the opd role owns nothing
    roles_catalog.write("roles.yaml", with_account("staf-baru", {"peran": ["opd"], "opd": ["dispendik"]}))
    result = codeowners(root, "--periksa")
    assert result.exit_code == 1 and "Jalankan: satudata codeowners" in result.output
    codeowners(root)
    text = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/metadata/dispendik/ @dispendik-pasuruan @staf-baru @walidata-pasuruan\n" in text
    assert "/metadata/dinkes/ @dinkes-pasuruan @walidata-pasuruan\n" in text  # never another OPD's account


def test_codeowners_team_handles(roles_catalog):
    roles_catalog.write("roles.yaml", ROLES | {"tim_walidata": ["diskominfo-pasuruan/walidata"]})
    codeowners(roles_catalog.root)
    text = (roles_catalog.root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "* @diskominfo-pasuruan/walidata\n" in text
    assert "/metadata/dinkes/ @dinkes-pasuruan @diskominfo-pasuruan/walidata\n" in text


def test_committed_codeowners_matches_the_repository():
    """The repository's own .github/CODEOWNERS is the generated one (regenerate after editing sources)."""
    result = codeowners(REPO, "--periksa")
    assert result.exit_code == 0, result.output
