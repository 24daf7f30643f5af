"""The order list at 10,000, 100,000 and 1,000,000 orders, next to a bare SQL query returning
the same rows and to Django's admin changelist scoped to the same store; the order page next
to the admin's change form of the same order.

    make bench                              # every size (1M seeds once, several minutes)
    BENCH_ORDERS=20000 make bench           # quick run
    BENCH_POSTGRES_URL=postgres://… make bench   # also on PostgreSQL

For each page: the median time of its list queries replayed (rows, counts, search), the bare
SQL of the same rows (what a hand-written query costs: the floor), their ratio (goal: 1.5 at
most); and the full request through gunicorn on the loopback (a keep-alive http.client
client signed in by a session cookie made here, in the same database), ours and the admin
changelist's alternated, BENCH_RUNS times (goal: ours no slower). A page filtered by dates,
totals or a search comes without its counts, which the browser fetches next
(/orders/counts/): that request's median time is printed too ("counts ms"), so that the work
moved out of the page is still in sight. Then two order pages (the newest order, one of the
middle) against the admin's change form of the same order, the same way (goal: no slower).
The seeded databases are cached (tests/benchmarks/seeding.py).
"""

import statistics
import tracemalloc
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from mycommerce.models import Store
from orders.models import SavedView
from tests.benchmarks import report
from tests.benchmarks.list_timing import (
    alternated_runs_ms,
    bench_database,
    measure_page,
    rerun_on_postgres,
    run_sql,
    runs_at,
    vendor_label,
)
from tests.benchmarks.order_list_admin import BENCH_STORE
from tests.benchmarks.serving import Member, alternated_requests_ms, served, signed_in_session
from tests.benchmarks.sizes import SIZES

pytestmark = pytest.mark.urls("tests.benchmarks.order_list_admin")
# What gunicorn serves: the app's settings with this urlconf.
SETTINGS = "tests.benchmarks.bench_settings"

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
    theirs = Client()
    theirs.force_login(bench_admin())
    return ours, theirs


def bench_admin():
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return admin


@contextmanager
def served_pair(store: Store):
    """gunicorn on the seeded database with the benchmarks' admin (bench_settings.py), and
    two clients signed in by sessions made here: a member of the store (ours) and a
    superuser (the admin's).

    One sync worker: the clients send one request at a time, so a second worker would only
    idle; with one, every request of both sides lands on the same warmed process (its
    database connection kept, CONN_MAX_AGE), and each figure is one request's, the client,
    the loopback, gunicorn and the whole page included."""
    User = get_user_model()
    mine = signed_in_session(User.objects.get(username="staff"), store)
    theirs = signed_in_session(bench_admin())
    options = {"workers": 1, "ready_path": "/accounts/login/", "settings_module": SETTINGS}
    with served(**options) as port:
        yield Member(port, mine), Member(port, theirs)


