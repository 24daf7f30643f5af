"""What a script can send to the export: selections with no valid id, ids past 64 bits, a NUL
character, extreme dates. Each gives the header-only file or a message, never a 500 or a
download cut short."""

import csv
import io

import pytest
from django.contrib.messages import get_messages

from mycommerce.models import Job
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/exports/orders/"
HEADERS = '"Reference","Customer name"'


def export(client, **fields):
    data = {"separator": "comma", "columns": ["reference", "customer_name"], "layout": "orders"}
    data.update(fields)
    return client.post(URL, data)


def content_of(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def orders(store):
    return [OrderFactory(store=store, customer_name=name) for name in ("Hélène", "Hugo")]


@pytest.mark.parametrize(
    "ids",
    [["abc"], ["-1"], ["1.5"], [""], ["²"], [str(2**64)], ["0"], ["abc", "-1", "1.5", ""]],
)
def test_a_selection_with_no_valid_id_gives_the_header_only_file(staff_client, orders, ids):
    response = export(staff_client, ids=ids)
    assert content_of(response).splitlines() == [HEADERS]
    assert response["X-Export-Count"] == "0"
    shown = messages_of(response)
    assert "No order matches: the file contains the column headers only." in shown
    assert "Some selected ids were not valid and were ignored." in shown or ids == [""]


def test_valid_ids_beside_ascii_lookalikes_are_exported_alone(staff_client, orders):
    first = orders[0]
    lookalike = str(orders[1].pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    rows = list(
        csv.DictReader(
            io.StringIO(
                content_of(export(staff_client, ids=[str(first.pk), lookalike, str(2**64)]))
            )
        )
    )
    assert [row["Reference"] for row in rows] == [first.reference]


@pytest.mark.parametrize(
    "filters",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"total_max": "1e999"},
        {"select_all": "1", "date_to": "9999-12-31"},
        {"q": "Hélène\x00"},
    ],
)
def test_an_export_with_filters_no_database_can_run_exports_nothing_and_says_so(
    staff_client, orders, filters
):
    response = export(staff_client, **filters)
    assert content_of(response).splitlines() == [HEADERS]
    assert "The filters are not valid; nothing was selected." in messages_of(response)


def test_the_export_page_reports_extreme_dates(staff_client, orders):
    response = staff_client.get(URL, {"date_to": "9999-12-31", "date_from": "0001-01-01"})
    assert response.status_code == 200
    assert "The filters are not valid" in response.content.decode()


@pytest.mark.parametrize("junk", ["1\x00", "\x00", "Hélène\x00"])
def test_a_nul_in_a_background_exports_selection_is_not_stored(
    settings, staff_client, orders, junk
):
    """PostgreSQL's jsonb refuses \\u0000: the job stores the valid part of the selection only."""
    settings.EXPORTS_BACKGROUND_THRESHOLD = 1
    response = export(staff_client, ids=[str(o.pk) for o in orders] + [junk], q=junk, sort=junk)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE
    assert job.params["selection"] == {"ids": sorted(str(o.pk) for o in orders)}
    assert "Some selected ids were not valid and were ignored." in job.params["problems"]
    text = b"".join(staff_client.get(f"/jobs/{job.pk}/download/").streaming_content)
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert sorted(row["Customer name"] for row in rows) == ["Hugo", "Hélène"]


def test_a_background_export_of_all_matching_stores_its_filters(settings, staff_client, orders):
    settings.EXPORTS_BACKGROUND_THRESHOLD = 0
    # A one-letter term matches whole values only: a name finds its order.
    export(staff_client, select_all="1", q="Hugo", ids=["1\x00"], sort="-date")
    job = Job.objects.get()
    assert job.params["selection"] == {"select_all": ["1"], "q": ["Hugo"], "sort": ["-date"]}
