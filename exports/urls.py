from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("orders/", views.OrderExportView.as_view(), name="orders"),
]
