from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, post_save


def orders_after_migrate(*, using: str, **kwargs) -> None:
    """After every migrate: the search and count triggers are in place (SQLite drops them
    when it rebuilds the orders table) and the planner's statistics are fresh."""
    from orders.database import database_analyze, database_ensure

    connection = connections[using]
    database_ensure(connection=connection)
    database_analyze(connection=connection)


def store_created(*, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A new store starts with the order list's default views (to ship, awaiting payment,
    ready for pickup). Stores are created by the core, which cannot import orders/."""
    if created and not raw:
        from orders.saved_views.services import saved_views_create_defaults

        saved_views_create_defaults(store=instance)


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        post_migrate.connect(orders_after_migrate, sender=self)
        from mycommerce.models import Store

        post_save.connect(store_created, sender=Store, dispatch_uid="orders.store_created")
        from mycommerce.switching import store_object_pages_register
        from orders.customer_emails.listeners import customer_emails_on_order_changed
        from orders.listeners import order_listener_register
        from orders.selectors import order_queryset_for_store

        # Confirmation, shipped, ready for pickup, delivered, refunded: the customer's e-mails.
        order_listener_register(customer_emails_on_order_changed)

        # After a store switch, an order's page is kept only if the order is the new store's.
        store_object_pages_register(
            "orders:detail",
            "orders:edit",
            exists=lambda store, kwargs: (
                order_queryset_for_store(store=store).filter(pk=kwargs["pk"]).exists()
            ),
        )
