"""Writes to orders: creation, statuses, refunds and notes. Every service takes the acting
`membership`, asks `ensure_member_may` once, locks the order row (orders/locks.py), follows
the transitions table of statuses.py, writes an OrderEvent in the same transaction and
bumps the order's version."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mycommerce.models import Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from numbering.services import numbering_allocate
from orders.carriers import OTHER, carrier_get, tracking_ensure_valid
from orders.events import (
    event_created,
    event_fulfillment_changed,
    event_note_added,
    event_payment_changed,
    line_data,
)
from orders.listeners import (
    CREATED,
    FULFILLMENT_STATUS,
    PAYMENT_STATUS,
    order_changed,
    order_changes_batch,
)
from orders.locks import order_lock
from orders.models import Order, OrderEvent, OrderNote
from orders.parts import OrderData, order_apply_fields, order_parts_validate, order_write_parts
from orders.policies import order_ensure_may_create
from orders.refunds import order_cancel_and_refund, order_refund  # noqa: F401 (their home)
from orders.statuses import (
    TRACKING_STATUSES,
    FulfillmentStatus,
    PaymentStatus,
    fulfillment_transition_refusal,
    payment_transition_refusal,
)

CENT = Decimal("0.01")
MAX_BULK_ORDERS = 10_000


@dataclass
class BulkResult:
    """What a bulk change did: the references changed, and those skipped with the reason."""

    changed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _ensure_may_work_on_orders(membership: Membership) -> None:
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)


def order_create(
    *,
    store: Store,
    source: str,
    data: OrderData,
    membership: Membership | None = None,
    paid: bool = False,
    language: str = "",
) -> Order:
    """Place an order: the next number, its parts and totals, and its first event, in one
    transaction. `membership` is the member taking a phone or e-mail order; a storefront
    order has none. Who may create from which source is decided in orders/policies.py.
    `language` is the customer's (the storefront's), for the e-mails; empty: the store's."""
    order_ensure_may_create(source=source, membership=membership)
    totals = order_parts_validate(currency=store.currency, data=data)
    with transaction.atomic():
        allocated = numbering_allocate(store=store, count=1)[0]
        order = Order(
            store=store,
            number=allocated.number,
            reference=allocated.reference,
            currency=store.currency,
            source=source,
            language=language if language in Store.Language.values else "",
            payment_status=PaymentStatus.PAID if paid else PaymentStatus.AWAITING_PAYMENT,
            fulfillment_status=FulfillmentStatus.AWAITING_PROCESSING,
        )
        order_apply_fields(order=order, data=data, totals=totals)
        order.save()
        order_write_parts(order=order, data=data, totals=totals)
        event_created(
            order=order,
            actor=membership.user if membership else None,
            lines=[
                line_data(quantity=line.quantity, name=line.name, sku=line.sku)
                for line in data.lines
            ],
            paid=paid,
        ).save()
        order_changed(order=order, change=CREATED, actor=membership.user if membership else None)
    return order


def _apply_payment_status(*, locked: Order, status: str, membership: Membership) -> OrderEvent:
    refusal = payment_transition_refusal(current=locked.payment_status, target=status)
    if refusal:
        raise ValidationError(refusal, code="transition")
    previous = locked.payment_status
    locked.payment_status = status
    locked.version += 1
    locked.save(update_fields=["payment_status", "version", "updated_at"])
    event = event_payment_changed(
        order=locked, actor=membership.user, before=previous, after=status
    )
    order_changed(order=locked, change=PAYMENT_STATUS, actor=membership.user)
    return event


def _apply_fulfillment_status(
    *,
    locked: Order,
    status: str,
    membership: Membership,
    carrier: str,
    tracking_number: str,
    carrier_code: str = "",
    accept_tracking_number: bool = False,
) -> OrderEvent:
    refusal = fulfillment_transition_refusal(
        current=locked.fulfillment_status, target=status, payment_status=locked.payment_status
    )
    if refusal:
        raise ValidationError(refusal, code="transition")
    previous = locked.fulfillment_status
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    carrier_code = carrier_code.strip()
    if status in TRACKING_STATUSES:
        tracking_ensure_valid(
            carrier_code=carrier_code,
            tracking_number=tracking_number,
            accept=accept_tracking_number,
        )
        known = carrier_get(carrier_code)
        if known is not None and known.code != OTHER:
            carrier = str(known.name)  # the list's name, whatever was typed beside it
        # Keep what is known when the form leaves the fields empty.
        if not carrier_code and not carrier:
            carrier_code = locked.carrier_code
        carrier = carrier or locked.carrier
        tracking_number = tracking_number or locked.tracking_number
    if previous == status and (carrier_code, carrier, tracking_number) == (
        locked.carrier_code,
        locked.carrier,
        locked.tracking_number,
    ):
        raise ValidationError(
            _("Nothing to change: the status, carrier and tracking number are the same."),
            code="unchanged",
        )
    tracking = None
    if status in TRACKING_STATUSES:
        locked.carrier, locked.tracking_number = carrier, tracking_number
        locked.carrier_code = carrier_code
        tracking = {
            "carrier": carrier,
            "carrier_code": carrier_code,
            "tracking_number": tracking_number,
        }
    locked.fulfillment_status = status
    locked.version += 1
    locked.save(
        update_fields=[
            "fulfillment_status",
            "carrier",
            "carrier_code",
            "tracking_number",
            "version",
            "updated_at",
        ]
    )
    event = event_fulfillment_changed(
        order=locked, actor=membership.user, before=previous, after=status, tracking=tracking
    )
    order_changed(order=locked, change=FULFILLMENT_STATUS, actor=membership.user)
    return event


