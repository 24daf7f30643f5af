import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from invoices import pdf as pdf_module
from invoices.services import INVOICE_BATCH_JOB, invoice_batch_run
from mycommerce.models import Job
from mycommerce.services import job_complete, job_create, job_workdir
from orders.models import OrderDiscount, OrderEvent
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def pages_text(content: bytes) -> list[str]:
    """Each page's text, with the narrow and non-breaking spaces Babel uses made plain."""
    reader = PdfReader(io.BytesIO(content))
    return [
        " ".join(page.extract_text().replace("\u202f", " ").replace("\xa0", " ").split())
        for page in reader.pages
    ]


def plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_order_without_invoice_prints_as_a_pro_forma_never_as_an_invoice(store, staff_client):
    order = OrderFactory(
        store=store,
        customer_name="Camille Martin",
        lines=[("TASSE-1", "Tasse en céramique", 3, Decimal("12.50"))],
        shipping_method="Colissimo",
        shipping_total=Decimal("4.90"),
        discount_total=Decimal("5.00"),
        payment_method="Carte bancaire",
    )
    OrderDiscount.objects.create(order=order, label="Bienvenue", value=5, amount=Decimal("5.00"))

    response = staff_client.get(f"/orders/{order.pk}/invoice.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"pro-forma-{order.reference}.pdf" in response["Content-Disposition"]
    [text] = pages_text(response_bytes(response))
    assert "Pro forma" in text and "ce document n’est pas une facture" in text
    assert "Facture n°" not in text
    assert order.reference in text and "Facturé à" in text
    assert "N° de TVA : FR44732829320" in text
    assert "Camille Martin" in text and "France" in text
    assert "37,50 €" in text and "Bienvenue" in text and "−5,00 €" in text
    assert "Total TTC" in text and "37,40 €" in text  # 37.50 - 5.00 + 4.90
    assert "Carte bancaire" in text
    assert OrderEvent.objects.filter(order=order, type=OrderEvent.Type.INVOICE_PRINTED).exists()


def test_an_english_store_prints_in_english_on_us_letter(store, staff_client):
    store.language = "en"
    store.currency = "USD"
    store.paper_size = "Letter"
    store.save()
    order = OrderFactory(store=store, currency="USD", lines=[("A", "Mug", 2, Decimal("1234.50"))])

    content = response_bytes(staff_client.get(f"/orders/{order.pk}/invoice.pdf"))

    [text] = pages_text(content)
    assert "Pro forma" in text and "Billed to" in text and "Facturé" not in text
    assert "US$2,469.00" in text or "$2,469.00" in text
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a4_by_default(store, staff_client):
    order = OrderFactory(store=store)
    content = response_bytes(staff_client.get(f"/orders/{order.pk}/invoice.pdf"))
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_a_packing_slip_lists_quantities_and_no_price(store, staff_client):
    order = OrderFactory(
        store=store,
        lines=[("TASSE-1", "Tasse en céramique", 3, Decimal("12.50"))],
        shipping_total=Decimal("4.90"),
        shipping_city="Lyon",
    )

    [text] = pages_text(response_bytes(staff_client.get(f"/orders/{order.pk}/packing-slip.pdf")))

    assert "Bon de livraison" in text and order.reference in text
    assert "Tasse en céramique" in text and "Lyon" in text
    assert "€" not in text and "12,50" not in text and "37,50" not in text


def test_a_batch_is_one_pdf_with_one_page_per_order_in_list_order(store, staff_client):
    orders = [OrderFactory(store=store, lines=[("S", "Bol", 1, Decimal(n))]) for n in (7, 8, 9)]

    response = staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    texts = pages_text(response_bytes(response))
    assert len(texts) == 3
    # The list shows the newest first: the batch follows it.
    for text, order in zip(texts, reversed(orders)):
        assert order.reference in text
        assert f"{order.total:.2f}".replace(".", ",") + " €" in text


def test_both_documents_interleave_per_order(store, staff_client):
    orders = [OrderFactory(store=store) for _ in range(2)]

    response = staff_client.post(
        "/orders/invoices/", {"ids": [o.pk for o in orders], "document": "both"}
    )

    texts = pages_text(response_bytes(response))
    assert len(texts) == 4
    assert ["Pro forma" in t for t in texts] == [True, False, True, False]
    assert ["Bon de livraison" in t for t in texts] == [False, True, False, True]
    assert orders[1].reference in texts[0] and orders[1].reference in texts[1]


def test_select_all_uses_the_list_filters(store, staff_client):
    paid = OrderFactory(store=store, payment_status="paid")
    OrderFactory(store=store)

    response = staff_client.post("/orders/invoices/", {"select_all": "1", "payment_status": "paid"})

    texts = pages_text(response_bytes(response))
    assert len(texts) == 1 and paid.reference in texts[0]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_empty_selection_is_refused_with_a_message(store, staff_client):
    response = staff_client.post("/orders/invoices/", {})

    assert response.status_code == 302 and response.url == "/orders/"
    assert messages_of(response) == ["No order is selected: select at least one order to print."]


def test_an_empty_filtered_selection_goes_back_to_the_same_filters(store, staff_client):
    OrderFactory(store=store)
    response = staff_client.post("/orders/invoices/", {"select_all": "1", "payment_status": "paid"})
    assert response.url == "/orders/?payment_status=paid"
    assert "No order is selected" in messages_of(response)[0]


def test_an_unknown_document_is_refused(store, staff_client):
    order = OrderFactory(store=store)
    response = staff_client.post("/orders/invoices/", {"ids": [order.pk], "document": "x"})
    assert response.status_code == 302
    assert "x is not one of the available choices" in messages_of(response)[0]


def test_another_stores_order_is_never_printed(store, other_store, staff_client):
    theirs = OrderFactory(store=other_store, customer_name="Secret Client")
    mine = OrderFactory(store=store)

    assert staff_client.get(f"/orders/{theirs.pk}/invoice.pdf").status_code == 404
    assert staff_client.get(f"/orders/{theirs.pk}/packing-slip.pdf").status_code == 404
    response = staff_client.post("/orders/invoices/", {"ids": [mine.pk, theirs.pk]})
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert messages_of(response) == [
        "1 selected orders were not found in this store and were ignored."
    ]


def test_a_large_batch_runs_as_a_job_that_reaches_100_percent(store, staff_client):
    orders = [OrderFactory(store=store) for _ in range(50)]

    response = staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})

    job = Job.objects.get(store=store, kind=INVOICE_BATCH_JOB)
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    status = staff_client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["status"], status["done"], status["total"], status["percent"]) == (
        "done",
        50,
        50,
        100,
    )
    texts = pages_text(response_bytes(staff_client.get(status["download_url"])))
    assert len(texts) == 50
    for text, order in zip(texts, reversed(orders)):
        assert order.reference in text
    assert not job_workdir(job).exists()
    assert OrderEvent.objects.filter(type=OrderEvent.Type.INVOICE_PRINTED).count() == 50


