"""The validation cache: per-file results and the cross-record index, in one SQLite file.

For every record and data file it holds what makes the file recognisable as unchanged (size,
mtime, BLAKE2 of its bytes), its own findings, the parts of its data that the checks across
records read, and the groups it belongs to (``groups.group_keys``); and for every group, its
findings. A run reads what it needs of the files that changed, re-checks them and re-evaluates
only the groups their old and new versions touch, loading just those members. Everything else
stays on disk, so the cost of a run follows the size of the change.

Files are numbered in the order they are stored, and groups known by a 64-bit hash of their
key: integer keys keep the tables and their indexes small. Two keys sharing a hash only make a
group evaluation load a few more records (the caller keeps those whose key matches).

**Where.** Outside the working tree, so that a pull request cannot plant a cache:
``$SATUDATA_CACHE/<id>/``, else ``$XDG_CACHE_HOME/satudata/<id>/``, else
``~/.cache/satudata/<id>/``, where ``<id>`` is a hash of the catalog's resolved path. A
``.satudata-cache/`` inside the catalog (where older versions kept it, or committed by a pull
request) is never read; the walk reports it (``cache-di-katalog``).

**Only data.** Every stored value is JSON, turned back into findings and records explicitly
and checked on the way (a finding's fields and types, its code registered): a damaged or
forged value raises :class:`Damaged`, and the engine drops the cache and validates without it.
Nothing in the cache can run code, and a hit needs the bytes of the file to hash as stored.

**Which caches are trusted.** A cache is used only if its folder is a real folder (not a
link), owned by the user running the tool and closed to everybody else (0700; the tool creates
it so); otherwise the run validates without it and says why (:class:`Untrusted`). A secret
(``kunci``: 32 random bytes, 0600) is created together with the database, and the key row
of the database is the fingerprint of the rules (tool, schemas, code lists, SOP) keyed with
that secret: a database found without its secret, or made with another one (copied or restored
from elsewhere), starts over. In CI (the environment variable ``CI`` is set, as GitHub Actions
and GitLab set it) the cache is neither read nor written: every CI run judges the files
themselves, so no cache restored into or planted on a runner can change a verdict. Whoever can
write to your own cache folder can also replace the tool you run; these rules keep out caches
that come from anywhere else.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import sqlite3
import stat
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..codes import Finding, UnregisteredCode
from ..read.catalog import Record
from ..read.loader import read_later
from .groups import ACTIVITY_GROUP

FILE = "indeks.sqlite"
SECRET = "kunci"
ENV = "SATUDATA_CACHE"
TIMEOUT = 30  # seconds to wait for another run that is writing the cache
SECRET_BYTES = 32


class Seen(NamedTuple):
    """A file as the cache last saw it."""

    kind: str
    ident: str
    size: int
    mtime_ns: int
    digest: bytes


_AS_SEEN = functools.partial(tuple.__new__, Seen)  # from a plain tuple, without Python's __new__


class Row(NamedTuple):
    """What the cache stores of one checked file."""

    rel: str
    kind: str
    ident: str
    size: int
    mtime_ns: int
    digest: bytes
    findings: list[Finding]
    data: bytes | None  # groups.cross_data as JSON; None if the file did not load
    keys: list[str]  # the groups it belongs to
    key_ids: list[int]  # their key_id


_TABLES = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v BLOB);  -- JSON values
CREATE TABLE IF NOT EXISTS berkas(
    id INTEGER PRIMARY KEY, rel TEXT, kind TEXT, ident TEXT, size INTEGER, mtime INTEGER, digest BLOB,
    temuan BLOB  -- JSON findings of this file alone, NULL if none
);
CREATE TABLE IF NOT EXISTS isi(id INTEGER PRIMARY KEY, data BLOB);  -- JSON groups.cross_data
CREATE TABLE IF NOT EXISTS anggota(grup INTEGER, id INTEGER);
CREATE TABLE IF NOT EXISTS grup(grup INTEGER PRIMARY KEY, temuan BLOB)
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS anggota_grup ON anggota(grup);
CREATE INDEX IF NOT EXISTS anggota_id ON anggota(id);
CREATE INDEX IF NOT EXISTS berkas_ident ON berkas(kind, ident);
CREATE INDEX IF NOT EXISTS berkas_rel ON berkas(rel);
CREATE INDEX IF NOT EXISTS berkas_temuan ON berkas(id) WHERE temuan IS NOT NULL
"""
_CHUNK = 500  # bound parameters per statement


