"""The order list finds an order by its full reference or by its bare number."""

import pytest

from numbering.services import numbering_update_settings
from tests.factories import OrderFactory


@pytest.fixture
def prefixed_order(store, admin_member):
    numbering_update_settings(
        membership=admin_member, next_number=1006, prefix="MaBoutique-", suffix="-2019"
    )
    return OrderFactory(store=store)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["MaBoutique-1006-2019", "maboutique-1006-2019", "1006"])
def test_order_list_finds_an_order_by_reference_or_number(prefixed_order, admin_client_, query):
    assert prefixed_order.reference == "MaBoutique-1006-2019"
    other = OrderFactory(store=prefixed_order.store, customer_name="Zoé Autre")
    response = admin_client_.get("/orders/", {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert "MaBoutique-1006-2019" in content
    assert other.reference not in content
