"""Invoices and packing slips: one order, or a batch as one PDF; large batches run as a job."""

import os
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from invoices.facturx import facturx_applies, facturx_embed
from invoices.models import Invoice
from invoices.pages import document_page, order_pages
from invoices.pdf import pdf_from_html, pdf_merge_files, pdf_render_chunks
from invoices.selectors import (
    invoice_documents_for_order,
    invoice_documents_for_orders,
    invoice_orders_for_store,
    invoice_selection_ids,
)
from mycommerce.models import Job, Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from mycommerce.services import (
    JobFile,
    JobProgress,
    job_create,
    job_enqueue,
    job_resume,
    job_run,
    job_workdir,
)
from orders.events import event_printed
from orders.models import Order, OrderEvent

# Up to this many orders the PDF is the answer itself; above, a background job makes it.
DIRECT_LIMIT = 20
# Orders per WeasyPrint document: memory stays bounded, pikepdf merges the chunks.
CHUNK_SIZE = 50
MAX_BATCH = 10_000
DOCUMENTS_TEMPLATE = "invoices/documents.html"
# Job.kind of a batch (registered in orders/apps.py).
INVOICE_BATCH_JOB = "invoices"


class Document(models.TextChoices):
    INVOICES = "invoices", gettext_lazy("Invoices")
    PACKING_SLIPS = "packing_slips", gettext_lazy("Packing slips")
    BOTH = "both", gettext_lazy("Invoices and packing slips")


@dataclass
class InvoiceBatch:
    """What a batch request gave: the PDF itself (small batch) or the job making it."""

    pdf: bytes | None = None
    filename: str = ""
    job: Job | None = None


def _pages(*, store: Store, orders: list[Order], document: str) -> list[dict]:
    documents = invoice_documents_for_orders(ids=[order.pk for order in orders])
    return [
        page
        for order in orders
        for page in order_pages(
            order=order,
            store=store,
            documents=documents.get(order.pk, []),
            invoices=document in (Document.INVOICES, Document.BOTH),
            packing_slip=document in (Document.PACKING_SLIPS, Document.BOTH),
        )
    ]


def invoice_html(
    *, store: Store, pages: list[dict], template_name: str = DOCUMENTS_TEMPLATE
) -> str:
    """The HTML of a run of pages; each page is in its own language and paper size (an
    issued document in those of its issue), packing slips in the store's time zone."""
    with translation.override(store.language), timezone.override(store.timezone):
        title = pages[0]["doc"]["number"] if pages and pages[0].get("doc") else store.name
        return render_to_string(
            template_name,
            {"store": store, "language": store.language, "pages": pages, "title": title},
        )


def invoice_orders_html(*, store: Store, orders: list[Order], document: str) -> str:
    return invoice_html(store=store, pages=_pages(store=store, orders=orders, document=document))


def _record_printed(*, order_ids: list[int], user, document: str, job: Job | None = None) -> None:
    job_id = job.pk if job is not None else None
    with transaction.atomic():
        OrderEvent.objects.bulk_create(
            (
                event_printed(order_id=pk, actor=user, document=document, job_id=job_id)
                for pk in order_ids
            ),
            batch_size=500,
        )


def invoice_pdf_for_order(*, membership: Membership, order: Order, document: str) -> bytes:
    """One order's documents (its invoice and credit notes, or a pro forma) or its packing
    slip, as a PDF."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    html = invoice_orders_html(store=membership.store, orders=[order], document=document)
    pdf = pdf_from_html(html)
    if document == Document.INVOICES:
        issued = invoice_documents_for_order(order=order)
        # One PDF carries one XML: an order's documents do when it has exactly one.
        if len(issued) == 1:
            pdf = invoice_pdf_with_facturx(store=membership.store, pdf=pdf, document=issued[0])
    _record_printed(order_ids=[order.pk], user=membership.user, document=document)
    return pdf


def invoice_pdf_for_document(*, membership: Membership, document: Invoice) -> bytes:
    """One issued invoice or credit note, rendered from its snapshot."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    html = invoice_html(store=membership.store, pages=[document_page(document.snapshot)])
    pdf = invoice_pdf_with_facturx(
        store=membership.store, pdf=pdf_from_html(html), document=document
    )
    _record_printed(order_ids=[document.order_id], user=membership.user, document=Document.INVOICES)
    return pdf


def invoice_pdf_with_facturx(*, store: Store, pdf: bytes, document: Invoice) -> bytes:
    """The document's PDF/A-3b, with its Factur-X XML when its buyer is a business and the
    store turned Factur-X on; else unchanged."""
    if not facturx_applies(store=store, snapshot=document.snapshot):
        return pdf
    return facturx_embed(pdf=pdf, snapshot=document.snapshot)


