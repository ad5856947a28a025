"""The one way this tool runs git (revisions for check-pr and diff, the state for the cache)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..codes import EXIT_ENVIRONMENT, EXIT_USAGE, SatudataError


class GitError(SatudataError):
    """A git command failed; the message is for people."""

    kode = "git-gagal"
    keluar = EXIT_ENVIRONMENT


class BadRevision(GitError):
    """A revision named by the user does not exist (a usage error, not a failure of git)."""

    kode = "git-revisi"
    keluar = EXIT_USAGE


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


@dataclass(frozen=True)
class Revision:
    name: str  # as given (main, HEAD, a SHA)
    commit: str

    @property
    def short(self) -> str:
        return self.commit[:7]


def resolve(repo: Path, rev: str) -> Revision:
    """The commit a revision names; raises :class:`BadRevision` if there is none (or the text
    could be read by git as an option), :class:`GitError` if ``repo`` is not a git repository."""
    if not rev or rev.startswith("-"):
        raise BadRevision(f"Revisi '{rev}' tidak sah.")
    git(repo, "rev-parse", "--git-dir")  # not a repository: GitError with git's own message
    try:
        sha = git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        sha = ""
    if not sha:
        raise BadRevision(f"Revisi '{rev}' tidak ditemukan di repositori git {repo}.")
    return Revision(rev, sha)


def show(repo: Path, ref: str, path: str) -> bytes | None:
    """Contents of ``path`` at ``ref`` (``git show REF:path``), or None if it does not exist there."""
    listed = git(repo, "ls-tree", "--name-only", ref, "--", path).decode("utf-8", "replace").strip()
    if listed != path:
        return None
    return git(repo, "show", f"{ref}:{path}")


def changed_paths(repo: Path, base: str, head: str) -> list[str]:
    out = git(repo, "diff", "--name-only", "--no-renames", "-z", base, head)
    return sorted(p for p in out.decode("utf-8", "replace").split("\0") if p)
