"""Teleradiology neighbourhoods for the large-neighbourhood search (solver.lns): regions and weeks.

Readers licensed in one region compete for its demand; readers licensed in two regions carry
capacity between them. So a natural part of a national roster to re-solve is a region (or two
regions that share readers) over a window of days a little longer than a week, and the part most
worth re-solving is where the current roster leaves demand unread.

* ``region_window``: the readers licensed in a random region, over a window of days.
* ``region_pair_window``: the same for two regions that share licensed readers.
* ``shortfall_window``: the readers who may work the region and days where the current roster
  leaves the most reading demand unread (drawn at random, weighted by the shortfall), over a
  window around those days.

Each returns (reader, day) cells sized to about ``view.size`` of all cells: the window shrinks,
and the readers are sampled, to stay near that size. ``TELERADIOLOGY_NEIGHBOURHOODS`` adds them to
solver.lns's general ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from solver.lns import DEFAULT_NEIGHBOURHOODS, Cell, LnsView, Neighbourhood
from solver.region_facts import licensed_readers, linked_region_pairs, shortfall_by_region_day

# a window a little longer than a week, so consecutive windows overlap
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 3, 10


def region_window(view: LnsView) -> list[Cell]:
    """The readers licensed in one random region over a window of days."""
    licensed = licensed_readers(view.problem)
    if not licensed:
        return []
    region = view.rng.choice(sorted(licensed))
    return _cells(view, sorted(licensed[region]), _random_start(view))


def region_pair_window(view: LnsView) -> list[Cell]:
    """The readers of two regions that share licensed readers, over a window of days."""
    pairs = linked_region_pairs(view.problem)
    if not pairs:
        return region_window(view)
    first, second = view.rng.choices(list(pairs), weights=list(pairs.values()))[0]
    licensed = licensed_readers(view.problem)
    readers = sorted(licensed[first] | licensed[second])
    return _cells(view, readers, _random_start(view))


def shortfall_window(view: LnsView) -> list[Cell]:
    """The readers of a region where demand goes unread, over a window around such a day."""
    short = shortfall_by_region_day(view.problem, view.roster)
    if not short:
        return region_window(view)
    (region, day), _ = view.rng.choices(list(short.items()), weights=list(short.values()))[0]
    readers = sorted(licensed_readers(view.problem)[region])
    length = _window_length(view, len(readers))
    start = max(0, min(view.problem.num_days - length, day - view.rng.randrange(length)))
    return _cells(view, readers, start, length)


TELERADIOLOGY_NEIGHBOURHOODS: Mapping[str, Neighbourhood] = {
    **DEFAULT_NEIGHBOURHOODS,
    "region": region_window,
    "region pair": region_pair_window,
    "shortfall": shortfall_window,
}


def _cells(
    view: LnsView, readers: Sequence[str], start: int, length: int | None = None
) -> list[Cell]:
    """``readers`` (sampled down when even the shortest window would be too large) over
    ``length`` days from ``start``."""
    if not readers:
        return []
    length = length or _window_length(view, len(readers))
    num_days = view.problem.num_days
    start = max(0, min(start, num_days - length))
    target = view.size * len(view.problem.radiologists) * num_days
    most_readers = max(1, math.floor(target / length))
    if len(readers) > most_readers:
        readers = view.rng.sample(list(readers), most_readers)
    return [(reader, day) for reader in readers for day in range(start, start + length)]


def _window_length(view: LnsView, readers: int) -> int:
    """Days that make ``readers`` x days about ``view.size`` of all cells, within the bounds."""
    num_days = view.problem.num_days
    target = view.size * len(view.problem.radiologists) * num_days
    length = round(target / max(1, readers))
    return max(1, min(num_days, max(MIN_WINDOW_DAYS, min(MAX_WINDOW_DAYS, length))))


def _random_start(view: LnsView) -> int:
    return view.rng.randrange(view.problem.num_days)