def make_batch_job(store, orders, chunk_size=5):
    return job_create(
        store=store,
        user=None,
        kind=INVOICE_BATCH_JOB,
        params={
            "order_ids": [o.pk for o in orders],
            "document": "invoices",
            "chunk_size": chunk_size,
        },
        total=len(orders),
    )


def test_an_interrupted_job_resumes_and_ends_with_one_file(
    store, staff_client, monkeypatch, settings
):
    settings.INVOICE_RENDER_PROCESSES = 1
    orders = [OrderFactory(store=store) for _ in range(12)]
    job = make_batch_job(store, orders)
    real_render = pdf_module.pdf_file_from_html
    calls = []

    def crash_on_second_chunk(html, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("worker killed")
        return real_render(html, path)

    monkeypatch.setattr(pdf_module, "pdf_file_from_html", crash_on_second_chunk)
    invoice_batch_run(job=job, processes=1)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.progress_done == 5
    assert "Reprenez" in job.error or "Resume" in job.error

    response = staff_client.post(f"/orders/invoices/jobs/{job.pk}/resume/")

    assert response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.percent == 100
    assert len(calls) == 4  # the first chunk was not rendered again
    texts = pages_text(job.file.read())
    assert len(texts) == 12
    assert [o.reference in t for t, o in zip(texts, orders)] == [True] * 12
    files = [p for p in job.file.storage.listdir(f"jobs/{store.pk}/{job.pk}")[1]]
    assert files == [job.file.name.rsplit("/", 1)[1]]

    response = staff_client.post(f"/orders/invoices/jobs/{job.pk}/resume/")
    assert messages_of(response) == ["This job is finished: there is nothing to resume."]


def test_two_processes_render_the_same_pages(store):
    orders = [OrderFactory(store=store) for _ in range(8)]
    job = make_batch_job(store, orders, chunk_size=3)

    invoice_batch_run(job=job, processes=2)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    texts = pages_text(job.file.read())
    assert [o.reference in t for t, o in zip(texts, orders)] == [True] * 8


def test_another_stores_job_cannot_be_resumed_or_seen(other_store, staff_client):
    job = make_batch_job(other_store, [])
    job_complete(job=job, filename="theirs.pdf", content=ContentFile(b"%PDF secret"))
    assert staff_client.post(f"/orders/invoices/jobs/{job.pk}/resume/").status_code == 404
    assert staff_client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_an_expired_invoice_batch_says_so(store, staff_client):
    orders = [OrderFactory(store=store) for _ in range(21)]
    staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})
    job = Job.objects.get(store=store)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = staff_client.get(f"/jobs/{job.pk}/download/", follow=True)

    assert response["Content-Type"].startswith("text/html")
    assert "7" in response.content.decode()


def test_a_batch_of_packing_slips_carries_no_price(store, staff_client):
    orders = [OrderFactory(store=store, lines=[("S", "Bol", 2, Decimal("9.99"))]) for _ in range(3)]

    response = staff_client.post(
        "/orders/invoices/", {"ids": [o.pk for o in orders], "document": "packing_slips"}
    )

    texts = pages_text(response_bytes(response))
    assert len(texts) == 3
    assert all("Bon de livraison" in t and "€" not in t and "9,99" not in t for t in texts)
    assert "packing-slips-" in response["Content-Disposition"]


def test_the_batch_query_count_does_not_grow_with_the_orders(
    store, staff_client, django_assert_max_num_queries
):
    orders = [OrderFactory(store=store) for _ in range(20)]
    with django_assert_max_num_queries(15):
        response = staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})
    assert len(pages_text(response_bytes(response))) == 20


def test_the_document_choice_for_the_list_is_labelled():
    from django.template.loader import render_to_string

    html = render_to_string("invoices/document_select.html")
    assert 'for="print-document"' in html and 'name="document"' in html
    assert 'value="packing_slips"' in html and 'value="both"' in html


def test_a_selection_above_the_batch_limit_is_refused(store, staff_client, monkeypatch):
    from invoices import services

    monkeypatch.setattr(services, "MAX_BATCH", 2)
    orders = [OrderFactory(store=store) for _ in range(3)]

    response = staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})

    assert response.status_code == 302
    assert messages_of(response) == ["More than 2 orders are selected; print at most 2 at once."]
