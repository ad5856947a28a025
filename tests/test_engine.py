"""The fast validation path (cache + workers) must say exactly what the full check says."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, REPO, VARIABEL

from pipeline import engine
from pipeline.catalog import load_catalog
from pipeline.checks import check
from pipeline.engine import validate_catalog
from pipeline.schema import Schemas


def full(root):
    return check(load_catalog(root), Schemas.find(root))


def fast(root, **kw):
    return validate_catalog(root, Schemas.find(root), **kw)


@pytest.fixture
def sample(tmp_path):
    root = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata", root / "metadata")
    shutil.copy(REPO / "roles.yaml", root / "roles.yaml")
    return root


def break_things(root):
    """Mutations that exercise every check across records, on top of per-file ones."""
    act = root / "metadata/dinkes/2025-profil-kesehatan"
    variables = sorted((act / "variabel").glob("*.yaml"))
    shutil.copy(variables[0], act / "variabel/salinan.yaml")  # same name twice in one activity
    (act / "variabel/rusak.yaml").write_text("nama: a\nnama: dua kali\n")
    (act / "variabel/jumlah-kelahiran-hidup.yaml").unlink()  # still listed in 3.4
    ind = sorted((act / "indikator").glob("*.yaml"))[0]
    ind.write_text(ind.read_text().replace("variabel_pembangun:", "variabel_pembangun:\n- tidak-ada"))
    (root / "metadata/dinkes/2025-profil-kesehatan-kembar").mkdir()
    shutil.copy(act / "kegiatan.yaml", root / "metadata/dinkes/2025-profil-kesehatan-kembar/kegiatan.yaml")
    (root / "metadata/dinkes/catatan.txt").write_text("x")
    (root / "roles.yaml").write_text((root / "roles.yaml").read_text().replace("dinkes-pasuruan", "dinkes-lama", 1))


def test_same_findings_cold_warm_and_after_changes(sample):
    expected = full(sample)
    first = fast(sample)
    assert first.findings == expected and first.stats.checked == first.stats.files
    again = fast(sample)
    assert again.findings == expected and again.stats.unchanged
    break_things(sample)
    expected = full(sample)
    assert {"nama-ganda", "rujukan-variabel", "judul-ganda", "berkas-tak-dikenal", "msvar-tidak-ada",
            "peran-pengelola", "yaml-kunci-ganda"} <= {f.kode for f in expected}  # fmt: skip
    changed = fast(sample)
    assert changed.findings == expected
    assert 0 < changed.stats.checked < changed.stats.files  # only the changed files were read again
    assert changed.counts == {k: len(load_catalog(sample).of(k)) for k in ("opd", "kegiatan", "variabel", "indikator")}


def test_touched_files_are_recognised_by_content(sample):
    fast(sample)
    for path in (sample / "metadata").rglob("*.yaml"):
        os.utime(path, ns=(1, 1))
    result = fast(sample)
    assert result.stats.checked == 0 and result.stats.hashed == result.stats.files
    assert result.findings == full(sample)


def test_workers_give_the_same_result(sample, monkeypatch):
    break_things(sample)
    monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
    result = fast(sample, workers=2, cache=False)
    assert result.stats.workers == 2
    assert result.findings == full(sample)


def test_schema_change_invalidates_the_cache(catalog):
    shutil.copytree(REPO / "schemas", catalog.root / "schemas")
    assert fast(catalog.root).findings == []
    schema = catalog.root / "schemas/variabel.schema.json"
    schema.write_text(
        schema.read_text().replace('"required": [\n    "nama",', '"required": [\n    "alias",\n    "nama",', 1)
    )
    result = fast(catalog.root)
    assert [f.kode for f in result.findings] == ["skema-wajib"] and result.stats.checked == result.stats.files


def test_corrupt_cache_is_ignored(catalog):
    fast(catalog.root)
    for f in (catalog.root / engine.CACHE_DIR).glob("*.pickle"):
        f.write_bytes(b"\x80\x05 bukan pickle")
    catalog.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"tipe_data": "Teks"})
    assert [f.kode for f in fast(catalog.root).findings] == ["skema-enum"]


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_git_state_short_circuits_only_when_nothing_changed(catalog):
    git(catalog.root, "init", "-q")
    git(catalog.root, "add", "-A")
    git(catalog.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "awal")
    assert fast(catalog.root).findings == []
    assert fast(catalog.root).stats.unchanged
    catalog.write(f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", INDIKATOR | {"variabel_pembangun": ["hilang"]})
    result = fast(catalog.root)  # uncommitted edit
    assert not result.stats.unchanged and [f.kode for f in result.findings] == ["rujukan-variabel"]
    # a second, different uncommitted edit of the same file: git status reads the same
    catalog.write(f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", INDIKATOR | {"variabel_pembangun": ["hilang-lagi"]})
    result = fast(catalog.root)
    assert not result.stats.unchanged and "'hilang-lagi'" in result.findings[0].pesan
    catalog.write(f"{ACTIVITY}/variabel/baru.yaml", VARIABEL | {"nama": "Jumlah kelahiran hidup"})  # untracked
    assert "nama-ganda" in {f.kode for f in fast(catalog.root).findings}
    assert fast(catalog.root).stats.unchanged
    catalog.write(f"{ACTIVITY}/variabel/baru.yaml", VARIABEL | {"nama": "Jumlah kelahiran mati"})  # untracked, edited
    assert "nama-ganda" not in {f.kode for f in fast(catalog.root).findings}


def test_without_cache_nothing_is_written(catalog):
    fast(catalog.root, cache=False)
    assert not (catalog.root / engine.CACHE_DIR).exists()
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"tahun": 2024})
    assert [f.kode for f in fast(catalog.root, cache=False).findings] == ["tahun-folder"]
