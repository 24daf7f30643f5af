import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

VALID = {
    "name": "MaBoutique",
    "legal_address": "3 rue Neuve\n69001 Lyon",
    "vat_number": "FR40303265045",
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


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("fr 40 303 265 045", "FR40303265045"),
        ("DE136695976", "DE136695976"),
        ("GB980780684", "GB980780684"),
        ("CHE-116.281.710 MWST", "CHE116281710MWST"),
        ("", ""),
    ],
)
def test_a_vat_number_is_checked_by_its_country_rules_and_kept_compact(
    store, admin_member, typed, kept
):
    response = client_for(admin_member).post("/settings/store/", {**VALID, "vat_number": typed})
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.vat_number == kept


@pytest.mark.parametrize("typed", ["pas un numéro", "FR40303265046", "12345678901", "ZZ123"])
def test_a_wrong_vat_number_is_refused_at_its_field_in_french(store, admin_member, typed):
    client = client_for(admin_member)
    client.cookies["django_language"] = "fr"
    response = client.post("/settings/store/", {**VALID, "vat_number": typed})
    assert response.status_code == 200
    errors = response.context["form"].errors["vat_number"]
    assert errors == [
        "Saisissez un numéro de TVA valide, précédé du code de son pays, par exemple FR40303265045."
    ]
    assert 'id="id_vat_number_error"' in response.content.decode()
    store.refresh_from_db()
    assert store.vat_number == "FR40123456789"
