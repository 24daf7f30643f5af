"""The registries draw the page: bulk menu, filter labels, plan locks and role refusals."""

import pytest
from django.utils.translation import gettext_lazy

from mycommerce.plans import Plan
from mycommerce.roles import Permission
from orders.actions import BULK_ACTIONS, BulkAction
from orders.services import BulkResult
from tests.conftest import client_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_bulk_action_added_to_the_registry_appears_in_the_menu_and_runs(
    staff_client, store, monkeypatch
):
    ran = []

    def flag(*, membership, orders, data) -> BulkResult:
        ran.append(sorted(orders.values_list("pk", flat=True)))
        return BulkResult(changed=[order.reference for order in orders])

    monkeypatch.setitem(
        BULK_ACTIONS,
        "flag_for_review",
        BulkAction(
            name="flag_for_review",
            label=gettext_lazy("Flag for review"),
            permission=Permission.MANAGE_ORDERS,
            fields=("carrier",),
            required_fields=(),
            run=flag,
        ),
    )
    order = OrderFactory(store=store)
    html = staff_client.get("/orders/").content.decode()
    assert 'data-bulk-action="flag_for_review"' in html
    assert "Flag for review" in html
    # Its fields are drawn in its own group: the carrier field moved there from the others.
    group = html[html.index('data-bulk-action="flag_for_review"') :]
    assert 'name="carrier"' in group[: group.index("</fieldset>")]
    response = staff_client.post(
        "/orders/", {"action": "flag_for_review", "ids": [order.pk]}, follow=True
    )
    assert ran == [[order.pk]]
    assert "1 order changed." in response.content.decode()


def test_the_bulk_menu_lists_exactly_the_registered_actions(staff_client, store):
    html = staff_client.get("/orders/").content.decode()
    drawn = [part.split('"')[0] for part in html.split('data-bulk-action="')[1:]]
    assert drawn == list(BULK_ACTIONS)


def test_filter_labels_come_from_the_filter_set(staff_client, store):
    html = staff_client.get("/orders/?payment_status=paid&q=hugo").content.decode()
    filterset = staff_client.get("/orders/").context["filterset"]
    for name in ("q", "date_from", "date_to", "total_min", "total_max", "sort"):
        assert f'for="id_{name}" class="form-label">{filterset.filters[name].label}<' in html
    assert f"{filterset.filters['payment_status'].label}:" in html  # the chip


def test_a_feature_locked_by_the_plan_names_the_plan_that_unlocks_it(store, staff):
    store.plan = Plan.FREE
    store.save()
    client = client_for(staff)
    order = OrderFactory(store=store)
    for url in ("/orders/", f"/orders/{order.pk}/"):
        html = client.get(url).content.decode()
        assert 'data-testid="plan-locked" data-feature="order_editing"' in html
        assert "Upgrade to Standard or higher" in html
    refused = client.get("/orders/new/")
    assert refused.status_code == 403
    assert 'data-feature="order_editing"' in refused.content.decode()


def test_a_role_refusal_names_the_roles_that_may_and_never_sells_a_plan(store, staff):
    refused = client_for(staff).get("/settings/store/")
    html = refused.content.decode()
    assert refused.status_code == 403
    assert 'data-testid="role-refused"' in html
    assert "Ask a member whose role is Admin or Owner." in html
    assert "See plans" not in html and "Upgrade" not in html
