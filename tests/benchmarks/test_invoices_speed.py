"""Benchmark: invoice batches with WeasyPrint, pages per second and peak memory.

- template: the legal invoice (templates/invoices/documents.html, from issued snapshots,
  PDF/A-3b and tagged) against the lean order printout it replaced (`invoice_lean_baseline.html`,
  a copy of the template before legal invoices, plain PDF), a straightforward one
  (what a Django developer would write first: Bootstrap and its icon font inlined,
  `invoice_straightforward.html`) and WeasyPrint's floor (a page with one character), on
  BENCH_TEMPLATE_ORDERS one-page invoices rendered as one document in one process, each
  template in turn, BENCH_RUNS times; the goal is the legal invoice at least 1.5x as fast as
  the lean one (CPU time of the process, less sensitive than the wall clock to other work);
- batch: the real background path (`invoice_batch_run`: chunks of up to 50 orders, merged with
  pikepdf) for each size of BENCH_INVOICES, in one process and in 2 processes in turn,
  BENCH_BATCH_RUNS times (2), each after a batch of one invoice per process (as a running
  worker: templates compiled, its render server started); for the first size also as ONE
  WeasyPrint document, to show what the chunks save in memory.

Each measurement runs in its own process, so its peak memory (ru_maxrss, which counts
WeasyPrint's C allocations, unlike tracemalloc) is its own; with 2 processes the figure is
the largest of the parent and its render workers.

    BENCH_INVOICES=100,1000 (default; 50 in the quick run, tests/benchmarks/sizes.py)
    BENCH_TEMPLATE_ORDERS=10 (default; 5 in the quick run)  BENCH_RUNS=3 (2 in the quick run)
    BENCH_BATCH_RUNS=2
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_invoices_speed.py -s -o addopts=""

The orders are those of the benchmarks' seeded database of the largest batch's size
(tests/benchmarks/seeding.py), made once and reused.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.benchmarks import report
from tests.benchmarks.seeding import seeded_database
from tests.benchmarks.sizes import quick_default

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_INVOICES = [int(n) for n in quick_default("BENCH_INVOICES", "100,1000", "50").split(",")]
BENCH_TEMPLATE_ORDERS = int(quick_default("BENCH_TEMPLATE_ORDERS", "10", "5"))
BENCH_RUNS = int(quick_default("BENCH_RUNS", "3", "2"))
BATCH_RUNS = int(os.environ.get("BENCH_BATCH_RUNS", "2"))
BENCH_DIR = Path(__file__).resolve().parent


def measure(database: Path, **task) -> dict:
    with tempfile.TemporaryDirectory() as media:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "MEDIA_ROOT": media,
            "DJANGO_SETTINGS_MODULE": "mycommerce.settings",
        }
        completed = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.test_invoices_speed", json.dumps(task)],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


class DescendantPeaks(threading.Thread):
    """Peak memory (VmHWM) of the render workers: they are grandchildren (forked by the
    multiprocessing fork server), so RUSAGE_CHILDREN does not see them; /proc does."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peaks: dict[int, int] = {}
        self.running = True

    def run(self):
        while self.running:
            self.sample()
            time.sleep(0.2)

    def sample(self):
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().split()[3])
                except (OSError, IndexError, ValueError):
                    continue
        family, grew = {os.getpid()}, True
        while grew:
            found = {pid for pid, parent in parents.items() if parent in family} - family
            family |= found
            grew = bool(found)
        for pid in family - {os.getpid()}:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for row in status.splitlines():
                if row.startswith("VmHWM:"):
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(row.split()[1]))

    def stop(self) -> float:
        self.running = False
        self.join()
        return max(self.peaks.values(), default=0) / 1024


def peak_mb(workers: float = 0.0) -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return round(own, 1), round(workers, 1)


