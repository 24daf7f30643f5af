"""Issuing invoices and credit notes: a number from the store's series, a frozen snapshot,
an event on the order's timeline, all in the transaction of the change that causes it.

When: the store chooses the moment an invoice is issued (paid, the default; shipped; or by
hand). A refund issues a credit note for the refunded amount, by rate; cancelling an
invoiced order credits what is left of its invoice; editing an invoiced order, when the
invoice would read differently, credits it and issues a new one. A cancelled order never
gets a new invoice.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from invoices.figures import DocumentLine, Figures, RateTotal, order_figures
from invoices.models import Invoice
from invoices.snapshots import document_snapshot, snapshot_rates
from mycommerce.models import Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from numbering.services import invoice_series_allocate
from orders.events import event_document_issued
from orders.listeners import (
    CANCEL_AND_REFUND,
    CREATED,
    EDIT,
    FULFILLMENT_STATUS,
    PAYMENT_STATUS,
    REFUND,
)
from orders.locks import order_lock
from orders.models import Order, Refund
from orders.statuses import FulfillmentStatus, PaymentStatus
from orders.totals import totals_spread

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
SHIPPED_STATUSES = frozenset({FulfillmentStatus.SHIPPED, FulfillmentStatus.DELIVERED})
# Figures comparable between an issued invoice and the order as it is now.
COMPARED = ("buyer", "lines", "discounts", "shipping", "rates", "total_ttc", "delivery_date")


def _issue(
    *,
    order: Order,
    store: Store,
    kind: str,
    reason: str,
    figures: Figures,
    actor: AbstractBaseUser | None,
    corrects: Invoice | None = None,
) -> Invoice:
    allocated = invoice_series_allocate(store=store)
    snapshot = document_snapshot(
        order=order,
        store=store,
        figures=figures,
        kind=kind,
        number=allocated.reference,
        issued_on=allocated.issued_on,
        corrects=(
            {"number": corrects.number, "issued_on": corrects.issued_on.isoformat()}
            if corrects
            else None
        ),
    )
    document = Invoice.objects.create(
        store=store,
        order=order,
        kind=kind,
        reason=reason,
        number=allocated.reference,
        sequence_number=allocated.number,
        issued_on=allocated.issued_on,
        corrects=corrects,
        currency=order.currency,
        total=figures.total_ttc,
        snapshot=snapshot,
        created_by=actor,
    )
    event_document_issued(
        order=order,
        actor=actor,
        kind=kind,
        number=document.number,
        total=document.total,
        corrects=corrects.number if corrects else "",
    ).save()
    return document


def _outstanding(invoice: Invoice) -> list[RateTotal]:
    """What is left of an invoice per rate once its credit notes are taken off."""
    left = {r.rate: r for r in snapshot_rates(invoice.snapshot)}
    for note in invoice.credit_notes.all():
        for r in snapshot_rates(note.snapshot):
            was = left.get(r.rate, RateTotal(r.rate, ZERO, ZERO, ZERO))
            left[r.rate] = RateTotal(
                r.rate, was.base - r.base, was.vat - r.vat, was.total - r.total
            )
    return [r for r in left.values() if r.total > 0]


def order_active_invoice(order: Order) -> Invoice | None:
    """The order's invoice that is not wholly credited yet (at most one at a time)."""
    invoice = (
        Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE)
        .order_by("-issued_at", "-pk")
        .first()
    )
    return invoice if invoice is not None and _outstanding(invoice) else None


def _was_cancelled(order: Order) -> bool:
    return (
        order.payment_status == PaymentStatus.CANCELLED
        or Invoice.objects.filter(order=order, reason=Invoice.Reason.CANCELLATION).exists()
    )


def _credit_figures(invoice: Invoice, amount: Decimal | None, label: str) -> Figures:
    """A credit note's figures: the whole invoice (its own lines) when nothing was credited
    yet and all of it is; otherwise one line per rate, the VAT taken out of each share."""
    outstanding = _outstanding(invoice)
    left = sum((r.total for r in outstanding), ZERO)
    if amount is None or amount >= left:
        rates = outstanding
    else:
        rates = []
        shares = totals_spread(amount, [r.total for r in outstanding], invoice.currency)
        for rate, share in zip(outstanding, shares):
            base = (share * HUNDRED / (HUNDRED + rate.rate)).quantize(CENT, ROUND_HALF_UP)
            rates.append(RateTotal(rate.rate, base, share - base, share))
    snapshot = invoice.snapshot
    if rates == snapshot_rates(snapshot):
        lines = [
            DocumentLine(
                sku=line["sku"],
                name=line["name"],
                quantity=line["quantity"],
                unit_price_ht=Decimal(line["unit_price_ht"]),
                vat_rate=Decimal(line["vat_rate"]),
                total_ht=Decimal(line["total_ht"]),
            )
            for line in snapshot["lines"]
        ]
        discounts = [(d["label"], Decimal(d["amount"])) for d in snapshot["discounts"]]
        shipping = [(Decimal(s["rate"]), Decimal(s["amount"])) for s in snapshot["shipping"]]
    else:
        lines = [DocumentLine("", label, 1, r.base, r.rate, r.base) for r in rates]
        discounts, shipping = [], []
    return Figures(
        lines=lines,
        discounts=discounts,
        shipping=shipping,
        rates=rates,
        total_ht=sum((r.base for r in rates), ZERO),
        total_vat=sum((r.vat for r in rates), ZERO),
        total_ttc=sum((r.total for r in rates), ZERO),
    )


