"""The catalog's git history → what the public portal publishes, and since when.

Publication rule: an activity is public once BPS approved it, and while a later revision is under
review the last approved version stays public, marked as under revision. The working tree holds
the revision; the approved version is read from git: for each activity, the last commit at which
its ``kegiatan.yaml`` log was approved (SOP step 11, no new review cycle after it), and the
activity's records as they were at that commit.

From the same history: when each activity last changed ("terakhir diperbarui"), and its public
change log, one entry per approved version, naming the form fields and records that changed since
the version approved before it (names of public records and form labels only, never values).

Everything here asks git through two processes (one ``git log``, one ``git cat-file --batch``),
so the cost grows with the history, not with one command per activity. A catalog outside git
publishes what its files say, without dates or change log.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import datetime

from ..contract.schema import RecordSchema, Schemas, walk
from ..layout import CHILD_KINDS, METADATA, identify
from ..read.catalog import Catalog, Record
from ..read.git import GitError, git
from ..read.loader import LoadError, parse
from ..sop.state import events, status

MAX_BYTES = 1 << 20  # as the loader: a larger record file is not a record


@dataclass
class Version:
    """One approved version of an activity."""

    commit: str
    approved: datetime | None  # the time of the approving event (SOP step 11)
    changes: list[str] = field(default_factory=list)  # what changed since the previous approved version


@dataclass
class History:
    catalog: Catalog  # what to publish: revised activities at their last approved version
    updated: dict[str, datetime] = field(default_factory=dict)  # activity → last commit changing what is published
    revising: set[str] = field(default_factory=set)  # activities shown at their approved version
    versions: dict[str, list[Version]] = field(default_factory=dict)  # activity → approved versions, oldest first
    durations: dict[int, list[int]] = field(default_factory=dict)  # SOP step → working minutes each time it was done
    approved: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)  # activity → (first, last) approval


class _Blobs:
    """Blob contents by object id, through one ``git cat-file --batch`` process."""

    def __init__(self, root):
        self.proc = subprocess.Popen(
            ["git", "-C", str(root), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.cache: dict[str, bytes | None] = {}

    def get(self, oid: str) -> bytes | None:
        if oid not in self.cache:
            self.proc.stdin.write(oid.encode() + b"\n")
            self.proc.stdin.flush()
            head = self.proc.stdout.readline().split()
            if len(head) != 3:
                self.cache[oid] = None
            else:
                data = self.proc.stdout.read(int(head[2]))
                self.proc.stdout.read(1)
                self.cache[oid] = data
        return self.cache[oid]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def _document(data: bytes | None):
    if data is None or len(data) > MAX_BYTES or b"\0" in data:
        return None
    try:
        doc = parse(data.decode("utf-8"))
    except (UnicodeDecodeError, LoadError):
        return None
    return doc if isinstance(doc.data, dict) else None


def _log(root, prefix: str) -> list[tuple[str, datetime, list[tuple[str, str]]]]:
    """Newest first: (commit, commit time, [(catalog-relative path, new blob id)]) for every commit
    touching ``metadata/``; a deleted file has the null blob id."""
    out = git(root, "log", "--format=%x01%H %cI", "--raw", "--no-abbrev", "--no-renames", "-z", "--",
              f"{prefix}{METADATA}").decode("utf-8", "replace")  # fmt: skip
    commits = []
    for chunk in out.split("\x01")[1:]:
        head, _, raw = chunk.partition("\n")
        sha, _, when = head.partition(" ")
        fields = raw.strip("\n\0").split("\0")
        files = []
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.split()
            if len(parts) == 5 and path.startswith(prefix):
                files.append((path[len(prefix) :], parts[3]))
        commits.append((sha, datetime.fromisoformat(when), files))
    return commits


def read_history(catalog: Catalog, schemas: Schemas) -> History:
    """The history of ``catalog``'s activities, and the catalog to publish (see the module doc)."""
    root = catalog.root
    durations = step_durations(catalog, schemas.sop)
    try:
        prefix = git(root, "rev-parse", "--show-prefix").decode().strip()
        commits = _log(root, prefix)
    except GitError:
        return _dated(History(catalog, durations=durations), schemas)
    history = History(catalog, durations=durations)
    logs: dict[str, list[tuple[str, datetime, str]]] = {}  # activity → its kegiatan.yaml versions, newest first
    for sha, when, files in commits:
        for path, blob in files:
            ident = identify(path)
            activity = ident.activity if ident else None
            if activity is None:
                continue
            history.updated.setdefault(activity, when)
            if ident.kind == "kegiatan" and set(blob) != {"0"}:
                logs.setdefault(activity, []).append((sha, when, blob))
    sop = schemas.sop
    blobs = _Blobs(root)
    replaced: dict[str, list[Record]] = {}
    try:
        for rec in catalog.of("kegiatan"):
            now = status(rec.data, sop)
            if not now.pernah_disetujui or rec.ident not in logs:
                continue
            approvals = _approvals(logs[rec.ident], blobs, sop)
            if not approvals:
                continue
            versions = [Version(sha, when) for sha, when, _ in approvals]
            contents = [_records_at(root, prefix, sha, rec.ident, blobs) for sha, _, _ in approvals]
            for before, after, version in zip(contents, contents[1:], versions[1:], strict=False):
                version.changes = changes(before, after, schemas)
            history.versions[rec.ident] = versions
            if not now.disetujui:
                history.revising.add(rec.ident)
                replaced[rec.ident] = contents[-1]
                history.updated[rec.ident] = approvals[-1][2]  # what the page shows changed then
    finally:
        blobs.close()
    if replaced:
        history.catalog = _substitute(catalog, replaced)
    return _dated(history, schemas)