# --- where, and whether to trust it -----------------------------------------------------------


class Untrusted(Exception):
    """The cache folder cannot be trusted or used; the message says why, for people."""


def in_ci() -> bool:
    """Running in CI: the environment variable ``CI`` is set (GitHub Actions, GitLab, …)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def cache_home() -> Path:
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "satudata"


def folder_for(root: Path) -> Path:
    """The cache folder of the catalog at ``root``."""
    real = os.path.realpath(root)
    name = hashlib.blake2b(real.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return cache_home() / f"{os.path.basename(real) or 'katalog'}-{name}"


def _check_folder(folder: Path, root: Path) -> None:
    """Make the cache folder if need be; raise :class:`Untrusted` unless it is ours alone."""
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(folder)]) == real_root:
        raise Untrusted(f"foldernya berada di dalam katalog; atur {ENV} ke folder di luar katalog")
    os.makedirs(folder.parent, exist_ok=True)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode):
        raise Untrusted("itu bukan folder biasa (mungkin tautan simbolik); hapus lalu jalankan lagi")
    if st.st_uid != os.getuid():
        raise Untrusted(f"foldernya milik pengguna lain; hapus folder itu, atau atur {ENV} ke folder milik Anda")
    if st.st_mode & 0o077:
        raise Untrusted(f"foldernya dapat dibuka pengguna lain; jalankan: chmod 700 {folder}")


def _secret(folder: Path) -> bytes:
    """The secret of the cache in ``folder``; a new one (and no database) if it has none we trust."""
    path = folder / SECRET
    for _attempt in range(2):
        secret = _read_secret(path)
        if secret is not None:
            return secret
        remove(folder)  # a database without a secret we trust is not trusted either
        secret = os.urandom(SECRET_BYTES)
        temporary = folder / f"{SECRET}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret)
        try:
            os.link(temporary, path)  # in place whole, or not at all if another run was quicker
            return secret
        except FileExistsError:
            continue  # read that run's secret
        finally:
            temporary.unlink()
    raise Untrusted(f"berkas rahasianya ({SECRET}) tidak dapat dibuat")


def _read_secret(path: Path) -> bytes | None:
    """The secret at ``path`` if it is one we trust: our own regular file, closed to others."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link
            return None
        raise
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
        secret = fh.read(SECRET_BYTES + 1)
    return secret if len(secret) == SECRET_BYTES else None


def remove(folder: Path, secret: bool = True) -> None:
    """Delete the cache in ``folder`` (its secret too, unless told not to), as far as possible."""
    names = [FILE, FILE + "-journal", FILE + "-wal", FILE + "-shm"] + ([SECRET] if secret else [])
    for name in names:
        try:
            (folder / name).unlink()
        except OSError:
            pass


# --- values: JSON, checked on the way back ------------------------------------------------------


class Damaged(ValueError):
    """A stored value is not what this tool writes."""


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False).encode


def dump(value: Any) -> bytes:
    return _ENCODE(value).encode("utf-8")


def _no_constant(name: str):
    raise Damaged(name)  # NaN and Infinity: never written by dump (allow_nan=False)


_SCAN = json.JSONDecoder(
    parse_constant=_no_constant
).scan_once  # json.loads of bytes guesses their encoding: 8 vs 0.6 µs


def load(blob) -> Any:
    """A value back from :func:`dump`; :class:`Damaged` if ``blob`` is not exactly one JSON value."""
    try:
        text = blob.decode("utf-8") if type(blob) is bytes else blob
        value, end = _SCAN(text, 0)
    except (TypeError, UnicodeDecodeError, StopIteration, ValueError):
        raise Damaged from None
    if end != len(text):
        raise Damaged
    return value


def load_dict(blob) -> dict:
    value = load(blob)
    if type(value) is not dict:
        raise Damaged
    return value


def encode_findings(findings: Iterable[Finding]) -> list[list]:
    return [
        [f.kode, f.tingkat, f.berkas, f.pesan, f.saran, f.baris, f.lokasi, f.nomor, f.label, f.formulir]
        for f in findings
    ]


def decode_findings(value: Any) -> list[Finding]:
    """Findings back from :func:`encode_findings`; :class:`Damaged` if they are not findings."""
    if type(value) is not list:
        raise Damaged
    out = []
    for row in value:
        if (
            type(row) is not list
            or len(row) != 10
            or not all(type(x) is str for x in row[:5])
            or not (row[5] is None or type(row[5]) is int)
            or not all(x is None or type(x) is str for x in row[6:])
        ):
            raise Damaged
        try:
            out.append(Finding(*row))
        except (UnregisteredCode, ValueError):
            raise Damaged from None
    return out


