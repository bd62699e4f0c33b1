"""The signed-in manager's regions as a ``RegionScope`` dependency: ``scope: ManagerScope``."""

from typing import Annotated

from fastapi import Depends

from scheduler.models import Role, User
from scheduler.services.access import region_ids
from scheduler.services.scope import EVERYWHERE, RegionScope
from web.deps import ManagerUser


def scope_of(user: User) -> RegionScope:
    return EVERYWHERE if user.role == Role.ADMIN else RegionScope.of(region_ids(user))


def manager_scope(user: ManagerUser) -> RegionScope:
    return scope_of(user)


ManagerScope = Annotated[RegionScope, Depends(manager_scope)]
