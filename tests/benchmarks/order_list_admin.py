"""Django's own admin over the same Order table: its changelist is the order list benchmark's
baseline, its change form (the order and its lines, inline) the order page's. Registered on
a private AdminSite in this urlconf only, never in the app (gunicorn serves it with
tests/benchmarks/bench_settings.py)."""

from django.contrib import admin
from django.urls import include, path

from mycommerce.models import Store
from orders.models import Order, OrderLine

# The seeded store whose orders both lists show.
BENCH_STORE = "MaBoutique"


class BenchOrderLineInline(admin.TabularInline):
    # The order's lines on its change form, as the order page shows them.
    model = OrderLine
    extra = 0


class BenchOrderAdmin(admin.ModelAdmin):
    inlines = [BenchOrderLineInline]
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

    def get_queryset(self, request):
        # Scoped to the store, as the order list is.
        store_id = Store.objects.values_list("pk", flat=True).get(name=BENCH_STORE)
        return super().get_queryset(request).filter(store_id=store_id)


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
