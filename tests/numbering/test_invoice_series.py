"""The invoice series: gapless, chronological, its first number set once."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from mycommerce.models import Store
from mycommerce.roles import Role
from numbering.models import InvoiceSeries
from numbering.selectors import invoice_series_preview
from numbering.services import invoice_series_allocate, invoice_series_update_settings
from tests.conftest import client_for
from tests.factories import MembershipFactory, StoreFactory


def issue(store, on=date(2026, 3, 2)):
    with transaction.atomic():
        return invoice_series_allocate(store=store, on=on)


@pytest.mark.django_db
def test_numbers_carry_the_prefix_and_year_and_follow_each_other(store):
    assert [issue(store).reference for _ in range(3)] == [
        "FA-2026-000001",
        "FA-2026-000002",
        "FA-2026-000003",
    ]


@pytest.mark.django_db(transaction=True)
def test_allocation_needs_the_issuing_transaction(store):
    with pytest.raises(RuntimeError):
        invoice_series_allocate(store=store)


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back(store):
    issue(store)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert invoice_series_allocate(store=store, on=date(2026, 3, 2)).number == 2
        raise RuntimeError("the issue fails after its number was taken")
    assert issue(store).reference == "FA-2026-000002"


@pytest.mark.django_db
def test_a_new_year_restarts_at_one_unless_the_store_chose_otherwise(store, admin_member):
    issue(store, on=date(2026, 12, 31))
    assert issue(store, on=date(2027, 1, 1)).reference == "FA-2027-000001"
    invoice_series_update_settings(membership=admin_member, prefix="F", yearly_restart=False)
    assert issue(store, on=date(2028, 1, 3)).reference == "F-2028-000002"


@pytest.mark.django_db
def test_the_issue_date_never_goes_back(store):
    issue(store, on=date(2026, 5, 10))
    assert issue(store, on=date(2026, 5, 9)).issued_on == date(2026, 5, 10)


@pytest.mark.django_db
def test_the_first_number_is_set_once_to_continue_an_earlier_series(store, admin_member):
    invoice_series_update_settings(
        membership=admin_member, prefix="FA", yearly_restart=True, first_number=458
    )
    assert invoice_series_preview(store=store).endswith("-000458")
    assert issue(store).reference == "FA-2026-000458"
    with pytest.raises(ValidationError) as refused:
        invoice_series_update_settings(
            membership=admin_member, prefix="FA", yearly_restart=True, first_number=1
        )
    assert "first_number" in refused.value.message_dict
    assert issue(store).reference == "FA-2026-000459"


@pytest.mark.django_db
def test_staff_cannot_change_the_series(store, staff):
    with pytest.raises(PermissionDenied):
        invoice_series_update_settings(membership=staff, prefix="X", yearly_restart=True)


@pytest.mark.django_db
def test_a_bad_prefix_is_refused_next_to_its_field(store, admin_member):
    with pytest.raises(ValidationError) as refused:
        invoice_series_update_settings(
            membership=admin_member, prefix="FA 2026", yearly_restart=True
        )
    assert "prefix" in refused.value.message_dict


@pytest.mark.django_db
def test_the_settings_page_saves_then_locks_the_first_number(store, admin_member):
    client = client_for(admin_member)
    page = client.get("/settings/numbering/invoices/")
    assert page.status_code == 200
    response = client.post(
        "/settings/numbering/invoices/",
        {"prefix": "FAC", "yearly_restart": "on", "first_number": "12"},
        follow=True,
    )
    assert "FAC-" in response.content.decode() and "-000012" in response.content.decode()
    issue(store)
    page = client.get("/settings/numbering/invoices/").content.decode()
    field = page.split('name="first_number"')[1][:200]
    assert "disabled" in field


@pytest.mark.django_db
def test_staff_do_not_reach_the_settings_page(store, staff_client):
    assert staff_client.get("/settings/numbering/invoices/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_issuers_get_gapless_unique_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL row locking is tested only when the suite runs on PostgreSQL.")
    store = StoreFactory()
    MembershipFactory(store=store, role=Role.ADMIN)
    numbers, errors = [], []
    start = threading.Barrier(8)

    def worker():
        try:
            mine = Store.objects.get(pk=store.pk)
            start.wait()
            for _ in range(40):
                numbers.append(issue(mine).number)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 321))
    assert InvoiceSeries.objects.get(store=store).issued_count == 320
