"""The record contract: JSON Schemas and reference code lists, read from ``schemas/``.

Everything user-facing about a field — its Indonesian label, form number, help text and
options — is read from here; no other module keeps its own list of fields.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

from ..codes import SatudataError
from ..layout import BUNDLED_SCHEMAS as BUNDLED
from ..layout import KINDS
from ..read.jsondata import JsonDataError, loads
from ..read.loader import UNWRITABLE
from ..sop.definition import Sop, load_sop


class RulesError(SatudataError):
    """A rule file of ``schemas/`` (a record schema, the code lists' data package or one of its CSVs)
    cannot be read, so nothing can be judged by it."""

    kode = "berkas-skema-rusak"


def _rule_file(path: Path) -> str:
    """'schemas/kegiatan.schema.json' for a catalog's own file, the full path for the tool's."""
    parts = Path(path).parts
    return "/".join(parts[-3:] if "kode" in parts[-2:-1] else parts[-2:])


def read_rule_json(path: Path, kode: str = "berkas-skema-rusak") -> dict:
    """A JSON object of ``schemas/``, read as :mod:`pipeline.read.jsondata` reads hostile JSON."""
    where = _rule_file(path)
    try:
        data = loads(Path(path).read_bytes(), where)
    except OSError as exc:
        raise RulesError(f"{where}: tidak dapat dibaca ({exc.strerror or exc}).", kode=kode) from None
    except JsonDataError as exc:
        raise RulesError(f"{exc}.", kode=kode) from None
    if not isinstance(data, dict):
        raise RulesError(f"{where}: isinya harus objek JSON ({{…}}), bukan {type(data).__name__}.", kode=kode)
    return data


@dataclass(frozen=True)
class Field:
    """One property of a record schema, addressed by its path of keys."""

    path: tuple[str, ...]
    schema: dict

    @property
    def key(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def label(self) -> str:
        return self.schema.get("title") or self.key

    @property
    def nomor(self) -> str | None:
        return self.schema.get("x-nomor")

    @property
    def bantuan(self) -> str:
        return self.schema.get("description", "")

    @property
    def contoh(self) -> str | None:
        return self.schema.get("x-contoh") or (self.schema.get("items") or {}).get("x-contoh")

    @property
    def pribadi(self) -> bool:
        return bool(self.schema.get("x-pribadi"))

    @property
    def options(self) -> list[str]:
        """Allowed option names, in form order (empty for free fields)."""
        if "enum" in self.schema:
            return list(self.schema["enum"])
        return list((self.schema.get("items") or {}).get("enum", []))

    @property
    def codes(self) -> dict[str, int]:
        """Option name → numeric code on the paper form."""
        return dict(self.schema.get("x-kode", {}))

    @property
    def daftar_kode(self) -> dict | None:
        return self.schema.get("x-daftar-kode")

    def heading(self) -> str:
        """'4.2 Frekuensi Penyelenggaraan' — how a reviewer finds the item on the form."""
        return f"{self.nomor} {self.label}" if self.nomor else self.label


def searchable(sub: dict) -> bool:
    """Whether the portal's search indexes a field's value. Not the options of coded fields
    ("Ya", "Tahunan": on every page, they would match the whole catalog; the browse pages and
    exports serve them) and not fields marked ``"x-cari": false`` (they repeat another page)."""
    coded = "enum" in sub or "const" in sub or "enum" in (sub.get("items") or {})
    return not coded and sub.get("x-cari") is not False


class RecordSchema:
    """The JSON Schema of one record kind, with field lookup by instance path."""

    def __init__(self, kind: str, schema: dict):
        self.kind = kind
        self.schema = schema
        self._annotated: dict[str, list] = {}

    @cached_property
    def validator(self) -> Draft202012Validator:
        """The reference validator: slow, but its errors say exactly what failed where."""
        from jsonschema import Draft202012Validator  # only to explain failures, and slow to import

        return Draft202012Validator(self.schema)

    @cached_property
    def _fast(self):
        """The same schema in jsonschema-rs (Rust): it answers "valid?" 10× faster than
        fastjsonschema did (10 µs for an activity) and 100× faster than the reference
        validator, which then explains only the records it rejects. A property test mutates
        records to keep the two in agreement."""
        import jsonschema_rs  # only when records are checked: a warm run checks none

        return jsonschema_rs.validator_for(self.schema).is_valid

    def errors(self, data) -> list:
        """Schema errors of ``data``: none if the fast validator accepts it, else the reference's."""
        try:
            if self._fast(data):
                return []
        except ValueError:  # not JSON-like data (e.g. a key that is not text): the reference judges
            pass
        return list(self.validator.iter_errors(data))

    @property
    def form(self) -> str:
        return self.schema.get("x-formulir", self.kind)

    @cached_property
    def workflow_keys(self) -> frozenset[str]:
        """Top-level properties marked ``"x-alur": true``: the SOP's workflow (``alur``), not form
        content. Reviews, diffs, the portal, search, exports and Excel leave them out."""
        props = self.schema.get("properties") or {}
        return frozenset(k for k, sub in props.items() if isinstance(sub, dict) and sub.get("x-alur"))

    def content(self, data):
        """``data`` without its workflow properties (anything but a mapping is returned as it is)."""
        if isinstance(data, dict) and self.workflow_keys & data.keys():
            return {k: v for k, v in data.items() if k not in self.workflow_keys}
        return data

    def with_defaults(self, data: dict) -> dict:
        """``data`` with the top-level fields it leaves out that the schema gives a ``default``
        (Jenis Statistik of a 2020 form: Statistik Sektoral), for outputs that show every field."""
        props = self.schema.get("properties") or {}
        missing = {k: sub["default"] for k, sub in props.items() if "default" in sub and k not in data}
        return {**data, **missing} if missing else data

    def subschema(self, path) -> dict | None:
        """Schema of the value at an instance path (list indices step into ``items``)."""
        node = self.schema
        for part in path:
            if isinstance(part, int):
                node = node.get("items")
            else:
                node = (node.get("properties") or {}).get(part)
            if not isinstance(node, dict):
                return None
        return node

    def field(self, path) -> Field | None:
        keys = tuple(p for p in path if not isinstance(p, int))
        node = self.subschema(path)
        return Field(keys, node) if node is not None else None

    def annotated(self, key: str) -> list[tuple[tuple, Any]]:
        """Schema paths ('*' = any list item) of the fields carrying annotation ``key``, with its value."""
        found = self._annotated.get(key)
        if found is None:
            found = self._annotated[key] = []

            def visit(node: dict, path: tuple) -> None:
                if node.get(key):
                    found.append((path, node[key]))
                for name, sub in (node.get("properties") or {}).items():
                    visit(sub, path + (name,))
                if isinstance(node.get("items"), dict):
                    visit(node["items"], path + ("*",))

            visit(self.schema, ())
        return found

    @cached_property
    def coded_paths(self) -> list[tuple[tuple, dict]]:
        """Schema paths ('*' = any list item) of the fields checked against a code list."""
        return self.annotated("x-daftar-kode")

    def coded_values(self, data):
        """(instance path, value, code-list reference) for every coded field present in ``data``."""
        for pattern, ref in self.coded_paths:
            for path, value in values_at(data, pattern):
                yield path, value, ref

    def nearest_field(self, path) -> Field | None:
        """The field at ``path`` or at the closest ancestor the schema knows."""
        path = tuple(path)
        while path:
            found = self.field(path)
            if found is not None and "title" in found.schema:
                return found
            path = path[:-1]
        return None

    def fields(self, node: dict | None = None, prefix: tuple = ()) -> Iterator[Field]:
        """Every property in form order, depth first (objects before their children)."""
        node = self.schema if node is None else node
        for key, sub in (node.get("properties") or {}).items():
            path = prefix + (key,)
            yield Field(path, sub)
            if sub.get("type") == "object":
                yield from self.fields(sub, path)
            elif sub.get("type") == "array" and (sub.get("items") or {}).get("type") == "object":
                yield from self.fields(sub["items"], path)


@dataclass(frozen=True)
class CodeList:
    """One code list of the data package, read as text (leading zeros kept). A resource marked
    ``"x-menimpa": "<list>"`` holds the catalog's own rows of that list: they are added to it, and a
    row whose key is already there replaces it (``replaced`` keeps the row it replaced)."""

    name: str
    title: str
    path: str
    rows: tuple[dict, ...]
    key: str
    local_path: str | None = None
    local: tuple[dict, ...] = ()  # the catalog's own rows, in file order
    replaced: dict = field(default_factory=dict)  # key → the published row a local row replaced

    def values(self, column: str | None = None, tingkat: str | None = None) -> list[str]:
        column = column or self.key
        return [r[column] for r in self.rows if tingkat is None or r.get("tingkat") == tingkat]

    def lookup(self, column: str | None = None) -> dict[str, dict]:
        column = column or self.key
        if column == self.key:
            return self._by_key
        return {r[column]: r for r in self.rows}

    @cached_property
    def _by_key(self) -> dict[str, dict]:
        return {r[self.key]: r for r in self.rows}

    def with_local(self, path: str, local: tuple[dict, ...]) -> CodeList:
        """This list with a catalog's own rows added (a row with a known key replaces that row)."""
        merged = {r[self.key]: r for r in self.rows}
        replaced = {}
        for row in local:
            code = row.get(self.key)
            if code in merged and code not in replaced:
                replaced[code] = merged[code]
            merged[code] = row
        return CodeList(self.name, self.title, self.path, tuple(merged.values()), self.key, path, local, replaced)


_LISTS = "daftar-kode-rusak"


def _csv_rows(path: Path) -> tuple[dict, ...]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        bad = UNWRITABLE.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise RulesError(
                f"{_rule_file(path)} baris {line}: karakter kendali U+{ord(bad.group()):04X} (yaml-karakter), yang "
                "tidak dapat ditampilkan portal maupun ditulis ke XML dan Excel.",
                kode=_LISTS,
            )
        return tuple(csv.DictReader(io.StringIO(text, newline="")))
    except OSError as exc:
        raise RulesError(f"{_rule_file(path)}: tidak dapat dibaca ({exc.strerror or exc}).", kode=_LISTS) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RulesError(f"{_rule_file(path)}: bukan CSV UTF-8 yang sah ({exc}).", kode=_LISTS) from None


def _resource(package_path: Path, res: Any) -> tuple[dict, tuple[dict, ...], str]:
    """One resource of the data package: its description, its rows and its key column."""
    where = _rule_file(package_path)
    path = res.get("path") if isinstance(res, dict) else None
    name = res.get("name") if isinstance(res, dict) else None
    if not isinstance(path, str) or not isinstance(name, str) or "/" in path or path.startswith("."):
        raise RulesError(
            f"{where}: setiap sumber daya perlu name dan path (nama berkas CSV di schemas/kode/).", kode=_LISTS
        )
    rows = _csv_rows(package_path.parent / path)
    schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
    fields = [f.get("name") for f in schema.get("fields") or () if isinstance(f, dict)]
    key = (schema.get("primaryKey") or fields or [None])[0]
    missing = [n for n in dict.fromkeys([key, *fields]) if rows and n not in rows[0]]
    if missing:
        names = ", ".join(map(repr, missing))
        raise RulesError(f"schemas/kode/{path}: kolom {names} dari {where} tidak ada di kepala CSV.", kode=_LISTS)
    return res, rows, key


def read_codelists(schema_root: Path) -> dict[str, CodeList]:
    """The code lists of ``<schema_root>/kode/datapackage.json``, by resource name; a file that cannot
    be read, or a key column that is not in its CSV, is a :class:`RulesError` (daftar-kode-rusak)."""
    package_path = Path(schema_root) / "kode" / "datapackage.json"
    resources = read_rule_json(package_path, _LISTS).get("resources")
    if not isinstance(resources, list):
        raise RulesError(f"{_rule_file(package_path)}: resources harus daftar sumber daya.", kode=_LISTS)
    lists: dict[str, CodeList] = {}
    local = []
    for res, rows, key in (_resource(package_path, r) for r in resources):
        if res.get("x-menimpa"):  # the catalog's own rows of another list
            local.append((res, rows))
            continue
        lists[res["name"]] = CodeList(
            res["name"], res.get("title", res["name"]), f"schemas/kode/{res['path']}", rows, key
        )
    for res, rows in local:
        target = lists.get(res["x-menimpa"])
        if target is not None:
            lists[target.name] = target.with_local(f"schemas/kode/{res['path']}", rows)
    return lists


class Schemas:
    """All record schemas plus the code lists of one catalog."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.records = {k: RecordSchema(k, self._json(f"{k}.schema.json")) for k in KINDS}
        self._allowed: dict[tuple, frozenset[str]] = {}

    def _json(self, name: str) -> dict:
        return read_rule_json(self.root / name)

    def verify(self, lists: bool = True) -> Schemas:
        """Read every rule now, so that a broken rule file is one :class:`RulesError` before any
        record is judged, never a crash half-way: each record schema must be a valid JSON Schema
        2020-12 (as jsonschema-rs compiles it), the code lists must read (unless ``lists`` is
        false: they are then read, and refused, when the first record is checked), and sop.yaml
        must hold."""
        import jsonschema_rs

        for kind, record in self.records.items():
            try:
                jsonschema_rs.validator_for(record.schema)
            except (jsonschema_rs.ValidationError, ValueError) as exc:
                first = str(exc).split("\n", 1)[0]
                raise RulesError(f"schemas/{kind}.schema.json: bukan JSON Schema 2020-12 yang sah ({first}).") from None
        if lists:
            self.codelists  # noqa: B018
        self.sop  # noqa: B018
        return self

    def allowed(self, daftar: str, kolom: str | None, tingkat: str | None) -> frozenset[str]:
        """The set of valid values of one code-list column (cached)."""
        key = (daftar, kolom, tingkat)
        if key not in self._allowed:
            self._allowed[key] = frozenset(self.codelists[daftar].values(kolom, tingkat))
        return self._allowed[key]

    def __getitem__(self, kind: str) -> RecordSchema:
        return self.records[kind]

    @cached_property
    def codelists(self) -> dict[str, CodeList]:
        return read_codelists(self.root)

    def has_local_codes(self) -> bool:
        """Whether the catalog adds rows of its own to a code list (read without loading the lists)."""
        package = read_rule_json(self.root / "kode" / "datapackage.json", _LISTS)
        for res in package.get("resources") or ():
            if isinstance(res, dict) and res.get("x-menimpa"):
                if len(_csv_rows(self.root / "kode" / str(res.get("path")))) > 0:
                    return True
        return False

    def _own_or_bundled(self, name: str) -> Path:
        own = self.root / name
        return own if own.is_file() else BUNDLED / name

    @cached_property
    def sop(self) -> Sop:
        """The SOP steps (``sop.yaml``), from this schema folder or the one shipped with the tool."""
        return load_sop(self._own_or_bundled("sop.yaml"))

    @cached_property
    def roles(self) -> RecordSchema:
        """The schema of ``roles.yaml`` (account → SOP roles)."""
        path = self._own_or_bundled("peran.schema.json")
        return RecordSchema("peran", json.loads(path.read_text(encoding="utf-8")))

    @cached_property
    def config(self) -> RecordSchema:
        """The schema of ``katalog.yaml`` (the catalog's own facts)."""
        path = self._own_or_bundled("katalog.schema.json")
        return RecordSchema("katalog", json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def find(cls, catalog_root: Path, lists: bool = True) -> Schemas:
        """The catalog's own ``schemas/`` if it has one, else the schemas shipped with the tool,
        verified (:meth:`verify`)."""
        own = Path(catalog_root) / "schemas"
        return cls(own if (own / "kegiatan.schema.json").is_file() else BUNDLED).verify(lists)


def values_at(data: Any, pattern: tuple) -> list[tuple[tuple, Any]]:
    """(instance path, value) of every value a schema path ('*' = any list item) reaches in ``data``."""
    frontier = [((), data)]
    for part in pattern:
        nxt = []
        for path, node in frontier:
            if part == "*" and isinstance(node, list):
                nxt.extend((path + (i,), v) for i, v in enumerate(node))
            elif isinstance(node, dict) and part in node:
                nxt.append((path + (part,), node[part]))
        frontier = nxt
    return frontier


def walk(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) pair inside a loaded document."""
    yield path, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from walk(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk(v, path + (i,))
