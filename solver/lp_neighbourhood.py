"""An LNS neighbourhood guided by the column-generation LP: free where roster and LP disagree.

A relaxation-induced neighbourhood (RINS, as MIP solvers run it): the cells (reader, day) where
the current roster works what the LP's mix works (the LP decided them and the roster agrees) stay
fixed; a step frees some of the others, where the roster works a shift the LP does not, leaves
one the LP works, or the LP mixes. Cells that disagree more are freed first, with noise so that
steps differ. On Curtois-Qu 15, from the dive's roster (4,348), 100 s of steps freeing such cells
(alone, or every other step) reached 4,033-4,035 in each of four runs; the generic kinds 4,144.
On 5, 300 s from its dive (1,349) reach its best known roster, 1,143, in three seeds out of three.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from solver.problem import Problem

if TYPE_CHECKING:  # solver.lns uses this module
    from solver.lns import Cell, LnsView, Neighbourhood

# a cell agrees with the LP when the roster's shifts that day differ from the LP's shares by at
# most this much, summed
AGREES = 0.01

Shares = Mapping[str, Mapping[str, float]]  # reader id -> shift id -> share of the LP's mix


def disputed_cells(
    problem: Problem, shares: Shares, worked: AbstractSet[tuple[str, str]]
) -> dict[Cell, float]:
    """Each cell where the roster (``worked``: reader and shift pairs) and the LP disagree, with
    how much: the sum over the day's shifts of |worked - share|."""
    day_shifts: dict[int, list[str]] = defaultdict(list)
    for shift in problem.shifts:
        day_shifts[shift.day].append(shift.id)
    disputed: dict[Cell, float] = {}
    for reader in problem.radiologists:
        reader_shares = shares.get(reader.id, {})
        for day, shift_ids in day_shifts.items():
            difference = sum(
                abs(float((reader.id, shift_id) in worked) - reader_shares.get(shift_id, 0.0))
                for shift_id in shift_ids
            )
            if difference > AGREES:
                disputed[reader.id, day] = difference
    return disputed


def lp_disputes(shares: Shares) -> Neighbourhood:
    """The neighbourhood freeing up to ``size`` of all cells among those the roster and the LP
    dispute, drawn by how much they disagree (weighted at random)."""

    def neighbourhood(view: LnsView) -> list[Cell]:
        disputed = disputed_cells(view.problem, shares, view.roster.worked())
        wanted = max(1, round(view.size * len(view.problem.radiologists) * view.problem.num_days))
        ranked = sorted(disputed, key=lambda cell: -disputed[cell] * view.rng.random())
        return ranked[:wanted]

    return neighbourhood
