"""Files → findings at catalog scale: a content-hash cache and parallel workers.

``satudata validate`` runs the same rules as :func:`pipeline.checks.check`, split in two:
the checks of one file (parse, schema, code lists, SOP log) and the checks across records.
The per-file results are cached under ``.satudata-cache/`` keyed by each file's size and
modification time, then by a BLAKE2 hash of its bytes (a fresh git checkout changes mtimes,
not contents). Only what the cross-record checks read (``checks.CROSS_FIELDS``) is kept of a
cached record. Files that miss the cache are checked in worker processes when there are many.
The cache is invalidated as a whole when the schemas, code lists, SOP or tool version change.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .catalog import Catalog, Found, Record, as_record, discover, load_finding
from .checks import CROSS_FIELDS, cross_findings, finish, record_findings
from .findings import Finding
from .gitrepo import GitError, git
from .loader import MAX_BYTES, Document, LoadError, check_size, decode, parse, unreadable
from .schema import Schemas

CACHE_DIR = ".satudata-cache"
CACHE_FILE = "berkas.pickle"  # per-file results
SUMMARY_FILE = "ringkasan.pickle"  # the last full result and the tree signature it belongs to
PARALLEL_FROM = 400  # fewer misses than this are checked in-process (workers cost ~0.3 s to start)


# A cached file: (kind, ident, size, mtime_ns, digest, findings, pruned document or None)
Entry = tuple


@dataclass
class Stats:
    files: int = 0
    hits: int = 0
    hashed: int = 0  # read and hashed because size/mtime changed, but content was the same
    checked: int = 0
    workers: int = 1
    unchanged: bool = False  # the whole tree matched the cache: nothing was read


@dataclass
class Result:
    findings: list[Finding]
    counts: dict[str, int]  # records per kind
    stats: Stats


def prune(doc: Document, kind: str) -> Document:
    """Only the parts of a record that checks across records read (with their lines)."""
    keep = CROSS_FIELDS.get(kind, [])
    data: dict = {}
    for path in keep:
        src, dst = doc.data, data
        for i, part in enumerate(path):
            if not isinstance(src, dict) or part not in src:
                break
            if i == len(path) - 1:
                dst[part] = src[part]
            else:
                src = src[part]
                dst = dst.setdefault(part, {})
    lines = {p: n for p, n in doc.lines.items() if not p or any(p[: len(k)] == k for k in keep)}
    return Document(data, lines)


def fingerprint(schemas: Schemas) -> str:
    """Changes whenever anything the per-file checks depend on changes."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for folder in sorted({schemas.root, Path(__file__).resolve().parent}):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".json", ".csv", ".yaml", ".py"}:
                h.update(path.as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def _check_file(schemas: Schemas, kind: str, ident: str, rel: str, raw: bytes) -> tuple[list[Finding], Document | None]:
    record, problems = as_record(kind, ident, rel, lambda: parse(decode(raw)))
    if problems:
        return problems, None
    return record_findings(record, schemas), prune(record.doc, kind)


_WORKER_SCHEMAS: Schemas | None = None


def _init_worker(schema_root: str) -> None:
    global _WORKER_SCHEMAS
    _WORKER_SCHEMAS = Schemas(Path(schema_root))


def _check_batch(batch: list[tuple[str, str, str, bytes]]) -> list[tuple[list[Finding], Document | None]]:
    return [_check_file(_WORKER_SCHEMAS, *item) for item in batch]


def _load(path: Path, key: str):
    try:
        with open(path, "rb") as fh:
            stored = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        return None
    return stored["data"] if isinstance(stored, dict) and stored.get("key") == key else None


def _save(path: Path, key: str, data) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / ".gitignore").write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({"key": key, "data": data}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout still validates; it just stays cold


def _signature(root: Path, found: list[Found], tree_findings: list[Finding]) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for f in found:
        h.update(f"{f.kind}\0{f.ident}\0{f.rel}\0{f.size}\0{f.mtime_ns}\n".encode())
        if f.kind == "kegiatan":  # data/ files are checked every run, but must still break the signature
            folder = os.path.join(root, os.path.dirname(f.rel), "data")
            if os.path.isdir(folder):
                for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                    st = entry.stat()
                    h.update(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    h.update(repr(sorted(tree_findings, key=Finding.sort_key)).encode())
    return h.digest()


GIT_PATHS = ("metadata", "roles.yaml")


def git_state(root: Path) -> str | None:
    """In a git work tree: the tree hashes of metadata/ and roles.yaml at HEAD plus the status
    of both (uncommitted, untracked and ignored files). Equal states mean equal inputs, and git
    answers from its index in a fraction of the time a walk of the files takes."""

    def run(*args: str) -> str | None:
        try:
            return git(root, *args).decode("utf-8", "replace")
        except GitError:
            return None

    top = run("rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != root.resolve():
        return None
    trees = run("rev-parse", *(f"HEAD:{p}" for p in GIT_PATHS if (root / p).exists()))
    status = run("status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all", "--", *GIT_PATHS)
    if trees is None or status is None:
        return None
    h = hashlib.blake2b(f"{trees}\0{status}".encode(), digest_size=16)
    # status says *that* a file differs from HEAD, not *how*: two different uncommitted edits
    # of one file look the same, so the bytes of every listed file go into the state too
    for entry in status.split("\0"):
        path = root / entry[3:] if len(entry) > 3 else None
        if path is not None and path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def validate_catalog(root: Path, schemas: Schemas, workers: int | None = None, cache: bool = True) -> Result:
    """Validate the catalog at ``root`` with the per-file cache and worker processes."""
    root = Path(root)
    folder = root / CACHE_DIR
    key = fingerprint(schemas) if cache else ""
    state = git_state(root) if cache else None
    if state is not None:  # nothing changed since the last run: the stored result stands
        last = _load(folder / SUMMARY_FILE, key)
        if last is not None and last[0] == ("git", state):
            return Result(last[1], last[2], Stats(files=sum(last[2].values()), unchanged=True))
    found, tree_findings = discover(root)
    stats = Stats(files=len(found))
    signature = ("stat", _signature(root, found, tree_findings))
    if cache and state is None:
        last = _load(folder / SUMMARY_FILE, key)
        if last is not None and last[0] == signature:
            stats.hits = stats.files
            stats.unchanged = True
            return Result(last[1], last[2], stats)
    old: dict[str, Entry] = (_load(folder / CACHE_FILE, key) or {}) if cache else {}
    entries: dict[str, Entry] = {}
    misses: list[tuple[Found, bytes, bytes]] = []
    for f in found:
        entry = old.get(f.rel)
        if entry is not None and entry[:4] == (f.kind, f.ident, f.size, f.mtime_ns):
            entries[f.rel] = entry
            stats.hits += 1
            continue
        if f.size > MAX_BYTES:  # never read a huge file just to hash it
            entries[f.rel] = (f.kind, f.ident, f.size, f.mtime_ns, b"", _oversized(f.rel, f.size), None)
            continue
        try:
            raw = (root / f.rel).read_bytes()
        except OSError as exc:
            entries[f.rel] = (f.kind, f.ident, f.size, f.mtime_ns, b"", [load_finding(f.rel, unreadable(exc))], None)
            continue
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        if entry is not None and entry[:2] == (f.kind, f.ident) and entry[4] == digest:
            entries[f.rel] = (f.kind, f.ident, f.size, f.mtime_ns, *entry[4:])
            stats.hashed += 1
            continue
        misses.append((f, raw, digest))
    stats.checked = len(misses)
    results = _check_all(schemas, [(f.kind, f.ident, f.rel, raw) for f, raw, _ in misses], workers, stats)
    for (f, _raw, digest), (findings, doc) in zip(misses, results, strict=True):
        entries[f.rel] = (f.kind, f.ident, f.size, f.mtime_ns, digest, findings, doc)
    catalog = Catalog(root, findings=list(tree_findings))
    findings = list(tree_findings)
    for f in found:
        entry = entries.get(f.rel)
        if entry is not None:
            catalog.add(Record(f.kind, f.ident, f.rel, entry[6]))
            findings.extend(entry[5])
    findings.extend(cross_findings(catalog, schemas))
    findings = finish(findings)
    counts = {kind: len(catalog.of(kind)) for kind in ("opd", "kegiatan", "variabel", "indikator")}
    if cache:
        if stats.checked or stats.hashed or old.keys() != entries.keys():
            _save(folder / CACHE_FILE, key, entries)
        _save(folder / SUMMARY_FILE, key, (("git", state) if state is not None else signature, findings, counts))
    return Result(findings, counts, stats)


def _oversized(rel: str, size: int) -> list[Finding]:
    try:
        check_size(size)
    except LoadError as exc:
        return [load_finding(rel, exc)]
    return []


def _check_all(schemas: Schemas, misses, workers: int | None, stats: Stats):
    items = [(kind, ident, rel, raw) for kind, ident, rel, raw, *_ in misses]
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(items) < PARALLEL_FROM:
        return [_check_file(schemas, *item) for item in items]
    stats.workers = workers
    size = max(50, len(items) // (workers * 8))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(schemas.root),)) as pool:
        return [result for batch in pool.map(_check_batch, batches) for result in batch]
