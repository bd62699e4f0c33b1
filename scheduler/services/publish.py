"""Publishing a roster version: checked, frozen, and recorded.

A version that breaks hard rules is published only with an override reason, which is kept in
its note. A published version is never edited again: later changes make a new version.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from scheduler import models as m
from scheduler.models.columns import utc_now
from scheduler.services.catalogue import get_row
from scheduler.services.errors import Conflict, FieldError
from scheduler.services.roster_versions import check_roster, claim_edit
from solver.validate import ValidationReport

MAX_LISTED = 5


class PublishRefused(FieldError):
    """The roster breaks hard rules and no override reason was given (422 on override_reason)."""

    def __init__(self, report: ValidationReport) -> None:
        listed = "; ".join(report.messages()[:MAX_LISTED])
        more = len(report.violations) - MAX_LISTED
        if more > 0:
            listed += f"; and {more} more"
        super().__init__(
            "override_reason",
            f"the roster breaks {len(report.violations)} hard rule(s) ({listed}): "
            "give a reason to publish it anyway",
        )
        self.report = report


@dataclass(frozen=True)
class PublishOutcome:
    roster: m.Roster
    report: ValidationReport


def publish_roster(
    *, session: Session, roster_id: int, lock_version: int, override_reason: str | None = None
) -> PublishOutcome:
    roster = get_row(session, m.Roster, roster_id)
    if roster.status == m.RosterStatus.PUBLISHED:
        raise Conflict(f"roster version {roster.version} is already published")
    report = check_roster(session=session, roster_id=roster_id).report
    reason = (override_reason or "").strip()
    if not report.ok and not reason:
        raise PublishRefused(report)
    claim_edit(session, roster, lock_version)
    roster.status = m.RosterStatus.PUBLISHED
    roster.published_at = utc_now()
    if not report.ok:
        override = (
            f"Published with {len(report.violations)} hard-rule violation(s) overridden: {reason}"
        )
        roster.note = "\n".join(part for part in (roster.note, override) if part)[-2000:]
    period = get_row(session, m.PlanningPeriod, roster.period_id)
    period.status = m.PeriodStatus.PUBLISHED
    session.add_all([roster, period])
    session.commit()
    session.refresh(roster)
    return PublishOutcome(roster, report)
