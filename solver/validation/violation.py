"""A broken hard rule, and the plain words that name who and when."""

from __future__ import annotations

from dataclasses import dataclass

from solver.problem import Problem, Radiologist


@dataclass(frozen=True, kw_only=True)
class Violation:
    """One broken hard rule: ``rule`` is a short machine name, ``message`` plain words."""

    rule: str
    radiologist: str | None
    day: int | None
    shift_id: str | None
    message: str


def who(reader: Radiologist) -> str:
    name = reader.name or reader.id
    return name if name.startswith("Dr ") else f"Dr {name}"


def on(problem: Problem, day: int) -> str:
    return problem.date_of(day).isoformat()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
