import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

VALID = {
    "name": "MaBoutique",
    "legal_address": "3 rue Neuve\n69001 Lyon",
    "vat_number": "FR11223344556",
    "currency": "eur",
    "language": "en",
    "timezone": "Europe/Paris",
    "paper_size": "Letter",
}


def test_an_admin_changes_the_invoice_details(store, admin_member):
    response = client_for(admin_member).post("/settings/store/", VALID)
    assert response.status_code == 302
    store.refresh_from_db()
    assert (store.currency, store.language, store.paper_size) == ("EUR", "en", "Letter")
    assert store.legal_address.startswith("3 rue Neuve")


def test_staff_may_not_change_store_settings(store, staff):
    response = client_for(staff).post("/settings/store/", VALID)
    assert response.status_code == 403
    store.refresh_from_db()
    assert store.paper_size == "A4"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("currency", "ZZZ", "currency code"),
        ("timezone", "Mars/Olympus", "time zone"),
        ("paper_size", "A3", "not one of the available choices"),
        ("name", "", "required"),
    ],
)
def test_bad_settings_are_refused_at_the_field(store, owner, field, value, message):
    response = client_for(owner).post("/settings/store/", {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    store.refresh_from_db()
    assert store.vat_number == "FR40123456789"
