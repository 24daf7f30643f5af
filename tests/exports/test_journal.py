"""The accountant's sales journal and the e-reporting summary: the files' contents, balanced
entries for random invoices and refunds (hypothesis), the consumer sales summary equal to
the consumer documents, the accounts settings, roles and bad input."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.journal import ereporting_summary, journal_lines
from exports.models import JournalSettings
from invoices.models import Invoice
from orders.models import Order
from orders.parts import DiscountData, LineData, OrderData
from orders.services import order_create, order_refund, order_set_payment_status
from tests.conftest import client_for
from tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db
D = Decimal
BUYER = {"buyer_company": "Atelier Dupont", "buyer_siren": "123456782"}
HEADER = ["Code journal", "Date", "N° de pièce", "Compte", "Libellé", "Débit", "Crédit"]


def place(store, *, lines, discount="0", shipping="0", ttc=True, business=False) -> Order:
    data = OrderData(
        customer_name="Camille Martin",
        billing_street="1 rue de Rivoli",
        lines=[
            LineData(sku=f"SKU{n}", name=f"Article {n}", quantity=q, unit_price=D(p), vat_rate=D(r))
            for n, (q, p, r) in enumerate(lines)
        ],
        discounts=(
            [DiscountData(label="Remise", kind="fixed", value=D(discount))] if D(discount) else []
        ),
        shipping_total=D(shipping),
        prices_include_vat=ttc,
    )
    order = order_create(store=store, source=Order.Source.STOREFRONT, data=data)
    if business:
        Order.objects.filter(pk=order.pk).update(**BUYER)
        order.refresh_from_db()
    return order


def pay(staff, order) -> Invoice:
    order_set_payment_status(membership=staff, order=order, status="paid")
    return Invoice.objects.get(order=order, kind=Invoice.Kind.INVOICE)


def download(client, **params) -> bytes:
    response = client.get(
        "/exports/journal/", {"download": "1", **params}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def amount(text: str) -> Decimal:
    return D(text.replace(",", ".")) if text else D(0)


TODAY = date.today()
PERIOD = {"start": TODAY.replace(day=1).isoformat(), "end": TODAY.isoformat()}


def test_an_invoice_and_its_refund_in_french_accounting_csv(store, staff):
    invoice = pay(
        staff,
        place(
            store, lines=[(2, "12.00", "20"), (1, "10.55", "5.5")], discount="5", shipping="6.90"
        ),
    )
    order_refund(membership=staff, order=invoice.order, amount=D("12.00"), reason="Taille")
    note = Invoice.objects.get(order=invoice.order, kind=Invoice.Kind.CREDIT_NOTE)
    rows = csv_rows(download(client_for(staff), **PERIOD))

    assert rows[0] == HEADER
    day = TODAY.strftime("%d/%m/%Y")
    pieces = {row[2] for row in rows[1:]}
    assert pieces == {invoice.number, note.number}
    first = [row for row in rows[1:] if row[2] == invoice.number]
    assert first[0][:4] == ["VT", day, invoice.number, "411"]
    assert amount(first[0][5]) == invoice.total and first[0][6] == ""
    accounts = [row[3] for row in first]
    assert accounts == ["411", "707", "7085", "44571", "707", "7085", "44571"]
    assert "Facture" in first[0][4] and "Camille Martin" in first[0][4]
    # Decimal comma, never a point.
    assert all("." not in row[5] + row[6] for row in rows[1:])
    refund = [row for row in rows[1:] if row[2] == note.number]
    # The credit note the other way round: the customer credited.
    assert refund[0][3] == "411" and amount(refund[0][6]) == D("12.00")
    for piece in (first, refund):
        assert sum(amount(row[5]) for row in piece) == sum(amount(row[6]) for row in piece)


def test_accounts_follow_the_store_settings_with_an_auxiliary_account_per_customer(store, staff):
    JournalSettings.objects.create(
        store=store,
        journal_code="VE",
        per_customer=True,
        rate_accounts={"20": {"sales": "707200", "vat": "445712"}},
    )
    invoice = pay(
        staff, place(store, lines=[(1, "30.00", "20"), (1, "10.00", "5.5")], business=True)
    )
    rows = [row for row in csv_rows(download(client_for(staff), **PERIOD))[1:]]
    assert {row[0] for row in rows} == {"VE"}
    assert [row[3] for row in rows if row[2] == invoice.number] == [
        "411ATELIERD",
        "707200",
        "445712",
        "707",
        "44571",
    ]


def test_the_journal_as_xlsx_has_dates_and_numbers(store, staff):
    invoice = pay(staff, place(store, lines=[(1, "24.00", "20")]))
    content = download(client_for(staff), format="xlsx", **PERIOD)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][1].date() == invoice.issued_on and rows[1][2] == invoice.number
    assert rows[1][5] == 24.0 and rows[1][6] is None
    assert sum(r[5] or 0 for r in rows[1:]) == pytest.approx(sum(r[6] or 0 for r in rows[1:]))


ORDER = st.fixed_dictionaries(
    {
        "lines": st.lists(
            st.tuples(
                st.integers(1, 5),
                st.decimals("0.01", "250", places=2).map(str),
                st.sampled_from(["20", "10", "5.5", "2.1", "0"]),
            ),
            min_size=1,
            max_size=4,
        ),
        "discount": st.sampled_from(["0", "0", "1.00", "5.00", "13.37"]),
        "shipping": st.sampled_from(["0", "4.90", "6.90"]),
        "ttc": st.booleans(),
        "business": st.booleans(),
        "refunds": st.lists(st.sampled_from(["0.01", "1.00", "7.77", "all"]), max_size=2),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(orders=st.lists(ORDER, min_size=30, max_size=60))
def test_every_piece_and_the_period_balance(orders):
    """Thousands of invoices and refunds over the examples: debits equal credits for every
    piece and for the period, the customer line is the document's total."""
    staff = MembershipFactory(store=StoreFactory(), role="staff")
    store = staff.store
    for spec in orders:
        try:
            order = place(store, **{k: v for k, v in spec.items() if k != "refunds"})
        except ValidationError:  # a discount above the goods: not an order
            continue
        if order.total <= 0:
            continue
        pay(staff, order)
        for refund in spec["refunds"]:
            order.refresh_from_db()
            left = order.refundable_amount
            value = left if refund == "all" else min(D(refund), left)
            if value > 0:
                order_refund(membership=staff, order=order, amount=value, reason="")
    documents = {d.number: d for d in Invoice.objects.filter(store=store)}
    lines = list(journal_lines(store=store, start=date(2000, 1, 1), end=date(2100, 1, 1)))
    pieces: dict[str, list] = {}
    for line in lines:
        assert line.debit >= 0 and line.credit >= 0 and (line.debit == 0 or line.credit == 0)
        pieces.setdefault(line.piece, []).append(line)
    assert set(pieces) == set(documents)
    for number, piece in pieces.items():
        assert sum(line.debit for line in piece) == sum(line.credit for line in piece), number
        customer = piece[0]
        document = documents[number]
        side = customer.credit if document.is_credit_note else customer.debit
        assert customer.account == "411" and side == document.total
        assert {line.day for line in piece} == {document.issued_on}
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines)


