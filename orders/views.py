from django.core.paginator import Paginator
from django.views.generic import TemplateView

from mycommerce.mixins import StoreMemberRequiredMixin
from orders.filters import OrderFilterSet
from orders.selectors import order_queryset_for_store

PAGE_SIZES = (25, 50, 100)


class OrderListView(StoreMemberRequiredMixin, TemplateView):
    template_name = "orders/order_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = OrderFilterSet(
            self.request.GET or None, queryset=order_queryset_for_store(store=self.request.store)
        )
        queryset = (
            filterset.qs
            if filterset.is_bound and filterset.is_valid()
            else (filterset.queryset.order_by("-created_at", "-pk"))
        )
        per_page = self.request.GET.get("per_page", "")
        per_page = int(per_page) if per_page.isdigit() and int(per_page) in PAGE_SIZES else 25
        page = Paginator(queryset, per_page).get_page(self.request.GET.get("page"))
        context.update(filterset=filterset, page=page, orders=page.object_list)
        return context
