from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self) -> None:
        from invoices.issuing import invoices_on_order_changed
        from invoices.services import INVOICE_BATCH_JOB
        from invoices.tasks import invoice_batch_task
        from mycommerce.jobs import job_kind_register
        from mycommerce.plans import Feature
        from mycommerce.roles import Permission
        from orders.listeners import order_listener_register

        # Paid, shipped, refunded, cancelled or edited: the documents it issues.
        order_listener_register(invoices_on_order_changed)

        # The stored kind stays "invoices": batches made before the move still resume.
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