def test_order_list_against_bare_sql_and_admin_changelist(django_db_blocker):
    """Each page of `pages()`: its list queries replayed against the bare SQL of the same rows
    (in this process), and the page through gunicorn against the admin changelist of the same
    store, each pair alternated, `runs_at(size)` times (served_pair says why one worker); a
    page whose counts come by a second request has that request timed too (in the note)."""
    rerun_on_postgres(__file__)
    for size in SIZES:
        with bench_database(size, django_db_blocker):
            ours, _theirs = clients()
            store = Store.objects.get(name=BENCH_STORE)
            runs = runs_at(size)
            print(f"\nOrder list, {size:,} orders, median of {runs} runs ({vendor_label()})")
            print(
                f"{'page':<26}{'ours ms':>9}{'admin ms':>10}{'ours/admin':>11}{'counts ms':>10}"
                f"{'queries':>8}{'list SQL':>9}{'bare SQL':>9}{'ratio':>7}"
            )
            results = {}
            with served_pair(store) as (mine, theirs):
                for name, (our_url, admin_url, sql, params) in pages(store).items():
                    measured = measure_page(ours, our_url, timed=False, replay=False)
                    # The page's list queries replayed and the bare SQL of its rows, in turn.
                    sql_runs = alternated_runs_ms(
                        {"ours": measured["replay"], "bare": partial(run_sql, sql, params)}, runs
                    )
                    sql_ms, floor = (statistics.median(sql_runs[k]) for k in ("ours", "bare"))
                    results[name] = measured
                    deferred = measured["response"].context["facets"] is None
                    requests = {"ours": (mine, our_url), "admin": (theirs, admin_url)}
                    if deferred:
                        counts_url = our_url.replace("/orders/", "/orders/counts/", 1)
                        requests["counts"] = (mine, counts_url)
                    timings = alternated_requests_ms(requests, runs)
                    medians = {label: statistics.median(runs) for label, runs in timings.items()}
                    counts = f"{medians['counts']:>10.1f}" if deferred else f"{'(on page)':>10}"
                    print(
                        f"{name:<26}{medians['ours']:>9.1f}{medians['admin']:>10.1f}"
                        f"{medians['ours'] / medians['admin']:>11.2f}{counts}"
                        f"{measured['queries']:>8}{sql_ms:>9.2f}{floor:>9.2f}"
                        f"{sql_ms / floor:>7.2f}"
                    )
                    report.record(
                        "order list",
                        f"{name}, the page's SQL",
                        unit="ms",
                        orders=size,
                        database=vendor_label(),
                        ours=sql_runs["ours"],
                        baselines={"bare SQL of the same rows": sql_runs["bare"]},
                        goal=report.Goal("bare SQL of the same rows", at_most=1.5),
                        note="counts fetched by a second request" if deferred else "",
                    )
                    report.record(
                        "order list",
                        f"{name}, the request through gunicorn",
                        unit="ms",
                        orders=size,
                        database=vendor_label(),
                        ours=timings["ours"],
                        baselines={"admin changelist, same store": timings["admin"]},
                        goal=report.Goal("admin changelist, same store", at_most=1.0),
                        note=f"then its counts request, {medians['counts']:.1f} ms"
                        if deferred
                        else "",
                    )
                detail_pages(store, size, mine, theirs, runs)
            email_page = results["paid + 30 days + e-mail"]["response"]
            assert len(email_page.context["orders"]) >= 1
            # The number of queries does not grow with the page size.
            assert results["100 per page"]["queries"] == results["first page"]["queries"]


def detail_pages(store: Store, size: int, mine: Member, theirs: Member, runs: int) -> None:
    """An order's page through gunicorn, against Django's admin change form of the same order
    (its fields and its lines inline, order_list_admin.py), alternated, `runs` times: the
    newest order (the one just placed) and one from the middle of the store's history (one
    that no cache of recent pages holds)."""
    orders = store.orders.order_by("-created_at", "-id")
    newest = orders.values_list("pk", flat=True)[0]
    middle = orders.values_list("pk", flat=True)[store.orders.count() // 2]
    print(f"{'order page':<26}{'ours ms':>9}{'admin ms':>10}{'ours/admin':>11}")
    for name, pk in (("the newest order", newest), ("an order of the middle", middle)):
        timings = alternated_requests_ms(
            {
                "ours": (mine, f"/orders/{pk}/"),
                "admin": (theirs, f"/bench-admin/orders/order/{pk}/change/"),
            },
            runs,
        )
        ours_ms, admin_ms = (statistics.median(timings[label]) for label in ("ours", "admin"))
        print(f"{name:<26}{ours_ms:>9.1f}{admin_ms:>10.1f}{ours_ms / admin_ms:>11.2f}")
        report.record(
            "order detail",
            f"{name}, the request through gunicorn",
            unit="ms",
            orders=size,
            database=vendor_label(),
            ours=timings["ours"],
            baselines={"admin change form, same order": timings["admin"]},
            goal=report.Goal("admin change form, same order", at_most=1.0),
        )


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
            print(f"rounds of {runs_at(size)} runs ({vendor_label()})")
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
                            measured = measure_page(ours, url, runs=runs_at(size))
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
