"""Enumerations, stored as strings. Shift and availability kinds are the solver's own."""

from enum import StrEnum

from solver.problem import AvailabilityKind, ShiftKind

__all__ = [
    "AvailabilityKind",
    "JobStatus",
    "PeriodStatus",
    "RosterStatus",
    "ShiftKind",
    "StudyPriority",
]


class PeriodStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # radiologists may enter availability
    PUBLISHED = "published"


class RosterStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class StudyPriority(StrEnum):
    STAT = "stat"
    ED = "ed"
    INPATIENT = "inpatient"
    OUTPATIENT = "outpatient"
