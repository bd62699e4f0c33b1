"""Natural keys in files (region code, site code, radiologist code or email, ...) resolved to
database ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, SQLModel, select

from scheduler.models import Modality, PlanningPeriod, Radiologist, Region, Site, Subspecialty

LIST_KNOWN_UP_TO = 15  # name the known codes in the message when there are this few


@dataclass(frozen=True)
class _Kind:
    table: type[SQLModel]
    label: str  # the attribute shown in messages
    keys: Callable[[Any], list[str]]


_KINDS: dict[str, _Kind] = {
    "region": _Kind(Region, "code", lambda row: [row.code]),
    "site": _Kind(Site, "code", lambda row: [row.code]),
    "subspecialty": _Kind(Subspecialty, "code", lambda row: [row.code]),
    "modality": _Kind(Modality, "code", lambda row: [row.code]),
    "radiologist": _Kind(Radiologist, "code", lambda row: [row.code, row.email]),
    "period": _Kind(PlanningPeriod, "name", lambda row: [row.name]),
}


@dataclass
class _Index:
    by_key: dict[str, list[Any]] = field(default_factory=dict)
    by_id: dict[int, Any] = field(default_factory=dict)


class Refs:
    """Cached lookups by natural key; ``forget()`` after storing rows so the next file sees them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, _Index] = {}

    def forget(self) -> None:
        self._cache.clear()

    def resolve(self, kind: str, text: str) -> tuple[int | None, str | None]:
        """(id, None) when ``text`` names exactly one row of ``kind``; else (None, reason)."""
        index = self._index(kind)
        found = index.by_key.get(_normalise(kind, text), [])
        if len(found) == 1:
            row_id: int = found[0].id
            return row_id, None
        if found:
            return None, f"{kind} {text!r} is ambiguous: {len(found)} stored rows share that name"
        known = sorted(str(getattr(row, _KINDS[kind].label)) for row in index.by_id.values())
        if not known:
            return (
                None,
                f"unknown {kind} {text!r}: none is stored yet (import the {kind} rows first)",
            )
        hint = f" (known: {', '.join(known)})" if len(known) <= LIST_KNOWN_UP_TO else ""
        return None, f"unknown {kind} {text!r}{hint}"

    def ids(self, kind: str) -> dict[str, int]:
        """Natural key -> id, for vectorised mapping of large files (ambiguous keys left out)."""
        return {key: rows[0].id for key, rows in self._index(kind).by_key.items() if len(rows) == 1}

    def get(self, kind: str, row_id: int | None) -> Any:
        """The stored row of ``kind`` with this id, or None."""
        return None if row_id is None else self._index(kind).by_id.get(row_id)

    def label(self, kind: str, row_id: int | None) -> str:
        row = self.get(kind, row_id)
        return "?" if row is None else str(getattr(row, _KINDS[kind].label))

    def _index(self, kind: str) -> _Index:
        if kind not in self._cache:
            spec = _KINDS[kind]
            index = _Index()
            rows: list[Any] = list(self.session.exec(select(spec.table)).all())
            for row in rows:
                index.by_id[row.id] = row
                for key in spec.keys(row):
                    index.by_key.setdefault(_normalise(kind, key), []).append(row)
            self._cache[kind] = index
        return self._cache[kind]


def _normalise(kind: str, text: str) -> str:
    # Emails and radiologist codes are matched without regard to case; other codes exactly.
    return text.strip().lower() if kind == "radiologist" else text.strip()
