"""Writes of the order form: editing an order and creating a manual (phone, e-mail) order."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mycommerce.models import Membership
from mycommerce.money import format_money
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from numbering.services import numbering_allocate
from orders.models import Order, OrderDiscount, OrderEvent, OrderLine, OrderTax
from orders.policies import order_is_editable, order_is_paid
from orders.selectors import order_queryset_for_store
from orders.statuses import FulfillmentStatus, PaymentStatus
from orders.totals import (
    QUANTITY_MAX,
    DiscountPart,
    LinePart,
    TaxPart,
    Totals,
    totals_check_bounds,
    totals_check_inputs,
    totals_compute,
)

MAX_LINES = 500

# Order fields the form edits, in the order the timeline lists their changes.
EDITABLE_FIELDS = (
    "customer_name",
    "customer_email",
    "customer_phone",
    "billing_name",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "billing_country",
    "shipping_name",
    "shipping_street",
    "shipping_postcode",
    "shipping_city",
    "shipping_country",
    "shipping_method",
)

MANUAL_SOURCES = (Order.Source.PHONE, Order.Source.EMAIL, Order.Source.MANUAL)


@dataclass(frozen=True)
class LineData:
    name: str
    quantity: int
    unit_price: Decimal
    sku: str = ""
    line_id: int | None = None


@dataclass(frozen=True)
class DiscountData:
    label: str
    kind: str
    value: Decimal


@dataclass(frozen=True)
class TaxData:
    name: str
    kind: str
    value: Decimal


@dataclass
class OrderData:
    """Everything the order form submits; totals are not part of it: they are computed."""

    customer_name: str
    lines: list[LineData]
    customer_email: str = ""
    customer_phone: str = ""
    billing_name: str = ""
    billing_street: str = ""
    billing_postcode: str = ""
    billing_city: str = ""
    billing_country: str = ""
    shipping_name: str = ""
    shipping_street: str = ""
    shipping_postcode: str = ""
    shipping_city: str = ""
    shipping_country: str = ""
    shipping_method: str = ""
    shipping_total: Decimal = Decimal("0.00")
    discounts: list[DiscountData] = field(default_factory=list)
    taxes: list[TaxData] = field(default_factory=list)


class OrderNotEditable(PermissionDenied):
    def __init__(self, order: Order):
        self.order = order
        super().__init__(
            _("Order %(reference)s is %(status)s and can no longer be edited.")
            % {"reference": order.reference, "status": order.get_payment_status_display().lower()}
        )


class StaleOrderVersion(Exception):
    """Someone saved the order since the form was opened; nothing was changed."""

    def __init__(self, order: Order):
        self.order = order
        super().__init__(
            _(
                "Someone else changed this order while you were editing it. Nothing was saved: "
                "the form now shows their changes. Review them and save again."
            )
        )


@dataclass(frozen=True)
class OrderEditResult:
    order: Order
    changed: bool
    total_before: Decimal
    total_after: Decimal

    @property
    def difference(self) -> Decimal:
        """What the customer owes (positive) or is owed (negative) after editing a paid order."""
        if not order_is_paid(self.order):
            return Decimal("0.00")
        return self.total_after - self.total_before


def order_totals_for_data(*, currency: str, data: OrderData) -> Totals:
    return totals_compute(
        currency=currency,
        lines=[LinePart(quantity=line.quantity, unit_price=line.unit_price) for line in data.lines],
        discounts=[DiscountPart(kind=d.kind, value=d.value) for d in data.discounts],
        taxes=[TaxPart(kind=t.kind, value=t.value) for t in data.taxes],
        shipping=data.shipping_total,
    )


def order_parts_validate(*, currency: str, data: OrderData) -> Totals:
    """The rules of an order's parts, and its totals when they hold."""
    if not data.lines:
        raise ValidationError(_("An order needs at least one line."), code="no_line")
    if len(data.lines) > MAX_LINES:
        raise ValidationError(
            _("An order can have at most %(max)d lines.") % {"max": MAX_LINES}, code="too_many"
        )
    totals_check_inputs(
        currency=currency,
        unit_prices=[line.unit_price for line in data.lines],
        discount_values=[d.value for d in data.discounts],
        tax_values=[t.value for t in data.taxes],
        shipping=data.shipping_total,
    )
    for line in data.lines:
        if not 1 <= line.quantity <= QUANTITY_MAX:
            raise ValidationError(_("Quantities must be positive whole numbers."), code="quantity")
        if line.unit_price < 0:
            raise ValidationError(_("Prices cannot be negative."), code="price")
    if data.shipping_total < 0:
        raise ValidationError(_("Shipping cannot be negative."), code="shipping")
    totals = order_totals_for_data(currency=currency, data=data)
    totals_check_bounds(totals=totals, currency=currency)
    if totals.discounts_exceed_subtotal:
        raise ValidationError(
            _("The discounts (%(discounts)s) are larger than the subtotal (%(subtotal)s).")
            % {
                "discounts": format_money(totals.requested_discount_total, currency),
                "subtotal": format_money(totals.subtotal, currency),
            },
            code="discount_too_large",
        )
    return totals