def _issue_credit_note(
    *,
    order: Order,
    invoice: Invoice,
    reason: str,
    actor: AbstractBaseUser | None,
    amount: Decimal | None = None,
) -> Invoice:
    store = order.store
    with translation.override(store.language):
        label = {
            Invoice.Reason.REFUND: _("Refund on invoice %(number)s"),
            Invoice.Reason.CANCELLATION: _("Cancellation of invoice %(number)s"),
            Invoice.Reason.EDIT: _("Cancellation of invoice %(number)s (order edited)"),
        }[reason] % {"number": invoice.number}
    return _issue(
        order=order,
        store=store,
        kind=Invoice.Kind.CREDIT_NOTE,
        reason=reason,
        figures=_credit_figures(invoice, amount, label),
        actor=actor,
        corrects=invoice,
    )


def _issue_invoice(*, order: Order, actor: AbstractBaseUser | None, reason: str) -> Invoice:
    return _issue(
        order=order,
        store=order.store,
        kind=Invoice.Kind.INVOICE,
        reason=reason,
        figures=order_figures(order=order),
        actor=actor,
    )


def _reads_differently(invoice: Invoice, order: Order) -> bool:
    now = document_snapshot(
        order=order, store=order.store, figures=order_figures(order=order), kind=invoice.kind
    )
    return any(now.get(key) != invoice.snapshot.get(key) for key in COMPARED)


def _due_moment(order: Order, change: str) -> bool:
    """Whether this change is the moment the store chose to issue the invoice."""
    moment = order.store.invoice_moment
    if moment == Store.InvoiceMoment.PAID:
        return change in (CREATED, PAYMENT_STATUS) and order.payment_status == PaymentStatus.PAID
    if moment == Store.InvoiceMoment.SHIPPED:
        return change == FULFILLMENT_STATUS and order.fulfillment_status in SHIPPED_STATUSES
    return False


def invoices_on_order_changed(
    *, order: Order, change: str, actor: AbstractBaseUser | None, refund: Refund | None = None
) -> None:
    """The listener of orders/listeners.py: the documents a change of the order issues."""
    active = order_active_invoice(order)
    if change == REFUND and active is not None and refund is not None:
        _issue_credit_note(
            order=order,
            invoice=active,
            reason=Invoice.Reason.REFUND,
            actor=actor,
            amount=refund.amount,
        )
    elif active is not None and (
        change == CANCEL_AND_REFUND
        or (change == PAYMENT_STATUS and order.payment_status == PaymentStatus.CANCELLED)
    ):
        _issue_credit_note(
            order=order, invoice=active, reason=Invoice.Reason.CANCELLATION, actor=actor
        )
    elif change == EDIT and active is not None and _reads_differently(active, order):
        _issue_credit_note(order=order, invoice=active, reason=Invoice.Reason.EDIT, actor=actor)
        if not _was_cancelled(order):
            _issue_invoice(order=order, actor=actor, reason=Invoice.Reason.EDIT)
    elif active is None and _due_moment(order, change) and not _was_cancelled(order):
        if not Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE).exists():
            _issue_invoice(order=order, actor=actor, reason=Invoice.Reason.ISSUED)


def invoice_issue(*, membership: Membership, order: Order) -> Invoice:
    """Issue the order's invoice now, by hand (from the order page)."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk)
        refusal = invoice_issue_refusal(locked)
        if refusal:
            raise ValidationError(refusal, code="not_issuable")
        return _issue_invoice(order=locked, actor=membership.user, reason=Invoice.Reason.ISSUED)


def invoice_issue_refusal(order: Order) -> str | None:
    """Why no invoice can be issued for this order by hand now (None: it can)."""
    if _was_cancelled(order):
        return _("A cancelled order gets no new invoice.")
    if order_active_invoice(order) is not None:
        return _("This order already has its invoice.")
    if Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE).exists():
        return _("This order's invoice has been wholly credited.")
    return None
