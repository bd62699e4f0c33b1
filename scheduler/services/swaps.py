"""Shift swaps: a radiologist offers a published shift, a colleague takes it, a manager approves.

The colleague's acceptance and the manager's approval each run the independent validator on the
period's problem with the shift moved, and refuse when that breaks a hard rule the published roster
did not already break (licence, skill, rest, consecutive nights...). Approval publishes a new roster
version, a copy of the latest published one with the shift moved; the SwapRequest row records who
offered, who took it, who approved, and when.
"""

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler.models import (
    Assignment,
    PlanningPeriod,
    Radiologist,
    Region,
    Role,
    Roster,
    RosterStatus,
    ShiftTemplate,
    SwapRequest,
    SwapStatus,
    User,
    utc_now,
)
from scheduler.problem_builder import ShiftKey, build_problem
from scheduler.rosters import load_roster
from scheduler.services.access import manager_can, region_ids
from scheduler.services.errors import Conflict, NotFound, OutOfScope
from scheduler.services.my_schedule import latest_published_roster
from scheduler.services.roster_versions import copy_as_draft
from solver import roster as sr
from solver.validate import ValidationReport, validate

MAX_REASON_CHARS = 2000


class SwapRefused(Conflict):
    """Moving the shift would break hard rules; ``messages`` are the validator's words."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("The swap breaks hard rules: " + "; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class SwapView:
    """A swap with the names a page shows."""

    swap: SwapRequest
    template_name: str
    region_name: str | None
    offered_by: str
    accepted_by: str | None


def _cell_of(session: Session, roster: Roster, swap: SwapRequest) -> Assignment | None:
    """The offered shift in ``roster``, if the offerer still holds it there."""
    return session.exec(
        select(Assignment).where(
            Assignment.roster_id == roster.id,
            Assignment.radiologist_id == swap.offered_by_id,
            Assignment.date == swap.date,
            Assignment.shift_template_id == swap.shift_template_id,
            Assignment.region_id == swap.region_id,
        )
    ).first()


def _get_swap(session: Session, swap_id: int) -> SwapRequest:
    swap = session.get(SwapRequest, swap_id)
    if swap is None:
        raise NotFound(f"swap {swap_id} not found")
    return swap


def offer_swap(
    *,
    session: Session,
    radiologist_id: int,
    assignment_id: int,
    note: str = "",
    today: dt.date | None = None,
) -> SwapRequest:
    """Offer one of the radiologist's own shifts in a latest published roster (committed)."""
    today = today or utc_now().date()
    cell = session.get(Assignment, assignment_id)
    # Someone else's shift is "not found": the answer must not reveal whose it is.
    if cell is None or cell.radiologist_id != radiologist_id:
        raise NotFound(f"shift {assignment_id} not found among your shifts")
    roster = session.get(Roster, cell.roster_id)
    assert roster is not None
    latest = latest_published_roster(session=session, period_id=roster.period_id)
    if latest is None or latest.id != roster.id:
        raise Conflict("only shifts of the current published roster can be offered")
    if cell.date < today:
        raise Conflict(f"the shift on {cell.date.isoformat()} is in the past")
    already = session.exec(
        select(SwapRequest).where(
            SwapRequest.period_id == roster.period_id,
            SwapRequest.offered_by_id == radiologist_id,
            SwapRequest.date == cell.date,
            SwapRequest.shift_template_id == cell.shift_template_id,
            col(SwapRequest.status).in_([SwapStatus.OFFERED, SwapStatus.ACCEPTED]),
        )
    ).first()
    if already is not None:
        raise Conflict(f"you already offered this shift (swap {already.id})")
    assert roster.id is not None
    swap = SwapRequest(
        period_id=roster.period_id,
        roster_id=roster.id,
        date=cell.date,
        shift_template_id=cell.shift_template_id,
        region_id=cell.region_id,
        offered_by_id=radiologist_id,
        note=note.strip()[:500],
    )
    session.add(swap)
    session.commit()
    session.refresh(swap)
    return swap


@dataclass(frozen=True)
class SwapCheck:
    roster: Roster  # the latest published version the swap was checked against
    cell: Assignment
    report: ValidationReport  # of the roster with the shift moved


