"""The SOP as a state machine: one activity's ``alur.riwayat`` → its derived status.

``alur.riwayat`` in ``kegiatan.yaml`` is an append-only list of events; each says that a step of
the SOP was done (``langkah``), when (``waktu``, with a time zone), by which role (``peran``) and
account (``aktor``). Nothing else about the workflow is stored: the status is derived here.

Public API for other parts of the tool (the portal, exports, dashboards):

- :func:`current_step` — the last recorded step, or ``None`` when nothing is recorded yet.
- :func:`is_public` — whether the activity may be published (see its docstring for the rule).
- :func:`status` — the full derived :class:`Status` (who must act, since when, how long).

All of them accept a catalog :class:`~pipeline.catalog.Record` of kind ``kegiatan`` or the
loaded ``kegiatan.yaml`` data (a dict), and never raise on malformed input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .definition import Sop, load_sop


@dataclass(frozen=True)
class Event:
    """One well-formed entry of ``alur.riwayat`` (malformed entries are left to the schema):
    a step done (``langkah``) or an end state reached (``akhir``: ditolak, dibatalkan)."""

    index: int
    langkah: int | None  # None for an end state
    waktu: datetime | None  # None when the text is not a valid date-time with a zone
    peran: str | None
    aktor: str | None
    raw: Mapping
    akhir: str | None = None

    @property
    def by_forge(self) -> bool:
        """Recorded by the forge recorder (``sumber: forge``), not typed."""
        return self.raw.get("sumber") == "forge"

    @property
    def nomor_surat(self):
        return self.raw.get("nomor_surat")

    @property
    def tanggal_surat(self):
        return self.raw.get("tanggal_surat")


def parse_time(value) -> datetime | None:
    """ISO 8601 date-time with a zone (``Z`` or ``±HH:MM``) → aware datetime; anything else → None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def data_of(record_or_data) -> Mapping:
    data = getattr(record_or_data, "data", record_or_data)
    return data if isinstance(data, Mapping) else {}


def riwayat(record_or_data) -> list:
    """The raw ``alur.riwayat`` list ([] when absent or not a list)."""
    alur = data_of(record_or_data).get("alur")
    items = alur.get("riwayat") if isinstance(alur, Mapping) else None
    return items if isinstance(items, list) else []


def events(record_or_data) -> list[Event]:
    out = []
    for i, item in enumerate(riwayat(record_or_data)):
        if not isinstance(item, Mapping):
            continue
        step, end = item.get("langkah"), item.get("akhir")
        if isinstance(step, bool) or not isinstance(step, int):
            step = None
        if step is None and not isinstance(end, str):
            continue
        peran, aktor = item.get("peran"), item.get("aktor")
        out.append(
            Event(
                index=i,
                langkah=step,
                waktu=parse_time(item.get("waktu")),
                peran=peran if isinstance(peran, str) else None,
                aktor=aktor if isinstance(aktor, str) else None,
                raw=item,
                akhir=end if step is None else None,
            )
        )
    return out


def until(evs: list[Event], pada: datetime | None) -> list[Event]:
    """The events recorded by ``pada``: the log up to (not including) the first event after it."""
    if pada is None:
        return evs
    for i, e in enumerate(evs):
        if e.waktu is not None and e.waktu > pada:
            return evs[:i]
    return evs


def needs_recommendation(data: Mapping, sop: Sop) -> bool:
    return data.get("cara_pengumpulan_data") in sop.wajib_rekomendasi


Mark = int | str  # a step number, or the key of an end state (ditolak, dibatalkan)


def allowed_next(sop: Sop, previous: list[Mark], survei: bool) -> list[int]:
    """Steps that may be recorded after ``previous`` (steps and end states, in order), sorted.

    Normal flow comes from ``berikutnya`` in sop.yaml; after approval (steps in
    ``siklus_baru.setelah``) a new review cycle may also start; after an end state, the steps
    that open a new request (``akhir.<kunci>.berikutnya``). A survey cannot reach
    ``rekomendasi.sebelum`` (7) before the letter step (6) was recorded.
    """
    if not previous:
        nxt = set(sop.awal)
    elif isinstance(previous[-1], str):
        end = sop.akhir.get(previous[-1])
        nxt = set(end.berikutnya) if end else set()
    else:
        last = sop.step(previous[-1])
        nxt = set(last.berikutnya) if last else set()
        if previous[-1] in sop.siklus_setelah:
            nxt |= set(sop.siklus_baru)
    if survei and sop.surat not in previous:
        nxt.discard(sop.sebelum)
    return sorted(nxt)


def allowed_ends(sop: Sop, previous: list[Mark]) -> list[str]:
    """End states that may be recorded after ``previous``."""
    if not previous or isinstance(previous[-1], str):
        return []
    return [key for key, end in sop.akhir.items() if previous[-1] in end.setelah]


