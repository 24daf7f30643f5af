from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from mycommerce.listeners import store_listener_register
        from orders.listeners import order_batch_listener_register, order_listener_register
        from reports.summary import (
            summary_on_batch_end,
            summary_on_order_changed,
            summary_on_store_changed,
        )

        # Every write of an order recomputes the summary days it touches, in its transaction.
        order_listener_register(summary_on_order_changed)
        order_batch_listener_register(summary_on_batch_end)
        # Its days are the store's local days: a new time zone makes new days.
        store_listener_register(summary_on_store_changed)
