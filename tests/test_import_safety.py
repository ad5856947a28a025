"""Nothing lost: an import writes all files or none, also when it is killed or the disk is full.

The kills are real: the import runs in a child process that SIGKILLs itself at a chosen moment of
the write (tests/killpoint.py). The disk is real too (tests/machine.py): a tiny tmpfs when this
runs as root, else a child process whose file-size limit is smaller than the files it must write.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from machine import file_size_limit, fill, tiny_disk, without_root_powers
from xlsxtools import column, export, find_row, import_, run

KILLPOINT = Path(__file__).with_name("killpoint.py")
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(REPO)}

# Five records the workbook changes (the issue: "killed mid-import, 2 of 5 files are updated"),
# one of them new (its activity folder too).
EDITS = [
    ("MS-Keg", {"opd": "dinkes", "kegiatan": "2025-profil-kesehatan"}, "desain_kegiatan.frekuensi", "Semesteran"),
    ("MS-Keg", {"opd": "dinkes", "kegiatan": "2024-profil-kesehatan"}, "perencanaan.tujuan", "Tujuan baru."),
    ("MS-Var", {"kegiatan": "2025-profil-kesehatan", "slug": "jumlah-kematian-ibu"}, "konsep", "Kematian ibu (baru)"),
    ("MS-Var", {"kegiatan": "2025-profil-kesehatan", "slug": "jumlah-kematian-bayi"}, "alias", "KB-0"),
    (
        "MS-Ind",
        {"kegiatan": "2025-profil-kesehatan", "slug": "angka-kematian-ibu"},
        "interpretasi",
        "Makin rendah makin baik.",
    ),
]


def tree(root: Path) -> dict[str, tuple]:
    """Every file (bytes and permissions) and folder under the catalog, the validation cache aside."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".satudata-cache"):
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        out[rel] = ("folder", mode) if path.is_dir() else (hashlib.sha256(path.read_bytes()).hexdigest(), mode)
    return out


@pytest.fixture
def sample(tmp_path):
    root = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata/dinkes", root / "metadata/dinkes")
    (root / "metadata/dinkes/2025-profil-kesehatan/variabel/jumlah-kematian-ibu.yaml").chmod(0o640)  # kept as is
    return root


def workbook(root: Path, out: Path, edits=EDITS, new_activity: bool = True) -> Path:
    xlsx = export(root, out)
    wb = openpyxl.load_workbook(xlsx)
    for sheet, ids, key, value in edits:
        ws = wb[sheet]
        ws.cell(row=find_row(ws, **ids), column=column(ws, key)).value = value
    if new_activity:  # a copy of 2025 as 2026: a new folder with a kegiatan.yaml
        ws = wb["MS-Keg"]
        r = find_row(ws, opd="dinkes", kegiatan="2025-profil-kesehatan")
        values = [c.value for c in ws[r]]
        nxt = ws.max_row + 1
        for c, v in enumerate(values, start=1):
            ws.cell(row=nxt, column=c).value = v
        ws.cell(row=nxt, column=column(ws, "kegiatan")).value = "2026-profil-kesehatan"
        ws.cell(row=nxt, column=column(ws, "tahun")).value = 2026
        for name in ("MS-Keg 3.3 Jadwal", "MS-Keg 3.4 Variabel", "MS-Keg 4.5 Wilayah"):
            ws = wb[name]
            for row in [[c.value for c in r] for r in ws.iter_rows(min_row=3) if r[1].value == "2025-profil-kesehatan"]:
                row[1] = "2026-profil-kesehatan"
                ws.append(row)
    wb.save(xlsx)
    return xlsx


def killed_import(xlsx: Path, root: Path, at: int) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(KILLPOINT), str(at), "import", str(xlsx), "--katalog", str(root)]
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=root.parent, timeout=300)


def test_a_real_kill_at_every_moment_of_the_write_is_rolled_back(sample, tmp_path):
    xlsx = workbook(sample, tmp_path / "lima.xlsx")
    before = tree(sample)
    writes = 1 + len(EDITS) + 1  # the journal, five updated files, one new file
    for at in range(writes):
        proc = killed_import(xlsx, sample, at)
        assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
        if at > 0:  # the journal was written: validate says what happened and how to undo it
            report = run("validate", sample)
            assert "[impor-terputus]" in report.output and "satudata import --pulihkan" in report.output
        recovered = run("import", "--pulihkan", "--katalog", sample)
        assert recovered.exit_code == 0, recovered.output
        assert tree(sample) == before, f"killed before write {at}"
    done = killed_import(xlsx, sample, writes + 5)  # not killed: every file is written
    assert done.returncode == 0, done.stdout + done.stderr
    after = tree(sample)
    assert len([p for p in after if after[p] != before.get(p)]) == len(EDITS) + 2  # + new folder and file
    assert after["metadata/dinkes/2025-profil-kesehatan/variabel/jumlah-kematian-ibu.yaml"][1] == 0o640