def order_set_payment_status(
    *, membership: Membership, order: Order, status: str, expected_version: int | None = None
) -> Order:
    _ensure_may_work_on_orders(membership)
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk, expected_version=expected_version)
        _apply_payment_status(locked=locked, status=status, membership=membership).save()
    return locked


def order_set_fulfillment_status(
    *,
    membership: Membership,
    order: Order,
    status: str,
    carrier: str = "",
    tracking_number: str = "",
    carrier_code: str = "",
    accept_tracking_number: bool = False,
    expected_version: int | None = None,
) -> Order:
    """A new fulfillment status (or new tracking on Shipped and Delivered). A tracking number
    that does not match its carrier's format is refused unless `accept_tracking_number`."""
    _ensure_may_work_on_orders(membership)
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk, expected_version=expected_version)
        _apply_fulfillment_status(
            locked=locked,
            status=status,
            membership=membership,
            carrier=carrier,
            tracking_number=tracking_number,
            carrier_code=carrier_code,
            accept_tracking_number=accept_tracking_number,
        ).save()
    return locked


def _bulk_apply(
    *, membership: Membership, orders: QuerySet[Order], apply: Callable[[Order], OrderEvent]
) -> BulkResult:
    _ensure_may_work_on_orders(membership)
    result = BulkResult()
    with transaction.atomic():
        # Primary-key order: two concurrent bulk changes can never deadlock on each other.
        rows = list(
            orders.filter(store=membership.store)
            .order_by("pk")
            .select_for_update()[: MAX_BULK_ORDERS + 1]
        )
        if len(rows) > MAX_BULK_ORDERS:
            raise ValidationError(
                _("At most %(max)d orders can be changed at once; narrow the filters.")
                % {"max": MAX_BULK_ORDERS},
                code="too_many",
            )
        events = []
        with order_changes_batch():
            for locked in rows:
                try:
                    events.append(apply(locked))
                except ValidationError as error:
                    result.skipped.append((locked.reference, " ".join(error.messages)))
                else:
                    result.changed.append(locked.reference)
        OrderEvent.objects.bulk_create(events)
    return result


def order_bulk_set_payment_status(
    *, membership: Membership, orders: QuerySet[Order], status: str
) -> BulkResult:
    """Apply the allowed moves only; report the others, order by order."""
    return _bulk_apply(
        membership=membership,
        orders=orders,
        apply=lambda locked: _apply_payment_status(
            locked=locked, status=status, membership=membership
        ),
    )


def order_bulk_set_fulfillment_status(
    *,
    membership: Membership,
    orders: QuerySet[Order],
    status: str,
    carrier: str = "",
    tracking_number: str = "",
    carrier_code: str = "",
    accept_tracking_number: bool = False,
) -> BulkResult:
    """One number for every selected order: its format is checked once, before any change."""
    if status in TRACKING_STATUSES:
        tracking_ensure_valid(
            carrier_code=carrier_code.strip(),
            tracking_number=tracking_number.strip(),
            accept=accept_tracking_number,
        )
    return _bulk_apply(
        membership=membership,
        orders=orders,
        apply=lambda locked: _apply_fulfillment_status(
            locked=locked,
            status=status,
            membership=membership,
            carrier=carrier,
            tracking_number=tracking_number,
            carrier_code=carrier_code,
            accept_tracking_number=accept_tracking_number,
        ),
    )


def order_add_note(*, membership: Membership, order: Order, text: str) -> OrderNote:
    _ensure_may_work_on_orders(membership)
    text = text.strip()
    if not text:
        raise ValidationError(_("The note is empty."), code="empty")
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk)
        note = OrderNote.objects.create(order=locked, author=membership.user, text=text)
        event_note_added(order=locked, actor=membership.user, text=text).save()
    return note
