"""Importers: good files land with relationships, re-imports update, bad files change nothing."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from scheduler.demo import DEFAULT_SEED, generate_demo
from scheduler.importers import import_directory, import_file
from scheduler.models import (
    AvailabilityEntry,
    Licence,
    PlanningPeriod,
    Privilege,
    Radiologist,
    Region,
    ShiftTemplate,
    Site,
    Skill,
    StudyVolume,
    Subspecialty,
)
from tests.scheduler.importer_helpers import (
    VOLUMES,
    copy_without_volumes,
    rejected,
    row_counts,
    write,
)


# Session, not module: under xdist (--dist loadgroup) a worker runs this module's tests among
# others', and would build a module-scoped fixture again each time it came back to them.
@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo country with one month of volumes (the committed files hold twelve)."""
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out=out, seed=DEFAULT_SEED, months=1)
    return out


@pytest.fixture
def master(demo_files: Path, tmp_path: Path) -> Path:
    return copy_without_volumes(demo_files, tmp_path / "master")


@pytest.fixture
def loaded(session: Session, master: Path) -> Session:
    """A database holding the demo's master data (everything but volumes)."""
    import_directory(session, master)
    return session


def test_demo_directory_imports_with_relationships(session: Session, demo_files: Path) -> None:
    summary = import_directory(session, demo_files)

    for name, counts in summary.counts.items():
        suffix = ".csv.gz" if name == "study_volumes" else ".csv"
        assert counts.created == len(pd.read_csv(demo_files / f"{name}{suffix}")), name
    assert list(summary.counts)[:2] == ["regions", "sites"], "dependency order"
    counts = row_counts(session)
    assert counts["region"] == 8 and counts["site"] == 12 and counts["radiologist"] == 60

    ous = session.exec(select(Site).where(Site.code == "OUS")).one()
    assert session.get(Region, ous.region_id).code == "NO-OS"  # type: ignore[union-attr]
    assert ous.time_zone == "Europe/Oslo"
    licences = pd.read_csv(demo_files / "licences.csv")
    first = licences.iloc[0]
    reader = session.exec(select(Radiologist).where(Radiologist.code == first["radiologist"])).one()
    stored = session.exec(select(Licence).where(Licence.radiologist_id == reader.id)).all()
    stored_regions = {session.get(Region, lic.region_id).code for lic in stored}  # type: ignore[union-attr]
    assert stored_regions == set(
        licences.loc[licences["radiologist"] == first["radiologist"], "region"]
    )
    neuro = session.exec(select(Subspecialty).where(Subspecialty.code == "neuro")).one()
    neuro_on_call = session.exec(
        select(ShiftTemplate).where(ShiftTemplate.subspecialty_id == neuro.id)
    ).all()
    assert {t.code for t in neuro_on_call} == {"NO-OS-OCN", "SE-ST-OCN", "FI-UU-OCN"}
    period = session.exec(select(PlanningPeriod)).one()
    entries = session.exec(select(AvailabilityEntry)).all()
    assert {e.period_id for e in entries} == {period.id}
    assert all(period.start_date <= e.date <= period.end_date for e in entries)
    expiring = session.exec(select(Licence).where(Licence.valid_to != None)).all()  # noqa: E711
    assert any(period.start_date <= lic.valid_to <= period.end_date for lic in expiring)  # type: ignore[operator]
    volume_total = session.exec(select(func.sum(StudyVolume.count))).one()
    assert volume_total == pd.read_csv(demo_files / VOLUMES)["count"].sum()
    first_hour = session.exec(select(StudyVolume).order_by(StudyVolume.ts)).first()
    assert first_hour is not None and first_hour.ts.tzinfo is not None


def test_reimport_changes_nothing(loaded: Session, master: Path) -> None:
    before = row_counts(loaded)
    summary = import_directory(loaded, master)
    assert row_counts(loaded) == before
    assert all(
        c.created == 0 and c.updated == 0 and c.unchanged > 0 for c in summary.counts.values()
    )


