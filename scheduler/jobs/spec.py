"""What a job was asked to do, as stored in ``SolveJob.options_json``.

The JSON is ``{"solve": {<SolveOptions fields>}, "reference_roster_id": int | null}``, so the row
alone is enough for any worker, in any process or on any host, to run the job.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from solver.options import SolveOptions

_OPTION_FIELDS = frozenset(f.name for f in dataclasses.fields(SolveOptions))


class JobSpecError(ValueError):
    """``options_json`` of a job cannot be read back."""


@dataclass(frozen=True)
class JobSpec:
    options: SolveOptions = field(default_factory=SolveOptions)
    reference_roster_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "solve": dataclasses.asdict(self.options),
                "reference_roster_id": self.reference_roster_id,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str, *, job_id: int | None = None) -> JobSpec:
        where = f"solve job {job_id}, options_json" if job_id is not None else "options_json"
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise JobSpecError(f"{where}: not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise JobSpecError(f"{where}: expected an object, got {type(data).__name__}")
        unknown = set(data) - {"solve", "reference_roster_id"}
        if unknown:
            raise JobSpecError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        return cls(
            options=_options(data.get("solve", {}), where),
            reference_roster_id=_reference(data.get("reference_roster_id"), where),
        )


def _options(data: Any, where: str) -> SolveOptions:
    if not isinstance(data, dict):
        raise JobSpecError(f"{where}, field solve: expected an object")
    unknown = set(data) - _OPTION_FIELDS
    if unknown:
        raise JobSpecError(f"{where}, field solve: unknown option(s) {', '.join(sorted(unknown))}")
    try:
        return SolveOptions(**data)
    except (TypeError, ValueError) as exc:
        raise JobSpecError(f"{where}, field solve: {exc}") from exc


def _reference(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise JobSpecError(f"{where}, field reference_roster_id: expected an integer, got {value!r}")
