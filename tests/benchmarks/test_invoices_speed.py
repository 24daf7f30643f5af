"""Benchmark: invoice batches with WeasyPrint, pages per second and peak memory.

- template: the lean invoice template against a straightforward one (Bootstrap and its icon
  font inlined, as one writes it first: `invoice_straightforward.html`, the baseline), on
  BENCH_TEMPLATE_ORDERS one-page invoices rendered as one document in one process;
- batch: the real background path (`invoice_batch_run`: chunks of up to 50 orders, merged with
  pypdf) for each size of BENCH_INVOICES, in one process and in 2 processes; for the first
  size also as ONE WeasyPrint document, to show what the chunks save in memory.

Each measurement runs in its own process, so its peak memory (ru_maxrss, which counts
WeasyPrint's C allocations, unlike tracemalloc) is its own; with 2 processes the figure is
the largest of the parent and its render workers.

    BENCH_INVOICES=100,1000 (default) BENCH_TEMPLATE_ORDERS=20 (default)
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_invoices_speed.py -s -o addopts=""

The orders come from `seed_demo --orders N` into var/bench/invoices-<N>.sqlite3, reused by
later runs. Defaults take about four minutes on 2 cores.
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

from tests.benchmarks.seeding import seeded_database

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_INVOICES = [int(n) for n in os.environ.get("BENCH_INVOICES", "100,1000").split(",")]
BENCH_TEMPLATE_ORDERS = int(os.environ.get("BENCH_TEMPLATE_ORDERS", "20"))
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

    from invoices.pdf import pdf_from_html
    from invoices.selectors import invoice_orders_for_store
    from invoices.services import (
        INVOICE_BATCH_JOB,
        Document,
        invoice_batch_run,
        invoice_html,
    )
    from mycommerce.models import Job, Store
    from orders.selectors import order_queryset_for_store

    store = Store.objects.get(name="MaBoutique")
    ids = list(
        order_queryset_for_store(store=store)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[: task["orders"]]
    )
    if task["kind"] == "template":
        extra = {}
        if task["template"] != "lean":
            vendor = BASE_DIR / "static" / "vendor"
            icons = (vendor / "bootstrap-icons" / "bootstrap-icons.min.css").read_text()
            fonts_url = (vendor / "bootstrap-icons" / "fonts").as_uri()
            extra = {
                "bootstrap_css": (vendor / "bootstrap" / "bootstrap.min.css").read_text(),
                "icons_css": icons.replace('url("fonts/', f'url("{fonts_url}/'),
            }
        template_name = (
            "invoices/documents.html"
            if task["template"] == "lean"
            else "invoice_straightforward.html"
        )
        start = time.perf_counter()
        html = invoice_html(
            store=store,
            orders=invoice_orders_for_store(store=store, ids=ids),
            document=Document.INVOICES,
            template_name=template_name,
            extra_context=extra,
        )
        rendered = time.perf_counter()
        content = pdf_from_html(html)
        elapsed = time.perf_counter() - start
        pages = len(PdfReader(BytesIO(content)).pages)
        return {
            "pages": pages,
            "seconds": elapsed,
            "html_seconds": rendered - start,
            "peak_mb": peak_mb(),
        }
    job = Job.objects.create(
        store=store,
        kind=INVOICE_BATCH_JOB,
        params={"order_ids": ids, "document": "invoices", "chunk_size": task["chunk_size"]},
        progress_total=len(ids),
    )
    watcher = DescendantPeaks()
    watcher.start()
    start = time.perf_counter()
    invoice_batch_run(job=job, processes=task["processes"])
    elapsed = time.perf_counter() - start
    workers = watcher.stop()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    pages = len(PdfReader(job.file.path).pages)
    job.file.delete(save=False)
    job.delete()
    workers = workers if task["processes"] > 1 else 0.0
    return {"pages": pages, "seconds": elapsed, "peak_mb": peak_mb(workers)}


def line(label: str, result: dict) -> str:
    own, children = result["peak_mb"]
    rate = result["pages"] / result["seconds"]
    memory = f"peak {own:.0f} MB" + (f", each worker <= {children:.0f} MB" if children else "")
    return (
        f"  {label:<34} {result['pages']:>5} pages {result['seconds']:7.1f} s "
        f"{rate:5.2f} pages/s  {memory}"
    )


def test_invoice_rendering_speed_and_memory():
    from invoices.services import invoice_chunk_size

    database = seeded_database(max([*BENCH_INVOICES, BENCH_TEMPLATE_ORDERS]))
    print(
        f"\nInvoices (WeasyPrint), {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at start, orders from {database.name}"
    )

    lean = measure(database, kind="template", template="lean", orders=BENCH_TEMPLATE_ORDERS)
    heavy = measure(
        database, kind="template", template="straightforward", orders=BENCH_TEMPLATE_ORDERS
    )
    print(line("straightforward template (baseline)", heavy))
    print(line("lean template", lean))
    template_ratio = (lean["pages"] / lean["seconds"]) / (heavy["pages"] / heavy["seconds"])
    print(f"  lean / straightforward: {template_ratio:.2f}x faster (goal >= 1.5x)")

    for size in BENCH_INVOICES:
        chunk = invoice_chunk_size(size)
        single = measure(database, kind="batch", orders=size, processes=1, chunk_size=chunk)
        double = measure(database, kind="batch", orders=size, processes=2, chunk_size=chunk)
        print(line(f"{size} invoices, chunks of {chunk}, 1 process", single))
        print(line(f"{size} invoices, chunks of {chunk}, 2 processes", double))
        if size == BENCH_INVOICES[0]:
            whole = measure(database, kind="batch", orders=size, processes=1, chunk_size=size)
            print(line(f"{size} invoices, ONE document, 1 process", whole))
        ratio = single["seconds"] / double["seconds"]
        print(f"  {size} invoices: 2 processes / 1 process: {ratio:.2f}x (goal >= 1.7x)")
        assert single["pages"] == double["pages"] == size
    assert lean["pages"] == heavy["pages"] == BENCH_TEMPLATE_ORDERS


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
