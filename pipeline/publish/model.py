"""Records → the catalog model that every output (portal, exports) is built from.

The model applies the publication rules once, so no output can leak what it should not:
only activities that reached SOP step 11 are public, variables and indicators marked not
public are dropped, and fields the schema marks ``x-pribadi`` (personal contact data) are
removed. The internal (reviewer) view keeps drafts and non-public records, flagged.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from ..contract.schema import RecordSchema, Schemas
from ..read.catalog import Catalog, Record, resolve_ref
from ..sop.state import status

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

    @cached_property
    def _items(self) -> dict[tuple[str, str], Item]:
        """(kind, identity) → item; every indicator page looks its building blocks up here."""
        return {(i.kind, i.ident): i for a in self.activities for i in (*a.variables, *a.indicators)}

    def item(self, kind: str, ident: str) -> Item | None:
        return self._items.get((kind, ident))


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
    catalog: Catalog, schemas: Schemas, internal: bool = False, pada: datetime | None = None
) -> CatalogModel:
    """The public catalog (default) or the reviewers' internal view.

    ``pada`` ("as of", an aware datetime) turns on the overdue counts of the dashboard."""
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
        events = list((data.pop("alur", None) or {}).get("riwayat") or [])
        activity = Activity(rec.ident, rec.opd, rec.slug, data, step, public, events=events if internal else [])
        activity.variables = _items(catalog, schemas, rec, "variabel", internal)
        activity.indicators = _items(catalog, schemas, rec, "indikator", internal)
        activities.append(activity)
        opds[rec.opd].activities.append(activity)
    model = CatalogModel(internal, schemas, opds, activities, progress, overdue, pada)
    if not internal:
        _drop_hidden_references(model)
    return model


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
