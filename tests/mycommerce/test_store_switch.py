"""After a store switch: the same page of the new store when it exists there, else its order
list; never a 404, never another site."""

import pytest

from exports.services import EXPORT_JOB
from mycommerce.roles import Role
from mycommerce.services import job_create
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stores(store, other_store):
    membership = MembershipFactory(store=store, role=Role.OWNER)
    MembershipFactory(user=membership.user, store=other_store, role=Role.OWNER)
    return membership, client_for(membership)


def switch(client, store, next_url):
    return client.post("/stores/switch/", {"store": store.pk, "next": next_url})


def test_from_an_order_of_the_old_store_to_the_new_store_order_list(two_stores, store, other_store):
    _, client = two_stores
    order = OrderFactory(store=store)
    for page in (f"/orders/{order.pk}/", f"/orders/{order.pk}/edit/"):
        response = switch(client, other_store, page)
        assert response.status_code == 302 and response["Location"] == "/orders/"
        assert client.get(response["Location"]).status_code == 200
        switch(client, store, "/orders/")


def test_an_order_of_the_new_store_stays_open(two_stores, other_store):
    _, client = two_stores
    theirs = OrderFactory(store=other_store, customer_name="Théo Lefèvre")
    response = switch(client, other_store, f"/orders/{theirs.pk}/")
    assert response["Location"] == f"/orders/{theirs.pk}/"
    assert "Théo Lefèvre" in client.get(response["Location"]).content.decode()


def test_a_page_of_every_store_stays_with_its_query_but_not_its_page_number(
    two_stores, other_store
):
    _, client = two_stores
    assert switch(client, other_store, "/settings/numbering/")["Location"] == (
        "/settings/numbering/"
    )
    response = switch(client, other_store, "/orders/?q=martin&page=7&sort=-total")
    assert response["Location"] == "/orders/?q=martin&sort=-total"


def test_a_job_of_the_old_store_gives_way_to_the_order_list(two_stores, store, other_store):
    membership, client = two_stores
    job = job_create(store=store, user=membership.user, kind=EXPORT_JOB, params={}, total=1)
    assert switch(client, other_store, f"/jobs/{job.pk}/")["Location"] == "/orders/"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/orders/",
        "//evil.example/orders/",
        "/no/such/page/",
        "/orders/999999/",
        "javascript:alert(1)",
        "",
    ],
)
def test_anything_else_lands_on_the_order_list(two_stores, other_store, next_url):
    _, client = two_stores
    assert switch(client, other_store, next_url)["Location"] == "/orders/"


def test_the_switcher_is_a_menu_that_switches_only_on_a_choice(two_stores, store, other_store):
    _, client = two_stores
    html = client.get("/orders/").content.decode()
    assert "onchange" not in html  # neither the store nor the language changes on an arrow key
    menu = html[html.index('id="store-switcher"') :]
    menu = menu[: menu.index("</form>")]
    for each in (store, other_store):
        assert f'name="store" value="{each.pk}"' in menu and each.name in menu
