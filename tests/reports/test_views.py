import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from mycommerce.plans import Plan
from mycommerce.roles import Role
from orders.statuses import PaymentStatus
from reports.summary import summary_rebuild
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/reports/"
MARCH = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}
PARIS = ZoneInfo("Europe/Paris")


def plain(text: str) -> str:
    """Babel's French spaces (no-break and narrow no-break) as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def french(client) -> Client:
    client.cookies["django_language"] = "fr"
    return client


@pytest.fixture
def sales(store):
    OrderFactory(
        store=store,
        created_at=datetime(2026, 3, 2, 10, 0, tzinfo=PARIS),
        payment_status=PaymentStatus.PAID,
        lines=[("BOU-01", "Bougie parfumée", 3, Decimal("411.52"))],
    )


@pytest.mark.parametrize("plan", list(Plan))
@pytest.mark.parametrize("role", list(Role))
def test_every_member_on_every_plan_sees_the_reports(plan, role):
    membership = MembershipFactory(role=role, store__plan=plan)
    response = client_for(membership).get(URL)
    assert response.status_code == 200
    assert "Net sales over time" in response.content.decode()


def test_a_user_of_no_store_is_refused():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_sidebar_links_to_the_reports(staff_client):
    html = staff_client.get("/orders/").content.decode()
    assert re.search(r'<a class="nav-link[^"]*" href="/reports/"', html)


def test_french_page_formats_money_numbers_and_dates(staff_client, sales):
    html = plain(french(staff_client).get(URL, MARCH | {"granularity": "day"}).content.decode())
    assert "Ventes nettes" in html
    assert "1 234,56 €" in html  # 3 × 411.52
    assert "lun. 2 mars" in html  # the day of the order, in the timeline's table
    assert "1–31 mars 2026" in html


def test_charts_are_inline_svg_in_figures_with_summary_and_table(staff_client, sales):
    html = staff_client.get(URL, MARCH).content.decode()
    figures = re.findall(r"<figure\b.*?</figure>", html, re.S)
    assert len(figures) == 5
    for figure in figures:
        assert "<figcaption>" in figure and "<svg" in figure and "<table" in figure
        assert 'data-testid="chart-summary"' in figure
    assert "Net sales came to €1,234.56" in html
    # Nothing is loaded from another site: no script, no link, no URL but SVG's namespaces.
    namespaces = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
        assert "<script" not in svg and "href=" not in svg and "url(" not in svg
        assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= namespaces
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_the_rules_are_on_the_page(staff_client):
    html = staff_client.get(URL).content.decode()
    assert "Refunds are booked on the date they were recorded" in html
    assert "cancelled orders are left out of every figure" in html
    assert "an edit changes the figures of that date" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (MARCH | {"start": "2026-04-01"}, "end", "The last day is before the first day."),
        (MARCH | {"start": "2026-02-30"}, "start", "Enter a date such as 2026-03-31."),
        (MARCH | {"end": "yesterday"}, "end", "Enter a date such as 2026-03-31."),
        (MARCH | {"start": ""}, "start", "Choose the first day of the period."),
        (MARCH | {"start": "1066-10-14"}, "start", "Choose a date from 2000-01-01 to 2099-12-31."),
        ({"period": "forever"}, "period", "Unknown period “forever”."),
        ({"granularity": "minute"}, "granularity", "Unknown granularity “minute”."),
        ({"compare": "tomorrow"}, "compare", "Unknown comparison “tomorrow”."),
    ],
)
def test_bad_input_is_a_message_in_the_form(staff_client, query, field, message):
    response = staff_client.get(URL, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field] == [message]
    assert "report" not in response.context or response.context.get("report") is None


@pytest.mark.parametrize(
    ("query", "shown", "message"),
    [
        (
            {"period": "custom", "start": "2020-01-01", "end": "2025-12-31", "granularity": "day"},
            "week",
            "By day, a report covers at most 5 years: this period is shown by week.",
        ),
        (
            {"period": "last_90_days", "granularity": "hour"},
            "hour",
            None,
        ),
        (
            {"period": "custom", "start": "2026-01-01", "end": "2026-04-30", "granularity": "hour"},
            "day",
            "By hour, a report covers at most 90 days: this period is shown by day.",
        ),
    ],
)
def test_too_fine_a_granularity_is_coarsened_with_a_notice(staff_client, query, shown, message):
    response = staff_client.get(URL, query)
    assert response.status_code == 200
    assert response.context["asked"].granularity == shown
    notices = response.context["asked"].notices
    assert notices == ([message] if message else [])
    if message:
        assert message in response.content.decode()


def test_french_coarsening_notice(staff_client):
    query = {"period": "custom", "start": "2026-01-01", "end": "2026-04-30", "granularity": "hour"}
    html = plain(french(staff_client).get(URL, query).content.decode())
    assert (
        "Par heure, un rapport couvre au plus 90 jours : cette période est affichée par jour."
        in html
    )


@pytest.mark.summary_as_is
def test_the_number_of_queries_does_not_grow_with_the_orders(
    staff_client, store, django_assert_max_num_queries
):
    for day in range(1, 29):
        OrderFactory(
            store=store,
            created_at=datetime(2026, 3, day, 12, 0, tzinfo=PARIS),
            payment_status=PaymentStatus.PAID,
            lines=[(f"SKU-{day}", "Article", 1, Decimal("10.00"))],
        )
    summary_rebuild(store=store)
    # The session, the member and the store, then four reads of the summary per period.
    for granularity in ("day", "hour", "month"):
        with django_assert_max_num_queries(12):
            response = staff_client.get(URL, MARCH | {"granularity": granularity})
        assert response.context["report"].current.totals.orders == 28
    with django_assert_max_num_queries(12):
        assert staff_client.get("/reports/report.csv", MARCH).status_code == 200
