"""The validation cache: per-file results and the cross-record index, in one SQLite file.

``.satudata-cache/indeks.sqlite`` holds, for every record file, what makes it recognisable as
unchanged (size, mtime, BLAKE2 of its bytes), its own findings, the parts of its data that the
checks across records read, and the groups it belongs to (``groups.group_keys``); and for every
group, its findings. A run reads what it needs of the files that changed, re-checks them and
re-evaluates only the groups their old and new versions touch, loading just those members.
Everything else stays on disk, so the cost of a run follows the size of the change.

Files are numbered in the order they are stored, and groups known by a 64-bit hash of their
key: integer keys keep the tables and their indexes small. Two keys sharing a hash only make a
group evaluation load a few more records (the caller keeps those whose key matches).
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path

from ..codes import Finding
from ..read.catalog import Record
from ..read.loader import read_later
from .groups import ACTIVITY_GROUP

FILE = "indeks.sqlite"
TIMEOUT = 30  # seconds to wait for another run that is writing the cache
# (kind, ident, size, mtime_ns, digest) of a file as last seen
Seen = tuple

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v BLOB);
CREATE TABLE IF NOT EXISTS berkas(
    id INTEGER PRIMARY KEY, rel TEXT, kind TEXT, ident TEXT, size INTEGER, mtime INTEGER, digest BLOB,
    temuan BLOB  -- pickled findings of this file alone, NULL if none
);
CREATE TABLE IF NOT EXISTS isi(id INTEGER PRIMARY KEY, data BLOB);  -- pickled groups.cross_data
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


def key_id(text: str) -> int:
    """A group key as a signed 64-bit integer (SQLite's INTEGER): CRC-32 and Adler-32 side by
    side, a few times cheaper than a cryptographic hash, and collisions only cost extra loads."""
    data = text.encode("utf-8", "surrogateescape")
    value = zlib.crc32(data) << 32 | zlib.adler32(data)
    return value - (1 << 64) if value >= 1 << 63 else value


def _dump(value) -> bytes | None:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if value else None


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Index:
    """An open cache, inside one transaction until :meth:`close`. Every method may raise
    ``sqlite3.Error``; the engine then drops the cache and validates without it."""

    def __init__(self, root: Path, folder: Path, key: str):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitignore").write_text("*\n")
        for old in folder.glob("*.pickle"):  # the cache format before this one
            old.unlink()
        self.root = str(root)
        self.db = sqlite3.connect(folder / FILE, timeout=TIMEOUT, isolation_level=None)
        self.db.execute("PRAGMA synchronous=OFF")  # a cache: an interrupted run is rolled back, then rebuilt
        self.db.execute("BEGIN IMMEDIATE")  # one run writes at a time
        self._script(_TABLES)
        row = self.db.execute("SELECT v FROM meta WHERE k='kunci'").fetchone()
        if row is None or row[0] != key:  # new tool version, schemas or SOP: start over
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

    def get(self, name: str):
        """A value the last run stored with :meth:`set`."""
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (name,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def seen(self, folders: list[str] | None = None) -> dict[str, Seen]:
        """What the cache knows of every file, or of the files under ``folders`` ('metadata/opd/')."""
        sql = "SELECT rel, kind, ident, size, mtime, digest FROM berkas"
        if folders is None:
            return {r[0]: r[1:] for r in self.db.execute(sql)}
        out = {}
        for folder in folders:  # '0' is the character after '/'
            rows = self.db.execute(sql + " WHERE rel >= ? AND rel < ?", (folder, folder[:-1] + "0"))
            out.update((r[0], r[1:]) for r in rows)
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
                out.extend(pickle.loads(blob))
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
        return [
            Record(
                kind, ident, rel, None if data is None else read_later(pickle.loads(data), os.path.join(self.root, rel))
            )
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

    def put(self, rows: list[tuple]) -> None:
        """(rel, kind, ident, size, mtime_ns, digest, findings, pickled data or None, group keys,
        their key_id) per file."""
        ids = range(self._next, self._next + len(rows))
        self._next += len(rows)
        self.db.executemany(
            "INSERT INTO berkas VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((i, *r[:6], _dump(r[6])) for i, r in zip(ids, rows, strict=True)),
        )
        self.db.executemany(
            "INSERT INTO isi VALUES (?, ?)",
            ((i, r[7]) for i, r in zip(ids, rows, strict=True) if r[7] is not None),
        )
        self.db.executemany(  # an activity's group is found from identities (activity_members)
            "INSERT INTO anggota VALUES (?, ?)",
            (
                (group, i)
                for i, r in zip(ids, rows, strict=True)
                for key, group in zip(r[8], r[9], strict=True)
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
            "INSERT INTO grup VALUES (?, ?)", ((k, _dump(found)) for k, found in results.items() if found)
        )

    def set(self, name: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, pickle.dumps(value)))

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
