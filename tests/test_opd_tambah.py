"""`satudata opd tambah`: an OPD and its accounts in opd.yaml, roles.yaml and CODEOWNERS in one step."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main
from pipeline.read.loader import load

ARGS = ["--nama", "Dinas Sosial Kabupaten Pasuruan", "--singkatan", "Dinsos", "--alamat", "Jl. Raya Raci Km 9, Bangil",
        "--email", "dinsos@pasuruankab.go.id", "--telepon", "(0343) 429001"]  # fmt: skip


@pytest.fixture
def catalog(tmp_path):
    for name in ("metadata", "schemas", ".github"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("roles.yaml", "katalog.yaml"):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def run(catalog, *args):
    return CliRunner().invoke(main, ["opd", "tambah", *args, "--katalog", str(catalog)])


def snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_adds_the_opd_its_accounts_and_codeowners_and_the_catalog_stays_valid(catalog):
    roles_before = (catalog / "roles.yaml").read_text(encoding="utf-8")
    result = run(catalog, "dinsos", *ARGS, "--akun", "dinsos-pasuruan", "--akun", "dinkes-pasuruan")
    assert result.exit_code == 0, result.output
    assert "Akun baru di roles.yaml (peran opd untuk dinsos): dinsos-pasuruan." in result.output
    assert "Akun yang kini juga mewakili dinsos: dinkes-pasuruan." in result.output
    opd = load(catalog / "metadata/dinsos/opd.yaml").data
    assert opd["kode_wilayah"] == "3514" and opd["pengelola"] == ["dinsos-pasuruan", "dinkes-pasuruan"]
    roles_text = (catalog / "roles.yaml").read_text(encoding="utf-8")
    assert roles_text.startswith(roles_before.split("tim_walidata")[0])  # the header comments stay
    roles = load(catalog / "roles.yaml").data
    assert roles["akun"]["dinsos-pasuruan"] == {"peran": ["opd"], "opd": ["dinsos"]}
    assert roles["akun"]["dinkes-pasuruan"]["opd"] == ["dinkes", "dinsos"]
    owners = (catalog / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/metadata/dinsos/ @dinsos-pasuruan @dinkes-pasuruan @walidata-pasuruan" in owners
    assert CliRunner().invoke(main, ["codeowners", str(catalog), "--periksa"]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", str(catalog), "--tanpa-cache"])
    assert "peran-" not in result.output and "GALAT" not in result.output, result.output


@pytest.mark.parametrize(
    ("args", "kode"),
    [
        (["dinkes", *ARGS, "--akun", "x-pasuruan"], "opd-sudah-ada"),
        (["Dinas Sosial", *ARGS, "--akun", "x"], "slug-tidak-sah"),
        (["dinsos", *ARGS, "--akun", "@dinsos"], "opd-isian"),
        (["dinsos", *ARGS, "--akun", "bps-kab-pasuruan"], "opd-akun-peran"),
        (["dinsos", *ARGS[:-2], "--telepon", "nol tiga", "--akun", "dinsos-pasuruan"], "skema-pattern"),
        (["dinsos", *ARGS, "--kode-wilayah", "9999", "--akun", "dinsos-pasuruan"], "kode-tidak-dikenal"),
    ],
)
def test_refuses_and_changes_nothing(catalog, args, kode):
    before = snapshot(catalog)
    result = run(catalog, *args)
    assert result.exit_code == 1, result.output
    assert f"[{kode}]" in result.output and "Tidak ada berkas yang berubah." in result.output
    assert snapshot(catalog) == before


def test_an_unknown_opd_in_roles_yaml_gets_a_hint_that_helps(catalog):
    roles = catalog / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(
        text
        + "  dinsos-pasuruan:\n    peran: [opd]\n    opd: [dinsos]\n  dnkes-baru:\n    peran: [opd]\n    opd: [dinkess]\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["validate", str(catalog), "--tanpa-cache"]).output
    assert "satudata opd tambah dinsos --nama" in out  # a new OPD: the command that adds it
    assert "Mungkin maksud Anda 'dinkes' (folder metadata/dinkes/)?" in out  # a typo: the folder meant
    assert "misalnya dinkes." not in out


def test_roles_yaml_keeps_its_own_style(catalog):
    """Entries written ``peran: [opd]`` stay so; a file written in block style stays block style."""
    result = run(catalog, "dinsos", *ARGS, "--akun", "dinsos-pasuruan", "--akun", "dinkes-pasuruan")
    assert result.exit_code == 0, result.output
    text = (catalog / "roles.yaml").read_text(encoding="utf-8")
    assert "  dinsos-pasuruan:\n    peran: [opd]\n    opd: [dinsos]\n" in text
    assert "  dinkes-pasuruan:\n    peran: [opd]\n    opd: [dinkes, dinsos]\n" in text
    roles = catalog / "roles.yaml"
    block = "tim_walidata:\n  - walidata-pasuruan\nakun:\n  walidata-pasuruan:\n    peran:\n      - walidata\n"
    block += "".join(f"  {a}:\n    peran:\n      - opd\n    opd:\n      - {o}\n" for a, o in
                     [("dinkes-pasuruan", "dinkes"), ("dinkes-pasuruan-sdk", "dinkes")])  # fmt: skip
    for other in ("bps-kab-pasuruan",):
        block += f"  {other}:\n    peran:\n      - bps\n"
    roles.write_text(block, encoding="utf-8")
    shutil.rmtree(catalog / "metadata/dinsos")
    result = run(catalog, "dinsos", *ARGS, "--akun", "dinsos-baru")
    assert result.exit_code == 0, result.output
    assert (
        roles.read_text(encoding="utf-8")
        == block + "  dinsos-baru:\n    peran:\n      - opd\n    opd:\n      - dinsos\n"
    )
