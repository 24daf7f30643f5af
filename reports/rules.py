"""Which orders a sales report counts, and on which date each amount is booked.

Written once, here: every query of reports/selectors.py starts from these functions, and the
report page shows `RULES` and `DEFINITIONS` word for word, so what the merchant reads is what
the figures do.
"""

from datetime import datetime

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store
from orders.models import Order
from orders.selectors import order_queryset_for_store
from orders.statuses import PaymentStatus

# Money was received for these orders. "Awaiting payment" (not paid yet) and "Cancelled" are
# left out of every figure; refunded orders stay in, their refunds being booked on their own.
COUNTED_PAYMENT_STATUSES = (
    PaymentStatus.PAID,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)

# The date each amount is booked on (a column of the orders' queryset).
SALES_DATE = "created_at"
REFUND_DATE = "refunds__created_at"


def counted_orders(*, store: Store) -> QuerySet[Order]:
    """The orders of this store that the reports count, on any date."""
    return order_queryset_for_store(store=store).filter(payment_status__in=COUNTED_PAYMENT_STATUSES)


def orders_booked(*, store: Store, start: datetime, end: datetime) -> QuerySet[Order]:
    """Counted orders whose sales (lines, discounts, taxes, shipping) fall in [start, end)."""
    return counted_orders(store=store).filter(
        **{f"{SALES_DATE}__gte": start, f"{SALES_DATE}__lt": end}
    )


def refunds_booked(*, store: Store, start: datetime, end: datetime) -> QuerySet[Order]:
    """Counted orders joined to their refunds recorded in [start, end): one row per refund,
    read through `refunds__…` (the filter and the sums share the one join)."""
    return counted_orders(store=store).filter(
        **{f"{REFUND_DATE}__gte": start, f"{REFUND_DATE}__lt": end}
    )


def customer_key():
    """A customer is an e-mail address, whatever its case."""
    return Lower("customer_email")


def order_country():
    """Where the goods went: the shipping country, else the billing country."""
    return Coalesce(NullIf(F("shipping_country"), Value("")), F("billing_country"))


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
