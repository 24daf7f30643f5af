"""The main pages of the back-office, with data that shows most of what they can show: the
French-wording walk (tests/mycommerce/test_french_pages.py) and the accessibility checks
(tests/browser/test_accessibility.py) go through the same list."""

from dataclasses import dataclass
from decimal import Decimal

from exports.services import EXPORT_JOB
from mycommerce.models import Job, Membership
from mycommerce.roles import Role
from mycommerce.services import job_create
from orders.models import Order, OrderDiscount, OrderTax
from orders.services import (
    order_add_note,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.factories import MembershipFactory, OrderFactory

# Data of the pages that reads the same in every language: names, SKUs, references.
CUSTOMER = "Camille Martin"
STORE = "MaBoutique"


@dataclass
class MainPages:
    owner: Membership
    order: Order
    job: Job

    def paths(self) -> dict[str, str]:
        return {
            "order list": "/orders/",
            "order list, a saved view": "/orders/?payment_status=awaiting_payment",
            "saved views": "/orders/views/",
            "order detail": f"/orders/{self.order.pk}/",
            "order edit": f"/orders/{self.order.pk}/edit/",
            "new order": "/orders/new/",
            "exports form": "/exports/orders/",
            "sales journal": "/exports/journal/?start=2026-01-01&end=2026-12-31",
            "sales journal settings": "/exports/journal/settings/",
            "numbering": "/settings/numbering/",
            "store settings": "/settings/store/",
            "customer emails": "/settings/emails/",
            "plan": "/settings/plan/",
            "job page": f"/jobs/{self.job.pk}/",
        }


def main_pages_data() -> MainPages:
    """An owner of a Standard store with a paid, shipped, partly refunded order that has a
    discount, a tax, a note and a timeline, a second order, and a background job."""
    owner = MembershipFactory(role=Role.OWNER, store__name=STORE)
    store = owner.store
    order = OrderFactory(
        store=store,
        customer_name=CUSTOMER,
        customer_phone="06 12 34 56 78",
        lines=[
            ("TSH-BLC-M", "T-shirt coton bio blanc (M)", 2, Decimal("19.90")),
            ("TAS-CER-01", "Tasse en céramique émaillée", 1, Decimal("14.50")),
        ],
        discount_total=Decimal("5.00"),
        tax_total=Decimal("9.86"),
        total=Decimal("59.16"),
    )
    OrderDiscount.objects.create(
        order=order, label="Fidélité", kind=OrderDiscount.Kind.FIXED, value=5, amount=5
    )
    OrderTax.objects.create(
        order=order, name="TVA", kind=OrderTax.Kind.RATE, value=20, amount=Decimal("9.86")
    )
    order_set_payment_status(membership=owner, order=order, status=PaymentStatus.PAID)
    order_set_fulfillment_status(
        membership=owner,
        order=order,
        status=FulfillmentStatus.SHIPPED,
        carrier_code="colissimo",
        tracking_number="6A12345678901",
    )
    order_refund(membership=owner, order=order, amount=Decimal("5.00"), reason="Geste")
    order_add_note(membership=owner, order=order, text="Appeler avant livraison")
    OrderFactory(store=store, customer_name="Théo Lefèvre")
    job = job_create(store=store, user=owner.user, kind=EXPORT_JOB, params={}, total=4)
    order.refresh_from_db()
    return MainPages(owner=owner, order=order, job=job)
