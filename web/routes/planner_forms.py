"""The planner's "add a change" forms: one small form per change kind, their choices read from
the catalogue, and a submitted form turned into the change's JSON (checked by the service)."""

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from scheduler import models as m
from scheduler.scenarios.changes import RULE_FIELDS
from scheduler.scenarios.inputs import URGENT_PRIORITIES
from scheduler.services.errors import FieldError
from web.routes.forms import FieldSpec

MULTI = "checks"  # a group of checkboxes, sent as a list
ADVANCED = "advanced"


@dataclass(frozen=True)
class ChangeForm:
    kind: str
    title: str
    fields: tuple[FieldSpec, ...]


def _choices(values: list[str], blank: str | None = None) -> tuple[tuple[str, str], ...]:
    head = [("", blank)] if blank is not None else []
    return tuple(head + [(v, v) for v in values])


def change_forms(session: Session) -> tuple[ChangeForm, ...]:
    regions = [r.code for r in session.exec(select(m.Region).order_by(col(m.Region.code)))]
    subs = [s.code for s in session.exec(select(m.Subspecialty).order_by(col(m.Subspecialty.code)))]
    readers = tuple(
        (r.code, f"{r.code} {r.name}")
        for r in session.exec(
            select(m.Radiologist).where(col(m.Radiologist.active)).order_by(col(m.Radiologist.code))
        )
    )
    region = FieldSpec("region", "Region", kind="select", required=True, options=_choices(regions))
    reader = FieldSpec("radiologist", "Radiologist", kind="select", required=True, options=readers)
    return (
        ChangeForm(
            "hire",
            "Hire radiologists",
            (
                FieldSpec("count", "How many", kind="number", required=True),
                FieldSpec("skills", "Subspecialties", kind=MULTI, options=_choices(subs)),
                FieldSpec("fte", "FTE each", kind="number", step="0.05", hint="0.05 to 1"),
                FieldSpec(
                    "home_region", "Home region", kind="select", options=_choices(regions, "none")
                ),
                FieldSpec(
                    "licences",
                    "Licensed in",
                    kind=MULTI,
                    options=_choices(regions),
                    hint="privileges at every site there come with it",
                ),  # fmt: skip
                FieldSpec("home_time_zone", "Home time zone", hint="default: the home region's"),
            ),
        ),
        ChangeForm(
            "volume_growth",
            "Volume growth",
            (
                FieldSpec("percent", "Growth %", kind="number", step="any", required=True),
                FieldSpec(
                    "region", "Region", kind="select", options=_choices(regions, "every region")
                ),
                FieldSpec(
                    "subspecialty",
                    "Subspecialty",
                    kind="select",
                    options=_choices(subs, "every subspecialty"),
                ),
            ),
        ),
        ChangeForm("grant_licence", "Grant a licence", (region, reader)),
        ChangeForm("revoke_licence", "Revoke a licence", (reader, region)),
        ChangeForm(
            "remove_radiologist",
            "Retirement or leave",
            (
                reader,
                FieldSpec("from_date", "From", kind="date", hint="blank: the whole period"),
                FieldSpec("to_date", "To", kind="date", hint="blank: to the end"),
                FieldSpec("reason", "Reason"),
            ),
        ),
        ChangeForm(
            "turnaround",
            "Turnaround target",
            (
                region,
                FieldSpec(
                    "priority",
                    "Priority",
                    kind="select",
                    required=True,
                    options=tuple((p, p.upper()) for p in URGENT_PRIORITIES),
                ),  # fmt: skip
                FieldSpec("minutes", "Report due (minutes)", kind="number", required=True),
            ),
        ),
        ChangeForm(
            "rule",
            "Working-time rule",
            (
                FieldSpec(
                    "region",
                    "Readers based in",
                    kind="select",
                    options=_choices(regions, "every region"),
                ),  # fmt: skip
                FieldSpec(
                    "rule",
                    "Rule",
                    kind="select",
                    required=True,
                    options=_choices(list(RULE_FIELDS)),
                ),
                FieldSpec("value", "Value", kind="number", step="any", required=True),
            ),
        ),
        ChangeForm(
            ADVANCED,
            "Any change as JSON",
            (
                FieldSpec(
                    "json",
                    "Change(s)",
                    kind="textarea",
                    required=True,
                    hint='e.g. {"kind": "grant_privilege", "radiologist": "R1", "site": "TRO"}',
                ),  # fmt: skip
            ),
        ),
    )


def changes_from_form(form: FormData, forms: tuple[ChangeForm, ...]) -> list[dict[str, Any]]:
    """The change(s) a submitted form describes; blanks are left out so defaults apply."""
    kind = str(form.get("kind", ""))
    spec = next((f for f in forms if f.kind == kind), None)
    if spec is None:
        raise FieldError("kind", f"unknown change kind {kind!r}")
    if kind == ADVANCED:
        try:
            raw = json.loads(str(form.get("json", "")))
        except ValueError as exc:
            raise FieldError("json", f"not JSON: {exc}") from exc
        return raw if isinstance(raw, list) else [raw]
    change: dict[str, Any] = {"kind": kind}
    for field in spec.fields:
        if field.kind == MULTI:
            picked = [str(v) for v in form.getlist(field.name) if str(v).strip()]
            if picked:
                change[field.name] = picked
            continue
        value = str(form.get(field.name, "")).strip()
        if value:
            change[field.name] = value
    return [change]
