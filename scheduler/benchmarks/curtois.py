"""Reader for the Curtois & Qu shift-scheduling benchmark files (schedulingbenchmarks.org).

The format: seven ``SECTION_*`` blocks in a fixed order, comma-separated fields, ``#`` comments,
day 0 a Monday. Every error names the file, the line and the field, so a damaged instance is found
without a debugger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
STAFF_FIELDS = (
    "ID",
    "MaxShifts",
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)
REQUEST_FIELDS = ("EmployeeID", "Day", "ShiftID", "Weight")
COVER_FIELDS = ("Day", "ShiftID", "Requirement", "WeightUnder", "WeightOver")


class CurtoisFormatError(ValueError):
    """A benchmark file that does not follow the format; the message names file, line and field."""


@dataclass(frozen=True)
class ShiftType:
    id: str
    length_minutes: int
    # Shift types that may not be worked on the day after this one.
    forbidden_next: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Staff:
    id: str
    # Shift type -> most shifts of that type; 0 means never (a qualification). Unlisted: no limit.
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class ShiftRequest:
    """An on-request (would like to work ``shift`` on ``day``) or an off-request (would not)."""

    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class CurtoisInstance:
    name: str
    horizon: int
    shift_types: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    days_off: dict[str, frozenset[int]] = field(default_factory=dict)
    on_requests: tuple[ShiftRequest, ...] = ()
    off_requests: tuple[ShiftRequest, ...] = ()
    cover: tuple[Cover, ...] = ()

    def shift_type(self, shift_id: str) -> ShiftType:
        for shift in self.shift_types:
            if shift.id == shift_id:
                return shift
        raise KeyError(shift_id)


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


class _Reader:
    """Parses one file's text; keeps the source name for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(
        self, line: _Line | None, message: str, field_name: str | None = None
    ) -> CurtoisFormatError:
        where = self.source if line is None else f"{self.source}, line {line.number}"
        if field_name is not None:
            where += f", field {field_name}"
        return CurtoisFormatError(f"{where}: {message}")

    def sections(self, text: str) -> dict[str, list[_Line]]:
        found: dict[str, list[_Line]] = {}
        current: list[_Line] | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = _Line(number, raw.strip())
            if not line.text or line.text.startswith("#"):
                continue
            if line.text.startswith("SECTION_"):
                expected = SECTIONS[len(found)] if len(found) < len(SECTIONS) else None
                if line.text != expected:
                    raise self.fail(
                        line, f"expected {expected or 'end of file'}, found section {line.text}"
                    )
                current = found.setdefault(line.text, [])
                continue
            if current is None:
                raise self.fail(line, f"data before the first section: {line.text!r}")
            current.append(line)
        missing = [name for name in SECTIONS if name not in found]
        if missing:
            raise self.fail(None, f"missing section(s): {', '.join(missing)}")
        return found

    def fields(
        self, line: _Line, names: tuple[str, ...], *, optional_last: bool = False
    ) -> list[str]:
        values = line.text.split(",")
        if optional_last and len(values) == len(names) - 1:
            values.append("")
        if len(values) != len(names):
            raise self.fail(
                line, f"expected {len(names)} fields ({','.join(names)}), found {len(values)}"
            )
        for name, value in zip(names, values, strict=True):
            if not value and not (optional_last and name == names[-1]):
                raise self.fail(line, "empty value", name)
        return values

    def integer(self, line: _Line, field_name: str, value: str, *, minimum: int = 0) -> int:
        try:
            number = int(value)
        except ValueError:
            raise self.fail(line, f"not an integer: {value!r}", field_name) from None
        if number < minimum:
            raise self.fail(line, f"must be at least {minimum}, found {number}", field_name)
        return number

    def day(self, line: _Line, field_name: str, value: str, horizon: int) -> int:
        day = self.integer(line, field_name, value)
        if day >= horizon:
            raise self.fail(line, f"day {day} is outside the horizon 0..{horizon - 1}", field_name)
        return day

    def known(self, line: _Line, field_name: str, value: str, known: Callable[[str], bool]) -> str:
        if not known(value):
            raise self.fail(line, f"unknown ID {value!r}", field_name)
        return value

    def parse(self, text: str, name: str) -> CurtoisInstance:
        sections = self.sections(text)
        horizon = self.horizon(sections["SECTION_HORIZON"])
        shift_types = self.shift_types(sections["SECTION_SHIFTS"])
        shift_ids = {s.id for s in shift_types}
        staff = self.staff(sections["SECTION_STAFF"], shift_ids)
        staff_ids = {s.id for s in staff}
        return CurtoisInstance(
            name=name,
            horizon=horizon,
            shift_types=shift_types,
            staff=staff,
            days_off=self.days_off(sections["SECTION_DAYS_OFF"], staff_ids, horizon),
            on_requests=self.requests(
                sections["SECTION_SHIFT_ON_REQUESTS"], staff_ids, shift_ids, horizon
            ),
            off_requests=self.requests(
                sections["SECTION_SHIFT_OFF_REQUESTS"], staff_ids, shift_ids, horizon
            ),
            cover=self.cover(sections["SECTION_COVER"], shift_ids, horizon),
        )

    def horizon(self, lines: list[_Line]) -> int:
        if len(lines) != 1:
            where = lines[1] if len(lines) > 1 else None
            raise self.fail(where, f"SECTION_HORIZON needs exactly one line, found {len(lines)}")
        return self.integer(lines[0], "Horizon", lines[0].text, minimum=1)

    def shift_types(self, lines: list[_Line]) -> tuple[ShiftType, ...]:
        names = ("ShiftID", "LengthMinutes", "ForbiddenNext")
        parsed: list[tuple[_Line, str, int, list[str]]] = []
        for line in lines:
            shift_id, length, forbidden = self.fields(line, names, optional_last=True)
            if any(shift_id == seen for _, seen, _, _ in parsed):
                raise self.fail(line, f"duplicate shift ID {shift_id!r}", "ShiftID")
            minutes = self.integer(line, "LengthMinutes", length, minimum=1)
            parsed.append((line, shift_id, minutes, forbidden.split("|") if forbidden else []))
        shift_ids = {shift_id for _, shift_id, _, _ in parsed}
        result = []
        for line, shift_id, minutes, next_ids in parsed:
            for next_id in next_ids:
                self.known(line, "ForbiddenNext", next_id, shift_ids.__contains__)
            result.append(ShiftType(shift_id, minutes, frozenset(next_ids)))
        return tuple(result)

    def staff(self, lines: list[_Line], shift_ids: set[str]) -> tuple[Staff, ...]:
        result: list[Staff] = []
        for line in lines:
            values = self.fields(line, STAFF_FIELDS)
            staff_id = values[0]
            if any(s.id == staff_id for s in result):
                raise self.fail(line, f"duplicate staff ID {staff_id!r}", "ID")
            numbers = [
                self.integer(line, name, value)
                for name, value in zip(STAFF_FIELDS[2:], values[2:], strict=True)
            ]
            result.append(Staff(staff_id, self.max_shifts(line, values[1], shift_ids), *numbers))
        return tuple(result)

    def max_shifts(self, line: _Line, value: str, shift_ids: set[str]) -> dict[str, int]:
        limits: dict[str, int] = {}
        for pair in value.split("|"):
            shift_id, sep, limit = pair.partition("=")
            if not sep:
                raise self.fail(line, f"expected ShiftID=max, found {pair!r}", "MaxShifts")
            self.known(line, "MaxShifts", shift_id, shift_ids.__contains__)
            limits[shift_id] = self.integer(line, "MaxShifts", limit)
        return limits

    def days_off(
        self, lines: list[_Line], staff_ids: set[str], horizon: int
    ) -> dict[str, frozenset[int]]:
        days: dict[str, set[int]] = {}
        for line in lines:
            staff_id, *values = line.text.split(",")
            self.known(line, "EmployeeID", staff_id, staff_ids.__contains__)
            # A trailing comma would leave an empty value: tolerate it, it names no day.
            parsed = {self.day(line, "DayIndexes", v, horizon) for v in values if v}
            days.setdefault(staff_id, set()).update(parsed)
        return {staff_id: frozenset(d) for staff_id, d in days.items()}

    def requests(
        self, lines: list[_Line], staff_ids: set[str], shift_ids: set[str], horizon: int
    ) -> tuple[ShiftRequest, ...]:
        result = []
        for line in lines:
            staff_id, day, shift_id, weight = self.fields(line, REQUEST_FIELDS)
            result.append(
                ShiftRequest(
                    staff=self.known(line, "EmployeeID", staff_id, staff_ids.__contains__),
                    day=self.day(line, "Day", day, horizon),
                    shift=self.known(line, "ShiftID", shift_id, shift_ids.__contains__),
                    weight=self.integer(line, "Weight", weight),
                )
            )
        return tuple(result)

    def cover(self, lines: list[_Line], shift_ids: set[str], horizon: int) -> tuple[Cover, ...]:
        result: list[Cover] = []
        seen: set[tuple[int, str]] = set()
        for line in lines:
            day, shift_id, requirement, under, over = self.fields(line, COVER_FIELDS)
            cover = Cover(
                day=self.day(line, "Day", day, horizon),
                shift=self.known(line, "ShiftID", shift_id, shift_ids.__contains__),
                requirement=self.integer(line, "Requirement", requirement),
                weight_under=self.integer(line, "WeightUnder", under),
                weight_over=self.integer(line, "WeightOver", over),
            )
            if (cover.day, cover.shift) in seen:
                raise self.fail(line, f"second cover line for day {day}, shift {shift_id}")
            seen.add((cover.day, cover.shift))
            result.append(cover)
        return tuple(result)


def parse_instance(text: str, *, name: str, source: str | None = None) -> CurtoisInstance:
    """Parse an instance's text; ``source`` (default ``name``) is what errors call the file."""
    return _Reader(source or name).parse(text, name)


def read_instance(path: str | Path) -> CurtoisInstance:
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise CurtoisFormatError(f"{path}: not ASCII text ({exc.reason})") from None
    return parse_instance(text, name=path.stem, source=str(path))
