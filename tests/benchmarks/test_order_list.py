"""The order list at 10,000, 100,000 and 1,000,000 orders, next to a bare SQL query returning
the same rows and to Django's admin changelist scoped to the same store.

    make bench                              # every size (1M seeds once, several minutes)
    BENCH_ORDERS=20000 make bench           # quick run
    BENCH_POSTGRES_URL=postgres://… make bench   # also on PostgreSQL

For each page: the request's median time, CPU time and query count, the median time of its
list queries replayed (rows, counts, search), the bare SQL of the same rows (what a
hand-written query costs: the floor), their ratio (goal: 1.5 at most), and the admin
changelist's request. A page filtered by dates, totals or a search comes without its counts,
which the browser fetches next (/orders/counts/): that request's median time is printed too
("counts ms"), so that the work moved out of the page is still in sight.
The seeded databases are cached (tests/benchmarks/seeding.py).
"""

import statistics
import tracemalloc
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from mycommerce.models import Store
from orders.models import SavedView
from tests.benchmarks import report
from tests.benchmarks.list_timing import (
    RUNS,
    SIZES,
    bare_runs,
    bench_database,
    measure_page,
    rerun_on_postgres,
    vendor_label,
)
from tests.benchmarks.order_list_admin import BENCH_STORE

pytestmark = pytest.mark.urls("tests.benchmarks.order_list_admin")

COLUMNS = "*"
ORDER = 'ORDER BY "created_at" DESC, "id" DESC'


def pages(store: Store) -> dict:
    """name: (our URL, admin URL, bare SQL, its parameters)."""
    today = timezone.localdate()
    start = today - timedelta(days=30)
    start_at = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()))
    end_at = timezone.make_aware(
        timezone.datetime.combine(today + timedelta(days=1), timezone.datetime.min.time())
    )
    email = (
        store.orders.filter(payment_status="paid", created_at__gte=start_at)
        .order_by("-created_at")
        .values_list("customer_email", flat=True)[0]
    )
    where = 'FROM "orders_order" WHERE "store_id" = %s'
    start_at, end_at = (connection.ops.adapt_datetimefield_value(at) for at in (start_at, end_at))
    limit = "LIMIT 25"
    return {
        "first page": (
            "/orders/",
            "/bench-admin/orders/order/",
            f"SELECT {COLUMNS} {where} {ORDER} {limit}",
            [store.pk],
        ),
        "page 3": (
            "/orders/?page=3",
            "/bench-admin/orders/order/?p=3",
            f"SELECT {COLUMNS} {where} {ORDER} LIMIT 25 OFFSET 50",
            [store.pk],
        ),
        "paid": (
            "/orders/?payment_status=paid",
            "/bench-admin/orders/order/?payment_status__exact=paid",
            f"SELECT {COLUMNS} {where} AND \"payment_status\" = 'paid' {ORDER} {limit}",
            [store.pk],
        ),
        "shipped, refunded": (
            "/orders/?fulfillment_status=returned&payment_status=refunded",
            "/bench-admin/orders/order/?fulfillment_status__exact=returned"
            "&payment_status__exact=refunded",
            f"SELECT {COLUMNS} {where} AND \"payment_status\" = 'refunded' "
            f"AND \"fulfillment_status\" = 'returned' {ORDER} {limit}",
            [store.pk],
        ),
        "last 30 days": (
            f"/orders/?date_from={start}&date_to={today}",
            f"/bench-admin/orders/order/?created_at__gte={start}"
            f"&created_at__lt={today + timedelta(days=1)}",
            f'SELECT {COLUMNS} {where} AND "created_at" >= %s AND "created_at" < %s '
            f"{ORDER} {limit}",
            [store.pk, start_at, end_at],
        ),
        "total 100 to 150": (
            "/orders/?total_min=100&total_max=150",
            "/bench-admin/orders/order/?total__gte=100&total__lte=150",
            f'SELECT {COLUMNS} {where} AND "total" >= 100 AND "total" <= 150 {ORDER} {limit}',
            [store.pk],
        ),
        "paid + 30 days + e-mail": (
            f"/orders/?payment_status=paid&date_from={start}&date_to={today}&q={email}",
            "/bench-admin/orders/order/?payment_status__exact=paid"
            f"&created_at__gte={start}&created_at__lt={today + timedelta(days=1)}&q={email}",
            f'SELECT {COLUMNS} {where} AND "payment_status" = \'paid\' AND "created_at" >= %s '
            f'AND "created_at" < %s AND LOWER("customer_email") = %s {ORDER} {limit}',
            [store.pk, start_at, end_at, email],
        ),
        "100 per page": (
            "/orders/?per_page=100",
            "/bench-admin-100/orders/order/",
            f"SELECT {COLUMNS} {where} {ORDER} LIMIT 100",
            [store.pk],
        ),
    }


