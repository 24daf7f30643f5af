"""The order form pages: plan gate, editing each part, bad input, stale edits, manual orders."""

from decimal import Decimal

import pytest

from mycommerce.plans import Plan
from mycommerce.roles import Role
from orders.events import event_render
from orders.models import Order, OrderEvent
from orders.statuses import PaymentStatus
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory
from tests.orders.editing.helpers import order_post_data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def order(store):
    return OrderFactory(
        store=store, customer_email="a@x.fr", lines=[("TAS-01", "Tasse", 1, D("10.00"))]
    )


def line_rows(order, **changes_by_sku):
    rows = []
    for line in order.lines.all():
        row = {
            "line_id": line.pk,
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
        }
        row.update(changes_by_sku.get(line.sku, {}))
        rows.append(row)
    return rows


def new_order_data(**fields):
    fields = {"customer_name": "Camille Martin", "customer_email": "camille@example.fr", **fields}
    return order_post_data(
        lines=[{"sku": "TAS-01", "name": "Tasse", "quantity": "2", "unit_price": "9.90"}],
        **fields,
    )


@pytest.mark.parametrize(
    ("plan", "allowed"),
    [(Plan.FREE, False), (Plan.STARTER, False), (Plan.STANDARD, True), (Plan.PROFESSIONAL, True)],
)
@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.OWNER])
def test_plan_gate_on_get_and_post_for_each_plan(store, plan, allowed, role):
    store.plan = plan
    store.save()
    client = client_for(MembershipFactory(store=store, role=role))
    order = OrderFactory(store=store, lines=[("TAS-01", "Tasse", 1, D("10.00"))])
    edit_url, new_url = f"/orders/{order.pk}/edit/", "/orders/new/"

    for response in (client.get(edit_url), client.get(new_url)):
        assert response.status_code == (200 if allowed else 403)
        if not allowed:
            assert "is not included in your plan" in response.content.decode()
            assert "Upgrade to Standard" in response.content.decode()

    edit = client.post(edit_url, order_post_data(order, customer_name="Changed"))
    create = client.post(new_url, new_order_data())
    assert edit.status_code == (302 if allowed else 403)
    assert create.status_code == (302 if allowed else 403)
    order.refresh_from_db()
    assert (order.customer_name == "Changed") is allowed
    assert Order.objects.filter(store=store).count() == (2 if allowed else 1)


def test_edit_page_shows_the_order(staff_client, order):
    response = staff_client.get(f"/orders/{order.pk}/edit/")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="TAS-01"' in content and 'value="a@x.fr"' in content
    assert 'name="version" value="1"' in content
    assert "€10.00" in content


