"""A real machine that refuses: a tiny disk, a small file-size limit, no root powers (for tests)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tiny_disk(path: Path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (yields True), or just a folder (yields False) where
    mounting needs powers this process does not have; unmounted afterwards."""
    path.mkdir()
    mounted = os.geteuid() == 0 and shutil.which("mount") is not None
    if mounted:
        cmd = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)]
        mounted = subprocess.run(cmd, capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(path)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill a mounted disk but for ``leave`` bytes."""
    free = shutil.disk_usage(disk).free
    (disk / "pengisi").write_bytes(b"\0" * max(0, free - leave))


def file_size_limit(limit: int):
    """A ``preexec_fn``: no file of the child may grow beyond ``limit`` bytes (writes fail with EFBIG)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def without_root_powers(cmd: list[str]) -> list[str]:
    """As root, permissions do not stop a write: drop the capabilities that bypass them."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to test permissions as root")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *cmd]
