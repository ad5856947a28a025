"""Nothing lost, every message right: where a command writes, and what the machine refuses.

`build --keluar` replaces its folder whole, so it only ever replaces an earlier build; a full
disk, a port in use and a folder without permission are said in Indonesian with exit code 3.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from machine import file_size_limit, fill, tiny_disk
from xlsxtools import run

from pipeline.edit.oserrors import os_finding
from pipeline.publish.site import SITE_MARKER, BuildError, _swap

ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(REPO)}
PADA = ("--pada", "2025-03-03T00:00:00+07:00")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- build --keluar ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["metadata", ".", "metadata/dinkes/site", "docs", ".."])
def test_build_never_replaces_the_catalog_or_a_folder_holding_it(portal, target):
    subprocess.run(["git", "init", "-q", str(portal.root)], check=True)
    before = files(portal.root)
    out = (portal.root / target).resolve()
    result = run("build", portal.root, "--keluar", out, *PADA)
    assert result.exit_code == 1, result.output
    assert "Portal tidak dibangun" in result.output and "Pilih folder baru atau kosong" in result.output
    assert files(portal.root) == before
    assert (portal.root / ".git/HEAD").is_file()


@pytest.mark.parametrize("content", [".git", "katalog.yaml", "catatan-penting.txt"])
def test_build_refuses_a_folder_that_is_not_an_earlier_build(portal, tmp_path, content):
    out = tmp_path / "lain"
    out.mkdir()
    if content == ".git":
        subprocess.run(["git", "init", "-q", str(out)], check=True)
    else:
        (out / content).write_text("milik orang lain\n")
    before = files(out)
    result = run("build", portal.root, "--keluar", out, *PADA)
    assert result.exit_code == 1 and "Portal tidak dibangun" in result.output
    assert files(out) == before


def test_build_replaces_an_earlier_build_or_an_empty_folder(portal, tmp_path):
    out = tmp_path / "kosong"
    out.mkdir()
    assert run("build", portal.root, "--keluar", out, *PADA).exit_code == 0
    assert (out / SITE_MARKER).is_file() and (out / "index.html").is_file()
    (out / "sisa-lama.html").write_text("x")
    assert run("build", portal.root, "--keluar", out, *PADA).exit_code == 0
    assert not (out / "sisa-lama.html").exists()


def test_the_swap_itself_refuses_a_folder_without_the_marker(tmp_path):
    new, out = tmp_path / "baru", tmp_path / "lama"
    new.mkdir()
    out.mkdir()
    (out / "penting.txt").write_text("jangan dihapus")
    with pytest.raises(BuildError):
        _swap(new, out)
    assert (out / "penting.txt").read_text() == "jangan dihapus"


# --- the machine refuses -------------------------------------------------------------------------


def test_a_port_in_use_is_a_message_not_a_traceback(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "serve", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            env=ENV,
            timeout=60,
        )
    assert proc.returncode == 3
    assert f"GALAT [port-dipakai] Portal tidak dapat disajikan: Port {port} di 127.0.0.1 sudah dipakai" in proc.stderr
    assert "--port" in proc.stderr and "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("command", ["build", "template"])
def test_a_full_disk_is_a_message_and_the_earlier_output_stays(portal, tmp_path, command):
    with tiny_disk(tmp_path / "disk", "16m") as mounted:
        where = tmp_path / "disk"
        out = where / ("site" if command == "build" else "templat.xlsx")
        args = [str(portal.root), "--keluar", str(out), *(PADA if command == "build" else ())]
        assert run(command, *args).exit_code == 0  # an earlier output, while there was room
        before = files(out) if out.is_dir() else {"": out.read_bytes()}
        cmd = [sys.executable, "-m", "pipeline", command, *args]
        if mounted:
            fill(where, 40_000)
            proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
        else:
            limit = file_size_limit(30_000)
            proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300, preexec_fn=limit)
        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert "GALAT [disk-penuh]" in proc.stderr and "Traceback" not in proc.stdout + proc.stderr
        after = files(out) if out.is_dir() else {"": out.read_bytes()}
        assert after == before
        assert not [p for p in where.iterdir() if p.name.startswith(".")]  # no temporary files left


@pytest.mark.parametrize(
    "number,kode,words",
    [
        (errno.ENOSPC, "disk-penuh", "Ruang disk habis"),
        (errno.EFBIG, "disk-penuh", "batas ukuran berkas"),
        (errno.EACCES, "izin-ditolak", "Izin ditolak"),
        (errno.EROFS, "izin-ditolak", "hanya dapat dibaca"),
        (errno.EADDRINUSE, "port-dipakai", "sudah dipakai program lain"),
        (errno.ENOENT, "sistem-gagal", "tidak ditemukan"),
    ],
)
def test_every_refusal_of_the_machine_has_its_own_words(number, kode, words):
    f = os_finding(OSError(number, os.strerror(number), "metadata/dinkes/opd.yaml"), "metadata/dinkes/opd.yaml")
    assert (f.kode, f.tingkat) == (kode, "galat")
    assert words in f.pesan and f.saran


def test_an_import_while_another_one_writes_is_refused(catalog, tmp_path):
    from xlsxtools import export, import_, snapshot

    from pipeline.edit.transaction import Lock

    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    before = snapshot(catalog.root)
    with Lock(catalog.root):  # another process's import, as far as this one can tell
        result = import_(xlsx, catalog.root)
    assert result.exit_code == 1 and "[impor-sibuk]" in result.output
    assert snapshot(catalog.root) == before
