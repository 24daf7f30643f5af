"""The invoices' columns: numbers of invoices and credit notes, the business buyer, and the
amounts excluding VAT, VAT and including VAT per rate, in CSV and XLSX, in both layouts."""

from decimal import Decimal

import pytest

from exports.columns import Source, column_groups
from exports.related import SOURCE_READERS
from invoices.models import Invoice
from orders.models import Order
from orders.parts import DiscountData, LineData, OrderData
from orders.services import order_create, order_refund, order_set_payment_status
from tests.exports.test_columns import csv_rows
from tests.exports.test_xlsx import export_xlsx, records, workbook_of
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
D = Decimal
INVOICE_COLUMNS = [
    "reference",
    "invoice_numbers",
    "credit_note_numbers",
    "buyer_company",
    "buyer_vat_number",
    "buyer_siren",
    "total_excl_vat",
    *(f"vat_{slot}_{part}" for slot in (1, 2, 3) for part in ("rate", "base", "vat", "total")),
]


def business_order(store, *, prices_include_vat: bool = True) -> Order:
    """Goods at 20 % and 5.5 %, a discount and shipping (tests/invoices/test_vat.py's figures)."""
    data = OrderData(
        customer_name="Camille Martin",
        billing_street="1 rue de Rivoli",
        buyer_company="Épicerie Fine Lyonnaise SARL",
        buyer_siren="732829320",
        buyer_vat_number="FR44732829320",
        lines=[
            LineData(sku="TSH", name="T-shirt", quantity=2, unit_price=D("12.00"), vat_rate=D(20)),
            LineData(
                sku="THE", name="Thé vert", quantity=1, unit_price=D("10.55"), vat_rate=D("5.5")
            ),
        ],
        discounts=[DiscountData(label="Bienvenue", kind="fixed", value=D("5.00"))],
        shipping_total=D("6.90"),
        prices_include_vat=prices_include_vat,
    )
    return order_create(store=store, source=Order.Source.STOREFRONT, data=data)


@pytest.fixture
def invoiced(store, staff) -> Order:
    """Invoiced when paid, then partly refunded twice: two credit notes."""
    order = order_set_payment_status(membership=staff, order=business_order(store), status="paid")
    order_refund(membership=staff, order=order, amount=D("5.00"), reason="Geste")
    order_refund(membership=staff, order=order, amount=D("2.00"), reason="Retard")
    return order


def numbers(order: Order, kind: str) -> list[str]:
    return list(
        Invoice.objects.filter(order=order, kind=kind)
        .order_by("issued_at", "pk")
        .values_list("number", flat=True)
    )


def test_invoice_and_credit_note_numbers_and_the_business_buyer(staff_client, invoiced):
    (invoice,) = numbers(invoiced, Invoice.Kind.INVOICE)
    credit_notes = numbers(invoiced, Invoice.Kind.CREDIT_NOTE)
    assert len(credit_notes) == 2
    (row,) = csv_rows(staff_client, columns=INVOICE_COLUMNS, layout="orders")
    assert row["Invoice numbers"] == invoice
    assert row["Credit note numbers"] == " | ".join(credit_notes)
    assert row["Buyer company"] == "Épicerie Fine Lyonnaise SARL"
    assert row["Buyer VAT number"] == "FR44732829320"
    assert row["Buyer SIREN"] == "732829320"


def test_amounts_per_rate_are_the_invoices_highest_rate_first(staff_client, invoiced):
    # As on the invoice (tests/invoices/test_vat.py): 20 % 21.10 + 4.22 = 25.32, 5.5 %
    # 10.55 + 0.58 = 11.13, 31.65 excluding VAT; no third rate.
    rows = csv_rows(staff_client, columns=[*INVOICE_COLUMNS, "line_sku"])
    assert len(rows) == 2  # layout lines: the order's figures on each of its lines
    for row in rows:
        assert row["Total excl. VAT"] == "31,65"
        assert [row[f"VAT rate {n} (%)"] for n in (1, 2, 3)] == ["20", "5,5", ""]
        assert [row[f"Excl. VAT at rate {n}"] for n in (1, 2, 3)] == ["21,10", "10,55", ""]
        assert [row[f"VAT at rate {n}"] for n in (1, 2, 3)] == ["4,22", "0,58", ""]
        assert [row[f"Incl. VAT at rate {n}"] for n in (1, 2, 3)] == ["25,32", "11,13", ""]


