"""The validation cache holds nothing executable or forgeable (issue 12, item 6).

Each bypass is tried as an attacker would, on real files and real git repositories: a committed
``.satudata-cache/indeks.sqlite`` full of pickles, forged "no findings" rows, a planted cache,
an edit that keeps size and mtime, a root file edited outside git. Each time the findings must
be exactly those of a full check without any cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import stat
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.check import cache
from pipeline.check.catalog import check
from pipeline.check.engine import validate_catalog
from pipeline.cli import main
from pipeline.contract.schema import Schemas
from pipeline.read.catalog import LEGACY_CACHE, load_catalog

ACT = "metadata/dinkes/2025-profil-kesehatan"
VAR = f"{ACT}/variabel/jumlah-kelahiran-hidup.yaml"


def full(root):
    return check(load_catalog(root), Schemas.find(root))


def fast(root, **kw):
    return validate_catalog(root, Schemas.find(root), **kw)


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True).stdout


def commit(root, message="katalog"):
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)


def same_size_edit(path, old, new):
    """Change ``old`` to ``new`` (as long) and put size and mtime back as they were."""
    assert len(old) == len(new)
    st = path.stat()
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def after_last_change(path):
    """Wait for the second after ``path`` last changed. git sees an edit that keeps size and
    mtime by the file's ctime, which it compares to the second: two such changes of one file
    within a second look alike to git (people's edits are not that quick)."""
    while int(time.time()) == int(path.stat().st_ctime):
        time.sleep(0.05)


def payload(marker) -> bytes:
    """A pickle that creates the folder ``marker`` when unpickled."""
    return b"cos\nmkdir\n(V" + str(marker).encode() + b"\ntR."


def poison(db_path, blob: bytes) -> None:
    """Every value of every row, as the pickle-era cache stored them, replaced by ``blob``."""
    db = sqlite3.connect(db_path)
    for table, column in (("meta", "v"), ("berkas", "temuan"), ("isi", "data"), ("grup", "temuan")):
        db.execute(f"UPDATE {table} SET {column} = ?", (blob,))  # noqa: S608
    db.commit()
    db.close()


def test_the_cache_lives_outside_the_catalog_and_is_ours_alone(sample):
    fast(sample)
    folder = cache.folder_for(sample)
    assert not (sample / LEGACY_CACHE).exists()
    assert not folder.resolve().is_relative_to(sample.resolve())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / cache.SECRET).stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / cache.FILE).stat().st_mode) == 0o600
    assert len((folder / cache.SECRET).read_bytes()) == cache.SECRET_BYTES
    assert fast(sample).stats.unchanged


def test_a_committed_pickled_cache_never_runs_and_is_reported(sample, tmp_path):
    marker = tmp_path / "dijalankan"
    proof = tmp_path / "bukti"
    pickle.loads(payload(proof))  # noqa: S301 - the payload is live: it does what an attacker's would
    assert proof.is_dir()
    git(sample, "init", "-q")
    commit(sample)
    fast(sample)  # a real cache of the clean catalog, in the old place and format
    planted = sample / LEGACY_CACHE / "indeks.sqlite"
    planted.parent.mkdir()
    shutil.copy(cache.folder_for(sample) / cache.FILE, planted)
    poison(planted, payload(marker))
    same_size_edit(sample / VAR, "tipe_data: Integer", "tipe_data: Integex")
    git(sample, "add", "-f", LEGACY_CACHE)
    commit(sample, "PR: cache ikut di-commit")
    shutil.rmtree(cache.folder_for(sample))  # CI: a fresh runner, only the repository
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(sample), "--format", "json"],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert not marker.exists()
    assert proc.returncode == 1, proc.stderr
    codes = {f["kode"] for f in json.loads(proc.stdout)["temuan"]}
    assert {"skema-enum", "cache-di-katalog"} <= codes
    result = fast(sample)
    assert result.findings == full(sample) and not marker.exists()
    (warning,) = [f for f in result.findings if f.kode == "cache-di-katalog"]
    assert warning.tingkat == "peringatan" and warning.berkas == ".satudata-cache/"
    assert fast(sample).stats.unchanged and "cache-di-katalog" in {f.kode for f in fast(sample).findings}
    git(sample, "rm", "-rq", "--cached", LEGACY_CACHE)
    shutil.rmtree(sample / LEGACY_CACHE)
    assert fast(sample).findings == full(sample)
    assert "cache-di-katalog" not in {f.kode for f in full(sample)}


