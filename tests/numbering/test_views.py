"""The /settings/numbering/ page: rules, refusals, preview and history as a user sees them."""

import pytest
from django.urls import reverse

from mycommerce.plans import Plan
from numbering.models import NumberingChange
from numbering.selectors import numbering_settings_for_store
from tests.factories import OrderFactory

URL = "/settings/numbering/"


def form_data(next_number, prefix="", suffix="", seen=""):
    return {
        "next_number": next_number,
        "prefix": prefix,
        "suffix": suffix,
        "seen_next_number": seen,
    }


def set_plan(store, plan):
    store.plan = plan
    store.save(update_fields=["plan"])


@pytest.mark.django_db
def test_url_name_and_sidebar_link(admin_client_):
    assert reverse("numbering:settings") == URL
    content = admin_client_.get("/orders/").content.decode()
    assert f'href="{URL}"' in content


@pytest.mark.django_db
def test_admin_changes_the_settings_and_sees_the_next_reference(store, admin_client_):
    OrderFactory(store=store)
    response = admin_client_.post(URL, form_data(1006, "MaBoutique-", "-2019", seen=2), follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert "MaBoutique-1006-2019" in content
    assert OrderFactory(store=store).reference == "MaBoutique-1006-2019"


@pytest.mark.django_db
def test_owner_may_change_the_settings(store, owner_client):
    response = owner_client.post(URL, form_data(50, "B-"))
    assert response.status_code == 302
    assert OrderFactory(store=store).reference == "B-50"


@pytest.mark.django_db
def test_page_shows_highest_issued_number_and_preview(store, admin_client_):
    for _ in range(3):
        OrderFactory(store=store)
    admin_client_.post(URL, form_data(1000, "S-", seen=4))
    content = admin_client_.get(URL).content.decode()
    assert 'data-testid="highest-issued">3<' in content
    assert ">S-1000<" in content
    assert "js/numbering-preview.js" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, message",
    [
        ("3", "Enter 4 or more"),
        ("2", "Enter 4 or more"),
        ("0", "Ensure this value is greater than or equal to 1"),
        ("-5", "Ensure this value is greater than or equal to 1"),
        ("abc", "Enter a whole number"),
        ("1e5", "Enter a whole number"),
        ("", "This field is required"),
        ("9" * 40, "Ensure this value is less than or equal to"),
    ],
)
def test_bad_next_number_is_refused_at_the_field(store, admin_client_, value, message):
    for _ in range(3):
        OrderFactory(store=store)
    response = admin_client_.post(URL, form_data(value, "NEW-", seen=4))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "next_number" in response.context["form"].errors
    sequence = numbering_settings_for_store(store=store)
    assert (sequence.next_number, sequence.prefix) == (4, "")
    assert not NumberingChange.objects.exists()


@pytest.mark.django_db
def test_bad_prefix_is_refused_at_the_field(store, admin_client_):
    response = admin_client_.post(URL, form_data(10, "Ma Boutique", "x" * 21, seen=1))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Remove the spaces" in errors["prefix"][0]
    assert "suffix" in errors
    assert numbering_settings_for_store(store=store).next_number == 1


@pytest.mark.django_db
def test_orders_placed_while_the_page_was_open_are_not_a_refusal(store, admin_client_):
    OrderFactory(store=store)
    # The page showed 2; two orders arrive before the admin saves a new prefix.
    OrderFactory(store=store)
    OrderFactory(store=store)
    response = admin_client_.post(URL, form_data(2, "P-", seen=2))
    assert response.status_code == 302
    assert OrderFactory(store=store).reference == "P-4"


@pytest.mark.django_db
def test_history_shows_who_when_before_and_after(store, admin_member, admin_client_):
    admin_client_.post(URL, form_data(20, "A-", seen=1))
    admin_client_.post(URL, form_data(30, "A-", "-Z", seen=20))
    response = admin_client_.get(URL)
    changes = list(response.context["changes"])
    assert [c.after["next_number"] for c in changes] == [30, 20]
    content = response.content.decode()
    assert admin_member.user.username in content
    assert "-Z" in content


@pytest.mark.django_db
def test_staff_is_refused_on_get_and_post(store, staff_client):
    assert staff_client.get(URL).status_code == 403
    assert staff_client.post(URL, form_data(100, seen=1)).status_code == 403
    assert staff_client.get(URL + "preview/?next_number=5").status_code == 403
    assert numbering_settings_for_store(store=store).next_number == 1


@pytest.mark.django_db
def test_free_plan_shows_the_page_locked_and_refuses_the_post(store, owner_client):
    set_plan(store, Plan.FREE)
    response = owner_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="plan-locked" data-feature="custom_numbering"' in content
    assert "Upgrade to Starter or higher" in content
    assert "<fieldset disabled>" in content
    response = owner_client.post(URL, form_data(100, "X-", seen=1))
    assert response.status_code == 403
    assert numbering_settings_for_store(store=store).next_number == 1
    assert owner_client.get(URL + "preview/?next_number=5").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("plan", [Plan.STARTER, Plan.STANDARD, Plan.PROFESSIONAL])
