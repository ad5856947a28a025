"""Records → findings: one activity's ``alur.riwayat`` checked against the SOP's state machine."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ..codes import GALAT, PERINGATAN, Finding
from ..sop.definition import Sop, Step, load_sop
from ..sop.state import Event, allowed_next, data_of, events, needs_recommendation

FORM = "Alur SOP"


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
    data = data_of(record)
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
