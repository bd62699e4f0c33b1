"""The demo-country generator: deterministic for a seed, the promised sizes, realistic shapes."""

import datetime as dt
import filecmp
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from scheduler.demo import DEFAULT_SEED, build_demo, generate_demo
from scheduler.demo.country import PERIOD_START
from scheduler.models import AvailabilityKind, ShiftKind, StudyPriority

PERIOD_END = PERIOD_START + dt.timedelta(days=27)
REPO = Path(__file__).resolve().parents[2]


# Session, not module: under xdist (--dist loadgroup) a worker runs this module's tests among
# others', and would build a module-scoped fixture again each time it came back to them.
@pytest.fixture(scope="session")
def demo() -> dict[str, pd.DataFrame]:
    return build_demo(seed=DEFAULT_SEED, months=1)


def test_same_seed_writes_identical_files(tmp_path: Path) -> None:
    first = generate_demo(out=tmp_path / "a", seed=11, months=1)
    second = generate_demo(out=tmp_path / "b", seed=11, months=1)
    assert sorted(first) == sorted(second)
    for name in first:
        assert filecmp.cmp(first[name], second[name], shallow=False), name


def test_another_seed_gives_another_country_of_the_same_size() -> None:
    one = build_demo(seed=1, months=1)
    two = build_demo(seed=2, months=1)
    assert not one["radiologists.csv"].equals(two["radiologists.csv"])
    assert not one["study_volumes.csv.gz"].equals(two["study_volumes.csv.gz"])
    for name in ("regions.csv", "sites.csv", "radiologists.csv", "subspecialties.csv"):
        assert len(one[name]) == len(two[name]), name


def test_sizes_of_the_demo_country(demo: dict[str, pd.DataFrame]) -> None:
    regions = demo["regions.csv"]
    assert len(regions) == 8
    sparse = regions[regions["sparse"]]
    assert len(sparse) == 3
    offsets = {ZoneInfo(zone).utcoffset(dt.datetime(2027, 1, 4)) for zone in sparse["time_zone"]}
    assert len(offsets) == 3, "the sparse regions should lie in three different UTC offsets"
    assert regions["time_zone"].nunique() >= 3
    assert len(demo["sites.csv"]) == 12
    assert set(demo["sites.csv"]["region"]) == set(regions["code"])
    assert len(demo["radiologists.csv"]) == 60
    assert len(demo["subspecialties.csv"]) == 8
    assert set(demo["modalities.csv"]["code"]) >= {"CT", "MR", "XR", "US"}


def test_readers_have_mixed_fte_and_two_to_four_skills(demo: dict[str, pd.DataFrame]) -> None:
    readers = demo["radiologists.csv"]
    assert set(readers["fte"]) == {1.0, 0.8, 0.6, 0.5}
    assert readers["email"].is_unique and readers["code"].is_unique
    skills = demo["skills.csv"]
    per_reader = skills.groupby("radiologist").size()
    assert per_reader.between(2, 4).all() and len(per_reader) == 60
    general = skills.loc[skills["subspecialty"] == "general", "radiologist"].nunique()
    assert general >= 40, "general should be common"
    assert skills.groupby("subspecialty").size().min() >= 4
    assert skills["level"].between(1, 3).all()


def test_licences_exercise_validity_dates(demo: dict[str, pd.DataFrame]) -> None:
    readers = demo["radiologists.csv"].set_index("code")
    licences = demo["licences.csv"]
    home = licences.merge(readers, left_on="radiologist", right_index=True)
    home = home[home["region"] == home["home_region"]]
    assert home["radiologist"].nunique() == 60, "everyone is licensed at home"
    regions_per_reader = licences.groupby("radiologist")["region"].nunique()
    assert (regions_per_reader > 1).sum() >= 10, "some readers are multi-region"
    valid_to = pd.to_datetime(licences["valid_to"]).dt.date
    inside = valid_to.between(PERIOD_START, PERIOD_END)
    just_after = valid_to.between(
        PERIOD_END + dt.timedelta(days=1), PERIOD_END + dt.timedelta(days=21)
    )
    assert inside.sum() >= 3 and just_after.sum() >= 2
    assert licences["number"].is_unique


def test_privileges_only_where_licensed(demo: dict[str, pd.DataFrame]) -> None:
    sites = demo["sites.csv"].set_index("code")["region"]
    privileges = demo["privileges.csv"].assign(region=lambda f: f["site"].map(sites))
    licensed = set(
        zip(demo["licences.csv"]["radiologist"], demo["licences.csv"]["region"], strict=True)
    )
    assert all(
        pair in licensed
        for pair in zip(privileges["radiologist"], privileges["region"], strict=True)
    )
    assert privileges["via_proxy"].any() and not privileges["via_proxy"].all()


