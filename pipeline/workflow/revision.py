"""A git revision read from git objects, never from the working tree.

``satudata check-pr``, ``satudata diff``, the forge recorder and the publication check judge what
a pull request or a push contains; what the checkout on disk says is not what they judge. Files
are listed with ``git ls-tree`` (with their modes: a symlink or a submodule is reported, never
followed or written) and read with ``git cat-file --batch``; a revision is materialised into a
temporary folder only as regular files, so the normal loader and checks can run on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..read.git import GitError, git
from ..read.loader import MAX_BYTES

REGULAR = ("100644", "100755")
MODE_WORDS = {"120000": "tautan simbolik (symlink)", "160000": "submodul git", "040000": "folder"}


@dataclass(frozen=True)
class Entry:
    """One path of a tree: its mode, object type and id."""

    path: str  # relative to the catalog root
    mode: str
    kind: str  # blob | commit (a submodule) | tree
    sha: str
    size: int | None

    @property
    def regular(self) -> bool:
        return self.kind == "blob" and self.mode in REGULAR

    def what(self) -> str:
        return MODE_WORDS.get(self.mode, f"mode {self.mode}")


@dataclass(frozen=True)
class Changed:
    """A path two trees differ in (``git diff-tree --raw``), relative to the repository top."""

    path: str
    status: str  # A | D | M | T
    old_mode: str
    new_mode: str

    @property
    def regular(self) -> bool:
        return all(m in REGULAR or m == "000000" for m in (self.old_mode, self.new_mode))


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_email: str
    author_name: str
    committed: datetime  # the committer date (the client's clock)
    subject: str


@dataclass(frozen=True)
class Repo:
    """The git repository holding a catalog, and where the catalog sits in it (``prefix``)."""

    top: Path
    prefix: str  # "" or "sub/dir/"

    @classmethod
    def of(cls, path: Path) -> Repo:
        path = Path(path).resolve()
        top = Path(git(path, "rev-parse", "--show-toplevel").decode().strip())
        prefix = git(path, "rev-parse", "--show-prefix").decode().strip()
        return cls(top, prefix)

    def git(self, *args: str, data: bytes | None = None) -> bytes:
        return git(self.top, *args, data=data)

    def has_commit(self, sha: str) -> bool:
        """Whether the commit ``sha`` (a full id) is in this repository's object store."""
        try:
            return self.git("cat-file", "-t", sha).strip() == b"commit"
        except GitError:
            return False

    def merge_base(self, a: str, b: str) -> str:
        return self.git("merge-base", a, b).decode().strip()

    def entries(self, commit: str, *paths: str) -> list[Entry]:
        """Every entry under ``paths`` (catalog-relative) at ``commit``, submodules and links included."""
        specs = [f"{self.prefix}{p}" for p in paths] if paths else [self.prefix or "."]
        out = self.git("ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", *specs)
        entries = []
        for raw in out.split(b"\0"):
            if not raw:
                continue
            meta, _, name = raw.partition(b"\t")
            mode, kind, sha, size = meta.decode().split()
            path = name.decode("utf-8", "surrogateescape")
            if not path.startswith(self.prefix):
                continue
            rel = path[len(self.prefix) :]
            if ".." in Path(rel).parts or rel.startswith("/"):
                continue
            entries.append(Entry(rel, mode, kind, sha, None if size == "-" else int(size)))
        return entries

    def cat(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The bytes of blobs by id, in one ``git cat-file --batch``."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self.git("cat-file", "--batch", data="".join(f"{s}\n" for s in wanted).encode())
        found, pos = {}, 0
        for sha in wanted:
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].split()
            if len(header) < 3 or header[1] == b"missing":
                pos = header_end + 1
                continue
            size = int(header[2])
            start = header_end + 1
            found[sha] = out[start : start + size]
            pos = start + size + 1
        return found

    def read(self, commit: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The bytes of catalog-relative ``paths`` at ``commit`` (None: absent or not a regular file)."""
        paths = list(paths)
        if not paths:
            return {}
        entries = {e.path: e for e in self.entries(commit, *paths)}
        blobs = self.cat(e.sha for e in entries.values() if e.regular)
        return {p: blobs.get(entries[p].sha) if p in entries and entries[p].regular else None for p in paths}

    def materialize(self, commit: str, dest: Path, *paths: str) -> dict[str, Entry]:
        """Write the regular files under ``paths`` at ``commit`` into ``dest``; return every entry.

        Symlinks and submodules are returned but not written; a blob over the loader's limit is
        written as an empty file of its size, so the loader reports the size without reading it."""
        entries = {e.path: e for e in self.entries(commit, *paths)}
        small = [e for e in entries.values() if e.regular and (e.size or 0) <= MAX_BYTES]
        blobs = self.cat(e.sha for e in small)
        for entry in entries.values():
            if not entry.regular:
                continue
            target = dest / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.sha in blobs:
                target.write_bytes(blobs[entry.sha])
            else:
                with open(target, "wb") as fh:
                    fh.truncate(entry.size or 0)
        return entries

    def changes(self, a: str, b: str) -> list[Changed]:
        """Every path that differs between commits ``a`` and ``b`` (relative to the repository top)."""
        out = self.git("diff-tree", "-r", "--raw", "-z", "--no-renames", "--no-commit-id", a, b)
        parts = out.split(b"\0")
        changed = []
        for meta, name in zip(parts[0::2], parts[1::2], strict=False):
            if not meta:
                continue
            old_mode, new_mode, _old, _new, status = meta.decode().lstrip(":").split()
            changed.append(Changed(name.decode("utf-8", "surrogateescape"), status[0], old_mode, new_mode))
        return changed

    def commits(self, since: str, head: str) -> list[Commit]:
        """The commits in ``since..head``, oldest first (parents before children)."""
        return self._log("--reverse", "--topo-order", f"{since}..{head}")

    def first_parents(self, since: str | None, head: str) -> list[Commit]:
        """The first-parent chain of ``head`` after ``since`` (all of it without ``since``), oldest first."""
        return self._log("--reverse", "--first-parent", f"{since}..{head}" if since else head)

    def commit(self, sha: str) -> Commit:
        return self._log("-1", sha)[0]

    def _log(self, *args: str) -> list[Commit]:
        out = self.git("log", "--format=%H%x00%P%x00%ae%x00%an%x00%ct%x00%s%x00", *args)
        fields = out.decode("utf-8", "replace").split("\0")
        commits = []
        for i in range(0, len(fields) - 6, 6):
            sha, parents, email, name, stamp, subject = (f.strip("\n") for f in fields[i : i + 6])
            when = datetime.fromtimestamp(int(stamp), UTC)
            commits.append(Commit(sha, tuple(parents.split()), email, name, when, subject))
        return commits
