"""Errors the service functions raise; the web maps each to one HTTP status (404, 403, 409, 422)."""

from __future__ import annotations


class NotFound(LookupError):
    """The row asked for does not exist (404)."""


class OutOfScope(PermissionError):
    """The user may not see or change data of that region (403)."""


class StaleVersion(RuntimeError):
    """The roster changed since the editor loaded it: their ``lock_version`` is old (409)."""


class Conflict(RuntimeError):
    """The action does not fit the current state (already published, job finished...) (409)."""


class FieldError(ValueError):
    """One input field is wrong; ``field`` names it so a form shows the message beside it (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
