"""A roster version as an Excel workbook (.xlsx, openpyxl): one sheet, a frozen header row."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from scheduler.exports.formulas import escape_formula
from scheduler.exports.rows import HEADERS, ExportRow

SHEET_TITLE_MAX = 31  # Excel's limit
FORBIDDEN_IN_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def printable(value: object) -> object:
    """Control characters a worksheet cannot hold (openpyxl refuses the whole workbook) shown as
    U+FFFD, so a stray one in a name never breaks the export."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def roster_xlsx(rows: Iterable[ExportRow], *, title: str = "Roster") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    clean_title = ILLEGAL_CHARACTERS_RE.sub(" ", title.translate(FORBIDDEN_IN_TITLE))
    sheet.title = clean_title[:SHEET_TITLE_MAX] or "Roster"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([printable(escape_formula(value)) for value in row.values()])
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(40, width + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
