"""Records → the catalog model that every output (portal, exports) is built from.

The model applies the publication rules once, so no output can leak what it should not:
only activities that reached SOP step 11 are public, variables and indicators marked not
public are dropped (a variable also from its activity's 3.4 list, and its data files with it),
and fields the schema marks ``x-pribadi`` (personal contact data) are removed. The internal
(reviewer) view keeps drafts and non-public records, flagged.

The model also carries the catalog's own facts (``katalog.yaml``): every absolute URL of the
outputs starts at its ``url_situs``.
"""

from __future__ import annotations

import copy
import csv
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from ..contract.config import CatalogConfig, config_path
from ..contract.schema import RecordSchema, Schemas
from ..read.catalog import Catalog, Record, resolve_ref
from ..read.loader import LoadError, load
from ..sop.state import riwayat, status

PREVIEW_URL = "http://localhost:8000/"  # where `satudata serve` shows a build that has no site URL

STAGES = [  # SOP steps grouped for the dashboard
    ("Belum dimulai", range(0, 1)),
    ("Rekomendasi (1–6)", range(1, 7)),
    ("Pelaporan (7–8)", range(7, 9)),
    ("Pemeriksaan BPS (9–10)", range(9, 11)),
    ("Disetujui (11)", range(11, 12)),
    ("Dipublikasikan (12–13)", range(12, 14)),
]


def stage_of(step: int) -> str:
    return next(name for name, steps in STAGES if step in steps)


@dataclass
class Item:
    """A variable or an indicator."""

    kind: str
    ident: str
    slug: str
    data: dict
    public: bool
    hidden: dict[str, int] = field(default_factory=dict)  # building blocks left out of this view

    @property
    def name(self) -> str:
        return str(self.data.get("nama", self.slug))


@dataclass(frozen=True)
class DataFile:
    """One ``data/*.csv`` of an activity: its path in the catalog and its columns (variable slugs)."""

    rel: str  # relative to the catalog root, posix
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


@dataclass
class Activity:
    ident: str  # opd/tahun-slug
    opd: str
    slug: str
    data: dict
    step: int  # last SOP step recorded (0 = none)
    public: bool  # approved by BPS in the current review cycle (pipeline.alur.is_public)
    variables: list[Item] = field(default_factory=list)
    indicators: list[Item] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    approved: str | None = None  # date (YYYY-MM-DD) of BPS's last approval (SOP step 11)
    hidden_variables: int = 0  # variables withheld from this (public) view, 3.4 list included
    data_files: list[DataFile] = field(default_factory=list)  # published data/*.csv

    @property
    def title(self) -> str:
        return str(self.data.get("judul_kegiatan", self.ident))

    @property
    def year(self) -> int | None:
        year = self.data.get("tahun")
        return year if isinstance(year, int) else None

    @property
    def sector(self) -> str:
        return str(self.data.get("sektor_kegiatan", ""))


@dataclass
class Opd:
    slug: str
    data: dict
    activities: list[Activity] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.data.get("nama", self.slug))


@dataclass
class CatalogModel:
    internal: bool
    schemas: Schemas
    opds: dict[str, Opd]
    activities: list[Activity]
    progress: dict[str, Counter]  # OPD slug → activities per SOP stage, drafts included (counts only)
    overdue: dict[str, Counter]  # OPD slug → activities waiting past the SOP time standard, per step
    pada: datetime | None = None  # "as of" for the overdue counts
    config: CatalogConfig = field(default_factory=lambda: preview_config())
    root: Path | None = None  # the catalog folder (data files are read from it)

    def url(self, path: str = "") -> str:
        """The absolute URL of a path of the built site."""
        return self.config.url(path)

    @cached_property
    def _items(self) -> dict[tuple[str, str], Item]:
        """(kind, identity) → item; every indicator page looks its building blocks up here."""
        return {(i.kind, i.ident): i for a in self.activities for i in (*a.variables, *a.indicators)}

    def item(self, kind: str, ident: str) -> Item | None:
        return self._items.get((kind, ident))


