"""The one function that computes an order's totals."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.totals import (
    DiscountPart,
    LinePart,
    TaxPart,
    VatScheme,
    totals_compute,
    totals_spread,
)

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


# VAT per line ------------------------------------------------------------------------------


def mixed_rates(**scheme):
    """Two lines at 20 % and 5.5 %, a fixed discount and shipping (the shop's own example)."""
    return totals_compute(
        currency="EUR",
        lines=[
            LinePart(quantity=2, unit_price=D("12.00"), vat_rate=D("20")),
            LinePart(quantity=1, unit_price=D("10.55"), vat_rate=D("5.5")),
        ],
        discounts=[DiscountPart(kind="fixed", value=D("5.00"))],
        shipping=D("6.90"),
        vat=VatScheme(**scheme),
    )


def test_prices_including_vat_by_rate_against_hand_computed_figures():
    totals = mixed_rates(prices_include_vat=True)
    # Goods 24.00 (20 %) and 10.55 (5.5 %). Discount 5.00 pro rata: 3.47 and 1.53.
    # Shipping 6.90 pro rata of 20.53 and 9.02: 4.79 and 2.11. Totals 25.32 and 11.13;
    # bases 25.32 / 1.2 = 21.10 and 11.13 / 1.055 = 10.55; VAT 4.22 and 0.58.
    assert [(r.rate, r.base, r.vat, r.total) for r in totals.rates] == [
        (D("20"), D("21.10"), D("4.22"), D("25.32")),
        (D("5.5"), D("10.55"), D("0.58"), D("11.13")),
    ]
    assert [(r.discount, r.shipping) for r in totals.rates] == [
        (D("3.47"), D("4.79")),
        (D("1.53"), D("2.11")),
    ]
    assert (totals.tax_total, totals.total) == (D("4.80"), D("36.45"))  # 34.55 − 5 + 6.90


def test_prices_excluding_vat_by_rate_against_hand_computed_figures():
    totals = mixed_rates(prices_include_vat=False)
    # Bases 24.00 − 3.47 + 4.79 = 25.32 and 10.55 − 1.53 + 2.11 = 11.13;
    # VAT 25.32 × 20 % = 5.064 → 5.06 and 11.13 × 5.5 % = 0.61215 → 0.61.
    assert [(r.rate, r.base, r.vat, r.total) for r in totals.rates] == [
        (D("20"), D("25.32"), D("5.06"), D("30.38")),
        (D("5.5"), D("11.13"), D("0.61"), D("11.74")),
    ]
    assert (totals.tax_total, totals.total) == (D("5.67"), D("42.12"))


def test_shipping_follows_the_goods_rate_and_a_migrated_order_keeps_its_own():
    lines = [LinePart(quantity=1, unit_price=D("50.00"), vat_rate=D("10"))]
    follows = totals_compute(currency="EUR", lines=lines, shipping=D("5"), vat=VatScheme())
    assert [(r.rate, r.base, r.vat) for r in follows.rates] == [(D("10"), D("55.00"), D("5.50"))]
    kept = totals_compute(
        currency="EUR", lines=lines, shipping=D("5"), vat=VatScheme(shipping_rate=D("0"))
    )
    assert [(r.rate, r.base, r.vat) for r in kept.rates] == [
        (D("10"), D("50.00"), D("5.00")),
        (D("0"), D("5.00"), D("0.00")),
    ]
    assert kept.total == D("60.00")


def test_a_store_under_article_293_b_charges_no_vat():
    totals = mixed_rates(prices_include_vat=False, charges_vat=False)
    assert totals.tax_total == D("0.00")
    assert totals.total == D("36.45")
    assert [(r.rate, r.vat) for r in totals.rates] == [(D("0"), D("0.00"))]


def test_a_spread_adds_up_to_the_amount_to_the_cent():
    assert totals_spread(D("0.10"), [D("1"), D("1"), D("1")], "EUR") == [
        D("0.04"),
        D("0.03"),
        D("0.03"),
    ]


rated_lines = st.lists(
    st.builds(
        LinePart,
        quantity=st.integers(min_value=1, max_value=10_000),
        unit_price=money,
        vat_rate=st.sampled_from([D("20"), D("10"), D("5.5"), D("2.1"), D("0")]),
    ),
    min_size=1,
    max_size=20,
)
schemes = st.builds(
    VatScheme,
    prices_include_vat=st.booleans(),
    shipping_rate=st.one_of(st.none(), st.just(D("0"))),
    charges_vat=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(lines=rated_lines, discounts=discounts, shipping=money, vat=schemes)
def test_per_rate_figures_add_up_to_the_order_and_are_never_negative(
    lines, discounts, shipping, vat
):
    totals = totals_compute(
        currency="EUR", lines=lines, discounts=discounts, shipping=shipping, vat=vat
    )
    zero = D("0.00")
    assert totals.rates
    assert totals.total == sum((r.total for r in totals.rates), zero)
    assert totals.tax_total == sum((r.vat for r in totals.rates), zero)
    assert totals.discount_total == sum((r.discount for r in totals.rates), zero)
    assert totals.shipping_total == sum((r.shipping for r in totals.rates), zero)
    typed = totals.subtotal - totals.discount_total + totals.shipping_total
    assert totals.total == (typed if vat.prices_include_vat else typed + totals.tax_total)
    for rate in totals.rates:
        assert rate.base + rate.vat == rate.total
        assert min(rate.base, rate.vat, rate.total, rate.discount, rate.shipping) >= 0
        assert rate.total.as_tuple().exponent == -2
        if not vat.charges_vat:
            assert rate.vat == 0
    assert totals.total >= 0
