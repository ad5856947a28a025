"""The SOP workflow of one activity: ``alur.riwayat`` → status and findings.

``alur.riwayat`` in ``kegiatan.yaml`` is an append-only list of events; each says that a step of
the SOP was done (``langkah``), when (``waktu``, with a time zone), by which role (``peran``) and
account (``aktor``). Nothing else about the workflow is stored: the status is derived here.

Public API for other parts of the tool (the portal, exports, dashboards):

- :func:`current_step` — the last recorded step, or ``None`` when nothing is recorded yet.
- :func:`is_public` — whether the activity may be published (see its docstring for the rule).
- :func:`status` — the full derived :class:`Status` (who must act, since when, how long).
- :func:`alur_findings` — validation findings for ``satudata validate``.

All of them accept a catalog :class:`~pipeline.catalog.Record` of kind ``kegiatan`` or the
loaded ``kegiatan.yaml`` data (a dict), and never raise on malformed input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .findings import GALAT, PERINGATAN, Finding
from .sop import Sop, Step, load_sop

FORM = "Alur SOP"


@dataclass(frozen=True)
class Event:
    """One well-formed entry of ``alur.riwayat`` (malformed entries are left to the schema)."""

    index: int
    langkah: int
    waktu: datetime | None  # None when the text is not a valid date-time with a zone
    peran: str | None
    aktor: str | None
    raw: Mapping

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


def _data(record_or_data) -> Mapping:
    data = getattr(record_or_data, "data", record_or_data)
    return data if isinstance(data, Mapping) else {}


def riwayat(record_or_data) -> list:
    """The raw ``alur.riwayat`` list ([] when absent or not a list)."""
    alur = _data(record_or_data).get("alur")
    items = alur.get("riwayat") if isinstance(alur, Mapping) else None
    return items if isinstance(items, list) else []


def events(record_or_data) -> list[Event]:
    out = []
    for i, item in enumerate(riwayat(record_or_data)):
        if not isinstance(item, Mapping):
            continue
        step = item.get("langkah")
        if not isinstance(step, int) or isinstance(step, bool):
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
            )
        )
    return out


def needs_recommendation(data: Mapping, sop: Sop) -> bool:
    return data.get("cara_pengumpulan_data") in sop.wajib_rekomendasi


def allowed_next(sop: Sop, previous: list[int], survei: bool) -> list[int]:
    """Steps that may be recorded after the steps ``previous`` (in order), sorted.

    Normal flow comes from ``berikutnya`` in sop.yaml; after approval (steps in
    ``siklus_baru.setelah``) a new review cycle may also start. A survey cannot reach
    ``rekomendasi.sebelum`` (7) before the letter step (6) was recorded.
    """
    if not previous:
        nxt = set(sop.awal)
    else:
        last = sop.step(previous[-1])
        nxt = set(last.berikutnya) if last else set()
        if previous[-1] in sop.siklus_setelah:
            nxt |= set(sop.siklus_baru)
    if survei and sop.surat not in previous:
        nxt.discard(sop.sebelum)
    return sorted(nxt)


def expected_next(sop: Sop, previous: list[int], survei: bool) -> list[int]:
    """What the activity is waiting for: the allowed steps minus the optional new review cycle."""
    nxt = allowed_next(sop, previous, survei)
    if previous and previous[-1] in sop.siklus_setelah:
        nxt = [n for n in nxt if n not in sop.siklus_baru or n in sop.step(previous[-1]).berikutnya]
    return nxt


@dataclass
class Status:
    """The state of one activity's workflow, derived from its log (and an "as of" moment)."""

    langkah: int | None  # last recorded step (None: nothing recorded)
    terakhir: Event | None
    menunggu: list[int]  # steps that may come next in the normal flow ([] when finished)
    pelaksana: list[str]  # roles that must act now (performers of `menunggu`)
    disetujui: bool  # approved by BPS in the current review cycle
    pernah_disetujui: bool  # approved at least once, possibly before a re-opened cycle
    selesai: bool  # nothing more is expected
    mulai: datetime | None = None  # when the wait started (time of the last event)
    pada: datetime | None = None  # "as of"
    berjalan_menit: int | None = None  # working minutes waited so far
    baku_menit: int | None = None  # the most lenient time standard among `menunggu`

    @property
    def terlambat(self) -> bool:
        return self.berjalan_menit is not None and self.baku_menit is not None and self.berjalan_menit > self.baku_menit


def _approved(sop: Sop, steps: list[int]) -> tuple[bool, bool]:
    """(approved now, approved ever). Approval lasts until a new review cycle (7/8) starts."""
    if sop.disetujui not in steps:
        return False, False
    last_approval = len(steps) - 1 - steps[::-1].index(sop.disetujui)
    reopened = any(s in sop.siklus_baru for s in steps[last_approval + 1 :])
    return not reopened, True


