import io
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from invoices.forms import DocumentForm, InvoiceListForm
from invoices.issuing import invoice_issue
from invoices.pdf import PdfUnavailable
from invoices.selectors import invoice_get_for_store, invoice_list_for_store
from invoices.services import (
    Document,
    invoice_batch_print,
    invoice_batch_resume,
    invoice_filename,
    invoice_pdf_for_document,
    invoice_pdf_for_order,
)
from mycommerce import system
from mycommerce.mixins import StoreMemberRequiredMixin, store_member_required
from mycommerce.plans import Feature
from mycommerce.roles import Permission
from mycommerce.selectors import job_get_for_store
from orders.filters import FILTER_PARAMETERS
from orders.selectors import order_get_for_store, order_selection_for_store

may_print = store_member_required(permission=Permission.MANAGE_ORDERS, feature=Feature.ORDERS)


def _explains_pdf_unavailable(view):
    """A machine without WeasyPrint's libraries gets a page naming them, not a server error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PdfUnavailable as error:
            absent = system.missing(system.pdf_needs())
            context = {
                "packages": system.package_names(absent).split(),
                "command": system.install_command(absent) if absent else None,
                "error": str(error),
            }
            return render(request, "invoices/pdf_unavailable.html", context, status=503)

    return wrapper


def _pdf_response(pdf: bytes, filename: str, *, as_attachment: bool) -> FileResponse:
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=as_attachment,
        filename=filename,
        content_type="application/pdf",
    )


def _single(request, pk: int, document: str) -> FileResponse:
    order = order_get_for_store(store=request.store, pk=pk)
    pdf = invoice_pdf_for_order(membership=request.membership, order=order, document=document)
    filename = invoice_filename(document=document, order=order)
    return _pdf_response(pdf, filename, as_attachment=False)


@require_GET
@may_print
@_explains_pdf_unavailable
def invoice(request, pk: int):
    return _single(request, pk, Document.INVOICES)


@require_GET
@may_print
@_explains_pdf_unavailable
def packing_slip(request, pk: int):
    return _single(request, pk, Document.PACKING_SLIPS)


def _back_to_list(request):
    """Back to the list the selection came from, with its filters."""
    query = [
        (key, value) for key in FILTER_PARAMETERS for value in request.POST.getlist(key) if value
    ]
    url = reverse("orders:list")
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@require_POST
@may_print
@_explains_pdf_unavailable
def invoice_batch(request):
    form = DocumentForm(request.POST)
    queryset, problems = order_selection_for_store(store=request.store, data=request.POST)
    if not form.is_valid():
        problems += [error for errors in form.errors.values() for error in errors]
    if problems:
        # Nothing is printed from a selection that is not exactly what the user sees.
        for problem in problems:
            messages.error(request, problem)
        return _back_to_list(request)
    try:
        batch = invoice_batch_print(
            membership=request.membership,
            queryset=queryset,
            document=form.cleaned_data["document"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back_to_list(request)
    if batch.job is not None:
        return redirect("job_detail", pk=batch.job.pk)
    return _pdf_response(batch.pdf, batch.filename, as_attachment=True)


@require_POST
@may_print
def invoice_batch_resume_view(request, pk: int):
    job = job_get_for_store(store=request.store, job_id=pk)
    try:
        invoice_batch_resume(membership=request.membership, job=job)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("job_detail", pk=job.pk)


class InvoiceListView(StoreMemberRequiredMixin, View):
    """The "Factures" page: the store's issued invoices and credit notes, by period and kind."""

    required_permission = Permission.MANAGE_ORDERS
    required_feature = Feature.ORDERS
    template_name = "invoices/invoice_list.html"
    per_page = 50

    def get(self, request):
        form = InvoiceListForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        documents = invoice_list_for_store(
            store=request.store,
            kind=filters.get("kind", ""),
            start=filters.get("start"),
            end=filters.get("end"),
        )
        page = Paginator(documents, self.per_page).get_page(request.GET.get("page"))
        context = {"form": form, "page": page, "documents": page.object_list}
        return render(request, self.template_name, context)


@require_GET
@may_print
@_explains_pdf_unavailable
def document_pdf(request, pk: int):
    document = invoice_get_for_store(store=request.store, pk=pk)
    pdf = invoice_pdf_for_document(membership=request.membership, document=document)
    return _pdf_response(pdf, f"{document.number}.pdf", as_attachment=False)


@require_POST
@may_print
def issue(request, pk: int):
    order = order_get_for_store(store=request.store, pk=pk)
    try:
        invoice = invoice_issue(membership=request.membership, order=order)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return redirect("orders:detail", pk=order.pk)
