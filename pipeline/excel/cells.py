"""Cells ⇄ values: how a stored value is written into a cell and how a cell is read back.

- text is written as an explicit string cell, never a formula; text that Excel would treat as a
  formula (``= + - @``, tab, CR) also gets Excel's quote prefix. Characters XML cannot carry and
  literal ``_xHHHH_`` sequences use Excel's own ``_xHHHH_`` escape, so any text round-trips;
- lists of text (multi-choice, dates, names) are joined with ``"; "``; a list whose items would
  not survive that (a ``;`` inside an item, surrounding spaces, empty items) is written as a
  JSON array ``["a; b", "c"]``;
- numbers are numeric cells (an integral float is formatted ``0.0`` so it stays a float);
  integers beyond 2^53 are written as text;
- dates stay text ``TTTT-BB`` or ``TTTT-BB-HH``; a date cell typed in Excel is read back in the
  same shape (month only when the cell's format shows no day).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell

from ..codes import SatudataError
from ..contract.dates import form_date
from ..read.loader import UNWRITABLE
from .layout import KIND_WORDS, Column

MAX_CELL = 32767  # Excel's limit on the characters in one cell
DANGER = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel (or a CSV reader) treat text as a formula."""


_UNDERSCORE = re.compile(r"_(?=x[0-9A-Fa-f]{4})")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")  # not allowed in XML (CR is normalised away)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_text(text: str) -> str:
    """Text → cell text, using Excel's ``_xHHHH_`` escape for characters XML cannot hold."""
    text = _UNDERSCORE.sub("_x005F_", text)
    return _XML_BAD.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_text(text: str, only_illegal: bool = False) -> str:
    """Cell text → text. ``only_illegal``: decode only characters XML cannot hold (LibreOffice files)."""

    def one(m: re.Match) -> str:
        code = int(m.group(1), 16)
        if 0xD800 <= code <= 0xDFFF or (only_illegal and not _XML_BAD.match(chr(code))):
            return m.group(0)
        return chr(code)

    return _ESCAPED.sub(one, text)


def _plain_item(item: str, first: bool) -> bool:
    return bool(item) and item == item.strip() and ";" not in item and not (first and item.startswith("["))


def encode_list(items: list[str]) -> str:
    if all(_plain_item(item, i == 0) for i, item in enumerate(items)):
        return "; ".join(items)
    return json.dumps(items, ensure_ascii=False)


class CellError(SatudataError):
    """A cell whose content cannot become a value of its field."""

    def __init__(self, kode: str, pesan: str, saran: str):
        super().__init__(pesan, saran, kode=kode)


def decode_list(text: str) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError:
            items = None
        if not (isinstance(items, list) and all(isinstance(i, str) for i in items)):
            raise CellError(
                "excel-daftar",
                "Isian diawali '[' tetapi bukan daftar JSON teks yang sah.",
                'Tulis butir dipisah titik koma (a; b), atau daftar JSON lengkap seperti ["a; b", "c"].',
            )
        return items
    return [p.strip() for p in text.split(";") if p.strip()]


class Unrepresentable(Exception):
    """A stored value that has no cell form (it stays in the YAML file while its cell is left empty)."""


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class ExcelError:
    text: str


@dataclass(frozen=True)
class ExcelDate:
    value: datetime.date
    month_only: bool


_SAFE_INT = 2**53


def _fits(text: str) -> str:
    if len(escape_text(text)) > MAX_CELL:
        raise Unrepresentable(f"teks lebih dari {MAX_CELL:,} karakter".replace(",", "."))
    return text


def export_content(column: Column, value: Any) -> Any:
    """A stored value → the content of its cell (None = empty). Raises :class:`Unrepresentable`."""
    if value is None:
        return None
    if column.is_list:
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            raise Unrepresentable("bukan daftar teks")
        return _fits(encode_list(value)) if value else None
    if isinstance(value, (dict, list)):
        raise Unrepresentable("berupa " + ("kumpulan isian" if isinstance(value, dict) else "daftar"))
    if isinstance(value, bool) or isinstance(value, float):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _SAFE_INT else str(value)
    if isinstance(value, str):
        return _fits(value) if value else None
    raise Unrepresentable(f"jenis nilai {type(value).__name__}")  # pragma: no cover - the loader makes no others


