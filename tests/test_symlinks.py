"""Symbolic links in a catalog are refused and never followed: nothing outside it is read.

A pull request can commit a link (git stores it as a link, and a checkout makes one) to any
file on the machine that validates or builds it. Each test commits links in a real git
repository, checks it out again as CI would, and validates through the real command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

from pipeline.check.catalog import check
from pipeline.check.datafiles import data_files
from pipeline.check.engine import validate_catalog
from pipeline.contract.schema import Schemas
from pipeline.read.catalog import Record, discover, load_catalog
from pipeline.read.loader import LoadError, load
from pipeline.read.safepath import UnsafePath, safe_path

ACT = "metadata/distan/2025-luas-tanam-panen-produksi-padi"
SECRET = "RAHASIA-DI-LUAR-REPOSITORI"


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True).stdout


@pytest.fixture
def outside(tmp_path):
    """Files outside the repository that a link could point to, each holding a secret."""
    out = tmp_path / "luar"
    shutil.copytree(REPO / "metadata/dlh", out / "opd")  # a whole, valid OPD folder
    (out / "rahasia.yaml").write_text(f"nama: {SECRET}\ndefinisi: {SECRET}\ntipe_data: Integer\n")
    (out / "rahasia.csv").write_text(f"luas-tanam-padi\n{SECRET}\n")
    return out


@pytest.fixture
def origin(tmp_path):
    """A clone of a repository whose last commit (a pull request) added links."""
    origin = tmp_path / "asal"
    shutil.copytree(REPO / "metadata", origin / "metadata")
    shutil.copy(REPO / "roles.yaml", origin / "roles.yaml")
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "katalog")
    return origin


def pull_request(origin, tmp_path, links: dict[str, str]):
    """Commit ``links`` (path → target) in ``origin``, then clone it as CI checks it out."""
    for rel, target in links.items():
        path = origin / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
    git(origin, "add", "-A")
    git(origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "PR dengan tautan")
    clone = tmp_path / "ci"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
    for rel in links:
        assert (clone / rel).is_symlink(), rel
    return clone


def validate(root):
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(root), "--format", "json"],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.stdout.startswith("{"), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["temuan"], proc.stdout


def refused(findings, rel):
    (found,) = [f for f in findings if f["berkas"] == rel and f["kode"] == "tautan-simbolik"]
    assert found["tingkat"] == "galat" and "tautan simbolik" in found["pesan"] and found["saran"]
    return found


def same_everywhere(root):
    """The engine (cold, warm, without cache) says what the full check says."""
    expected = check(load_catalog(root), Schemas.find(root))
    for cache in (True, True, False):
        assert validate_catalog(root, Schemas.find(root), cache=cache).findings == expected
    return expected


def test_a_link_to_a_file_outside_the_repository_is_refused(origin, tmp_path, outside):
    links = {
        f"{ACT}/variabel/bocor.yaml": str(outside / "rahasia.yaml"),
        "metadata/dlh/opd.yaml": str(outside / "opd/opd.yaml"),
        f"{ACT}/kegiatan.yaml": "../../dlh/2026-pengelolaan-sampah/kegiatan.yaml",  # inside, still a link
    }
    clone = pull_request(origin, tmp_path, links)
    code, findings, out = validate(clone)
    assert code == 1 and SECRET not in out
    for rel in links:
        assert str(outside) not in refused(findings, rel)["saran"]
    assert "rahasia.yaml" in refused(findings, f"{ACT}/variabel/bocor.yaml")["pesan"]  # where it points, not what
    catalog = load_catalog(clone)
    assert catalog.get("variabel", "distan/2025-luas-tanam-panen-produksi-padi/bocor") is None
    assert catalog.get("opd", "dlh") is None and catalog.get("kegiatan", ACT[len("metadata/") :]) is None
    assert SECRET not in repr(same_everywhere(clone))


def test_a_linked_folder_is_refused_and_not_walked(origin, tmp_path, outside):
    links = {
        "metadata/luar": str(outside / "opd"),
        "metadata/dinkes/2027-salinan": str(outside / "opd/2026-pengelolaan-sampah"),
        f"{ACT}/indikator": str(outside / "opd/2026-pengelolaan-sampah/indikator"),
    }
    clone = pull_request(origin, tmp_path, links)
    code, findings, _ = validate(clone)
    assert code == 1
    for rel in links:
        refused(findings, rel)
    found, _tree = discover(clone)
    assert not [f for f in found if f.rel.startswith(tuple(links))]
    assert not [f for f in found if "pengelolaan-sampah" in f.ident and not f.ident.startswith("dlh/")]
    same_everywhere(clone)


def test_a_linked_data_csv_or_data_folder_is_refused(origin, tmp_path, outside):
    (outside / "data").mkdir()
    shutil.copy(outside / "rahasia.csv", outside / "data/lain.csv")
    links = {
        f"{ACT}/data/bocor.csv": str(outside / "rahasia.csv"),
        "metadata/dlh/2026-pengelolaan-sampah/data": str(outside / "data"),
    }
    clone = pull_request(origin, tmp_path, links)
    code, findings, out = validate(clone)
    assert code == 1 and SECRET not in out
    for rel in links:
        refused(findings, rel)
    activity = Record("kegiatan", "distan/2025-luas-tanam-panen-produksi-padi", f"{ACT}/kegiatan.yaml")
    assert data_files(clone, activity) == [f"{ACT}/data/contoh-triwulan-1.csv"]  # the real one is still checked
    assert not [f for f in findings if f["kode"].startswith("data-")]
    same_everywhere(clone)


def test_links_at_the_root_are_refused(tmp_path, outside):
    root = tmp_path / "katalog"
    root.mkdir()
    (root / "metadata").symlink_to(REPO / "metadata")
    (root / "roles.yaml").symlink_to(REPO / "roles.yaml")
    code, findings, _ = validate(root)
    assert code == 1
    refused(findings, "metadata")
    assert [f["kode"] for f in findings if f["berkas"] == "roles.yaml"] == ["tautan-simbolik"]
    assert not [f for f in findings if f["berkas"].startswith("metadata/")]
    same_everywhere(root)


def test_the_loader_never_opens_a_link(tmp_path, outside):
    link = tmp_path / "a.yaml"
    link.symlink_to(outside / "rahasia.yaml")
    with pytest.raises(LoadError) as exc:
        load(link)
    assert exc.value.kode == "tautan-simbolik" and SECRET not in exc.value.pesan
    fifo = tmp_path / "pipa.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LoadError) as exc:  # a FIFO would block a reader that waits for a writer
        load(fifo)
    assert exc.value.kode == "berkas-tidak-terbaca"


def test_safe_path_refuses_links_and_paths_outside_the_root(tmp_path, outside):
    root = tmp_path / "katalog"
    (root / "metadata/dinkes").mkdir(parents=True)
    (root / "metadata/dinkes/opd.yaml").write_text("nama: x\n")
    (root / "metadata/luar").symlink_to(outside / "opd")
    (root / "metadata/dinkes/tautan.yaml").symlink_to(outside / "rahasia.yaml")
    assert safe_path(root, "metadata/dinkes/opd.yaml") == (root / "metadata/dinkes/opd.yaml").resolve()
    assert (
        safe_path(root, "metadata/dinkes/baru/kegiatan.yaml") == (root / "metadata/dinkes/baru/kegiatan.yaml").resolve()
    )
    assert safe_path(root, root / "metadata/dinkes/opd.yaml") == (root / "metadata/dinkes/opd.yaml").resolve()
    linked_root = tmp_path / "jalan-pintas"
    linked_root.symlink_to(root)  # the root itself may be reached through a link: the user's own choice
    assert safe_path(linked_root, "metadata/dinkes/opd.yaml") == (root / "metadata/dinkes/opd.yaml").resolve()
    cases = {
        "metadata/luar/opd.yaml": ("tautan-simbolik", "metadata/luar"),
        "metadata/luar/baru.yaml": ("tautan-simbolik", "metadata/luar"),
        "metadata/dinkes/tautan.yaml": ("tautan-simbolik", "metadata/dinkes/tautan.yaml"),
        "../luar/rahasia.yaml": ("di-luar-katalog", "../luar/rahasia.yaml"),
        "metadata/../../luar/opd": ("di-luar-katalog", "metadata/../../luar/opd"),
        str(outside / "rahasia.yaml"): ("di-luar-katalog", str(outside / "rahasia.yaml")),
    }
    for path, (kode, rel) in cases.items():
        with pytest.raises(UnsafePath) as exc:
            safe_path(root, path)
        assert (exc.value.kode, exc.value.rel) == (kode, rel), path
        assert isinstance(exc.value, LoadError) and exc.value.pesan and exc.value.saran
