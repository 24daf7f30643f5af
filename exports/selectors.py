"""Reads of the export: remembered settings, the orders to export, and their rows in batches."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import Expression, RawSQL
from django.http import QueryDict

from exports.columns import COLUMN_KEYS, Column, Source
from exports.models import DecimalMark, ExportSettings, FileFormat, Layout, Separator
from exports.related import (
    ROW_SOURCE_FIELDS,
    ROW_SOURCE_READERS,
    SOURCE_FIELDS,
    SOURCE_READERS,
    of_orders,
    raw_rows,
)
from mycommerce.models import Store
from orders.filters import FILTER_PARAMETERS, OrderFilterSet
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
            "format": remembered.format,
            "separator": remembered.separator,
            "columns": [key for key in remembered.columns if key in COLUMN_KEYS],
            "layout": remembered.layout,
            "bom": remembered.bom,
            "decimal": remembered.decimal,
        }
    french = store.language == "fr"
    return {
        "format": FileFormat.CSV,
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
        sorted_queryset = _in_list_sort(queryset, selection.get("sort") or [])
        if sorted_queryset is not None:
            queryset = sorted_queryset
            storable["sort"] = selection["sort"]
    return ExportSelection(
        queryset=queryset, problems=problems, is_selection=is_selection, storable=storable
    )


def _in_list_sort(queryset: QuerySet[Order], sort: list[str]) -> QuerySet[Order] | None:
    """Ticked orders in the list's sort (the list's form sends it along with the ids), or None
    when there is none or it is not one of the list's: the list's default, newest first, stays."""
    if not any(sort):
        return None
    data = QueryDict(mutable=True)
    data.setlist("sort", sort)
    filterset = OrderFilterSet(data, queryset=queryset)
    return filterset.qs if filterset.is_valid() else None


def export_selection_count(*, selection: ExportSelection, limit: int | None = None) -> int:
    """How many orders will be exported; with `limit`, stop counting just past it."""
    queryset = selection.queryset.order_by()
    if limit is not None:
        return queryset.values("pk")[: limit + 1].count()
    return queryset.count()


def export_row_batches(
    *,
    queryset: QuerySet[Order],
    order_columns: list[Column],
    line_fields: list[str],
    batch_size: int = 5000,
    line_annotations: Mapping[str, Expression] | None = None,
) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Orders in the queryset's order (the list's sort, ending on the primary key; primary-key
    order when it has none), `batch_size` at a time, never all in memory.

    Yields (orders, lines): order rows are (*one value per order column, pk), the values of the
    order's related rows (events, refunds, notes, discounts, taxes) read once per batch, the
    tracking link made from the order's own fields; line rows are (*line_fields, order_id) for
    the orders of the batch, by order then position; `line_annotations` name expressions of
    the line that `line_fields` may read.
    """
    if queryset.query.is_empty():
        return
    ordering = export_ordering(queryset)
    sort_fields = [name.lstrip("-") for name in ordering]
    own_fields = list(dict.fromkeys(c.field for c in order_columns if c.source == Source.ORDER))
    sources = list(dict.fromkeys(c.source for c in order_columns if c.source != Source.ORDER))
    assemble = _row_assembler(order_columns, own_fields, sources)
    # The fields the row sources are made from come with the order's own (after them).
    fetched = list(
        dict.fromkeys([*own_fields, *(f for s in sources for f in ROW_SOURCE_FIELDS.get(s, ()))])
    )
    row_inputs = {
        source: itemgetter(*(fetched.index(f) for f in ROW_SOURCE_FIELDS[source]), -1)
        for source in sources
        if source in ROW_SOURCE_FIELDS
    }
    keyed = queryset.order_by(*ordering).values_list(*fetched, *sort_fields)
    key_width = len(sort_fields)
    after: tuple | None = None
    while True:
        page = keyed if after is None else keyed.filter(_after(ordering, after, queryset.db))
        raw = raw_rows(page[:batch_size])
        if not raw:
            return
        after = raw[-1][-key_width:]
        # The primary key closes every sort, so it is the last value of each row.
        ids = [row[-1] for row in raw]
        own = [row[: len(own_fields)] + (row[-1],) for row in raw]
        related = [
            ROW_SOURCE_READERS[source](list(map(row_inputs[source], raw)))
            if source in row_inputs
            else SOURCE_READERS[source](ids)
            for source in sources
        ]
        order_rows = assemble(own, related)
        line_rows: list[tuple] = []
        if line_fields:
            line_rows = raw_rows(
                OrderLine.objects.filter(of_orders(OrderLine, ids))
                .annotate(**(line_annotations or {}))
                .order_by("order_id", "position", "pk")
                .values_list(*line_fields, "order_id")
            )
        yield order_rows, line_rows
        if len(raw) < batch_size:
            return