def test_the_next_import_rolls_back_a_killed_one_first(sample, tmp_path):
    xlsx = workbook(sample, tmp_path / "lima.xlsx")
    before = tree(sample)
    assert killed_import(xlsx, sample, 3).returncode == -signal.SIGKILL
    assert tree(sample) != before  # two files already replaced
    again = import_(xlsx, sample)
    assert again.exit_code == 0, again.output
    assert "[impor-dipulihkan]" in again.output
    changed = [p for p, v in tree(sample).items() if before.get(p) != v]
    assert len(changed) == len(EDITS) + 2


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    chosen=st.lists(st.sampled_from(range(len(EDITS))), unique=True, max_size=len(EDITS)),
    new_activity=st.booleans(),
    broken=st.booleans(),
    kill=st.one_of(st.none(), st.integers(min_value=0, max_value=len(EDITS) + 1)),
)
def test_after_any_failed_or_killed_import_the_catalog_is_what_it_was(
    tmp_path_factory, chosen, new_activity, broken, kill
):
    root = tmp_path_factory.mktemp("katalog")
    shutil.copytree(REPO / "metadata/dinkes", root / "metadata/dinkes")
    edits = [EDITS[i] for i in chosen]
    if broken:  # a change that the whole-record check refuses (3.1 is required)
        edits.append(("MS-Keg", EDITS[0][1], "perencanaan.latar_belakang", None))
    xlsx = workbook(root, root.parent / f"{root.name}-{uuid.uuid4().hex[:6]}.xlsx", edits, new_activity)
    before = tree(root)
    if kill is None:
        result = import_(xlsx, root)
        if not broken:
            return  # a good import without a kill: it is allowed to change the catalog
        assert result.exit_code == 1
    else:
        proc = killed_import(xlsx, root, kill)
        if proc.returncode == 0:
            return  # fewer writes than the kill point: the import finished
        assert proc.returncode == (1 if broken else -signal.SIGKILL), proc.stdout + proc.stderr
        assert run("import", "--pulihkan", "--katalog", root).exit_code == 0
    assert tree(root) == before


# --- the machine refuses ------------------------------------------------------------------------


def test_a_full_disk_is_reported_and_nothing_changes(tmp_path):
    with tiny_disk(tmp_path / "disk", "600k") as mounted:
        root = (tmp_path / "disk" if mounted else tmp_path) / "katalog"
        shutil.copytree(REPO / "metadata/dinkes/2025-profil-kesehatan", root / "metadata/dinkes/2025-profil-kesehatan")
        shutil.copy(REPO / "metadata/dinkes/opd.yaml", root / "metadata/dinkes/opd.yaml")
        xlsx = tmp_path / "ubah.xlsx"
        shutil.copy(workbook(root, tmp_path / "ubah0.xlsx", EDITS[2:5:2], new_activity=False), xlsx)
        big = root / "metadata/dinkes/2025-profil-kesehatan/indikator/angka-kematian-ibu.yaml"
        big.write_text(big.read_text() + "# " + "catatan panjang " * 2000 + "\n")  # filled while staging it
        before = tree(root)
        cmd = [sys.executable, "-m", "pipeline", "import", str(xlsx), "--katalog", str(root)]
        if mounted:
            fill(tmp_path / "disk", 30_000)  # leave less than the files need
            proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
        else:
            limit = file_size_limit(20_000)
            proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300, preexec_fn=limit)
        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert "GALAT [disk-penuh]" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
        assert "Ruang disk habis" in proc.stdout
        assert tree(root) == before


def test_a_folder_without_write_permission_is_reported(tmp_path):
    root = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata/dinkes/2025-profil-kesehatan", root / "metadata/dinkes/2025-profil-kesehatan")
    shutil.copy(REPO / "metadata/dinkes/opd.yaml", root / "metadata/dinkes/opd.yaml")
    xlsx = workbook(root, tmp_path / "ubah.xlsx", EDITS[2:3], new_activity=False)
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    for path in folders:
        path.chmod(0o555)
    before = tree(root)
    cmd = without_root_powers([sys.executable, "-m", "pipeline", "import", str(xlsx), "--katalog", str(root)])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
        after = tree(root)
    finally:
        for path in folders:
            path.chmod(0o755)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "GALAT [izin-ditolak]" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    assert "Izin ditolak" in proc.stdout
    assert after == before
