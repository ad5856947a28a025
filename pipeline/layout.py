"""Where records live: the record kinds and the ``metadata/`` path grammar, path ↔ identity.

A record's identity is its path::

    metadata/<opd>/opd.yaml                               opd        <opd>
    metadata/<opd>/<tahun>-<slug>/kegiatan.yaml           kegiatan   <opd>/<tahun>-<slug>
    metadata/<opd>/<tahun>-<slug>/variabel/<slug>.yaml    variabel   <opd>/<tahun>-<slug>/<slug>
    metadata/<opd>/<tahun>-<slug>/indikator/<slug>.yaml   indikator  <opd>/<tahun>-<slug>/<slug>

Every part of the tool that turns one into the other asks here, and so does every part that needs
the tool's own bundled contract (:data:`BUNDLED_SCHEMAS`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path


def _bundled_schemas() -> Path:
    # A built wheel carries the repository's schemas/ as the data package pipeline/schemas/
    # (pyproject.toml, package-dir); a checkout or an editable install reads them where they are.
    package = Path(__file__).resolve().parent
    wheel = package / "schemas"
    return wheel if (wheel / "kegiatan.schema.json").is_file() else package.parent / "schemas"


BUNDLED_SCHEMAS = _bundled_schemas()
"""The tool's own ``schemas/`` (record schemas, ``sop.yaml``, ``kode/``), used when a catalog has none."""

KINDS = ("opd", "kegiatan", "variabel", "indikator")
"""Record kinds in form order: each has ``schemas/<kind>.schema.json``."""

CHILD_KINDS = ("variabel", "indikator")
"""Kinds that live in a folder of that name inside their activity folder."""

METADATA = "metadata"
OPD_FILE = "opd.yaml"
ACTIVITY_FILE = "kegiatan.yaml"
DATA_DIR = "data"
TRANSACTION_DIR = ".satudata-transaksi"
"""At the catalog root: the journal of a multi-file write in progress (pipeline.edit.transaction)."""
TRANSACTION_JOURNAL = f"{TRANSACTION_DIR}/jurnal.json"

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ACTIVITY_DIR = re.compile(r"((?:19|20)\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)")


def suggest_name(name: str, activity: bool = False, year: int | None = None) -> str:
    """A valid name close to ``name``: a slug (``jumlah-bidan``), or for an activity folder
    ``TAHUN-slug`` with the year taken from the name ('Survei PHBS 2026' → '2026-survei-phbs'),
    else ``year`` or the current year."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
    if not activity:
        return "-".join(words) or "nama-baru"
    years = [w for w in words if re.fullmatch(r"(19|20)\d\d", w)]
    first = years[0] if years else str(year or datetime.date.today().year)
    rest = [w for w in words if w != first] or ["kegiatan"]
    return f"{first}-{'-'.join(rest)}"


def ident_opd(ident: str) -> str:
    """The OPD of a record identity (``dinkes/2025-x/y`` → ``dinkes``)."""
    return ident.split("/", 1)[0]


def ident_activity(ident: str) -> str | None:
    """``opd/tahun-slug`` for an activity and its variables and indicators, None for an OPD."""
    parts = ident.split("/", 2)
    return f"{parts[0]}/{parts[1]}" if len(parts) >= 2 else None


@dataclass(frozen=True)
class Identity:
    kind: str
    ident: str

    @property
    def opd(self) -> str:
        return ident_opd(self.ident)

    @property
    def activity(self) -> str | None:
        return ident_activity(self.ident)

    @property
    def path(self) -> str:
        return record_path(self.kind, self.ident)


def record_path(kind: str, ident: str) -> str:
    """The catalog-relative path of a record, e.g. ``metadata/dinkes/2025-x/variabel/y.yaml``."""
    parts = ident.split("/")
    if kind == "opd":
        return f"{METADATA}/{parts[0]}/{OPD_FILE}"
    if kind == "kegiatan":
        return f"{METADATA}/{parts[0]}/{parts[1]}/{ACTIVITY_FILE}"
    if kind in CHILD_KINDS:
        return f"{METADATA}/{parts[0]}/{parts[1]}/{kind}/{parts[2]}.yaml"
    raise ValueError(f"unknown record kind {kind!r}")


def identify(path: str) -> Identity | None:
    """The record a catalog-relative posix path holds, or None if it is not a record file.

    Names are checked against the slug rules, so a path this accepts is one
    :func:`record_path` gives back.
    """
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != METADATA or not SLUG.fullmatch(parts[1]):
        return None
    opd = parts[1]
    if len(parts) == 3:
        return Identity("opd", opd) if parts[2] == OPD_FILE else None
    if not ACTIVITY_DIR.fullmatch(parts[2]):
        return None
    activity = f"{opd}/{parts[2]}"
    if len(parts) == 4:
        return Identity("kegiatan", activity) if parts[3] == ACTIVITY_FILE else None
    if len(parts) == 5 and parts[3] in CHILD_KINDS and parts[4].endswith(".yaml"):
        slug = parts[4][: -len(".yaml")]
        return Identity(parts[3], f"{activity}/{slug}") if SLUG.fullmatch(slug) else None
    return None


def activity_of(path: str) -> str | None:
    """``opd/tahun-slug`` of any path inside an activity folder (records and data files), else None."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == METADATA and SLUG.fullmatch(parts[1]) and ACTIVITY_DIR.fullmatch(parts[2]):
        return f"{parts[1]}/{parts[2]}"
    return None


def is_data_file(path: str) -> bool:
    """A file under an activity's ``data/`` folder (``metadata/<opd>/<tahun>-<slug>/data/…``): published
    with the activity, so a change of it is a change of the activity's content, like a record's."""
    parts = path.split("/")
    return len(parts) >= 5 and activity_of(path) is not None and parts[3] == DATA_DIR


def opd_of(path: str) -> str | None:
    """The OPD folder a path under ``metadata/`` is in, else None."""
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == METADATA else None