def _dated(history: History, schemas: Schemas) -> History:
    """The first and last approval times of each published activity, from its own log."""
    sop = schemas.sop
    for rec in history.catalog.of("kegiatan"):
        times = [e.waktu for e in events(rec.data) if e.langkah == sop.disetujui and e.waktu]
        if times and status(rec.data, sop).disetujui:
            history.approved[rec.ident] = (min(times), max(times))
    return history


def step_durations(catalog: Catalog, sop) -> dict[int, list[int]]:
    """For each SOP step, the working minutes it took each time it was done: from the event before
    it in the activity's log to its own event (every activity, drafts included; only counts leave)."""
    out: dict[int, list[int]] = {}
    calendar = sop.jam_kerja
    for rec in catalog.of("kegiatan"):
        evs = [e for e in events(rec.data) if sop.step(e.langkah)]
        for before, after in zip(evs, evs[1:], strict=False):
            if before.waktu and after.waktu:
                out.setdefault(after.langkah, []).append(calendar.working_minutes(before.waktu, after.waktu))
    return dict(sorted(out.items()))


def _approvals(versions, blobs: _Blobs, sop) -> list[tuple[str, datetime | None, datetime]]:
    """Oldest first: (commit, approval time, commit time) for each commit whose log approved the activity anew
    (one more step-11 event than the version before, and no new review cycle after it)."""
    out = []
    seen = 0
    for sha, when, blob in reversed(versions):
        doc = _document(blobs.get(blob))
        if doc is None:
            continue
        approved = [e for e in events(doc.data) if e.langkah == sop.disetujui]
        if len(approved) > seen and status(doc.data, sop).disetujui:
            out.append((sha, approved[-1].waktu, when))
        seen = max(seen, len(approved))
    return out


def _records_at(root, prefix: str, sha: str, activity: str, blobs: _Blobs) -> list[Record]:
    """The activity's records (kegiatan, variables, indicators) as they were at commit ``sha``."""
    folder = f"{prefix}{METADATA}/{activity}/"
    listing = git(root, "ls-tree", "-r", "-z", "--full-tree", sha, "--", folder).decode("utf-8", "replace")
    out = []
    for entry in filter(None, listing.split("\0")):
        meta, _, path = entry.partition("\t")
        rel = path[len(prefix) :]
        ident = identify(rel)
        if ident is None or ident.activity != activity or ident.kind not in ("kegiatan", *CHILD_KINDS):
            continue
        doc = _document(blobs.get(meta.split()[2]))
        if doc is not None:
            out.append(Record(ident.kind, ident.ident, rel, doc))
    return out


