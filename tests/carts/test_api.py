"""The storefront intake API: keys, carts, checkout, order statuses, problem details."""

import json
from decimal import Decimal

import pytest

from carts.keys import api_key_create, api_key_revoke
from carts.models import Cart, CartLine
from mycommerce.plans import Plan
from orders.models import Order
from orders.statuses import FulfillmentStatus
from tests.carts.conftest import ApiClient, cart_body
from tests.factories import MembershipFactory, OrderFactory

pytestmark = pytest.mark.django_db

TOKEN = "cart-0001-abcd"


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["type"].startswith("tag:mycommerce,2026:problems/")
    return body


def fields(body: dict) -> dict[str, str]:
    return {error["field"]: error["message"] for error in body["errors"]}


def test_a_cart_is_created_then_replaced_with_totals_computed_on_the_server(api, store):
    created = api.put(f"carts/{TOKEN}", cart_body())
    assert created.status_code == 201
    body = created.json()
    assert body["total"] == "54.30"  # 2 × 19.90 + 14.50, whatever the client thinks
    assert body["customer"]["email"] == "camille.martin@example.fr"
    assert body["state"] == "active" and body["order"] is None

    one_line = [{"sku": "SAV-LAV", "name": "Savon", "quantity": 3, "unit_price": "6.90"}]
    updated = api.put(f"carts/{TOKEN}", cart_body(lines=one_line))
    assert updated.status_code == 200
    assert updated.json()["total"] == "20.70"
    cart = Cart.objects.get(store=store, token=TOKEN)
    assert list(cart.lines.values_list("sku", flat=True)) == ["SAV-LAV"]
    assert api.get(f"carts/{TOKEN}").json()["lines"][0]["line_total"] == "20.70"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer mck_000000000000_nope", "Basic b3duZXI6cGFzcw==", "mck_x"],
)
def test_a_missing_or_bad_key_is_a_401_problem(api, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    anonymous = ApiClient(None)
    response = anonymous.put(f"carts/{TOKEN}", cart_body(), headers=headers)
    body = problem(response, 401)
    assert "Bearer" in response["WWW-Authenticate"]
    assert "Authorization" in body["detail"]
    assert not Cart.objects.exists()


def test_a_revoked_key_stops_working(owner, store):
    key, raw = api_key_create(membership=owner, name="Ancienne boutique")
    client = ApiClient(raw)
    assert client.put(f"carts/{TOKEN}", cart_body()).status_code == 201
    api_key_revoke(membership=owner, key_id=key.pk)
    problem(client.get(f"carts/{TOKEN}"), 401)


def test_a_key_works_for_its_own_store_only(api, store, other_store):
    other_owner = MembershipFactory(store=other_store, role="owner")
    theirs = ApiClient(api_key_create(membership=other_owner, name="Lyon")[1])
    assert theirs.put(f"carts/{TOKEN}", cart_body()).status_code == 201
    theirs_order = OrderFactory(store=other_store)

    problem(api.get(f"carts/{TOKEN}"), 404)
    problem(api.post(f"carts/{TOKEN}/checkout", {}), 404)
    problem(api.get(f"orders/{theirs_order.number}"), 404)
    # The same token in my store is my own cart; theirs is untouched.
    mine = api.put(f"carts/{TOKEN}", cart_body(lines=[]))
    assert mine.status_code == 201
    assert Cart.objects.get(store=other_store, token=TOKEN).line_count == 2


def test_keys_are_stored_hashed_never_in_clear(owner):
    key, raw = api_key_create(membership=owner, name="Boutique")
    assert raw.startswith("mck_") and len(raw) > 40
    key.refresh_from_db()
    assert raw not in (key.key_hash, key.prefix) and len(key.key_hash) == 64


def test_a_store_without_the_plan_is_refused_with_the_plan_named(store, owner):
    raw = api_key_create(membership=owner, name="Boutique")[1]
    store.plan = Plan.STARTER
    store.save()
    body = problem(ApiClient(raw).put(f"carts/{TOKEN}", cart_body()), 403)
    assert "Standard" in body["detail"]
    assert not Cart.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"quantity": -1}, "lines[0].quantity", "at least 1"),
        ({"quantity": 0}, "lines[0].quantity", "at least 1"),
        ({"quantity": 1_000_000}, "lines[0].quantity", "at most 10000"),
        ({"quantity": "2"}, "lines[0].quantity", "whole number"),
        ({"quantity": 1.5}, "lines[0].quantity", "whole number"),
        ({"unit_price": "-0.01"}, "lines[0].unit_price", "at least 0"),
        ({"unit_price": "1000000.01"}, "lines[0].unit_price", "at most 1000000"),
        ({"unit_price": "1e15"}, "lines[0].unit_price", "too many digits"),
        ({"unit_price": "19.999"}, "lines[0].unit_price", "2 decimal places"),
        ({"unit_price": "NaN"}, "lines[0].unit_price", "amount"),
        ({"unit_price": "dix"}, "lines[0].unit_price", "amount"),
        ({"name": ""}, "lines[0].name", "at least 1"),
        ({"name": "x" * 256}, "lines[0].name", "at most 255"),
        ({"colour": "blue"}, "lines[0].colour", "unknown field"),
    ],
)
def test_each_bad_line_field_is_named_and_nothing_is_saved(api, store, change, field, words):
    api.put(f"carts/{TOKEN}", cart_body())
    line = {"sku": "A", "name": "Article", "quantity": 1, "unit_price": "10.00", **change}
    body = problem(api.put(f"carts/{TOKEN}", cart_body(lines=[line])), 422)
    assert field in fields(body)
    assert words in fields(body)[field].lower()
    cart = Cart.objects.get(store=store, token=TOKEN)
    assert cart.line_count == 2 and cart.subtotal == Decimal("54.30")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"currency": "XYZ"}, "currency", "not a currency"),
        ({"currency": "USD"}, "currency", "eur only"),
        ({"currency": "euro"}, "currency", "format"),
        ({"language": "de"}, "language", "fr"),
        ({"customer": {"email": "not-an-address"}}, "customer.email", "valid e-mail"),
        ({"customer": {"marketing_consent": "yes"}}, "customer.marketing_consent", "true or"),
        ({"customer": {"name": "x" * 201}}, "customer.name", "at most 200"),
        ({"lines": "none"}, "lines", "list"),
    ],
)
def test_bad_cart_fields_are_named(api, store, overrides, field, words):
    body = problem(api.put(f"carts/{TOKEN}", cart_body(**overrides)), 422)
    assert words in fields(body)[field].lower()
    assert not Cart.objects.exists()


