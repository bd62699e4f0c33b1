"""Parts for problems whose readers meet only in headcount cover (the Curtois-Qu benchmark's year
horizon), searched by solver.part_search.

solver.lns frees cells of the whole model, so each of its steps loads the whole model: on Curtois-Qu
23 (100 nurses, a year, 332,592 reader-shift decisions) 486 steps in 400 s took the first roster
from 75,391 to 57,767. A part cut to its window (solver.horizon_window) is a model of a few weeks:
every nurse over a week, searched for 5 s, gained about 120 a second from the first roster
(RESULTS.md). The kinds:

* ``all readers``: every reader over a window of about a week, which the search often settles
  to optimality (their minutes and weekends outside the window fixed, so work moves between days
  and shifts of the window, and between readers);
* ``missed cover``: every reader over such a window around a day whose cover is missed, drawn by
  the weighted cover missed;
* ``few readers``: a few readers over the whole horizon: the only kind that moves a reader's work
  between weeks, which period totals (minutes, weekends) otherwise hold in place;
* ``week``: readers sampled over a window of a little more than a week (solver.part_search).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from solver.part_search import PartChooser, PartView, week_part
from solver.subproblem import Part

WINDOW_DAYS = 7  # at the start: parts grow when their search finishes (proven optimal)
FEW_READERS = 3  # at least, for whole-horizon parts: one reader alone can only trade with cover


def all_readers_part(view: PartView) -> Part | None:
    """Every reader over a window of about ``view.size`` reader-days (a week at least)."""
    return _everyone_over(view, view.rng.randrange(view.problem.num_days))


def missed_cover_part(view: PartView) -> Part | None:
    """Every reader over a window around a day whose headcount cover is missed, drawn by the
    weight of what is missed; any window when none is."""
    missed = _missed_by_day(view)
    if not missed:
        return all_readers_part(view)
    days = sorted(missed)
    day = view.rng.choices(days, weights=[missed[d] for d in days])[0]
    return _everyone_over(view, day)


def few_readers_part(view: PartView) -> Part | None:
    """A few readers, sampled, over the whole horizon."""
    ids = [reader.id for reader in view.problem.radiologists]
    want = max(FEW_READERS, round(view.size / view.problem.num_days))
    return Part(frozenset(view.rng.sample(ids, min(len(ids), want))))


COVER_PART_KINDS: Mapping[str, PartChooser] = {
    "all readers": all_readers_part,
    "missed cover": missed_cover_part,
    "few readers": few_readers_part,
    "week": week_part,
}


def _everyone_over(view: PartView, around: int) -> Part:
    """Every reader over a window holding ``around``, of ``view.size`` reader-days, a week at
    least, at a random offset."""
    num_days = view.problem.num_days
    readers = frozenset(r.id for r in view.problem.radiologists)
    length = min(num_days, max(WINDOW_DAYS, round(view.size / max(1, len(readers)))))
    first = max(0, min(num_days - length, around - view.rng.randrange(length)))
    return Part(readers, (first, first + length - 1))


def _missed_by_day(view: PartView) -> Counter[int]:
    """The weighted headcount cover the roster misses (short or over), by day."""
    staffed = Counter(a.shift_id for a in view.roster.assignments)
    day_of = {shift.id: shift.day for shift in view.problem.shifts}
    missed: Counter[int] = Counter()
    for cover in view.problem.headcount_cover:
        short = cover.required - staffed[cover.shift_id]
        cost = short * cover.weight_under if short > 0 else -short * cover.weight_over
        if cost > 0:
            missed[day_of[cover.shift_id]] += cost
    return missed
