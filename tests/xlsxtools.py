"""Helpers for the Excel tests: run the real commands, find and edit cells by record and column key."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from pipeline.cli import main


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def export(root: Path, out: Path | None = None, *extra: str) -> Path:
    out = out or root.parent / f"{root.name}-ekspor.xlsx"
    result = run("export-xlsx", root, "--keluar", out, *extra)
    assert result.exit_code == 0, result.output
    return out


def import_(xlsx: Path, root: Path, *extra: str):
    return run("import", xlsx, "--katalog", root, *extra)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root/metadata`` → SHA-256 of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "metadata").rglob("*"))
        if p.is_file()
    }


def column(ws, key: str) -> int:
    for cell in ws[2]:
        if cell.value == key:
            return cell.column
    raise KeyError(key)


def find_row(ws, **ids) -> int:
    """The first data row whose identity columns hold ``ids`` (e.g. opd='dinkes', slug='x')."""
    cols = {k: column(ws, k) for k in ids}
    for r in range(3, ws.max_row + 1):
        if all(ws.cell(row=r, column=c).value == ids[k] for k, c in cols.items()):
            return r
    raise LookupError(ids)


def edit(xlsx: Path, sheet: str, ids: dict, key: str, value, *, text=False, number_format=None) -> str:
    """Set one cell like a person typing in Excel would; returns its reference (e.g. 'F3').

    ``text=True`` stores the value as a string cell even if it starts with '=' (what Excel does
    for a cell formatted as Text); otherwise openpyxl's own typing applies ('=…' becomes a formula).
    """
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[sheet]
    r = find_row(ws, **ids) if ids else next_row(ws)
    cell = ws.cell(row=r, column=column(ws, key))
    cell.value = value
    if text:
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    wb.save(xlsx)
    return cell.coordinate


def next_row(ws) -> int:
    r = 3
    while any(c.value is not None for c in ws[r]):
        r += 1
    return r


def add_row(xlsx: Path, sheet: str, values: dict) -> int:
    """Append a row giving values by column key; returns the row number."""
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[sheet]
    r = next_row(ws)
    for key, value in values.items():
        ws.cell(row=r, column=column(ws, key)).value = value
    wb.save(xlsx)
    return r


def clear_rows(xlsx: Path, sheet: str, **ids) -> None:
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[sheet]
    cols = {k: column(ws, k) for k in ids}
    for r in range(3, ws.max_row + 1):
        if all(ws.cell(row=r, column=c).value == ids[k] for k, c in cols.items()):
            for cell in ws[r]:
                cell.value = None
    wb.save(xlsx)


def cells(xlsx: Path) -> dict[tuple[str, str], tuple]:
    """Every non-empty cell of every sheet: (sheet, ref) → (value, data type)."""
    wb = openpyxl.load_workbook(xlsx)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[(ws.title, c.coordinate)] = (c.value, c.data_type)
    return out