def test_a_total_beyond_what_an_order_can_hold_is_refused(api):
    line = {"name": "Lingot", "quantity": 10_000, "unit_price": "1000000"}
    body = problem(api.put(f"carts/{TOKEN}", cart_body(lines=[line] * 11)), 422)
    assert "at most 100000000" in fields(body)["lines"]
    assert not Cart.objects.exists()


def test_ten_thousand_lines_are_refused_whole(api, store):
    lines = [{"name": "Article", "quantity": 1, "unit_price": "1"}] * 10_000
    body = problem(api.put(f"carts/{TOKEN}", cart_body(lines=lines)), 422)
    assert "500" in fields(body)["lines"]
    assert not Cart.objects.exists() and not CartLine.objects.exists()


def test_a_malformed_body_an_oversized_body_and_a_bad_token(api):
    assert problem(api.put(f"carts/{TOKEN}", b'{"lines": [}'), 400)["detail"].endswith("JSON.")
    huge = json.dumps(cart_body(padding="x" * (1024 * 1024)))
    assert "1024 KiB" in problem(api.put(f"carts/{TOKEN}", huge), 413)["detail"]
    form = api.post(f"carts/{TOKEN}/checkout", "a=1", content_type="text/plain")
    problem(form, 415)
    assert "token" in fields(problem(api.put("carts/no", cart_body()), 422))
    assert not Cart.objects.exists()


def test_french_problem_details_for_a_french_storefront(api):
    response = api.put(
        f"carts/{TOKEN}", cart_body(currency="USD"), headers={"Accept-Language": "fr"}
    )
    body = problem(response, 422)
    assert body["title"] == "Données non valides"
    assert fields(body)["currency"] == "Cette boutique vend uniquement en EUR."


