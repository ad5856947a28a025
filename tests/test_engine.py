"""The fast validation path (cache + workers) must say exactly what the full check says."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, REPO, VARIABEL

from pipeline.check import cache as indeks
from pipeline.check import engine
from pipeline.check.catalog import check
from pipeline.check.engine import validate_catalog
from pipeline.contract.schema import Schemas
from pipeline.read.catalog import load_catalog
from pipeline.read.loader import read_bytes


def full(root):
    return check(load_catalog(root), Schemas.find(root))


def fast(root, **kw):
    return validate_catalog(root, Schemas.find(root), **kw)


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


@pytest.mark.parametrize("cache", [True, False])
def test_workers_that_walk_the_folders_give_the_same_result(sample, monkeypatch, cache):
    break_things(sample)
    (sample / "metadata/Folder Salah").mkdir()
    monkeypatch.setattr(engine, "WALK_IN_WORKERS_FROM", 1)
    result = fast(sample, workers=2, cache=cache)
    assert result.stats.workers == 2 and result.stats.checked == result.stats.files
    assert result.findings == full(sample)
    if cache:  # and what they stored serves the next run
        (sample / "metadata/dinkes/catatan.txt").unlink()
        again = fast(sample, workers=2)
        assert again.findings == full(sample) and again.stats.checked == 0


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
    (indeks.folder_for(catalog.root) / indeks.FILE).write_bytes(b"SQLite format 3\0 bukan basis data" * 100)
    catalog.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"tipe_data": "Teks"})
    assert [f.kode for f in fast(catalog.root).findings] == ["skema-enum"]


IMPACT = "metadata/dinkes/2025-profil-kesehatan"
IPM = "metadata/bapperida/2025-indikator-makro-pembangunan/indikator"


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def move(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    src.rename(dst)


# One edit at a time, each undone later, covering every group of checks across records: the
# cache must then say exactly what a full check says, having re-checked only a few groups.
EDITS = [
    ("a referenced variable disappears", lambda r: move(r / IMPACT / "variabel/jumlah-kematian-bayi.yaml", r / "x.yaml")),
    ("and comes back", lambda r: move(r / "x.yaml", r / IMPACT / "variabel/jumlah-kematian-bayi.yaml")),
    ("a typo in a reference", lambda r: edit(r / IMPACT / "indikator/angka-kematian-bayi.yaml",
                                              "- jumlah-kematian-bayi", "- jumlah-kematian-bayj")),
    ("a sibling it may have meant appears", lambda r: shutil.copy(r / IMPACT / "variabel/jumlah-kematian-ibu.yaml",
                                                                 r / IMPACT / "variabel/jumlah-kematian-bayk.yaml")),
    ("the sibling goes", lambda r: (r / IMPACT / "variabel/jumlah-kematian-bayk.yaml").unlink()),
    ("the typo is fixed", lambda r: edit(r / IMPACT / "indikator/angka-kematian-bayi.yaml",
                                         "- jumlah-kematian-bayj", "- jumlah-kematian-bayi")),
    ("two variables share a name", lambda r: edit(r / IMPACT / "variabel/jumlah-kematian-ibu.yaml",
                                                  "nama: Jumlah kematian ibu", "nama: Jumlah kematian bayi")),
    ("not any more", lambda r: edit(r / IMPACT / "variabel/jumlah-kematian-bayi.yaml",
                                    "nama: Jumlah kematian bayi", "nama: Jumlah kematian bayi umur 0-11 bulan")),
    ("a composite builds itself", lambda r: edit(r / IPM / "indeks-pembangunan-manusia.yaml",
                                                 "  - harapan-lama-sekolah\n", "  - indeks-pembangunan-manusia\n")),
    ("a circle of composites", lambda r: edit(r / IPM / "rata-rata-lama-sekolah.yaml", "akses_umum:",
                                              "indikator_pembangun:\n  - indeks-pembangunan-manusia\nakses_umum:")),
    ("the activity is copied to another OPD", lambda r: shutil.copytree(r / IMPACT, r / "metadata/dlh/2025-salinan")),
    ("and within its OPD", lambda r: shutil.copytree(r / IMPACT, r / "metadata/dinkes/2025-salinan")),
    ("a copy is removed", lambda r: shutil.rmtree(r / "metadata/dlh/2025-salinan")),
    ("a file stops being YAML", lambda r: (r / IMPACT / "variabel/jumlah-kematian-ibu.yaml").write_text("nama: [\n")),
    ("a data file with a wrong cell", lambda r: (r / IMPACT / "data").mkdir() or (r / IMPACT / "data/a.csv").write_text(
        "jumlah-kelahiran-hidup\nbanyak\n")),
    ("the cell is fixed", lambda r: (r / IMPACT / "data/a.csv").write_text("jumlah-kelahiran-hidup\n12\n")),
    ("an OPD loses its opd.yaml", lambda r: move(r / "metadata/dlh/opd.yaml", r / "opd-dlh.yaml")),
    ("and gets it back", lambda r: move(r / "opd-dlh.yaml", r / "metadata/dlh/opd.yaml")),
]  # fmt: skip


def test_incremental_cache_says_what_a_full_check_says(sample):
    assert fast(sample).findings == full(sample)
    codes = set()
    for what, change in EDITS:
        change(sample)
        expected = full(sample)
        result = fast(sample)
        assert result.findings == expected, what
        assert result.stats.checked <= 30 and result.stats.groups <= 40, (what, result.stats)
        codes |= {f.kode for f in expected}
    assert {"rujukan-variabel", "nama-ganda", "rujukan-diri", "rujukan-siklus", "duplikasi-opd-lain",
            "judul-ganda", "yaml-sintaks", "data-type-error", "opd-tidak-ada"} <= codes  # fmt: skip


def test_in_git_only_folders_with_changes_are_walked(sample):
    git(sample, "init", "-q")
    git(sample, "add", "-A")
    commit(sample, "awal")
    assert fast(sample).findings == full(sample)
    for i, (what, change) in enumerate(EDITS):
        change(sample)
        if i % 2:  # half of the edits are committed, the rest stay in the work tree
            git(sample, "add", "-A")
            commit(sample, what)
        result = fast(sample)
        assert result.findings == full(sample), what
        assert result.stats.walked < 0.5 * result.stats.files, (what, result.stats)
    git(sample, "checkout", "-q", "HEAD~5")  # another commit: the diff between the trees says what changed
    git(sample, "clean", "-qfd")
    git(sample, "checkout", "-q", "--", ".")
    assert fast(sample).findings == full(sample)


def test_a_file_that_grew_since_it_was_listed_is_read_whole(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"nama: x\n" * 1000)
    assert read_bytes(str(path), 10) == path.read_bytes()
    path.write_bytes(b"x" * (2 * 1024 * 1024))
    assert len(read_bytes(str(path), 10)) == 1024 * 1024 + 1  # enough to be told it is too big


def commit(root, message):
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", message)


def test_suggestions_come_from_the_activity_referred_to(sample):
    edit(sample / IMPACT / "indikator/angka-kematian-bayi.yaml", "- jumlah-kematian-bayi", "- jumlah-kematian-bayj")
    (f,) = [f for f in fast(sample).findings if f.kode == "rujukan-variabel"]
    assert f.saran.startswith("Mungkin maksud Anda 'jumlah-kematian-bayi'?")


def test_a_run_holding_the_cache_does_not_block_or_lose_it(sample, monkeypatch):
    fast(sample)
    monkeypatch.setattr(indeks, "TIMEOUT", 0.1)
    other = sqlite3.connect(indeks.folder_for(sample) / indeks.FILE)
    other.execute("BEGIN IMMEDIATE")  # another validate run, writing
    (sample / "metadata/dinkes/catatan.txt").write_text("x")
    result = fast(sample)
    other.rollback()
    other.close()
    assert result.findings == full(sample) and result.stats.checked == result.stats.files
    assert fast(sample).stats.checked == 0  # the cache is still there


def test_damaged_rows_in_the_cache_are_ignored(sample):
    break_things(sample)
    expected = fast(sample).findings
    db = sqlite3.connect(indeks.folder_for(sample) / indeks.FILE)
    db.execute("UPDATE berkas SET temuan = x'8005' WHERE temuan IS NOT NULL")
    db.commit()
    db.close()
    (sample / "metadata/dinkes/catatan.txt").unlink()  # something changed, so the cache is read
    result = fast(sample)
    assert result.findings == [f for f in expected if f.berkas != "metadata/dinkes/catatan.txt"] == full(sample)
    assert fast(sample).stats.unchanged  # and it was rebuilt


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
    assert not indeks.folder_for(catalog.root).exists()
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"tahun": 2024})
    assert [f.kode for f in fast(catalog.root, cache=False).findings] == ["tahun-folder"]