def test_another_store_order_is_a_404(staff_client, other_store):
    theirs = OrderFactory(store=other_store, customer_name="Théo")
    assert staff_client.get(f"/orders/{theirs.pk}/edit/").status_code == 404
    response = staff_client.post(
        f"/orders/{theirs.pk}/edit/", order_post_data(theirs, customer_name="X")
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.customer_name == "Théo"


def test_saving_edits_each_part_and_redirects_with_the_new_total(staff_client, order):
    data = order_post_data(
        order,
        lines=line_rows(order, **{"TAS-01": {"quantity": "3"}})
        + [{"sku": "BOL-02", "name": "Bol", "quantity": "1", "unit_price": "5.00"}],
        discounts=[{"label": "Fidélité", "kind": "percent", "value": "10"}],
        taxes=[{"name": "TVA", "kind": "rate", "value": "20"}],
        customer_name="Jeanne Dupont",
        customer_email="b@x.fr",
        customer_phone="+33 6 12 34 56 78",
        billing_street="2 place Bellecour",
        billing_city="Lyon",
        billing_postcode="69002",
        same_as_billing="on",
        shipping_method="Colissimo",
        shipping_total="4.90",
        total="0.01",  # a tampered total is never read
    )
    response = staff_client.post(f"/orders/{order.pk}/edit/", data, follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    # 35.00 − 3.50 + 20 % of 31.50 (6.30) + 4.90
    assert order.total == D("42.70")
    assert order.customer_name == "Jeanne Dupont" and order.customer_phone == "+33 6 12 34 56 78"
    assert order.shipping_street == "2 place Bellecour" and order.shipping_city == "Lyon"
    assert order.shipping_method == "Colissimo"
    assert "New total: €42.70" in response.content.decode()
    rendered = event_render(order.events.get(type=OrderEvent.Type.EDITED))
    assert "Quantity of TAS-01: 1 → 3" in rendered.lines
    assert "Line added: 1 × Bol (BOL-02)" in rendered.lines
    assert "Customer e-mail: a@x.fr → b@x.fr" in rendered.lines
    assert rendered.sentence == "Order edited; total €10.00 → €42.70."


def test_removing_a_line(staff_client, store):
    order = OrderFactory(
        store=store, lines=[("TAS-01", "Tasse", 1, D("10")), ("BOL-02", "Bol", 1, D("5"))]
    )
    data = order_post_data(order, lines=line_rows(order, **{"BOL-02": {"DELETE": "on"}}))
    assert staff_client.post(f"/orders/{order.pk}/edit/", data).status_code == 302
    order.refresh_from_db()
    assert [line.sku for line in order.lines.all()] == ["TAS-01"]
    assert order.total == D("10.00")
    assert "Line removed: 1 × Bol (BOL-02)" in event_render(order.events.get()).lines


def test_preview_shows_recomputed_totals_without_saving(staff_client, order):
    data = order_post_data(
        order, lines=line_rows(order, **{"TAS-01": {"quantity": "4"}}), preview="1"
    )
    response = staff_client.post(f"/orders/{order.pk}/edit/", data)
    assert response.status_code == 200
    assert "€40.00" in response.content.decode()
    order.refresh_from_db()
    assert order.total == D("10.00") and order.version == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": [{"name": "Tasse", "quantity": "1.5", "unit_price": "10"}]}, "positive whole"),
        ({"lines": [{"name": "Tasse", "quantity": "0", "unit_price": "10"}]}, "positive whole"),
        ({"lines": [{"name": "Tasse", "quantity": "-2", "unit_price": "10"}]}, "positive whole"),
        ({"lines": [{"name": "Tasse", "quantity": "1", "unit_price": "-1"}]}, "cannot be negative"),
        ({"lines": [{"name": "Tasse", "quantity": "1", "unit_price": "1,2,3"}]}, "Enter a number"),
        ({"lines": [{"name": "Tasse", "quantity": "1", "unit_price": "abc"}]}, "Enter a number"),
        ({"lines": []}, "An order needs at least one line"),
        (
            {"lines": [{"name": "T", "quantity": "1", "unit_price": "1", "DELETE": "on"}]},
            "at least",
        ),
        (
            {"discounts": [{"label": "Trop", "kind": "fixed", "value": "50"}]},
            "larger than the subtotal",
        ),
        (
            {"discounts": [{"label": "Trop", "kind": "percent", "value": "150"}]},
            "more than 100",
        ),
        ({"customer_email": "not-an-email"}, "Enter a valid email address"),
        ({"customer_name": ""}, "This field is required"),
        ({"shipping_total": "-3"}, "cannot be negative"),
        ({"version": "abc"}, "Enter a whole number"),
        ({"taxes": [{"name": "TVA", "kind": "rate", "value": "-5"}]}, "cannot be negative"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(staff_client, order, changes, message):
    data = order_post_data(order, **changes)
    response = staff_client.post(f"/orders/{order.pk}/edit/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.version == 1 and order.total == D("10.00") and order.customer_email == "a@x.fr"
    assert order.lines.count() == 1 and not order.events.exists()


@pytest.fixture
def many_fields(settings):
    # 500 lines are about 2,500 fields: above Django's default cap of 1,000 per request.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000


def test_500_lines_are_accepted_and_501_refused(staff_client, order, many_fields):
    rows = [{"sku": f"S{i}", "name": "T", "quantity": "1", "unit_price": "1"} for i in range(501)]
    response = staff_client.post(f"/orders/{order.pk}/edit/", order_post_data(order, lines=rows))
    assert response.status_code == 200
    assert "Please submit at most 500 forms" in response.content.decode()
    order.refresh_from_db()
    assert order.version == 1 and order.lines.count() == 1

    response = staff_client.post(
        f"/orders/{order.pk}/edit/", order_post_data(order, lines=rows[:500])
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.lines.count() == 500 and order.total == D("500.00")


def test_bad_input_on_the_new_order_page_saves_nothing(staff_client, store):
    response = staff_client.post("/orders/new/", new_order_data(customer_email="nope"))
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert not Order.objects.exists()


def test_a_stale_edit_is_refused_and_shows_the_other_persons_change(store, order):
    first = client_for(MembershipFactory(store=store, role=Role.STAFF))
    second = client_for(MembershipFactory(store=store, role=Role.STAFF))
    stale = order_post_data(order, customer_email="second@x.fr")
    first.post(f"/orders/{order.pk}/edit/", order_post_data(order, customer_email="first@x.fr"))

    response = second.post(f"/orders/{order.pk}/edit/", stale)
    content = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this order" in content
    assert 'value="first@x.fr"' in content  # the form now shows their change
    assert "Customer e-mail: a@x.fr → first@x.fr" in content
    assert 'name="version" value="2"' in content
    order.refresh_from_db()
    assert order.customer_email == "first@x.fr" and order.version == 2


@pytest.mark.parametrize("status", [PaymentStatus.CANCELLED, PaymentStatus.REFUNDED])
def test_read_only_orders_show_no_form_and_refuse_a_post(staff_client, store, status):
    order = OrderFactory(store=store, payment_status=status)
    page = staff_client.get(f"/orders/{order.pk}/edit/")
    assert "can no longer be edited" in page.content.decode()
    assert 'id="order-form"' not in page.content.decode()
    response = staff_client.post(
        f"/orders/{order.pk}/edit/", order_post_data(order, customer_name="X")
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.customer_name != "X"


def test_editing_a_paid_order_states_the_amount_still_due(staff_client, store):
    order = OrderFactory(
        store=store, payment_status=PaymentStatus.PAID, lines=[("TAS-01", "Tasse", 1, D("10"))]
    )
    data = order_post_data(order, lines=line_rows(order, **{"TAS-01": {"quantity": "3"}}))
    response = staff_client.post(f"/orders/{order.pk}/edit/", data, follow=True)
    assert "€20.00 is still due from the customer" in response.content.decode()
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID


def test_editing_a_paid_order_states_the_amount_to_refund(staff_client, store):
    order = OrderFactory(
        store=store, payment_status=PaymentStatus.PAID, lines=[("TAS-01", "Tasse", 3, D("10"))]
    )
    data = order_post_data(order, lines=line_rows(order, **{"TAS-01": {"quantity": "1"}}))
    preview = staff_client.post(f"/orders/{order.pk}/edit/", {**data, "preview": "1"})
    assert "Amount to refund after this change: €20.00" in preview.content.decode()
    response = staff_client.post(f"/orders/{order.pk}/edit/", data, follow=True)
    assert "€20.00 is to be refunded to the customer" in response.content.decode()


def test_creating_a_phone_order(staff_client, store):
    response = staff_client.post("/orders/new/", new_order_data(source="phone"), follow=True)
    order = Order.objects.get(store=store)
    assert order.source == Order.Source.PHONE
    assert order.number == 1 and order.total == D("19.80")
    assert order.payment_status == PaymentStatus.AWAITING_PAYMENT
    assert order.events.get().type == OrderEvent.Type.CREATED
    assert f"Order {order.reference} created" in response.content.decode()


def test_creating_an_email_order_recorded_as_paid(staff_client, store):
    staff_client.post("/orders/new/", new_order_data(source="email", record_as_paid="on"))
    order = Order.objects.get(store=store)
    assert order.source == Order.Source.EMAIL and order.payment_status == PaymentStatus.PAID


def test_a_manual_order_cannot_claim_the_storefront_source(staff_client, store):
    response = staff_client.post("/orders/new/", new_order_data(source="storefront"))
    assert "Select a valid choice" in response.content.decode()
    assert not Order.objects.exists()


def test_the_new_order_page_shows_the_form(staff_client):
    content = staff_client.get("/orders/new/").content.decode()
    assert "New order" in content and 'name="lines-0-name"' in content
    assert "Record as paid" in content


def test_the_edit_page_costs_a_bounded_number_of_queries(
    staff_client, store, django_assert_max_num_queries
):
    order = OrderFactory(
        store=store, lines=[(f"SKU-{i}", f"Produit {i}", 1, D("1")) for i in range(30)]
    )
    with django_assert_max_num_queries(15):
        assert staff_client.get(f"/orders/{order.pk}/edit/").status_code == 200


def test_a_blank_row_added_and_left_empty_is_ignored(staff_client, order):
    # As the page adds a row: quantity pre-filled with 1, the rest blank.
    data = order_post_data(
        order,
        lines=line_rows(order) + [{"sku": "", "name": "", "quantity": "1", "unit_price": ""}],
        discounts=[{"label": "", "kind": "fixed", "value": ""}],
        taxes=[{"name": "", "kind": "rate", "value": ""}],
        customer_name="Renamed",
    )
    assert staff_client.post(f"/orders/{order.pk}/edit/", data).status_code == 302
    order.refresh_from_db()
    assert order.customer_name == "Renamed" and order.lines.count() == 1
    assert not order.discounts.exists() and not order.taxes.exists()


def test_the_form_and_the_timeline_speak_french(staff_client, order):
    staff_client.cookies["django_language"] = "fr"
    page = staff_client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert "Ajouter une ligne" in page and "Aperçu des totaux" in page
    data = order_post_data(order, lines=line_rows(order, **{"TAS-01": {"quantity": "2"}}))
    staff_client.post(f"/orders/{order.pk}/edit/", data)
    french = staff_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Quantité de TAS-01 : 1 → 2" in french
    # Written in French, read in English by a colleague: the timeline speaks English.
    staff_client.cookies["django_language"] = "en"
    english = staff_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Quantity of TAS-01: 1 → 2" in english and "Quantité" not in english


def test_the_totals_preview_needs_only_the_priced_parts(staff_client, store):
    data = new_order_data(customer_name="", preview="1")
    data["taxes-TOTAL_FORMS"] = "1"
    data.update({"taxes-0-name": "TVA", "taxes-0-kind": "rate", "taxes-0-value": "20"})
    response = staff_client.post("/orders/new/", data)
    content = response.content.decode()
    assert "€23.76" in content  # 2 × 9.90 + 20 %
    assert not Order.objects.exists()


def test_saving_a_large_order_costs_a_bounded_number_of_queries(
    staff_client, store, django_assert_max_num_queries
):
    order = OrderFactory(
        store=store, lines=[(f"SKU-{i}", f"Produit {i}", 1, D("1")) for i in range(100)]
    )
    data = order_post_data(order, lines=line_rows(order, **{"SKU-0": {"quantity": "5"}}))
    with django_assert_max_num_queries(30):
        assert staff_client.post(f"/orders/{order.pk}/edit/", data).status_code == 302
    order.refresh_from_db()
    assert order.total == D("104.00")