def _write_parts(*, order: Order, data: OrderData, totals: Totals) -> None:
    """Replace the lines, discounts and taxes of `order` (inside the caller's transaction)."""
    order.lines.all().delete()
    order.discounts.all().delete()
    order.taxes.all().delete()
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line_total,
        )
        for position, (line, line_total) in enumerate(zip(data.lines, totals.line_totals))
    )
    OrderDiscount.objects.bulk_create(
        OrderDiscount(order=order, label=d.label, kind=d.kind, value=d.value, amount=amount)
        for d, amount in zip(data.discounts, totals.discount_amounts)
    )
    OrderTax.objects.bulk_create(
        OrderTax(order=order, name=t.name, kind=t.kind, value=t.value, amount=amount)
        for t, amount in zip(data.taxes, totals.tax_amounts)
    )


def _apply_fields(*, order: Order, data: OrderData, totals: Totals) -> None:
    for name in EDITABLE_FIELDS:
        setattr(order, name, getattr(data, name))
    order.subtotal = totals.subtotal
    order.discount_total = totals.discount_total
    order.tax_total = totals.tax_total
    order.shipping_total = totals.shipping_total
    order.total = totals.total


def _line_label(sku: str, name: str) -> str:
    return sku or name


def _describe_line(quantity: int, name: str, sku: str) -> str:
    return f"{quantity} × {name} ({sku})" if sku else f"{quantity} × {name}"


def _describe_part(label: str, value: Decimal, *, percent: bool, currency: str) -> str:
    """A discount or tax as the timeline shows it: "Fidélité (10 %)", "Port (€4.90)"."""
    amount = f"{value.normalize():f} %" if percent else format_money(value, currency)
    return f"{label} ({amount})"


def _describe_discount(d, currency: str) -> str:
    return _describe_part(
        d.label, d.value, percent=d.kind == OrderDiscount.Kind.PERCENT, currency=currency
    )


def _describe_tax(t, currency: str) -> str:
    return _describe_part(t.name, t.value, percent=t.kind == OrderTax.Kind.RATE, currency=currency)


def order_edit_summary(*, order: Order, data: OrderData) -> list[str]:
    """Readable before/after lines for the timeline: lines, customer fields, discounts, taxes."""
    currency = order.currency
    summary: list[str] = []
    old_lines = {line.pk: line for line in order.lines.all()}
    kept: set[int] = set()
    for line in data.lines:
        old = old_lines.get(line.line_id) if line.line_id else None
        if old is None or old.pk in kept:
            summary.append(
                _("Line added: %(line)s")
                % {"line": _describe_line(line.quantity, line.name, line.sku)}
            )
            continue
        kept.add(old.pk)
        label = _line_label(old.sku, old.name)
        if old.sku != line.sku:
            summary.append(
                _("SKU of %(line)s: %(before)s → %(after)s")
                % {"line": label, "before": old.sku or "—", "after": line.sku or "—"}
            )
        if old.name != line.name:
            summary.append(
                _("Name of %(line)s: %(before)s → %(after)s")
                % {"line": label, "before": old.name, "after": line.name}
            )
        if old.quantity != line.quantity:
            summary.append(
                _("Quantity of %(line)s: %(before)s → %(after)s")
                % {"line": label, "before": old.quantity, "after": line.quantity}
            )
        if old.unit_price != line.unit_price:
            summary.append(
                _("Unit price of %(line)s: %(before)s → %(after)s")
                % {
                    "line": label,
                    "before": format_money(old.unit_price, currency),
                    "after": format_money(line.unit_price, currency),
                }
            )
    for pk, old in old_lines.items():
        if pk not in kept:
            summary.append(
                _("Line removed: %(line)s")
                % {"line": _describe_line(old.quantity, old.name, old.sku)}
            )

    for name in EDITABLE_FIELDS:
        before, after = getattr(order, name), getattr(data, name)
        if before != after:
            summary.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": capfirst(Order._meta.get_field(name).verbose_name),
                    "before": before or "—",
                    "after": after or "—",
                }
            )
    if order.shipping_total != data.shipping_total:
        summary.append(
            _("Shipping cost: %(before)s → %(after)s")
            % {
                "before": format_money(order.shipping_total, currency),
                "after": format_money(data.shipping_total, currency),
            }
        )

    old_discounts = [_describe_discount(d, currency) for d in order.discounts.all()]
    new_discounts = [_describe_discount(d, currency) for d in data.discounts]
    summary += _list_changes(
        old_discounts, new_discounts, _("Discount added: %s"), _("Discount removed: %s")
    )
    old_taxes = [_describe_tax(t, currency) for t in order.taxes.all()]
    new_taxes = [_describe_tax(t, currency) for t in data.taxes]
    summary += _list_changes(old_taxes, new_taxes, _("Tax added: %s"), _("Tax removed: %s"))
    return summary