def expected_next(sop: Sop, previous: list[Mark], survei: bool) -> list[int]:
    """What the activity is waiting for: the allowed steps minus the optional new review cycle;
    nothing after an end state (a new request may start, but none is awaited)."""
    if previous and isinstance(previous[-1], str):
        return []
    nxt = allowed_next(sop, previous, survei)
    if previous and previous[-1] in sop.siklus_setelah:
        nxt = [n for n in nxt if n not in sop.siklus_baru or n in sop.step(previous[-1]).berikutnya]
    return nxt


def marks(sop: Sop, evs: list[Event]) -> list[Mark]:
    """The steps and end states of the SOP among ``evs``, in order (unknown ones left out)."""
    return [
        e.langkah if e.langkah is not None else e.akhir
        for e in evs
        if sop.step(e.langkah) or (e.akhir is not None and e.akhir in sop.akhir)
    ]


@dataclass
class Status:
    """The state of one activity's workflow, derived from its log (and an "as of" moment)."""

    langkah: int | None  # last recorded step (None: nothing recorded)
    terakhir: Event | None  # the last event (a step or an end state)
    menunggu: list[int]  # steps that may come next in the normal flow ([] when finished)
    pelaksana: list[str]  # roles that must act now (performers of `menunggu`)
    disetujui: bool  # approved by BPS in the current review cycle
    pernah_disetujui: bool  # approved at least once, possibly before a re-opened cycle
    selesai: bool  # nothing more is expected
    mulai: datetime | None = None  # when the wait started (time of the last event)
    pada: datetime | None = None  # "as of"
    berjalan_menit: int | None = None  # working minutes waited so far
    baku_menit: int | None = None  # the most lenient time standard among `menunggu`
    akhir: str | None = None  # the end state the log reached (ditolak, dibatalkan), if it ended

    @property
    def terlambat(self) -> bool:
        return self.berjalan_menit is not None and self.baku_menit is not None and self.berjalan_menit > self.baku_menit


def _approved(sop: Sop, steps: list[Mark]) -> tuple[bool, bool]:
    """(approved now, approved ever). Approval lasts until a new review cycle (7/8) starts."""
    if sop.disetujui not in steps:
        return False, False
    last_approval = len(steps) - 1 - steps[::-1].index(sop.disetujui)
    reopened = any(s in sop.siklus_baru for s in steps[last_approval + 1 :])
    return not reopened, True


def status(record_or_data, sop: Sop | None = None, pada: datetime | None = None) -> Status:
    """Derive the workflow status. ``pada`` ("as of", aware datetime) enables the clock, and
    the status is the one at that moment: events recorded after it are not counted."""
    sop = sop or load_sop()
    data = data_of(record_or_data)
    evs = until([e for e in events(data) if sop.step(e.langkah) or e.akhir in sop.akhir], pada)
    steps = marks(sop, evs)
    survei = needs_recommendation(data, sop)
    menunggu = expected_next(sop, steps, survei)
    roles = []
    for n in menunggu:
        for role in sop.langkah[n].pelaksana:
            if role not in roles:
                roles.append(role)
    roles.sort(key=list(sop.peran).index)
    now_ok, ever = _approved(sop, steps)
    last = evs[-1] if evs else None
    numbered = [e for e in evs if e.langkah is not None]
    st = Status(
        langkah=numbered[-1].langkah if numbered else None,
        terakhir=last,
        menunggu=menunggu,
        pelaksana=roles,
        disetujui=now_ok,
        pernah_disetujui=ever,
        selesai=bool(evs) and not menunggu,
        mulai=last.waktu if last else None,
        pada=pada,
        akhir=last.akhir if last else None,
    )
    if menunggu and last is not None and last.waktu is not None and pada is not None:
        st.berjalan_menit = sop.jam_kerja.working_minutes(last.waktu, pada)
        st.baku_menit = max(sop.langkah[n].baku_menit for n in menunggu)
    return st


def current_step(record_or_data, sop: Sop | None = None) -> int | None:
    """The last SOP step recorded in ``alur.riwayat`` (1–13), or None if none is recorded."""
    return status(record_or_data, sop).langkah


def is_public(record_or_data, sop: Sop | None = None) -> bool:
    """Whether an activity may appear in the portal, the search index and the exports.

    Rule: BPS approved it (step 11) and no new review cycle has been opened since (no step 7
    or 8 after the last step 11). A log that ended (ditolak, dibatalkan) is not approved. The files in the repository are the current version; once a
    change re-opens review, that version has not been approved, so the activity stays hidden
    until BPS approves again. Steps 12 and 13 after approval keep it public. Variables and
    indicators of a public activity still follow their own ``akses_umum``.
    """
    return status(record_or_data, sop).disetujui
