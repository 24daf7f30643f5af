"""Saved views of the order list: tabs with live counts (one query for all of them), the three
default views of every store, shared and personal views, rename, reorder, delete, bad input."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mycommerce.roles import Role
from orders import selectors
from orders.models import OrderStatusCount, SavedView
from orders.saved_views.selectors import saved_view_counts, saved_views_for_member
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory, StoreFactory

pytestmark = pytest.mark.django_db


def tabs(response) -> dict[str, object]:
    return {tab.label: tab.count for tab in response.context["tabs"]}


def active(response) -> list[str]:
    return [tab.label for tab in response.context["tabs"] if tab.active]


@pytest.fixture
def orders(store):
    OrderFactory(store=store, payment_status=P.PAID)
    OrderFactory(store=store, payment_status=P.PAID)
    OrderFactory(store=store, payment_status=P.PAID, fulfillment_status=F.SHIPPED)
    OrderFactory(store=store)  # awaiting payment
    OrderFactory(store=store, payment_status=P.PAID, fulfillment_status=F.READY_FOR_PICKUP)


def test_every_new_store_has_the_three_default_views_in_the_readers_language(
    staff_client, store, orders
):
    response = staff_client.get("/orders/", headers={"accept-language": "fr"})
    assert tabs(response) == {
        "À expédier": 2,
        "Paiement en attente": 1,
        "Prêt à l’enlèvement": 1,
    }
    html = response.content.decode()
    assert 'aria-current="page">Toutes les commandes' in html
    english = staff_client.get("/orders/", headers={"accept-language": "en"})
    assert list(tabs(english)) == ["To ship", "Awaiting payment", "Ready for pickup"]


def test_a_tab_opens_its_filters_and_is_marked_current(staff_client, store, orders):
    to_ship = staff_client.get(
        "/orders/?fulfillment_status=awaiting_processing&payment_status=paid"
    )
    assert active(to_ship) == ["To ship"]
    assert to_ship.context["page"].paginator.count == 2
    html = to_ship.content.decode()
    view = SavedView.objects.get(store=store, default_key="to_ship")
    assert f'data-view="{view.pk}" aria-current="page"' in html
    # The same view whatever the order of its parameters, and the page is not part of it.
    again = staff_client.get(
        "/orders/?payment_status=paid&page=1&fulfillment_status=awaiting_processing"
    )
    assert active(again) == ["To ship"]
    assert active(staff_client.get("/orders/?payment_status=paid")) == []


def test_status_views_are_counted_from_the_maintained_counts_in_one_query(store, staff, orders):
    # Kept wrong on purpose: the tabs read the maintained counts, never the orders.
    OrderStatusCount.objects.filter(
        store=store, payment_status=P.PAID, fulfillment_status=F.AWAITING_PROCESSING
    ).update(order_count=40)
    views = list(saved_views_for_member(membership=staff))
    with CaptureQueriesContext(connection) as captured:
        total, counts = saved_view_counts(store=store, views=views)
    assert len(captured) == 1
    assert '"orders_order"' not in captured[0]["sql"]
    by_key = {view.default_key: counts[view.pk].count for view in views}
    assert by_key == {"to_ship": 40, "awaiting_payment": 1, "ready_for_pickup": 1}
    assert total == 43


def test_other_views_are_counted_up_to_the_cap_in_the_same_one_query(
    store, staff, orders, monkeypatch
):
    monkeypatch.setattr(selectors, "FACET_CAP", 3)
    SavedView.objects.create(store=store, name="Gros paniers", params={"total_min": ["15"]})
    SavedView.objects.create(store=store, name="Tous", params={"date_from": ["2000-01-01"]})
    SavedView.objects.create(
        store=store, name="Client", params={"email": ["CLIENT0@example.fr"], "sort": ["-total"]}
    )
    views = list(saved_views_for_member(membership=staff))
    with CaptureQueriesContext(connection) as captured:
        total, counts = saved_view_counts(store=store, views=views)
    assert len(captured) == 1
    by_name = {view.name: counts[view.pk] for view in views if view.name}
    assert (by_name["Gros paniers"].count, by_name["Gros paniers"].exact) == (3, False)
    assert (by_name["Tous"].count, by_name["Tous"].exact) == (3, False)
    client_orders = store.orders.filter(customer_email__iexact="client0@example.fr").count()
    assert (by_name["Client"].count, by_name["Client"].exact) == (client_orders, True)
    assert total == 5


def test_the_tabs_cost_the_list_one_query_at_most(
    staff_client, store, staff, orders, django_assert_max_num_queries
):
    SavedView.objects.create(store=store, name="Gros", params={"total_min": ["15"]})
    SavedView.objects.create(
        store=store, owner=staff.user, name="Mois", params={"date_from": ["2020-01-01"]}
    )
    for query in ("", "?date_from=2020-01-01&per_page=50", "?payment_status=paid"):
        without = SavedView.objects.filter(store=store)
        kept = list(without)
        without.delete()
        with CaptureQueriesContext(connection) as bare:
            staff_client.get(f"/orders/{query}")
        SavedView.objects.bulk_create(kept)
        with django_assert_max_num_queries(len(bare) + 1):
            response = staff_client.get(f"/orders/{query}")
        assert len(response.context["tabs"]) == 5


def test_views_on_the_statuses_cost_the_list_no_query(store, staff_client, orders):
    """The three defaults count from the store's status counts, which the list page (on the
    statuses alone) has read already: the tabs add no query; a dated page counts them with
    its counts request."""
    for query in ("", "?payment_status=paid"):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(f"/orders/{query}")
        assert len(response.context["tabs"]) == 3
        counted = [q for q in queries.captured_queries if "orders_orderstatuscount" in q["sql"]]
        assert len(counted) == 1
    # A dated page comes without them; its counts request gives the same counts.
    dated = staff_client.get("/orders/?date_from=2020-01-01")
    assert set(tabs(dated).values()) == {None} and 'data-counted="view-' in dated.content.decode()
    counted = staff_client.get("/orders/counts/?date_from=2020-01-01")
    assert tabs(counted) == tabs(staff_client.get("/orders/"))


def test_the_capped_count_reads_1000_plus(staff_client, store, orders, monkeypatch):
    monkeypatch.setattr(selectors, "FACET_CAP", 2)
    SavedView.objects.create(store=store, name="Gros", params={"total_min": ["1"]})
    html = staff_client.get("/orders/").content.decode()
    assert 'data-testid="view-count">2+</span>' in html


def test_a_staff_member_saves_the_current_filters_shared_with_the_store(
    store, staff, staff_client, orders
):
    response = staff_client.post(
        "/orders/views/save/?payment_status=paid&fulfillment_status=shipped&sort=-total"
        "&per_page=50&page=2",
        {"name": "  Parties  ", "visibility": "shared"},
    )
    view = SavedView.objects.get(store=store, name="Parties")
    assert view.owner is None
    assert view.params == {
        "payment_status": ["paid"],
        "fulfillment_status": ["shipped"],
        "sort": ["-total"],
        "per_page": ["50"],
    }
    assert response.status_code == 302
    opened = staff_client.get(response["Location"])
    assert active(opened) == ["Parties"] and tabs(opened)["Parties"] == 1
    assert opened.context["per_page"] == 50
    # Shared: another member of the store sees it too.
    colleague = client_for(MembershipFactory(store=store, role=Role.ADMIN))
    assert "Parties" in tabs(colleague.get("/orders/"))


def test_a_personal_view_is_seen_by_its_owner_only(store, staff, staff_client, orders):
    staff_client.post(
        "/orders/views/save/?total_min=15", {"name": "Les miens", "visibility": "personal"}
    )
    view = SavedView.objects.get(name="Les miens")
    assert view.owner == staff.user
    assert "Les miens" in tabs(staff_client.get("/orders/"))
    colleague = client_for(MembershipFactory(store=store, role=Role.OWNER))
    assert "Les miens" not in tabs(colleague.get("/orders/"))
    assert "Les miens" not in colleague.get("/orders/views/").content.decode()
    # Nor can the colleague rename, move or delete it.
    for action in ("rename", "up", "down", "delete"):
        refused = colleague.post(
            "/orders/views/", {"view": view.pk, "action": action, f"view-{view.pk}-name": "x"}
        )
        assert refused.status_code == 404
    view.refresh_from_db()
    assert view.name == "Les miens"


def test_members_never_see_another_stores_views(store, staff_client, other_store):
    theirs = SavedView.objects.create(store=other_store, name="Lyon", params={})
    assert "Lyon" not in tabs(staff_client.get("/orders/"))
    assert (
        staff_client.post("/orders/views/", {"view": theirs.pk, "action": "delete"}).status_code
        == 404
    )
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    # Each store has its own defaults.
    assert SavedView.objects.filter(store=other_store, default_key="to_ship").count() == 1


def test_invalid_filters_are_refused_at_their_field_and_nothing_is_saved(store, staff_client):
    response = staff_client.post(
        "/orders/views/save/?payment_status=lost&date_from=31-02-2020&email=pas-un-email",
        {"name": "Cassé", "visibility": "shared"},
    )
    assert response.status_code == 400
    assert not SavedView.objects.filter(name="Cassé").exists()
    form = response.context["filterset"].form
    assert {"payment_status", "date_from", "email"} <= set(form.errors)
    html = response.content.decode()
    assert "the view was not saved" in html
    assert 'value="Cassé"' in html  # the name is kept for a second try


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 61, "Ensure this value has at most 60 characters"),
        ("to SHIP", "A view named “to SHIP” already exists"),
    ],
)
def test_a_bad_name_is_refused_at_the_name_field(store, staff_client, name, message):
    response = staff_client.post(
        "/orders/views/save/?payment_status=paid", {"name": name, "visibility": "shared"}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["save_form"].errors["name"])
    assert SavedView.objects.filter(store=store).count() == 3


def test_a_bad_page_size_or_visibility_is_refused(store, staff_client):
    assert staff_client.post("/orders/views/save/?per_page=7", {"name": "Sept"}).status_code == 400
    assert (
        staff_client.post(
            "/orders/views/save/", {"name": "Qui", "visibility": "everyone"}
        ).status_code
        == 400
    )
    assert not SavedView.objects.filter(name__in=["Sept", "Qui"]).exists()


def test_saving_needs_the_csrf_token(store, staff):
    client = client_for(staff)
    client.handler.enforce_csrf_checks = True
    response = client.post("/orders/views/save/?payment_status=paid", {"name": "Sans jeton"})
    assert response.status_code == 403
    assert not SavedView.objects.filter(name="Sans jeton").exists()


def test_rename_reorder_and_delete(store, staff, staff_client):
    to_ship, awaiting, pickup = saved_views_for_member(membership=staff)
    renamed = staff_client.post(
        "/orders/views/",
        {"view": to_ship.pk, "action": "rename", f"view-{to_ship.pk}-name": "Colis du jour"},
    )
    assert renamed.status_code == 302
    assert list(tabs(staff_client.get("/orders/"))) == [
        "Colis du jour",
        "Awaiting payment",
        "Ready for pickup",
    ]

    staff_client.post("/orders/views/", {"view": pickup.pk, "action": "up"})
    assert list(tabs(staff_client.get("/orders/"))) == [
        "Colis du jour",
        "Ready for pickup",
        "Awaiting payment",
    ]
    staff_client.post("/orders/views/", {"view": to_ship.pk, "action": "down"})
    assert list(tabs(staff_client.get("/orders/"))) == [
        "Ready for pickup",
        "Colis du jour",
        "Awaiting payment",
    ]
    # Past either end, nothing moves.
    staff_client.post("/orders/views/", {"view": pickup.pk, "action": "up"})
    staff_client.post("/orders/views/", {"view": awaiting.pk, "action": "down"})
    assert list(tabs(staff_client.get("/orders/"))) == [
        "Ready for pickup",
        "Colis du jour",
        "Awaiting payment",
    ]

    staff_client.post("/orders/views/", {"view": awaiting.pk, "action": "delete"})
    assert list(tabs(staff_client.get("/orders/"))) == ["Ready for pickup", "Colis du jour"]


def test_rename_refuses_a_taken_or_empty_name_at_its_field(store, staff, staff_client):
    to_ship, awaiting, _pickup = saved_views_for_member(membership=staff)
    for name, message in (("Awaiting PAYMENT", "already exists"), ("", "This field is required.")):
        response = staff_client.post(
            "/orders/views/",
            {"view": to_ship.pk, "action": "rename", f"view-{to_ship.pk}-name": name},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    # Its own name, in another case, is not taken.
    response = staff_client.post(
        "/orders/views/",
        {"view": to_ship.pk, "action": "rename", f"view-{to_ship.pk}-name": "TO SHIP"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"view": "abc", "action": "delete"},
        {"view": "1", "action": "explode"},
        {"view": "9" * 30, "action": "up"},
    ],
)
def test_unknown_forms_change_nothing(store, staff_client, data):
    response = staff_client.post("/orders/views/", data)
    assert response.status_code == 302
    assert SavedView.objects.filter(store=store).count() == 3


def test_the_management_page_lists_the_members_views(store, staff_client):
    html = staff_client.get("/orders/views/", headers={"accept-language": "fr"}).content.decode()
    assert "À expédier" in html and "Monter" in html and "Supprimer" in html


def test_a_view_whose_filters_became_invalid_shows_without_a_count(store, staff_client):
    SavedView.objects.create(store=store, name="Ancien", params={"payment_status": ["gone"]})
    response = staff_client.get("/orders/")
    assert tabs(response)["Ancien"] is None


def test_the_data_migration_gives_existing_stores_their_defaults(store):
    migration = importlib.import_module("orders.migrations.0014_default_saved_views")
    SavedView.objects.all().delete()
    older = StoreFactory()
    SavedView.objects.filter(store=older).delete()
    SavedView.objects.create(store=older, name="Déjà là", params={}, position=4)
    migration.add_default_views(django_apps, connection.schema_editor().__class__(connection))
    assert sorted(SavedView.objects.filter(store=store).values_list("default_key", flat=True)) == [
        "awaiting_payment",
        "ready_for_pickup",
        "to_ship",
    ]
    positions = dict(SavedView.objects.filter(store=older).values_list("default_key", "position"))
    assert positions == {"": 4, "to_ship": 5, "awaiting_payment": 6, "ready_for_pickup": 7}
    # Run twice (a re-run after a partial failure): no second set.
    migration.add_default_views(django_apps, connection.schema_editor().__class__(connection))
    assert SavedView.objects.filter(store=store).count() == 3


def test_the_list_still_counts_its_own_orders_with_tabs(staff_client, store, orders):
    OrderFactory(store=store, payment_status=P.PAID, total=Decimal("99.00"))
    response = staff_client.get("/orders/?total_min=50")
    assert response.context["page"].paginator.count == 1
