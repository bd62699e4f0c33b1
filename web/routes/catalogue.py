"""Pages for shift templates and working-time rule sets, per region or site."""

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from scheduler import models as m
from scheduler.services import rules, shift_templates
from scheduler.services.catalogue import list_sites, list_subspecialties
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

router = APIRouter(tags=["catalogue pages"], include_in_schema=False)
unsafe = [CsrfProtected]

KINDS = tuple((kind.value, kind.value.replace("_", "-")) for kind in m.ShiftKind)
RULE_NUMBERS = (
    FieldSpec("min_rest_hours", "Minimum rest between shifts (h)", kind="number", step="0.5"),
    FieldSpec("max_consecutive_nights", "Max consecutive nights", kind="number"),
    FieldSpec("max_consecutive_days", "Max consecutive days", kind="number"),
    FieldSpec("max_weekly_hours", "Max weekly hours at 1.0 FTE", kind="number", step="0.5"),
    FieldSpec("max_weekends", "Max weekends per 4 weeks", kind="number"),
    FieldSpec("turnaround_stat_minutes", "Turnaround STAT (min)", kind="number"),
    FieldSpec("turnaround_ed_minutes", "Turnaround ED (min)", kind="number"),
    FieldSpec("turnaround_inpatient_minutes", "Turnaround inpatient (min)", kind="number"),
    FieldSpec("turnaround_outpatient_minutes", "Turnaround outpatient (min)", kind="number"),
)


def _scope_fields(session: Session, scope: RegionScope) -> tuple[FieldSpec, ...]:
    regions = [r for r in list_regions(session=session) if scope.allows(r.id)]
    region_ids = {r.id for r in regions}
    sites = [s for s in list_sites(session=session) if s.region_id in region_ids]
    every = "— every region (admin) —" if scope.everywhere else None
    return (
        FieldSpec("region_id", "Region", kind="select", options=options_of(regions, blank=every)),
        FieldSpec("site_id", "Site", kind="select", options=options_of(sites, blank="— none —")),
    )


def template_fields(session: Session, *, new: bool, scope: RegionScope) -> tuple[FieldSpec, ...]:
    head = (FieldSpec("code", "Code", required=True),) if new else ()
    where = _scope_fields(session, scope) if new else ()
    subspecialties = options_of(list_subspecialties(session=session), blank="— any —")
    return (
        *head,
        FieldSpec("name", "Name", required=True),
        FieldSpec("kind", "Kind", kind="select", required=True, options=KINDS),
        FieldSpec("local_start", "Local start", kind="time", required=True),
        FieldSpec("length_minutes", "Length (minutes)", kind="number", required=True),
        *where,
        FieldSpec("remote", "Remote: anyone licensed may work it", kind="checkbox"),
        FieldSpec("weekdays", "Worked on", kind="weekdays"),
        FieldSpec("required_readers", "Readers required (on-call headcount)", kind="number"),
        FieldSpec(
            "subspecialty_id", "Subspecialty (on-call)", kind="select", options=subspecialties
        ),
    )


def rules_fields(session: Session, *, new: bool, scope: RegionScope) -> tuple[FieldSpec, ...]:
    return (*(_scope_fields(session, scope) if new else ()), *RULE_NUMBERS)


@router.get("/shift-templates", response_class=HTMLResponse)
def shift_templates_page(request: Request, session: SessionDep, scope: ManagerScope) -> Response:
    rows = shift_templates.list_shift_templates(session=session, scope=scope)
    return _list_page(request, session, scope, "manager/shift_templates.html", rows)


@router.get("/shift-templates/new", response_class=HTMLResponse)
def new_shift_template_page(request: Request, session: SessionDep, scope: ManagerScope) -> Response:
    values = {"kind": "day", "remote": True, "weekdays": "01234", "required_readers": "1"}
    return _form(request, session, scope, "template", None, values, FormErrors())


@router.post("/shift-templates/new", response_class=HTMLResponse, dependencies=unsafe)
def create_shift_template_form(
    request: Request, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form, checkboxes=["remote"], joined=["weekdays"])
    return submit_form(
        session,
        lambda: shift_templates.create_shift_template(
            session=session, scope=scope, template_in=parse(m.ShiftTemplateCreate, values)
        ),
        then="/shift-templates?saved=1",
        form_again=_form_again(request, session, scope, "template", None, values),
    )


@router.get("/shift-templates/{template_id}", response_class=HTMLResponse)
def shift_template_page(
    request: Request, template_id: int, session: SessionDep, scope: ManagerScope
) -> Response:
    row = shift_templates.get_shift_template(session=session, scope=scope, template_id=template_id)
    return _form(request, session, scope, "template", row, shown_values(row), FormErrors())