def test_checkout_places_one_numbered_storefront_order_even_when_repeated(api, store):
    api.put(f"carts/{TOKEN}", cart_body())
    first = api.post(
        f"carts/{TOKEN}/checkout",
        {
            "paid": True,
            "shipping": {"name": "Camille Martin", "city": "Lyon", "country": "FR", "cost": "4.90"},
            "taxes": [{"name": "TVA 20 %", "rate": "20"}],
        },
    )
    assert first.status_code == 201
    order = Order.objects.get(store=store)
    assert first.json()["reference"] == order.reference and order.number == 1
    assert (order.source, order.payment_status) == ("storefront", "paid")
    assert order.total == Decimal("54.30") * Decimal("1.2") + Decimal("4.90")
    assert list(order.lines.values_list("sku", flat=True)) == ["TSH-BLC-M", "TAS-CER-01"]
    again = api.post(f"carts/{TOKEN}/checkout", {"paid": True})
    assert again.status_code == 200 and again.json()["reference"] == order.reference
    assert Order.objects.count() == 1
    cart = Cart.objects.get(token=TOKEN)
    assert (cart.state, cart.ordered_via, cart.order_id) == ("ordered", "checkout", order.pk)
    # A checked-out cart takes no more changes.
    assert "already ordered" in problem(api.put(f"carts/{TOKEN}", cart_body()), 409)["detail"]


def test_an_unpaid_checkout_is_awaiting_payment(api, store):
    api.put(f"carts/{TOKEN}", cart_body())
    response = api.post(f"carts/{TOKEN}/checkout")
    assert response.json()["payment_status"] == "awaiting_payment"


def test_the_same_idempotency_key_gives_the_same_order_and_refuses_another_cart(api):
    api.put(f"carts/{TOKEN}", cart_body())
    api.put("carts/cart-0002-abcd", cart_body())
    key = {"Idempotency-Key": "checkout-7f3a"}
    first = api.post(f"carts/{TOKEN}/checkout", {}, headers=key)
    second = api.post(f"carts/{TOKEN}/checkout", {}, headers=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["reference"] == second.json()["reference"]
    reused = problem(api.post("carts/cart-0002-abcd/checkout", {}, headers=key), 409)
    assert "Idempotency-Key" in reused["detail"]
    assert Order.objects.count() == 1


def test_an_empty_cart_cannot_be_checked_out(api):
    api.put(f"carts/{TOKEN}", cart_body(lines=[]))
    assert "empty" in fields(problem(api.post(f"carts/{TOKEN}/checkout"), 422))["lines"]
    assert not Order.objects.exists()


def test_an_order_shows_its_statuses_and_tracking(api, store):
    order = OrderFactory(
        store=store,
        fulfillment_status=FulfillmentStatus.SHIPPED,
        carrier="Colissimo",
        tracking_number="8R0042",
    )
    body = api.get(f"orders/{order.number}").json()
    assert body["fulfillment_status"] == "shipped" and body["tracking_number"] == "8R0042"
    assert body["payment_status"] == "awaiting_payment" and body["carrier"] == "Colissimo"
    problem(api.get("orders/999999"), 404)
    assert "number" in fields(problem(api.get("orders/MB-12"), 422))


def test_the_docs_page_is_public_and_loads_nothing_from_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/carts/{token}",
        "/api/v1/carts/{token}/checkout",
        "/api/v1/orders/{number}",
    }
    line = schema["components"]["schemas"]["LineIn"]["properties"]
    assert line["quantity"]["maximum"] == 10_000


@pytest.mark.parametrize(
    ("body", "on_put", "on_checkout"),
    [
        (b"", 422, 404),  # a bare checkout is fine; this cart does not exist
        (b"null", 422, 404),
        (b"[]", 422, 422),
        (b'"a cart"', 422, 422),
        (b"\xff\xfe{", 400, 400),
        (b'{"customer": "Camille"}', 422, 422),
        (b'{"lines": [null]}', 422, 422),
        (b'{"lines": [{"quantity": 1e400, "name": "x", "unit_price": 1}]}', 422, 422),
        (b"{" * 5000, 400, 400),
    ],
)
def test_no_body_a_script_can_send_gives_a_500(api, body, on_put, on_checkout):
    problem(api.put(f"carts/{TOKEN}", body), on_put)
    problem(api.post(f"carts/{TOKEN}/checkout", body), on_checkout)
    assert not Cart.objects.exists()


