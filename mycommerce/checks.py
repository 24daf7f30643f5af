"""System checks: what this machine lacks for the product to work, each told in one line.

Warnings, not errors: the back-office runs without them, but invoice PDFs fail or degrade.
The Chromium check is not registered: the browser tests run it before they start.
"""

from django.core.checks import Warning, register

from mycommerce import system


def _warnings(check_id: str, subject: str, absent: list[system.Need]) -> list[Warning]:
    if not absent:
        return []
    message = f"{subject}: this machine lacks {system.describe(absent)}; {system.remedy(absent)}"
    return [Warning(message, id=check_id)]


@register("system")
def pdf_libraries_check(app_configs=None, **kwargs) -> list[Warning]:
    return _warnings("mycommerce.W001", "Invoice PDFs", system.missing(system.pdf_needs()))


@register("system")
def invoice_fonts_check(app_configs=None, **kwargs) -> list[Warning]:
    return _warnings("mycommerce.W002", "Invoice PDFs", system.missing(system.font_needs()))


def chromium_check(app_configs=None, **kwargs) -> list[Warning]:
    return _warnings("mycommerce.W003", "Browser tests", system.missing(system.browser_needs()))
