import pytest

from mycommerce.roles import Permission, Role, RoleNotAllowed, ensure_member_can, member_can
from tests.factories import MembershipFactory

ALLOWED = {
    Role.STAFF: {Permission.MANAGE_ORDERS},
    Role.ADMIN: {Permission.MANAGE_ORDERS, Permission.MANAGE_SETTINGS},
    Role.OWNER: {
        Permission.MANAGE_ORDERS,
        Permission.MANAGE_SETTINGS,
        Permission.MANAGE_PLAN,
        Permission.MANAGE_API_KEYS,
    },
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_member_can_follows_the_role_table(role, permission):
    membership = MembershipFactory.build(role=role)
    assert member_can(membership, permission) is (permission in ALLOWED[role])


def test_no_membership_may_do_nothing():
    assert not member_can(None, Permission.MANAGE_ORDERS)
    with pytest.raises(RoleNotAllowed):
        ensure_member_can(None, Permission.MANAGE_ORDERS)


@pytest.mark.django_db
def test_only_the_owner_changes_the_plan_on_the_server(store, admin_member, owner):
    from tests.conftest import client_for

    response = client_for(admin_member).post("/settings/plan/", {"plan": "professional"})
    assert response.status_code == 403
    store.refresh_from_db()
    assert store.plan == "standard"

    response = client_for(owner).post("/settings/plan/", {"plan": "professional"})
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.plan == "professional"


@pytest.mark.django_db
def test_an_unknown_plan_is_refused_at_the_field(store, owner):
    from tests.conftest import client_for

    response = client_for(owner).post("/settings/plan/", {"plan": "platinum"})
    assert response.status_code == 200
    assert "platinum" in response.content.decode()
    store.refresh_from_db()
    assert store.plan == "standard"
