"""Findings: what validation says about a record, in words a person can act on.

Like frictionless' error objects, each finding has a stable ``kode`` (for tools and tests) and
an Indonesian message (for people): which file and line, which form item, what is wrong and
how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

GALAT = "galat"
PERINGATAN = "peringatan"


@dataclass(frozen=True)
class Finding:
    kode: str
    tingkat: str  # galat | peringatan
    berkas: str
    pesan: str
    saran: str
    baris: int | None = None
    lokasi: str | None = None  # dotted field path inside the record
    nomor: str | None = None  # form item number, e.g. "4.2" or "Kolom 15"
    label: str | None = None  # the item's Indonesian label
    formulir: str | None = None  # MS-Keg, MS-Var, MS-Ind, OPD

    @property
    def is_error(self) -> bool:
        return self.tingkat == GALAT

    def sort_key(self):
        return (self.berkas, self.baris or 0, self.lokasi or "", self.kode)

    def to_dict(self) -> dict:
        return asdict(self)

    def where(self) -> str:
        return f"{self.berkas}:{self.baris}" if self.baris else self.berkas

    def item(self) -> str:
        """'MS-Keg 4.2 Frekuensi Penyelenggaraan' (or whatever part of that is known)."""
        parts = [p for p in (self.formulir, self.nomor, self.label) if p]
        return " ".join(parts)
