"""Reads of the CSV export: remembered settings, the orders to export, and their rows in batches."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.http import QueryDict

from exports.columns import COLUMN_KEYS
from exports.models import DecimalMark, ExportSettings, Layout, Separator
from mycommerce.models import Store
from orders.filters import FILTER_PARAMETERS
from orders.models import Order, OrderLine
from orders.selectors import SELECT_ALL_VALUES, order_selection_for_store, order_selection_ids

# The parameters that describe which orders to export: the list's selection or its filters.
SELECTION_KEYS = ("ids", "select_all", *FILTER_PARAMETERS)


def export_settings_initial(*, user: AbstractBaseUser, store: Store) -> dict:
    """The last settings this user used in this store, else the store's defaults (French
    stores: semicolon and decimal comma, what a French spreadsheet expects)."""
    remembered = ExportSettings.objects.filter(user=user, store=store).first()
    if remembered is not None:
        return {
            "separator": remembered.separator,
            "columns": [key for key in remembered.columns if key in COLUMN_KEYS],
            "layout": remembered.layout,
            "bom": remembered.bom,
            "decimal": remembered.decimal,
        }
    french = store.language == "fr"
    return {
        "separator": Separator.SEMICOLON if french else Separator.COMMA,
        "columns": list(COLUMN_KEYS),
        "layout": Layout.LINES,
        "bom": True,
        "decimal": DecimalMark.COMMA if french else DecimalMark.POINT,
    }


def export_selection_data(data: Mapping) -> dict[str, list[str]]:
    """The selection part of a request (ids, "all matching", filters) as plain JSON-able lists."""
    getlist = data.getlist if hasattr(data, "getlist") else lambda key: list(data.get(key) or [])
    return {key: getlist(key) for key in SELECTION_KEYS if getlist(key)}


@dataclass
class ExportSelection:
    queryset: QuerySet[Order]
    problems: list[str] = field(default_factory=list)
    # True when the user ticked orders; False for "every order matching the filters".
    is_selection: bool = False
    # The selection as a background job may store it: its valid parts only (a NUL typed in a
    # field that was not used is refused by PostgreSQL's jsonb).
    storable: dict[str, list[str]] = field(default_factory=dict)


def export_selection(*, store: Store, selection: dict[str, list[str]]) -> ExportSelection:
    """The orders to export: ticked ones (or "all N matching") through the list's selection
    selector, otherwise every order matching the list's filters, the very same list as the page.
    Ids of another store are left out and reported by the selector."""
    is_selection = "ids" in selection or "select_all" in selection
    data = QueryDict(mutable=True)
    for key, values in selection.items():
        data.setlist(key, values)
    if not is_selection:
        data["select_all"] = "1"  # "Export all": every order matching the filters
    queryset, problems = order_selection_for_store(store=store, data=data)
    if data.get("select_all") in SELECT_ALL_VALUES:
        # The filters were validated by the list's FilterSet, or nothing was selected.
        storable = {key: values for key, values in selection.items() if key != "ids"}
    else:
        ids, _invalid = order_selection_ids(data)
        storable = {"ids": [str(pk) for pk in sorted(ids)]}
    return ExportSelection(
        queryset=queryset, problems=problems, is_selection=is_selection, storable=storable
    )


def export_selection_count(*, selection: ExportSelection, limit: int | None = None) -> int:
    """How many orders will be exported; with `limit`, stop counting just past it."""
    queryset = selection.queryset.order_by()
    if limit is not None:
        return queryset.values("pk")[: limit + 1].count()
    return queryset.count()


def _raw_rows(queryset: QuerySet) -> list[tuple]:
    """Run the ORM's own SQL (scoping and filters included) and take the database's values as
    they are: the exporter formats them itself, so Django's per-value converters (Decimal and
    datetime parsing on SQLite) would be paid for nothing."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a condition that matches nothing, such as an empty IN ()
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def export_row_batches(
    *,
    queryset: QuerySet[Order],
    order_fields: list[str],
    line_fields: list[str],
    batch_size: int = 5000,
) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Orders in primary-key order, `batch_size` at a time, never all in memory.

    Yields (orders, lines): order rows are (*order_fields, pk); line rows are
    (*line_fields, order_id) for the orders of the batch, by order then position.
    """
    if queryset.query.is_empty():
        return
    orders = queryset.order_by()
    last_pk = 0
    while True:
        order_rows = _raw_rows(
            orders.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list(*order_fields, "pk")[:batch_size]
        )
        if not order_rows:
            return
        first_pk, last_pk = order_rows[0][-1], order_rows[-1][-1]
        line_rows: list[tuple] = []
        if line_fields:
            in_batch = orders.filter(pk__gte=first_pk, pk__lte=last_pk).values("pk")
            line_rows = _raw_rows(
                OrderLine.objects.filter(order__in=in_batch)
                .order_by("order_id", "position", "pk")
                .values_list(*line_fields, "order_id")
            )
        yield order_rows, line_rows
        if len(order_rows) < batch_size:
            return
