"""The one way this tool runs git (revisions for check-pr and diff, the state for the cache)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """A git command failed; the message is for people."""


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    """stdout of ``git -C repo ARGS``; raises :class:`GitError` with git's own message."""
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("Perintah git tidak ditemukan; pasang git terlebih dahulu.") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} gagal")
    return proc.stdout
