"""What a rejected import reports: every problem, each naming file, row, column and reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Rows are counted as a spreadsheet shows them: the header is row 1, data starts at row 2.
HEADER_ROW = 1


@dataclass(frozen=True, order=True)
class ImportIssue:
    """One problem. ``row`` is None for a problem with the whole file; ``column`` None for the whole
    row.
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


class DataImportError(ImportError):
    """An import was rejected as a whole and nothing was stored; ``issues`` lists every problem
    found.

    A subclass of ``ImportError`` (the project brief's name for import failures); catch it by this
    name so a failing module import is never mistaken for bad data.
    """

    def __init__(self, issues: Iterable[ImportIssue]) -> None:
        self.issues = list(issues)
        shown = "\n".join(f"  {issue}" for issue in self.issues[:20])
        more = len(self.issues) - 20
        suffix = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"import rejected, {len(self.issues)} problem(s), nothing stored:\n{shown}{suffix}"
        )


class Issues:
    """Collects the problems of one file; rows are spreadsheet row numbers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[ImportIssue] = []

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        self.found.append(ImportIssue(self.file, row, column, reason))

    def add_many(self, rows: Iterable[int], column: str | None, reasons: Iterable[str]) -> None:
        self.found.extend(
            ImportIssue(self.file, row, column, reason)
            for row, reason in zip(rows, reasons, strict=True)
        )

    def __bool__(self) -> bool:
        return bool(self.found)
