"""Files → findings at catalog scale: an incremental cache and parallel workers.

``satudata validate`` runs the same rules as :func:`pipeline.check.catalog.check`, split in two:
the checks of one file (parse, schema, code lists, SOP log) and the checks across records,
which look at groups of records sharing a key (``groups.group_keys``). The cache
(:mod:`pipeline.check.cache`, under ``.satudata-cache/``) knows each file by its size and
modification time, then by a BLAKE2 hash of its bytes (a fresh git checkout changes mtimes,
not contents). A run re-checks only the files that changed, in worker processes when there
are many, and re-evaluates only the groups those files belonged to or now belong to. The
cache starts over when the schemas, code lists, SOP or tool version change.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..codes import Finding
from ..contract.schema import Schemas
from ..read.catalog import Catalog, Found, Record, as_record, discover_scoped, load_finding
from ..read.git import GitError, git, git_later
from ..read.loader import MAX_BYTES, LoadError, check_size, decode, parse, read_later, unreadable
from .cache import FILE, Index, key_id
from .catalog import finish
from .datafiles import data_files
from .groups import (
    ACTIVITY_GROUP,
    affected_keys,
    all_group_findings,
    cross_data,
    group_findings,
    group_keys,
    worth_evaluating,
)
from .records import record_findings
from .rootfiles import root_findings

CACHE_DIR = ".satudata-cache"
# what reading a damaged cache can raise
BROKEN = (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError)
PARALLEL_FROM = 400  # fewer misses than this are checked in-process (workers cost ~0.3 s to start)
READ_THREADS = 4  # a cold walk's readers per worker: reads overlap when files are not in the OS cache
WALK_IN_WORKERS_FROM = 100  # activity folders (≈ 2,400 files) for a cold run to walk in workers
FULL_FROM = 0.2  # re-evaluate every group when more than this share of the files changed


@dataclass
class Stats:
    files: int = 0
    walked: int = 0  # files whose folders were walked (in git, only folders with changes)
    hits: int = 0
    hashed: int = 0  # read and hashed because size/mtime changed, but content was the same
    checked: int = 0
    groups: int = 0  # groups of records evaluated again
    workers: int = 1
    unchanged: bool = False  # the whole tree matched the cache: nothing was read


@dataclass
class Result:
    findings: list[Finding]
    counts: dict[str, int]  # records per kind
    stats: Stats


def fingerprint(schemas: Schemas) -> str:
    """Changes whenever anything the per-file checks depend on changes."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for folder in sorted({schemas.root, Path(__file__).resolve().parents[1]}):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".json", ".csv", ".yaml", ".py"}:
                h.update(path.as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()


# What a checked file gives back: (digest, findings, pickled cross data or None if it did not
# load, group keys, their key_id); a cache row is (rel, kind, ident, size, mtime_ns, *Checked)
Checked = tuple


def _checked(digest: bytes, findings: list[Finding], kind: str, ident: str, data: dict | None) -> Checked:
    keys = group_keys(kind, ident, data or {})
    blob = None if data is None else pickle.dumps(data, pickle.HIGHEST_PROTOCOL)  # here, in the workers
    return digest, findings, blob, keys, [key_id(k) for k in keys]


def _check_file(schemas: Schemas, root: str, kind: str, ident: str, rel: str, size: int, raw: bytes | None):
    """Check one file: what the cache stores of it, and the record (whole, for group checks)."""
    record = Record(kind, ident, rel)
    if raw is None:
        try:
            raw = _read(os.path.join(root, rel), size)
        except OSError as exc:
            return _checked(b"", [load_finding(rel, unreadable(exc))], kind, ident, None), record
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    record, problems = as_record(kind, ident, rel, lambda: parse(decode(raw)))
    if problems:
        return _checked(digest, problems, kind, ident, None), Record(kind, ident, rel)
    data = cross_data(kind, record.data)
    return _checked(digest, record_findings(record, schemas), kind, ident, data), record


_WORKER_SCHEMAS: Schemas | None = None


def _init_worker(schema_root: str) -> None:
    global _WORKER_SCHEMAS
    _WORKER_SCHEMAS = Schemas(Path(schema_root))
    gc.disable()  # records hold no reference cycles; scanning them cost ~20% of a worker's time


def _check_batch(batch: list[tuple], whole: bool, schemas: Schemas | None = None):
    """Check a batch of files. ``whole``: the batch holds every file of its activities, so their
    activity groups are evaluated here too, while the whole records are at hand."""
    schemas = schemas or _WORKER_SCHEMAS
    results, records = [], []
    for item in batch:
        checked, record = _check_file(schemas, *item)
        results.append(checked)
        records.append(record)
    groups: dict[str, list[Record]] = {}
    for checked, record in zip(results, records, strict=True) if whole else ():
        if checked[3] and checked[3][0].startswith(ACTIVITY_GROUP):
            groups.setdefault(checked[3][0], []).append(record)
    lookup = Catalog(Path(batch[0][0])) if batch else None  # activity groups ask only for the folder
    return results, {key: group_findings(key, members, lookup, schemas) for key, members in groups.items()}


def _batches(items: list[tuple], size: int) -> Iterator[list[tuple]]:
    """Batches of about ``size`` items that never split an activity's files."""
    batch: list[tuple] = []
    for item in items:
        if len(batch) >= size and item[2].split("/")[:2] != batch[-1][2].split("/")[:2]:
            yield batch
            batch = []
        batch.append(item)
    if batch:
        yield batch


def _check_all(schemas: Schemas, items: list[tuple], whole: bool, workers: int | None, stats: Stats):
    """The results of checking ``items``, in order, in batches as they are ready (so the caller
    can store one batch while the workers check the next)."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(items) < PARALLEL_FROM:
        yield _check_batch(items, whole, schemas)
        return
    stats.workers = workers
    size = max(50, min(2000, len(items) // (workers * 8)))
    batches = list(_batches(items, size))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(schemas.root),)) as pool:
        yield from pool.map(_check_batch, batches, [whole] * len(batches))


def _signature(files: list[tuple], tree_findings: list[Finding]) -> tuple[str, bytes]:
    """Outside git: what makes the tree recognisable as unchanged. ``files``: (rel, kind,
    ident, size, mtime_ns) of every record and data file."""
    h = hashlib.blake2b(digest_size=16)
    for rel, kind, ident, size, mtime in sorted(files):
        h.update(f"{kind}\0{ident}\0{rel}\0{size}\0{mtime}\n".encode())
    h.update(repr(sorted(tree_findings, key=Finding.sort_key)).encode())
    return "stat", h.digest()


def _data_found(root: Path, found: list[Found]) -> list[Found]:
    """The CSV files under each activity's data/ folder: checked with their activity's group."""
    out = []
    for f in found:
        if f.kind == "kegiatan":
            for rel in data_files(root, Record(f.kind, f.ident, f.rel)):
                st = os.stat(os.path.join(root, rel))
                out.append(Found("data", f.ident, rel, st.st_size, st.st_mtime_ns))
    return out


GIT_PATHS = ("metadata", "roles.yaml", "katalog.yaml")


@dataclass(frozen=True)
class GitState:
    """What git says of the inputs. Equal keys mean equal inputs; from two states, git also
    says which paths may differ (``changed_since``), so a run need not walk the whole tree."""

    key: str
    trees: dict[str, str]  # HEAD object id of each of GIT_PATHS
    dirty: frozenset[str]  # paths `git status` lists: uncommitted, untracked or ignored

    def changed_since(self, root: Path, last: GitState) -> set[str] | None:
        """Paths that may differ between the two states; None if git cannot say."""
        paths = set(self.dirty | last.dirty)
        old, new = last.trees.get("metadata"), self.trees.get("metadata")
        if old != new:
            if old is None or new is None:
                return None
            try:
                out = git(root, "diff-tree", "-r", "-z", "--name-only", "--no-renames", old, new)
            except GitError:  # e.g. the old tree is gone after a history rewrite
                return None
            paths.update(f"metadata/{p}" for p in out.decode("utf-8", "surrogateescape").split("\0") if p)
        return paths


def ask_git_state(root: Path) -> Callable[[], GitState | None]:
    """In a git work tree: the tree hashes of metadata/ and roles.yaml at HEAD plus the status
    of both (uncommitted, untracked and ignored files); git answers from its index in a
    fraction of the time a walk of the files takes. The commands start now, all at once; the
    returned function waits for them and gives the state (None outside git)."""
    paths = [p for p in GIT_PATHS if (root / p).exists()]
    asked = [
        git_later(root, "rev-parse", "--show-toplevel"),
        git_later(root, "rev-parse", *(f"HEAD:{p}" for p in paths)),
        git_later(root, "status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all", "--", *GIT_PATHS),
    ]

    def answer() -> GitState | None:
        try:
            top, trees, status = (a().decode("utf-8", "surrogateescape") for a in asked)
        except GitError:
            return None
        if Path(top.strip()).resolve() != root.resolve():
            return None
        h = hashlib.blake2b(f"{trees}\0{status}".encode("utf-8", "surrogateescape"), digest_size=16)
        dirty = set()
        entries = iter(status.split("\0"))
        for entry in entries:
            if len(entry) < 4:
                continue
            dirty.add(entry[3:])
            if "R" in entry[:2] or "C" in entry[:2]:  # a rename or copy: its source path follows
                dirty.add(next(entries, ""))
        # status says *that* a file differs from HEAD, not *how*: two different uncommitted edits
        # of one file look the same, so the bytes of every listed file go into the state too
        for path in sorted(dirty):
            full = root / path
            if full.is_file():
                h.update(full.read_bytes())
        return GitState(h.hexdigest(), dict(zip(paths, trees.split(), strict=False)), frozenset(dirty))

    return answer


def validate_catalog(root: Path, schemas: Schemas, workers: int | None = None, cache: bool = True) -> Result:
    """Validate the catalog at ``root`` with the incremental cache and worker processes."""
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of live rows and records, none in a reference cycle
    try:
        return _validate_with_cache(Path(root), schemas, workers, cache)
    finally:
        if collecting:
            gc.enable()


def _validate_with_cache(root: Path, schemas: Schemas, workers: int | None, cache: bool) -> Result:
    folder = root / CACHE_DIR
    for _attempt in range(2 if cache else 0):  # a damaged cache is dropped and built again, once
        try:
            index = Index(root, folder, fingerprint(schemas))
        except sqlite3.OperationalError:  # locked by another run, or read-only: validate without
            break
        except (OSError, sqlite3.Error):  # e.g. not a database
            _remove(folder)
            continue
        try:
            result = _validate(root, schemas, workers, index)
            index.close()
            return result
        except BROKEN:
            index.abandon()  # before its file goes
            _remove(folder)
        finally:
            index.abandon()  # on any other error too; a no-op once closed
    return _validate(root, schemas, workers, None)


def _remove(folder: Path) -> None:
    for name in (FILE, FILE + "-wal", FILE + "-shm"):
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError:
            pass


def _validate(root: Path, schemas: Schemas, workers: int | None, index: Index | None) -> Result:
    asked = ask_git_state(root) if index is not None else None
    last = index.get("ringkasan") if index is not None else None  # (mark, findings, counts)
    # with nothing to compare it with (a cold run), git's answer is only stored, so it can wait
    state = asked() if last is not None else None
    if state is not None and last is not None and last[0] == ("git", state.key):
        return Result(last[1], last[2], Stats(files=sum(last[2].values()), unchanged=True))
    total = index.size() if index is not None else 0  # files in the cache; 0: cold
    stats = Stats()
    by_key: dict[str, list[Finding]] = {}  # activity groups, evaluated in the workers when cold
    opds = _opd_folders(root) if not total and (workers or os.cpu_count() or 1) > 1 else []
    stored = _worth_parallel(root, opds)  # cold and large: the workers walk the OPD folders too
    if stored:
        if index is not None:
            index.start_bulk()
        tree, rows = _walk_and_check(root, schemas, opds, workers, stats, index, by_key)
        scopes, seen, misses, restat = None, {}, [], []
        files = [r[:5] for r in rows]
    else:
        scopes, found, tree = _walk(root, index, state)
        data = _data_found(root, found)
        files = [(f.rel, f.kind, f.ident, f.size, f.mtime_ns) for f in found + data]
    stats.walked = sum(kind != "data" for _rel, kind, *_ in files)
    tree_findings = [f for findings in tree.values() for f in findings]
    signature = _signature(files, tree_findings) if state is None and last is not None else None  # not git
    if signature is not None and last[0] == signature:
        stats.files = stats.hits = stats.walked
        stats.unchanged = True
        return Result(last[1], last[2], stats)
    if not stored:
        seen = {} if index is None else index.seen(None if scopes is None else [f"metadata/{s}/" for s in scopes])
        misses, restat, rows = _plan(root, found + data, seen, stats)
    present = {f[0] for f in files}
    removed = [(rel, old[0], old[1]) for rel, old in seen.items() if rel not in present]
    changed = [f.rel for f, _ in misses] + [r[0] for r in rows] + [r[0] for r in removed]
    incremental = total and len(changed) <= FULL_FROM * total
    before = index.groups_of(changed) if incremental else set()  # the groups the old versions were in
    if index is not None and not stored:
        if total:
            index.forget(changed)
            index.restat(restat)
        else:
            index.start_bulk()
        index.put(rows)
    rows.extend(_check_and_store(root, schemas, misses, not total, workers, stats, index, by_key))
    if incremental:
        groups = _evaluate_touched(index, schemas, before, rows, removed)
    elif total:  # many changes: every group again, from the cache
        lookup = _catalog_from(root, index)
        by_key = all_group_findings(lookup, schemas)
    else:  # cold: every record was just checked; the groups that span folders now
        lookup = _Checked(root, rows)
        by_key.update(lookup.other_groups(schemas))
    if index is None:
        stats.files, stats.groups = stats.walked, len(by_key)
        findings = [*tree_findings, *(f for r in rows for f in r[6]), *(f for g in by_key.values() for f in g)]
        findings.extend(root_findings(lookup, schemas))
        counts = {kind: len(lookup.of(kind)) for kind in ("opd", "kegiatan", "variabel", "indikator")}
        return Result(finish(findings), counts, stats)
    if not incremental:
        groups = {}
        for key, found_ in by_key.items():
            groups.setdefault(key_id(key), []).extend(found_)
    index.set_groups(groups, everything=not incremental)
    stats.groups = len(groups)
    findings = finish([*tree_findings, *index.findings(), *root_findings(index, schemas)])
    counts = index.counts()
    stats.files = sum(counts.values())
    stats.hits = stats.files - stats.checked - stats.hashed
    if state is None and asked is not None:
        state = asked()
    mark = ("git", state.key) if state is not None else signature or _signature(files, tree_findings)
    index.set("ringkasan", (mark, findings, counts))
    index.set("pohon", tree)
    if state is not None:
        index.set("git", state)
    return Result(findings, counts, stats)


def _walk(root: Path, index: Index | None, state: GitState | None):
    """Discover the record files. In git, only the OPD folders holding paths that changed since
    the last run are walked: (those folders or None for all, files found, tree findings by scope)."""
    scopes = None
    last = index.get("git") if state is not None else None
    paths = state.changed_since(root, last) if last is not None else None
    if paths is not None:
        scopes = {p.split("/")[1] for p in paths if p.startswith("metadata/")}
    found, tree = discover_scoped(root, scopes)
    if scopes is not None:  # keep the tree findings of the folders not walked
        tree = {k: v for k, v in (index.get("pohon") or {}).items() if k and k not in scopes} | tree
    return scopes, found, tree


def _opd_folders(root: Path) -> list[str]:
    try:
        return sorted(os.listdir(os.path.join(root, "metadata")))
    except OSError:
        return []


def _worth_parallel(root: Path, opds: list[str]) -> bool:
    """Enough activity folders that walking them in worker processes (≈ 0.3 s to start) pays off."""
    if len(opds) < 2:
        return False
    folders = 0
    for opd in opds:
        try:
            folders += len(os.listdir(os.path.join(root, "metadata", opd)))
        except OSError:
            continue
        if folders >= WALK_IN_WORKERS_FROM:
            return True
    return False


def _walk_and_check(root, schemas, opds, workers, stats, index, by_key):
    """A cold run of a large catalog: each worker walks a share of the OPD folders and checks
    their files, so the walk runs in parallel too. (tree findings, rows)."""
    workers = workers or os.cpu_count() or 1
    stats.workers = workers
    _, tree = discover_scoped(root, set())  # the top of metadata/; the workers say the rest
    rows: list[tuple] = []
    size = max(1, len(opds) // (workers * 32))  # small shares: no worker waits long for the last
    chunks = [opds[i : i + size] for i in range(0, len(opds), size)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(schemas.root),)) as pool:
        for part in pool.map(_walk_and_check_part, [str(root)] * len(chunks), chunks):
            part_tree, part_rows, part_groups, checked = part
            if index is not None:
                index.put(part_rows)  # while the workers go on
            tree.update(part_tree)
            rows += part_rows
            by_key.update(part_groups)
            stats.checked += checked
    return tree, rows


def _rows(misses: list[tuple[Found, bytes | None]], results: list[Checked]) -> list[tuple]:
    """Cache rows of checked files."""
    return [(f.rel, f.kind, f.ident, f.size, f.mtime_ns, *r) for (f, _), r in zip(misses, results, strict=True)]


def _read_ahead(root: str, misses: list[tuple[Found, bytes | None]]) -> list[bytes | None]:
    """The bytes of each file, read by a few threads (a read releases the GIL): when the files
    are not in the operating system's cache, their reads overlap instead of queueing."""

    def share(part: list[tuple[Found, bytes | None]]) -> list[bytes | None]:
        out = []
        for f, _ in part:
            try:
                out.append(_read(os.path.join(root, f.rel), f.size))
            except OSError:
                out.append(None)  # the check reads it again and reports why it cannot
        return out

    size = -(-len(misses) // READ_THREADS) or 1
    with ThreadPoolExecutor(READ_THREADS) as pool:
        parts = pool.map(share, [misses[i : i + size] for i in range(0, len(misses), size)])
        return [raw for part in parts for raw in part]


def _walk_and_check_part(root: str, opds: list[str]):
    found, tree = discover_scoped(Path(root), set(opds))
    tree.pop("")
    data = _data_found(Path(root), found)
    misses, _restat, rows = _plan(Path(root), found + data, {}, Stats())
    raws = _read_ahead(root, misses)
    items = [(root, f.kind, f.ident, f.rel, f.size, raw) for (f, _), raw in zip(misses, raws, strict=True)]
    results, groups = _check_batch(items, True)
    rows += _rows(misses, results)
    return tree, rows, groups, len(misses)


def _check_and_store(root, schemas, misses, whole, workers, stats, index, by_key) -> list[tuple]:
    """Check the files that need it; store each batch in the index while the workers check the
    next. Activity groups the workers evaluated (``whole``) are added to ``by_key``."""
    rows: list[tuple] = []
    items = [(str(root), f.kind, f.ident, f.rel, f.size, raw) for f, raw in misses]
    for batch, activity_groups in _check_all(schemas, items, whole, workers, stats):
        start = len(rows)
        done = _rows(misses[start : start + len(batch)], batch)
        if index is not None:
            index.put(done)
        rows.extend(done)
        by_key.update(activity_groups)
    return rows


def _evaluate_touched(index: Index, schemas: Schemas, before: set[int], rows, removed) -> dict[int, list[Finding]]:
    """Evaluate the groups the old versions of changed files were in (``before``), those the new
    versions are in, and those that ask whether these records exist. Activity groups are not
    stored as memberships (an activity's records are found by their identity); every changed
    file names its own."""
    touched = set(before)
    activities: dict[int, set[str]] = {}
    for row in rows:
        touched.update(row[9])
    for _rel, kind, ident, *_ in rows + removed:
        for key in affected_keys("kegiatan" if kind == "data" else kind, ident, {}):
            touched.add(key_id(key))
            if key.startswith(ACTIVITY_GROUP):
                activities.setdefault(key_id(key), set()).add(key[len(ACTIVITY_GROUP) :])
    return {group: _evaluate(index, group, schemas, activities.get(group, ())) for group in touched}


def _evaluate(index: Index, group: int, schemas: Schemas, activities=()) -> list[Finding]:
    """The findings of the group(s) whose key hashes to ``group``, from their members in the cache."""
    by_key: dict[str, list[Record]] = {}
    for record in index.members(group):
        for key in group_keys(record.kind, record.ident, record.data):
            if key_id(key) == group and not key.startswith(ACTIVITY_GROUP):
                by_key.setdefault(key, []).append(record)
    for activity in activities:
        by_key[ACTIVITY_GROUP + activity] = index.activity_members(activity)
    return [f for key, recs in sorted(by_key.items()) if recs for f in group_findings(key, recs, index, schemas)]


def _plan(root: Path, found: list[Found], seen: dict, stats: Stats):
    """Compare the files found with what the cache has seen: files to check (with their bytes
    if already read), (size, mtime, rel) of files touched but byte-for-byte the same, and rows
    for files that need no check (data files, checked with their activity; oversized files)."""
    misses: list[tuple[Found, bytes | None]] = []
    restat: list[tuple[int, int, str]] = []
    rows: list[tuple] = []
    for f in found:
        old = seen.get(f.rel)
        if old is not None and old[:4] == (f.kind, f.ident, f.size, f.mtime_ns):
            continue
        if f.kind == "data":
            rows.append((f.rel, f.kind, f.ident, f.size, f.mtime_ns, b"", [], None, [], []))
        elif f.size > MAX_BYTES:  # never read a huge file just to hash it
            rows.append(
                (
                    f.rel,
                    f.kind,
                    f.ident,
                    f.size,
                    f.mtime_ns,
                    *_checked(b"", _oversized(f.rel, f.size), f.kind, f.ident, None),
                )
            )
        elif old is not None and old[:2] == (f.kind, f.ident):  # touched: compare the bytes
            try:
                raw = _read(os.path.join(root, f.rel), f.size)
            except OSError:
                raw = None  # the check reports it
            if raw is not None and hashlib.blake2b(raw, digest_size=16).digest() == old[4]:
                restat.append((f.size, f.mtime_ns, f.rel))
                stats.hashed += 1
            else:
                misses.append((f, raw))
        else:
            misses.append((f, None))  # new: the worker reads it
    stats.checked = len(misses)
    return misses, restat, rows


def _read(path: str, size: int) -> bytes:
    """The bytes of a file whose size is known from its stat: one read of that size (a buffered
    read up to the 1 MiB limit allocated the whole megabyte each time: 22 vs 4 µs), then the
    rest, up to the limit, if the file grew meanwhile."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, size + 1)
        if len(data) > size:  # it grew since it was listed: read on, up to the limit
            while len(data) <= MAX_BYTES and (more := os.read(fd, MAX_BYTES + 1 - len(data))):
                data += more
        return data
    finally:
        os.close(fd)


class _Checked:
    """The records of a cold run, straight from the rows just checked: a :class:`groups.Lookup`
    that makes a record object only for the members of groups evaluated here."""

    def __init__(self, root: Path, rows: list[tuple]):
        self.root = root
        self.rows = [r for r in rows if r[1] != "data"]
        self._records: dict[int, Record] = {}
        self._known = {(r[1], r[2]) for r in self.rows}
        self._children: dict[tuple[str, str], list[int]] | None = None

    def record(self, i: int) -> Record:
        if i not in self._records:
            rel, kind, ident, *_, blob, _keys, _ids = self.rows[i]
            doc = None if blob is None else read_later(pickle.loads(blob), os.path.join(self.root, rel))
            self._records[i] = Record(kind, ident, rel, doc)
        return self._records[i]

    def exists(self, kind: str, ident: str) -> bool:
        return (kind, ident) in self._known

    def children(self, activity: str, kind: str) -> list[Record]:
        if self._children is None:
            self._children = {}
            for i, row in enumerate(self.rows):
                self._children.setdefault((row[2].rsplit("/", 1)[0], row[1]), []).append(i)
        return [self.record(i) for i in self._children.get((activity, kind), [])]

    def of(self, kind: str) -> list[Record]:
        return [self.record(i) for i, row in enumerate(self.rows) if row[1] == kind]

    def other_groups(self, schemas: Schemas) -> dict[str, list[Finding]]:
        """Every group but the activity groups (evaluated by the workers)."""
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(self.rows):
            for key in row[8]:
                if not key.startswith(ACTIVITY_GROUP):
                    groups.setdefault(key, []).append(i)
        return {
            key: group_findings(key, [self.record(i) for i in members], self, schemas)
            for key, members in groups.items()
            if worth_evaluating(key, len(members))
        }


def _catalog_from(root: Path, index: Index) -> Catalog:
    catalog = Catalog(root)
    for record in index.records():
        catalog.add(record)
    return catalog


def _oversized(rel: str, size: int) -> list[Finding]:
    try:
        check_size(size)
    except LoadError as exc:
        return [load_finding(rel, exc)]
    return []