def _dump_findings(findings: list[Finding]) -> bytes | None:
    return dump(encode_findings(findings)) if findings else None


def key_id(text: str) -> int:
    """A group key as a signed 64-bit integer (SQLite's INTEGER): CRC-32 and Adler-32 side by
    side, a few times cheaper than a cryptographic hash, and collisions only cost extra loads."""
    data = text.encode("utf-8", "surrogateescape")
    value = zlib.crc32(data) << 32 | zlib.adler32(data)
    return value - (1 << 64) if value >= 1 << 63 else value


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Index:
    """An open cache, inside one transaction until :meth:`close`. Opening raises
    :class:`Untrusted` if the folder may not be used; every method may raise ``sqlite3.Error``
    or :class:`Damaged`, and the engine then drops the cache and validates without it."""

    def __init__(self, root: Path, folder: Path, fingerprint: str):
        _check_folder(folder, root)
        secret = _secret(folder)
        db = folder / FILE
        if os.path.lexists(db) and not stat.S_ISREG(os.lstat(db).st_mode):
            remove(folder, secret=False)
        self.root = str(root)
        self.db = sqlite3.connect(db, timeout=TIMEOUT, isolation_level=None)
        self.db.execute("PRAGMA synchronous=OFF")  # a cache: an interrupted run is rolled back, then rebuilt
        self.db.execute("BEGIN IMMEDIATE")  # one run writes at a time
        self._script(_TABLES)
        os.chmod(db, 0o600)
        key = dump(hashlib.blake2b(fingerprint.encode(), key=secret, digest_size=32).hexdigest())
        row = self.db.execute("SELECT v FROM meta WHERE k='kunci'").fetchone()
        if row is None or row[0] != key:  # new tool version, schemas or SOP, or not made with our secret
            for table in ("meta", "berkas", "isi", "anggota", "grup"):
                self.db.execute(f"DROP TABLE {table}")  # noqa: S608 - fixed names
            self._script(_TABLES)
            self.db.execute("INSERT INTO meta VALUES ('kunci', ?)", (key,))
        self._exists: dict[tuple[str, str], bool] = {}
        self._next = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM berkas").fetchone()[0]

    def _script(self, sql: str) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                self.db.execute(statement)

    # --- reading ---------------------------------------------------------------------------

    def get(self, name: str) -> Any:
        """A value the last run stored with :meth:`set` (JSON data), or None."""
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (name,)).fetchone()
        return load(row[0]) if row else None

    def seen(self, folders: list[str] | None = None) -> dict[str, Seen]:
        """What the cache knows of every file, or of the files under ``folders`` ('metadata/opd/')."""
        sql = "SELECT rel, kind, ident, size, mtime, digest FROM berkas"
        if folders is None:
            return {r[0]: _AS_SEEN(r[1:]) for r in self.db.execute(sql)}
        out = {}
        for folder in folders:  # '0' is the character after '/'
            rows = self.db.execute(sql + " WHERE rel >= ? AND rel < ?", (folder, folder[:-1] + "0"))
            out.update((r[0], _AS_SEEN(r[1:])) for r in rows)
        return out

    def size(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM berkas").fetchone()[0]

    def groups_of(self, rels: list[str]) -> set[int]:
        """The groups these files were members of."""
        out: set[int] = set()
        for part in _chunks(rels):
            marks = ",".join("?" * len(part))
            sql = f"SELECT grup FROM anggota WHERE id IN (SELECT id FROM berkas WHERE rel IN ({marks}))"  # noqa: S608
            out.update(r[0] for r in self.db.execute(sql, part))
        return out

    def members(self, group: int) -> list[Record]:
        """The records of group ``group`` (and of any other key with the same hash)."""
        return self._records("JOIN anggota a ON a.id = b.id WHERE a.grup = ?", group)

    def activity_members(self, activity: str) -> list[Record]:
        """The activity's kegiatan.yaml, variables and indicators."""
        return self._records(
            "WHERE (kind = 'kegiatan' AND ident = ?) OR (kind IN ('variabel', 'indikator') AND ident >= ? AND ident < ?)",
            activity, activity + "/", activity + "0",
        )  # fmt: skip

    def of(self, kind: str) -> list[Record]:
        return self._records("WHERE kind = ? ORDER BY rel", kind)

    def children(self, activity: str, kind: str) -> list[Record]:
        return self._records(
            "WHERE kind = ? AND ident >= ? AND ident < ? ORDER BY rel", kind, activity + "/", activity + "0"
        )

    def records(self) -> list[Record]:
        return self._records("WHERE kind != 'data'")

    def exists(self, kind: str, ident: str) -> bool:
        key = (kind, ident)
        if key not in self._exists:
            row = self.db.execute("SELECT 1 FROM berkas WHERE kind = ? AND ident = ? LIMIT 1", key).fetchone()
            self._exists[key] = row is not None
        return self._exists[key]

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for sql in ("SELECT temuan FROM berkas WHERE temuan IS NOT NULL", "SELECT temuan FROM grup"):
            for (blob,) in self.db.execute(sql):
                out.extend(decode_findings(load(blob)))
        return out

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("opd", "kegiatan", "variabel", "indikator"), 0)
        counts.update(self.db.execute("SELECT kind, COUNT(*) FROM berkas WHERE kind != 'data' GROUP BY kind"))
        return counts

    def _records(self, where: str, *params) -> list[Record]:
        """Records of the files ``where`` selects, with their cross data (lines read on demand)."""
        rows = self.db.execute(
            f"SELECT kind, ident, rel, data FROM berkas b LEFT JOIN isi i ON i.id = b.id {where}", params
        )  # noqa: S608
        root = self.root
        return [
            Record(kind, ident, rel, None if data is None else read_later(load_dict(data), os.path.join(root, rel)))
            for kind, ident, rel, data in rows
        ]

    # --- writing ---------------------------------------------------------------------------

    def forget(self, rels: list[str]) -> None:
        """Drop files (deleted, or about to be written again) and their group memberships."""
        for part in _chunks(rels):
            ids = [
                r[0] for r in self.db.execute(f"SELECT id FROM berkas WHERE rel IN ({','.join('?' * len(part))})", part)
            ]  # noqa: S608
            marks = ",".join("?" * len(ids))
            for table in ("berkas", "isi", "anggota"):
                self.db.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids)  # noqa: S608
        self._exists.clear()

    def restat(self, rows: list[tuple[int, int, str]]) -> None:
        """(size, mtime_ns, rel): the file was touched but its bytes are the same."""
        self.db.executemany("UPDATE berkas SET size = ?, mtime = ? WHERE rel = ?", rows)

    def start_bulk(self) -> None:
        """The cache is empty and about to be filled: build the indexes once at the end."""
        for name in ("anggota_grup", "anggota_id", "berkas_ident", "berkas_rel", "berkas_temuan"):
            self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def put(self, rows: list[Row]) -> None:
        ids = range(self._next, self._next + len(rows))
        self._next += len(rows)
        self.db.executemany(
            "INSERT INTO berkas VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((i, *r[:6], _dump_findings(r.findings)) for i, r in zip(ids, rows, strict=True)),
        )
        self.db.executemany(
            "INSERT INTO isi VALUES (?, ?)",
            ((i, r.data) for i, r in zip(ids, rows, strict=True) if r.data is not None),
        )
        self.db.executemany(  # an activity's group is found from identities (activity_members)
            "INSERT INTO anggota VALUES (?, ?)",
            (
                (group, i)
                for i, r in zip(ids, rows, strict=True)
                for key, group in zip(r.keys, r.key_ids, strict=True)
                if not key.startswith(ACTIVITY_GROUP)
            ),
        )
        self._exists.clear()

    def set_groups(self, results: dict[int, list[Finding]], everything: bool = False) -> None:
        """The findings of the groups in ``results`` (of all groups there are if ``everything``)."""
        if everything:
            self.db.execute("DELETE FROM grup")
        else:
            self.db.executemany("DELETE FROM grup WHERE grup = ?", ((k,) for k in results))
        self.db.executemany(
            "INSERT INTO grup VALUES (?, ?)", ((k, _dump_findings(found)) for k, found in results.items() if found)
        )

    def set(self, name: str, value: Any) -> None:
        """Store a JSON value for the next run."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, dump(value)))

    def close(self) -> None:
        """Keep what this run wrote."""
        self._script(_INDEXES)
        self.db.execute("COMMIT")
        self.db.close()
        self.db = None

    def abandon(self) -> None:
        """Drop what this run wrote (after an error), if not closed already."""
        if self.db is not None:
            try:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
            finally:
                self.db.close()
                self.db = None
