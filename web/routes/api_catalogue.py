"""JSON API of the catalogue: radiologists, skills, licences, shift templates, rule sets."""

import datetime as dt

from fastapi import APIRouter, Response

from scheduler import models as m
from scheduler.services import licences, radiologists, rules, shift_templates
from web.deps import CsrfProtected, SessionDep
from web.routes.schemas import LicenceOut
from web.routes.scoping import ManagerScope

router = APIRouter(prefix="/api", tags=["catalogue"])
unsafe = [CsrfProtected]


@router.get("/radiologists", response_model=list[m.RadiologistPublic])
def api_list_radiologists(session: SessionDep, scope: ManagerScope) -> list[m.Radiologist]:
    return radiologists.list_radiologists(session=session, scope=scope)


@router.post(
    "/radiologists", response_model=m.RadiologistPublic, status_code=201, dependencies=unsafe
)
def api_create_radiologist(
    body: m.RadiologistCreate, session: SessionDep, scope: ManagerScope
) -> m.Radiologist:
    return radiologists.create_radiologist(session=session, scope=scope, radiologist_in=body)


@router.get("/radiologists/{radiologist_id}", response_model=m.RadiologistPublic)
def api_get_radiologist(
    radiologist_id: int, session: SessionDep, scope: ManagerScope
) -> m.Radiologist:
    return radiologists.get_radiologist(session=session, scope=scope, radiologist_id=radiologist_id)


@router.patch(
    "/radiologists/{radiologist_id}", response_model=m.RadiologistPublic, dependencies=unsafe
)
def api_update_radiologist(
    radiologist_id: int, body: m.RadiologistUpdate, session: SessionDep, scope: ManagerScope
) -> m.Radiologist:
    return radiologists.update_radiologist(
        session=session, scope=scope, radiologist_id=radiologist_id, radiologist_in=body
    )


@router.get("/radiologists/{radiologist_id}/skills", response_model=list[m.SkillPublic])
def api_list_skills(radiologist_id: int, session: SessionDep, scope: ManagerScope) -> list[m.Skill]:
    radiologists.get_radiologist(session=session, scope=scope, radiologist_id=radiologist_id)
    return radiologists.skills_of(session=session, radiologist_id=radiologist_id)


@router.post("/skills", response_model=m.SkillPublic, status_code=201, dependencies=unsafe)
def api_add_skill(body: m.SkillCreate, session: SessionDep, scope: ManagerScope) -> m.Skill:
    return radiologists.add_skill(session=session, scope=scope, skill_in=body)


@router.patch("/skills/{skill_id}", response_model=m.SkillPublic, dependencies=unsafe)
def api_update_skill(
    skill_id: int, body: m.SkillUpdate, session: SessionDep, scope: ManagerScope
) -> m.Skill:
    return radiologists.update_skill(session=session, scope=scope, skill_id=skill_id, skill_in=body)


@router.delete("/skills/{skill_id}", status_code=204, response_class=Response, dependencies=unsafe)
def api_remove_skill(skill_id: int, session: SessionDep, scope: ManagerScope) -> Response:
    radiologists.remove_skill(session=session, scope=scope, skill_id=skill_id)
    return Response(status_code=204)


@router.get("/licences", response_model=list[LicenceOut])
def api_list_licences(
    session: SessionDep,
    scope: ManagerScope,
    radiologist_id: int | None = None,
    today: dt.date | None = None,
) -> list[LicenceOut]:
    """Licences with expiry warnings: expired, within the next period, within 30 days."""
    today = today or dt.date.today()
    rows = licences.list_licences(
        session=session,
        scope=scope,
        today=today,
        period_end=licences.next_period_end(session=session, today=today),
        radiologist_id=radiologist_id,
    )
    return [LicenceOut.of(row) for row in rows]


@router.post("/licences", response_model=m.LicencePublic, status_code=201, dependencies=unsafe)
def api_create_licence(
    body: m.LicenceCreate, session: SessionDep, scope: ManagerScope
) -> m.Licence:
    return licences.create_licence(session=session, scope=scope, licence_in=body)


@router.patch("/licences/{licence_id}", response_model=m.LicencePublic, dependencies=unsafe)
def api_update_licence(
    licence_id: int, body: m.LicenceUpdate, session: SessionDep, scope: ManagerScope
) -> m.Licence:
    return licences.update_licence(
        session=session, scope=scope, licence_id=licence_id, licence_in=body
    )


@router.delete(
    "/licences/{licence_id}", status_code=204, response_class=Response, dependencies=unsafe
)
def api_remove_licence(licence_id: int, session: SessionDep, scope: ManagerScope) -> Response:
    licences.remove_licence(session=session, scope=scope, licence_id=licence_id)
    return Response(status_code=204)


@router.get("/shift-templates", response_model=list[m.ShiftTemplatePublic])
def api_list_shift_templates(session: SessionDep, scope: ManagerScope) -> list[m.ShiftTemplate]:
    return shift_templates.list_shift_templates(session=session, scope=scope)


@router.post(
    "/shift-templates", response_model=m.ShiftTemplatePublic, status_code=201, dependencies=unsafe
)
def api_create_shift_template(
    body: m.ShiftTemplateCreate, session: SessionDep, scope: ManagerScope
) -> m.ShiftTemplate:
    return shift_templates.create_shift_template(session=session, scope=scope, template_in=body)


@router.get("/shift-templates/{template_id}", response_model=m.ShiftTemplatePublic)
def api_get_shift_template(
    template_id: int, session: SessionDep, scope: ManagerScope
) -> m.ShiftTemplate:
    return shift_templates.get_shift_template(session=session, scope=scope, template_id=template_id)


@router.patch(
    "/shift-templates/{template_id}", response_model=m.ShiftTemplatePublic, dependencies=unsafe
)
def api_update_shift_template(
    template_id: int, body: m.ShiftTemplateUpdate, session: SessionDep, scope: ManagerScope
) -> m.ShiftTemplate:
    return shift_templates.update_shift_template(
        session=session, scope=scope, template_id=template_id, template_in=body
    )


@router.get("/rules", response_model=list[m.RulesPublic])
def api_list_rules(session: SessionDep, scope: ManagerScope) -> list[m.Rules]:
    return rules.list_rules(session=session, scope=scope)


@router.post("/rules", response_model=m.RulesPublic, status_code=201, dependencies=unsafe)
def api_create_rules(body: m.RulesCreate, session: SessionDep, scope: ManagerScope) -> m.Rules:
    return rules.create_rules(session=session, scope=scope, rules_in=body)


@router.get("/rules/{rules_id}", response_model=m.RulesPublic)
def api_get_rules(rules_id: int, session: SessionDep, scope: ManagerScope) -> m.Rules:
    return rules.get_rules(session=session, scope=scope, rules_id=rules_id)


@router.patch("/rules/{rules_id}", response_model=m.RulesPublic, dependencies=unsafe)
def api_update_rules(
    rules_id: int, body: m.RulesUpdate, session: SessionDep, scope: ManagerScope
) -> m.Rules:
    return rules.update_rules(session=session, scope=scope, rules_id=rules_id, rules_in=body)
