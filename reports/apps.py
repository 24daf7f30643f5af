from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from orders.listeners import order_listener_register
        from reports.summary import summary_on_order_changed

        # Every write of an order recomputes the summary days it touches, in its transaction.
        order_listener_register(summary_on_order_changed)