def test_an_overlong_idempotency_key_or_token_is_named(api):
    api.put(f"carts/{TOKEN}", cart_body())
    long_key = {"Idempotency-Key": "k" * 256}
    assert "Idempotency-Key" in fields(
        problem(api.post(f"carts/{TOKEN}/checkout", {}, long_key), 422)
    )
    assert "token" in fields(problem(api.get("carts/" + "t" * 65), 422))
    assert not Order.objects.exists()


def rated(*rates) -> list[dict]:
    """The default cart's two lines, with these VAT rates."""
    lines = cart_body()["lines"]
    return [{**line, "vat_rate": rate} for line, rate in zip(lines, rates, strict=True)]


def test_lines_with_their_vat_rates_make_an_order_taxed_per_line_as_its_invoice(api, store):
    """Prices including VAT (the store's mode, French shops' usual one): the total is what the
    customer saw, the VAT per rate is inside it, and shipping is taxed as the goods are."""
    store.price_mode = store.PriceMode.TAX_INCLUSIVE
    store.save()
    created = api.put(f"carts/{TOKEN}", cart_body(lines=rated("20", "5.5")))
    assert [line["vat_rate"] for line in created.json()["lines"]] == ["20.00", "5.50"]
    response = api.post(f"carts/{TOKEN}/checkout", {"paid": True, "shipping": {"cost": "4.90"}})
    assert response.status_code == 201, response.content
    order = Order.objects.get(store=store)
    assert order.total == Decimal("54.30") + Decimal("4.90")  # 2 × 19.90 + 14.50 + shipping
    assert order.prices_include_vat and not order.taxes.exists()
    assert list(order.lines.values_list("vat_rate", flat=True)) == [Decimal("20"), Decimal("5.5")]
    # 39.80 at 20 % and 14.50 at 5.5 %, shipping shared between them by their weight.
    shipping_20 = (Decimal("4.90") * Decimal("39.80") / Decimal("54.30")).quantize(Decimal("0.01"))
    total_20 = Decimal("39.80") + shipping_20
    total_55 = Decimal("14.50") + Decimal("4.90") - shipping_20

    def vat(total: Decimal, rate: Decimal) -> Decimal:
        return total - (total / (1 + rate / 100)).quantize(Decimal("0.01"))

    assert order.tax_total == vat(total_20, Decimal(20)) + vat(total_55, Decimal("5.5"))


def test_prices_excluding_vat_add_it_per_line(api, store):
    store.price_mode = store.PriceMode.TAX_EXCLUSIVE
    store.save()
    api.put(f"carts/{TOKEN}", cart_body(lines=rated("20", "20")))
    api.post(f"carts/{TOKEN}/checkout", {"paid": True})
    order = Order.objects.get(store=store)
    assert (order.total, order.tax_total) == (Decimal("65.16"), Decimal("10.86"))


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        (rated("20", None), "lines", "Give every line its VAT rate, or none."),
        (rated("20", "7"), "lines[1].vat_rate", "one of the store’s: 20, 10, 5.5, 2.1, 0"),
        (rated("20", "-1"), "lines[1].vat_rate", "Must be at least 0."),
    ],
)
def test_a_vat_rate_the_store_does_not_have_is_refused_at_its_line(api, lines, field, message):
    body = problem(api.put(f"carts/{TOKEN}", cart_body(lines=lines)), 422)
    assert message in fields(body)[field]
    assert not Cart.objects.exists()


def test_rated_lines_and_checkout_taxes_together_are_refused(api, store):
    api.put(f"carts/{TOKEN}", cart_body(lines=rated("20", "20")))
    response = api.post(f"carts/{TOKEN}/checkout", {"taxes": [{"name": "TVA 20 %", "rate": "20"}]})
    body = problem(response, 422)
    assert "no taxes of its own" in json.dumps(body, ensure_ascii=False)
    assert not Order.objects.exists()
