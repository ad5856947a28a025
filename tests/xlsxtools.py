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


def raw_workbook(path: Path, sheets: dict[str, object], cut_short: bool = False) -> Path:
    """A .xlsx written directly as XML, fast enough for millions of rows: ``sheets`` maps a sheet
    name to an iterable of rows (lists of text; None leaves a cell out). Excel and openpyxl read it,
    unless ``cut_short``: then the sheets' XML ends without its closing tags, as a damaged file would."""
    import zipfile
    from xml.sax.saxutils import escape

    def sheet_xml(rows):
        yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        for r, row in enumerate(rows, start=1):
            cells = "".join(
                f'<c r="{openpyxl.utils.get_column_letter(c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                for c, v in enumerate(row, start=1)
                if v is not None
            )
            yield f'<row r="{r}">{cells}</row>'.encode()
        if not cut_short:
            yield b"</sheetData></worksheet>"

    names = list(sheets)
    ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships {ns}><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1))
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships {ns}>'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Relationships>",
        )
        for i, name in enumerate(names, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                for chunk in sheet_xml(sheets[name]):
                    fh.write(chunk)
    return path