def run(task: dict) -> dict:
    """One measurement, in this fresh process (python -m tests.benchmarks.test_invoices_speed)."""
    import django

    if task["kind"] == "template":
        from django.conf import settings

        settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], BENCH_DIR]
    django.setup()
    from io import BytesIO

    from pypdf import PdfReader
    from weasyprint import HTML

    from invoices.figures import order_figures
    from invoices.models import Invoice
    from invoices.pages import document_page
    from invoices.pdf import pdf_from_html
    from invoices.selectors import invoice_orders_for_store
    from invoices.services import INVOICE_BATCH_JOB, invoice_batch_run, invoice_html
    from invoices.snapshots import document_snapshot
    from mycommerce.models import Job, Store
    from orders.selectors import order_queryset_for_store

    store = Store.objects.get(name="MaBoutique")
    ids = list(
        order_queryset_for_store(store=store)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[: task["orders"]]
    )
    if task["kind"] == "template":
        orders = invoice_orders_for_store(store=store, ids=ids)
        start, cpu = time.perf_counter(), time.process_time()
        if task["template"] == "legal":
            pages = [
                document_page(
                    document_snapshot(
                        order=order,
                        store=store,
                        figures=order_figures(order=order),
                        kind=Invoice.Kind.INVOICE,
                        number=f"FA-2026-{number:06d}",
                        issued_on=order.created_at.date(),
                    )
                )
                for number, order in enumerate(orders, start=1)
            ]
            html = invoice_html(store=store, pages=pages)
            rendered = time.perf_counter()
            content = pdf_from_html(html)
        elif task["template"] == "empty":
            # The floor: what WeasyPrint takes per page for a page with (almost) nothing on it.
            page = '<p style="break-after: page">.</p>'
            html = f"<!doctype html><html><body>{page * len(orders)}</body></html>"
            rendered = time.perf_counter()
            content = HTML(string=html).write_pdf()
        else:
            html = baseline_html(store=store, orders=orders, template=task["template"])
            rendered = time.perf_counter()
            content = HTML(string=html).write_pdf()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        pages = len(PdfReader(BytesIO(content)).pages)
        return {
            "pages": pages,
            "seconds": elapsed,
            "cpu_seconds": cpu,
            "html_seconds": rendered - start,
            "peak_mb": peak_mb(),
        }

    def batch(order_ids: list[int], chunk_size: int) -> tuple[int, float]:
        job = Job.objects.create(
            store=store,
            kind=INVOICE_BATCH_JOB,
            params={"order_ids": order_ids, "document": "invoices", "chunk_size": chunk_size},
            progress_total=len(order_ids),
        )
        start = time.perf_counter()
        invoice_batch_run(job=job, processes=task["processes"])
        elapsed = time.perf_counter() - start
        job.refresh_from_db()
        assert job.status == Job.Status.DONE, job.error
        pages = len(PdfReader(job.file.path).pages)
        job.file.delete(save=False)
        job.delete()
        return pages, elapsed

    # A batch of one invoice per process first, as a running worker has had: its templates
    # compiled, and with 2 processes its render server started (once per worker, 0.45 s).
    batch(ids[: task["processes"]], 1)
    watcher = DescendantPeaks()
    watcher.start()
    pages, elapsed = batch(ids, task["chunk_size"])
    workers = watcher.stop()
    workers = workers if task["processes"] > 1 else 0.0
    return {"pages": pages, "seconds": elapsed, "peak_mb": peak_mb(workers)}


def baseline_html(*, store, orders, template: str) -> str:
    """The order printout as it was before legal invoices, from the live orders."""
    from babel import Locale
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from mycommerce.money import babel_locale

    extra = {}
    if template == "straightforward":
        vendor = BASE_DIR / "static" / "vendor"
        icons = (vendor / "bootstrap-icons" / "bootstrap-icons.min.css").read_text()
        fonts_url = (vendor / "bootstrap-icons" / "fonts").as_uri()
        extra = {
            "bootstrap_css": (vendor / "bootstrap" / "bootstrap.min.css").read_text(),
            "icons_css": icons.replace('url("fonts/', f'url("{fonts_url}/'),
        }
    name = "invoice_lean_baseline.html" if template == "lean" else "invoice_straightforward.html"
    with translation.override(store.language), timezone.override(store.timezone):
        territories = Locale.parse(babel_locale(store.language)).territories
        pages = [
            {
                "kind": "invoice",
                "order": order,
                "billing_country": territories.get(order.billing_country, order.billing_country),
                "shipping_country": territories.get(order.shipping_country, order.shipping_country),
            }
            for order in orders
        ]
        return render_to_string(
            name,
            {
                "store": store,
                "language": store.language,
                "page_size": "A4",
                "pages": pages,
                **extra,
            },
        )


