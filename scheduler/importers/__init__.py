"""CSV and Excel importers: files name rows by natural key, a bad file is rejected whole with every
problem.

See ``service`` for the entry points and data/demo/README.md for every file's columns.
"""

from __future__ import annotations

from scheduler.importers.issues import DataImportError, ImportIssue
from scheduler.importers.loader import Counts, OnExisting
from scheduler.importers.service import (
    ENTITY_NAMES,
    ImportProgress,
    ImportSummary,
    import_directory,
    import_file,
    import_workbook,
)

__all__ = [
    "ENTITY_NAMES",
    "Counts",
    "DataImportError",
    "ImportIssue",
    "ImportProgress",
    "ImportSummary",
    "OnExisting",
    "import_directory",
    "import_file",
    "import_workbook",
]
