"""Orders taxed as a whole become orders with a VAT rate per line, their totals unchanged.

An order with no tax, or with one tax that is a rate (its "TVA 20 %"), gets that rate on
every line, keeps its shipping untaxed (shipping_vat_rate 0, as it was charged) and loses
its tax row: recomputed per line (orders/totals.py), every total is the one stored, to the
cent, or the order is left as it was. Orders with several taxes, or a fixed-amount tax,
keep their order-level taxes.
"""

from decimal import Decimal

from django.db import migrations

BATCH = 2000


def to_vat_per_line(apps, schema_editor):
    from orders.totals import DiscountPart, LinePart, VatScheme, totals_compute

    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    OrderTax = apps.get_model("orders", "OrderTax")
    last = 0
    while True:
        orders = list(
            Order.objects.filter(pk__gt=last)
            .order_by("pk")
            .prefetch_related("lines", "discounts", "taxes")[:BATCH]
        )
        if not orders:
            return
        last = orders[-1].pk
        for order in orders:
            taxes = list(order.taxes.all())
            if len(taxes) > 1 or (taxes and taxes[0].kind != "rate"):
                continue
            rate = Decimal(taxes[0].value) if taxes else Decimal(0)
            if rate != rate.quantize(Decimal("0.01")):
                continue
            lines = list(order.lines.all())
            if not lines:
                continue
            totals = totals_compute(
                currency=order.currency,
                lines=[LinePart(line.quantity, line.unit_price, rate) for line in lines],
                discounts=[DiscountPart(d.kind, d.value) for d in order.discounts.all()],
                shipping=order.shipping_total,
                vat=VatScheme(shipping_rate=Decimal(0)),
            )
            if (totals.total, totals.tax_total, totals.subtotal) != (
                order.total,
                order.tax_total,
                order.subtotal,
            ):
                continue
            OrderLine.objects.filter(order=order).update(vat_rate=rate)
            OrderTax.objects.filter(order=order).delete()
            Order.objects.filter(pk=order.pk).update(
                shipping_vat_rate=Decimal(0), prices_include_vat=False, charges_vat=True
            )


class Migration(migrations.Migration):
    dependencies = [("orders", "0010_vat_per_line")]

    operations = [migrations.RunPython(to_vat_per_line, migrations.RunPython.noop)]
