"""Eight members pay orders of one store at once: the invoices get gapless, unique numbers."""

import threading

import pytest
from django.db import connection

from invoices.models import Invoice
from mycommerce.models import Membership
from orders.models import Order
from orders.services import order_set_payment_status
from tests.factories import MembershipFactory, StoreFactory
from tests.invoices.helpers import place_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ISSUERS = 8
ORDERS_EACH = 15


def test_eight_concurrent_issuers_get_gapless_unique_invoice_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL row locking is tested only when the suite runs on PostgreSQL.")
    store = StoreFactory()
    members = [MembershipFactory(store=store).pk for _ in range(ISSUERS)]
    orders = [place_order(store).pk for _ in range(ISSUERS * ORDERS_EACH)]
    errors: list[BaseException] = []
    start = threading.Barrier(ISSUERS)

    def issuer(index: int) -> None:
        try:
            membership = Membership.objects.select_related("store", "user").get(pk=members[index])
            start.wait()
            for pk in orders[index::ISSUERS]:
                order = Order.objects.get(pk=pk)
                order_set_payment_status(membership=membership, order=order, status="paid")
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issuer, args=(i,)) for i in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = list(Invoice.objects.filter(store=store).values_list("sequence_number", flat=True))
    assert sorted(numbers) == list(range(1, ISSUERS * ORDERS_EACH + 1))
    references = set(Invoice.objects.filter(store=store).values_list("number", flat=True))
    assert len(references) == ISSUERS * ORDERS_EACH
    # Chronological: a later number is never dated before an earlier one.
    dated = list(Invoice.objects.filter(store=store).order_by("sequence_number"))
    assert all(a.issued_on <= b.issued_on for a, b in zip(dated, dated[1:]))
