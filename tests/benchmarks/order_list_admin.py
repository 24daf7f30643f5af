"""Django's own admin changelist over the same Order table: the order list benchmark's
baseline. Registered on a private AdminSite in this urlconf only, never in the app."""

from django.contrib import admin
from django.urls import include, path

from orders.models import Order


class BenchOrderAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "created_at",
        "customer_name",
        "total",
        "payment_status",
        "fulfillment_status",
    )
    list_filter = ("payment_status", "fulfillment_status", "created_at")
    search_fields = ("reference", "customer_name", "customer_email")
    ordering = ("-created_at", "-id")
    list_per_page = 25


class BenchOrderAdmin100(BenchOrderAdmin):
    list_per_page = 100


site = admin.AdminSite(name="bench_admin")
site.register(Order, BenchOrderAdmin)
site_100 = admin.AdminSite(name="bench_admin_100")
site_100.register(Order, BenchOrderAdmin100)

urlpatterns = [
    path("bench-admin/", site.urls),
    path("bench-admin-100/", site_100.urls),
    path("", include("mycommerce.urls")),
]