def clients() -> tuple[Client, Client]:
    User = get_user_model()
    ours = Client()
    ours.force_login(User.objects.get(username="staff"))
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    theirs = Client()
    theirs.force_login(admin)
    return ours, theirs


def test_order_list_against_bare_sql_and_admin_changelist(django_db_blocker):
    rerun_on_postgres(__file__)
    for size in SIZES:
        with bench_database(size, django_db_blocker):
            ours, theirs = clients()
            store = Store.objects.get(name=BENCH_STORE)
            print(f"\nOrder list, {size:,} orders, median of the runs ({vendor_label()})")
            print(
                f"{'page':<26}{'ours ms':>9}{'cpu ms':>8}{'queries':>8}{'list SQL':>9}"
                f"{'bare SQL':>9}{'ratio':>7}{'admin ms':>10}{'cpu ms':>8}{'ours/admin':>11}"
                f"{'counts ms':>10}"
            )
            results = {}
            for name, (our_url, admin_url, sql, params) in pages(store).items():
                mine = measure_page(ours, our_url)
                floor_runs = bare_runs(sql, params)
                floor = statistics.median(floor_runs)
                admin = measure_page(theirs, admin_url)
                results[name] = mine
                deferred = mine["response"].context["facets"] is None
                counts = measure_page(ours, our_url.replace("/orders/", "/orders/counts/", 1))
                print(
                    f"{name:<26}{mine['request_ms']:>9.1f}{mine['cpu_ms']:>8.1f}"
                    f"{mine['queries']:>8}{mine['sql_ms']:>9.2f}{floor:>9.2f}"
                    f"{mine['sql_ms'] / floor:>7.2f}{admin['request_ms']:>10.1f}"
                    f"{admin['cpu_ms']:>8.1f}"
                    f"{mine['request_ms'] / admin['request_ms']:>11.2f}"
                    + (f"{counts['request_ms']:>10.1f}" if deferred else f"{'(on page)':>10}")
                )
                report.record(
                    "order list",
                    f"{name}, the page's SQL",
                    unit="ms",
                    orders=size,
                    database=vendor_label(),
                    ours=mine["sql_runs"],
                    baselines={"bare SQL of the same rows": floor_runs},
                    goal=report.Goal("bare SQL of the same rows", at_most=1.5),
                    note="counts fetched by a second request" if deferred else "",
                )
                report.record(
                    "order list",
                    f"{name}, the request",
                    unit="ms",
                    orders=size,
                    database=vendor_label(),
                    ours=mine["request_runs"],
                    baselines={"admin changelist, same store": admin["request_runs"]},
                    goal=report.Goal("admin changelist, same store", at_most=1.0),
                    note=f"then its counts request, {counts['request_ms']:.1f} ms"
                    if deferred
                    else "",
                )
            email_page = results["paid + 30 days + e-mail"]["response"]
            assert len(email_page.context["orders"]) >= 1
            # The number of queries does not grow with the page size.
            assert results["100 per page"]["queries"] == results["first page"]["queries"]


