"""Benchmark: what Factur-X adds to a business invoice's PDF, against the plain PDF/A-3b.

One issued invoice (two VAT rates, a discount, shipping), rendered by WeasyPrint (the
baseline) and then given its XML by the factur-x library (the XML built from the snapshot,
checked against the XSD, the PDF cloned by pypdf and the file attached), alternated and
repeated BENCH_RUNS times; medians, the ratio, and the peak Python memory of the embedding
(tracemalloc: pypdf and lxml allocate through Python; WeasyPrint's C allocations are not
counted, so no peak is given for the render).

    .venv/bin/python -m pytest tests/benchmarks/test_facturx_speed.py -s -o addopts=""
"""

import os
import statistics
import time
import tracemalloc
from decimal import Decimal

import pytest

from invoices.facturx import facturx_embed, facturx_xml
from invoices.models import Invoice
from invoices.pages import document_page
from invoices.pdf import pdf_from_html
from invoices.services import invoice_html
from orders.models import Order
from orders.parts import DiscountData, LineData, OrderData
from orders.services import order_create, order_set_payment_status
from tests.benchmarks import report
from tests.factories import MembershipFactory, StoreFactory

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
D = Decimal

pytestmark = pytest.mark.django_db


def business_invoice() -> Invoice:
    staff = MembershipFactory(
        store=StoreFactory(siren="732829320", facturx_enabled=True), role="staff"
    )
    data = OrderData(
        customer_name="Camille Martin",
        billing_street="1 rue de Rivoli",
        billing_postcode="75001",
        billing_city="Paris",
        billing_country="FR",
        lines=[
            LineData(sku="TSH", name="T-shirt", quantity=2, unit_price=D("12.00"), vat_rate=D(20)),
            LineData(sku="THE", name="Thé", quantity=1, unit_price=D("10.55"), vat_rate=D("5.5")),
        ],
        discounts=[DiscountData(label="Bienvenue", kind="fixed", value=D("5.00"))],
        shipping_total=D("6.90"),
        prices_include_vat=True,
    )
    order = order_create(store=staff.store, source=Order.Source.STOREFRONT, data=data)
    Order.objects.filter(pk=order.pk).update(buyer_company="Atelier", buyer_siren="123456782")
    order_set_payment_status(membership=staff, order=order, status="paid")
    return Invoice.objects.get(order=order)


def test_factur_x_against_the_plain_pdf():
    invoice = business_invoice()
    html = invoice_html(store=invoice.store, pages=[document_page(invoice.snapshot)])
    pdf_from_html(html)  # warm WeasyPrint's fonts and caches
    plain, embedded, xml_only = [], [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = pdf_from_html(html)
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        facturx_embed(pdf=pdf, snapshot=invoice.snapshot)
        embedded.append(time.perf_counter() - started)
        started = time.perf_counter()
        facturx_xml(invoice.snapshot)
        xml_only.append(time.perf_counter() - started)
    tracemalloc.start()
    facturx_embed(pdf=pdf, snapshot=invoice.snapshot)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    render, embed = statistics.median(plain), statistics.median(embedded)
    print(
        f"\nFactur-X, one invoice, {RUNS} runs alternated (medians): "
        f"plain PDF/A-3b {render * 1000:.0f} ms; embedding {embed * 1000:.0f} ms "
        f"(of which the XML {statistics.median(xml_only) * 1000:.1f} ms); "
        f"Factur-X PDF / plain PDF = {(render + embed) / render:.2f}x; "
        f"peak Python memory of the embedding {peak / 1024 / 1024:.1f} MiB; "
        f"PDF {len(pdf) / 1024:.0f} KiB"
    )
    report.record(
        "invoices",
        "one invoice with Factur-X (render, then embed the XML)",
        unit="ms",
        ours=[(a + b) * 1000 for a, b in zip(plain, embedded, strict=True)],
        baselines={"the same PDF/A-3b alone": [seconds * 1000 for seconds in plain]},
        # The XML and its embedding may add half of what rendering the PDF costs.
        goal=report.Goal("the same PDF/A-3b alone", at_most=1.5),
        peak_mb=peak / 2**20,
    )
