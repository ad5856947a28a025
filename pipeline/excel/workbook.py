"""Schemas ⇄ Excel, for the other stages: the names they use from this package.

The package is split by what each part knows: :mod:`.layout` (schemas → sheets and columns),
:mod:`.cells` (values ⇄ cell contents), :mod:`.writer` (records → a workbook file),
:mod:`.reader` (a workbook file → rows per record) and :mod:`.importer` (rows → YAML records).
"""

from __future__ import annotations

from .cells import CellError, Unrepresentable, convert, export_content, read_content
from .layout import RECORD_IDS, Column, Layout, Sheet, build_layout
from .reader import CellRef, RecordRows, WorkbookData, cell_finding, read_workbook
from .writer import Exported, item_rows, write_public_workbook, write_workbook

__all__ = [
    "RECORD_IDS",
    "CellError",
    "CellRef",
    "Column",
    "Exported",
    "Layout",
    "RecordRows",
    "Sheet",
    "Unrepresentable",
    "WorkbookData",
    "build_layout",
    "cell_finding",
    "convert",
    "export_content",
    "item_rows",
    "read_content",
    "read_workbook",
    "write_public_workbook",
    "write_workbook",
]
