"""Field checks shared by the Create/Update models; each raises ValueError naming the value."""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAY_DIGITS = "0123456"  # Monday..Sunday, as date.weekday()


def check_time_zone(value: str) -> str:
    if not value or value != value.strip():
        raise ValueError(f"time zone {value!r} is not an IANA zone name (e.g. 'Europe/Oslo')")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"time zone {value!r} is not an IANA zone name (e.g. 'Europe/Oslo')"
        ) from exc
    return value


def check_date_order(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise ValueError(f"valid_to {valid_to} is before valid_from {valid_from}")


def check_weekdays(value: str) -> str:
    if not value:
        raise ValueError("weekdays is empty: give digits 0-6 for Monday..Sunday, e.g. '01234'")
    unknown = sorted(set(value) - set(WEEKDAY_DIGITS))
    if unknown:
        raise ValueError(
            f"weekdays {value!r} has {''.join(unknown)!r}: use digits 0-6 for Monday..Sunday"
        )
    if len(set(value)) != len(value):
        raise ValueError(f"weekdays {value!r} repeats a day")
    return "".join(sorted(value))


def check_monday(value: dt.date) -> dt.date:
    if value.weekday() != 0:
        raise ValueError(f"start_date {value} is a {value:%A}: planning periods start on a Monday")
    return value


def check_utc_hour(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError(f"ts {value.isoformat()} has no time zone: give a UTC hour")
    value = value.astimezone(dt.UTC)
    if (value.minute, value.second, value.microsecond) != (0, 0, 0):
        raise ValueError(f"ts {value.isoformat()} is not on the hour")
    return value


def check_aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} has no time zone: instants must be tz-aware")
    return value.astimezone(dt.UTC)