def check_swap(*, session: Session, swap: SwapRequest, to_radiologist_id: int) -> SwapCheck:
    """Validate the latest published roster with the shift moved to ``to_radiologist_id``.

    Raises SwapRefused with the validator's messages for every hard rule the move breaks that the
    published roster did not already break (an old problem is nobody's swap's fault).
    """
    roster = latest_published_roster(session=session, period_id=swap.period_id)
    if roster is None or roster.id is None:
        raise Conflict("the period has no published roster any more")
    cell = _cell_of(session, roster, swap)
    if cell is None:
        raise Conflict("the offered shift is no longer in the published roster")
    built = build_problem(session=session, period_id=swap.period_id)
    codes = {db_id: code for code, db_id in built.radiologist_ids.items()}
    giver, taker = codes.get(swap.offered_by_id), codes.get(to_radiologist_id)
    if taker is None:
        raise SwapRefused(["the colleague taking the shift is not an active radiologist"])
    shift_id = built.shift_ids_by_key().get(
        ShiftKey(cell.shift_template_id, cell.date, cell.region_id)
    )
    if giver is None or shift_id is None:
        raise Conflict("the offered shift no longer exists in the period's shift templates")
    current = load_roster(session=session, built=built, roster_id=roster.id)
    moved = _move(current, giver, taker, shift_id)
    before = set(validate(built.problem, current).violations)
    report = validate(built.problem, moved)
    new = [v.message for v in report.violations if v not in before]
    if new:
        raise SwapRefused(new)
    return SwapCheck(roster, cell, report)


def _move(roster: sr.Roster, giver: str, taker: str, shift_id: str) -> sr.Roster:
    def owner(who: str, shift: str) -> str:
        return taker if (who, shift) == (giver, shift_id) else who

    return sr.Roster(
        tuple(sorted(sr.Assignment(owner(a.radiologist, a.shift_id), a.shift_id)
                     for a in roster.assignments)),
        tuple(sorted(replace(a, radiologist=owner(a.radiologist, a.shift_id))
                     for a in roster.allocations)),
    )  # fmt: skip


