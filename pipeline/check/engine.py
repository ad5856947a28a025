"""Files → findings at catalog scale: an incremental cache and parallel workers.

``satudata validate`` runs the same rules as :func:`pipeline.check.catalog.check`, split in two:
the checks of one file (parse, schema, code lists, SOP log) and the checks across records,
which look at groups of records sharing a key (``groups.group_keys``). The cache
(:mod:`pipeline.check.cache`, outside the working tree) keeps each file's results and each
group's. A run takes one of these paths:

- :func:`_uncached` — no cache (``--tanpa-cache``, CI, or a cache folder that may not be
  used): every file is checked, in worker processes when there are many;
- :func:`_cold` — an empty cache: the same, storing every file's row and every group;
- :func:`_unchanged` — in git, the tree ids and status say nothing changed since the last
  run: its findings, and nothing is read;
- :func:`_incremental` — the files that changed are checked again, and only the groups their
  old and new versions belong to are evaluated again, their members read from the cache;
- :func:`_reevaluate` — more than ``FULL_FROM`` of the files changed: those are checked
  again, then every group is evaluated again from the cache.

A file is taken from the cache only if its bytes hash (BLAKE2) to what was stored. In git,
git says which paths may differ (``git status``, and the diff between the tree of the last run
and HEAD): only their OPD folders are walked and those paths are hashed, and git vouches for
the rest (it compares files with its index by stat data, ctime included, then by content;
ctime to the second unless git is built with nanosecond timestamps, so an edit that keeps
size and mtime within the same second as git last saw the file escapes git, and this cache).
Outside git every file is read and hashed: size and mtime alone are never trusted.
The cache starts over when the schemas, code lists, SOP or tool version change.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__
from ..codes import Finding
from ..contract.schema import Schemas
from ..read.catalog import Catalog, Found, Record, as_record, discover_scoped, legacy_cache, load_finding
from ..read.git import GitError, git, git_later
from ..read.loader import MAX_BYTES, LoadError, check_size, decode, parse, read_bytes, read_later, unreadable
from .cache import (
    Damaged,
    Index,
    Row,
    Seen,
    Untrusted,
    decode_findings,
    dump,
    encode_findings,
    folder_for,
    in_ci,
    key_id,
    load_dict,
    remove,
)
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

# what reading a damaged cache can raise (Damaged is a ValueError)
BROKEN = (sqlite3.Error, ValueError, TypeError)
PARALLEL_FROM = 400  # fewer misses than this are checked in-process (workers cost ~0.3 s to start)
READ_THREADS = 4  # a cold walk's readers per worker: reads overlap when files are not in the OS cache
WALK_IN_WORKERS_FROM = 100  # activity folders (≈ 2,400 files) for a cold run to walk in workers
FULL_FROM = 0.2  # re-evaluate every group when more than this share of the files changed
KINDS = ("opd", "kegiatan", "variabel", "indikator")


@dataclass
class Stats:
    files: int = 0
    walked: int = 0  # files whose folders were walked (in git, only folders with changes)
    hits: int = 0
    hashed: int = 0  # read and hashed, and the content was what the cache had
    checked: int = 0
    groups: int = 0  # groups of records evaluated again
    workers: int = 1
    unchanged: bool = False  # no record or data file changed since the last run
    cache_note: str = ""  # why the cache was not used, for people (empty if it was, or was not asked for)


@dataclass
class Result:
    findings: list[Finding]
    counts: dict[str, int]  # records per kind
    stats: Stats


class Task(NamedTuple):
    """A file to check: what the cache will know it by, and its bytes if already read."""

    root: str
    kind: str
    ident: str
    rel: str
    size: int
    mtime_ns: int
    raw: bytes | None


def fingerprint(schemas: Schemas) -> str:
    """Changes whenever anything the per-file checks depend on changes. Links are not followed
    (their target's text is part of the fingerprint, not what they point to)."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for folder in sorted({str(schemas.root), str(Path(__file__).resolve().parents[1])}):
        for top, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if os.path.splitext(name)[1] in {".json", ".csv", ".yaml", ".py"}:
                    path = os.path.join(top, name)
                    h.update(path.encode("utf-8", "surrogateescape"))
                    h.update(_file_identity(path))
    return h.hexdigest()


def _file_identity(path: str) -> bytes:
    """The bytes of a regular file; for a link, the text of its target (never what it points to)."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            return b"link\0" + os.fsencode(os.readlink(path))
        return _whole(path) if stat.S_ISREG(mode) else b"other\0"
    except OSError:
        return b"unreadable\0"


def _whole(path: str) -> bytes:
    """Every byte of a regular file, whatever its size, never through a link."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        parts = []
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def _row(f, digest: bytes, findings: list[Finding], data: dict | None) -> Row:
    """The cache row of a file ``f`` (a :class:`Found` or :class:`Task`) checked with these results."""
    keys = [] if f.kind == "data" else group_keys(f.kind, f.ident, data or {})  # data: checked with its activity
    blob = None if data is None else dump(data)  # here, in the workers
    return _AS_ROW(
        (f.rel, f.kind, f.ident, f.size, f.mtime_ns, digest, findings, blob, keys, [key_id(k) for k in keys])
    )


def _check_file(schemas: Schemas, task: Task) -> tuple[Row, Record]:
    """Check one file: what the cache stores of it, and the record (whole, for group checks)."""
    kind, ident, rel = task.kind, task.ident, task.rel
    raw = task.raw
    if raw is None:
        try:
            raw = read_bytes(os.path.join(task.root, rel), task.size)
        except OSError as exc:
            return _row(task, b"", [load_finding(rel, unreadable(exc))], None), Record(kind, ident, rel)
    digest = _digest(raw)
    record, problems = as_record(kind, ident, rel, lambda: parse(decode(raw)))
    if problems:
        return _row(task, digest, problems, None), Record(kind, ident, rel)
    return _row(task, digest, record_findings(record, schemas), cross_data(kind, record.data)), record


_WORKER_SCHEMAS: Schemas | None = None


def _init_worker(schema_root: str) -> None:
    global _WORKER_SCHEMAS
    _WORKER_SCHEMAS = Schemas(Path(schema_root))
    gc.disable()  # records hold no reference cycles; scanning them cost ~20% of a worker's time


# Rows and tasks cross process boundaries as plain tuples: pickling a NamedTuple costs six times
# as much (its __getnewargs__ and __new__ run in Python). These make them from a tuple in C,
# also where 240,000 are made at once (0.15 vs 0.5 µs each).
_AS_ROW = functools.partial(tuple.__new__, Row)
_AS_TASK = functools.partial(tuple.__new__, Task)


def _check_batch_in_worker(batch: list[tuple], whole: bool):
    rows, groups = _check_batch(list(map(_AS_TASK, batch)), whole)
    return list(map(tuple, rows)), groups


def _check_batch(batch: list[Task], whole: bool, schemas: Schemas | None = None):
    """Check a batch of files: their rows, and if ``whole`` (the batch holds every file of its
    activities) the findings of their activity groups, evaluated here while the records are at hand."""
    schemas = schemas or _WORKER_SCHEMAS
    rows, groups = [], {}
    for task in batch:
        row, record = _check_file(schemas, task)
        rows.append(row)
        if whole and row.keys and row.keys[0].startswith(ACTIVITY_GROUP):
            groups.setdefault(row.keys[0], []).append(record)
    lookup = Catalog(Path(batch[0].root)) if batch else None  # activity groups ask only for the folder
    return rows, {key: group_findings(key, members, lookup, schemas) for key, members in groups.items()}


def _batches(tasks: list[Task], size: int) -> Iterator[list[Task]]:
    """Batches of about ``size`` tasks that never split an activity's files."""
    batch: list[Task] = []
    for task in tasks:
        if len(batch) >= size and task.ident.split("/")[:2] != batch[-1].ident.split("/")[:2]:
            yield batch
            batch = []
        batch.append(task)
    if batch:
        yield batch


def _check_all(schemas: Schemas, tasks: list[Task], whole: bool, workers: int | None, stats: Stats):
    """The results of checking ``tasks``, in order, in batches as they are ready (so the caller
    can store one batch while the workers check the next)."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(tasks) < PARALLEL_FROM:
        yield _check_batch(tasks, whole, schemas)
        return
    stats.workers = workers
    schemas.codelists  # noqa: B018  (a broken code list is refused here, not in each worker)
    size = max(50, min(2000, len(tasks) // (workers * 8)))
    batches = [list(map(tuple, batch)) for batch in _batches(tasks, size)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(schemas.root),)) as pool:
        for rows, groups in pool.map(_check_batch_in_worker, batches, [whole] * len(batches)):
            yield list(map(_AS_ROW, rows)), groups


def _data_found(root: Path, found: list[Found]) -> list[Found]:
    """The CSV files under each activity's data/ folder: checked with their activity's group."""
    out = []
    for f in found:
        if f.kind == "kegiatan":
            for rel in data_files(root, Record(f.kind, f.ident, f.rel)):
                st = os.lstat(os.path.join(root, rel))
                out.append(Found("data", f.ident, rel, st.st_size, st.st_mtime_ns))
    return out


GIT_PATHS = ("metadata", "roles.yaml", "katalog.yaml")


@dataclass(frozen=True)
class GitState:
    """What git says of the inputs. Equal keys mean equal inputs; from two states, git also
    says which paths may differ (``changed_since``), so a run need not walk the whole tree."""

    key: str
    trees: dict[str, str]  # HEAD object id of each of GIT_PATHS that HEAD has
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

    def to_json(self) -> dict:
        return {"key": self.key, "trees": self.trees, "dirty": sorted(self.dirty)}

    @classmethod
    def from_json(cls, value: Any) -> GitState:
        try:
            key, trees, dirty = value["key"], value["trees"], value["dirty"]
        except (KeyError, TypeError):
            raise Damaged from None
        if type(key) is not str or type(trees) is not dict or type(dirty) is not list:
            raise Damaged
        if not all(type(x) is str for x in [*trees, *trees.values(), *dirty]):
            raise Damaged
        return cls(key, trees, frozenset(dirty))


def ask_git_state(root: Path) -> Callable[[], GitState | None]:
    """In a git work tree: the object ids of metadata/, roles.yaml and katalog.yaml at HEAD plus
    their status (uncommitted, untracked and ignored files); git answers from its index in a
    fraction of the time a walk of the files takes. The commands start now, all at once; the
    returned function waits for them and gives the state (None outside git)."""
    asked = [
        git_later(root, "rev-parse", "--show-toplevel"),
        git_later(root, "ls-tree", "-z", "HEAD", "--", *GIT_PATHS),
        git_later(root, "status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all", "--", *GIT_PATHS),
    ]

    @functools.cache
    def answer() -> GitState | None:
        try:
            top, listed, status = (a().decode("utf-8", "surrogateescape") for a in asked)
        except GitError:
            return None
        if Path(top.strip()).resolve() != root.resolve():
            return None
        trees = {}
        for entry in filter(None, listed.split("\0")):
            meta, _, path = entry.partition("\t")
            trees[path] = meta.split()[-1]
        h = hashlib.blake2b(f"{listed}\0{status}".encode("utf-8", "surrogateescape"), digest_size=16)
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
            h.update(path.encode("utf-8", "surrogateescape") + b"\0" + _file_identity(os.path.join(root, path)))
        return GitState(h.hexdigest(), trees, frozenset(dirty))

    return answer


# --- running: with the cache or without it ----------------------------------------------------


def validate_catalog(root: Path, schemas: Schemas, workers: int | None = None, cache: bool = True) -> Result:
    """Validate the catalog at ``root`` with the incremental cache and worker processes. In CI
    (:func:`cache.in_ci`) the cache is neither read nor written."""
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of live rows and records, none in a reference cycle
    try:
        root = Path(root)
        result = (
            _validate_with_cache(root, schemas, workers) if cache and not in_ci() else _uncached(root, schemas, workers)
        )
        extra = legacy_cache(root)  # never stored: said on every run, whatever the cache says
        if extra:
            result.findings = finish([*result.findings, *extra])
        return result
    finally:
        if collecting:
            gc.enable()


def _validate_with_cache(root: Path, schemas: Schemas, workers: int | None) -> Result:
    folder = folder_for(root)
    note = ""
    for _attempt in range(2):  # a damaged cache is dropped and built again, once
        try:
            index = Index(root, folder, fingerprint(schemas))
        except Untrusted as exc:
            note = f"Cache di {folder} tidak dipakai: {exc}."
            break
        except sqlite3.OperationalError:  # locked by another run, or read-only: validate without
            break
        except (OSError, sqlite3.Error) as exc:  # e.g. not a database, or no room for the folder
            note = f"Cache di {folder} tidak dipakai: {getattr(exc, 'strerror', None) or exc}."
            remove(folder, secret=False)
            continue
        try:
            result = _with_index(root, schemas, workers, index)
            index.close()
            return result
        except BROKEN:
            index.abandon()  # before its file goes
            remove(folder, secret=False)
        finally:
            index.abandon()  # on any other error too; a no-op once closed
    result = _uncached(root, schemas, workers)
    result.stats.cache_note = note
    return result


class _Run(NamedTuple):
    """One run with a cache: what every path of it needs."""

    root: Path
    schemas: Schemas
    workers: int | None
    index: Index
    stats: Stats


class _Plan(NamedTuple):
    """What changed since the last run, and what is known of it without checking (``_plan``)."""

    misses: list[Task]  # files to check
    restat: list[tuple[int, int, str]]  # (size, mtime_ns, rel) of files touched, bytes the same
    rows: list[Row]  # rows of changed files that need no check (data files, oversized files)
    removed: list[tuple[str, str, str]]  # (rel, kind, ident) of files gone
    changed: list[str]  # every path above but the touched ones


def _with_index(root: Path, schemas: Schemas, workers: int | None, index: Index) -> Result:
    asked = ask_git_state(root)
    last = _summary(index)
    # with nothing to compare it with (a cold run), git's answer is only stored, so it can wait
    state = asked() if last is not None else None
    if state is not None and last is not None and last["git"] == state.key:
        return _unchanged(last)
    run = _Run(root, schemas, workers, index, Stats())
    total = index.size()  # files in the cache
    if not total:
        return _cold(run, asked)
    return _warm(run, state, total)


def _summary(index: Index) -> dict | None:
    """What the last run concluded: {'git': its git state's key or None, 'temuan', 'rekaman'}."""
    value = index.get("ringkasan")
    if value is None:
        return None
    if (
        type(value) is not dict
        or "temuan" not in value
        or not (value.get("git") is None or type(value.get("git")) is str)
    ):
        raise Damaged
    counts = value.get("rekaman")
    if type(counts) is not dict or set(counts) != set(KINDS) or not all(type(n) is int for n in counts.values()):
        raise Damaged
    return value


def _unchanged(last: dict) -> Result:
    counts = last["rekaman"]
    return Result(decode_findings(last["temuan"]), counts, Stats(files=sum(counts.values()), unchanged=True))


def _uncached(root: Path, schemas: Schemas, workers: int | None) -> Result:
    stats = Stats()
    tree, rows, by_key = _check_everything(root, schemas, workers, stats, None)
    lookup = _Checked(root, rows)
    by_key.update(lookup.other_groups(schemas))
    stats.files, stats.groups = stats.walked, len(by_key)
    findings = [
        *(f for found in tree.values() for f in found),
        *(f for r in rows for f in r.findings),
        *(f for found in by_key.values() for f in found),
        *root_findings(lookup, schemas),
    ]
    return Result(finish(findings), {kind: len(lookup.of(kind)) for kind in KINDS}, stats)


def _cold(run: _Run, asked: Callable[[], GitState | None]) -> Result:
    run.index.start_bulk()
    tree, rows, by_key = _check_everything(run.root, run.schemas, run.workers, run.stats, run.index)
    by_key.update(_Checked(run.root, rows).other_groups(run.schemas))  # the groups that span folders
    _set_all_groups(run, by_key)
    return _conclude(run, tree, asked())


def _warm(run: _Run, state: GitState | None, total: int) -> Result:
    """A cache to start from: find what changed, then check it incrementally or evaluate all again."""
    scopes, suspects, found, tree = _walk(run.root, run.index, state)
    found += _data_found(run.root, found)
    run.stats.walked = sum(f.kind != "data" for f in found)
    seen = run.index.seen(None if scopes is None else [f"metadata/{s}/" for s in scopes])
    misses, restat, rows = _plan(run.root, found, seen, run.stats, suspects)
    present = {f.rel for f in found}
    removed = [(rel, old.kind, old.ident) for rel, old in seen.items() if rel not in present]
    changed = [f.rel for f in misses] + [r.rel for r in rows] + [rel for rel, _, _ in removed]
    run.stats.unchanged = not changed
    plan = _Plan(misses, restat, rows, removed, changed)
    if len(changed) <= FULL_FROM * total:
        _incremental(run, plan)
    else:
        _reevaluate(run, plan)
    return _conclude(run, tree, state)


def _incremental(run: _Run, plan: _Plan) -> None:
    """Check the changed files again, then only the groups their old and new versions are in."""
    before = run.index.groups_of(plan.changed)  # the groups the old versions were in
    checked = _store_changes(run, plan)
    groups = _evaluate_touched(run.index, run.schemas, before, plan.rows + checked, plan.removed)
    run.index.set_groups(groups)
    run.stats.groups = len(groups)


def _reevaluate(run: _Run, plan: _Plan) -> None:
    """Check the changed files again, then every group, from the cache."""
    _store_changes(run, plan)
    _set_all_groups(run, all_group_findings(_catalog_from(run.root, run.index), run.schemas))


def _set_all_groups(run: _Run, by_key: dict[str, list[Finding]]) -> None:
    groups: dict[int, list[Finding]] = {}
    for key, found in by_key.items():
        groups.setdefault(key_id(key), []).extend(found)
    run.index.set_groups(groups, everything=True)
    run.stats.groups = len(groups)


def _store_changes(run: _Run, plan: _Plan) -> list[Row]:
    """Forget the changed files, store what is known of them already, then check the rest
    and store them too. The rows of the files checked."""
    run.index.forget(plan.changed)
    run.index.restat(plan.restat)
    run.index.put(plan.rows)
    return _check_and_store(run.schemas, plan.misses, False, run.workers, run.stats, run.index, {})


def _conclude(run: _Run, tree: dict[str, list[Finding]], state: GitState | None) -> Result:
    """Every finding from the cache plus the tree's and the root files'; stored for the next run."""
    index, stats = run.index, run.stats
    tree_findings = [f for found in tree.values() for f in found]
    findings = finish([*tree_findings, *index.findings(), *root_findings(index, run.schemas)])
    counts = index.counts()
    stats.files = sum(counts.values())
    stats.hits = stats.files - stats.checked - stats.hashed
    mark = state.key if state is not None else None
    index.set("ringkasan", {"git": mark, "temuan": encode_findings(findings), "rekaman": counts})
    index.set("pohon", {scope: encode_findings(found) for scope, found in tree.items()})
    if state is not None:
        index.set("git", state.to_json())
    return Result(findings, counts, stats)


# --- finding and reading the files ------------------------------------------------------------


def _walk(root: Path, index: Index, state: GitState | None):
    """Discover the record files. In git, only the OPD folders holding paths that changed since
    the last run are walked: (those folders or None for all, the paths git names as changed or
    None if it cannot say, files found, tree findings by scope)."""
    scopes = paths = None
    last = index.get("git") if state is not None else None
    if last is not None:
        paths = state.changed_since(root, GitState.from_json(last))
    if paths is not None:
        scopes = {p.split("/")[1] for p in paths if p.startswith("metadata/")}
    found, tree = discover_scoped(root, scopes)
    if scopes is not None:  # keep the tree findings of the folders not walked
        kept = index.get("pohon") or {}
        if type(kept) is not dict:
            raise Damaged
        tree = {k: decode_findings(v) for k, v in kept.items() if k and k not in scopes} | tree
    return scopes, paths, found, tree


def _check_everything(root: Path, schemas: Schemas, workers: int | None, stats: Stats, index: Index | None):
    """Walk and check every file (stored in ``index`` if given, as batches are ready): (tree
    findings by scope, rows, findings of the activity groups the workers evaluated)."""
    by_key: dict[str, list[Finding]] = {}
    opds = _opd_folders(root) if (workers or os.cpu_count() or 1) > 1 else []
    if _worth_parallel(root, opds):  # cold and large: the workers walk the OPD folders too
        tree, rows = _walk_and_check(root, schemas, opds, workers, stats, index, by_key)
    else:
        found, tree = discover_scoped(root)
        misses, _restat, rows = _plan(root, found + _data_found(root, found), {}, stats, None)
        if index is not None:
            index.put(rows)
        rows += _check_and_store(schemas, misses, True, workers, stats, index, by_key)
    stats.walked = sum(r.kind != "data" for r in rows)
    return tree, rows, by_key


def _opd_folders(root: Path) -> list[str]:
    try:
        return sorted(os.listdir(os.path.join(root, "metadata")))
    except OSError:
        return []


def _worth_parallel(root: Path, opds: list[str]) -> bool:
    """Enough activity folders that walking them in worker processes (≈ 0.3 s to start) pays off."""
    if len(opds) < 2 or os.path.islink(os.path.join(root, "metadata")):
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
    schemas.codelists  # noqa: B018  (a broken code list is refused here, not in each worker)
    _, tree = discover_scoped(root, set())  # the top of metadata/; the workers say the rest
    rows: list[Row] = []
    size = max(1, len(opds) // (workers * 32))  # small shares: no worker waits long for the last
    chunks = [opds[i : i + size] for i in range(0, len(opds), size)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(schemas.root),)) as pool:
        for part_tree, part_rows, part_groups, checked in pool.map(
            _walk_and_check_part, [str(root)] * len(chunks), chunks
        ):
            part_rows = list(map(_AS_ROW, part_rows))
            if index is not None:
                index.put(part_rows)  # while the workers go on
            tree.update(part_tree)
            rows += part_rows
            by_key.update(part_groups)
            stats.checked += checked
    return tree, rows


def _walk_and_check_part(root: str, opds: list[str]):
    found, tree = discover_scoped(Path(root), set(opds))
    tree.pop("")
    misses, _restat, rows = _plan(Path(root), found + _data_found(Path(root), found), {}, Stats(), None)
    raws = _read_ahead(root, misses)
    checked, groups = _check_batch([_AS_TASK(t[:6] + (raw,)) for t, raw in zip(misses, raws, strict=True)], True)
    return tree, list(map(tuple, rows + checked)), groups, len(misses)


def _read_ahead(root: str, tasks: list[Task]) -> list[bytes | None]:
    """The bytes of each file, read by a few threads (a read releases the GIL): when the files
    are not in the operating system's cache, their reads overlap instead of queueing."""

    def share(part: list[Task]) -> list[bytes | None]:
        out = []
        for t in part:
            try:
                out.append(read_bytes(os.path.join(root, t.rel), t.size))
            except OSError:
                out.append(None)  # the check reads it again and reports why it cannot
        return out

    return _in_threads(share, tasks)


def _in_threads(work, items: list) -> list:
    """``work`` over ``items`` in READ_THREADS shares, results in order."""
    size = -(-len(items) // READ_THREADS) or 1
    with ThreadPoolExecutor(READ_THREADS) as pool:
        parts = pool.map(work, [items[i : i + size] for i in range(0, len(items), size)])
        return [out for part in parts for out in part]


def _check_and_store(schemas, misses: list[Task], whole, workers, stats, index, by_key) -> list[Row]:
    """Check the files that need it; store each batch in the index while the workers check the
    next. Activity groups the workers evaluated (``whole``) are added to ``by_key``."""
    rows: list[Row] = []
    for batch, activity_groups in _check_all(schemas, misses, whole, workers, stats):
        if index is not None:
            index.put(batch)
        rows += batch
        by_key.update(activity_groups)
    return rows


def _evaluate_touched(index: Index, schemas: Schemas, before: set[int], rows: list[Row], removed):
    """Evaluate the groups the old versions of changed files were in (``before``), those the new
    versions are in, and those that ask whether these records exist. Activity groups are not
    stored as memberships (an activity's records are found by their identity); every changed
    file names its own."""
    touched = set(before)
    activities: dict[int, set[str]] = {}
    for row in rows:
        touched.update(row.key_ids)
    for kind, ident in [(r.kind, r.ident) for r in rows] + [(kind, ident) for _rel, kind, ident in removed]:
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


def _plan(root: Path, found: list[Found], seen: dict[str, Seen], stats: Stats, suspects: set[str] | None):
    """Compare the files found with what the cache has seen: files to check (with their bytes
    if already read), (size, mtime, rel) of files whose bytes are what the cache has, and rows
    of files that need no check (data files, checked with their activity; oversized files).
    A file the cache knows is taken as it is without reading it only when git vouches for it
    (it is not among ``suspects``, the paths git names as changed; None: git cannot say) and
    its size and mtime are the same; otherwise its bytes must hash to what was stored."""
    misses: list[Task] = []
    restat: list[tuple[int, int, str]] = []
    rows: list[Row] = []
    compare: list[tuple[Found, Seen]] = []
    git_says = suspects is not None
    for f in found:
        old = seen.get(f.rel)
        known = old is not None and old.kind == f.kind and old.ident == f.ident
        if known and git_says and f.rel not in suspects and (old.size, old.mtime_ns) == (f.size, f.mtime_ns):
            continue
        if known and f.size > MAX_BYTES and old.size == f.size:  # too big either way: never read it to hash it
            restat.append((f.size, f.mtime_ns, f.rel))
        elif f.size > MAX_BYTES:
            rows.append(_row(f, b"", _oversized(f.rel, f.size), None))
        elif known:
            compare.append((f, old))
        elif f.kind == "data":
            rows.append(_row(f, _digest_of(root, f.rel), [], None))
        else:
            misses.append(
                _AS_TASK((str(root), f.kind, f.ident, f.rel, f.size, f.mtime_ns, None))
            )  # new: the worker reads it
    for (f, old), (digest, raw) in zip(compare, _compare(str(root), compare), strict=True):
        if digest == old.digest:
            if (old.size, old.mtime_ns) != (f.size, f.mtime_ns):
                restat.append((f.size, f.mtime_ns, f.rel))
            stats.hashed += f.kind != "data"  # the counts are of records
        elif f.kind == "data":
            rows.append(_row(f, digest or b"", [], None))
        else:
            misses.append(_AS_TASK((str(root), f.kind, f.ident, f.rel, f.size, f.mtime_ns, raw)))
    stats.checked = len(misses)
    return misses, restat, rows


def _compare(root: str, items: list[tuple[Found, Seen]]) -> list[tuple[bytes | None, bytes | None]]:
    """(digest, bytes) of each file: the bytes only if the digest differs from what the cache has
    (they are checked next), None if unreadable. One thread: files read again are in the page
    cache, and threads only queued for the GIL (24,050 files: 0.23 s alone, 0.33–0.42 s in four)."""
    out = []
    for f, old in items:
        if f.kind == "data":
            out.append((_digest_of(root, f.rel), None))
            continue
        try:
            raw = read_bytes(os.path.join(root, f.rel), f.size)
        except OSError:
            out.append((None, None))  # the check reads it again and reports why it cannot
            continue
        digest = _digest(raw)
        out.append((digest, None if digest == old.digest else raw))
    return out


def _digest_of(root, rel: str) -> bytes | None:
    """The digest of a whole file of any size (a data file), None if it cannot be read."""
    try:
        return _digest(_whole(os.path.join(root, rel)))
    except OSError:
        return None


class _Checked:
    """The records of a cold run, straight from the rows just checked: a :class:`groups.Lookup`
    that makes a record object only for the members of groups evaluated here."""

    def __init__(self, root: Path, rows: list[Row]):
        self.root = root
        self.rows = [r for r in rows if r.kind != "data"]
        self._records: dict[int, Record] = {}
        self._known = {(r.kind, r.ident) for r in self.rows}
        self._children: dict[tuple[str, str], list[int]] | None = None

    def record(self, i: int) -> Record:
        if i not in self._records:
            row = self.rows[i]
            doc = None if row.data is None else read_later(load_dict(row.data), os.path.join(self.root, row.rel))
            self._records[i] = Record(row.kind, row.ident, row.rel, doc)
        return self._records[i]

    def exists(self, kind: str, ident: str) -> bool:
        return (kind, ident) in self._known

    def children(self, activity: str, kind: str) -> list[Record]:
        if self._children is None:
            self._children = {}
            for i, row in enumerate(self.rows):
                self._children.setdefault((row.ident.rsplit("/", 1)[0], row.kind), []).append(i)
        return [self.record(i) for i in self._children.get((activity, kind), [])]

    def of(self, kind: str) -> list[Record]:
        return [self.record(i) for i, row in enumerate(self.rows) if row.kind == kind]

    def other_groups(self, schemas: Schemas) -> dict[str, list[Finding]]:
        """Every group but the activity groups (evaluated by the workers)."""
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(self.rows):
            for key in row.keys:
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
