"""The one way this tool runs git (revisions for check-pr and diff, the state for the cache)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
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


def git_later(repo: Path, *args: str) -> Callable[[], bytes]:
    """Start ``git -C repo ARGS`` now; the returned function waits for it and gives what
    :func:`git` would (so several commands, or other work, can run meanwhile)."""
    try:
        proc = subprocess.Popen(["git", "-C", str(repo), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        proc = None

    def answer() -> bytes:
        if proc is None:
            raise GitError("Perintah git tidak ditemukan; pasang git terlebih dahulu.")
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise GitError(err.decode("utf-8", "replace").strip() or f"git {' '.join(args)} gagal")
        return out

    return answer