def _substitute(catalog: Catalog, replaced: dict[str, list[Record]]) -> Catalog:
    """A copy of ``catalog`` with each replaced activity's records swapped for the given ones."""
    out = Catalog(catalog.root, findings=list(catalog.findings))
    for rec in catalog.records.values():
        if rec.kind == "opd" or (rec.activity not in replaced):
            out.add(rec)
    for records in replaced.values():
        for rec in records:
            out.add(rec)
    return out


# --- the public change log --------------------------------------------------------------------


def _leaves(rs: RecordSchema, data: dict) -> dict[tuple, object]:
    """Public leaf values by top-level-and-field path (list positions folded into their field)."""
    out: dict[tuple, list] = {}
    for path, value in walk(data):
        if not path or isinstance(value, (dict, list)) or path[0] in rs.workflow_keys:
            continue
        keys = tuple(p for p in path if not isinstance(p, int))
        if any((rs.subschema(keys[: i + 1]) or {}).get("x-pribadi") for i in range(len(keys))):
            continue
        out.setdefault(keys, []).append(value)
    return out


def _label(rs: RecordSchema, keys: tuple) -> str:
    f = rs.field(keys)
    if f is None:
        return ".".join(keys)
    return f"{f.nomor} {f.label}" if f.nomor else f.label


def changes(before: list[Record], after: list[Record], schemas: Schemas) -> list[str]:
    """What changed from one approved version to the next, in Indonesian: MS-Keg fields by form
    number and label, public variables and indicators added, removed or changed by name."""
    old = {(r.kind, r.ident): r for r in before}
    new = {(r.kind, r.ident): r for r in after}
    out = []
    rs = schemas["kegiatan"]
    a = next((r.data for (k, _), r in old.items() if k == "kegiatan"), {})
    b = next((r.data for (k, _), r in new.items() if k == "kegiatan"), {})
    la, lb = _leaves(rs, a), _leaves(rs, b)
    fields = sorted({k for k in la.keys() | lb.keys() if la.get(k) != lb.get(k)}, key=_form_order(rs))
    seen = []
    for keys in fields:
        label = _label(rs, keys)
        if label not in seen:
            seen.append(label)
    if seen:
        out.append("MS-Keg: " + "; ".join(seen))
    for kind, form in (("variabel", "MS-Var"), ("indikator", "MS-Ind")):
        public = {
            ident: rec
            for versions in (old, new)
            for (k, ident), rec in versions.items()
            if k == kind and rec.data.get("akses_umum") == "Ya"
        }
        for ident in sorted(public):
            was, now = old.get((kind, ident)), new.get((kind, ident))
            was_public = was is not None and was.data.get("akses_umum") == "Ya"
            now_public = now is not None and now.data.get("akses_umum") == "Ya"
            name = str((now if now_public else was).data.get("nama", ident.rsplit("/", 1)[-1]))
            if now_public and not was_public:
                out.append(f"{form} ditambahkan: {name}")
            elif was_public and not now_public:
                out.append(f"{form} tidak lagi dipublikasikan: {name}")
            elif _leaves(schemas[kind], was.data) != _leaves(schemas[kind], now.data):
                out.append(f"{form} diubah: {name}")
    return out


def _form_order(rs: RecordSchema):
    order: dict[tuple, int] = {}

    def visit(node: dict, path: tuple) -> None:
        for key, sub in (node.get("properties") or {}).items():
            order[path + (key,)] = len(order)
            visit(sub.get("items", sub) if sub.get("type") == "array" else sub, path + (key,))

    visit(rs.schema, ())
    return lambda keys: order.get(keys, len(order))
