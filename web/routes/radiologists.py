"""Pages for radiologists, their skills and licences (with expiry warnings)."""

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from scheduler import models as m
from scheduler.services import licences, radiologists
from scheduler.services.catalogue import list_subspecialties
from scheduler.services.errors import FieldError
from scheduler.services.overview import list_regions
from scheduler.services.scope import RegionScope
from web.deps import CsrfProtected, SessionDep
from web.routes.form_submit import FORM_REFUSED, submit_form
from web.routes.forms import (
    FieldSpec,
    FormDep,
    FormErrors,
    form_values,
    options_of,
    parse,
    parse_update,
    shown_values,
)
from web.routes.scoping import ManagerScope
from web.templating import templates

router = APIRouter(tags=["radiologist pages"], include_in_schema=False)
unsafe = [CsrfProtected]


def _regions(session: Session, scope: RegionScope) -> list[m.Region]:
    return [r for r in list_regions(session=session) if scope.allows(r.id)]


def radiologist_fields(regions: list[m.Region]) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("code", "Code", required=True),
        FieldSpec("name", "Name", required=True),
        FieldSpec("email", "Email", kind="email", required=True),
        FieldSpec("fte", "FTE", kind="number", step="0.05", required=True, hint="0.05 to 1.0"),
        FieldSpec(
            "home_time_zone", "Home time zone", required=True, hint="IANA name, e.g. Europe/Oslo"
        ),
        FieldSpec(
            "home_region_id",
            "Home region",
            kind="select",
            options=options_of(regions, blank="— none —"),
        ),
        FieldSpec("active", "Active", kind="checkbox"),
    )


def skill_fields(session: Session) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(
            "subspecialty_id",
            "Subspecialty",
            kind="select",
            required=True,
            options=options_of(list_subspecialties(session=session), blank="— choose —"),
        ),
        FieldSpec("level", "Level", kind="select", options=(("1", "1"), ("2", "2"), ("3", "3"))),
    )


def licence_fields(regions: list[m.Region]) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(
            "region_id",
            "Region",
            kind="select",
            required=True,
            options=options_of(regions, blank="— choose —"),
        ),
        FieldSpec("number", "Licence number"),
        FieldSpec("valid_from", "Valid from", kind="date", required=True),
        FieldSpec("valid_to", "Valid to", kind="date", hint="blank: no end date"),
    )


@router.get("/radiologists", response_class=HTMLResponse)
def radiologists_page(request: Request, session: SessionDep, scope: ManagerScope) -> Response:
    today = dt.date.today()
    rows = licences.list_licences(
        session=session,
        scope=scope,
        today=today,
        period_end=licences.next_period_end(session=session, today=today),
    )
    by_reader: dict[int, list[licences.LicenceRow]] = {}
    for row in rows:
        by_reader.setdefault(row.licence.radiologist_id, []).append(row)
    return templates.TemplateResponse(
        request=request,
        name="manager/radiologists.html",
        context={
            "readers": radiologists.list_radiologists(session=session, scope=scope),
            "licences": by_reader,
            "regions": {r.id: r.code for r in list_regions(session=session)},
        },
    )


@router.get("/radiologists/new", response_class=HTMLResponse)
def new_radiologist_page(request: Request, session: SessionDep, scope: ManagerScope) -> Response:
    values = {"fte": "1.0", "active": True, "home_time_zone": "Europe/Oslo"}
    return _new_form(request, session, scope, values, FormErrors())


@router.post("/radiologists/new", response_class=HTMLResponse, dependencies=unsafe)
def create_radiologist_form(
    request: Request, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form, checkboxes=["active"])
    return submit_form(
        session,
        lambda: radiologists.create_radiologist(
            session=session, scope=scope, radiologist_in=parse(m.RadiologistCreate, values)
        ),
        then=lambda reader: f"/radiologists/{reader.id}?saved=1",
        form_again=lambda errors: _new_form(
            request, session, scope, values, errors, status=FORM_REFUSED
        ),
    )


