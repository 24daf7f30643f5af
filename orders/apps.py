from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def orders_after_migrate(*, using: str, **kwargs) -> None:
    """After every migrate: the search and count triggers are in place (SQLite drops them
    when it rebuilds the orders table) and the planner's statistics are fresh."""
    from orders.database import database_analyze, database_ensure

    connection = connections[using]
    database_ensure(connection=connection)
    database_analyze(connection=connection)


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        post_migrate.connect(orders_after_migrate, sender=self)
        from mycommerce.jobs import job_kind_register
        from mycommerce.plans import Feature
        from mycommerce.roles import Permission
        from orders.invoices.services import INVOICE_BATCH_JOB
        from orders.invoices.tasks import invoice_batch_task

        job_kind_register(
            name=INVOICE_BATCH_JOB,
            label=_("Invoice batch"),
            task=invoice_batch_task,
            permission=Permission.MANAGE_ORDERS,
            feature=Feature.ORDERS,
            failure_message=_(
                "The PDF could not be made. Resume the job: the pages already made are kept."
            ),
            resume_note=_("The pages already made are kept."),
        )

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