def accept_swap(*, session: Session, swap_id: int, radiologist_id: int) -> SwapRequest:
    """A colleague takes an offered shift, if the rules allow it (committed); then a manager
    approves it."""
    swap = _get_swap(session, swap_id)
    if swap.status != SwapStatus.OFFERED:
        raise Conflict(f"swap {swap_id} is {swap.status.value}, not open for taking")
    if swap.offered_by_id == radiologist_id:
        raise Conflict("you cannot take your own shift")
    check_swap(session=session, swap=swap, to_radiologist_id=radiologist_id)
    now = utc_now()
    # Guarded: when two colleagues accept at once, one wins and the other is told.
    claimed = session.execute(
        update(SwapRequest)
        .where(col(SwapRequest.id) == swap_id, col(SwapRequest.status) == SwapStatus.OFFERED)
        .values(status=SwapStatus.ACCEPTED, accepted_by_id=radiologist_id, accepted_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(f"swap {swap_id} was taken by someone else just now")
    session.commit()
    session.refresh(swap)
    return swap


def cancel_swap(*, session: Session, swap_id: int, radiologist_id: int) -> SwapRequest:
    """The offerer withdraws an offer not yet approved (committed)."""
    swap = _get_swap(session, swap_id)
    if swap.offered_by_id != radiologist_id:
        raise NotFound(f"swap {swap_id} not found among your offers")
    if not swap.status.is_open:
        raise Conflict(f"swap {swap_id} is already {swap.status.value}")
    swap.status = SwapStatus.CANCELLED
    swap.decided_at = utc_now()
    session.add(swap)
    session.commit()
    return swap


def _manage_check(user: User, swap: SwapRequest) -> None:
    if not manager_can(user, swap.region_id):
        raise OutOfScope(f"swap {swap.id} is in a region you do not manage")


def approve_swap(*, session: Session, swap_id: int, user: User) -> Roster:
    """Publish a new roster version with the shift moved (committed); the new version."""
    swap = _get_swap(session, swap_id)
    _manage_check(user, swap)
    if swap.status != SwapStatus.ACCEPTED or swap.accepted_by_id is None:
        raise Conflict(f"swap {swap_id} is {swap.status.value}: only accepted swaps are approved")
    checked = check_swap(session=session, swap=swap, to_radiologist_id=swap.accepted_by_id)
    now = utc_now()
    claimed = session.execute(
        update(SwapRequest)
        .where(col(SwapRequest.id) == swap_id, col(SwapRequest.status) == SwapStatus.ACCEPTED)
        .values(status=SwapStatus.APPROVED, decided_by_user_id=user.id, decided_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(f"swap {swap_id} was decided by someone else just now")
    giver = session.get(Radiologist, swap.offered_by_id)
    taker = session.get(Radiologist, swap.accepted_by_id)
    template = session.get(ShiftTemplate, swap.shift_template_id)
    assert giver and taker and template
    note = (
        f"Swap {swap.id}: {template.name} on {swap.date.isoformat()} moved from {giver.name} "
        f"to {taker.name}, approved by {user.name} ({user.email}); "
        f"copied from version {checked.roster.version}"
    )
    version = copy_as_draft(session, checked.roster, note[:2000])
    moved = _cell_of(session, version, swap)
    assert moved is not None
    moved.radiologist_id = swap.accepted_by_id
    version.status = RosterStatus.PUBLISHED
    version.published_at = now
    version.objective = checked.report.objective
    session.add_all([moved, version])
    session.flush()
    swap.result_roster_id = version.id
    session.add(swap)
    session.commit()
    session.refresh(version)
    return version


def reject_swap(*, session: Session, swap_id: int, user: User, reason: str) -> SwapRequest:
    swap = _get_swap(session, swap_id)
    _manage_check(user, swap)
    if not swap.status.is_open:
        raise Conflict(f"swap {swap_id} is already {swap.status.value}")
    swap.status = SwapStatus.REJECTED
    swap.decided_by_user_id = user.id
    swap.decided_at = utc_now()
    swap.refusal = reason.strip()[:MAX_REASON_CHARS] or "rejected by a manager"
    session.add(swap)
    session.commit()
    return swap


# --- Lists for pages ---


def _views(session: Session, swaps: list[SwapRequest]) -> list[SwapView]:
    names = {r.id: r.name for r in session.exec(select(Radiologist))}
    templates = {t.id: t.name for t in session.exec(select(ShiftTemplate))}
    regions = {r.id: r.name for r in session.exec(select(Region))}
    return [
        SwapView(
            swap=swap,
            template_name=templates.get(swap.shift_template_id, "?"),
            region_name=regions.get(swap.region_id) if swap.region_id is not None else None,
            offered_by=names.get(swap.offered_by_id, "?"),
            accepted_by=names.get(swap.accepted_by_id) if swap.accepted_by_id else None,
        )
        for swap in swaps
    ]


def swaps_of(*, session: Session, radiologist_id: int) -> list[SwapView]:
    """Swaps the radiologist offered or took, newest first."""
    swaps = session.exec(
        select(SwapRequest)
        .where(
            (col(SwapRequest.offered_by_id) == radiologist_id)
            | (col(SwapRequest.accepted_by_id) == radiologist_id)
        )
        .order_by(col(SwapRequest.offered_at).desc())
    ).all()
    return _views(session, list(swaps))


def offers_open_to(
    *, session: Session, radiologist_id: int, today: dt.date | None = None
) -> list[SwapView]:
    """Colleagues' offers still open for taking, by shift date."""
    today = today or utc_now().date()
    swaps = session.exec(
        select(SwapRequest)
        .where(
            SwapRequest.status == SwapStatus.OFFERED,
            SwapRequest.offered_by_id != radiologist_id,
            col(SwapRequest.date) >= today,
        )
        .order_by(col(SwapRequest.date))
    ).all()
    return _views(session, list(swaps))


def swaps_to_decide(*, session: Session, user: User) -> list[SwapView]:
    """Accepted swaps waiting for this manager (their regions; admins all)."""
    query = (
        select(SwapRequest)
        .where(SwapRequest.status == SwapStatus.ACCEPTED)
        .order_by(col(SwapRequest.date))
    )
    if user.role != Role.ADMIN:
        query = query.where(col(SwapRequest.region_id).in_(region_ids(user)))
    return _views(session, list(session.exec(query).all()))


def period_of(session: Session, swap: SwapRequest) -> PlanningPeriod:
    period = session.get(PlanningPeriod, swap.period_id)
    assert period is not None
    return period