def test_pickles_in_our_own_cache_never_run(sample, tmp_path):
    marker = tmp_path / "dijalankan"
    fast(sample)
    poison(cache.folder_for(sample) / cache.FILE, payload(marker))
    (sample / VAR).write_text((sample / VAR).read_text().replace("tipe_data: Integer", "tipe_data: Teks"))
    result = fast(sample)
    assert not marker.exists()
    assert result.findings == full(sample) and "skema-enum" in {f.kode for f in result.findings}
    assert fast(sample).stats.unchanged  # rebuilt


def forge_no_findings(sample):
    """A clean catalog's cache, then an invalid edit, then rows forged to say the edited file is
    fine: the same bytes' digest, size and mtime, no findings, and a summary without findings."""
    fast(sample)
    db_path = cache.folder_for(sample) / cache.FILE
    (sample / VAR).write_text((sample / VAR).read_text().replace("tipe_data: Integer", "tipe_data: Teks"))
    raw, st = (sample / VAR).read_bytes(), (sample / VAR).stat()
    db = sqlite3.connect(db_path)
    db.execute(
        "UPDATE berkas SET digest = ?, size = ?, mtime = ?, temuan = NULL WHERE rel = ?",
        (hashlib.blake2b(raw, digest_size=16).digest(), st.st_size, st.st_mtime_ns, VAR),
    )
    db.commit()
    db.close()
    return db_path


def test_forged_rows_planted_without_the_secret_are_not_trusted(sample, tmp_path):
    db_path = forge_no_findings(sample)
    secret = cache.folder_for(sample) / cache.SECRET
    expected = full(sample)
    assert "skema-enum" in {f.kode for f in expected}
    kept = tmp_path / "kept"
    shutil.copytree(cache.folder_for(sample), kept)
    # what the secret guards against: with it, these forged rows would be believed
    assert "skema-enum" not in {f.kode for f in fast(sample).findings}
    for plant in ("without a secret", "with another cache's secret", "with a secret others can read"):
        shutil.rmtree(cache.folder_for(sample))
        shutil.copytree(kept, cache.folder_for(sample))
        if plant == "without a secret":
            secret.unlink()
        elif plant == "with another cache's secret":
            secret.write_bytes(os.urandom(cache.SECRET_BYTES))
        else:
            secret.chmod(0o644)
        result = fast(sample)
        assert result.findings == expected, plant
        assert result.stats.checked == result.stats.files, plant  # started over
        assert db_path.exists() and secret.read_bytes() != (kept / cache.SECRET).read_bytes()


def test_ci_trusts_no_cache_and_writes_none(sample, monkeypatch):
    db_path = forge_no_findings(sample)
    before = db_path.read_bytes(), db_path.stat().st_mtime_ns
    monkeypatch.setenv("CI", "true")
    result = fast(sample)
    assert result.findings == full(sample) and "skema-enum" in {f.kode for f in result.findings}
    assert result.stats.checked == result.stats.files
    assert (db_path.read_bytes(), db_path.stat().st_mtime_ns) == before
    shutil.rmtree(cache.folder_for(sample))
    fast(sample)
    assert not cache.folder_for(sample).exists()


