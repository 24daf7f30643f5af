from django.urls import path

from orders.customer_emails import views

app_name = "customer_emails"

urlpatterns = [
    path("", views.CustomerEmailSettingsView.as_view(), name="settings"),
    path("<slug:kind>/preview/", views.CustomerEmailPreviewView.as_view(), name="preview"),
]
