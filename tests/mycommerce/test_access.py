"""Sign-in everywhere, store switching and store scoping."""

import pytest
from django.test import Client

from mycommerce.roles import Role
from orders.selectors import order_get_for_store
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/orders/", "/settings/plan/"])
def test_every_page_requires_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_user_without_store_is_refused():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/orders/").status_code == 403


@pytest.mark.django_db
def test_list_shows_only_the_current_store_orders(store, other_store, staff):
    mine = OrderFactory(store=store, customer_name="Camille Martin")
    OrderFactory(store=other_store, customer_name="Théo Lefèvre")
    content = client_for(staff).get("/orders/").content.decode()
    assert mine.reference in content and "Camille Martin" in content
    assert "Théo Lefèvre" not in content


@pytest.mark.django_db
def test_an_order_of_another_store_is_a_404(store, other_store):
    from django.http import Http404

    theirs = OrderFactory(store=other_store)
    with pytest.raises(Http404):
        order_get_for_store(store=store, pk=theirs.pk)


@pytest.mark.django_db
def test_switching_store_changes_what_is_listed(store, other_store):
    membership = MembershipFactory(store=store, role=Role.STAFF)
    MembershipFactory(user=membership.user, store=other_store, role=Role.OWNER)
    OrderFactory(store=store, customer_name="Camille Martin")
    OrderFactory(store=other_store, customer_name="Théo Lefèvre")
    client = client_for(membership)

    response = client.post("/stores/switch/", {"store": other_store.pk, "next": "/orders/"})
    assert response.status_code == 302
    content = client.get("/orders/").content.decode()
    assert "Théo Lefèvre" in content and "Camille Martin" not in content


@pytest.mark.django_db
def test_switching_to_a_store_one_is_not_member_of_is_a_404(store, other_store, staff):
    client = client_for(staff)
    assert client.post("/stores/switch/", {"store": other_store.pk}).status_code == 404
    assert client.post("/stores/switch/", {"store": "x"}).status_code == 302


@pytest.mark.django_db
def test_dates_are_shown_in_the_store_time_zone(store, staff):
    from datetime import UTC, datetime

    store.timezone = "America/Montreal"
    store.save()
    # 02:30 in UTC is still the evening before in Montréal.
    OrderFactory(store=store, created_at=datetime(2026, 3, 10, 2, 30, tzinfo=UTC))
    client = client_for(staff)
    content = client.get("/orders/").content.decode()
    assert "03/09/2026" in content or "09/03/2026" in content or "2026-03-09" in content
    assert (
        client.get("/orders/?date_from=2026-03-09&date_to=2026-03-09")
        .context["page"]
        .paginator.count
        == 1
    )
    assert client.get("/orders/?date_from=2026-03-10").context["page"].paginator.count == 0
