import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from orders.statuses import PaymentStatus
from reports.periods import PeriodChoice, preset_range, shift_years
from reports.views import store_today
from tests.browser.support import use_language
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_last_month_by_week_compared_with_last_year_in_french(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    store = membership.store
    last_month = preset_range(PeriodChoice.LAST_MONTH, today=store_today(store))
    paris = ZoneInfo(store.timezone)
    middle = last_month.start.replace(day=15)
    for day, price in ((middle, "1234.56"), (shift_years(middle, -1), "200.00")):
        OrderFactory(
            store=store,
            created_at=datetime.combine(day, time(12, 0), tzinfo=paris),
            payment_status=PaymentStatus.PAID,
            lines=[("BOU-01", "Bougie parfumée", 1, Decimal(price))],
        )

    sign_in(page, live_server, membership.user.username)
    use_language(page, live_server, "fr")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Rapports de ventes")).to_be_visible()
    page.get_by_label("Période", exact=True).select_option(label="Mois dernier")
    page.get_by_label("Comparé à", exact=True).select_option(label="Même période l’année dernière")
    page.get_by_label("Détail", exact=True).select_option(label="Par semaine")
    page.get_by_role("button", name="Afficher").click()

    chart = page.get_by_test_id("chart-net_sales")
    expect(
        chart.get_by_role("heading", name="Ventes nettes dans le temps", exact=True)
    ).to_be_visible()
    expect(chart.locator("svg")).to_be_visible()
    summary = chart.get_by_test_id("chart-summary")
    expect(summary).to_contain_text("1\u202f234,56\xa0€")
    expect(summary).to_contain_text("200,00\xa0€")
    table = chart.locator("table")
    expect(table.locator("thead")).to_contain_text("Semaine")
    expect(table.locator("tfoot")).to_contain_text("1\u202f234,56\xa0€")
    # One row per ISO week of last month (a partial week at each end counts).
    days = (last_month.start + timedelta(days=i) for i in range(last_month.days))
    weeks = {day - timedelta(days=day.weekday()) for day in days}
    expect(table.locator("tbody tr")).to_have_count(len(weeks))

    with page.expect_download() as download_info:
        page.get_by_test_id("report-csv").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"report-{last_month.start:%Y%m%d}-{last_month.end:%Y%m%d}.csv"
    )
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    figures = {row[0]: row[1:] for row in rows if row}
    # This period, the comparison, the difference, the change in percent.
    assert figures["Ventes nettes"] == ["1234,56", "200,00", "1034,56", "517,28"]
