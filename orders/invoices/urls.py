from django.urls import path

from orders.invoices import views

# Included from orders/urls.py, so these names live in the "orders" namespace.
urlpatterns = [
    path("<int:pk>/invoice.pdf", views.invoice, name="invoice"),
    path("<int:pk>/packing-slip.pdf", views.packing_slip, name="packing_slip"),
    path("invoices/", views.invoice_batch, name="invoice_batch"),
    path(
        "invoices/jobs/<int:pk>/resume/",
        views.invoice_batch_resume_view,
        name="invoice_batch_resume",
    ),
]
