"""The SOP as data: ``schemas/sop.yaml`` → :class:`Sop` (steps, performers, time standards, order,
how each step is recorded, end states).

Every part of the tool that talks about SOP steps — validation of ``alur.riwayat``, ``satudata
langkah``, ``satudata status``, ``satudata check-pr``, the forge recorder and the guide — reads
them from here. The file is first validated against ``schemas/sop.schema.json`` (always the one
shipped with the tool: it describes what this code can read), then checked for what a JSON Schema
cannot say (a referenced step that is not defined, working hours that end before they start). A
bad file raises :class:`SopError`, which carries the problems; ``pipeline.check.alur`` turns them
into findings like those of a record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from ..codes import SatudataError
from ..layout import BUNDLED_SCHEMAS
from ..read.loader import Document, LoadError, load
from .worktime import WorkingTime

BUNDLED_SOP = BUNDLED_SCHEMAS / "sop.yaml"
SOP_SCHEMA = BUNDLED_SOP.with_name("sop.schema.json")

FORGE = "forge"  # dicatat: recorded from the forge only
TANGAN = "tangan"  # dicatat: typed with `satudata langkah`


@dataclass(frozen=True)
class Problem:
    """One thing wrong in sop.yaml that the schema cannot express."""

    path: tuple
    kode: str
    pesan: str
    saran: str


class SopError(SatudataError, ValueError):
    """``sop.yaml`` is malformed. ``pipeline.check.alur.sop_file_findings`` turns it into findings."""

    kode = "sop-tidak-sah"

    def __init__(
        self,
        where: str,
        *,
        doc: Document | None = None,
        data: Any = None,
        errors: list | None = None,
        problems: list[Problem] | None = None,
        load_error: LoadError | None = None,
    ):
        self.where = where
        self.doc = doc if doc is not None else Document(data, {})
        self.errors = errors or []  # jsonschema ValidationErrors against sop.schema.json
        self.problems = problems or []
        self.load_error = load_error
        super().__init__(f"{where}: {self._first()}", "Perbaiki schemas/sop.yaml menurut temuan di atas.")

    def _first(self) -> str:
        if self.load_error is not None:
            return self.load_error.pesan
        if self.errors:
            error = self.errors[0]
            where = ".".join(map(str, error.absolute_path)) or "(akar)"
            return f"{where}: susunan tidak sesuai schemas/sop.schema.json ({error.message})."
        if self.problems:
            return self.problems[0].pesan
        return "susunan berkas tidak sah."


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
    dicatat: str = TANGAN  # tangan | forge
    forge: tuple[str, ...] = ()  # forge observations that are this step
    catatan_dari: str | None = None  # for 'perbaikan': the role whose change request it answers

    def label(self) -> str:
        """'7 Lapor metadata ke Walidata'."""
        return f"{self.nomor} {self.ringkas}"

    @property
    def by_forge(self) -> bool:
        return self.dicatat == FORGE


@dataclass(frozen=True)
class EndState:
    """A way a request or report ends without approval (``ditolak``, ``dibatalkan``)."""

    kunci: str
    nama: str
    pelaksana: tuple[str, ...]
    forge: tuple[str, ...]
    setelah: tuple[int, ...]  # steps after which it may be recorded
    berikutnya: tuple[int, ...]  # steps that may open a new request after it


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
    akhir: dict[str, EndState] = field(default_factory=dict)

    def step(self, nomor) -> Step | None:
        return self.langkah.get(nomor) if isinstance(nomor, int) and not isinstance(nomor, bool) else None

    def short_role(self, role: str) -> str:
        return self.peran_singkat.get(role, role)

    def roles_text(self, roles) -> str:
        """'Walidata atau BPS'."""
        names = [self.short_role(r) for r in roles]
        return " atau ".join(names) if names else "-"

    def typed_steps(self) -> list[int]:
        return [n for n, s in self.langkah.items() if not s.by_forge]


@cache
def _schema() -> dict:
    return json.loads(SOP_SCHEMA.read_text(encoding="utf-8"))


@cache
def _is_valid():
    import jsonschema_rs  # answers "valid?" without importing jsonschema: every command loads sop.yaml

    return jsonschema_rs.validator_for(_schema()).is_valid


@cache
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema())


def _minutes(text: str, per_day: int) -> int:
    amount, unit = text.split()
    return int(amount) * {"menit": 1, "jam": 60, "hari": per_day}[unit]


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _zone(text: str) -> timezone:
    sign = 1 if text[0] == "+" else -1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def schema() -> dict:
    """``schemas/sop.schema.json`` (the tool's own)."""
    return _schema()


def parse(data: Any, where: str = "sop.yaml", doc: Document | None = None) -> Sop:
    """Check and convert the loaded ``sop.yaml``. Raises :class:`SopError`."""
    errors = (
        []
        if _is_valid()(data)
        else sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    )
    if errors:
        raise SopError(where, doc=doc, data=data, errors=errors)
    jk = data["jam_kerja"]
    calendar = WorkingTime(
        _zone(jk["zona_waktu"]),
        _clock(jk["mulai"]),
        _clock(jk["selesai"]),
        country=jk["libur"]["negara"],
        categories=tuple(jk["libur"]["kategori"]),
    )
    problems = _problems(data, calendar)
    if problems:
        raise SopError(where, doc=doc, data=data, problems=problems)
    steps = {
        row["nomor"]: Step(
            nomor=row["nomor"],
            nama=row["nama"],
            ringkas=row["ringkas"],
            pelaksana=tuple(row["pelaksana"]),
            waktu=row["waktu"],
            baku_menit=_minutes(row["waktu"], calendar.minutes_per_day),
            persyaratan=row["persyaratan"],
            output=row["output"],
            berikutnya=tuple(row["berikutnya"]),
            dicatat=row["dicatat"],
            forge=tuple(row.get("forge", ())),
            catatan_dari=row.get("catatan_dari"),
        )
        for row in data["langkah"]
    }
    rek = data["rekomendasi"]
    return Sop(
        nama=data["sop"]["nama"],
        nomor=data["sop"]["nomor"],
        peran={k: v["nama"] for k, v in data["peran"].items()},
        peran_singkat={k: v["singkat"] for k, v in data["peran"].items()},
        langkah=dict(sorted(steps.items())),
        awal=tuple(data["awal"]),
        disetujui=data["disetujui"],
        siklus_baru=tuple(data["siklus_baru"]["langkah"]),
        siklus_setelah=tuple(data["siklus_baru"]["setelah"]),
        wajib_rekomendasi=tuple(rek["wajib_untuk"]),
        surat=rek["surat"],
        sebelum=rek["sebelum"],
        awalan=dict(rek["awalan"]),
        jam_kerja=calendar,
        path=str(where),
        akhir={
            key: EndState(
                key,
                end["nama"],
                tuple(end["pelaksana"]),
                tuple(end["forge"]),
                tuple(end["setelah"]),
                tuple(end["berikutnya"]),
            )
            for key, end in data["akhir"].items()
        },
    )


def _problems(data: dict, calendar: WorkingTime) -> list[Problem]:
    """What the schema cannot say: every step referenced is defined (once), roles are declared."""
    out: list[Problem] = []
    if calendar.minutes_per_day <= 0:
        out.append(
            Problem(
                ("jam_kerja", "selesai"),
                "sop-jam-kerja",
                f"Jam kerja selesai ({data['jam_kerja']['selesai']}) tidak setelah jam mulai ({data['jam_kerja']['mulai']}).",
                "Tulis jam selesai setelah jam mulai, misalnya mulai: '08:00' dan selesai: '16:00'.",
            )
        )
    numbers: dict[int, int] = {}
    for i, row in enumerate(data["langkah"]):
        if row["nomor"] in numbers:
            out.append(
                Problem(
                    ("langkah", i, "nomor"),
                    "sop-langkah-ganda",
                    f"Langkah {row['nomor']} didefinisikan dua kali (butir ke-{numbers[row['nomor']] + 1} dan ke-{i + 1}).",
                    "Beri setiap langkah nomor yang berbeda.",
                )
            )
        numbers.setdefault(row["nomor"], i)
        for j, role in enumerate(row["pelaksana"]):
            if role not in data["peran"]:
                out.append(
                    Problem(
                        ("langkah", i, "pelaksana", j),
                        "sop-peran-tak-dikenal",
                        f"Langkah {row['nomor']}: pelaksana '{role}' tidak ada di bagian peran.",
                        f"Tambahkan '{role}' di bagian peran, atau pilih salah satu: {', '.join(data['peran'])}.",
                    )
                )
    references: list[tuple[tuple, Any]] = [
        (("awal",), data["awal"]),
        (("disetujui",), [data["disetujui"]]),
        (("siklus_baru", "langkah"), data["siklus_baru"]["langkah"]),
        (("siklus_baru", "setelah"), data["siklus_baru"]["setelah"]),
        (("rekomendasi", "surat"), [data["rekomendasi"]["surat"]]),
        (("rekomendasi", "sebelum"), [data["rekomendasi"]["sebelum"]]),
    ]
    references += [(("langkah", i, "berikutnya"), row["berikutnya"]) for i, row in enumerate(data["langkah"])]
    for key, end in data["akhir"].items():
        references += [(("akhir", key, "setelah"), end["setelah"]), (("akhir", key, "berikutnya"), end["berikutnya"])]
    for path, values in references:
        missing = [n for n in values if n not in numbers]
        if missing:
            out.append(
                Problem(
                    path,
                    "sop-langkah-tak-dikenal",
                    f"{'.'.join(map(str, path))}: langkah {', '.join(map(str, missing))} dirujuk tetapi tidak didefinisikan.",
                    f"Rujuk langkah yang ada di daftar langkah ({', '.join(map(str, sorted(numbers)))}), atau tambahkan langkahnya.",
                )
            )
    return out


@cache
def _load(path: str) -> Sop:
    try:
        doc = load(path)
    except LoadError as exc:
        raise SopError(path, load_error=exc) from None
    return parse(doc.data, path, doc)


def load_sop(path: str | Path | None = None) -> Sop:
    """The SOP in ``path`` (default: the one shipped with the tool). Cached per path."""
    return _load(str(Path(path or BUNDLED_SOP).resolve()))