def export_ordering(queryset: QuerySet[Order]) -> list[str]:
    """The queryset's ordering ending on the primary key, so that rows come in a stable order
    and each batch starts right after the last row of the one before."""
    ordering = [str(name) for name in queryset.query.order_by] or ["pk"]
    if ordering[-1].lstrip("-") not in ("pk", "id"):
        ordering.append("-pk" if ordering[0].startswith("-") else "pk")
    return ordering


def _after(ordering: list[str], last: tuple, alias: str) -> RawSQL:
    """Rows after `last` in `ordering`. One direction throughout (every sort of the list) is a
    row-value comparison, which both databases answer from the sort's index; mixed directions
    spell each step out."""
    quote = connections[alias].ops.quote_name
    table = quote(Order._meta.db_table)

    def column(name: str) -> str:
        bare = name.lstrip("-")
        field = Order._meta.pk if bare == "pk" else Order._meta.get_field(bare)
        return f"{table}.{quote(field.column)}"

    columns = [column(name) for name in ordering]
    descending = [name.startswith("-") for name in ordering]
    if len(set(descending)) == 1:
        marks = ", ".join(["%s"] * len(columns))
        sign = "<" if descending[0] else ">"
        return RawSQL(
            f"({', '.join(columns)}) {sign} ({marks})", tuple(last), output_field=BooleanField()
        )
    steps, params = [], []
    for index, (name, down) in enumerate(zip(columns, descending)):
        equal = [f"{previous} = %s" for previous in columns[:index]]
        steps.append("(" + " AND ".join([*equal, f"{name} {'<' if down else '>'} %s"]) + ")")
        params += [*last[:index], last[index]]
    return RawSQL("(" + " OR ".join(steps) + ")", tuple(params), output_field=BooleanField())


def _row_assembler(order_columns: list[Column], own_fields: list[str], sources: list[str]):
    """A function turning the batch's own rows and related values into rows of one value per
    column (then the pk), with itemgetter and tuple joins only: no Python loop per cell."""
    offsets, width = {}, len(own_fields) + 1
    for source in sources:
        offsets[source] = width
        width += len(SOURCE_FIELDS[source])
    indices = [
        own_fields.index(c.field)
        if c.source == Source.ORDER
        else offsets[c.source] + SOURCE_FIELDS[c.source].index(c.field)
        for c in order_columns
    ]
    # One index gives a bare value; a tuple is wanted, so the pk always comes along.
    pick = itemgetter(*indices, len(own_fields)) if indices else itemgetter(slice(-1, None))
    blanks = [(None,) * len(SOURCE_FIELDS[source]) for source in sources]

    def assemble(own: list[tuple], related: list[dict[int, tuple]]) -> list[tuple]:
        if not related:
            return list(map(pick, own))
        rows = []
        for row in own:
            pk = row[-1]
            for values, blank in zip(related, blanks):
                row += values.get(pk, blank)
            rows.append(pick(row))
        return rows

    return assemble
