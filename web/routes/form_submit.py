"""A submitted create/edit form handed to its service: on success a redirect (303), else the
form again with each error beside its field (422) and nothing of the attempt kept."""

from collections.abc import Callable
from typing import TypeVar

from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from scheduler.services.errors import FieldError
from web.routes.forms import FormErrors

Saved = TypeVar("Saved")
FORM_REFUSED = 422


def submit_form(
    session: Session,
    save: Callable[[], Saved],
    *,
    then: str | Callable[[Saved], str],
    form_again: Callable[[FormErrors], Response],
) -> Response:
    """Run ``save`` (parse the form's values, call the service); go to ``then`` (or the address
    it makes of what was saved), or return ``form_again(errors)`` when the values are refused.
    ``form_again`` draws the page with status ``FORM_REFUSED``."""
    try:
        saved = save()
    except (ValidationError, FieldError) as exc:
        session.rollback()  # an edit may have changed the loaded row before it was refused
        return form_again(FormErrors.of(exc))
    target = then if isinstance(then, str) else then(saved)
    return RedirectResponse(target, status_code=303)
