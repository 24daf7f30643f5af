"""What a script can send to the order list and its selection: numbers that are not ASCII,
ids past 64 bits, dates and amounts at the edge of what Python and the databases hold.
Each is refused with a message, never a 500, and changes nothing."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from orders.models import Order, OrderEvent
from orders.statuses import FulfillmentStatus
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

# The same digits, written with other scripts' characters: str.isdigit() is true for each.
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def order(store):
    return OrderFactory(store=store, customer_name="Camille Martin")


def refs(response) -> list[str]:
    return [o.reference for o in response.context["orders"]]


@pytest.mark.parametrize("value", ["²", "٣", "５０", "-25", "25.0", "1e2", "9" * 5000, "\x00"])
def test_per_page_in_other_digits_falls_back_to_25_with_a_message(staff_client, order, value):
    response = staff_client.get("/orders/", {"per_page": value})
    assert response.status_code == 200
    assert response.context["per_page"] == 25
    assert refs(response) == [order.reference]
    assert "Choose 25, 50 or 100 orders per page." in texts(response)


@pytest.mark.parametrize("value", ["²", "٣", "0", "-1", "1.5", "9" * 5000])
def test_page_that_is_not_an_ascii_number_shows_page_one(staff_client, order, value):
    response = staff_client.get("/orders/", {"page": value})
    assert response.status_code == 200
    assert refs(response) == [order.reference]
    assert any("is not a page number" in text for text in texts(response))


def test_page_past_64_bits_shows_page_one_with_a_message(staff_client, order):
    response = staff_client.get("/orders/", {"page": str(2**64)})
    assert response.status_code == 200
    assert refs(response) == [order.reference]
    assert f"“{str(2**64)[:20]}” is not a page number." in texts(response)


def test_search_for_a_superscript_digit_finds_nothing_and_does_not_fail(staff_client, order):
    response = staff_client.get("/orders/", {"q": "²"})
    assert response.status_code == 200
    assert refs(response) == []


def test_search_by_number_reads_ascii_digits_only(staff_client, store):
    three = OrderFactory(store=store, number=3, reference="3", customer_name="Zoé")
    assert refs(staff_client.get("/orders/", {"q": "3"})) == [three.reference]
    assert refs(staff_client.get("/orders/", {"q": "3".translate(ARABIC_INDIC)})) == []
    assert staff_client.get("/orders/", {"q": str(2**64)}).status_code == 200


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date_to", "9999-12-31"),
        ("date_from", "0001-01-01"),
        ("date_from", "9999-12-31"),
        ("date_to", "0001-01-01"),
    ],
)
def test_extreme_dates_get_a_message_in_the_filter_bar(staff_client, order, name, value):
    response = staff_client.get("/orders/", {name: value})
    assert response.status_code == 200
    assert response.context["filterset"].form.errors[name] == [
        "Enter a date between 1900 and 2999."
    ]
    # The invalid filter is not applied: the order is still listed.
    assert refs(response) == [order.reference]
    assert "Enter a date between 1900 and 2999." in response.content.decode()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_widest_date_range_works_in_every_time_zone(staff_client, store, order, zone):
    store.timezone = zone
    store.save()
    response = staff_client.get("/orders/", {"date_from": "1900-01-01", "date_to": "2999-12-31"})
    assert response.status_code == 200
    assert refs(response) == [order.reference]


def test_extreme_dates_in_french(staff_client, order):
    response = staff_client.get(
        "/orders/", {"date_to": "9999-12-31"}, headers={"accept-language": "fr"}
    )
    assert response.status_code == 200
    assert "Saisissez une date entre 1900 et 2999." in response.content.decode()


@pytest.mark.parametrize("value", ["1e999", "NaN", "Infinity", "-1", "1" + "0" * 20, "0.001"])
def test_total_bounds_that_no_order_can_have_are_refused(staff_client, order, value):
    response = staff_client.get("/orders/", {"total_max": value, "total_min": value})
    assert response.status_code == 200
    errors = response.context["filterset"].form.errors
    assert "total_min" in errors and "total_max" in errors
    assert refs(response) == [order.reference]


def bulk(client, **data):
    return client.post(
        "/orders/",
        {"action": "set_fulfillment_status", "new_fulfillment_status": "processing", **data},
    )


@pytest.mark.parametrize(
    "bad_id", ["²", str(2**64), str(2**63), "0", "-1", "1.5", "abc", "", "1\x00", "9" * 5000]
)
def test_bulk_action_ignores_ids_that_are_not_ascii_64_bit_numbers(staff_client, order, bad_id):
    response = bulk(staff_client, ids=[bad_id, str(order.pk)])
    assert response.status_code == 302
    assert "Some selected ids were not valid and were ignored." in texts(response)
    order.refresh_from_db()
    assert order.fulfillment_status == FulfillmentStatus.PROCESSING


def test_bulk_action_does_not_read_other_scripts_digits_as_an_id(staff_client, order):
    events = OrderEvent.objects.count()
    for table in (ARABIC_INDIC, FULLWIDTH):
        response = bulk(staff_client, ids=[str(order.pk).translate(table)])
        assert response.status_code == 302
        assert "Some selected ids were not valid and were ignored." in texts(response)
    order.refresh_from_db()
    assert order.fulfillment_status == FulfillmentStatus.AWAITING_PROCESSING
    assert OrderEvent.objects.count() == events


@pytest.mark.parametrize(("name", "value"), [("date_to", "9999-12-31"), ("total_max", "1e999")])
def test_bulk_action_on_all_matching_with_bad_filters_changes_nothing(
    staff_client, order, name, value
):
    response = bulk(staff_client, select_all="1", **{name: value})
    assert response.status_code == 302
    assert "The filters are not valid; nothing was selected." in texts(response)
    order.refresh_from_db()
    assert order.fulfillment_status == FulfillmentStatus.AWAITING_PROCESSING


@pytest.mark.parametrize(
    "data",
    [
        {"ids": ["²"]},
        {"ids": [str(2**64)]},
        {"ids": ["abc", "-1", "1.5", ""]},
        {"select_all": "1", "date_to": "9999-12-31"},
        {"select_all": "1", "date_from": "0001-01-01"},
    ],
)
def test_invoice_batch_of_a_bad_selection_goes_back_with_a_message(staff_client, order, data):
    events = OrderEvent.objects.count()
    response = staff_client.post("/orders/invoices/", data)
    assert response.status_code == 302
    assert texts(response)
    assert OrderEvent.objects.count() == events


def test_order_pages_past_64_bits_are_not_found(staff_client):
    huge = 2**64
    for url in (f"/orders/{huge}/", f"/orders/{huge}/edit/", f"/orders/{huge}/invoice.pdf"):
        assert staff_client.get(url).status_code == 404


def test_refund_of_an_amount_no_column_can_hold_is_refused(staff_client, store):
    order = OrderFactory(store=store, payment_status="paid")
    for amount in ("1e999", "NaN", "1000000000000", "-0"):
        response = staff_client.post(
            f"/orders/{order.pk}/",
            {"form": "refund", "refund-version": order.version, "refund-amount": amount},
        )
        assert response.status_code == 400, amount
        assert response.context["refund_form"].errors["amount"]
    order.refresh_from_db()
    assert order.refunded_total == Decimal("0.00")
    assert Order.objects.get(pk=order.pk).version == order.version
