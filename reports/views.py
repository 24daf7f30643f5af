from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from exports.writers import csv_format_for, csv_text
from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.plans import Feature
from mycommerce.roles import Permission
from reports import formatting
from reports.charts import report_charts
from reports.forms import ReportForm, ReportRequest
from reports.periods import Comparison
from reports.rules import DEFINITIONS, RULES
from reports.selectors import Report, report_build
from reports.tables import (
    Formats,
    breakdown_table,
    figure_cards,
    figures_table,
    report_tables,
)


def store_today(store):
    return timezone.localdate(timezone.now(), ZoneInfo(store.timezone))


class ReportMixin(StoreMemberRequiredMixin):
    """Every member, on every plan (DESIGN.md's plan matrix)."""

    required_permission = Permission.MANAGE_ORDERS
    required_feature = Feature.ORDERS
    template_name = "reports/report.html"

    def build(self, request) -> tuple[ReportForm, ReportRequest | None, Report | None]:
        form = ReportForm(request.GET, today=store_today(request.store))
        if not form.is_valid():
            return form, None, None
        asked = form.cleaned_data["request"]
        report = report_build(
            store=request.store,
            period=asked.period,
            granularity=asked.granularity,
            comparison=asked.comparison,
        )
        return form, asked, report

    def show_form(self, request, form, status=200):
        return render(request, self.template_name, {"form": form}, status=status)


class ReportView(ReportMixin, View):
    def get(self, request):
        form, asked, report = self.build(request)
        if report is None:
            return self.show_form(request, form)
        formats = Formats(request.store.currency)
        context = {
            "form": form,
            "asked": asked,
            "report": report,
            "period_label": formatting.range_label(asked.period),
            "previous_label": formatting.range_label(asked.previous),
            "comparison_label": Comparison(asked.comparison).label,
            "cards": figure_cards(report, formats),
            "figures": figures_table(report, formats),
            "charts": report_charts(report),
            "tables": [breakdown_table(report, name, formats) for name in ("source", "country")],
            "rules": RULES,
            "definitions": DEFINITIONS,
            "csv_query": request.GET.urlencode(),
        }
        return render(request, self.template_name, context)


class ReportCsvView(ReportMixin, View):
    """The report's tables as one CSV file, with the separator and decimal mark of the
    member's exports in this store."""

    def get(self, request):
        form, asked, report = self.build(request)
        if report is None:
            return self.show_form(request, form, status=400)
        rows = [
            [_("Sales report"), request.store.name],
            [_("Period"), asked.period.start.isoformat(), asked.period.end.isoformat()],
            [_("Compared with"), asked.previous.start.isoformat(), asked.previous.end.isoformat()],
        ]
        for table in report_tables(report, everything=True):
            rows += [[], [table.title], table.headers]
            rows += [[cell.raw for cell in row] for row in table.rows]
            if table.footer:
                rows.append([cell.raw for cell in table.footer])
        csv_format = csv_format_for(user=request.user, store=request.store)
        response = HttpResponse(
            csv_text(rows, csv_format=csv_format), content_type="text/csv; charset=utf-8"
        )
        filename = f"report-{asked.period.start:%Y%m%d}-{asked.period.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
