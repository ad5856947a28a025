"""The SOP as data: ``schemas/sop.yaml`` → :class:`Sop` (steps, performers, time standards, order).

Every part of the tool that talks about SOP steps — validation of ``alur.riwayat``, ``satudata
langkah``, ``satudata status``, ``satudata check-pr`` and the guide — reads them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta, timezone
from functools import cache
from pathlib import Path

from ..codes import SatudataError
from ..layout import BUNDLED_SCHEMAS
from ..read.loader import LoadError, load
from .worktime import WorkingTime

BUNDLED_SOP = BUNDLED_SCHEMAS / "sop.yaml"

_DURATION = re.compile(r"(\d+) (menit|jam|hari)")
_ZONE = re.compile(r"([+-])(\d\d):(\d\d)")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class SopError(SatudataError, ValueError):
    """``sop.yaml`` is malformed. The message says what to fix, in Indonesian."""

    kode = "sop-tidak-sah"


@dataclass(frozen=True)
class Step:
    """One row of the SOP table."""

    nomor: int
    nama: str  # column 2, verbatim
    ringkas: str  # short name for tables
    pelaksana: tuple[str, ...]  # roles that perform the step
    waktu: str  # time standard as written in the SOP, e.g. "30 menit"
    baku_menit: int  # the same in working minutes
    persyaratan: str
    output: str
    berikutnya: tuple[int, ...]

    def label(self) -> str:
        """'7 Lapor metadata ke Walidata'."""
        return f"{self.nomor} {self.ringkas}"


@dataclass(frozen=True)
class Sop:
    nama: str
    nomor: str
    peran: dict[str, str]  # role key → full Indonesian name, e.g. "Diskominfo (Walidata)"
    peran_singkat: dict[str, str]  # role key → short name, e.g. "Walidata"
    langkah: dict[int, Step]
    awal: tuple[int, ...]
    disetujui: int
    siklus_baru: tuple[int, ...]
    siklus_setelah: tuple[int, ...]
    wajib_rekomendasi: tuple[str, ...]  # values of cara_pengumpulan_data that need a recommendation
    surat: int  # the step that issues the recommendation letter
    sebelum: int  # the step a survey may only reach after `surat`
    awalan: dict[str, str]  # cara_pengumpulan_data → letter prefix
    jam_kerja: WorkingTime  # sop.yaml jam_kerja
    path: str

    def step(self, nomor) -> Step | None:
        return self.langkah.get(nomor) if isinstance(nomor, int) and not isinstance(nomor, bool) else None

    def short_role(self, role: str) -> str:
        return self.peran_singkat.get(role, role)

    def roles_text(self, roles) -> str:
        """'Walidata atau BPS'."""
        names = [self.short_role(r) for r in roles]
        return " atau ".join(names) if names else "-"


def _fail(path, pesan: str) -> SopError:
    return SopError(f"{path}: {pesan}")


def _duration(text, per_day: int, where) -> int:
    match = _DURATION.fullmatch(str(text))
    if not match:
        raise _fail(where, f"waktu baku {text!r} tidak dikenal; tulis 'N menit', 'N jam' atau 'N hari'.")
    amount, unit = int(match.group(1)), match.group(2)
    return amount * {"menit": 1, "jam": 60, "hari": per_day}[unit]


def _ints(value, where, what) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise _fail(where, f"{what} harus berupa daftar nomor langkah.")
    return tuple(value)


def _clock(value, where) -> time:
    match = _CLOCK.fullmatch(str(value))
    if not match:
        raise _fail(where, f"jam {value!r} tidak sah; tulis JJ:MM, misalnya 08:00.")
    return time(int(match.group(1)), int(match.group(2)))


def parse(data, where="sop.yaml") -> Sop:
    """Check and convert the loaded ``sop.yaml``. Raises :class:`SopError`."""
    try:
        jk = data["jam_kerja"]
        zone = _ZONE.fullmatch(str(jk["zona_waktu"]))
        if not zone:
            raise _fail(where, "jam_kerja.zona_waktu harus seperti +07:00.")
        sign = 1 if zone.group(1) == "+" else -1
        tz = timezone(sign * timedelta(hours=int(zone.group(2)), minutes=int(zone.group(3))))
        calendar = WorkingTime(
            tz,
            _clock(jk["mulai"], where),
            _clock(jk["selesai"], where),
            country=str(jk["libur"]["negara"]),
            categories=tuple(jk["libur"]["kategori"]),
        )
        peran = {str(k): str(v["nama"]) for k, v in data["peran"].items()}
        singkat = {str(k): str(v["singkat"]) for k, v in data["peran"].items()}
        steps: dict[int, Step] = {}
        for row in data["langkah"]:
            nomor = row["nomor"]
            pelaksana = tuple(row["pelaksana"])
            unknown = [p for p in pelaksana if p not in peran]
            if unknown or not pelaksana:
                raise _fail(where, f"langkah {nomor}: pelaksana {unknown or '[]'} bukan peran yang dikenal.")
            steps[nomor] = Step(
                nomor=nomor,
                nama=str(row["nama"]),
                ringkas=str(row["ringkas"]),
                pelaksana=pelaksana,
                waktu=str(row["waktu"]),
                baku_menit=_duration(row["waktu"], calendar.minutes_per_day, where),
                persyaratan=str(row["persyaratan"]),
                output=str(row["output"]),
                berikutnya=_ints(row["berikutnya"], where, f"langkah {nomor}: berikutnya"),
            )
        rek = data["rekomendasi"]
        sop = Sop(
            nama=str(data["sop"]["nama"]),
            nomor=str(data["sop"]["nomor"]),
            peran=peran,
            peran_singkat=singkat,
            langkah=dict(sorted(steps.items())),
            awal=_ints(data["awal"], where, "awal"),
            disetujui=data["disetujui"],
            siklus_baru=_ints(data["siklus_baru"]["langkah"], where, "siklus_baru.langkah"),
            siklus_setelah=_ints(data["siklus_baru"]["setelah"], where, "siklus_baru.setelah"),
            wajib_rekomendasi=tuple(rek["wajib_untuk"]),
            surat=rek["surat"],
            sebelum=rek["sebelum"],
            awalan={str(k): str(v) for k, v in rek["awalan"].items()},
            jam_kerja=calendar,
            path=str(where),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise _fail(where, f"susunan berkas tidak lengkap atau salah ({exc!r}).") from None
    referenced = {sop.disetujui, sop.surat, sop.sebelum, *sop.awal, *sop.siklus_baru, *sop.siklus_setelah}
    for step in sop.langkah.values():
        referenced.update(step.berikutnya)
    missing = sorted(n for n in referenced if n not in sop.langkah)
    if missing:
        raise _fail(where, f"langkah {missing} dirujuk tetapi tidak didefinisikan.")
    return sop


@cache
def _load(path: str) -> Sop:
    try:
        doc = load(path)
    except LoadError as exc:
        raise _fail(path, f"{exc.pesan} (baris {exc.baris})") from None
    return parse(doc.data, path)


def load_sop(path: str | Path | None = None) -> Sop:
    """The SOP in ``path`` (default: the one shipped with the tool). Cached per path."""
    return _load(str(Path(path or BUNDLED_SOP).resolve()))
