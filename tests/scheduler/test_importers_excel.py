"""Excel files go through the same checks as CSV, with the same row numbers."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, select

from scheduler.demo import build_demo
from scheduler.importers import import_file, import_workbook
from scheduler.models import PlanningPeriod, Region, Site
from tests.scheduler.importer_helpers import rejected, row_counts


# Session, not module: under xdist (--dist loadgroup) a worker runs this module's tests among
# others', and would build a module-scoped fixture again each time it came back to them.
@pytest.fixture(scope="session")
def demo() -> dict[str, pd.DataFrame]:
    return build_demo(months=1)


def save(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for name, frame in sheets.items():
            frame.to_excel(book, sheet_name=name, index=False)
    return path


def test_workbook_with_a_sheet_per_entity(
    session: Session, tmp_path: Path, demo: dict[str, pd.DataFrame]
) -> None:
    period = pd.DataFrame(
        {
            "name": ["Spring"],
            "start_date": [dt.datetime(2027, 3, 1)],  # an Excel date cell
            "weeks": [4],
            "status": ["draft"],
            "availability_deadline": ["2027-02-01T12:00Z"],
        }
    )
    # Sites come first in the workbook: the importer still takes regions first.
    book = save(
        tmp_path / "book.xlsx",
        {"sites": demo["sites.csv"], "regions": demo["regions.csv"], "planning_periods": period},
    )

    summary = import_workbook(session, book)

    assert list(summary.counts) == ["regions", "sites", "planning_periods"]
    assert summary.sources["sites"] == "book.xlsx[sites]"
    counts = row_counts(session)
    assert (counts["region"], counts["site"], counts["planning_period"]) == (8, 12, 1)
    assert session.exec(select(Region).where(Region.code == "RU-YA")).one().sparse is True
    stored = session.exec(select(PlanningPeriod)).one()
    assert stored.start_date == dt.date(2027, 3, 1)
    assert stored.availability_deadline == dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)


def test_single_entity_file_reads_its_sheet(
    session: Session, tmp_path: Path, demo: dict[str, pd.DataFrame]
) -> None:
    import_file(
        session, "regions", save(tmp_path / "regions.xlsx", {"Sheet1": demo["regions.csv"]})
    )
    book = save(
        tmp_path / "mixed.xlsx", {"notes": pd.DataFrame({"x": [1]}), "sites": demo["sites.csv"]}
    )

    import_file(session, "sites", book)

    oslo = session.exec(select(Site).where(Site.code == "OUS")).one()
    assert oslo.time_zone == "Europe/Oslo"


def test_excel_problems_name_sheet_row_and_column(
    session: Session, tmp_path: Path, demo: dict[str, pd.DataFrame]
) -> None:
    regions = demo["regions.csv"].copy()
    regions.loc[1, "time_zone"] = "Europe/Nowhere"  # second data row: spreadsheet row 3
    book = save(tmp_path / "book.xlsx", {"regions": regions})

    issues = rejected(session, lambda: import_workbook(session, book))

    assert [(i.file, i.row, i.column) for i in issues] == [("book.xlsx[regions]", 3, "time_zone")]


def test_excel_number_in_a_text_column_is_refused(
    session: Session, tmp_path: Path, demo: dict[str, pd.DataFrame]
) -> None:
    import_file(
        session, "regions", save(tmp_path / "regions.xlsx", {"regions": demo["regions.csv"]})
    )
    templates = demo["shift_templates.csv"].head(2).copy()
    templates["weekdays"] = [1234, "01234"]  # Excel turned "01234" into a number on the first row
    book = save(tmp_path / "shift_templates.xlsx", {"shift_templates": templates})

    issues = rejected(session, lambda: import_file(session, "shift_templates", book))

    assert [(i.row, i.column) for i in issues] == [(2, "weekdays")]
    assert "must be a text cell" in issues[0].reason


def test_excel_date_time_without_zone_is_refused(session: Session, tmp_path: Path) -> None:
    period = pd.DataFrame(
        {
            "name": ["Spring"],
            "start_date": ["2027-03-01"],
            "weeks": [4],
            "availability_deadline": [dt.datetime(2027, 2, 1, 12, 0)],
        }
    )
    book = save(tmp_path / "planning_periods.xlsx", {"planning_periods": period})

    issues = rejected(session, lambda: import_file(session, "planning_periods", book))

    assert [(i.row, i.column) for i in issues] == [(2, "availability_deadline")]
    assert "no time zone" in issues[0].reason


def test_unknown_sheet_names_are_reported(session: Session, tmp_path: Path) -> None:
    book = save(tmp_path / "book.xlsx", {"Regions list": pd.DataFrame({"code": ["X"]})})
    issues = rejected(session, lambda: import_workbook(session, book))
    assert issues[0].file == "book.xlsx[Regions list]"
    assert "not an entity name" in issues[0].reason