def test_a_cache_folder_others_can_open_is_not_used(sample, monkeypatch):
    db_path = forge_no_findings(sample)
    folder = cache.folder_for(sample)
    folder.chmod(0o777)
    result = fast(sample)
    assert result.findings == full(sample) and "skema-enum" in {f.kode for f in result.findings}
    assert "chmod 700" in result.stats.cache_note and str(folder) in result.stats.cache_note
    out = CliRunner().invoke(main, ["validate", str(sample)])
    assert out.exit_code == 1 and "tidak dipakai" in out.stderr and "tidak dipakai" not in out.stdout
    folder.chmod(0o700)
    if os.getuid() == 0:  # only root can give a folder to another user
        os.chown(folder, 4242, -1)
        result = fast(sample)
        assert result.findings == full(sample) and "milik pengguna lain" in result.stats.cache_note
        os.chown(folder, 0, -1)
    shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    elsewhere = db_path.parent.parent / "lain"
    elsewhere.mkdir(mode=0o700)
    folder.symlink_to(elsewhere)
    result = fast(sample)
    assert result.findings == full(sample) and "bukan folder biasa" in result.stats.cache_note
    assert list(elsewhere.iterdir()) == []


def test_a_cache_folder_inside_the_catalog_is_not_used(sample, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(sample / "cache"))
    result = fast(sample)
    assert "di dalam katalog" in result.stats.cache_note and not (sample / "cache").exists()


@pytest.mark.parametrize(
    "forged",
    [
        [["kode-palsu", "galat", "x.yaml", "p", "s", None, None, None, None, None]],
        [["skema-enum", "galat", "x.yaml", "p", "s", "1", None, None, None, None]],
        [["skema-enum", "fatal", "x.yaml", "p", "s", None, None, None, None, None]],
        [["skema-enum", "galat", "x.yaml"]],
        {"bukan": "daftar"},
    ],
)
def test_forged_values_are_damage_not_findings(sample, forged):
    fast(sample)
    db = sqlite3.connect(cache.folder_for(sample) / cache.FILE)
    db.execute("UPDATE meta SET v = ? WHERE k = 'ringkasan'", (json.dumps({"git": None, "temuan": forged}),))
    db.execute("UPDATE berkas SET temuan = ? WHERE rel = ?", (json.dumps(forged), VAR))
    db.commit()
    db.close()
    (sample / "metadata/dinkes/catatan.txt").write_text("x")
    assert fast(sample).findings == full(sample)
    assert fast(sample).stats.unchanged  # rebuilt


def test_an_edit_that_keeps_size_and_mtime_is_seen_outside_git(sample):
    assert fast(sample).findings == full(sample)
    same_size_edit(sample / VAR, "tipe_data: Integer", "tipe_data: Integex")
    result = fast(sample)
    assert "skema-enum" in {f.kode for f in result.findings}
    assert result.findings == full(sample) and result.stats.checked == 1


def test_an_edit_that_keeps_size_and_mtime_is_seen_in_git(sample):
    git(sample, "init", "-q")
    commit(sample)
    assert fast(sample).findings == full(sample)
    after_last_change(sample / VAR)
    same_size_edit(sample / VAR, "tipe_data: Integer", "tipe_data: Integex")
    result = fast(sample)
    assert "skema-enum" in {f.kode for f in result.findings}
    assert result.findings == full(sample) and result.stats.checked == 1
    commit(sample, "ubah")
    after_last_change(sample / VAR)
    same_size_edit(sample / VAR, "tipe_data: Integex", "tipe_data: Integer")  # and back, uncommitted
    assert fast(sample).findings == full(sample)
    assert "skema-enum" not in {f.kode for f in full(sample)}


def test_root_files_edited_outside_git_are_not_stale(sample):
    assert fast(sample).findings == full(sample)
    roles = sample / "roles.yaml"
    roles.write_text(roles.read_text().replace("opd: [dinkes]", "opd: [dinkes-lama]", 1))
    result = fast(sample)
    assert "peran-opd-tak-dikenal" in {f.kode for f in result.findings} and result.findings == full(sample)
    assert "katalog-identitas-tidak-ada" in {f.kode for f in result.findings}
    shutil.copy(REPO / "katalog.yaml", sample / "katalog.yaml")
    result = fast(sample)
    assert "katalog-identitas-tidak-ada" not in {f.kode for f in result.findings}
    assert result.findings == full(sample)
    config = sample / "katalog.yaml"
    config.write_text(config.read_text() + "isian_asing: 1\n")
    result = fast(sample)
    assert [f.berkas for f in result.findings if f.berkas == "katalog.yaml"] and result.findings == full(sample)
