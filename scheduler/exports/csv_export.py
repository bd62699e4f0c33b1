"""A roster version as CSV (UTF-8, a header row, formula-escaped cells)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from scheduler.exports.formulas import escape_formula
from scheduler.exports.rows import HEADERS, ExportRow


def roster_csv(rows: Iterable[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([escape_formula(value) for value in row.values()])
    return out.getvalue()
