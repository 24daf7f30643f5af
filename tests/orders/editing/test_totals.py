"""The one function that computes an order's totals."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.totals import DiscountPart, LinePart, TaxPart, totals_compute

D = Decimal


def test_totals_add_up_with_a_percentage_discount_a_tax_and_shipping():
    totals = totals_compute(
        currency="EUR",
        lines=[
            LinePart(quantity=2, unit_price=D("12.50")),
            LinePart(quantity=1, unit_price=D("5")),
        ],
        discounts=[DiscountPart(kind="percent", value=D("10"))],
        taxes=[TaxPart(kind="rate", value=D("20"))],
        shipping=D("4.90"),
    )
    assert totals.line_totals == (D("25.00"), D("5.00"))
    assert totals.subtotal == D("30.00")
    assert totals.discount_total == D("3.00")
    assert totals.tax_total == D("5.40")
    assert totals.total == D("37.30")


def test_amounts_are_rounded_to_the_currency_once():
    totals = totals_compute(
        currency="EUR",
        lines=[LinePart(quantity=3, unit_price=D("3.33"))],
        discounts=[DiscountPart(kind="percent", value=D("33.33"))],
    )
    # 9.99 × 33.33 % = 3.329667 → 3.33
    assert totals.discount_total == D("3.33")
    assert totals.total == D("6.66")
    assert totals.total.as_tuple().exponent == -2


def test_yen_has_no_decimals():
    totals = totals_compute(
        currency="JPY",
        lines=[LinePart(quantity=1, unit_price=D("1000"))],
        taxes=[TaxPart(kind="rate", value=D("8.5"))],
    )
    assert totals.tax_total == D("85")
    assert totals.total == D("1085")


def test_a_discount_larger_than_the_subtotal_is_flagged_and_capped():
    totals = totals_compute(
        currency="EUR",
        lines=[LinePart(quantity=1, unit_price=D("10"))],
        discounts=[DiscountPart(kind="fixed", value=D("15"))],
    )
    assert totals.discounts_exceed_subtotal
    assert totals.discount_total == D("10.00")
    assert totals.total == D("0.00")


money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
lines = st.lists(
    st.builds(LinePart, quantity=st.integers(min_value=1, max_value=10_000), unit_price=money),
    min_size=1,
    max_size=20,
)
discounts = st.lists(
    st.one_of(
        st.builds(DiscountPart, kind=st.just("fixed"), value=money),
        st.builds(
            DiscountPart,
            kind=st.just("percent"),
            value=st.decimals(min_value=0, max_value=100, places=2),
        ),
    ),
    max_size=5,
)
taxes = st.lists(
    st.one_of(
        st.builds(TaxPart, kind=st.just("amount"), value=money),
        st.builds(
            TaxPart, kind=st.just("rate"), value=st.decimals(min_value=0, max_value=100, places=3)
        ),
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(lines=lines, discounts=discounts, taxes=taxes, shipping=money)
def test_the_total_is_the_sum_of_its_parts_and_never_negative(lines, discounts, taxes, shipping):
    totals = totals_compute(
        currency="EUR", lines=lines, discounts=discounts, taxes=taxes, shipping=shipping
    )
    assert totals.subtotal == sum(totals.line_totals, D("0"))
    assert totals.discount_total == sum(totals.discount_amounts, D("0"))
    assert totals.tax_total == sum(totals.tax_amounts, D("0"))
    assert totals.total == (
        totals.subtotal - totals.discount_total + totals.tax_total + totals.shipping_total
    )
    assert totals.total >= 0
    assert totals.discount_total <= totals.subtotal
    for amount in (
        *totals.line_totals,
        *totals.discount_amounts,
        *totals.tax_amounts,
        totals.total,
    ):
        assert amount >= 0
        assert amount.as_tuple().exponent == -2
    for line, line_total in zip(lines, totals.line_totals):
        assert line_total == line.quantity * line.unit_price
