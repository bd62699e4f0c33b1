"""`teleroster forecast` on a small stored department: what it reads, what it writes, and that the
problem builder picks the demand up."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select
from typer.testing import CliRunner

import scheduler.cli.db  # noqa: F401  (a second command, so `forecast` is a subcommand as in use)
import scheduler.cli.forecast  # noqa: F401  (registers `teleroster forecast`)
from scheduler import models as m
from scheduler.cli import app
from scheduler.forecast.calendar import RegionCalendar
from scheduler.forecast.service import ForecastError, run_forecast
from scheduler.forecast.synthetic import SyntheticRegion, synthetic_counts
from scheduler.problem_builder import build_problem

START = dt.date(2027, 1, 4)  # a Monday
HISTORY_WEEKS = 6


def seed(session: Session) -> int:
    """North (sparse, one site), South (two sites); neuro and general; CT and XR; a day template
    for all regions, a night for South, an on-call for North; one week; six weeks of volumes."""
    north = m.Region(code="NO-N", name="North", time_zone="Europe/Oslo", sparse=True)
    south = m.Region(code="SE-S", name="South", time_zone="Europe/Stockholm")
    neuro = m.Subspecialty(code="neuro", name="Neuro")
    general = m.Subspecialty(code="general", name="General")
    ct = m.Modality(code="CT", name="CT")
    xr = m.Modality(code="XR", name="XR")
    session.add_all([north, south, neuro, general, ct, xr])
    session.flush()
    assert north.id and south.id and neuro.id and general.id and ct.id and xr.id
    session.add_all(
        [
            m.Site(code="TRO", name="Tromsø", region_id=north.id, time_zone="Europe/Oslo"),
            m.Site(code="UME", name="Umeå", region_id=south.id, time_zone="Europe/Stockholm"),
            m.Site(code="LUL", name="Luleå", region_id=south.id, time_zone="Europe/Stockholm"),
            m.Rules(turnaround_stat_minutes=60, turnaround_ed_minutes=120),
            m.Rules(region_id=north.id, turnaround_stat_minutes=45, turnaround_ed_minutes=120),
            m.ShiftTemplate(code="DAY", name="Day", kind=m.ShiftKind.DAY, local_start=dt.time(8),
                            length_minutes=480, weekdays="01234"),
            m.ShiftTemplate(code="NGT", name="Night", kind=m.ShiftKind.NIGHT,
                            local_start=dt.time(22), length_minutes=600, region_id=south.id),
            m.ShiftTemplate(code="OC", name="On-call", kind=m.ShiftKind.ON_CALL,
                            local_start=dt.time(16), length_minutes=960, region_id=north.id),
            m.PlanningPeriod(name="Week 1", start_date=START, weeks=1),
        ]
    )  # fmt: skip
    reader = m.Radiologist(code="R1", name="Ada Berg", email="r1@example.org", fte=1.0,
                           home_time_zone="Europe/Oslo", home_region_id=north.id)  # fmt: skip
    session.add(reader)
    session.flush()
    assert reader.id is not None
    session.add(m.Skill(radiologist_id=reader.id, subspecialty_id=general.id))
    for modality in (ct, xr):
        for sub, minutes in ((neuro, 12.0), (general, 4.0)):
            session.add(
                m.ProductivityRate(
                    modality_id=modality.id,
                    subspecialty_id=sub.id,
                    minutes_per_study=minutes * (2 if modality is ct else 1),
                )
            )
    regions = [
        SyntheticRegion(RegionCalendar(str(north.id), "Europe/Oslo", "NO"), 0.6),
        SyntheticRegion(RegionCalendar(str(south.id), "Europe/Stockholm", "SE"), 12.0),
    ]
    first = pd.Timestamp(START - dt.timedelta(weeks=HISTORY_WEEKS))
    counts = synthetic_counts(
        regions, [str(neuro.id), str(general.id)], start=str(first.date()), weeks=HISTORY_WEEKS
    )
    session.execute(sa.insert(m.StudyVolume), _volume_rows(counts, ct.id, xr.id, general.id))
    period = session.exec(select(m.PlanningPeriod)).one()
    session.commit()
    assert period.id is not None
    return period.id


def _volume_rows(counts: pd.DataFrame, ct: int, xr: int, general: int) -> list[dict[str, object]]:
    """Non-zero counts split CT 1/3, XR 2/3, and a zero heartbeat row in each quiet region-hour
    (the demo data's convention)."""
    rows: list[dict[str, object]] = []
    for key in counts.columns:
        region, sub, priority = (int(key[0]), int(key[1]), key[2])
        for ts, value in counts[key].items():
            n = int(value)
            for modality, part in ((ct, n // 3), (xr, n - n // 3)):
                if part:
                    rows.append(_row(ts, region, modality, sub, priority, part))
    for region in {int(key[0]) for key in counts.columns}:
        quiet = counts[str(region)].sum(axis=1) == 0
        rows += [_row(ts, region, xr, general, "ed", 0) for ts in counts.index[quiet.to_numpy()]]
    return rows


def _row(
    ts: object, region: int, modality: int, sub: int, priority: str, n: int
) -> dict[str, object]:
    return {
        "ts": pd.Timestamp(ts).to_pydatetime(), "region_id": region, "site_id": None,
        "modality_id": modality, "subspecialty_id": sub, "priority": priority, "count": n,
    }  # fmt: skip


def test_forecast_writes_demand_the_builder_reads(session: Session) -> None:
    period_id = seed(session)
    north = session.exec(select(m.Region).where(m.Region.code == "NO-N")).one()
    tromso = session.exec(select(m.Site).where(m.Site.code == "TRO")).one()
    day = session.exec(select(m.ShiftTemplate).where(m.ShiftTemplate.code == "DAY")).one()
    general = session.exec(select(m.Subspecialty).where(m.Subspecialty.code == "general")).one()
    assert north.id and tromso.id and day.id and general.id
    # A hand-entered demand row wins over the forecast for its slot and pool.
    manual = m.ShiftDemand(
        period_id=period_id, shift_template_id=day.id, date=START, region_id=north.id,
        site_id=tromso.id, subspecialty_id=general.id, reader_hours=99.0, source="manual",
    )  # fmt: skip
    session.add(manual)
    session.commit()

    run = run_forecast(session=session, period_id=period_id, origins=1)
    session.commit()

    assert run.backtest is not None and list(run.backtest.table.index) == [
        "NO-N",
        "SE-S",
        "overall",
    ]
    assert run.forecast_rows == run.series * run.hours
    assert _count(session, m.DemandForecast) == run.forecast_rows
    capacity = session.exec(select(m.RequiredCapacity)).all()
    assert len(capacity) == 4 * run.hours  # 2 regions x 2 subspecialties
    assert all(
        c.readers >= c.readers_erlang and c.readers >= np.ceil(c.reader_hours - 1e-9)
        for c in capacity
    )

    demand = session.exec(select(m.ShiftDemand).where(m.ShiftDemand.source == "forecast")).all()
    assert len(demand) == run.shift_demand_rows > 0
    templates = {t.id: t.code for t in session.exec(select(m.ShiftTemplate)).all()}
    assert {templates[d.shift_template_id] for d in demand} == {
        "DAY",
        "NGT",
    }  # on-call is not reading
    kept = session.get(m.ShiftDemand, manual.id)
    assert kept is not None and kept.reader_hours == 99.0
    assert not any(
        (d.shift_template_id, d.date, d.site_id, d.subspecialty_id)
        == (day.id, START, tromso.id, general.id)
        for d in demand
    )
    # Volumes name no site: South's two sites share its demand equally.
    south_day = [
        d for d in demand if templates[d.shift_template_id] == "DAY" and d.region_id != north.id
    ]
    by_site: dict[int, float] = {}
    for d in south_day:
        by_site[d.site_id] = by_site.get(d.site_id, 0.0) + d.reader_hours
    assert (
        len(by_site) == 2 and pytest.approx(list(by_site.values())[0]) == list(by_site.values())[1]
    )
    # Every reader-hour lands in a slot, in the manual row's place, or is reported as uncovered.
    stored = sum(d.reader_hours for d in demand)
    assert stored <= run.reader_hours + 1e-6
    assert stored + run.uncovered_reader_hours > 0.8 * run.reader_hours

    problem = build_problem(session=session, period_id=period_id).problem
    assert problem.reading_demand
    assert {p.site for p in problem.pools} == {"TRO", "UME", "LUL"}

    again = run_forecast(session=session, period_id=period_id, origins=0)
    session.commit()
    assert again.backtest is None
    assert _count(session, m.DemandForecast) == run.forecast_rows  # replaced, not added
    assert _count(session, m.ShiftDemand) == run.shift_demand_rows + 1


def test_too_little_history_skips_the_backtest(session: Session) -> None:
    period_id = seed(session)
    run = run_forecast(session=session, period_id=period_id, origins=8)
    assert run.backtest is None and "backtest skipped" in run.notes[0]


def test_errors_name_what_is_missing(session: Session) -> None:
    with pytest.raises(ForecastError, match="planning period 42 does not exist"):
        run_forecast(session=session, period_id=42)
    session.add(m.PlanningPeriod(name="Empty", start_date=START, weeks=1))
    session.add(m.Region(code="X", name="X", time_zone="UTC"))
    session.add(m.ShiftTemplate(code="D", name="D", kind=m.ShiftKind.DAY, local_start=dt.time(8),
                                length_minutes=480))  # fmt: skip
    session.commit()
    period = session.exec(select(m.PlanningPeriod)).one()
    assert period.id is not None
    with pytest.raises(ForecastError, match="no study volumes before"):
        run_forecast(session=session, period_id=period.id)


def test_cli_prints_the_backtest_and_stores(engine: sa.Engine) -> None:
    with Session(engine) as session:
        period_id = seed(session)
    runner = CliRunner()
    result = runner.invoke(app, ["forecast", "--period", str(period_id), "--origins", "1"])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "seasonal-naive" in result.output
    assert "shift demand rows" in result.output
    with Session(engine) as session:
        assert _count(session, m.RequiredCapacity) > 0
    missing = runner.invoke(app, ["forecast", "--period", "999"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def _count(
    session: Session, table: type[m.DemandForecast] | type[m.RequiredCapacity] | type[m.ShiftDemand]
) -> int:
    return len(session.exec(select(col(table.id))).all())