def read_content(cell, libreoffice: bool = False) -> Any:
    """A cell → its content: text (unescaped), number, bool, :class:`ExcelDate`, formula or error.

    LibreOffice writes a literal ``_x0041_`` unescaped (Excel writes ``_x005F_x0041_``), so in its
    files only escapes of characters XML cannot carry are decoded.
    """
    if cell.data_type == "f":
        return Formula(str(cell.value))
    if cell.data_type == "e":
        return ExcelError(str(cell.value))
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        value = unescape_text(value, only_illegal=libreoffice)
        return value if value else None
    if isinstance(value, (datetime.datetime, datetime.date)):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return ExcelDate(day, "d" not in (cell.number_format or "").lower())
    if isinstance(value, int) and not isinstance(value, bool) and "." in (cell.number_format or ""):
        return float(value)  # written as 5.0 with format 0.0
    return value


ISO_DATE = re.compile(r"\d{4}-\d\d(-\d\d)?")
_INT_TEXT = re.compile(r"[-+]?\d+")
_NUM_TEXT = re.compile(r"[-+]?(\d+([.,]\d+)?|[.,]\d+)([eE][-+]?\d+)?")


def _date_text(column: Column, content: ExcelDate) -> str:
    month_ok, day_ok = column.date_shape()
    if (content.month_only and month_ok) or not day_ok:
        return content.value.strftime("%Y-%m")
    return content.value.isoformat()


def convert(column: Column, content: Any) -> Any:
    """Cell content → the stored value (None when empty). Raises :class:`CellError`."""
    if content is None:
        return None
    if isinstance(content, Formula):
        raise CellError(
            "excel-rumus",
            f"Sel berisi rumus Excel ({content.text[:40]}); rumus tidak dihitung saat impor.",
            "Tulis nilainya langsung. Bila teksnya memang diawali '=', ketik tanda petik (') di depannya.",
        )
    if isinstance(content, ExcelError):
        raise CellError("excel-galat-sel", f"Sel berisi galat Excel {content.text}.", "Ganti dengan nilai yang benar.")
    if isinstance(content, str) and (bad := UNWRITABLE.search(content)):
        raise CellError(
            "excel-karakter",
            f"Sel memuat karakter kendali U+{ord(bad.group()):04X}, yang tidak dapat disimpan di katalog.",
            "Hapus karakter itu (biasanya ikut tersalin dari PDF atau Word), misalnya dengan mengetik ulang teks selnya.",
        )
    if isinstance(content, str) and column.trim and not column.is_list:
        content = content.strip()
        if not content:
            return None
    value = _CONVERTERS.get(column.kind, _to_text)(column, content)
    if column.synonyms and column.kind == "choice":
        return column.synonyms.get(value.casefold(), value)
    if column.synonyms and column.kind == "multi" and value:
        return [column.synonyms.get(v.casefold(), v) for v in value]
    if column.kind == "dates" and value:
        return [_typed_date(v) for v in value]
    return value


def _typed_date(text: str) -> str:
    """A date typed as on the paper form ('Desember 2022') → its ISO text; anything else unchanged
    (the field's pattern then says what is wrong)."""
    if ISO_DATE.fullmatch(text):
        return text
    return form_date(text) or text


def _to_list(column: Column, content: Any) -> list[str] | None:
    if isinstance(content, ExcelDate) and column.kind == "dates":
        return [_date_text(column, content)]
    if isinstance(content, bool) or not isinstance(content, (str, int, float)):
        raise _wrong(column, content)
    if not isinstance(content, str):
        content = _number_text(content)
    return decode_list(content) or None


def _to_identity(column: Column, content: Any) -> str:
    if isinstance(content, (int, float)) and not isinstance(content, bool):
        return _number_text(content)
    if not isinstance(content, str):
        raise _wrong(column, content)
    return content


def _to_integer(column: Column, content: Any) -> int:
    if isinstance(content, (bool, ExcelDate)):
        raise _wrong(column, content)
    if isinstance(content, float):
        if content.is_integer():
            return int(content)
        raise CellError("excel-bilangan", f"{content} bukan bilangan bulat.", "Tulis bilangan bulat tanpa koma.")
    if isinstance(content, str):
        if not _INT_TEXT.fullmatch(content):
            raise CellError(
                "excel-bilangan",
                f"'{short(content)}' bukan bilangan bulat.",
                "Tulis angka saja, tanpa satuan, spasi atau titik ribuan (misalnya 1500).",
            )
        return int(content)
    return content


def _to_number(column: Column, content: Any) -> int | float:
    if isinstance(content, (bool, ExcelDate)):
        raise _wrong(column, content)
    if isinstance(content, str):
        if not _NUM_TEXT.fullmatch(content):
            raise CellError(
                "excel-angka",
                f"'{short(content)}' bukan angka.",
                "Tulis angka saja, desimal dengan titik atau koma (misalnya 0.05), tanpa satuan atau titik ribuan.",
            )
        text = content.replace(",", ".")
        return int(text) if _INT_TEXT.fullmatch(text) else float(text)
    return content


