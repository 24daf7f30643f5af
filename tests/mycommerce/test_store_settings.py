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
    assert store.vat_number == "FR44732829320"


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
    assert store.vat_number == "FR44732829320"


LEGAL = {
    **VALID,
    "legal_name": "MaBoutique SAS",
    "legal_form": "SAS",
    "share_capital": "10000",
    "siren": "732 829 320",
    "siret": "732 829 320 00074",
    "rcs_city": "Paris",
    "vat_number": "FR 44 732829320",
    "payment_terms": "Paiement à 30 jours",
    "late_payment_rate": "12",
    "recovery_indemnity": "on",
    "vat_rates": "20 ; 5,5 ; 10, 0",
}


def test_the_legal_identity_is_saved_in_compact_form(store, admin_member):
    response = client_for(admin_member).post("/settings/store/", LEGAL)
    assert response.status_code == 302
    store.refresh_from_db()
    assert (store.siren, store.siret, store.vat_number) == (
        "732829320",
        "73282932000074",
        "FR44732829320",
    )
    assert store.vat_rates == ["20", "5.5", "10", "0"]
    assert store.recovery_indemnity and store.legal_form == "SAS"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("siren", "732829321", "SIREN of 9 digits"),
        ("siret", "73282932000075", "SIRET of 14 digits"),
        ("siret", "12345678200010", "must start with the SIREN"),
        ("vat_number", "FR40123456789", "Enter a valid VAT number"),
        ("vat_number", "FR11123456782", "ends with the SIREN"),
        ("vat_rates", "20, vingt", "separated by commas"),
        ("vat_rates", "120", "between 0 and 99.99"),
    ],
)
def test_a_number_whose_check_digits_fail_is_refused(store, admin_member, field, value, message):
    response = client_for(admin_member).post("/settings/store/", {**LEGAL, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    store.refresh_from_db()
    assert store.siren == ""


def test_the_logo_must_be_an_image(store, admin_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client_for(admin_member).post("/settings/store/", {**LEGAL, "logo": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    store.refresh_from_db()
    assert not store.logo


def test_a_png_logo_is_kept(store, admin_member):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = client_for(admin_member).post("/settings/store/", {**LEGAL, "logo": logo})
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.logo.name.endswith(".png")
