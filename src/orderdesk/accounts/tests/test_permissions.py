"""One permission layer for console and API (SPEC §1, S1)."""

import pytest

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import ROLE_PERMISSIONS, Perm, has_perm, require
from orderdesk.core.errors import Forbidden, Unauthenticated


def test_every_role_has_an_entry():
    assert set(ROLE_PERMISSIONS) == set(Role.values)


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [
        (Role.SALES, Perm.LEADS_WORK, True),
        (Role.SALES, Perm.ORDERS_OPERATE, False),
        (Role.SALES, Perm.KPIS_VIEW, False),
        (Role.CX, Perm.TICKETS_WORK, True),
        (Role.CX, Perm.LEADS_WORK, False),
        (Role.OPS, Perm.ORDERS_OPERATE, True),
        (Role.OPS, Perm.ORDERS_CREATE_MANUAL, False),
        (Role.SUPERVISOR, Perm.AGENTS_MANAGE, True),
        (Role.SUPERVISOR, Perm.CATALOG_MANAGE, False),
        (Role.ADMIN, Perm.CATALOG_MANAGE, True),
        (Role.ADMIN, Perm.LEADS_WORK, False),
        (Role.APP, Perm.ORDERS_CREATE_SELF, True),
        (Role.APP, Perm.CONSOLE, False),
        (Role.VENDOR, Perm.ORDERS_VENDOR, True),
        (Role.VENDOR, Perm.CUSTOMERS_VIEW, False),
    ],
)
def test_role_capabilities(cast, role, perm, allowed):
    user = next(u for u in cast.values() if u.role == role and u.is_active)
    assert has_perm(user, perm) is allowed


def test_inactive_and_anonymous_users_hold_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not has_perm(cast["outsider"], Perm.CONSOLE)
    with pytest.raises(Unauthenticated):
        require(AnonymousUser(), Perm.CATALOG_VIEW)
    with pytest.raises(Forbidden) as err:
        require(cast["ops"], Perm.LEADS_WORK)
    assert err.value.status == 403 and err.value.code == "forbidden"
