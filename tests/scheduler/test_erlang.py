"""Erlang B/C against values worked out by hand (arithmetic in each test), plus stability checks."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.forecast.erlang import erlang_b, erlang_c, prob_wait_exceeds, readers_needed


def test_erlang_b_by_hand() -> None:
    # B(1, 1) = a / (1 + a) = 1/2; B(2, 1) = (a^2/2!) / (1 + a + a^2/2!) = 0.5 / 2.5 = 0.2
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_b(0, 3.0) == 1.0


def test_erlang_c_by_hand() -> None:
    # c=2, a=1: top = a^2/2! * 2/(2-1) = 1; bottom = (1 + 1) + 1 = 3  ->  C = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # c=3, a=2: top = 8/6 * 3/(3-2) = 4; bottom = (1 + 2 + 2) + 4 = 9  ->  C = 4/9
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    # c=4, a=2: top = 16/24 * 4/2 = 4/3; bottom = (1 + 2 + 2 + 8/6) + 4/3 = 23/3  ->  C = 4/23
    assert erlang_c(4, 2.0) == pytest.approx(4 / 23)


def test_unstable_queue_always_waits() -> None:
    assert erlang_c(2, 2.0) == 1.0
    assert erlang_c(1, 3.5) == 1.0
    assert prob_wait_exceeds(2, arrivals_per_hour=6, minutes_per_study=20, wait_minutes=30) == 1.0


def test_prob_wait_exceeds_by_hand() -> None:
    # lambda = 6/h, 20 min a study -> mu = 3/h, a = 2; c = 3: C = 4/9 (above).
    # P(wait > 10 min) = 4/9 * exp(-(3*3 - 6) * 10/60) = 0.44444 * 0.60653 = 0.26957
    p = prob_wait_exceeds(3, arrivals_per_hour=6, minutes_per_study=20, wait_minutes=10)
    assert p == pytest.approx(4 / 9 * math.exp(-0.5))
    assert p == pytest.approx(0.269569, abs=1e-6)


def test_readers_needed_by_hand() -> None:
    # Same stream, target 10 min. c = 3: P = 0.2696 (above).
    # c = 4: C = 4/23, P = 4/23 * exp(-(12 - 6) * 10/60) = 0.1739 * e^-1 = 0.0640.
    assert readers_needed(6, 20, wait_minutes=10, max_late_fraction=0.3) == 3
    assert readers_needed(6, 20, wait_minutes=10, max_late_fraction=0.2) == 4
    # c must exceed a = 2 even when a wait target is generous.
    assert readers_needed(6, 20, wait_minutes=600, max_late_fraction=0.5) == 3


def test_one_reader_for_a_thin_stream() -> None:
    # a = 0.5/h * 10/60 = 1/12; c = 1: C = a = 1/12; P(wait > 20 min) = 1/12 * exp(-(6 - 0.5)/3)
    assert readers_needed(0.5, 10, wait_minutes=20, max_late_fraction=0.1) == 1
    assert readers_needed(0.0, 10, wait_minutes=20, max_late_fraction=0.1) == 0


def test_large_loads_are_stable() -> None:
    # a = 500 readers' worth: a^c / c! overflows floats, the recursion does not.
    c = erlang_c(520, 500.0)
    assert 0.0 < c < 1.0
    direct = _erlang_c_logs(520, 500.0)
    assert c == pytest.approx(direct, rel=1e-9)
    needed = readers_needed(3000, 10, wait_minutes=5, max_late_fraction=0.05)
    assert 500 < needed < 600


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="minutes_per_study"):
        readers_needed(1, 0, wait_minutes=10, max_late_fraction=0.1)
    with pytest.raises(ValueError, match="max_late_fraction"):
        readers_needed(1, 10, wait_minutes=10, max_late_fraction=1.5)
    with pytest.raises(ValueError, match="arrival rate"):
        readers_needed(-1, 10, wait_minutes=10, max_late_fraction=0.1)
    with pytest.raises(ValueError, match="check the units"):
        readers_needed(1e9, 60, wait_minutes=1, max_late_fraction=0.1)


@given(a=st.floats(0.01, 30.0), extra=st.integers(1, 15))
def test_recursion_matches_the_formula(a: float, extra: int) -> None:
    c = math.floor(a) + extra
    assert erlang_c(c, a) == pytest.approx(_erlang_c_logs(c, a), rel=1e-9)
    assert erlang_c(c + 1, a) <= erlang_c(c, a)


def _erlang_c_logs(c: int, a: float) -> float:
    """The textbook formula, each term as exp(log) so large c does not overflow."""
    log_terms = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_top = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    peak = max([*log_terms, log_top])
    bottom = sum(math.exp(t - peak) for t in log_terms) + math.exp(log_top - peak)
    return math.exp(log_top - peak) / bottom
