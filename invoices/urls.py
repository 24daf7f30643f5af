from django.urls import path

from invoices import views

app_name = "invoices"

# The PDFs of an order keep the addresses they had under /orders/ (bookmarks, scripts).
urlpatterns = [
    path("invoices/", views.InvoiceListView.as_view(), name="list"),
    path("invoices/<int:pk>.pdf", views.document_pdf, name="document_pdf"),
    path("orders/<int:pk>/invoices/issue/", views.issue, name="issue"),
    path("orders/<int:pk>/invoice.pdf", views.invoice, name="invoice"),
    path("orders/<int:pk>/packing-slip.pdf", views.packing_slip, name="packing_slip"),
    path("orders/invoices/", views.invoice_batch, name="batch"),
    path(
        "orders/invoices/jobs/<int:pk>/resume/",
        views.invoice_batch_resume_view,
        name="batch_resume",
    ),
]
