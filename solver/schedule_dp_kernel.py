"""The schedule program's forward pass over the days, compiled (numba): least values by day and
state. solver.schedule_dp_pass lays out the states and reads the way back; this module only fills
the tables, in loops that numpy would run as hundreds of small array operations a day (the pass
is called thousands of times in a column generation, a dive or a sweep of best responses).

Tables: ``work[day, c, r, k, m]`` (worked class ``c`` in run index ``r``, counter state ``k``
-- weekends worked, and shifts worked toward each count cap the program keeps exactly -- and ``m``
minute units so far) and ``off[day, l, k, m]`` (off in rest index ``l``), as described in
solver.schedule_dp_pass. ``counter_next[i, c, k]`` is the counter state after working class ``c``
from ``k`` on a day that starts a new weekend (``i`` 1) or not (``i`` 0), -1 where a cap would
break; ``counter_prev`` the state before, the same way.
"""

from __future__ import annotations

import numpy as np
from numba import njit

INF = np.inf


@njit(cache=True, nogil=True)
def _enter(  # noqa: PLR0913
    work: np.ndarray,
    source: np.ndarray,
    class_cost: np.ndarray,
    lengths: np.ndarray,
    day: int,
    new_weekend: bool,
    counter_next: np.ndarray,
    saturating: bool,
    weekend_price: float,
) -> None:
    """``work`` lowered to ``source`` moved by each length group's minutes (and its counter
    state by the class's step, a new weekend's when ``new_weekend``), plus the class's cost of
    that group that day."""
    groups = class_cost.shape[0]
    classes, run_states, counter_states, minute_states = work.shape
    step = 1 if new_weekend else 0
    extra = weekend_price if new_weekend else 0.0
    for g in range(groups):
        length = lengths[g]
        for c in range(classes):
            cost = class_cost[g, day, c]
            if cost == INF:
                continue
            cost += extra
            for r in range(run_states):
                for k in range(counter_states):
                    k_after = counter_next[step, c, k]
                    if k_after < 0:
                        continue
                    row = source[c, r, k]
                    out = work[c, r, k_after]
                    for m in range(minute_states - length):
                        value = row[m] + cost
                        if value < out[m + length]:
                            out[m + length] = value
                    if saturating and length > 0:
                        top = INF
                        for m in range(max(0, minute_states - 1 - length), minute_states):
                            if row[m] < top:
                                top = row[m]
                        if top + cost < out[minute_states - 1]:
                            out[minute_states - 1] = top + cost


@njit(cache=True, nogil=True)
def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 + 1e-9 * abs(b)


# Compiled when the module is imported (eagerly, by these signatures), and cached on disk, so a
# solve's clock never pays the compiler: `make` imports it once after installing. Arrays may be
# of any layout ("A").
FORWARD_SIGNATURE = (
    "(float64[:, :, :], int64[:], boolean[:, :], boolean[:], boolean[:], boolean[:],"
    " int64, int64, int64, int64[:, :, :], int64, boolean, float64)"
)
WAY_BACK_SIGNATURE = (
    "(float64[:, :, :, :, :], float64[:, :, :, :], float64[:, :, :], int64[:, :, :], int64[:],"
    " boolean[:, :], boolean[:], boolean[:], boolean[:], int64, int64, int64[:, :, :], boolean,"
    " float64, int64[:])"
)


@njit(FORWARD_SIGNATURE, cache=True, nogil=True)
def forward_tables(  # noqa: PLR0913 the layout, flat: compiled code takes arrays and scalars
    class_cost: np.ndarray,  # [g, day, c]
    lengths: np.ndarray,  # [g] minute units
    class_forbidden: np.ndarray,  # [u, c]: class c may not follow class u
    may_end: np.ndarray,  # [r]: a run of index r may end
    new_weekend_after_work: np.ndarray,  # [day]
    new_weekend_after_off: np.ndarray,  # [day]
    runs: int,
    max_run: int,  # -1: none
    off_runs: int,
    counter_next: np.ndarray,  # [new weekend, c, k]: the counter state after, -1: a cap breaks
    minute_states: int,
    saturating: bool,
    weekend_price: float,
) -> tuple[np.ndarray, np.ndarray]:
    groups, days, classes = class_cost.shape
    counter_states = counter_next.shape[2]
    work = np.full((days, classes, runs + 1, counter_states, minute_states), INF)
    off = np.full((days, off_runs, counter_states, minute_states), INF)
    source = np.empty((classes, runs + 1, counter_states, minute_states))
    rested = np.empty((classes, runs + 1, counter_states, minute_states))
    off[0, off_runs - 1, 0, 0] = 0.0
    if max_run < 0 or 1 <= max_run:
        source[:] = INF
        source[:, runs, 0, 0] = 0.0
        _enter(
            work[0],
            source,
            class_cost,
            lengths,
            0,
            new_weekend_after_off[0],
            counter_next,
            saturating,
            weekend_price,
        )
    for day in range(1, days):
        before, off_before = work[day - 1], off[day - 1]
        today_off = off[day]
        for w in range(counter_states):
            for m in range(minute_states):
                ended = INF
                for c in range(classes):
                    for r in range(runs + 1):
                        if may_end[r] and before[c, r, w, m] < ended:
                            ended = before[c, r, w, m]
                if off_runs == 1:
                    today_off[0, w, m] = min(ended, off_before[0, w, m])
                else:
                    today_off[0, w, m] = ended
                    for rest in range(1, off_runs):
                        today_off[rest, w, m] = off_before[rest - 1, w, m]
                    last = off_runs - 1
                    today_off[last, w, m] = min(today_off[last, w, m], off_before[last, w, m])
        # source[c, r]: the least value of a state the day before that may go on to class c in
        # run index r (previous[c, r - 1], the run one day longer)
        source[:] = INF
        first_allowed = max_run < 0 or day + 1 <= max_run
        for c in range(classes):
            for u in range(classes):
                if class_forbidden[u, c]:
                    continue
                for r in range(runs + 1):
                    if r < runs - 1:
                        target = r + 1
                    elif r == runs - 1:
                        if max_run >= 0:
                            continue  # the longest run allowed goes no further
                        target = r  # "that many or more"
                    else:
                        if not first_allowed:
                            continue
                        target = r  # still every day since day 0
                    for w in range(counter_states):
                        for m in range(minute_states):
                            value = before[u, r, w, m]
                            if value < source[c, target, w, m]:
                                source[c, target, w, m] = value
        after_work, after_off = new_weekend_after_work[day], new_weekend_after_off[day]
        if after_work == after_off:  # a new run after a rest moves as the others do
            for c in range(classes):
                for w in range(counter_states):
                    for m in range(minute_states):
                        rest_value = off_before[off_runs - 1, w, m]
                        if rest_value < source[c, 0, w, m]:
                            source[c, 0, w, m] = rest_value
        _enter(
            work[day],
            source,
            class_cost,
            lengths,
            day,
            after_work,
            counter_next,
            saturating,
            weekend_price,
        )
        if after_work != after_off:  # a new run after a rest counts its weekend apart
            rested[:] = INF
            for c in range(classes):
                rested[c, 0] = off_before[off_runs - 1]
            _enter(
                work[day],
                rested,
                class_cost,
                lengths,
                day,
                after_off,
                counter_next,
                saturating,
                weekend_price,
            )
    return work, off


