"""Hostile values in every GET parameter of the order list and every field of every form and
POST endpoint, signed in as the owner of a Standard-plan store: never a 5xx, and nothing
written when the request is refused.

Each case is one valid request with one field replaced by one hostile value, so a failure
names the endpoint, the field and the value. Run on SQLite and on PostgreSQL (DATABASE_URL).
The store and its orders are made once for the module, inside a transaction rolled back at
its end; each case runs in a savepoint of its own (as with Django's setUpTestData).
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection, transaction
from django.test import Client, override_settings

from exports.columns import COLUMN_KEYS
from exports.models import ExportSettings, JournalSettings
from mycommerce.models import Job, Membership, Store
from mycommerce.roles import Role
from numbering.models import NumberingChange, NumberSequence
from orders.filters import FILTER_PARAMETERS
from orders.models import Order, OrderEvent, OrderLine, OrderNote, Refund
from orders.statuses import PaymentStatus
from tests.factories import MembershipFactory, OrderFactory, StoreFactory
from tests.orders.editing.helpers import order_post_data

# What a person pastes or a script sends, one of each kind of trouble. Lone surrogates cannot
# even be encoded in UTF-8: malformed UTF-8 is sent as raw bytes (BAD_BYTES).
HOSTILE = {
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "digit-nul": "1\x00",
    "100kB-digits": "9" * 100_000,
    "1e999": "1e999",
    "NaN": "NaN",
    "minus-zero": "-0",
    "far-future-day": "9999-12-31",
    "first-day": "0001-01-01",
    "2**64": str(2**64),
    "empty": "",
    "format-string": "%(count)d %s {0}",
}
VALUES = [pytest.param(value, id=name) for name, value in HOSTILE.items()]
# An invalid start byte, an encoded surrogate, a Latin-1 "é".
BAD_BYTES = [b"\xff\xfe", b"\xed\xa0\x80", b"caf\xe9"]

pytestmark = pytest.mark.django_db  # each case in a savepoint, rolled back after it

LIST_PARAMETERS = (*FILTER_PARAMETERS, "per_page", "page", "unknown")


@dataclass
class World:
    store: Store
    other_store: Store
    client: Client
    waiting: Order  # awaiting payment, editable
    paid: Order  # paid: refundable


@pytest.fixture(scope="module")
def _module_settings(django_db_setup, tmp_path_factory):
    """tests/conftest.py's test settings, applied once for the whole module."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture
def _test_settings():
    """Replaces the per-test settings of tests/conftest.py: _module_settings holds them."""