def test_shift_templates_per_region(demo: dict[str, pd.DataFrame]) -> None:
    templates = demo["shift_templates.csv"]
    assert templates["code"].is_unique
    kinds = {kind.value for kind in ShiftKind}
    assert set(templates["kind"]) <= kinds
    for region in demo["regions.csv"]["code"]:
        mine = templates[templates["region"] == region].set_index("kind")
        assert {"day", "evening", "night", "on_call"} <= set(mine.index), region
    day = templates[templates["kind"] == "day"].iloc[0]
    assert (day["local_start"], day["length_minutes"]) == ("08:00", 480)
    night = templates[templates["kind"] == "night"].iloc[0]
    assert (night["local_start"], night["length_minutes"]) == ("22:00", 600)
    on_call = templates[templates["kind"] == "on_call"]
    assert (on_call["required_readers"] == 1).all()
    assert templates["remote"].mean() > 0.5, "most shifts are read remotely"


def test_rules_have_a_default_and_a_stricter_region(demo: dict[str, pd.DataFrame]) -> None:
    rules = demo["rules.csv"]
    default = rules[rules["region"].isna()].iloc[0]
    strict = rules[rules["region"].notna()].iloc[0]
    assert strict["min_rest_hours"] > default["min_rest_hours"]
    assert strict["max_consecutive_nights"] < default["max_consecutive_nights"]


def test_period_and_availability(demo: dict[str, pd.DataFrame]) -> None:
    period = demo["planning_periods.csv"].iloc[0]
    assert period["start_date"] == dt.date(2027, 1, 4) and period["weeks"] == 4
    availability = demo["availability.csv"]
    assert set(availability["kind"]) == {kind.value for kind in AvailabilityKind}
    assert availability["date"].between(PERIOD_START, PERIOD_END).all()
    key = availability[["radiologist", "date", "shift_kind"]].fillna("")
    assert not key.duplicated().any()
    leave_days = availability[availability["kind"] == "leave"].groupby("radiologist").size()
    assert (leave_days >= 3).all(), "leave comes in blocks"


def test_volumes_end_the_day_before_the_period(demo: dict[str, pd.DataFrame]) -> None:
    volumes = demo["study_volumes.csv.gz"]
    regions = demo["regions.csv"].set_index("code")["time_zone"]
    for region, rows in volumes.groupby("region"):
        zone = ZoneInfo(regions[region])
        last_local = rows["ts"].max().tz_convert(zone)
        first_local = rows["ts"].min().tz_convert(zone)
        assert last_local.date() == PERIOD_START - dt.timedelta(days=1)
        assert (last_local.hour, first_local.hour) == (23, 0)
    assert set(volumes["priority"]) == {p.value for p in StudyPriority}
    assert (volumes["count"] >= 0).all()


def test_every_region_hour_has_a_row_and_sparse_regions_are_quiet(
    demo: dict[str, pd.DataFrame],
) -> None:
    volumes = demo["study_volumes.csv.gz"]
    hours = volumes.groupby("region")["ts"].agg(["nunique", "min", "max"])
    expected = (hours["max"] - hours["min"]) / pd.Timedelta(hours=1) + 1
    assert (hours["nunique"] == expected).all(), "a region hour without any row would read as a gap"
    assert (volumes["count"] == 0).any(), "quiet hours carry a zero heartbeat row"
    sparse = set(demo["regions.csv"].query("sparse")["code"])
    per_region = volumes.groupby("region")["count"].sum()
    assert per_region[list(sparse)].max() < per_region.drop(list(sparse)).min()


def test_volumes_follow_clock_and_calendar(demo: dict[str, pd.DataFrame]) -> None:
    volumes = demo["study_volumes.csv.gz"]
    stockholm = volumes[(volumes["region"] == "SE-ST") & (volumes["priority"] == "outpatient")]
    local = stockholm["ts"].dt.tz_convert("Europe/Stockholm")
    by_hour = stockholm.groupby(local.dt.hour)["count"].sum()
    assert by_hour.get(3, 0) == 0 and by_hour[10] > 0, "no outpatient work at 03:00"
    by_day = stockholm.groupby(local.dt.date)["count"].sum()
    christmas = by_day.get(dt.date(2026, 12, 25), 0)
    weekdays = by_day[
        [d for d in by_day.index if d.weekday() < 5 and d.day not in (24, 25, 26, 31)]
    ]
    assert christmas < 0.3 * weekdays.mean(), "public holidays are quiet for planned work"


def test_committed_volume_file_is_small() -> None:
    path = REPO / "data" / "demo" / "study_volumes.csv.gz"
    assert path.exists()
    assert path.stat().st_size < 25 * 1024 * 1024


@pytest.mark.slow
def test_committed_demo_matches_the_generator(tmp_path: Path) -> None:
    written = generate_demo(out=tmp_path, seed=DEFAULT_SEED)
    for name, path in written.items():
        assert filecmp.cmp(path, REPO / "data" / "demo" / name, shallow=False), name
