"""The order list's search finds an order however it is typed: case and accents ignored, any
part of the reference, customer, e-mail, phone digits, SKU, product name, city or postcode.
Orders are written by the services (order_create, order_edit) as in the application."""

from decimal import Decimal

import pytest

from numbering.services import numbering_update_settings
from orders import search
from orders.editing.services import order_edit
from orders.models import Order
from orders.parts import LineData, OrderData
from orders.search import search_normalise, search_query_parse
from orders.services import order_create
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def refs(response) -> set[str]:
    assert response.status_code == 200
    return {order.reference for order in response.context["orders"]}


def place(store, membership, **fields) -> Order:
    lines = fields.pop(
        "lines",
        [LineData(sku="TSH-BLC-M", name="T-shirt blanc", quantity=1, unit_price=Decimal("19.90"))],
    )
    return order_create(
        store=store,
        source=Order.Source.PHONE,
        membership=membership,
        data=OrderData(lines=lines, **fields),
    )


@pytest.fixture
def orders(store, staff):
    return {
        "theo": place(
            store,
            staff,
            customer_name="Théo Lefèvre",
            customer_email="theo.lefevre@example.fr",
            customer_phone="06 12 34 56 78",
            shipping_postcode="33000",
            shipping_city="Bordeaux",
        ),
        "elodie": place(
            store,
            staff,
            customer_name="Élodie Moreau",
            customer_email="louis.moreau@example.fr",
            customer_phone="+33 7 98 76 54 32",
            billing_city="Lyon",
            billing_postcode="69007",
            lines=[
                LineData(
                    sku="CAF-ETH-250",
                    name="Café d'Éthiopie",
                    quantity=2,
                    unit_price=Decimal("12.90"),
                )
            ],
        ),
        "li": place(
            store,
            staff,
            customer_name="Li",
            customer_email="li@example.cn",
            billing_city="Œuilly",
            lines=[
                LineData(
                    sku="TAS-CER-01",
                    name="Tasse en céramique",
                    quantity=1,
                    unit_price=Decimal("14.50"),
                )
            ],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theo", {"theo"}),
        ("THÉO", {"theo"}),
        ("Théo", {"theo"}),
        ("lefevre", {"theo"}),
        ("élodie", {"elodie"}),
        ("Elodie", {"elodie"}),
        ("ELODIE MOREAU", {"elodie"}),
        ("louis.moreau", {"elodie"}),
        ("LOUIS.MOREAU@EXAMPLE.FR", {"elodie"}),
        ("TSH-BLC", {"theo"}),
        ("tsh-blc-m", {"theo"}),
        ("ethiopie", {"elodie"}),
        ("céram", {"li"}),
        ("bordeaux", {"theo"}),
        ("BORDEAUX 330", {"theo"}),
        ("69007", {"elodie"}),
        ("oeuilly", {"li"}),
        ("06 12 34 56 78", {"theo"}),
        ("0612345678", {"theo"}),
        ("345678", {"theo"}),
        ("98.76.54", {"elodie"}),
        # Two letters match a whole value only: the customer "Li", not "Lyon" nor "Élodie".
        ("li", {"li"}),
        ("ly", set()),
        ("nobody", set()),
        ("theo lyon", set()),
    ],
)
def test_search_ignores_case_and_accents_and_finds_any_part(staff_client, orders, query, expected):
    response = staff_client.get("/orders/", {"q": query})
    assert refs(response) == {orders[key].reference for key in expected}


def test_search_finds_the_start_of_a_reference(staff_client, store, staff, admin_member):
    numbering_update_settings(membership=admin_member, next_number=1006, prefix="MB-", suffix="")
    wanted = place(store, staff, customer_name="Camille Martin")
    later = [place(store, staff, customer_name="Hugo Dubois") for _ in range(2)]
    assert wanted.reference == "MB-1006"
    assert refs(staff_client.get("/orders/", {"q": "MB-1006"})) == {"MB-1006"}
    assert refs(staff_client.get("/orders/", {"q": "mb-100"})) == {
        "MB-1006",
        *(order.reference for order in later),
    }
    # The bare number finds the order by its number too.
    assert "MB-1006" in refs(staff_client.get("/orders/", {"q": "1006"}))