def _list_changes(old: list[str], new: list[str], added: str, removed: str) -> list[str]:
    remaining = list(old)
    changes = []
    for item in new:
        if item in remaining:
            remaining.remove(item)
        else:
            changes.append(added % item)
    return [removed % item for item in remaining] + changes


def order_edit(
    *, membership: Membership, order_pk: int, version: int, data: OrderData
) -> OrderEditResult:
    """Apply the order form to an order of the member's store, if nobody saved it meanwhile.

    Writes one `edited` event with a readable summary and the totals before and after,
    and bumps the version. A stale version changes nothing and raises StaleOrderVersion.
    """
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDER_EDITING)
    with transaction.atomic():
        order = (
            order_queryset_for_store(store=membership.store).select_for_update().get(pk=order_pk)
        )
        if not order_is_editable(order):
            raise OrderNotEditable(order)
        if order.version != version:
            raise StaleOrderVersion(order)
        totals = order_parts_validate(currency=order.currency, data=data)
        total_before = order.total
        summary = order_edit_summary(order=order, data=data)
        if not summary:
            return OrderEditResult(
                order=order, changed=False, total_before=total_before, total_after=total_before
            )
        _apply_fields(order=order, data=data, totals=totals)
        order.version += 1
        order.save()
        _write_parts(order=order, data=data, totals=totals)
        details = {
            "summary": summary,
            "totals": {
                "before": format_money(total_before, order.currency),
                "after": format_money(order.total, order.currency),
            },
        }
        result = OrderEditResult(
            order=order, changed=True, total_before=total_before, total_after=order.total
        )
        if result.difference:
            details["difference"] = str(result.difference)
        OrderEvent.objects.create(
            order=order, type=OrderEvent.Type.EDITED, details=details, actor=membership.user
        )
    return result


def order_create_manual(
    *,
    membership: Membership,
    source: str,
    data: OrderData,
    record_as_paid: bool = False,
) -> Order:
    """Record an order taken by phone, e-mail or otherwise; it gets the next order number."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDER_EDITING)
    if source not in MANUAL_SOURCES:
        raise ValidationError(_("Choose where the order came from."), code="source")
    store = membership.store
    totals = order_parts_validate(currency=store.currency, data=data)
    with transaction.atomic():
        allocated = numbering_allocate(store=store, count=1)[0]
        order = Order(
            store=store,
            number=allocated.number,
            reference=allocated.reference,
            currency=store.currency,
            source=source,
            payment_status=PaymentStatus.PAID if record_as_paid else PaymentStatus.AWAITING_PAYMENT,
            fulfillment_status=FulfillmentStatus.AWAITING_PROCESSING,
        )
        _apply_fields(order=order, data=data, totals=totals)
        order.save()
        _write_parts(order=order, data=data, totals=totals)
        summary = [
            _("Manual order, source: %(source)s") % {"source": Order.Source(source).label},
            *(
                _("Line added: %(line)s")
                % {"line": _describe_line(line.quantity, line.name, line.sku)}
                for line in data.lines
            ),
        ]
        if record_as_paid:
            summary.append(_("Recorded as paid"))
        OrderEvent.objects.create(
            order=order,
            type=OrderEvent.Type.CREATED,
            details={
                "source": source,
                "summary": summary,
                "totals": {"after": format_money(order.total, order.currency)},
            },
            actor=membership.user,
        )
    return order