def _new_form(
    request: Request,
    session: Session,
    scope: RegionScope,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    return templates.TemplateResponse(
        request=request,
        name="manager/radiologist_new.html",
        context={
            "fields": radiologist_fields(_regions(session, scope)),
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.get("/radiologists/{radiologist_id}", response_class=HTMLResponse)
def radiologist_page(
    request: Request, radiologist_id: int, session: SessionDep, scope: ManagerScope
) -> Response:
    reader = radiologists.get_radiologist(
        session=session, scope=scope, radiologist_id=radiologist_id
    )
    return _reader_page(request, session, scope, reader)


@router.post("/radiologists/{radiologist_id}", response_class=HTMLResponse, dependencies=unsafe)
def update_radiologist_form(
    request: Request, radiologist_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form, checkboxes=["active"])
    return submit_form(
        session,
        lambda: radiologists.update_radiologist(
            session=session,
            scope=scope,
            radiologist_id=radiologist_id,
            radiologist_in=parse_update(m.RadiologistUpdate, values),
        ),
        then=f"/radiologists/{radiologist_id}?saved=1",
        form_again=_reader_page_again(request, session, scope, radiologist_id, "details", values),
    )


@router.post(
    "/radiologists/{radiologist_id}/skills", response_class=HTMLResponse, dependencies=unsafe
)
def add_skill_form(
    request: Request, radiologist_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form) | {"radiologist_id": radiologist_id}
    return submit_form(
        session,
        lambda: radiologists.add_skill(
            session=session, scope=scope, skill_in=parse(m.SkillCreate, values)
        ),
        then=f"/radiologists/{radiologist_id}#skills",
        form_again=_reader_page_again(request, session, scope, radiologist_id, "skill", values),
    )


@router.post("/skills/{skill_id}", dependencies=unsafe)
def update_skill_form(
    skill_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    """The level select beside each skill; a bad level is refused (422)."""
    try:
        skill_in = parse(m.SkillUpdate, form_values(form, fields=["level"]))
    except ValidationError as exc:
        raise FieldError("level", "; ".join(FormErrors.of(exc).values())) from exc
    skill = radiologists.update_skill(
        session=session, scope=scope, skill_id=skill_id, skill_in=skill_in
    )
    return RedirectResponse(f"/radiologists/{skill.radiologist_id}#skills", status_code=303)


@router.post("/skills/{skill_id}/remove", dependencies=unsafe)
def remove_skill_form(skill_id: int, session: SessionDep, scope: ManagerScope) -> Response:
    reader_id = session.get(m.Skill, skill_id)
    radiologists.remove_skill(session=session, scope=scope, skill_id=skill_id)
    target = f"/radiologists/{reader_id.radiologist_id}#skills" if reader_id else "/radiologists"
    return RedirectResponse(target, status_code=303)


@router.post(
    "/radiologists/{radiologist_id}/licences", response_class=HTMLResponse, dependencies=unsafe
)
def add_licence_form(
    request: Request, radiologist_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form) | {"radiologist_id": radiologist_id}
    return submit_form(
        session,
        lambda: licences.create_licence(
            session=session, scope=scope, licence_in=parse(m.LicenceCreate, values)
        ),
        then=f"/radiologists/{radiologist_id}#licences",
        form_again=_reader_page_again(request, session, scope, radiologist_id, "licence", values),
    )


@router.get("/licences/{licence_id}", response_class=HTMLResponse)
def licence_page(
    request: Request, licence_id: int, session: SessionDep, scope: ManagerScope
) -> Response:
    licence = licences.editable_licence(session=session, scope=scope, licence_id=licence_id)
    return _licence_form(request, session, licence, shown_values(licence), FormErrors())


@router.post("/licences/{licence_id}", response_class=HTMLResponse, dependencies=unsafe)
def update_licence_form(
    request: Request, licence_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    licence = licences.editable_licence(session=session, scope=scope, licence_id=licence_id)
    values = form_values(form, fields=[spec.name for spec in LICENCE_EDIT_FIELDS])
    return submit_form(
        session,
        lambda: licences.update_licence(
            session=session,
            scope=scope,
            licence_id=licence_id,
            licence_in=parse_update(m.LicenceUpdate, values),
        ),
        then=f"/radiologists/{licence.radiologist_id}#licences",
        form_again=lambda errors: _licence_form(
            request, session, licence, values, errors, FORM_REFUSED
        ),
    )


LICENCE_EDIT_FIELDS = (
    FieldSpec("number", "Licence number"),
    FieldSpec("valid_from", "Valid from", kind="date", required=True),
    FieldSpec("valid_to", "Valid to", kind="date", hint="blank: no end date"),
)


def _licence_form(
    request: Request,
    session: Session,
    licence: m.Licence,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    return templates.TemplateResponse(
        request=request,
        name="manager/licence.html",
        context={
            "licence": licence,
            "reader": session.get(m.Radiologist, licence.radiologist_id),
            "region": session.get(m.Region, licence.region_id),
            "fields": LICENCE_EDIT_FIELDS,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.post("/licences/{licence_id}/remove", dependencies=unsafe)
def remove_licence_form(licence_id: int, session: SessionDep, scope: ManagerScope) -> Response:
    licence = licences.editable_licence(session=session, scope=scope, licence_id=licence_id)
    reader_id = licence.radiologist_id
    licences.remove_licence(session=session, scope=scope, licence_id=licence_id)
    return RedirectResponse(f"/radiologists/{reader_id}#licences", status_code=303)


@router.get("/licences", response_class=HTMLResponse)
def licences_page(
    request: Request, session: SessionDep, scope: ManagerScope, today: dt.date | None = None
) -> Response:
    today = today or dt.date.today()
    period_end = licences.next_period_end(session=session, today=today)
    rows = licences.list_licences(session=session, scope=scope, today=today, period_end=period_end)
    return templates.TemplateResponse(
        request=request,
        name="manager/licences.html",
        context={"rows": rows, "today": today, "period_end": period_end},
    )


# The radiologist page's forms: where each one's submitted values and errors go.
READER_PAGE_FORMS = {
    "details": ("values", "errors"),
    "skill": ("skill_values", "skill_errors"),
    "licence": ("licence_values", "licence_errors"),
}


def _reader_page_again(
    request: Request,
    session: Session,
    scope: RegionScope,
    radiologist_id: int,
    form: Literal["details", "skill", "licence"],
    values: dict[str, Any],
) -> Callable[[FormErrors], Response]:
    """The radiologist's page with one of its forms refused: its values kept, errors shown."""

    def again(errors: FormErrors) -> Response:
        reader = radiologists.get_radiologist(
            session=session, scope=scope, radiologist_id=radiologist_id
        )
        values_key, errors_key = READER_PAGE_FORMS[form]
        refused: dict[str, Any] = {values_key: values, errors_key: errors}
        return _reader_page(request, session, scope, reader, status=FORM_REFUSED, **refused)

    return again


def _reader_page(
    request: Request,
    session: Session,
    scope: RegionScope,
    reader: m.Radiologist,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    skill_values: dict[str, Any] | None = None,
    skill_errors: FormErrors | None = None,
    licence_values: dict[str, Any] | None = None,
    licence_errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    assert reader.id is not None
    regions = _regions(session, scope)
    today = dt.date.today()
    return templates.TemplateResponse(
        request=request,
        name="manager/radiologist.html",
        context={
            "reader": reader,
            "editable": scope.allows(reader.home_region_id),
            "fields": radiologist_fields(regions),
            "values": values if values is not None else shown_values(reader),
            "errors": errors or FormErrors(),
            "skills": radiologists.skills_of(session=session, radiologist_id=reader.id),
            "subspecialties": {s.id: s for s in list_subspecialties(session=session)},
            "skill_fields": skill_fields(session),
            "skill_values": skill_values or {"level": "1"},
            "skill_errors": skill_errors or FormErrors(),
            "licences": licences.list_licences(
                session=session,
                scope=scope,
                today=today,
                period_end=licences.next_period_end(session=session, today=today),
                radiologist_id=reader.id,
            ),
            "licence_fields": licence_fields(regions),
            "licence_values": licence_values or {"valid_from": today.isoformat()},
            "licence_errors": licence_errors or FormErrors(),
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=status,
    )