def status(record_or_data, sop: Sop | None = None, pada: datetime | None = None) -> Status:
    """Derive the workflow status. ``pada`` ("as of", aware datetime) enables the clock."""
    sop = sop or load_sop()
    data = _data(record_or_data)
    evs = [e for e in events(data) if sop.step(e.langkah)]
    steps = [e.langkah for e in evs]
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
    st = Status(
        langkah=last.langkah if last else None,
        terakhir=last,
        menunggu=menunggu,
        pelaksana=roles,
        disetujui=now_ok,
        pernah_disetujui=ever,
        selesai=bool(evs) and not menunggu,
        mulai=last.waktu if last else None,
        pada=pada,
    )
    if menunggu and last is not None and last.waktu is not None and pada is not None:
        st.berjalan_menit = sop.jam_kerja.menit_kerja(last.waktu, pada)
        st.baku_menit = max(sop.langkah[n].baku_menit for n in menunggu)
    return st


def current_step(record_or_data, sop: Sop | None = None) -> int | None:
    """The last SOP step recorded in ``alur.riwayat`` (1–13), or None if none is recorded."""
    return status(record_or_data, sop).langkah


def is_public(record_or_data, sop: Sop | None = None) -> bool:
    """Whether an activity may appear in the portal, the search index and the exports.

    Rule: BPS approved it (step 11) and no new review cycle has been opened since (no step 7
    or 8 after the last step 11). The files in the repository are the current version; once a
    change re-opens review, that version has not been approved, so the activity stays hidden
    until BPS approves again. Steps 12 and 13 after approval keep it public. Variables and
    indicators of a public activity still follow their own ``akses_umum``.
    """
    return status(record_or_data, sop).disetujui


# --- validation -----------------------------------------------------------------------------


def _where(step: Step | None, nomor) -> str:
    return f"Langkah {step.nomor} ({step.ringkas})" if step else f"Langkah {nomor}"


def _steps_text(sop: Sop, steps) -> str:
    if not steps:
        return "tidak ada langkah lagi"
    return ", ".join(f"{n} ({sop.langkah[n].ringkas}, {sop.roles_text(sop.langkah[n].pelaksana)})" for n in steps)


class _Out:
    def __init__(self, record, rs):
        self.record, self.rs, self.items = record, rs, []

    def add(self, path, kode, pesan, saran, tingkat=GALAT):
        fld = self.rs.nearest_field(path) if self.rs is not None else None
        self.items.append(
            Finding(
                kode=kode,
                tingkat=tingkat,
                berkas=self.record.path,
                baris=self.record.line(path),
                lokasi=".".join(str(p) for p in path),
                nomor=f"riwayat ke-{path[2] + 1}" if len(path) > 2 else None,
                label=fld.label if fld else None,
                formulir=FORM,
                pesan=pesan,
                saran=saran,
            )
        )


