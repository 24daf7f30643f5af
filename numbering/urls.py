from django.urls import path

from numbering import views

app_name = "numbering"

urlpatterns = [
    path("", views.NumberingSettingsView.as_view(), name="settings"),
    path("preview/", views.preview, name="preview"),
    path("invoices/", views.InvoiceSeriesView.as_view(), name="invoice_series"),
]
