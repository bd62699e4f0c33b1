"""Erlang C (M/M/c) sizing: how many readers keep urgent studies from waiting too long.

Studies arrive as a Poisson stream of rate lambda (studies per hour); each reader reads one study at
a time, taking an exponential time of mean ``minutes_per_study``, so the service rate is mu = 60 /
minutes_per_study per hour, and the offered load is a = lambda / mu (in readers). With c readers and
c > a:

    P(wait > 0) = C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k<c} a^k / k! + a^c / c! * c / (c - a)]

    P(wait > t) = C(c, a) * exp(-(c * mu - lambda) * t)

With c <= a the queue grows without bound and every study waits. The sizing is the smallest c > a
with P(wait > target) <= the allowed late fraction.

Factorials overflow long before c gets large, so C is computed from the Erlang B blocking
probability by the stable recursion B(0, a) = 1, B(k, a) = a B(k-1, a) / (k + a B(k-1, a)), and then
C(c, a) = c B(c, a) / (c - a (1 - B(c, a))).
"""

from __future__ import annotations

import math

MINUTES_PER_HOUR = 60.0
MAX_READERS = (
    10_000  # a sizing past this means the input is wrong (rates per minute given as per hour...)
)


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of an M/M/c/c system with offered load ``a``."""
    _check_load(a)
    if c < 0:
        raise ValueError(f"servers c={c} must be >= 0")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arriving study waits at all, C(c, a); 1 when c <= a (unstable queue)."""
    _check_load(a)
    if c <= a:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def prob_wait_exceeds(
    c: int, arrivals_per_hour: float, minutes_per_study: float, wait_minutes: float
) -> float:
    """P(wait > ``wait_minutes``) for an M/M/c queue: C(c, a) * exp(-(c mu - lambda) t)."""
    mu = _service_rate(minutes_per_study)
    a = arrivals_per_hour / mu
    if c <= a:
        return 1.0
    hours = wait_minutes / MINUTES_PER_HOUR
    return erlang_c(c, a) * math.exp(-(c * mu - arrivals_per_hour) * hours)


def readers_needed(
    arrivals_per_hour: float,
    minutes_per_study: float,
    wait_minutes: float,
    max_late_fraction: float,
) -> int:
    """Smallest c > a with P(wait > ``wait_minutes``) <= ``max_late_fraction``; 0 if nothing comes.

    B(c, a) is carried along c, so the search costs O(c) in total.
    """
    if not 0.0 < max_late_fraction < 1.0:
        raise ValueError(f"max_late_fraction {max_late_fraction} must be between 0 and 1")
    if wait_minutes < 0:
        raise ValueError(f"wait_minutes {wait_minutes} must be >= 0")
    mu = _service_rate(minutes_per_study)
    if arrivals_per_hour < 0 or not math.isfinite(arrivals_per_hour):
        raise ValueError(f"arrival rate {arrivals_per_hour} must be a finite number >= 0")
    if arrivals_per_hour == 0:
        return 0
    a = arrivals_per_hour / mu
    hours = wait_minutes / MINUTES_PER_HOUR
    b = 1.0
    for c in range(1, MAX_READERS + 1):
        b = a * b / (c + a * b)
        if c <= a:
            continue
        waits = c * b / (c - a * (1.0 - b))
        if waits * math.exp(-(c * mu - arrivals_per_hour) * hours) <= max_late_fraction:
            return c
    raise ValueError(
        f"more than {MAX_READERS} readers needed for {arrivals_per_hour} studies/hour at "
        f"{minutes_per_study} min each: check the units"
    )


def _service_rate(minutes_per_study: float) -> float:
    if not minutes_per_study > 0 or not math.isfinite(minutes_per_study):
        raise ValueError(f"minutes_per_study {minutes_per_study} must be a finite number > 0")
    return MINUTES_PER_HOUR / minutes_per_study


def _check_load(a: float) -> None:
    if a < 0 or not math.isfinite(a):
        raise ValueError(f"offered load {a} must be a finite number >= 0")