def test_paid_plans_may_change_numbering(store, owner_client, plan):
    set_plan(store, plan)
    assert owner_client.post(URL, form_data(100, seen=1)).status_code == 302
    assert numbering_settings_for_store(store=store).next_number == 100


@pytest.mark.django_db
def test_preview_endpoint_answers_the_typed_settings(store, admin_member, admin_client_):
    client = admin_client_
    data = client.get(URL + "preview/", form_data(1006, "MaBoutique-", "-2019", seen=1)).json()
    assert data == {"reference": "MaBoutique-1006-2019", "errors": {}}
    data = client.get(URL + "preview/", form_data(0, "a b", seen=1)).json()
    assert data["reference"] is None
    assert set(data["errors"]) == {"next_number", "prefix"}


@pytest.mark.django_db
def test_page_is_in_french(store, admin_client_):
    content = admin_client_.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<h1 class="h3 mb-3">Numérotation</h1>' in content
    assert "Prochain numéro de commande" in content


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_history(store, admin_client_, django_assert_max_num_queries):
    for number in range(10, 40):
        admin_client_.post(URL, form_data(number, f"P{number}-", seen=""))
    with django_assert_max_num_queries(10):
        response = admin_client_.get(URL)
    assert len(response.context["changes"]) == 30


@pytest.mark.django_db
def test_refusal_is_explained_in_french(store, admin_client_):
    for _ in range(3):
        OrderFactory(store=store)
    response = admin_client_.post(
        URL, form_data(2, "Ma Boutique", seen=4), HTTP_ACCEPT_LANGUAGE="fr"
    )
    content = response.content.decode()
    assert "Saisissez 4 ou plus" in content
    assert "Retirez les espaces" in content


@pytest.mark.django_db
def test_preview_endpoint_skips_a_reference_an_older_prefix_issued(store, admin_client_):
    admin_client_.post(URL, form_data(1, "A1", seen=1))
    for _ in range(5):
        OrderFactory(store=store)  # A11 .. A15
    data = admin_client_.get(URL + "preview/", form_data(15, "A", seen=6)).json()
    assert data == {"reference": "A16", "errors": {}}


@pytest.mark.django_db
def test_page_and_preview_jump_a_gap_of_billions(store, admin_client_):
    admin_client_.post(URL, form_data(1, "A1", seen=1))
    OrderFactory(store=store)  # A11
    admin_client_.post(URL, form_data(10**10, "A1", seen=2))
    OrderFactory(store=store)  # A110000000000: "A1" issued 1 to 10^10
    typed = form_data(12 * 10**9, "A", seen=10**10 + 1)
    data = admin_client_.get(URL + "preview/", typed).json()
    assert data == {"reference": "A20000000000", "errors": {}}
    response = admin_client_.post(URL, typed, follow=True)
    assert "The next order will be A20000000000" in response.content.decode()
    assert ">A20000000000<" in admin_client_.get(URL).content.decode()
    assert OrderFactory(store=store).reference == "A20000000000"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "٣", "５"])
def test_other_digits_in_prefix_or_suffix_are_refused_at_the_field(store, admin_client_, bad):
    response = admin_client_.post(URL, form_data(10, f"MB{bad}", bad, seen=1))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["prefix"] == [f"Use only the digits 0 to 9: “{bad}” is not one of them."]
    assert errors["suffix"] == [f"Use only the digits 0 to 9: “{bad}” is not one of them."]
    french = admin_client_.post(URL, form_data(10, bad, seen=1), HTTP_ACCEPT_LANGUAGE="fr")
    assert f"Utilisez uniquement les chiffres de 0 à 9 : « {bad} »" in french.content.decode()
    data = admin_client_.get(URL + "preview/", form_data(10, bad, seen=1)).json()
    assert data["reference"] is None and "prefix" in data["errors"]
    sequence = numbering_settings_for_store(store=store)
    assert (sequence.next_number, sequence.prefix, sequence.suffix) == (1, "", "")
    assert not NumberingChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["٣٠", "５０", "³⁰", "1_000"])
def test_a_next_number_typed_with_other_digits_is_refused(store, admin_client_, typed):
    response = admin_client_.post(URL, form_data(typed, "X-", seen=1))
    assert response.status_code == 200
    assert response.context["form"].errors["next_number"] == ["Enter a whole number."]
    data = admin_client_.get(URL + "preview/", form_data(typed, "X-", seen=1)).json()
    assert data == {"reference": None, "errors": {"next_number": ["Enter a whole number."]}}
    assert numbering_settings_for_store(store=store).prefix == ""
