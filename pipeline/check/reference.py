"""The reference of every finding code: the registry (``pipeline/codes.py``) with the ``aturan-*``
family spelled out from the schemas' ``x-aturan`` rules, as Markdown (``docs/kode-temuan.md``) or JSON.

``satudata kode`` prints it; a test keeps the committed page equal to :func:`markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from ..codes import AREAS, EXIT_ENVIRONMENT, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FAMILIES, GALAT, REGISTRY
from ..contract.schema import RecordSchema, Schemas

RULES = "aturan-"


@dataclass(frozen=True)
class Entry:
    """One line of the reference."""

    kode: str
    tingkat: str
    bidang: str
    arti: str
    saran: str
    formulir: str | None = None  # for a rule: the form whose schema states it

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _rule_nodes(node, found: list[dict]) -> None:
    if isinstance(node, dict):
        if "x-aturan" in node:
            found.append(node)
        for value in node.values():
            _rule_nodes(value, found)
    elif isinstance(node, list):
        for value in node:
            _rule_nodes(value, found)


def _natural(kode: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", kode))


def rules(schemas: Schemas) -> list[Entry]:
    """Every ``x-aturan`` rule of the record, roles and catalog schemas; a rule stated in several
    places (R6 for each 'Lainnya' option) is one entry whose distinct messages and fixes are
    joined by line breaks."""
    merged: dict[tuple[str, str], dict] = {}
    sources: list[RecordSchema] = [*schemas.records.values(), schemas.roles, schemas.config]
    for rs in sources:
        nodes: list[dict] = []
        _rule_nodes(rs.schema, nodes)
        for node in nodes:
            kode = RULES + str(node["x-aturan"])
            entry = merged.setdefault(
                (rs.form, kode),
                {"tingkat": node.get("x-tingkat", GALAT), "arti": [], "saran": []},
            )
            for part in ("arti", "saran"):
                text = node.get("x-pesan" if part == "arti" else "x-saran", "")
                if text and text not in entry[part]:
                    entry[part].append(text)
    return [
        Entry(kode, e["tingkat"], FAMILIES[RULES].bidang, "\n".join(e["arti"]), "\n".join(e["saran"]), form)
        for (form, kode), e in sorted(merged.items(), key=lambda item: (_natural(item[0][1]), item[0][0]))
    ]


def entries(schemas: Schemas) -> Iterator[Entry]:
    """The registry in area order, each area in registration order, with the rules in place of the family."""
    for area in AREAS:
        for code in REGISTRY.values():
            if code.bidang == area:
                yield Entry(code.kode, code.tingkat, code.bidang, code.arti, code.saran)
        if area == FAMILIES[RULES].bidang:
            yield from rules(schemas)


def as_json(schemas: Schemas) -> list[dict]:
    return [e.to_dict() for e in entries(schemas)]


def _cell(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


EXITS = (
    (EXIT_OK, "bersih: tidak ada galat (peringatan boleh ada)"),
    (EXIT_FINDINGS, "ada temuan tingkat galat, atau permintaan ditolak (misalnya check-pr, import, langkah)"),
    (EXIT_USAGE, "perintah dipanggil dengan salah: opsi, argumen atau revisi git yang tidak ada"),
    (EXIT_ENVIRONMENT, "lingkungan gagal: git, disk penuh, izin berkas, port terpakai, atau galat internal"),
)


def markdown(schemas: Schemas) -> str:
    """``docs/kode-temuan.md``: every code by area, with severity, meaning and the usual fix."""
    family = FAMILIES[RULES]
    out = [
        "# Kode temuan",
        "",
        "<!-- Dibuat dari pipeline/codes.py dan x-aturan di schemas/ oleh "
        "`satudata kode --perbarui docs/kode-temuan.md`; jangan disunting langsung. -->",
        "",
        "Setiap temuan `satudata validate`, `check-pr`, `import` dan `langkah` menyebut satu kode yang tetap,",
        "misalnya `[skema-enum]`, beserta berkas, baris, nomor dan label isian, apa yang salah dan cara",
        "memperbaikinya. Kode yang sama dipakai keluaran `--format json`, sehingga alat lain dapat",
        "menyaringnya. Tingkat **galat** membuat perintah berakhir dengan kode keluar 1; **peringatan**",
        "hanya memberi tahu. Halaman ini dibuat dari daftar kode di `pipeline/codes.py` dan aturan",
        "`x-aturan` di skema, jadi selalu lengkap.",
        "",
        "## Kode keluar",
        "",
        "| Kode keluar | Artinya |",
        "| --- | --- |",
        *(f"| {code} | {text} |" for code, text in EXITS),
    ]
    area = None
    for entry in entries(schemas):
        if entry.bidang != area:
            area = entry.bidang
            out += ["", f"## {area}", ""]
            if area == family.bidang:
                out += [_cell(family.arti), ""]
            out += ["| Kode | Tingkat | Arti dan perbaikan |", "| --- | --- | --- |"]
        kode = f"`{entry.kode}`" + (f"<br>{entry.formulir}" if entry.formulir else "")
        meaning = f"{_cell(entry.arti)}<br>**Perbaikan:** {_cell(entry.saran)}"
        out.append(f"| {kode} | {entry.tingkat} | {meaning} |")
    return "\n".join(out) + "\n"