def preview_config() -> CatalogConfig:
    """The facts of a catalog without katalog.yaml: enough for a local preview, never published."""
    return CatalogConfig(
        pemda="Katalog (pratinjau)",
        kode_wilayah="",
        walidata={"nama": "Walidata"},
        url_situs=PREVIEW_URL,
        lisensi={"nama": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    )


def read_config(root: Path) -> CatalogConfig | None:
    """katalog.yaml of the catalog at ``root`` (already checked by ``validate``), or None."""
    path = config_path(root)
    if not path.is_file():
        return None
    try:
        data = load(path).data
    except LoadError:
        return None
    return CatalogConfig.from_data(data) if isinstance(data, dict) else None


def with_site_url(config: CatalogConfig, url: str) -> CatalogConfig:
    """``config`` published at ``url`` instead (``--url-situs``); the URL always ends in '/'."""
    return replace(config, url_situs=url.rstrip("/") + "/")


def strip_private(data: Any, rs: RecordSchema, path: tuple = ()) -> Any:
    """A copy of ``data`` without the fields the schema marks as personal (``x-pribadi``)."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            sub = rs.subschema(path + (key,))
            if sub is not None and sub.get("x-pribadi"):
                continue
            out[key] = strip_private(value, rs, path + (key,))
        return out
    if isinstance(data, list):
        return [strip_private(v, rs, path + (0,)) for v in data]
    return copy.deepcopy(data)


def build_model(
    catalog: Catalog,
    schemas: Schemas,
    internal: bool = False,
    pada: datetime | None = None,
    config: CatalogConfig | None = None,
) -> CatalogModel:
    """The public catalog (default) or the reviewers' internal view.

    ``pada`` ("as of", an aware datetime) turns on the overdue counts of the dashboard;
    ``config`` is the catalog's katalog.yaml (read from the catalog when not given)."""
    if config is None:
        config = read_config(catalog.root) or preview_config()
    sop = schemas.sop
    opds = {
        r.ident: Opd(r.ident, r.data if internal else strip_private(r.data, schemas["opd"]))
        for r in sorted(catalog.of("opd"), key=lambda r: r.ident)
    }
    activities = []
    progress = {slug: Counter() for slug in opds}
    overdue = {slug: Counter() for slug in opds}
    for rec in sorted(catalog.of("kegiatan"), key=lambda r: r.ident):
        if rec.opd not in opds or not rec.data:
            continue
        st = status(rec.data, sop, pada)
        step = st.langkah or 0
        progress[rec.opd][stage_of(step)] += 1
        if st.terlambat:
            overdue[rec.opd][min(st.menunggu)] += 1
        public = st.disetujui
        if not (public or internal):
            continue
        data = dict(rec.data) if internal else strip_private(rec.data, schemas["kegiatan"])
        events = list(riwayat(data))
        data = schemas["kegiatan"].content(data)
        data = schemas["kegiatan"].with_defaults(data)
        activity = Activity(rec.ident, rec.opd, rec.slug, data, step, public, events=events if internal else [])
        activity.approved = _approved_on(events)
        activity.variables = _items(catalog, schemas, rec, "variabel", internal)
        activity.indicators = _items(catalog, schemas, rec, "indikator", internal)
        if not internal:
            _withhold_variables(catalog, rec, activity)
        activity.data_files = _data_files(catalog.root, rec, activity, internal)
        activities.append(activity)
        opds[rec.opd].activities.append(activity)
    model = CatalogModel(internal, schemas, opds, activities, progress, overdue, pada, config, catalog.root)
    if not internal:
        _drop_hidden_references(model)
    return model


APPROVAL_STEP = 11


def _approved_on(events: list) -> str | None:
    days = [
        str(e["waktu"])[:10]
        for e in events
        if isinstance(e, dict) and e.get("langkah") == APPROVAL_STEP and e.get("waktu")
    ]
    return days[-1] if days else None


def _name_key(name) -> str:
    return str(name).strip().lower()  # how check.groups matches 3.4 rows to MS-Var records


def _withhold_variables(catalog: Catalog, rec: Record, activity: Activity) -> None:
    """A variable that is not public leaves the 3.4 list too; the page says how many are withheld."""
    hidden = [v for v in catalog.children(rec.ident, "variabel") if v.data and v.data.get("akses_umum") != "Ya"]
    activity.hidden_variables = len(hidden)
    names = {_name_key(v.data.get("nama", "")) for v in hidden}
    plan = activity.data.get("perencanaan")
    rows = plan.get("variabel_dikumpulkan") if isinstance(plan, dict) else None
    if names and isinstance(rows, list):
        plan["variabel_dikumpulkan"] = [
            r for r in rows if not (isinstance(r, dict) and _name_key(r.get("nama", "")) in names)
        ]


def _data_files(root: Path, rec: Record, activity: Activity, internal: bool) -> list[DataFile]:
    """The activity's data/*.csv: in the public view only files whose every column is a public
    variable (a file holding a withheld variable is withheld whole)."""
    folder = Path(root) / os.path.dirname(rec.path) / "data"
    if not folder.is_dir():
        return []
    public = {v.slug for v in activity.variables if v.public}
    out = []
    for path in sorted(folder.glob("*.csv")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                header = tuple(h.strip() for h in next(csv.reader(fh), []))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
        if internal or (header and all(h in public for h in header)):
            out.append(DataFile(path.relative_to(root).as_posix(), header))
    return out


REFERENCES = (("variabel_pembangun", "variabel"), ("indikator_pembangun", "indikator"))


def _drop_hidden_references(model: CatalogModel) -> None:
    """A public indicator may be built from records that are not public: keep only the count,
    never their identities (a slug can reveal what is confidential)."""
    for a in model.activities:
        for ind in a.indicators:
            for key, kind in REFERENCES:
                refs = ind.data.get(key)
                if not isinstance(refs, list) or (kind == "variabel" and "kegiatan_penghasil" in ind.data):
                    continue
                kept = [r for r in refs if isinstance(r, str) and model.item(kind, resolve_ref(r, a.ident))]
                if len(kept) < len(refs):
                    ind.hidden[key] = len(refs) - len(kept)
                    ind.data[key] = kept


def _items(catalog: Catalog, schemas: Schemas, activity: Record, kind: str, internal: bool) -> list[Item]:
    out = []
    for rec in sorted(catalog.children(activity.ident, kind), key=lambda r: r.ident):
        if not rec.data:
            continue
        public = rec.data.get("akses_umum") == "Ya"
        if not (public or internal):
            continue
        data = rec.data if internal else strip_private(rec.data, schemas[kind])
        out.append(Item(kind, rec.ident, rec.slug, data, public))
    return out
