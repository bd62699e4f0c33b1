"""A sweep's grid: named dimensions, each a set of labelled options (a list of changes); the sweep
runs every combination. Read from YAML or JSON:

    name: winter-plan            # optional; the CLI's --name wins
    period: 1                    # optional; the CLI's --period wins
    time_limit: 20               # seconds per scenario, optional
    workers: 1                   # CP-SAT workers per scenario, optional
    dimensions:
      growth:
        "0%": []
        "+5%": [{kind: volume_growth, percent: 5}]
      hiring:
        none: []
        2 neuro: [{kind: hire, count: 2, skills: [neuro], licences: [NO-NL]}]

Errors name the file and the place in it (``grid.yaml: dimensions.hiring."2 neuro", change 1,
field 'count': ...``).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scheduler.scenarios.changes import Change, ChangeError, parse_changes

MAX_SCENARIOS = 2000  # a typo in a grid should not queue a week of solves
TOP_LEVEL = ("name", "period", "time_limit", "workers", "dimensions")


class GridError(ValueError):
    pass


@dataclass(frozen=True)
class GridOption:
    label: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Grid:
    dimensions: tuple[tuple[str, tuple[GridOption, ...]], ...]
    raw: dict[str, Any]
    name: str | None = None
    period: int | None = None
    time_limit: float | None = None
    workers: int | None = None

    @property
    def size(self) -> int:
        size = 1
        for _, options in self.dimensions:
            size *= len(options)
        return size

    def combinations(self) -> list[tuple[str, list[Change]]]:
        """(label such as "growth=+5% · hiring=none", the options' changes in dimension order)."""
        names = [name for name, _ in self.dimensions]
        combos = []
        for chosen in itertools.product(*(options for _, options in self.dimensions)):
            label = " · ".join(f"{n}={o.label}" for n, o in zip(names, chosen, strict=True))
            combos.append((label, [c for option in chosen for c in option.changes]))
        return combos


def load_grid(path: Path) -> Grid:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GridError(f"{path}: cannot read the grid ({exc.strerror})") from exc
    return parse_grid_text(text, source=str(path), as_json=path.suffix.lower() == ".json")


def parse_grid_text(text: str, *, source: str, as_json: bool = False) -> Grid:
    try:
        data = json.loads(text) if as_json else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise GridError(f"{source}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise GridError(f"{source}{where}: not valid YAML ({exc})") from exc
    return parse_grid(data, source=source)


def parse_grid(data: object, *, source: str) -> Grid:
    if not isinstance(data, dict):
        raise GridError(f"{source}: a grid is a mapping with 'dimensions'")
    unknown = sorted(set(map(str, data)) - set(TOP_LEVEL))
    if unknown:
        raise GridError(f"{source}: field {unknown[0]!r} is not one of {', '.join(TOP_LEVEL)}")
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, dict) or not dimensions:
        raise GridError(f"{source}: field 'dimensions' must map names to options")
    parsed = []
    for name, options in dimensions.items():
        where = f"{source}: dimensions.{name}"
        if not isinstance(options, dict) or not options:
            raise GridError(f"{where}: must map option labels to lists of changes")
        choices = []
        for label, raw in options.items():
            try:
                changes = parse_changes([] if raw is None else raw)
            except ChangeError as exc:
                raise GridError(f'{where}."{label}": {exc}') from exc
            choices.append(GridOption(str(label), tuple(changes)))
        parsed.append((str(name), tuple(choices)))
    grid = Grid(
        dimensions=tuple(parsed),
        raw=data,
        name=_optional(data, "name", str, source),
        period=_optional(data, "period", int, source),
        time_limit=_optional(data, "time_limit", float, source),
        workers=_optional(data, "workers", int, source),
    )
    if grid.size > MAX_SCENARIOS:
        raise GridError(f"{source}: {grid.size} combinations; at most {MAX_SCENARIOS} per sweep")
    return grid


def _optional(data: dict[str, Any], field: str, kind: type[Any], source: str) -> Any:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind | (int if kind is float else kind)):
        raise GridError(f"{source}: field {field!r} must be a {kind.__name__}, got {value!r}")
    if kind in (int, float) and value <= 0:
        raise GridError(f"{source}: field {field!r} must be > 0, got {value!r}")
    return kind(value)
