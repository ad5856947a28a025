"""Records → findings: one activity's ``alur.riwayat`` checked against the SOP's state machine;
who may type an event (shared by ``satudata langkah`` and ``satudata check-pr``); ``sop.yaml``
itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ..codes import GALAT, PERINGATAN, Finding, finding
from ..contract.roles import Account
from ..contract.schema import RecordSchema
from ..read.catalog import Record
from ..sop.definition import Sop, SopError, Step, load_sop, schema
from ..sop.state import Event, allowed_ends, allowed_next, data_of, events, needs_recommendation, parse_time
from .messages import at, schema_findings

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
    previous: list = []
    last_time: tuple[datetime, int] | None = None
    for ev in events(data):
        base = ("alur", "riwayat", ev.index)
        if ev.akhir is not None:
            last_time = _end(out, sop, base, ev, previous, last_time)
            continue
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
                out.add(
                    base + ("langkah",),
                    "alur-transisi",
                    f"{_where(step, ev.langkah)} tidak boleh langsung setelah {_mark_text(sop, previous[-1])}.",
                    f"Setelah {_mark_text(sop, previous[-1], short=True)} yang boleh dicatat: {_steps_text(sop, allowed)}.",
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
        last_time = _time(out, base, _where(step, ev.langkah), ev, last_time)
        if ev.langkah == sop.surat:
            _letter(out, sop, base, step, ev, data, cara)
        previous.append(ev.langkah)
    return out.items


def _mark_text(sop: Sop, mark, short: bool = False) -> str:
    if isinstance(mark, str):
        end = sop.akhir.get(mark)
        return f"keadaan akhir '{mark}'" if short or end is None else f"keadaan akhir '{mark}' ({end.nama})"
    prev = sop.langkah[mark]
    return f"langkah {prev.nomor}" if short else f"langkah {prev.nomor} ({prev.ringkas})"


def _time(out: _Out, base, where: str, ev: Event, last_time):
    raw_time = ev.raw.get("waktu")
    if ev.waktu is None:
        if isinstance(raw_time, str):
            out.add(
                base + ("waktu",),
                "alur-waktu-tidak-sah",
                f"{where}: waktu '{raw_time}' bukan tanggal dan jam yang sah dengan zona waktu.",
                "Tulis seperti 2025-02-03T09:00:00+07:00 (tanggal, huruf T, jam, zona waktu WIB +07:00).",
            )
        return last_time
    if last_time is not None and ev.waktu < last_time[0]:
        out.add(
            base + ("waktu",),
            "alur-waktu-mundur",
            f"{where}: waktu {raw_time} lebih awal daripada peristiwa sebelumnya "
            f"(nomor {last_time[1] + 1} dalam riwayat).",
            "Riwayat dicatat berurutan waktu; periksa tanggal dan jamnya. Peristiwa lama tidak boleh diubah, "
            "jadi perbaiki hanya peristiwa yang baru Anda tambahkan.",
        )
    return (ev.waktu, ev.index)


def _end(out: _Out, sop: Sop, base, ev: Event, previous: list, last_time):
    """An end state (ditolak, dibatalkan): known, allowed after the previous step, by its performer."""
    end = sop.akhir.get(ev.akhir)
    where = f"Keadaan akhir '{ev.akhir}'"
    if end is None:
        out.add(
            base + ("akhir",),
            "alur-akhir",
            f"{where} tidak dikenal SOP.",
            f"Keadaan akhir yang dikenal: {', '.join(sop.akhir) or '-'} (lihat schemas/sop.yaml).",
        )
        return last_time
    if ev.akhir not in allowed_ends(sop, previous):
        after = _mark_text(sop, previous[-1]) if previous else "awal riwayat"
        out.add(
            base + ("akhir",),
            "alur-akhir",
            f"{where} ({end.nama}) tidak boleh setelah {after}.",
            f"{end.nama} hanya setelah langkah {', '.join(map(str, end.setelah))}.",
        )
    if ev.peran is not None and ev.peran in sop.peran and ev.peran not in end.pelaksana:
        out.add(
            base + ("peran",),
            "alur-peran",
            f"{where} dicatat oleh {sop.roles_text(end.pelaksana)}, bukan {sop.short_role(ev.peran)}.",
            f"Ubah peran menjadi {' atau '.join(end.pelaksana)}.",
        )
    previous.append(ev.akhir)
    return _time(out, base, where, ev, last_time)


def _letter(out: _Out, sop: Sop, base, step: Step, ev: Event, data: Mapping, cara) -> None:
    nomor, tanggal = ev.nomor_surat, ev.tanggal_surat
    missing = [k for k, v in (("nomor_surat", nomor), ("tanggal_surat", tanggal)) if not v]
    if missing:
        folder = out.record.path.rsplit("/", 1)[0]
        out.add(
            base,
            "alur-surat-wajib",
            f"{_where(step, ev.langkah)}: {' dan '.join(missing)} belum diisi.",
            f"Catat langkah {step.nomor} dengan nomor dan tanggal dari surat BPS: satudata langkah {folder} "
            f"{step.nomor} --nomor-surat V-25.3514.004 --tanggal-surat 2025-02-10.",
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


# --- who may type an event (satudata langkah and check-pr) -----------------------------------

HOW = {
    "dibuka": "ajukan pull request berisi perubahan metadata",
    "setuju": "setujui pull request di GitHub (Review changes → Approve)",
    "minta-perubahan": "minta perubahan di GitHub (Review changes → Request changes, dengan catatan)",
    "perbaikan": "dorong (push) perbaikan ke cabang pull request setelah diminta perubahan",
    "digabung": "gabungkan pull request yang sudah disetujui",
    "ditutup": "tutup pull request tanpa menggabungkannya",
}


def forge_how(sop: Sop, step: Step) -> str:
    """How the forge records a step: 'setujui pull request di GitHub (…) atau …'."""
    return " atau ".join(HOW[o] for o in step.forge) or "lihat docs/alur-sop.md"


def typed_event_findings(
    event: Mapping,
    *,
    berkas: str,
    opd: str | None,
    actor: str,
    account: Account | None,
    sop: Sop,
    baris: int | None = None,
    lokasi: str | None = None,
    now: datetime | None = None,
    committed: datetime | None = None,
) -> list[Finding]:
    """Why ``actor`` may not type ``event`` into an activity of ``opd`` (empty: it may).

    The same rules, messages and codes for ``satudata langkah`` (before it writes) and for
    every event a pull request adds: the account is in roles.yaml, the step is typed (not
    attested by the forge), the account holds the event's role (for its own OPD), the event
    names the account as ``aktor``, and its time is not in the future (``now``) nor after the
    commit that adds it (``committed``). Whether the role performs the step is
    ``alur-peran`` (:func:`alur_findings`).
    """
    where = {"baris": baris, "lokasi": lokasi, "formulir": FORM}
    say = _Say(berkas, where, str(event.get("langkah", event.get("akhir", "?"))), actor)
    out = _forge_only(say, event, sop)
    if account is None:
        return out + [say.unknown_account()]
    out += _roles_held(say, event, account, opd, sop)
    moment = parse_time(event.get("waktu"))
    for limit, what in ((now, "saat pemeriksaan"), (committed, "waktu commit yang menambahkannya")):
        if moment is not None and limit is not None and moment > limit:
            out.append(say.future(event.get("waktu"), what, limit.astimezone(sop.jam_kerja.zone).isoformat()))
            break
    return out


class _Say:
    """The findings about one typed event (file, place, step, who typed it)."""

    def __init__(self, berkas: str, where: dict, step: str, actor: str):
        self.berkas, self.where, self.step, self.actor = berkas, where, step, actor

    def __call__(self, kode: str, pesan: str, saran: str) -> Finding:
        return finding(kode, self.berkas, pesan, saran, **self.where)

    def unknown_account(self) -> Finding:
        return self(
            "pr-akun-tak-dikenal",
            f"Akun '{self.actor}' tidak terdaftar di roles.yaml, sehingga tidak boleh mencatat langkah {self.step}.",
            "Minta Walidata mendaftarkan akun Anda di roles.yaml, atau minta pemegang peran mencatat langkah ini.",
        )

    def future(self, waktu, what: str, limit: str) -> Finding:
        return self(
            "alur-waktu-masa-depan",
            f"Langkah {self.step}: waktu {waktu} lebih lambat daripada {what} ({limit}).",
            "Tulis waktu langkah itu benar-benar selesai (tidak di masa depan), atau biarkan bawaan "
            "satudata langkah (saat ini).",
        )


def _forge_only(say: _Say, event: Mapping, sop: Sop) -> list[Finding]:
    step = sop.step(event.get("langkah"))
    if not (step is not None and step.by_forge or "akhir" in event or event.get("sumber") == "forge"):
        return []
    name = f"Langkah {step.nomor} ({step.ringkas})" if step else f"Peristiwa '{say.step}'"
    how = forge_how(sop, step) if step else "tutup atau tinjau pull request di GitHub"
    return [
        say(
            "pr-langkah-forge",
            f"{name} disaksikan GitHub dan dicatat otomatis oleh alur kerja pencatat; peristiwanya tidak boleh diketik.",
            f"Hapus peristiwa ini. Untuk langkah ini, {how}; waktu, akun dan nomor PR dicatat dari GitHub "
            "setelah PR digabung (lihat docs/panduan/peninjau.md).",
        )
    ]


def _roles_held(say: _Say, event: Mapping, account: Account, opd: str | None, sop: Sop) -> list[Finding]:
    peran, aktor, actor, step = event.get("peran"), event.get("aktor"), say.actor, say.step
    out = []
    if isinstance(peran, str) and peran not in account.peran:
        out.append(
            say(
                "pr-peran-aktor",
                f"Langkah {step} dicatat dengan peran '{peran}', tetapi akun '{actor}' berperan {account.describe(sop)}.",
                f"Langkah berperan '{peran}' harus dicatat oleh akun berperan '{peran}'. Hapus peristiwa ini.",
            )
        )
    elif peran == "opd" and opd is not None and opd not in account.opd:
        out.append(
            say(
                "pr-peran-opd",
                f"Akun '{actor}' bukan pengelola OPD '{opd}', sehingga tidak boleh mencatat langkah {step} untuk kegiatannya.",
                f"Langkah OPD dicatat oleh akun yang di roles.yaml memegang peran opd untuk '{opd}'.",
            )
        )
    if isinstance(aktor, str) and aktor.casefold() != actor.casefold():
        out.append(
            say(
                "pr-aktor",
                f"Peristiwa langkah {step} mencatat aktor '{aktor}', tetapi pencatatnya '{actor}'.",
                f"Isi aktor dengan akun Anda sendiri ({actor}); peristiwa atas nama orang lain dicatat oleh orang itu.",
            )
        )
    return out


# --- sop.yaml itself --------------------------------------------------------------------------


def sop_file_findings(error: SopError, berkas: str = "schemas/sop.yaml") -> list[Finding]:
    """A bad ``sop.yaml`` as findings, like a record's: file, line, item, what is wrong, the fix."""
    if error.load_error is not None:
        exc = error.load_error
        return [Finding(exc.kode, GALAT, berkas, exc.pesan, exc.saran, exc.baris)]
    record = Record("sop", berkas, berkas, error.doc)
    rs = RecordSchema("sop", schema())
    if error.errors:
        return schema_findings(record, rs)
    return [at(record, rs, p.path, p.kode, p.pesan, p.saran) for p in error.problems]
