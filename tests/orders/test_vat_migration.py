"""Orders taxed as a whole (lines and a "TVA 20 %" rate row) become orders with a VAT rate
per line, and no total changes (orders/migrations/0011_orders_taxed_per_line.py)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from invoices.figures import order_figures
from orders.models import Order, OrderTax
from tests.factories import StoreFactory

BEFORE = [("orders", "0010_vat_per_line")]
AFTER = [("orders", "0011_orders_taxed_per_line")]
D = Decimal


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_style_order(apps, store, number, *, lines, discount="0", shipping="0", taxes=()):
    """An order as the app wrote it before VAT per line, its totals as totals.py made them."""
    Order_ = apps.get_model("orders", "Order")
    line_totals = [D(q) * D(p) for q, p in lines]
    subtotal = sum(line_totals, D("0.00"))
    taxable = subtotal - D(discount)
    tax_amounts = [
        (taxable * D(value) / 100).quantize(D("0.01")) if kind == "rate" else D(value)
        for kind, value in taxes
    ]
    order = Order_.objects.create(
        store_id=store.pk,
        number=number,
        reference=str(number),
        customer_name="Client",
        subtotal=subtotal,
        discount_total=D(discount),
        tax_total=sum(tax_amounts, D("0.00")),
        shipping_total=D(shipping),
        total=taxable + sum(tax_amounts, D("0.00")) + D(shipping),
    )
    for position, ((quantity, price), amount) in enumerate(zip(lines, line_totals)):
        apps.get_model("orders", "OrderLine").objects.create(
            order=order,
            position=position,
            name=f"Article {position}",
            quantity=quantity,
            unit_price=D(price),
            line_total=amount,
        )
    if D(discount):
        apps.get_model("orders", "OrderDiscount").objects.create(
            order=order, label="Remise", kind="fixed", value=D(discount), amount=D(discount)
        )
    for (kind, value), amount in zip(taxes, tax_amounts):
        apps.get_model("orders", "OrderTax").objects.create(
            order=order, name="TVA 20 %", kind=kind, value=D(value), amount=amount
        )
    return order.pk


@pytest.mark.django_db(transaction=True)
def test_old_orders_get_a_rate_per_line_and_keep_every_total():
    # Made with today's schema (a new store gets its saved views, a later table).
    store = StoreFactory(name="Ancienne boutique")
    apps = migrate(BEFORE)
    taxed = old_style_order(
        apps,
        store,
        1,
        lines=[(3, "12.50"), (1, "9.99")],
        discount="5.00",
        shipping="4.90",
        taxes=[("rate", "20")],
    )
    untaxed = old_style_order(apps, store, 2, lines=[(1, "10.00")], shipping="3.00")
    odd = old_style_order(
        apps, store, 3, lines=[(1, "10.00")], taxes=[("rate", "20"), ("amount", "1.00")]
    )
    before = {
        pk: apps.get_model("orders", "Order")
        .objects.values("subtotal", "discount_total", "tax_total", "shipping_total", "total")
        .get(pk=pk)
        for pk in (taxed, untaxed, odd)
    }
    try:
        migrate(AFTER)
        # Read through today's models: the later migrations (new fields) must be applied.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        for pk, figures in before.items():
            order = Order.objects.get(pk=pk)
            assert {name: getattr(order, name) for name in figures} == figures
            assert order_figures(order=order).total_ttc == figures["total"]
        order = Order.objects.get(pk=taxed)
        assert set(order.lines.values_list("vat_rate", flat=True)) == {D("20.00")}
        assert order.shipping_vat_rate == D("0.00") and not OrderTax.objects.filter(order=order)
        # 47.49 − 5.00 = 42.49 at 20 %: 8.50 (8.498); the shipping stays untaxed.
        assert [(r.rate, r.base, r.vat) for r in order_figures(order=order).rates] == [
            (D("20.00"), D("42.49"), D("8.50")),
            (D("0"), D("4.90"), D("0.00")),
        ]
        assert set(Order.objects.get(pk=untaxed).lines.values_list("vat_rate", flat=True)) == {
            D("0.00")
        }
        # Two taxes, one a fixed amount: left taxed as a whole.
        assert Order.objects.get(pk=odd).lines.get().vat_rate is None
        assert OrderTax.objects.filter(order_id=odd).count() == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