def alur_findings(record, rs=None, sop: Sop | None = None) -> list[Finding]:
    """Check ``alur.riwayat`` of one activity record against the SOP.

    Rules (finding codes): the first step is an allowed opening step (``alur-langkah-awal``);
    each step may follow the previous one (``alur-transisi``); a survey has its
    recommendation letter before reporting metadata (``alur-survei-rekomendasi``); the role
    performs that step (``alur-peran``); times are valid and never go back
    (``alur-waktu-tidak-sah``, ``alur-waktu-mundur``); the letter step carries its number
    and date (``alur-surat-wajib``), with the right prefix (``alur-surat-awalan``), matching
    ``identitas_rekomendasi`` (``alur-surat-beda``, ``alur-surat-identitas``).
    Shape errors (missing keys, wrong types) are left to the JSON Schema.
    """
    sop = sop or load_sop()
    data = _data(record)
    out = _Out(record, rs)
    survei = needs_recommendation(data, sop)
    cara = data.get("cara_pengumpulan_data")
    previous: list[int] = []
    last_time: tuple[datetime, int] | None = None
    for ev in events(data):
        base = ("alur", "riwayat", ev.index)
        step = sop.step(ev.langkah)
        if step is None:  # out of range: the schema reports it
            continue
        allowed = allowed_next(sop, previous, survei)
        if ev.langkah not in allowed:
            if (
                survei
                and ev.langkah == sop.sebelum
                and sop.surat not in previous
                and ev.langkah in allowed_next(sop, previous, False)
            ):
                out.add(
                    base + ("langkah",),
                    "alur-survei-rekomendasi",
                    f"{_where(step, ev.langkah)}: survei wajib mendapat rekomendasi BPS (langkah 2–{sop.surat}) "
                    f"sebelum metadata dilaporkan.",
                    f"Catat dulu pengajuan rekomendasi (langkah 2) sampai surat rekomendasi terbit (langkah {sop.surat}).",
                )
            elif not previous:
                out.add(
                    base + ("langkah",),
                    "alur-langkah-awal",
                    f"Riwayat harus dimulai dari langkah {_steps_text(sop, sop.awal)}, bukan langkah {ev.langkah}.",
                    "Tambahkan peristiwa langkah 1 (cek rekomendasi) di awal riwayat.",
                )
            else:
                prev = sop.langkah[previous[-1]]
                out.add(
                    base + ("langkah",),
                    "alur-transisi",
                    f"{_where(step, ev.langkah)} tidak boleh langsung setelah langkah {prev.nomor} ({prev.ringkas}).",
                    f"Setelah langkah {prev.nomor} yang boleh dicatat: {_steps_text(sop, allowed)}.",
                )
        if ev.peran is not None and ev.peran in sop.peran and ev.peran not in step.pelaksana:
            out.add(
                base + ("peran",),
                "alur-peran",
                f"{_where(step, ev.langkah)} dilaksanakan oleh {sop.roles_text(step.pelaksana)}, "
                f"bukan {sop.short_role(ev.peran)}.",
                f"Ubah peran menjadi {' atau '.join(step.pelaksana)}; jika pelaksananya memang "
                f"{sop.short_role(ev.peran)}, langkah yang dimaksud mungkin lain (lihat docs/alur-sop.md).",
            )
        raw_time = ev.raw.get("waktu")
        if ev.waktu is None:
            if isinstance(raw_time, str):
                out.add(
                    base + ("waktu",),
                    "alur-waktu-tidak-sah",
                    f"{_where(step, ev.langkah)}: waktu '{raw_time}' bukan tanggal dan jam yang sah dengan zona waktu.",
                    "Tulis seperti 2025-02-03T09:00:00+07:00 (tanggal, huruf T, jam, zona waktu WIB +07:00).",
                )
        else:
            if last_time is not None and ev.waktu < last_time[0]:
                out.add(
                    base + ("waktu",),
                    "alur-waktu-mundur",
                    f"{_where(step, ev.langkah)}: waktu {raw_time} lebih awal daripada peristiwa sebelumnya "
                    f"(nomor {last_time[1] + 1} dalam riwayat).",
                    "Riwayat dicatat berurutan waktu; periksa tanggal dan jamnya. Peristiwa lama tidak boleh diubah, "
                    "jadi perbaiki hanya peristiwa yang baru Anda tambahkan.",
                )
            last_time = (ev.waktu, ev.index)
        if ev.langkah == sop.surat:
            _letter(out, sop, base, step, ev, data, cara)
        previous.append(ev.langkah)
    return out.items


def _letter(out: _Out, sop: Sop, base, step: Step, ev: Event, data: Mapping, cara) -> None:
    nomor, tanggal = ev.nomor_surat, ev.tanggal_surat
    missing = [k for k, v in (("nomor_surat", nomor), ("tanggal_surat", tanggal)) if not v]
    if missing:
        out.add(
            base,
            "alur-surat-wajib",
            f"{_where(step, ev.langkah)}: {' dan '.join(missing)} belum diisi.",
            "Salin identitas rekomendasi dan tanggal dari surat BPS, misalnya "
            "nomor_surat: V-25.3514.004 dan tanggal_surat: 2025-02-10.",
        )
    if not isinstance(nomor, str):
        return
    prefix = sop.awalan.get(cara)
    if prefix and not nomor.startswith(prefix + "-"):
        out.add(
            base + ("nomor_surat",),
            "alur-surat-awalan",
            f"Nomor surat '{nomor}' untuk kegiatan {cara} seharusnya berawalan {prefix}- "
            f"({', '.join(f'{v} untuk {k}' for k, v in sop.awalan.items())}).",
            "Periksa lagi nomor pada surat rekomendasi dan cara pengumpulan data kegiatan.",
        )
    identitas = data.get("identitas_rekomendasi")
    if identitas is None:
        out.add(
            base + ("nomor_surat",),
            "alur-surat-identitas",
            "Surat rekomendasi sudah terbit, tetapi MS-Keg belum mencantumkan identitas rekomendasi.",
            f"Isi rekomendasi_bps: Ya dan identitas_rekomendasi: {nomor} di kegiatan.yaml.",
            PERINGATAN,
        )
    elif isinstance(identitas, str) and identitas != nomor and ev.index == _last_letter(sop, data):
        out.add(
            base + ("nomor_surat",),
            "alur-surat-beda",
            f"Nomor surat '{nomor}' berbeda dengan identitas rekomendasi MS-Keg '{identitas}'.",
            "Samakan identitas_rekomendasi di kegiatan.yaml dengan nomor surat rekomendasi terakhir.",
        )


def _last_letter(sop: Sop, data: Mapping) -> int | None:
    """Index of the latest letter event: only the newest letter must match the MS-Keg."""
    letters = [e.index for e in events(data) if e.langkah == sop.surat]
    return letters[-1] if letters else None