def test_reimport_updates_a_changed_row(loaded: Session, master: Path) -> None:
    readers = pd.read_csv(master / "radiologists.csv")
    code = readers.loc[0, "code"]
    readers.loc[0, "fte"] = 0.5 if readers.loc[0, "fte"] != 0.5 else 0.6
    readers.to_csv(master / "radiologists.csv", index=False)

    summary = import_file(loaded, "radiologists", master / "radiologists.csv")

    assert (summary.counts["radiologists"].updated, summary.counts["radiologists"].created) == (
        1,
        0,
    )
    stored = loaded.exec(select(Radiologist).where(Radiologist.code == code)).one()
    assert stored.fte == readers.loc[0, "fte"]


def test_reject_mode_reports_rows_already_stored(loaded: Session, master: Path) -> None:
    issues = rejected(
        loaded, lambda: import_file(loaded, "regions", master / "regions.csv", on_existing="reject")
    )
    assert len(issues) == 8
    assert issues[0].file == "regions.csv" and issues[0].row == 2 and issues[0].column == "code"
    assert "already in the database" in issues[0].reason


def test_references_by_email_and_optional_columns(loaded: Session, tmp_path: Path) -> None:
    reader = loaded.exec(select(Radiologist).where(Radiologist.code == "R001")).one()
    path = write(
        tmp_path, "skills.csv", f"radiologist,subspecialty\n{reader.email.upper()},nuclear\n"
    )
    summary = import_file(loaded, "skills", path)
    counts = summary.counts["skills"]
    assert counts.created + counts.updated + counts.unchanged == 1
    nuclear = loaded.exec(select(Subspecialty).where(Subspecialty.code == "nuclear")).one()
    skill = loaded.exec(
        select(Skill).where(Skill.radiologist_id == reader.id, Skill.subspecialty_id == nuclear.id)
    ).one()
    assert 1 <= skill.level <= 3


def test_volume_reimport_updates_changed_counts(
    session: Session, master: Path, tmp_path: Path
) -> None:
    import_directory(session, master)
    text = (
        "ts,region,site,modality,subspecialty,priority,count\n"
        "2026-06-01T10:00Z,NO-OS,,CT,neuro,stat,3\n"
        "2026-06-01T10:00Z,NO-OS,OUS,CT,neuro,stat,2\n"
        "2026-06-01T11:00+02:00,NO-OS,,CT,neuro,ed,1\n"
    )
    path = write(tmp_path, "study_volumes.csv", text)
    first = import_file(session, "study_volumes", path)
    assert first.counts["study_volumes"].created == 3
    stored = session.exec(select(StudyVolume).where(StudyVolume.priority == "ed")).one()
    assert stored.ts == dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)

    write(tmp_path, "study_volumes.csv", text.replace("stat,3", "stat,4"))
    second = import_file(session, "study_volumes", path)
    counts = second.counts["study_volumes"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 2)
    assert sorted(v.count for v in session.exec(select(StudyVolume)).all()) == [1, 2, 4]


def test_directory_is_all_or_nothing(loaded: Session, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder, "regions.csv", "code,name,time_zone\nXX-NEW,New region,Europe/Riga\n")
    write(
        folder,
        "sites.csv",
        "code,name,region\nNEWH,New hospital,XX-NEW\nBADH,Bad hospital,XX-OLD\n",
    )

    issues = rejected(loaded, lambda: import_directory(loaded, folder))

    assert [(i.file, i.row, i.column) for i in issues] == [("sites.csv", 3, "region")]
    assert "unknown region 'XX-OLD'" in issues[0].reason
    assert loaded.exec(select(Region).where(Region.code == "XX-NEW")).first() is None