def test_the_e_reporting_summary_is_the_sum_of_the_consumer_documents(store, staff):
    consumer = pay(
        staff, place(store, lines=[(2, "12.00", "20"), (1, "10.55", "5.5")], shipping="4.90")
    )
    order_refund(membership=staff, order=consumer.order, amount=D("7.77"), reason="")
    pay(staff, place(store, lines=[(1, "99.00", "20")], business=True))
    pay(staff, place(store, lines=[(3, "3.30", "5.5")], discount="1"))
    summary = ereporting_summary(store=store, start=TODAY.replace(day=1), end=TODAY)

    expected: dict[tuple, list] = {}
    for document in Invoice.objects.filter(store=store):
        if document.snapshot["buyer"]["siren"] or document.snapshot["buyer"]["vat_number"]:
            continue
        sign = -1 if document.is_credit_note else 1
        for rate in document.snapshot["rates"]:
            figures = expected.setdefault((document.issued_on, D(rate["rate"])), [0, 0, 0])
            for index, name in enumerate(("base", "vat", "total")):
                figures[index] += sign * D(rate[name])
    assert {(s.day, s.rate): [s.base, s.vat, s.total] for s in summary} == expected
    assert sum(s.total for s in summary) == sum(
        (-d.total if d.is_credit_note else d.total)
        for d in Invoice.objects.filter(store=store).exclude(order__buyer_siren="123456782")
    )

    rows = csv_rows(download(client_for(staff), report="ereporting", **PERIOD))
    assert rows[0] == ["Date", "Taux de TVA (%)", "Base HT", "TVA", "Total TTC"]
    assert [row[1] for row in rows[1:]] == ["20", "5,5"]
    assert sum(amount(row[4]) for row in rows[1:]) == sum(s.total for s in summary)


