"""Reference code lists made from their published sources, kept unmodified in ``schemas/kode/sumber/``.

- ``wilayah.csv``: the BPS ↔ Kemendagri bridge of every province, kabupaten/kota and kecamatan
  (``sumber/wilayah-bps-kemendagri/``, scraped from BPS's bridging service sig.bps.go.id). The BPS
  code is the key; the Kemendagri code is written in its dotted notation (``35.14.01``); the
  published names are kept as they are (``nama_bps``, ``nama_kemendagri``) beside a display name
  (``nama``: "Kabupaten Pasuruan", "Gondang Wetan").
- ``kbli2020.csv``: KBLI 2020 (Peraturan BPS Nomor 2 Tahun 2020), every kategori, golongan pokok,
  golongan, subgolongan and kelompok with its parent (``sumber/kbli2020/``: a complete transcription
  and the rows it lacks, taken from BPS's Web API).

The lists are committed; ``python -m pipeline.contract.sources`` writes them again from the
sources, and a test checks that the committed files are exactly what the sources give.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

KODE = Path(__file__).resolve().parents[2] / "schemas" / "kode"
SOURCES = KODE / "sumber"
WILAYAH_FIELDS = ("kode", "nama", "tingkat", "induk", "kode_kemendagri", "nama_bps", "nama_kemendagri")
KBLI_FIELDS = ("kode", "judul", "tingkat", "induk")

# --- wilayah ---------------------------------------------------------------------------------

_ROMAN = re.compile(r"[IVXLC]+(-[IVXLC]+)*")
_UPPER = {"DKI", "DI", "PP.", "P."}
_WORDS = {"KEP.": "Kepulauan", "ADM.": "Administrasi", "DAN": "dan"}


def _part(part: str) -> str:
    return part[:1].upper() + part[1:].lower()


def display_name(published: str) -> str:
    """'GONDANG WETAN' → 'Gondang Wetan', 'KEP. BANGKA BELITUNG' → 'Kepulauan Bangka Belitung',
    'IV NAGARI' → 'IV Nagari', "LOLOWA'U" → "Lolowa'u", 'DKI JAKARTA' → 'DKI Jakarta'."""
    out = []
    for word in published.split():
        if word in _WORDS:
            out.append(_WORDS[word])
        elif word in _UPPER or _ROMAN.fullmatch(word):
            out.append(word)
        else:
            out.append("/".join("-".join(_part(p) for p in piece.split("-")) for piece in word.split("/")))
    return " ".join(out)


def _kabkota_name(dagri: str) -> str:
    """'KAB. PASURUAN' → 'Kabupaten Pasuruan', 'KOTA ADM. JAKARTA PUSAT' → 'Kota Administrasi Jakarta Pusat'."""
    found = re.match(r"(KAB\.?|KOTA)\s+(.*)", dagri)
    if not found:
        return display_name(dagri)
    kind = "Kota" if found.group(1) == "KOTA" else "Kabupaten"
    return f"{kind} {display_name(found.group(2))}"


def _dotted(code: str) -> str:
    """Kemendagri '351401' → '35.14.01'."""
    return ".".join(code[i : i + 2] for i in range(0, len(code), 2))


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def wilayah_rows(source: Path = SOURCES / "wilayah-bps-kemendagri") -> list[dict]:
    rows = []
    levels = (("provinsi", "provinsi.csv", 2), ("kabupaten", "kabkota.csv", 4), ("kecamatan", "kecamatan.csv", 7))
    for level, name, width in levels:
        for r in _read(source / name):
            code = r["kode_bps"]
            if len(code) != width:
                raise ValueError(f"{name}: kode {code!r} bukan {width} angka")
            parent = {2: "", 4: code[:2], 7: code[:4]}[width]
            nama = _kabkota_name(r["nama_dagri"]) if level == "kabupaten" else display_name(r["nama_bps"])
            rows.append({
                "kode": code,
                "nama": nama,
                "tingkat": level,
                "induk": parent,
                "kode_kemendagri": _dotted(r["kode_dagri"]),
                "nama_bps": r["nama_bps"],
                "nama_kemendagri": r["nama_dagri"],
            })  # fmt: skip
    return rows


# --- KBLI 2020 -----------------------------------------------------------------------------

KBLI_LEVELS = {1: "kategori", 2: "golongan_pokok", 3: "golongan", 4: "subgolongan", 5: "kelompok"}


def kbli_rows(source: Path = SOURCES / "kbli2020") -> list[dict]:
    """kbli.json (agusbsi/kbli, in the publication's order) with its one mis-coded row corrected
    and the rows it lacks added from the patch file, each right after its siblings."""
    entries = json.loads((source / "kbli.json").read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    for e in entries:
        code, title = e["code"], e["title"].strip()
        if code == "8421" and e["detail"].lstrip().startswith("Golongan ini"):
            code = "842"  # golongan 842 is written with the code of its subgolongan 8421
        out.append((code, title))
    seen = {c for c, _ in out}
    for p in _read(source / "patch-from-bps-webapi-via-ihkaru.csv"):
        if p["kode"] not in seen:
            out.append((p["kode"], p["judul_bps_webapi"].upper()))
            seen.add(p["kode"])
    order = {code: i for i, (code, _) in enumerate(out)}
    out.sort(key=lambda row: (order[row[0]], "") if row[0].isalpha() else (order.get(row[0][:2], len(order)), row[0]))
    rows, kategori = [], ""
    for code, title in out:
        if code.isalpha():
            kategori = code
        parent = "" if code.isalpha() else kategori if len(code) == 2 else code[:-1]
        level = KBLI_LEVELS[1 if code.isalpha() else len(code)]
        rows.append({"kode": code, "judul": title, "tingkat": level, "induk": parent})
    return rows


# --- files ---------------------------------------------------------------------------------


def csv_text(fields: tuple[str, ...], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def built() -> dict[str, str]:
    """File name in schemas/kode/ → the text its sources give."""
    return {
        "wilayah.csv": csv_text(WILAYAH_FIELDS, wilayah_rows()),
        "kbli2020.csv": csv_text(KBLI_FIELDS, kbli_rows()),
    }


def main() -> None:
    for name, text in built().items():
        (KODE / name).write_text(text, encoding="utf-8")
        print(f"{name}: {text.count(chr(10)) - 1} baris", file=sys.stderr)


if __name__ == "__main__":
    main()