def test_every_problem_of_a_file_is_listed(loaded: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "radiologists.csv",
        "code,name,email,fte,home_region,active,shoe_size\n"
        "R100,Ann Berg,ann@x.example,1.5,NO-OS,true,38\n"
        "R101,,bo@x.example,0.8,NO-XX,maybe,41\n"
        "R100,Ann Again,ann2@x.example,1.0,NO-OS,true,38\n",
    )
    issues = rejected(loaded, lambda: import_file(loaded, "radiologists", path))
    assert [(i.row, i.column) for i in issues] == [
        (1, "shoe_size"),
        (2, "fte"),
        (3, "name"),
        (3, "home_region"),
        (3, "active"),
        (4, "code"),
    ]
    assert all(i.file == "radiologists.csv" for i in issues)


# (file name, entity, content, expected (row, column), words in the reason). The database holds the
# demo's master data when each is imported.
BAD_FILES = [
    pytest.param(
        "sites.csv",
        "code,name,region\nXYZ,New Hospital,NO-XX\n",
        (2, "region"),
        "unknown region 'NO-XX'",
        id="unknown-region",
    ),
    pytest.param(
        "licences.csv",
        "radiologist,region,valid_from\nR001,SE-ST,2027-02-30\n",
        (2, "valid_from"),
        "valid date",
        id="bad-date",
    ),
    pytest.param(
        "regions.csv",
        "code,name,time_zone\nXX-NEW,New,Europe/Atlantis\n",
        (2, "time_zone"),
        "not an IANA zone",
        id="bad-time-zone",
    ),
    pytest.param(
        "study_volumes.csv",
        "ts,region,modality,subspecialty,priority,count\n2026-06-01T10:00Z,NO-OS,CT,neuro,stat,-3\n",
        (2, "count"),
        "negative count",
        id="negative-count",
    ),
    pytest.param(
        "regions.csv",
        "code,name,time_zone\nXX-NEW,New,Europe/Riga\nXX-NEW,Newer,Europe/Riga\n",
        (3, "code"),
        "also on row 2",
        id="duplicate-key-in-file",
    ),
    pytest.param(
        "radiologists.csv",
        "code,name,fte\nR100,Ann Berg,1.0\n",
        (1, "email"),
        "missing required column",
        id="missing-required-column",
    ),
    pytest.param(
        "shift_templates.csv",
        "code,name,kind,local_start,length_minutes,region\nX-DAY,Day,day,08:00,eight,NO-OS\n",
        (2, "length_minutes"),
        "valid integer",
        id="wrong-type",
    ),
    pytest.param(
        "privileges.csv",
        "radiologist,site,valid_from,valid_to\nR001,OUS,2027-02-01,2027-01-01\n",
        (2, "valid_to"),
        "before valid_from",
        id="valid-to-before-valid-from",
    ),
    pytest.param(
        "radiologists.csv",
        "code,name,email,fte,home_region\nR100,Ann,ann@x.example,1.5,NO-OS\n",
        (2, "fte"),
        "less than or equal to 1",
        id="fte-out-of-range",
    ),
    pytest.param(
        "availability.csv",
        "period,radiologist,date,kind\nJanuary 2027 (weeks 1-4),R001,2027-01-05,holiday\n",
        (2, "kind"),
        "'leave'",
        id="unknown-enum",
    ),
    pytest.param(
        "study_volumes.csv",
        "ts,region,modality,subspecialty,priority,count\n2026-06-01T10:00Z,NO-OS,CT,neuro,urgent,1\n",
        (2, "priority"),
        "unknown priority 'urgent'",
        id="unknown-priority",
    ),
    pytest.param(
        "study_volumes.csv",
        "ts,region,modality,subspecialty,priority,count\n2026-06-01 10:00,NO-OS,CT,neuro,ed,1\n",
        (2, "ts"),
        "no UTC offset",
        id="naive-timestamp",
    ),
    pytest.param(
        "study_volumes.csv",
        "ts,region,modality,subspecialty,priority,count\n2026-06-01T10:30Z,NO-OS,CT,neuro,ed,1\n",
        (2, "ts"),
        "not the start of an hour",
        id="timestamp-off-the-hour",
    ),
    pytest.param(
        "study_volumes.csv",
        "ts,region,modality,subspecialty,priority,count\n"
        "2026-06-01T10:00Z,NO-OS,CT,neuro,ed,1\n2026-06-01T12:00+02:00,NO-OS,CT,neuro,ed,2\n",
        (3, "ts"),
        "also on row 2",
        id="duplicate-volume-hour",
    ),
    pytest.param(
        "availability.csv",
        "period,radiologist,date,kind\nJanuary 2027 (weeks 1-4),R001,2027-03-01,leave\n",
        (2, "date"),
        "outside period",
        id="date-outside-period",
    ),
    pytest.param(
        "availability.csv",
        "period,radiologist,date,kind\nMarch 2031,R001,2027-01-05,leave\n",
        (2, "period"),
        "unknown period 'March 2031'",
        id="unknown-period",
    ),
    pytest.param(
        "shift_templates.csv",
        "code,name,kind,local_start,length_minutes,region,site\nX-DAY,Day,day,08:00,480,NO-OS,HUS\n",
        (2, "site"),
        "is in region 'NO-VL'",
        id="site-outside-region",
    ),
    pytest.param(
        "shift_templates.csv",
        "code,name,kind,local_start,length_minutes,weekdays\nX-DAY,Day,day,08:00,480,01789\n",
        (2, "weekdays"),
        "digits 0-6",
        id="bad-weekdays",
    ),
    pytest.param(
        "sites.csv",
        "code,name,region\nXYZ,,NO-OS\n",
        (2, "name"),
        "missing value",
        id="blank-required",
    ),
    pytest.param(
        "regions.csv",
        "code,name,time_zone\nA,B,Europe/Oslo,extra\n",
        (2, None),
        "not a valid CSV",
        id="ragged-csv",
    ),
    pytest.param("regions.csv", "", (None, None), "empty", id="empty-file"),
    pytest.param(
        "regions.csv",
        "code,name,code\nA,B,C\n",
        (1, "code"),
        "column appears twice",
        id="repeated-column",
    ),
    pytest.param(
        "productivity_rates.csv",
        "modality,subspecialty,minutes_per_study\nCT,neuro,inf\n",
        (2, "minutes_per_study"),
        "not a usable number",
        id="infinite-number",
    ),
]


