from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from mycommerce.switching import store_object_pages_register
        from orders.selectors import order_queryset_for_store

        # After a store switch, an order's page is kept only if the order is the new store's.
        store_object_pages_register(
            "orders:detail",
            "orders:edit",
            exists=lambda store, kwargs: (
                order_queryset_for_store(store=store).filter(pk=kwargs["pk"]).exists()
            ),
        )