def test_an_order_not_invoiced_shows_its_figures_and_no_number(staff_client, store):
    business_order(store, prices_include_vat=False)
    (row,) = csv_rows(staff_client, columns=INVOICE_COLUMNS, layout="orders", decimal="point")
    assert row["Invoice numbers"] == row["Credit note numbers"] == ""
    assert [row[f"Excl. VAT at rate {n}"] for n in (1, 2)] == ["25.32", "11.13"]
    assert [row[f"Incl. VAT at rate {n}"] for n in (1, 2)] == ["30.38", "11.74"]


def test_an_order_taxed_as_a_whole_has_its_rate_and_untaxed_shipping(staff_client, store):
    from orders.models import OrderTax

    order = OrderFactory(store=store, shipping_total=D("5.00"), tax_total=D("4.00"))
    order.total += D("4.00")
    order.save()
    OrderTax.objects.create(order=order, name="TVA", kind="rate", value=D(20), amount=D("4.00"))
    (row,) = csv_rows(staff_client, columns=INVOICE_COLUMNS, decimal="point")
    assert row["Buyer company"] == row["Buyer SIREN"] == ""
    assert [row["VAT rate 1 (%)"], row["Excl. VAT at rate 1"], row["VAT at rate 1"]] == [
        "20",
        "20.00",
        "4.00",
    ]
    assert [row["VAT rate 2 (%)"], row["Excl. VAT at rate 2"], row["VAT at rate 2"]] == [
        "0",
        "5.00",
        "0.00",
    ]
    assert row["Total excl. VAT"] == "25.00"


def test_the_xlsx_has_them_typed_in_both_sheets(staff_client, invoiced):
    (invoice,) = numbers(invoiced, Invoice.Kind.INVOICE)
    book = workbook_of(export_xlsx(staff_client))
    for sheet in ("Orders", "Lines"):
        row = records(book[sheet])[0]
        assert row["Invoice numbers"].value == invoice
        assert row["Buyer VAT number"].value == "FR44732829320"
        assert row["Buyer SIREN"].data_type == "s" and row["Buyer SIREN"].value == "732829320"
        assert row["VAT rate 2 (%)"].value == pytest.approx(5.5)
        assert row["Excl. VAT at rate 1"].value == pytest.approx(21.10)
        assert "€" in row["Incl. VAT at rate 1"].number_format
        assert row["VAT rate 3 (%)"].value is None


def test_french_headers_and_their_group(staff_client, invoiced):
    staff_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    (row,) = csv_rows(staff_client, columns=INVOICE_COLUMNS, layout="orders")
    for header in (
        "Numéros de facture",
        "Numéros d’avoir",
        "Société cliente",
        "N° de TVA du client",
        "SIREN du client",
        "Total HT",
        "Taux de TVA 1 (%)",
        "HT au taux 1",
        "TVA au taux 2",
        "TTC au taux 3",
    ):
        assert header in row, header
    groups = {group.key: [c.key for c in columns] for group, columns in column_groups()}
    assert groups["invoices"][:2] == ["invoice_numbers", "credit_note_numbers"]
    assert "vat_1_base" in groups["taxes"]


@pytest.mark.parametrize("source", [Source.VAT_RATES, Source.INVOICES])
def test_read_in_a_fixed_number_of_queries_for_any_number_of_orders(
    django_assert_max_num_queries, store, staff, source
):
    ids = [
        order_set_payment_status(membership=staff, order=business_order(store), status="paid").pk
        for _ in range(6)
    ]
    # The figures: the orders, their lines, discounts and taxes; the numbers: one query.
    with django_assert_max_num_queries(4 if source == Source.VAT_RATES else 1):
        values = SOURCE_READERS[source](ids)
    assert len(values) == 6
