"""Markdown table of `teleroster bench curtois` JSON lines, for benchmarks/RESULTS.md.

    python benchmarks/curtois_table.py RUNS.jsonl [MORE.jsonl ...] [--best-known best_known.tsv]

A later line for the same instance replaces an earlier one, so reruns can be appended to one file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scheduler.benchmarks.run import BestKnown, read_best_known


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--best-known", type=Path)
    args = parser.parse_args()
    known = read_best_known(args.best_known) if args.best_known else {}
    runs: dict[str, dict[str, Any]] = {}
    for path in args.runs:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if line.strip():
                try:
                    run = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}, line {number}: not JSON ({exc.msg})") from None
                runs[run["instance"]] = run
    print(table(sorted(runs.values(), key=lambda r: _number(r["instance"])), known))


def table(runs: list[dict[str, Any]], known: dict[str, BestKnown]) -> str:
    header = (
        "| instance | status | objective | evaluated | bound | best known | best LB "
        "| obj / best known | seconds | first feasible s | violations |"
    )
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    for run in runs:
        best = known.get(run["instance"])
        objective = run["objective"]
        ratio = f"{objective / best.upper_bound:.3f}" if best and objective is not None else "-"
        cells = [
            run["instance"],
            run["status"],
            objective,
            run["evaluated_objective"],
            run["best_bound"],
            best.upper_bound if best else None,
            best.lower_bound if best else None,
            ratio,
            run["seconds"],
            run["first_feasible_seconds"],
            run["hard_violations"],
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    return str(value)


def _number(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else 0


if __name__ == "__main__":
    main()
