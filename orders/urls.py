from django.urls import include, path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="list"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    # Sub-features of orders, each in its own folder: editing/creating, invoices.
    path("", include("orders.editing.urls")),
    path("", include("orders.invoices.urls")),
]
