"""Working-time rule sets: the default, per region, per site. List, create, edit within scope."""

from __future__ import annotations

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.services.catalogue import check_exists, check_site_in_region, get_row
from scheduler.services.errors import FieldError
from scheduler.services.scope import RegionScope


def list_rules(*, session: Session, scope: RegionScope) -> list[m.Rules]:
    """The default rule set (read-only to managers) and the scope's regional and site sets."""
    query = select(m.Rules).order_by(col(m.Rules.region_id), col(m.Rules.site_id))
    if scope.region_ids is not None:
        query = query.where(
            col(m.Rules.region_id).is_(None) | col(m.Rules.region_id).in_(scope.region_ids)
        )
    return list(session.exec(query))


def get_rules(*, session: Session, scope: RegionScope, rules_id: int) -> m.Rules:
    rules = get_row(session, m.Rules, rules_id)
    if rules.region_id is not None:
        scope.check(rules.region_id, f"rule set {rules_id}")
    return rules


def create_rules(*, session: Session, scope: RegionScope, rules_in: m.RulesCreate) -> m.Rules:
    check_exists(session, m.Region, "region_id", rules_in.region_id)
    check_site_in_region(session, rules_in.site_id, rules_in.region_id)
    scope.check(rules_in.region_id, "a rule set's region")
    clash = session.exec(
        select(m.Rules).where(
            col(m.Rules.region_id).is_(None)
            if rules_in.region_id is None
            else col(m.Rules.region_id) == rules_in.region_id,
            col(m.Rules.site_id).is_(None)
            if rules_in.site_id is None
            else col(m.Rules.site_id) == rules_in.site_id,
        )
    ).first()
    if clash is not None:
        field = "site_id" if rules_in.site_id is not None else "region_id"
        raise FieldError(field, f"rule set {clash.id} already covers this scope: edit that one")
    rules = m.Rules.model_validate(rules_in)
    session.add(rules)
    session.commit()
    session.refresh(rules)
    return rules


def update_rules(
    *, session: Session, scope: RegionScope, rules_id: int, rules_in: m.RulesUpdate
) -> m.Rules:
    rules = get_rules(session=session, scope=scope, rules_id=rules_id)
    scope.check(rules.region_id, f"rule set {rules_id}")
    changes = rules_in.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise FieldError(name, "may not be empty")
    rules.sqlmodel_update(changes)
    session.add(rules)
    session.commit()
    session.refresh(rules)
    return rules