def test_the_journal_reads_the_documents_in_a_few_queries(
    store, staff, django_assert_max_num_queries
):
    for _ in range(30):
        pay(staff, place(store, lines=[(1, "10.00", "20"), (2, "3.10", "5.5")]))
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        rows = csv_rows(download(client, **PERIOD))
    assert len({row[2] for row in rows[1:]}) == 30


def test_every_member_may_download_and_sees_only_their_store(store, staff, other_store):
    other_staff = MembershipFactory(store=other_store, role="staff")
    pay(other_staff, place(other_store, lines=[(1, "50.00", "20")]))
    mine = pay(staff, place(store, lines=[(1, "10.00", "20")]))
    rows = csv_rows(download(client_for(staff), **PERIOD))
    assert {row[2] for row in rows[1:]} == {mine.number}


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"start": "2026-11-30", "end": "2026-11-01"}, "end", "La fin de la période"),
        ({"start": "30/11/2026x", "end": "2026-11-30"}, "start", "Saisissez une date"),
        ({"start": "2024-01-01", "end": "2026-11-30"}, "end", "au plus un an"),
        ({"start": "", "end": "2026-11-30"}, "start", "premier jour"),
        ({"start": "2026-11-01", "end": "2026-11-30", "format": "pdf"}, "format", "inconnu"),
        ({"start": "2026-11-01", "end": "2026-11-30", "report": "x"}, "report", "inconnu"),
    ],
)
def test_bad_input_is_told_at_its_field(staff, params, field, message):
    response = client_for(staff).get(
        "/exports/journal/", {"download": "1", **params}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()


def test_the_page_shows_the_period_and_its_figures(store, staff):
    invoice = pay(staff, place(store, lines=[(1, "10.00", "20")]))
    client = client_for(staff)
    page = client.get("/exports/journal/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Journal des ventes" in page and 'name="start"' in page
    # Staff may not change the accounts.
    assert "/exports/journal/settings/" not in page
    assert client.get("/exports/journal/settings/").status_code == 403
    shown = client.get("/exports/journal/", PERIOD, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert invoice.total == D("10.00")
    assert 'data-testid="period-figures"' in shown and "10,00" in shown


def test_an_admin_sets_the_accounts(store, admin_member):
    client = client_for(admin_member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    assert "44571" in client.get("/exports/journal/settings/").content.decode()
    data = {
        "journal_code": "ve",
        "customer_account": "411",
        "goods_account": "707",
        "services_account": "706",
        "shipping_account": "7085",
        "vat_account": "44571",
        "rate_5_5_sales": "7070550",
    }
    assert client.post("/exports/journal/settings/", data).status_code == 302
    saved = JournalSettings.objects.get(store=store)
    assert saved.journal_code == "VE" and saved.rate_accounts == {"5.5": {"sales": "7070550"}}
    refused = client.post("/exports/journal/settings/", {**data, "vat_account": "TVA"})
    assert refused.status_code == 200
    assert "commence par le chiffre de sa classe" in refused.content.decode()
    assert JournalSettings.objects.get(store=store).vat_account == "44571"
