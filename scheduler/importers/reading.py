"""Read a CSV (optionally gzip-compressed) or an Excel sheet into a table of text cells.

Every cell becomes a stripped string ("" when empty), so CSV and Excel go through the same checks.
Row numbers are spreadsheet rows: the header is row 1. Blank lines are skipped but still counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.importers.issues import HEADER_ROW, Issues

CSV_SUFFIXES = (".csv", ".csv.gz")
EXCEL_SUFFIXES = (".xlsx",)
# Cells that must stay text in Excel: a number there has already lost meaning (weekdays 01234 ->
# 1234).
TEXT_ONLY_COLUMNS = frozenset({"weekdays"})


@dataclass(frozen=True)
class Source:
    """A file, or one sheet of a workbook, holding one entity's rows."""

    path: Path
    sheet: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name

    @property
    def is_excel(self) -> bool:
        return is_excel(self.path)


@dataclass
class Table:
    """Text cells with normalised (lower-case) column names; ``rows`` holds each row's spreadsheet
    number.
    """

    frame: pd.DataFrame
    rows: pd.Index


def is_excel(path: Path) -> bool:
    return path.name.lower().endswith(EXCEL_SUFFIXES)


def is_tabular(path: Path) -> bool:
    return path.name.lower().endswith(CSV_SUFFIXES + EXCEL_SUFFIXES)


def stem(path: Path) -> str:
    """``study_volumes.csv.gz`` -> ``study_volumes``."""
    name = path.name.lower()
    for suffix in CSV_SUFFIXES + EXCEL_SUFFIXES:
        if name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheets; [] when it cannot be opened (``read_table`` then says why)."""
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            return [str(name) for name in book.sheet_names]
    except Exception:  # any failure to open is reported by read_table
        return []


def read_table(source: Source, issues: Issues) -> Table | None:
    """The source's cells, or None (with the reason in ``issues``) when it cannot be read as a
    table.
    """
    try:
        raw = _read_excel(source, issues) if source.is_excel else _read_csv(source.path)
    except FileNotFoundError:
        issues.add(None, None, "file not found")
        return None
    except pd.errors.EmptyDataError:
        issues.add(None, None, "the file is empty: it needs a header row")
        return None
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        issues.add(
            int(line.group(1)) if line else None, None, f"not a valid CSV table: {_first_line(exc)}"
        )
        return None
    except UnicodeDecodeError as exc:
        issues.add(
            None,
            None,
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8 CSV",
        )
        return None
    except Exception as exc:  # a damaged workbook raises library-specific errors
        issues.add(None, None, f"cannot read the file: {_first_line(exc)}")
        return None
    if raw.empty:
        issues.add(None, None, "the file is empty: it needs a header row")
        return None
    header = [str(name).strip().lower() for name in raw.iloc[0]]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    for name in twice:
        issues.add(HEADER_ROW, name, "column appears twice in the header")
    if twice:
        return None  # which of the two columns holds the values is anyone's guess
    body = raw.iloc[1:].copy()
    body.columns = pd.Index(header)
    body.index = pd.RangeIndex(HEADER_ROW + 1, HEADER_ROW + 1 + len(body))
    body = body.loc[:, [name != "" for name in header]]  # an unnamed column from a trailing comma
    body = body[(body != "").any(axis=1)]
    return Table(frame=body, rows=body.index)


def _read_csv(path: Path) -> pd.DataFrame:
    # header=None: we read the header ourselves, so duplicate names are reported rather than
    # renamed.
    frame = pd.read_csv(
        path,
        header=None,
        dtype=str,
        na_filter=False,
        skip_blank_lines=False,
        encoding="utf-8-sig",  # Excel's "CSV UTF-8" starts with a byte-order mark
    )
    return pd.DataFrame(
        {column: frame[column].str.strip() for column in frame.columns}, dtype=object
    )


def _read_excel(source: Source, issues: Issues) -> pd.DataFrame:
    frame = pd.read_excel(
        source.path, sheet_name=source.sheet or 0, header=None, dtype=object, engine="openpyxl"
    )
    if frame.empty:
        return frame
    header = [str(name).strip().lower() for name in frame.iloc[0]]
    for position, name in enumerate(header):
        if name in TEXT_ONLY_COLUMNS:
            column = frame.iloc[1:, position]
            for row, cell in enumerate(column.tolist(), start=HEADER_ROW + 1):
                if (
                    isinstance(cell, int | float)
                    and not isinstance(cell, bool)
                    and not pd.isna(cell)
                ):
                    issues.add(
                        row,
                        name,
                        f"{name} must be a text cell (format the column as Text so a leading 0 for "
                        f"Monday is kept), got the number {cell!r}",
                    )
    return frame.map(_excel_text)


def _excel_text(cell: Any) -> str:
    """An Excel cell as the text a CSV would hold."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)) or cell is pd.NaT:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        # Excel has no time zones: a date-time cell stays naive, and columns needing an instant
        # reject it.
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell).strip()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