@pytest.mark.parametrize(("name", "content", "where", "words"), BAD_FILES)
def test_bad_file_is_rejected_whole(
    loaded: Session,
    tmp_path: Path,
    name: str,
    content: str,
    where: tuple[int | None, str | None],
    words: str,
) -> None:
    path = write(tmp_path, name, content)
    entity = name.removesuffix(".csv")

    issues = rejected(loaded, lambda: import_file(loaded, entity, path))

    found = [(i.file, i.row, i.column) for i in issues]
    assert (name, *where) in found, issues
    reason = next(i.reason for i in issues if (i.row, i.column) == where)
    assert words in reason, reason


def test_email_of_another_reader_is_a_duplicate(loaded: Session, tmp_path: Path) -> None:
    taken = loaded.exec(select(Radiologist).where(Radiologist.code == "R002")).one().email
    path = write(
        tmp_path, "radiologists.csv", f"code,name,email,home_region\nR100,Ann,{taken},NO-OS\n"
    )
    issues = rejected(loaded, lambda: import_file(loaded, "radiologists", path))
    assert [(i.row, i.column) for i in issues] == [(2, "email")]
    assert "already belongs to another row in the database (code R002)" in issues[0].reason


def test_unknown_entity_and_file_names_are_refused(loaded: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "region.csv", "code,name,time_zone\nXX,New,Europe/Oslo\n")
    issues = rejected(loaded, lambda: import_file(loaded, "region", path))
    assert "unknown entity 'region'" in issues[0].reason
    issues = rejected(loaded, lambda: import_directory(loaded, tmp_path))
    assert (issues[0].file, issues[0].row) == ("region.csv", None)
    assert "not an entity file name" in issues[0].reason


