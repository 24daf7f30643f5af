"""The report's charts: SVG drawn on the server by pygal, its JavaScript turned off, so a
chart loads nothing from anywhere. Each comes with a title, a one-sentence summary and the
table of its data."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from reports import formatting
from reports.figures import Change
from reports.selectors import Report
from reports.tables import (
    Formats,
    Table,
    breakdown_rows,
    breakdown_table,
    product_name,
    products_table,
    timeline_table,
    top_products,
)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#0d6efd", "#adb5bd", "#198754", "#fd7e14"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
    value_font_size=11,
)
# pygal's comments name its web site and its inline script only feeds its (disabled) tooltips.
UNUSED_PARTS = re.compile(r"<!--.*?-->|<script\b.*?</script>", re.S)
MAX_X_LABELS = 16
NAME_LENGTH = 32


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    svg: SafeString
    table: Table


def _render(chart) -> SafeString:
    return mark_safe(UNUSED_PARTS.sub("", chart.render(is_unicode=True)))  # noqa: S308


def _new(kind, *, value_formatter, **options):
    # No title inside the drawing: the figure's caption carries it.
    return kind(
        js=[],
        disable_xml_declaration=True,
        style=STYLE,
        width=800,
        height=340,
        legend_at_bottom=True,
        no_data_text=_("No data"),
        value_formatter=value_formatter,
        print_values=False,
        **options,
    )


def _as_float(value) -> float:
    return float(value) if value is not None else None


def net_sales_chart(report: Report, formats: Formats) -> Chart:
    current, previous = report.current, report.previous
    title = _("Net sales over time")
    labels = [formatting.bucket_label(bucket) for bucket in current.timeline.buckets]
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    chart = _new(
        pygal.Line,
        value_formatter=lambda value: formatting.money(Decimal(str(value)), formats.currency),
        x_label_rotation=30 if len(labels) > 8 else 0,
        show_minor_x_labels=every == 1,
        x_labels_major_every=every,
        show_dots=len(labels) <= 62,
        truncate_label=-1,
    )
    chart.x_labels = labels
    chart.add(_("This period"), [_as_float(amounts.net) for amounts in current.buckets])
    chart.add(
        _("Comparison period"),
        [_as_float(amounts.net) for amounts in previous.buckets][: len(labels)],
    )
    change = Change(current.totals.net, previous.totals.net)
    if change.ratio is None:
        summary = _("Net sales came to %(value)s; the comparison period had none.") % {
            "value": formatting.money(change.value, formats.currency)
        }
    else:
        summary = _(
            "Net sales came to %(value)s, %(change)s compared with %(previous)s in the "
            "comparison period."
        ) % {
            "value": formatting.money(change.value, formats.currency),
            "change": formatting.signed_percent(change.ratio),
            "previous": formatting.money(change.previous, formats.currency),
        }
    return Chart("net_sales", title, summary, _render(chart), timeline_table(report, formats))


def status_chart(report: Report, formats: Formats, name: str) -> Chart:
    rows = breakdown_rows(report, name)
    title = {
        "payment_status": _("Orders by payment status"),
        "fulfillment_status": _("Orders by fulfillment status"),
    }[name]
    chart = _new(
        pygal.HorizontalBar,
        value_formatter=lambda value: formatting.number(int(value)),
    )
    chart.x_labels = [label for _code, label, _mine, _theirs in rows]
    chart.add(_("This period"), [mine.orders for _code, _label, mine, _theirs in rows])
    chart.add(_("Comparison period"), [theirs.orders for _code, _label, _mine, theirs in rows])
    total = report.current.totals.orders
    if not total:
        summary = _("No order was placed in this period.")
    else:
        _code, label, most, _theirs = max(rows, key=lambda row: row[2].orders)
        summary = _("Most orders of the period are “%(status)s”: %(count)s of %(total)s.") % {
            "status": label,
            "count": formatting.number(most.orders),
            "total": formatting.number(total),
        }
    return Chart(name, title, summary, _render(chart), breakdown_table(report, name, formats))


def products_chart(report: Report, formats: Formats, *, by: str) -> Chart:
    rows = top_products(report, by=by)
    if by == "quantity":
        title = _("Top products by items sold")
        values = [row.quantity for row in rows]
        formatter = lambda value: formatting.number(int(value))  # noqa: E731
    else:
        title = _("Top products by net sales")
        values = [_as_float(row.net) for row in rows]
        formatter = lambda value: formatting.money(Decimal(str(value)), formats.currency)  # noqa: E731
    chart = _new(pygal.HorizontalBar, value_formatter=formatter, show_legend=False)
    chart.x_labels = [_shorten(product_name(row)) for row in rows]
    chart.add(title, values)
    if not rows:
        summary = _("No product was sold in this period.")
    elif by == "quantity":
        summary = _("“%(product)s” sold the most: %(count)s items.") % {
            "product": product_name(rows[0]),
            "count": formatting.number(rows[0].quantity),
        }
    else:
        summary = _("“%(product)s” brought the most net sales: %(value)s.") % {
            "product": product_name(rows[0]),
            "value": formatting.money(rows[0].net, formats.currency),
        }
    table = products_table(report, formats, by=by)
    return Chart(f"products_{by}", title, summary, _render(chart), table)


def _shorten(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1] + "…"


def report_charts(report: Report) -> list[Chart]:
    formats = Formats(report.store.currency)
    return [
        net_sales_chart(report, formats),
        status_chart(report, formats, "fulfillment_status"),
        status_chart(report, formats, "payment_status"),
        products_chart(report, formats, by="net"),
        products_chart(report, formats, by="quantity"),
    ]
