"""`satudata init`: a catalog for another region that validates and builds as it is."""

from __future__ import annotations

from click.testing import CliRunner

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