@router.post("/shift-templates/{template_id}", response_class=HTMLResponse, dependencies=unsafe)
def update_shift_template_form(
    request: Request, template_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    row = shift_templates.get_shift_template(session=session, scope=scope, template_id=template_id)
    values = form_values(form, checkboxes=["remote"], joined=["weekdays"])
    return submit_form(
        session,
        lambda: shift_templates.update_shift_template(
            session=session,
            scope=scope,
            template_id=template_id,
            template_in=parse_update(m.ShiftTemplateUpdate, values),
        ),
        then="/shift-templates?saved=1",
        form_again=_form_again(request, session, scope, "template", row, values),
    )


@router.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request, session: SessionDep, scope: ManagerScope) -> Response:
    rows = rules.list_rules(session=session, scope=scope)
    return _list_page(request, session, scope, "manager/rules.html", rows)


def _list_page(
    request: Request,
    session: Session,
    scope: RegionScope,
    name: str,
    rows: Sequence[m.ShiftTemplate] | Sequence[m.Rules],
) -> Response:
    return templates.TemplateResponse(
        request=request,
        name=name,
        context={
            "rows": rows,
            "regions": {r.id: r.code for r in list_regions(session=session)},
            "sites": {s.id: s.code for s in list_sites(session=session)},
            "scope": scope,
        },
    )


@router.get("/rules/new", response_class=HTMLResponse)
def new_rules_page(request: Request, session: SessionDep, scope: ManagerScope) -> Response:
    values = shown_values(m.RulesCreate())
    return _form(request, session, scope, "rules", None, values, FormErrors())


@router.post("/rules/new", response_class=HTMLResponse, dependencies=unsafe)
def create_rules_form(
    request: Request, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form)
    return submit_form(
        session,
        lambda: rules.create_rules(
            session=session, scope=scope, rules_in=parse(m.RulesCreate, values)
        ),
        then="/rules?saved=1",
        form_again=_form_again(request, session, scope, "rules", None, values),
    )


@router.get("/rules/{rules_id}", response_class=HTMLResponse)
def rules_set_page(
    request: Request, rules_id: int, session: SessionDep, scope: ManagerScope
) -> Response:
    row = rules.get_rules(session=session, scope=scope, rules_id=rules_id)
    return _form(request, session, scope, "rules", row, shown_values(row), FormErrors())


@router.post("/rules/{rules_id}", response_class=HTMLResponse, dependencies=unsafe)
def update_rules_form(
    request: Request, rules_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    row = rules.get_rules(session=session, scope=scope, rules_id=rules_id)
    values = form_values(form, fields=[spec.name for spec in RULE_NUMBERS])
    return submit_form(
        session,
        lambda: rules.update_rules(
            session=session,
            scope=scope,
            rules_id=rules_id,
            rules_in=parse_update(m.RulesUpdate, values),
        ),
        then="/rules?saved=1",
        form_again=_form_again(request, session, scope, "rules", row, values),
    )


FieldsOf = Callable[..., tuple[FieldSpec, ...]]
WHAT: dict[str, tuple[str, FieldsOf, str, str]] = {
    # what -> (title, fields, list page, form action route prefix)
    "template": ("shift template", template_fields, "shift_templates_page", "/shift-templates"),
    "rules": ("rule set", rules_fields, "rules_page", "/rules"),
}


def _form_again(
    request: Request,
    session: Session,
    scope: RegionScope,
    what: str,
    row: m.ShiftTemplate | m.Rules | None,
    values: dict[str, Any],
) -> Callable[[FormErrors], Response]:
    """The form with the submitted values and the errors they met."""
    return lambda errors: _form(request, session, scope, what, row, values, errors, FORM_REFUSED)


def _form(
    request: Request,
    session: Session,
    scope: RegionScope,
    what: str,
    row: m.ShiftTemplate | m.Rules | None,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    title, fields_of, back, prefix = WHAT[what]
    fields = fields_of(session, new=row is None, scope=scope)
    editable = row is None or scope.allows(row.region_id)
    return templates.TemplateResponse(
        request=request,
        name="manager/catalogue_form.html",
        context={
            "title": f"New {title}" if row is None else f"Edit {title}",
            "row": row,
            "fields": fields,
            "values": values,
            "errors": errors,
            "editable": editable,
            "back": back,
            "action": f"{prefix}/new" if row is None else f"{prefix}/{row.id}",
        },
        status_code=status,
    )
