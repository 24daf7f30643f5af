from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("orders/", views.OrderExportView.as_view(), name="orders"),
    path("journal/", views.JournalView.as_view(), name="journal"),
    path("journal/settings/", views.JournalSettingsView.as_view(), name="journal_settings"),
]