@pytest.fixture(scope="module")
def world(_module_settings, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        store = StoreFactory(name="MaBoutique")
        owner = MembershipFactory(store=store, role=Role.OWNER)
        other_store = StoreFactory(name="Succursale Lyon")
        Membership.objects.create(user=owner.user, store=other_store, role=Role.OWNER)
        waiting = OrderFactory(
            store=store, lines=[("TAS-01", "Tasse", 2, Decimal("10.00"))], customer_name="Camille"
        )
        paid = OrderFactory(store=store, payment_status=PaymentStatus.PAID, customer_name="Hugo")
        client = Client()
        client.force_login(owner.user)
        yield World(store, other_store, client, waiting, paid)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_messages(world):
    """Messages left in the client's cookie by the previous case are not this case's."""
    world.client.cookies.pop("messages", None)


# What a refused request must leave as it was, read in one query: counts, highest ids, sums of
# versions and quantities, last update times, the numbering counter and the store's settings.
WATCHED = {
    Order: ("COUNT(*)", "SUM(version)", "MAX(updated_at)", "SUM(total)", "SUM(refunded_total)"),
    OrderLine: ("COUNT(*)", "MAX(id)", "SUM(quantity)", "SUM(unit_price)"),
    OrderEvent: ("COUNT(*)", "MAX(id)"),
    Refund: ("COUNT(*)",),
    OrderNote: ("COUNT(*)",),
    Job: ("COUNT(*)",),
    ExportSettings: ("COUNT(*)", "MAX(updated_at)"),
    NumberingChange: ("COUNT(*)",),
    JournalSettings: ("COUNT(*)",),
}
# Rows of the world's store only (the column naming it, the columns read).
WATCHED_ROWS = {
    NumberSequence: ("store_id", ("next_number", "prefix", "suffix", "last_issued")),
    Store: ("id", ("name", "plan", "currency", "timezone", "language", "vat_number")),
}


def db_state(world: World) -> tuple:
    quote = connection.ops.quote_name
    columns = [
        f"(SELECT {aggregate} FROM {quote(model._meta.db_table)})"
        for model, aggregates in WATCHED.items()
        for aggregate in aggregates
    ] + [
        f"(SELECT {column} FROM {quote(model._meta.db_table)} WHERE {key} = {world.store.pk:d})"
        for model, (key, row_columns) in WATCHED_ROWS.items()
        for column in row_columns
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        return cursor.fetchone()


def refused(response) -> bool:
    """A form shown again, an error status, or an error message: the request was refused."""
    if response.status_code >= 400:
        return True
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        return True
    levels = {m.level for m in get_messages(response.wsgi_request)}
    return constants.ERROR in levels


def consume(response) -> None:
    """Read a streamed body to its end: a failure while streaming is a failure too."""
    if response.streaming:
        b"".join(response.streaming_content)


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str  # formatted with the pks of the World's orders: {waiting}, {paid}
    base: object  # World -> a valid POST
    fields: tuple[str, ...]


def _bulk(world):
    return {
        "action": "set_fulfillment_status",
        "new_fulfillment_status": "processing",
        "new_payment_status": "",
        "carrier": "Colissimo",
        "tracking_number": "8R1",
        "ids": [str(world.waiting.pk)],
        "next": "/orders/",
    }


def _bulk_all(world):
    return {**_bulk(world), "select_all": "1", "ids": [], "q": "Camille", "sort": "-date"}


def _detail(form, **fields):
    def base(world):
        order = world.paid if form == "refund" else world.waiting
        return {"form": form, f"{form}-version": str(order.version), **fields}

    return base


def _edit(world):
    data = order_post_data(
        world.waiting,
        discounts=[{"label": "Fidélité", "kind": "percent", "value": "10"}],
        taxes=[{"name": "TVA", "kind": "rate", "value": "20"}],
    )
    data["same_as_billing"] = "on"
    return data


def _new(world):
    return order_post_data(
        lines=[{"sku": "TAS-01", "name": "Tasse", "quantity": "2", "unit_price": "9.90"}],
        discounts=[{"label": "Fidélité", "kind": "fixed", "value": "1.00"}],
        taxes=[{"name": "TVA", "kind": "rate", "value": "20"}],
        customer_name="Camille",
        customer_email="camille@example.fr",
        source="phone",
        record_as_paid="on",
    )


def _invoices(world):
    return {"document": "invoices", "ids": [str(world.waiting.pk)]}


def _export(world):
    return {
        "separator": "semicolon",
        "columns": list(COLUMN_KEYS),
        "layout": "lines",
        "decimal": "comma",
        "bom": "1",
        "ids": [str(world.waiting.pk)],
    }


def _numbering(world):
    sequence = NumberSequence.objects.get(store=world.store)
    return {
        "next_number": str(sequence.next_number + 10),
        "seen_next_number": str(sequence.next_number),
        "prefix": "MB-",
        "suffix": "-2026",
    }


def _store_settings(world):
    return {
        "name": "MaBoutique",
        "legal_address": "12 rue de la Paix\n75002 Paris",
        "vat_number": "FR40123456789",
        "currency": "EUR",
        "language": "fr",
        "timezone": "Europe/Paris",
        "paper_size": "A4",
    }


def _journal_settings(world):
    return {
        "journal_code": "VT",
        "customer_account": "411",
        "goods_account": "707",
        "services_account": "706",
        "shipping_account": "7085",
        "vat_account": "44571",
        "rate_20_sales": "707200",
    }


# The order form as the page sends it, with one row of each formset.
# The address lines are alike (optional text with a maximum length): they get each hostile
# value together, in one request ("a+b" names such a group of fields).
ADDRESS_TEXTS = "+".join(
    f"{kind}_{part}" for kind in ("billing", "shipping") for part in ("name", "street", "city")
)
ORDER_FORM_FIELDS = (
    "customer_name",
    "customer_email",
    "customer_phone",
    ADDRESS_TEXTS,
    "billing_postcode",
    "billing_country",
    "same_as_billing",
    "shipping_postcode",
    "shipping_country",
    "shipping_method",
    "shipping_total",
    *(
        f"{prefix}-{suffix}"
        for prefix in ("lines", "discounts", "taxes")
        for suffix in ("TOTAL_FORMS", "INITIAL_FORMS")
    ),
    # Sent by the page, never read by the server.
    "+".join(
        f"{prefix}-{suffix}"
        for prefix in ("lines", "discounts", "taxes")
        for suffix in ("MIN_NUM_FORMS", "MAX_NUM_FORMS")
    ),
    *(f"lines-0-{name}" for name in ("line_id", "sku", "name", "quantity", "unit_price")),
    "lines-0-DELETE",
    *(f"discounts-0-{name}" for name in ("label", "kind", "value", "DELETE")),
    *(f"taxes-0-{name}" for name in ("name", "kind", "value", "DELETE")),
    "preview",
)
# Creation shares the form with editing (fuzzed field by field above); here its own fields
# and those that reach the numbering and the totals.
NEW_ORDER_FIELDS = (
    "source",
    "record_as_paid",
    "customer_name",
    "lines-TOTAL_FORMS",
    "lines-0-quantity",
    "lines-0-unit_price",
    "discounts-0-value",
    "taxes-0-value",
    "shipping_total",
)
SELECTION_FIELDS = ("ids", "select_all")

ENDPOINTS = [
    Endpoint(
        "bulk",
        "/orders/",
        _bulk,
        (
            "action",
            "new_payment_status",
            "new_fulfillment_status",
            "carrier",
            "tracking_number",
            *SELECTION_FIELDS,
            "next",
        ),
    ),
    Endpoint("bulk-all-matching", "/orders/", _bulk_all, FILTER_PARAMETERS),
    Endpoint(
        "payment",
        "/orders/{waiting}/",
        _detail("payment", **{"payment-status": "paid"}),
        ("form", "payment-version", "payment-status"),
    ),
    Endpoint(
        "fulfillment",
        "/orders/{waiting}/",
        _detail(
            "fulfillment",
            **{
                "fulfillment-status": "shipped",
                "fulfillment-carrier": "Colissimo",
                "fulfillment-tracking_number": "8R1",
            },
        ),
        (
            "fulfillment-version",
            "fulfillment-status",
            "fulfillment-carrier",
            "fulfillment-tracking_number",
        ),
    ),
    Endpoint(
        "refund",
        "/orders/{paid}/",
        _detail("refund", **{"refund-amount": "1.00", "refund-reason": "Geste"}),
        ("refund-version", "refund-amount", "refund-reason"),
    ),
    Endpoint(
        "note",
        "/orders/{waiting}/",
        _detail("note", **{"note-text": "Rappeler"}),
        ("note-version", "note-text"),
    ),
    Endpoint("edit", "/orders/{waiting}/edit/", _edit, ("version", *ORDER_FORM_FIELDS)),
    Endpoint("new", "/orders/new/", _new, NEW_ORDER_FIELDS),
    Endpoint("invoices", "/orders/invoices/", _invoices, ("document", *SELECTION_FIELDS)),
    Endpoint(
        "invoices-all-matching",
        "/orders/invoices/",
        lambda world: {"document": "packing_slips", "select_all": "1", "q": "Camille"},
        FILTER_PARAMETERS,
    ),
    Endpoint(
        "export",
        "/exports/orders/",
        _export,
        ("format", "separator", "columns", "layout", "decimal", "bom", *SELECTION_FIELDS),
    ),
    Endpoint(
        "export-filters",
        "/exports/orders/",
        lambda world: {**_export(world), "ids": [], "q": "Camille", "sort": "-date"},
        FILTER_PARAMETERS,
    ),
    Endpoint(
        "numbering",
        "/settings/numbering/",
        _numbering,
        ("next_number", "seen_next_number", "prefix", "suffix"),
    ),
    Endpoint(
        "store-settings",
        "/settings/store/",
        _store_settings,
        ("name", "legal_address", "vat_number", "currency", "language", "timezone", "paper_size"),
    ),
    Endpoint(
        "journal-settings",
        "/exports/journal/settings/",
        _journal_settings,
        ("journal_code", "customer_account", "vat_account", "rate_20_sales", "per_customer"),
    ),
    Endpoint("plan", "/settings/plan/", lambda world: {"plan": "professional"}, ("plan",)),
    Endpoint(
        "store-switch",
        "/stores/switch/",
        lambda world: {"store": str(world.other_store.pk), "next": "/orders/"},
        ("store", "next"),
    ),
]
POST_CASES = [
    pytest.param(endpoint, name, id=f"{endpoint.name}:{name}")
    for endpoint in ENDPOINTS
    for name in endpoint.fields
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", LIST_PARAMETERS)
def test_order_list_parameter(world, name, value):
    before = db_state(world)
    response = world.client.get(
        "/orders/", {name: value, "q": "Camille"} if name != "q" else {name: value}
    )
    assert response.status_code == 200
    assert db_state(world) == before


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", ("start", "end", "report", "format", "download"))
def test_sales_journal_parameter(world, name, value):
    params = {"start": "2026-11-01", "end": "2026-11-30", "download": "1", name: value}
    before = db_state(world)
    response = world.client.get("/exports/journal/", params)
    consume(response)
    assert response.status_code == 200
    assert db_state(world) == before


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(("endpoint", "name"), POST_CASES)
def test_post_field(world, endpoint, name, value):
    data = endpoint.base(world)
    data.update(dict.fromkeys(name.split("+"), value))
    url = endpoint.url.format(waiting=world.waiting.pk, paid=world.paid.pk)
    before = db_state(world)
    response = world.client.post(url, data)
    consume(response)
    assert response.status_code < 500
    if refused(response):
        assert db_state(world) == before


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", ("next_number", "seen_next_number", "prefix", "suffix"))
def test_numbering_preview_parameter(world, name, value):
    data = {**_numbering(world), name: value}
    before = db_state(world)
    response = world.client.get("/settings/numbering/preview/", data)
    assert response.status_code == 200
    assert db_state(world) == before


@pytest.mark.parametrize("raw", BAD_BYTES, ids=repr)
@pytest.mark.parametrize("name", LIST_PARAMETERS)
def test_order_list_query_string_in_malformed_utf8(world, name, raw):
    query = name.encode() + b"=" + raw
    # WSGI carries the query's bytes as a latin-1 string.
    response = world.client.get("/orders/", QUERY_STRING=query.decode("latin-1"))
    assert response.status_code == 200


@pytest.mark.parametrize("raw", BAD_BYTES, ids=repr)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_post_body_in_malformed_utf8(world, endpoint, raw):
    names = [name for group in endpoint.fields for name in group.split("+")]
    body = b"&".join(name.encode() + b"=" + raw for name in names)
    url = endpoint.url.format(waiting=world.waiting.pk, paid=world.paid.pk)
    before = db_state(world)
    response = world.client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded"
    )
    consume(response)
    assert response.status_code < 500
    if refused(response):
        assert db_state(world) == before


@pytest.mark.parametrize(
    "url",
    [
        f"/orders/{2**64}/",
        f"/orders/{2**64}/edit/",
        f"/orders/{2**64}/invoice.pdf",
        f"/orders/{2**64}/packing-slip.pdf",
        f"/jobs/{2**64}/",
        f"/jobs/{2**64}/status/",
        f"/jobs/{2**64}/download/",
        "/orders/%C2%B2/",
        "/orders/%FF/",
    ],
)
def test_urls_with_ids_past_64_bits_are_not_found(world, url):
    assert world.client.get(url).status_code == 404
    assert world.client.post(url).status_code in (404, 405)


@pytest.mark.parametrize(
    "write",
    [
        lambda w: OrderNote.objects.create(order=w.waiting, text="x"),
        lambda w: Order.objects.filter(pk=w.waiting.pk).update(version=99),
        lambda w: OrderLine.objects.filter(order=w.waiting).update(quantity=3),
        lambda w: NumberSequence.objects.filter(store=w.store).update(prefix="X-"),
        lambda w: Store.objects.filter(pk=w.store.pk).update(name="Autre"),
        lambda w: ExportSettings.objects.create(
            user=w.waiting.store.memberships.first().user, store=w.store
        ),
    ],
    ids=["note", "order-version", "line", "numbering", "store", "export-settings"],
)
def test_the_snapshot_sees_each_kind_of_write(world, write):
    """The fuzz's "nothing written" would prove nothing if the snapshot missed a write."""
    before = db_state(world)
    write(world)
    assert db_state(world) != before
