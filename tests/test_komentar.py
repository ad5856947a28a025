"""The PR comment and the annotations, from real `satudata validate`/`check-pr`/`diff` output on a real git repo."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main
from pipeline.workflow.komentar import MARKER, MAX_COMMENT, comment

ACT = "metadata/dinkes/2025-profil-kesehatan"
HOSTILE = 'Jumlah <img src=x onerror="alert(1)"> @org/tim [tautan](https://x.example) `kode`\n::error::palsu %0A'


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A PR on a copy of the sample catalog: an edited activity, a new bad variable; the three reports."""
    root = tmp_path_factory.mktemp("pr")
    for name in ("metadata", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "roles.yaml", root / "roles.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=w", "-c", "user.email=w@x", "commit", "-qm", "awal")
    keg = root / ACT / "kegiatan.yaml"
    keg.write_text(
        keg.read_text(encoding="utf-8").replace(
            "  email: dinkes@pasuruankab.go.id\n", "  telepon: (0343) 744000\n  email: dinkes@pasuruankab.go.id\n", 1
        )
        + "kode_kegiatan: '3514-001'\n",
        encoding="utf-8",
    )  # fmt: skip  (R17: BPS fills it, check-pr refuses)
    var = (root / ACT / "variabel/jumlah-kematian-bayi.yaml").read_text(encoding="utf-8")
    bad = var.replace("tipe_data: Integer", "tipe_data: Angka")
    bad = bad.replace(bad.splitlines()[0], f"nama: {json.dumps(HOSTILE)}")
    (root / ACT / "variabel/jumlah-bayi-lahir-mati.yaml").write_text(bad, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "-c", "user.name=o", "-c", "user.email=o@x", "commit", "-qm", "usulan")
    out = {}
    runner = CliRunner()
    for name, args in {
        "validasi": ["validate", str(root), "--format", "json", "--tanpa-cache"],
        "periksa-pr": ["check-pr", "main~1", "main", "--aktor", "dinkes-pasuruan", "--katalog", str(root), "--format", "json"],
        "diff": ["diff", "main~1", "main", "--katalog", str(root), "--format", "json"],
    }.items():  # fmt: skip
        result = runner.invoke(main, args)
        assert result.output.startswith("{"), result.output
        (root / f"{name}.json").write_text(result.output, encoding="utf-8")
        out[name] = root / f"{name}.json"
    out["root"] = root
    return out


def args(reports, *names):
    return [a for n in names for a in (f"--{n}", str(reports[n]))]


def test_one_comment_with_the_check_result_and_the_labelled_diff(reports):
    result = CliRunner().invoke(main, ["komentar-pr", *args(reports, "validasi", "periksa-pr", "diff")])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(MARKER + "\n## Hasil pemeriksaan otomatis")
    assert "- ❌ satudata validate: 1 galat, " in text and "pada berkas yang diubah" in text
    # check-pr validates the head under the base's rules (the bad variable); the OPD's edit of its approved
    # activity opens a new review cycle on GitHub (step 7), so it is no longer refused
    assert "- ❌ satudata check-pr: 2 galat, " in text and "[pr-perlu-siklus-baru]" not in text
    assert f"`{ACT}/kegiatan.yaml:" in text and "[pr-isian-diisi-oleh]" in text
    assert text.count("[skema-enum]") == 1  # the same finding from validate and check-pr is listed once
    assert (
        f"`{ACT}/variabel/jumlah-bayi-lahir-mati.yaml:" in text and "**MS-Var Kolom 8 Tipe Data** [skema-enum]" in text
    )
    assert "| 1.2 | Telepon |  | (0343) 744000 |" in text  # old → new, with the form's number and label
    assert "· baru · `metadata/dinkes/2025-profil-kesehatan/variabel/jumlah-bayi-lahir-mati.yaml`" in text
    # the record's hostile name is inert text
    assert "<img" not in text and "&lt;img" in text and "@\u200borg/tim" in text and "\\[tautan\\]" in text
    assert "\n::error" not in text


def test_annotations_on_the_changed_lines_only(reports):
    result = CliRunner().invoke(main, ["anotasi", *args(reports, "validasi", "periksa-pr", "diff")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    path = f"{ACT}/variabel/jumlah-bayi-lahir-mati.yaml"
    text = (reports["root"] / path).read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if t.startswith("tipe_data:"))
    assert any(
        ln.startswith(f"::error file={path},line={line},title=[skema-enum] MS-Var Kolom 8 Tipe Data::Nilai 'Angka'")
        for ln in lines
    )
    keg = (reports["root"] / ACT / "kegiatan.yaml").read_text(encoding="utf-8").splitlines()
    code_line = next(i for i, t in enumerate(keg, 1) if t.startswith("kode_kegiatan:"))
    assert f"::error file={ACT}/kegiatan.yaml,line={code_line},title=[pr-isian-diisi-oleh]" in "\n".join(lines)
    assert all(ln.startswith(("::error file=metadata/", "::warning file=metadata/")) for ln in lines)
    validated = json.loads(reports["validasi"].read_text(encoding="utf-8"))["temuan"]
    elsewhere = {f["berkas"] for f in validated} - {path, f"{ACT}/kegiatan.yaml"}
    assert elsewhere and not any(f"file={p}," in ln for p in elsewhere for ln in lines)  # unchanged files: none


def test_hostile_reports_are_rendered_inert(tmp_path):
    finding = {"kode": "skema-enum", "tingkat": "galat", "berkas": "../../etc/passwd", "baris": 3,
               "pesan": "a\nb\r::error::x%", "saran": "<script>alert(1)</script>", "label": "L,a:b"}  # fmt: skip
    good = dict(finding, berkas="metadata/dinkes/2025-x/kegiatan.yaml", baris=True)
    validate = {"temuan": [finding, good, "bukan objek", {"kode": 5}]}
    diff = {"rekaman": [{"berkas": "metadata/dinkes/2025-x/kegiatan.yaml", "status": "<b>", "formulir": ["x"],
                         "perubahan": [{"label": "x" * 5000, "sebelum": {"a": 1}, "sesudah": None}, 7]}] * 500}  # fmt: skip
    text = comment(validate, {"temuan": [finding]}, diff)
    assert len(text) <= MAX_COMMENT and "<script" not in text and "&lt;script&gt;" in text
    assert "(berkas?) **L,a:b** [skema-enum]" in text  # a path out of the repository is never shown as one
    assert "terlalu panjang untuk komentar" in text
    assert "satudata validate: tidak ada laporan" in comment(None, None, None)
    from pipeline.workflow.komentar import annotations

    (line,) = annotations(validate, None, {"metadata/dinkes/2025-x/kegiatan.yaml"})
    assert line.startswith(
        "::error file=metadata/dinkes/2025-x/kegiatan.yaml,title=[skema-enum] L%2Ca%3Ab::a%0Ab%0D::error::x%25"
    )
    (tmp_path / "besar.json").write_text("[" * 10, encoding="utf-8")
    result = CliRunner().invoke(main, ["komentar-pr", "--validasi", str(tmp_path / "besar.json")])
    assert result.exit_code == 2 and "bukan JSON" in result.output
