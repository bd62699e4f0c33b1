"""HTML forms into data models, with each validation message keyed by its field."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from scheduler.services.errors import FieldError

Model = TypeVar("Model", bound=BaseModel)
FORM_ONLY = frozenset({"csrf_token", "lock_version"})


class FormErrors(dict[str, str]):
    """Field name -> message; ``__all__`` for errors of the form as a whole."""

    @classmethod
    def of(cls, exc: ValidationError | FieldError) -> "FormErrors":
        errors = cls()
        if isinstance(exc, FieldError):
            errors[exc.field] = exc.message
            return errors
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "__all__"
            message = str(error["msg"]).removeprefix("Value error, ")
            errors.setdefault(field, message)
        return errors


def form_values(
    form: FormData,
    *,
    checkboxes: Iterable[str] = (),
    joined: Iterable[str] = (),
    fields: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Submitted text, blanks as None (an empty optional field means "none"), checkboxes as
    booleans (an unticked box is not sent at all), ``joined`` multi-choices as one string."""
    values: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key in FORM_ONLY or not isinstance(value, str):
            continue
        values[key] = value.strip() or None
    for box in checkboxes:
        values[box] = box in form
    for name in joined:
        # Every box unticked is a real answer ("never"), not a blank to default.
        values[name] = "".join(v for v in form.getlist(name) if isinstance(v, str))
    if fields is not None:
        allowed = set(fields)
        values = {k: v for k, v in values.items() if k in allowed}
    return values


def parse(model: type[Model], values: Mapping[str, Any]) -> Model:
    """Validate ``values`` as ``model``; blanks are left out so defaults apply."""
    return model.model_validate({k: v for k, v in values.items() if v is not None})


def parse_update(model: type[Model], values: Mapping[str, Any]) -> Model:
    """Validate an edit form: every shown field is set, blanks clear optional fields."""
    return model.model_validate(dict(values))


@dataclass(frozen=True)
class FieldSpec:
    """How one form field is drawn: ``kind`` is an input type, or "select"/"weekdays"."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    step: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    hint: str = ""


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def shown_values(row: BaseModel | None) -> dict[str, Any]:
    """A stored row as form values: times as HH:MM, None as blank, booleans kept."""
    if row is None:
        return {}
    shown: dict[str, Any] = {}
    for key, value in row.model_dump().items():
        if isinstance(value, bool):
            shown[key] = value
        elif isinstance(value, dt.time):
            shown[key] = value.strftime("%H:%M")
        elif isinstance(value, Enum):
            shown[key] = value.value
        else:
            shown[key] = "" if value is None else str(value)
    return shown


def options_of(
    rows: Iterable[Any], *, blank: str | None = None, label: str = "code"
) -> tuple[tuple[str, str], ...]:
    choices = [("", blank)] if blank is not None else []
    choices += [(str(row.id), str(getattr(row, label))) for row in rows]
    return tuple(choices)


async def read_form(request: Request) -> FormData:
    """The submitted form (parsed once: the CSRF check has usually read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]