def test_an_edited_order_is_found_by_its_new_values_only(staff_client, store, staff, orders):
    order = orders["theo"]
    order_edit(
        membership=staff,
        order_pk=order.pk,
        version=order.version,
        data=OrderData(
            customer_name="Zoé Girard",
            lines=[
                LineData(
                    sku="SAV-LAV-100",
                    name="Savon à la lavande",
                    quantity=1,
                    unit_price=Decimal("6.90"),
                )
            ],
        ),
    )
    assert refs(staff_client.get("/orders/", {"q": "zoe girard"})) == {order.reference}
    assert refs(staff_client.get("/orders/", {"q": "lavande"})) == {order.reference}
    assert refs(staff_client.get("/orders/", {"q": "theo"})) == set()
    assert refs(staff_client.get("/orders/", {"q": "TSH-BLC"})) == set()


def test_a_deleted_order_leaves_the_search(staff_client, orders):
    reference = orders["theo"].reference
    Order.objects.filter(pk=orders["theo"].pk).delete()
    assert refs(staff_client.get("/orders/", {"q": "theo"})) == set()
    assert reference not in refs(staff_client.get("/orders/"))


def test_search_combines_with_the_other_filters(staff_client, orders):
    response = staff_client.get("/orders/", {"q": "example.fr", "total_min": "20"})
    assert refs(response) == {orders["elodie"].reference}
    counts = staff_client.get("/orders/counts/", {"q": "example.fr", "total_min": "20"})
    assert counts.context["facets"].total == 1


def test_another_stores_orders_are_never_found(staff_client, orders, other_store):
    OrderFactory(store=other_store, customer_name="Théo Intrus")
    assert refs(staff_client.get("/orders/", {"q": "theo"})) == {orders["theo"].reference}


@pytest.mark.parametrize(
    ("driven", "counted"),
    [
        ((100, 100), (1000, 1000)),  # from the FTS matches
        ((1, 1), (1000, 1000)),  # the page along the list, counted from the FTS matches
        ((1, 1), (1, 1)),  # both along the list
    ],
)
def test_common_and_rare_terms_find_the_same_orders(
    staff_client, store, monkeypatch, driven, counted
):
    """On SQLite a term is reached from the FTS index or along the list's own index, by how
    common it is: each way finds and counts the same orders."""
    monkeypatch.setattr(search, "DRIVEN_BOUNDS", driven)
    monkeypatch.setattr(search, "COUNTED_BOUNDS", counted)
    names = ["Théo Martin", "Élodie Martin", "Hugo Petit"]
    made = [OrderFactory(store=store, customer_name=name) for name in names * 3]
    expected = {order.reference for order in made if "Martin" in order.customer_name}
    response = staff_client.get("/orders/", {"q": "martin"})
    assert refs(response) == expected
    assert staff_client.get("/orders/counts/", {"q": "martin"}).context["facets"].total == 6
    paid = staff_client.get("/orders/", {"q": "martin", "payment_status": "paid"})
    counts = staff_client.get("/orders/counts/", {"q": "martin", "payment_status": "paid"})
    assert refs(paid) == set() and counts.context["facets"].payment["awaiting_payment"] == 6


def test_special_characters_are_searched_as_typed(staff_client, store):
    quoted = OrderFactory(store=store, customer_name='Jean "Le Grand" 100% Dupont_')
    OrderFactory(store=store, customer_name="Jean Dupont")
    for query in ('"le grand"', "100%", "dupont_", "'", "%", "_", '"', "*", "AND", "|"):
        response = staff_client.get("/orders/", {"q": query})
        assert response.status_code == 200
    assert refs(staff_client.get("/orders/", {"q": '"Le Grand"'})) == {quoted.reference}
    assert refs(staff_client.get("/orders/", {"q": "100%"})) == {quoted.reference}
    assert refs(staff_client.get("/orders/", {"q": "dupont_"})) == {quoted.reference}


def test_normalised_text_and_terms():
    assert search_normalise("  Élodie  LEFÈVRE ") == "elodie lefevre"
    assert search_normalise("Cœur d’Ÿvette STRAẞE") == "coeur d'yvette strasse"
    assert search_query_parse("06 12 34").patterns == ("061234",)
    assert search_query_parse("Li Théo").patterns == ("|li|", "theo")
    assert search_query_parse("   ") is None


def test_a_search_page_runs_a_bounded_number_of_queries(
    staff_client, store, django_assert_max_num_queries
):
    for i in range(30):
        OrderFactory(store=store, customer_name=f"Théo {i}", payment_status="paid")
    for per_page in (25, 100):
        with django_assert_max_num_queries(10):
            response = staff_client.get(
                f"/orders/?q=theo&payment_status=paid&date_from=2020-01-01&per_page={per_page}"
            )
        assert len(response.context["orders"]) == min(per_page, 30)
    with django_assert_max_num_queries(10):
        staff_client.get("/orders/?q=1006")
