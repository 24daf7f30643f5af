from django.urls import include, path

from orders import views
from orders.customer_emails.views import CustomerEmailResendView

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="list"),
    path("counts/", views.OrderCountsView.as_view(), name="counts"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    path("views/", views.SavedViewsView.as_view(), name="views"),
    path("views/save/", views.SavedViewCreateView.as_view(), name="view_save"),
    path("<int:pk>/emails/resend/", CustomerEmailResendView.as_view(), name="email_resend"),
    # Editing and creating, in its own folder; the PDFs are the invoices app's (invoices/urls.py).
    path("", include("orders.editing.urls")),
]
