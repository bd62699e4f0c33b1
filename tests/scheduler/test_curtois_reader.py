"""The Curtois-Qu reader: every section of Instance1, and errors that name file, line and field."""

from pathlib import Path

import pytest

from scheduler.benchmarks.curtois import (
    Cover,
    CurtoisFormatError,
    ShiftRequest,
    ShiftType,
    parse_instance,
    read_instance,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "curtois"
INSTANCE1 = FIXTURES / "Instance1.txt"


def test_instance1_sizes_and_every_section() -> None:
    instance = read_instance(INSTANCE1)

    assert instance.name == "Instance1"
    assert instance.horizon == 14
    assert instance.shift_types == (ShiftType("D", 480, frozenset()),)
    assert [s.id for s in instance.staff] == list("ABCDEFGH")
    a = instance.staff[0]
    assert a.max_shifts == {"D": 14}
    assert (a.max_total_minutes, a.min_total_minutes) == (4320, 3360)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert instance.days_off == {
        "A": {0},
        "B": {5},
        "C": {8},
        "D": {2},
        "E": {9},
        "F": {5},
        "G": {1},
        "H": {7},
    }
    assert len(instance.on_requests) == 21
    assert instance.on_requests[0] == ShiftRequest("A", 2, "D", 2)
    assert instance.on_requests[-1] == ShiftRequest("H", 13, "D", 1)
    assert instance.off_requests == (
        ShiftRequest("C", 12, "D", 1),
        ShiftRequest("C", 13, "D", 1),
        ShiftRequest("F", 8, "D", 3),
        ShiftRequest("H", 2, "D", 3),
        ShiftRequest("H", 3, "D", 3),
    )
    assert len(instance.cover) == 14
    assert instance.cover[1] == Cover(1, "D", 7, 100, 1)
    assert sum(c.requirement for c in instance.cover) == 71


def test_forbidden_next_and_several_shift_types() -> None:
    instance = read_instance(FIXTURES / "Tiny.txt")

    assert instance.shift_types == (
        ShiftType("D", 480, frozenset()),
        ShiftType("N", 600, frozenset({"D"})),
    )
    assert instance.staff[1].max_shifts == {"D": 7, "N": 0}
    # "B," names no day off: tolerated, and B has none.
    assert instance.days_off == {"A": {6}, "B": frozenset()}


def _broken(old: str, new: str) -> tuple[str, int]:
    """Instance1's text with one line replaced, and that line's 1-based number."""
    lines = INSTANCE1.read_text().splitlines()
    number = lines.index(old) + 1
    lines[number - 1] = new
    return "\n".join(lines) + "\n", number


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("A,D=14,4320,3360,5,2,2,1", "A,D=14,43x0,3360,5,2,2,1", "MaxTotalMinutes", "integer"),
        ("A,D=14,4320,3360,5,2,2,1", "A,X=14,4320,3360,5,2,2,1", "MaxShifts", "unknown ID 'X'"),
        ("A,D=14,4320,3360,5,2,2,1", "A,D:14,4320,3360,5,2,2,1", "MaxShifts", "ShiftID=max"),
        ("A,D=14,4320,3360,5,2,2,1", "A,D=14,4320,3360,5,2,2,-1", "MaxWeekends", "at least 0"),
        ("B,5", "B,14", "DayIndexes", "outside the horizon"),
        ("B,5", "Z,5", "EmployeeID", "unknown ID 'Z'"),
        ("A,2,D,2", "A,2,N,2", "ShiftID", "unknown ID 'N'"),
        ("C,12,D,1", "C,12,D,one", "Weight", "integer"),
        ("1,D,7,100,1", "1,D,7,100,", "WeightOver", "empty"),
        ("D,480,", "D,480,X", "ForbiddenNext", "unknown ID 'X'"),
        ("D,480,", "D,0,", "LengthMinutes", "at least 1"),
        ("H,D=14,4320,3360,5,2,2,1", "A,D=14,4320,3360,5,2,2,1", "ID", "duplicate staff ID 'A'"),
    ],
)
def test_bad_field_names_file_line_and_field(old: str, new: str, field: str, words: str) -> None:
    text, number = _broken(old, new)

    with pytest.raises(CurtoisFormatError) as error:
        parse_instance(text, name="Instance1", source="broken.txt")

    message = str(error.value)
    assert message.startswith(f"broken.txt, line {number}, field {field}: ")
    assert words in message


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("A,2,D,2", "A,2,D", "expected 4 fields"),
        ("1,D,7,100,1", "0,D,7,100,1", "second cover line for day 0"),
        ("SECTION_DAYS_OFF", "SECTION_COVER", "expected SECTION_DAYS_OFF"),
    ],
)
def test_bad_line_names_the_line(old: str, new: str, words: str) -> None:
    text, number = _broken(old, new)

    with pytest.raises(CurtoisFormatError, match=rf"^broken\.txt, line {number}: .*{words}"):
        parse_instance(text, name="Instance1", source="broken.txt")


def test_missing_section_is_named() -> None:
    text = INSTANCE1.read_text().split("SECTION_COVER")[0]

    with pytest.raises(
        CurtoisFormatError, match=r"^broken\.txt: missing section\(s\): SECTION_COVER"
    ):
        parse_instance(text, name="Instance1", source="broken.txt")


def test_read_instance_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "Instance99.txt"
    path.write_text(INSTANCE1.read_text().replace("\n14\n", "\nfourteen\n", 1))

    with pytest.raises(
        CurtoisFormatError, match=rf"^{path}, line 5, field Horizon: not an integer"
    ):
        read_instance(path)