@njit(WAY_BACK_SIGNATURE, cache=True, nogil=True)
def way_back(  # noqa: PLR0913, PLR0912, C901 one walk over the days, every kind of step inline
    work: np.ndarray,
    off: np.ndarray,
    class_cost: np.ndarray,
    class_pick: np.ndarray,  # [g, day, c]: the template class c works in group g that day
    lengths: np.ndarray,
    class_forbidden: np.ndarray,
    may_end: np.ndarray,
    new_weekend_after_work: np.ndarray,
    new_weekend_after_off: np.ndarray,
    runs: int,
    max_run: int,
    counter_prev: np.ndarray,  # [new weekend, c, k]: the counter state before, -1: none
    saturating: bool,
    weekend_price: float,
    end: np.ndarray,  # the end state: (0, c, r, k, m) worked, (1, l, k, m, 0) off
) -> np.ndarray:
    """The template worked each day (-1: off) on a way of least value into the ``end`` state:
    each day, a state the day before whose value plus the step's cost is the state's value."""
    days, classes = work.shape[0], work.shape[1]
    off_runs, minute_states = off.shape[1], off.shape[3]
    groups = class_cost.shape[0]
    picked = np.full(days, -1, dtype=np.int64)
    kind = end[0]
    c = r = rest = 0
    if kind == 0:
        c, r, w, m = end[1], end[2], end[3], end[4]
    else:
        rest, w, m = end[1], end[2], end[3]
    for day in range(days - 1, -1, -1):
        if kind == 1:
            if day == 0:
                break
            value = off[day, rest, w, m]
            if rest > 0 and _close(off[day - 1, rest - 1, w, m], value):
                rest -= 1
            elif rest == off_runs - 1 and _close(off[day - 1, rest, w, m], value):
                pass
            elif rest == 0:
                found = False
                for u in range(classes):
                    for run in range(runs + 1):
                        if may_end[run] and _close(work[day - 1, u, run, w, m], value):
                            kind, c, r = 0, u, run
                            found = True
                            break
                    if found:
                        break
                if not found:
                    raise AssertionError("no way back from a day off")
            else:
                raise AssertionError("no way back from a day off")
            continue
        value = work[day, c, r, w, m]
        found = False
        for g in range(groups):
            cost = class_cost[g, day, c]
            if cost == np.inf:
                continue
            w_work = counter_prev[1 if new_weekend_after_work[day] else 0, c, w]
            w_off = counter_prev[1 if new_weekend_after_off[day] else 0, c, w]
            extra_work = weekend_price if new_weekend_after_work[day] else 0.0
            extra_off = weekend_price if new_weekend_after_off[day] else 0.0
            low = m - lengths[g]
            high = low
            if saturating and m == minute_states - 1:
                low, high = max(0, low), minute_states - 1
            if high < 0:
                continue
            for m_before in range(max(0, low), high + 1):
                if day == 0:
                    if (
                        r == runs
                        and w_off == 0
                        and m_before == 0
                        and _close(cost + extra_off, value)
                    ):
                        picked[0] = class_pick[g, 0, c]
                        return picked
                    continue
                if r == 0 and w_off >= 0:
                    start = off[day - 1, off_runs - 1, w_off, m_before]
                    if _close(start + cost + extra_off, value):
                        picked[day] = class_pick[g, day, c]
                        kind, rest, w, m = 1, off_runs - 1, w_off, m_before
                        found = True
                        break
                if w_work < 0:
                    continue
                for run_before in (r - 1, r):
                    if run_before == r and not (r == runs or (r == runs - 1 and max_run < 0)):
                        continue
                    if run_before == r - 1 and (r == runs or r == 0):
                        continue
                    for u in range(classes):
                        if class_forbidden[u, c]:
                            continue
                        start = work[day - 1, u, run_before, w_work, m_before]
                        if _close(start + cost + extra_work, value):
                            picked[day] = class_pick[g, day, c]
                            c, r, w, m = u, run_before, w_work, m_before
                            found = True
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                break
        if not found:
            raise AssertionError("no way back from a worked day")
    return picked