TAB_ROUNDS = 3


def _tabs_shown(store: Store, views: list[int], hidden_from) -> None:
    """Show the views as tabs (shared), or hide them (another user's personal views)."""
    SavedView.objects.filter(pk__in=views).update(owner=hidden_from)


def test_order_list_with_the_default_tabs_against_without(django_db_blocker):
    """The list with the three default views as tabs (and with a fourth, counted up to the
    cap) against the list without tabs, alternated and repeated in the same run: the tabs
    cost one query, read from the maintained counts."""
    for size in SIZES:
        with bench_database(size, django_db_blocker):
            ours, _theirs = clients()
            store = Store.objects.get(name=BENCH_STORE)
            hidden_from = get_user_model().objects.get(username="bench-admin")
            defaults = list(
                SavedView.objects.filter(store=store, owner=None)
                .exclude(default_key="")
                .values_list("pk", flat=True)
            )
            assert len(defaults) == 3
            month = SavedView.objects.create(
                store=store,
                owner=hidden_from,
                name="30 jours",
                params={"date_from": [str(timezone.localdate() - timedelta(days=30))]},
            )
            everything = [*defaults, month.pk]
            urls = {
                "first page": "/orders/",
                "to ship": "/orders/?fulfillment_status=awaiting_processing&payment_status=paid",
                "last 30 days": pages(store)["last 30 days"][0],
            }
            print(f"\nOrder list with tabs, {size:,} orders, median of {TAB_ROUNDS} alternated")
            print(f"rounds of {RUNS} runs ({vendor_label()})")
            print(
                f"{'page':<15}{'tabs':<14}{'ms':>8}{'cpu ms':>8}{'queries':>8}{'ratio':>7}"
                f"{'cpu ratio':>10}{'peak KiB':>10}"
            )
            try:
                for name, url in urls.items():
                    kinds = {"none": [], "3 defaults": defaults, "3 + 30 days": everything}
                    timings = {kind: [] for kind in kinds}
                    cpu = {kind: [] for kind in kinds}
                    queries, peaks = {}, {}
                    for _round in range(TAB_ROUNDS):
                        for kind, shown in kinds.items():
                            _tabs_shown(store, everything, hidden_from)
                            _tabs_shown(store, shown, None)
                            measured = measure_page(ours, url)
                            timings[kind].append(measured["request_ms"])
                            cpu[kind].append(measured["cpu_ms"])
                            queries[kind] = measured["queries"]
                            assert len(measured["response"].context["tabs"]) == len(shown)
                            tracemalloc.start()
                            ours.get(url)
                            peaks[kind] = tracemalloc.get_traced_memory()[1] / 1024
                            tracemalloc.stop()
                    base = statistics.median(timings["none"])
                    cpu_base = statistics.median(cpu["none"])
                    for kind in kinds:
                        median, cpu_ms = (
                            statistics.median(timings[kind]),
                            statistics.median(cpu[kind]),
                        )
                        print(
                            f"{name:<15}{kind:<14}{median:>8.1f}{cpu_ms:>8.1f}{queries[kind]:>8}"
                            f"{median / base:>7.2f}{cpu_ms / cpu_base:>10.2f}{peaks[kind]:>10.0f}"
                        )
                    report.record(
                        "order list",
                        f"{name}, with the 3 default tabs (CPU)",
                        unit="ms",
                        orders=size,
                        database=vendor_label(),
                        ours=cpu["3 defaults"],
                        baselines={"without tabs": cpu["none"]},
                        # "Within today's time": the tabs' one query, and noise.
                        goal=report.Goal("without tabs", at_most=1.15),
                    )
                    # One query for every tab, whatever their number and filters.
                    assert queries["3 defaults"] <= queries["none"] + 1
                    assert queries["3 + 30 days"] <= queries["none"] + 1
            finally:
                month.delete()
                _tabs_shown(store, defaults, None)
