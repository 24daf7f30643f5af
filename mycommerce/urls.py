from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mycommerce import views

handler403 = "mycommerce.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Superusers only (mycommerce/admin.py): sign-in lockouts are lifted there.
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stores/switch/", views.switch_store, name="switch_store"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<int:pk>/resume/", views.job_resume_view, name="job_resume"),
    path("settings/store/", views.StoreSettingsView.as_view(), name="store_settings"),
    path("settings/plan/", views.PlanView.as_view(), name="plan"),
    path("settings/numbering/", include("numbering.urls")),
    path("settings/emails/", include("orders.customer_emails.urls")),
    path("orders/", include("orders.urls")),
    # /invoices/, and the PDFs of an order, which keep their addresses under /orders/.
    path("", include("invoices.urls")),
    path("exports/", include("exports.urls")),
    path("reports/", include("reports.urls")),
    path("carts/", include("carts.urls")),
    # The storefront intake API (key-authenticated, no sign-in), docs at /api/v1/docs.
    path("api/v1/", include("carts.api.urls")),
]