def test_missing_file_is_reported(loaded: Session, tmp_path: Path) -> None:
    issues = rejected(loaded, lambda: import_file(loaded, "regions", tmp_path / "regions.csv"))
    assert (issues[0].file, issues[0].reason) == ("regions.csv", "file not found")


def test_stored_privilege_dates(loaded: Session, master: Path) -> None:
    privileges = pd.read_csv(master / "privileges.csv")
    lapsing = privileges[privileges["valid_to"].notna()].iloc[0]
    reader = loaded.exec(
        select(Radiologist).where(Radiologist.code == lapsing["radiologist"])
    ).one()
    site = loaded.exec(select(Site).where(Site.code == lapsing["site"])).one()
    stored = loaded.exec(
        select(Privilege).where(Privilege.radiologist_id == reader.id, Privilege.site_id == site.id)
    ).all()
    assert dt.date.fromisoformat(lapsing["valid_to"]) in {p.valid_to for p in stored}


SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_PROBLEMS = {
    "unknown-region": [("sites.csv", 2, "region")],
    "licence-dates": [
        ("licences.csv", 2, "valid_to"),
        ("licences.csv", 3, "valid_from"),
        ("licences.csv", 4, "radiologist"),
    ],
    "radiologists": [
        ("radiologists.csv", 2, "fte"),
        ("radiologists.csv", 3, "email"),
        ("radiologists.csv", 4, "home_time_zone"),
        ("radiologists.csv", 5, "code"),
    ],
    "missing-column": [("regions.csv", 1, "time_zone"), ("regions.csv", 1, "timezone")],
    "volumes": [
        ("study_volumes.csv", 2, "count"),
        ("study_volumes.csv", 3, "ts"),
        ("study_volumes.csv", 4, "priority"),
        ("study_volumes.csv", 5, "site"),
        ("study_volumes.csv", 7, "ts"),
        ("study_volumes.csv", 8, "count"),
    ],
}


@pytest.mark.parametrize("case", sorted(SAMPLE_PROBLEMS))
def test_documented_bad_samples(loaded: Session, case: str) -> None:
    issues = rejected(loaded, lambda: import_directory(loaded, SAMPLES / "bad" / case))
    assert [(i.file, i.row, i.column) for i in issues] == SAMPLE_PROBLEMS[case]


def test_documented_good_samples(loaded: Session) -> None:
    first = import_directory(loaded, SAMPLES / "good")
    assert first.counts["radiologists"].created == 1
    assert first.counts["skills"].created == 2
    again = import_directory(loaded, SAMPLES / "good")
    assert all(c.created == c.updated == 0 for c in again.counts.values())


def test_blank_cell_resets_and_absent_column_keeps(loaded: Session, tmp_path: Path) -> None:
    region = loaded.exec(select(Region).where(Region.code == "FI-LA")).one()
    reader = loaded.exec(select(Radiologist).where(Radiologist.code == "R001")).one()
    header = "radiologist,region,number,valid_from,valid_to\n"
    path = write(tmp_path, "licences.csv", header + "R001,FI-LA,FI-1,2020-01-01,2027-01-15\n")
    import_file(loaded, "licences", path)
    write(tmp_path, "licences.csv", header + "R001,FI-LA,,2020-01-01,\n")

    summary = import_file(loaded, "licences", path)

    assert summary.counts["licences"].updated == 1
    licence = loaded.exec(
        select(Licence).where(
            Licence.radiologist_id == reader.id,
            Licence.region_id == region.id,
            Licence.valid_from == dt.date(2020, 1, 1),
        )
    ).one()
    assert (licence.number, licence.valid_to) == ("", None)
    write(tmp_path, "regions.csv", "code,name,time_zone\nFI-LA,Lappi,Europe/Helsinki\n")
    import_file(loaded, "regions", tmp_path / "regions.csv")
    loaded.refresh(region)
    assert (region.name, region.sparse, region.population) == ("Lappi", True, 177_000)