def invoice_filename(*, document: str, order: Order | None = None, day: date | None = None) -> str:
    """The PDF's file name: an order's documents by their numbers (FA-2026-000123.pdf), else
    in the active language (pro-forma-458.pdf, bon-de-livraison-458.pdf)."""
    if order is not None and document == Document.INVOICES:
        numbers = [d.number for d in invoice_documents_for_order(order=order)]
        if numbers:
            return f"{'_'.join(numbers)}.pdf"
        prefix = pgettext("file name", "pro-forma")
        return f"{slugify(prefix)}-{slugify(order.reference) or order.pk}.pdf"
    if order is not None:
        if document == Document.PACKING_SLIPS:
            prefix = pgettext("file name", "packing-slip")
        else:
            prefix = pgettext("file name", "invoice")
        return f"{slugify(prefix)}-{slugify(order.reference) or order.pk}.pdf"
    prefix = {
        Document.INVOICES: pgettext("file name", "invoices"),
        Document.PACKING_SLIPS: pgettext("file name", "packing-slips"),
        Document.BOTH: pgettext("file name", "invoices-and-packing-slips"),
    }[document]
    return f"{slugify(prefix)}-{(day or timezone.localdate()).isoformat()}.pdf"


def invoice_batch_print(
    *, membership: Membership, queryset: QuerySet[Order], document: str
) -> InvoiceBatch:
    """A batch of the selected orders as one PDF: answered at once when small, else a job."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    store = membership.store
    ids = invoice_selection_ids(queryset=queryset, limit=MAX_BATCH + 1)
    if not ids:
        raise ValidationError(_("No order is selected: select at least one order to print."))
    if len(ids) > MAX_BATCH:
        raise ValidationError(
            _("More than %(max)d orders are selected; print at most %(max)d at once.")
            % {"max": MAX_BATCH}
        )
    if len(ids) <= DIRECT_LIMIT:
        orders = invoice_orders_for_store(store=store, ids=ids)
        pdf = pdf_from_html(invoice_orders_html(store=store, orders=orders, document=document))
        _record_printed(order_ids=ids, user=membership.user, document=document)
        return InvoiceBatch(pdf=pdf, filename=invoice_filename(document=document))
    job = job_create(
        store=store,
        user=membership.user,
        kind=INVOICE_BATCH_JOB,
        params={
            "order_ids": ids,
            "document": str(document),
            "chunk_size": invoice_chunk_size(len(ids)),
        },
        total=len(ids),
    )
    job_enqueue(job=job)
    return InvoiceBatch(job=job)


def invoice_batch_resume(*, membership: Membership, job: Job) -> Job:
    """Start an interrupted or failed batch again; the pages already rendered are kept."""
    if job.kind != INVOICE_BATCH_JOB:
        raise ValidationError(_("This job is finished: there is nothing to resume."))
    return job_resume(membership=membership, job=job)


def invoice_chunk_size(total: int) -> int:
    """50 orders per document, but at least 4 documents for a mid-size batch, so that both
    render processes get work (a 100-order batch in 2 chunks leaves one idle at the end)."""
    return max(10, min(CHUNK_SIZE, -(-total // 4)))


def invoice_render_processes(chunks: int) -> int:
    configured = getattr(settings, "INVOICE_RENDER_PROCESSES", None) or os.cpu_count() or 1
    return max(1, min(configured, chunks))


def invoice_batch_run(*, job: Job, processes: int | None = None) -> Job:
    """Render a batch job chunk by chunk and attach the merged PDF (through `job_run`).

    Chunks already on disk (a previous, interrupted run) are skipped, and the job ends with
    exactly one file; the orders are recorded as printed with the completion.
    """
    store = job.store
    ids = [int(pk) for pk in job.params.get("order_ids", [])]
    document = job.params.get("document", Document.INVOICES)
    # Part of the job, so a resumed run cuts the same chunks as the interrupted one.
    chunk_size = int(job.params.get("chunk_size") or CHUNK_SIZE)

    def work(progress: JobProgress) -> JobFile:
        workdir = job_workdir(job)
        workdir.mkdir(parents=True, exist_ok=True)
        chunks = [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]
        paths = [workdir / f"chunk-{number:05d}.pdf" for number in range(len(chunks))]
        todo = [(path, chunk) for path, chunk in zip(paths, chunks) if not path.exists()]
        done = len(ids) - sum(len(chunk) for _, chunk in todo)
        progress(done)

        def htmls():
            for path, chunk in todo:
                orders = invoice_orders_for_store(store=store, ids=chunk)
                html = invoice_orders_html(store=store, orders=orders, document=document)
                yield path, html, len(chunk)

        def advance(size: int) -> None:
            nonlocal done
            done += size
            progress(done)

        with translation.override(store.language):
            pdf_render_chunks(
                chunks=htmls(),
                processes=processes or invoice_render_processes(len(todo)),
                on_chunk_done=advance,
            )
        merged = pdf_merge_files(paths=paths, target=workdir / "batch.pdf")
        day = timezone.localdate(job.created_at)
        return JobFile(name=invoice_filename(document=document, day=day), path=merged)

    def record_printed() -> None:
        _record_printed(order_ids=ids, user=job.created_by, document=document, job=job)

    return job_run(job=job, work=work, on_complete=record_printed)
