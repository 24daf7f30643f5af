"""Which orders a sales report counts, and on which date each amount is booked.

Written once, here: every query of reports/selectors.py starts from these functions, and the
report page shows `RULES` and `DEFINITIONS` word for word, so what the merchant reads is what
the figures do.
"""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store
from orders.models import Order, Refund
from orders.selectors import order_queryset_for_store
from orders.statuses import PaymentStatus

# Money was received for these orders. "Awaiting payment" (not paid yet) and "Cancelled" are
# left out of every figure; refunded orders stay in, their refunds being booked on their own.
COUNTED_PAYMENT_STATUSES = (
    PaymentStatus.PAID,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)

# The date each amount is booked on: the order's date for sales, the refund's for refunds.
SALES_DATE = "created_at"  # of Order
REFUND_DATE = "created_at"  # of Refund


def counted_orders(*, store: Store) -> QuerySet[Order]:
    """The orders of this store that the reports count, on any date."""
    return order_queryset_for_store(store=store).filter(payment_status__in=COUNTED_PAYMENT_STATUSES)


def orders_booked(*, store: Store, start: datetime, end: datetime) -> QuerySet[Order]:
    """Counted orders whose sales (lines, discounts, taxes, shipping) fall in [start, end)."""
    return counted_orders(store=store).filter(
        **{f"{SALES_DATE}__gte": start, f"{SALES_DATE}__lt": end}
    )


def refunds_booked(*, store: Store, start: datetime, end: datetime) -> QuerySet[Refund]:
    """Refunds recorded in [start, end) of the store's counted orders (their order's fields
    read through `order__…`). Asked from the refunds side, each looking up its order: a
    period without refunds costs next to nothing, however many orders the store has."""
    return Refund.objects.filter(
        Exists(counted_orders(store=store).filter(pk=OuterRef("order_id"))),
        **{f"{REFUND_DATE}__gte": start, f"{REFUND_DATE}__lt": end},
    )


def customer_key():
    """A customer is an e-mail address, whatever its case."""
    return Lower("customer_email")


def order_country(prefix: str = ""):
    """Where the goods went: the shipping country, else the billing country (of the order
    at `prefix`, e.g. "order__" from a refund)."""
    return Coalesce(
        NullIf(F(f"{prefix}shipping_country"), Value("")), F(f"{prefix}billing_country")
    )


RULES = (
    _(
        "Counted orders: paid, partially refunded and refunded orders. Orders awaiting "
        "payment and cancelled orders are left out of every figure, including an order "
        "cancelled after it was paid."
    ),
    _(
        "Sales (lines, discounts, taxes, shipping, items, orders) are booked on the date the "
        "order was placed, in the store's time zone."
    ),
    _(
        "Refunds are booked on the date they were recorded: a refund in March of a January "
        "order lowers March, and January's figures do not change."
    ),
    _(
        "An edited order is counted as it is now, on the date it was placed: an edit changes "
        "the figures of that date, not of the day of the edit."
    ),
    _(
        "An order awaiting payment that is marked as paid later appears on the date it was "
        "placed from then on."
    ),
    _(
        "Customers are told apart by e-mail address; a customer is new in the period when "
        "their first counted order in the store is in it, returning when they had one before. "
        "Orders without an e-mail address count for no customer."
    ),
    _(
        "Product figures are per SKU. An order's discounts and refunds are shared among its "
        "lines in proportion to their amounts, so the products' net sales add up to the "
        "report's net sales."
    ),
    _("Country: the shipping country, else the billing country."),
)

DEFINITIONS = (
    (_("Gross sales"), _("the order lines before discounts (prices exclude taxes)")),
    (_("Net sales"), _("gross sales − discounts − refunds")),
    (_("Total sales"), _("gross sales − discounts − refunds + taxes + shipping")),
    (_("Average order value"), _("(gross sales − discounts) ÷ orders")),
    (_("Items per order"), _("items sold ÷ orders")),
    (
        _("Refund rate"),
        _("refunds ÷ (gross sales − discounts + taxes + shipping), both of the period"),
    ),
)
