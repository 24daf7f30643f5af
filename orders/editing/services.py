"""Writes of the order form when it edits an order (creating one is `order_create`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mycommerce.models import Membership
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from orders.events import (
    change_line_added,
    change_line_field,
    change_line_removed,
    change_order_field,
    change_part,
    change_shipping_cost,
    event_edited,
    line_data,
)
from orders.listeners import EDIT, order_changed
from orders.locks import order_lock
from orders.models import Order
from orders.parts import (
    EDITABLE_FIELDS,
    OrderData,
    order_apply_fields,
    order_parts_validate,
    order_write_parts,
)
from orders.policies import order_is_editable, order_is_paid


class OrderNotEditable(PermissionDenied):
    def __init__(self, order: Order):
        self.order = order
        super().__init__(
            _("Order %(reference)s is %(status)s and can no longer be edited.")
            % {"reference": order.reference, "status": order.get_payment_status_display().lower()}
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


def _line_changes(order: Order, data: OrderData) -> list[dict]:
    changes: list[dict] = []
    old_lines = {line.pk: line for line in order.lines.all()}
    kept: set[int] = set()
    for line in data.lines:
        old = old_lines.get(line.line_id) if line.line_id else None
        if old is None or old.pk in kept:
            changes.append(
                change_line_added(**line_data(quantity=line.quantity, name=line.name, sku=line.sku))
            )
            continue
        kept.add(old.pk)
        label = old.sku or old.name
        for name in ("sku", "name", "quantity", "unit_price"):
            before, after = getattr(old, name), getattr(line, name)
            if before != after:
                if name == "unit_price":
                    before, after = str(before), str(after)
                changes.append(
                    change_line_field(line=label, field=name, before=before, after=after)
                )
    changes += [
        change_line_removed(**line_data(quantity=old.quantity, name=old.name, sku=old.sku))
        for pk, old in old_lines.items()
        if pk not in kept
    ]
    return changes


def _part_changes(part: str, old: list[tuple], new: list[tuple]) -> list[dict]:
    """Removed then added discounts or taxes, as (label, kind, value) compared whole."""
    remaining = list(old)
    added = []
    for item in new:
        if item in remaining:
            remaining.remove(item)
        else:
            added.append(item)
    return [
        change_part(part=part, added=False, label=label, kind=kind, value=value)
        for label, kind, value in remaining
    ] + [
        change_part(part=part, added=True, label=label, kind=kind, value=value)
        for label, kind, value in added
    ]


def order_edit_changes(*, order: Order, data: OrderData) -> list[dict]:
    """What the form changes, as the timeline's typed changes: lines, customer fields,
    shipping, discounts, taxes."""
    changes = _line_changes(order, data)
    changes += [
        change_order_field(field=name, before=getattr(order, name), after=getattr(data, name))
        for name in EDITABLE_FIELDS
        if getattr(order, name) != getattr(data, name)
    ]
    if order.shipping_total != data.shipping_total:
        changes.append(change_shipping_cost(before=order.shipping_total, after=data.shipping_total))
    changes += _part_changes(
        "discount",
        [(d.label, d.kind, d.value) for d in order.discounts.all()],
        [(d.label, d.kind, d.value) for d in data.discounts],
    )
    changes += _part_changes(
        "tax",
        [(t.name, t.kind, t.value) for t in order.taxes.all()],
        [(t.name, t.kind, t.value) for t in data.taxes],
    )
    return changes


def order_edit(
    *, membership: Membership, order_pk: int, version: int, data: OrderData
) -> OrderEditResult:
    """Apply the order form to an order of the member's store, if nobody saved it meanwhile.

    Writes one `edited` event with the changes and the totals before and after, and bumps
    the version. A stale version changes nothing and raises StaleOrderVersion.
    """
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDER_EDITING)
    with transaction.atomic():
        order = order_lock(store=membership.store, pk=order_pk, expected_version=version)
        if not order_is_editable(order):
            raise OrderNotEditable(order)
        totals = order_parts_validate(currency=order.currency, data=data)
        total_before = order.total
        changes = order_edit_changes(order=order, data=data)
        if not changes:
            return OrderEditResult(
                order=order, changed=False, total_before=total_before, total_after=total_before
            )
        order_apply_fields(order=order, data=data, totals=totals)
        order.version += 1
        order.save()
        order_write_parts(order=order, data=data, totals=totals)
        result = OrderEditResult(
            order=order, changed=True, total_before=total_before, total_after=order.total
        )
        event_edited(
            order=order,
            actor=membership.user,
            changes=changes,
            total_before=total_before,
            difference=result.difference,
        ).save()
        order_changed(order=order, change=EDIT, actor=membership.user)
    return result
