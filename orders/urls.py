from django.urls import include, path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="list"),
    path("counts/", views.OrderCountsView.as_view(), name="counts"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    # Editing and creating, in its own folder; the PDFs are the invoices app's (invoices/urls.py).
    path("", include("orders.editing.urls")),
]
