"""Volume history: errors name file, row and field; series, mixes and gaps on known input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scheduler.forecast.history import (
    ALL,
    VolumeDataError,
    build_history,
    gap_report,
    load_volumes_csv,
    site_shares,
    validate_volumes,
)

HEADER = "ts,region,site,modality,subspecialty,priority,count\n"


def write(tmp_path: Path, body: str, name: str = "volumes.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def test_demo_convention_fills_zeros_and_keeps_mixes(tmp_path: Path) -> None:
    # Region A: 3 hours; hour 01 has only a heartbeat (zero) row. Region B starts an hour later.
    path = write(
        tmp_path,
        "2026-01-01T00:00Z,A,S1,CT,neuro,ed,3\n"
        "2026-01-01T00:00Z,A,S2,XR,neuro,ed,1\n"
        "2026-01-01T00:00Z,A,S1,CT,body,outpatient,2\n"
        "2026-01-01T01:00Z,A,,XR,general,ed,0\n"
        "2026-01-01T02:00+00:00,A,S1,CT,neuro,ed,4\n"
        "2026-01-01T01:00Z,B,,MR,neuro,stat,1\n"
        "2026-01-01T02:00Z,B,,MR,neuro,stat,2\n",
    )
    history = build_history(load_volumes_csv(path))
    counts = history.counts
    assert list(counts.index.strftime("%H")) == ["00", "01", "02"]
    assert counts[("A", "neuro", "ed")].tolist() == [4.0, 0.0, 4.0]  # modalities and sites summed
    assert counts[("A", "body", "outpatient")].tolist() == [2.0, 0.0, 0.0]
    assert counts[("A", "general", "ed")].tolist() == [0.0, 0.0, 0.0]
    # Before region B's first row there is no data: NaN, but not a gap.
    assert np.isnan(counts[("B", "neuro", "stat")].iloc[0])
    assert history.gaps.empty
    # A/neuro/ed: CT 3 + 4 = 7 studies, XR 1 -> shares 7/8 and 1/8.
    mix = history.modality_mix.loc[("A", "neuro", "ed")]
    assert mix["CT"] == pytest.approx(7 / 8) and mix["XR"] == pytest.approx(1 / 8)
    assert history.site_mix.loc[("A", "neuro", "ed")]["S2"] == pytest.approx(1 / 8)
    # B/neuro/stat read only MR. A series that never had a study (A/general/ed) borrows its
    # subspecialty's mix over all regions, else the mix of all studies (CT 9, MR 3, XR 1).
    assert history.modality_mix.loc[("B", "neuro", "stat")]["MR"] == pytest.approx(1.0)
    assert history.modality_mix.loc[("A", "general", "ed")]["XR"] == pytest.approx(1 / 13)


def test_hour_without_any_row_for_a_region_is_a_gap(tmp_path: Path) -> None:
    rows = [f"2026-01-01T{h:02d}:00Z,A,,CT,neuro,ed,1\n" for h in (0, 1, 4, 5)]
    rows += [f"2026-01-01T{h:02d}:00Z,B,,CT,neuro,ed,2\n" for h in range(6)]
    history = build_history(load_volumes_csv(write(tmp_path, "".join(rows))))
    assert len(history.gaps) == 1
    gap = history.gaps.iloc[0]
    assert (gap["region_id"], gap["subspecialty_id"], gap["priority"]) == ("A", ALL, ALL)
    assert gap["start"] == pd.Timestamp("2026-01-01T02:00Z") and gap["hours"] == 2
    assert gap["end"] == pd.Timestamp("2026-01-01T04:00Z")
    assert history.counts[("A", "neuro", "ed")].isna().sum() == 2  # not zero-filled
    assert history.counts[("B", "neuro", "ed")].notna().all()
    assert "A/*/*: 2026-01-01 02:00 to 2026-01-01 04:00 UTC (2 h)" in gap_report(history)


def test_explicit_convention_reports_series_gaps() -> None:
    frame = pd.DataFrame(
        {
            "ts": [f"2026-01-01T0{h}:00Z" for h in (0, 1, 2, 0, 2)],
            "region_id": "A",
            "site_id": "",
            "modality_id": "CT",
            "subspecialty_id": ["neuro"] * 3 + ["body"] * 2,
            "priority": "ed",
            "count": [1, 0, 2, 5, 0],
        }
    )
    history = build_history(validate_volumes(frame), zeros="explicit")
    assert history.counts[("A", "body", "ed")].isna().tolist() == [False, True, False]
    assert history.gaps[["subspecialty_id", "hours"]].values.tolist() == [["body", 1]]
    assert history.gap_hours() == 1


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        ("2026-01-01T00:00,A,,CT,neuro,ed,1", "ts", "UTC offset"),
        ("2026-01-01T00:30Z,A,,CT,neuro,ed,1", "ts", "on the hour"),
        ("2026-01-01T00:00Z,,,CT,neuro,ed,1", "region_id", "empty"),
        ("2026-01-01T00:00Z,A,,CT,neuro,urgent,1", "priority", "not one of"),
        ("2026-01-01T00:00Z,A,,CT,neuro,ed,-2", "count", "whole number"),
        ("2026-01-01T00:00Z,A,,CT,neuro,ed,1.5", "count", "whole number"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, line: str, field: str, problem: str) -> None:
    path = write(tmp_path, "2026-01-01T01:00Z,A,,CT,neuro,ed,1\n" + line + "\n")
    with pytest.raises(VolumeDataError) as caught:
        load_volumes_csv(path)
    message = str(caught.value)
    assert str(path) in message and "row 3" in message  # line 3: header, good row, bad row
    assert f"field {field!r}" in message and problem in message


def test_duplicates_name_both_rows(tmp_path: Path) -> None:
    row = "2026-01-01T00:00Z,A,,CT,neuro,ed,1\n"
    with pytest.raises(VolumeDataError, match="rows 2, 4"):
        load_volumes_csv(write(tmp_path, row + "2026-01-01T01:00Z,A,,CT,neuro,ed,1\n" + row))


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("ts,region,modality,subspecialty,priority\n2026-01-01T00:00Z,A,CT,neuro,ed\n")
    with pytest.raises(VolumeDataError, match="missing column.*count"):
        load_volumes_csv(path)


def test_site_shares_weigh_priorities_by_volume(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2026-01-01T00:00Z,A,S1,CT,neuro,ed,3\n2026-01-01T00:00Z,A,S2,CT,neuro,outpatient,1\n",
    )
    shares = site_shares(build_history(load_volumes_csv(path)))
    assert shares.loc[("A", "neuro"), "S1"] == pytest.approx(0.75, abs=1e-6)
    assert shares.loc[("A", "neuro"), "S2"] == pytest.approx(0.25, abs=1e-6)
