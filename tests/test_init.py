"""`satudata init`: a catalog for another region that validates and builds as it is."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_new_region_catalog_validates_and_builds(tmp_path):
    folder = tmp_path / "sidoarjo"
    result = run("init", str(folder), "--wilayah", "3515")
    assert result.exit_code == 0, result.output
    assert "Katalog Kabupaten Sidoarjo dibuat" in result.output
    assert "Kabupaten Sidoarjo" in (folder / "mkdocs.yml").read_text()
    assert "Pasuruan" not in (folder / "mkdocs.yml").read_text() + (folder / "docs/index.md").read_text()
    assert 'kode_wilayah: "3515"' in (folder / "metadata/diskominfo/opd.yaml").read_text().replace("'", '"')
    check = run("validate", str(folder), "--format", "json")
    assert check.exit_code == 0, check.output
    built = run("build", str(folder), "--keluar", str(folder / "site"), "--pada", "2026-01-05T00:00:00+07:00")
    assert built.exit_code == 0, built.output
    assert "Kabupaten Sidoarjo" in (folder / "site/index.html").read_text()


def test_unknown_region_or_non_empty_folder_is_refused(tmp_path):
    result = run("init", str(tmp_path / "x"), "--wilayah", "9999")
    assert result.exit_code == 1 and "tidak ada di daftar kode wilayah" in result.output
    assert not (tmp_path / "x").exists()
    (tmp_path / "isi").mkdir()
    (tmp_path / "isi/catatan.txt").write_text("jangan ditimpa")
    result = run("init", str(tmp_path / "isi"), "--wilayah", "3515")
    assert result.exit_code == 1 and "sudah berisi berkas" in result.output
    assert (tmp_path / "isi/catatan.txt").read_text() == "jangan ditimpa"


def test_the_new_catalog_has_its_github_set_up_with_the_regions_names(tmp_path):
    folder = tmp_path / "kota-malang"
    tool = "satudata-metadata @ git+https://github.com/contoh/alat@" + "a" * 40
    result = run("init", str(folder), "--wilayah", "3573", "--alat", tool)
    assert result.exit_code == 0, result.output
    github = folder / ".github"
    # the catalog's workflows: the tool repository's own, less its test workflow, installing the pinned tool
    names = sorted(p.name for p in (github / "workflows").glob("*.yml"))
    assert names == sorted(p.name for p in (REPO / ".github/workflows").glob("*.yml") if p.name != "uji.yml")
    assert (folder / "requirements/satudata.txt").read_text(encoding="utf-8").splitlines()[-1] == tool
    for path in (github / "workflows").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        installs = [line.strip() for line in text.splitlines() if "pip install" in line]
        assert installs and all(
            line.endswith(("requirements/run.txt", "requirements/satudata.txt")) for line in installs
        )
        mine = (REPO / ".github/workflows" / path.name).read_text(encoding="utf-8")
        assert (
            yaml.load(text, Loader=yaml.BaseLoader)["jobs"].keys()
            == yaml.load(mine, Loader=yaml.BaseLoader)["jobs"].keys()
        )
    lint = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    proc = subprocess.run(
        [lint, "-no-color", *sorted((github / "workflows").glob("*.yml"))], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the ruleset requires exactly the checks the catalog runs on pull requests
    ruleset = json.loads((github / "ruleset-main.json").read_text(encoding="utf-8"))
    (checks,) = [
        r["parameters"]["required_status_checks"] for r in ruleset["rules"] if r["type"] == "required_status_checks"
    ]
    assert [c["context"] for c in checks] == ["Validasi metadata dan alur SOP"]
    # CODEOWNERS from the new catalog's roles.yaml and opd.yaml; the region's names in the templates
    owners = (github / "CODEOWNERS").read_text(encoding="utf-8")
    assert "* @walidata-malang" in owners and "/metadata/diskominfo/ @diskominfo-malang @walidata-malang" in owners
    assert run("codeowners", str(folder), "--periksa").exit_code == 0
    form = (github / "ISSUE_TEMPLATE/kegiatan-baru.yml").read_text(encoding="utf-8")
    assert "Kota Malang" in form and "Pasuruan" not in form
    assert "satudata langkah" in (github / "pull_request_template.md").read_text(encoding="utf-8")
    assert "# Katalog Metadata Statistik Sektoral Kota Malang" in (folder / "README.md").read_text(encoding="utf-8")
    assert run("validate", str(folder)).exit_code == 0
