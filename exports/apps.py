from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"

    def ready(self) -> None:
        from exports.services import EXPORT_JOB
        from exports.tasks import export_orders_task
        from mycommerce.jobs import job_kind_register
        from mycommerce.plans import Feature
        from mycommerce.roles import Permission

        job_kind_register(
            name=EXPORT_JOB,
            label=_("Order export"),
            task=export_orders_task,
            permission=Permission.MANAGE_ORDERS,
            feature=Feature.ORDERS,
            failure_message=_("The export failed. Please try again."),
        )