def _to_number_or_text(column: Column, content: Any) -> int | float | str:
    """A number, or text as written on the form ('5%', '0,05 pada α 5%'); text that is a plain number is that number."""
    if isinstance(content, (bool, ExcelDate)):
        raise _wrong(column, content)
    if isinstance(content, str) and _NUM_TEXT.fullmatch(content):
        return _to_number(column, content)
    return content


def _to_mixed(column: Column, content: Any) -> str | int:
    if isinstance(content, (bool, ExcelDate)):
        raise _wrong(column, content)
    if isinstance(content, float):
        return int(content) if content.is_integer() else _number_text(content)
    return content


def _to_date(column: Column, content: Any) -> str:
    if isinstance(content, ExcelDate):
        return _date_text(column, content)
    if not isinstance(content, str):
        raise CellError(
            "excel-tanggal",
            f"Tanggal tertulis sebagai angka ({content}).",
            "Tulis tanggal sebagai teks TTTT-BB atau TTTT-BB-HH, misalnya 2025-03 atau 2025-03-15.",
        )
    return _typed_date(content)


def _to_text(column: Column, content: Any) -> str:
    """Text, a choice or a code."""
    if isinstance(content, bool):
        yes_no = {True: "Ya", False: "Tidak"}[content]
        if yes_no in column.options:
            return yes_no
        raise _wrong(column, content)
    if isinstance(content, ExcelDate):
        raise CellError(
            "excel-jadi-tanggal",
            f"Excel mengubah isian ini menjadi tanggal ({content.value.isoformat()}).",
            "Format sel sebagai Teks (Format Cells → Text), lalu ketik ulang isiannya.",
        )
    if isinstance(content, (int, float)) and column.schema.get("x-jenis") == "telepon":
        raise CellError(
            "excel-telepon",
            f"Nomor telepon/faksimile tertulis sebagai angka ({_number_text(content)}): angka 0 di depan, "
            "tanda kurung dan spasinya hilang.",
            "Format sel sebagai Teks (Format Cells → Text), lalu ketik ulang nomornya, misalnya (0343) 429064.",
        )
    if isinstance(content, (int, float)):
        return _number_text(content)
    return content


_CONVERTERS: dict[str, Callable[[Column, Any], Any]] = {
    "multi": _to_list,
    "list": _to_list,
    "dates": _to_list,
    "id": _to_identity,
    "integer": _to_integer,
    "number": _to_number,
    "mixed": _to_mixed,
    "numtext": _to_number_or_text,
    "date": _to_date,
}
"""How each kind of column (:attr:`Column.kind`) reads its cells; text, choices and codes use :func:`_to_text`."""


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) <= _SAFE_INT:
        return str(int(value))
    return str(value)


def short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _wrong(column: Column, content: Any) -> CellError:
    what = {bool: "nilai benar/salah (TRUE/FALSE)", ExcelDate: "tanggal"}.get(type(content), type(content).__name__)
    want = KIND_WORDS[column.kind]
    return CellError("excel-jenis", f"Isian berupa {what}, padahal seharusnya {want}.", f"Tulis {want}.")


def fill_cell(cell: Cell, content: Any, text_format: bool) -> Cell:
    """Give a cell its content (not None): the one encoding of both writers."""
    if isinstance(content, str):
        cell.value = escape_text(content)
        cell.data_type = "s"  # openpyxl would otherwise turn '=…' into a formula
        if content.startswith(DANGER):
            cell.quotePrefix = True
        if text_format:
            cell.number_format = "@"
    else:
        cell.value = content
        if isinstance(content, float) and content.is_integer():
            cell.number_format = "0.0"
    return cell


def put(ws, row: int, col: int, content: Any, text_format: bool) -> None:
    if content is not None:
        fill_cell(ws.cell(row=row, column=col), content, text_format)


def streamed_cell(ws, content: Any, text_format: bool) -> Any:
    """What a write-only row takes for a cell: the plain value where the cell needs no style of its own.

    Text stays a text cell (leading zeros kept) without the per-cell Text format, which the column already
    has (a styled cell costs more than its value to write); text Excel would treat as a formula, and an
    integral float, still go through :func:`fill_cell`."""
    if content is None or isinstance(content, (bool, int)):
        return content
    if isinstance(content, str) and not content.startswith(DANGER):
        return escape_text(content)
    if isinstance(content, float) and not content.is_integer():
        return content
    return fill_cell(WriteOnlyCell(ws), content, text_format)