def line(label: str, result: dict) -> str:
    own, children = result["peak_mb"]
    rate = result["pages"] / result["seconds"]
    memory = f"peak {own:.0f} MB" + (f", each worker <= {children:.0f} MB" if children else "")
    return (
        f"  {label:<40} {result['pages']:>5} pages {result['seconds']:7.1f} s "
        f"{rate:5.2f} pages/s  {memory}"
    )


def test_invoice_rendering_speed_and_memory():
    from invoices.services import invoice_chunk_size

    database = seeded_database(max([*BENCH_INVOICES, BENCH_TEMPLATE_ORDERS]))
    print(
        f"\nInvoices (WeasyPrint), {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at start, orders from {database.name}"
    )

    # Each template in turn, BENCH_RUNS times: the machine's noise falls on all of them alike.
    templates = ("empty", "straightforward", "lean", "legal")
    runs = {template: [] for template in templates}
    for _ in range(BENCH_RUNS):
        for template in templates:
            runs[template].append(
                measure(database, kind="template", template=template, orders=BENCH_TEMPLATE_ORDERS)
            )
    labels = {
        "empty": "empty page (WeasyPrint's floor)",
        "straightforward": "straightforward printout",
        "lean": "lean printout (before legal invoices)",
        "legal": "legal invoice, PDF/A-3b, tagged",
    }
    for template in templates:
        print(line(labels[template], runs[template][-1]))
    # Pages per CPU second of the process: less sensitive than the wall clock to other work.
    rates = {
        template: [result["pages"] / result["cpu_seconds"] for result in results]
        for template, results in runs.items()
    }
    scenario = report.record(
        "invoices",
        f"{BENCH_TEMPLATE_ORDERS} one-page invoices as one PDF, pages per CPU second",
        unit="pages/s",
        ours=rates["legal"],
        baselines={
            "lean printout": rates["lean"],
            "straightforward": rates["straightforward"],
            "empty page": rates["empty"],
        },
        goal=report.Goal("lean printout", at_least=1.5),
        peak_mb=max(result["peak_mb"][0] for result in runs["legal"]),
    )
    cpu_ratio = scenario.ratio("lean printout")
    print(f"  legal / lean: {cpu_ratio:.2f}x as fast in CPU time (goal >= 1.5x)")
    for size in BENCH_INVOICES:
        chunk = invoice_chunk_size(size)
        # 1 and 2 processes in turn, BATCH_RUNS times.
        singles, doubles = [], []
        for _ in range(BATCH_RUNS):
            singles.append(
                measure(database, kind="batch", orders=size, processes=1, chunk_size=chunk)
            )
            doubles.append(
                measure(database, kind="batch", orders=size, processes=2, chunk_size=chunk)
            )
        single, double = (
            sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
            for runs in (singles, doubles)
        )
        print(line(f"{size} invoices, chunks of {chunk}, 1 process", single))
        print(line(f"{size} invoices, chunks of {chunk}, 2 processes", double))
        if size == BENCH_INVOICES[0]:
            whole = measure(database, kind="batch", orders=size, processes=1, chunk_size=size)
            print(line(f"{size} invoices, ONE document, 1 process", whole))
        ratio = single["seconds"] / double["seconds"]
        print(f"  {size} invoices: 2 processes / 1 process: {ratio:.2f}x (goal >= 1.7x)")
        report.record(
            "invoices",
            f"batch of {size}, 2 processes",
            unit="pages/s",
            orders=size,
            ours=[run["pages"] / run["seconds"] for run in doubles],
            baselines={"1 process": [run["pages"] / run["seconds"] for run in singles]},
            goal=report.Goal("1 process", at_least=1.7),
            peak_mb=max(max(run["peak_mb"]) for run in doubles),
        )
        assert all(run["pages"] == size for run in singles + doubles)
    assert all(
        result["pages"] == BENCH_TEMPLATE_ORDERS for results in runs.values() for result in results
    )


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
