"""Which regions a user may see and change: a manager their own, an admin every one.

Services take a ``RegionScope`` rather than a user, so the CLI and jobs can pass ``EVERYWHERE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.services.errors import OutOfScope


@dataclass(frozen=True)
class RegionScope:
    region_ids: frozenset[int] | None  # None: every region

    @classmethod
    def of(cls, region_ids: Iterable[int]) -> RegionScope:
        return cls(frozenset(region_ids))

    @property
    def everywhere(self) -> bool:
        return self.region_ids is None

    def allows(self, region_id: int | None) -> bool:
        """Region-less rows (defaults, templates for every region) belong to admins only."""
        if self.region_ids is None:
            return True
        return region_id is not None and region_id in self.region_ids

    def allows_any(self, region_ids: Iterable[int | None]) -> bool:
        return any(self.allows(region_id) for region_id in region_ids)

    def check(self, region_id: int | None, what: str) -> None:
        if not self.allows(region_id):
            where = "every region" if region_id is None else f"region {region_id}"
            raise OutOfScope(f"{what} belongs to {where}, which you do not manage")


EVERYWHERE = RegionScope(None)
