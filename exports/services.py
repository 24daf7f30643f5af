"""Writes of the CSV export: remember the settings, stream the file, or hand it to a job."""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import call
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone, translation

from exports.columns import Column, Kind, columns_for_keys
from exports.models import SEPARATOR_CHARACTERS, DecimalMark, ExportSettings, Layout
from exports.selectors import (
    export_row_batches,
    export_selection,
    export_selection_count,
)
from mycommerce.models import Job, Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from mycommerce.services import JobFile, JobProgress, job_create, job_enqueue, job_run, job_workdir
from orders.models import Order
from orders.statuses import FulfillmentStatus, PaymentStatus

# Job.kind of a background export (registered in exports/apps.py).
EXPORT_JOB = "export"
# Above this many orders the export runs as a background job (override in settings/tests).
DEFAULT_BACKGROUND_THRESHOLD = 10_000
BATCH_SIZE = 5000
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = " | "
# Bound on the caches of formatted prices and lines, so memory stays flat on any catalogue.
CACHE_LIMIT = 20_000


def background_threshold() -> int:
    return getattr(settings, "EXPORTS_BACKGROUND_THRESHOLD", DEFAULT_BACKGROUND_THRESHOLD)


@dataclass(frozen=True)
class ExportOptions:
    separator: str
    columns: list[str]
    layout: str
    bom: bool
    decimal: str

    @classmethod
    def from_dict(cls, data: dict) -> "ExportOptions":
        return cls(
            separator=data["separator"],
            columns=list(data["columns"]),
            layout=data["layout"],
            bom=bool(data["bom"]),
            decimal=data["decimal"],
        )

    def as_dict(self) -> dict:
        return {
            "separator": self.separator,
            "columns": self.columns,
            "layout": self.layout,
            "bom": self.bom,
            "decimal": self.decimal,
        }


@dataclass
class ExportOutcome:
    """Either a file to stream now (`chunks`) or a background `job` to follow."""

    filename: str
    count: int
    problems: list[str] = field(default_factory=list)
    chunks: Iterator[bytes] | None = None
    job: Job | None = None


def neutralise(value: str) -> str:
    """Prefix text a spreadsheet would run as a formula, so it shows as typed."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _money_formatter(decimal: str) -> Callable:
    # Values arrive as Decimal (PostgreSQL) or as int/float holding 2 decimals (SQLite);
    # both print exactly with 2 places. Prices repeat a lot, so each text is made once.
    comma = decimal == DecimalMark.COMMA
    texts: dict = {}

    def money(value) -> str:
        text = texts.get(value)
        if text is None:
            if len(texts) > CACHE_LIMIT:
                texts.clear()
            text = format(value, ".2f")
            if comma:
                text = text.replace(".", ",")
            texts[value] = text
        return text

    return money


def _datetime_formatter(tz_name: str) -> Callable:
    tz = ZoneInfo(tz_name)

    def format_datetime(value) -> str:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(tz).isoformat(timespec="seconds")

    return format_datetime


def _labels(choices) -> Callable:
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


def _same(value):
    return value


def _cell_formatters(columns: list[Column], *, store: Store, decimal: str) -> list[Callable]:
    """One function per column turning a raw database value into its cell, decided once."""
    by_kind = {
        Kind.TEXT: neutralise,
        Kind.NUMBER: _same,
        Kind.MONEY: _money_formatter(decimal),
        Kind.DATETIME: _datetime_formatter(store.timezone),
        Kind.PAYMENT_STATUS: _labels(PaymentStatus.choices),
        Kind.FULFILLMENT_STATUS: _labels(FulfillmentStatus.choices),
        Kind.SOURCE: _labels(Order.Source.choices),
    }
    return [by_kind[column.kind] for column in columns]


def _line_summarisers(columns: list[Column], *, decimal: str) -> list[Callable]:
    """Layout `orders`: each line column summarised over the order's lines."""
    money = _money_formatter(decimal)
    summarise = {
        "sku": lambda values: neutralise(LIST_SEPARATOR.join(values)),
        "name": lambda values: neutralise(LIST_SEPARATOR.join(values)),
        "quantity": sum,
        "unit_price": lambda values: LIST_SEPARATOR.join(money(v) for v in values),
        "line_total": lambda values: money(sum(values)),
    }
    return [summarise[column.field] for column in columns]


def export_csv_chunks(
    *,
    store: Store,
    queryset,
    options: ExportOptions,
    language: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks, one per batch of orders: memory stays flat."""
    columns = columns_for_keys(options.columns)
    order_columns = [c for c in columns if not c.per_line]
    line_columns = [c for c in columns if c.per_line]
    with translation.override(language):
        headers = [str(column.header) for column in order_columns + line_columns]
        order_cells = _cell_formatters(order_columns, store=store, decimal=options.decimal)
        line_cells = _cell_formatters(line_columns, store=store, decimal=options.decimal)
    summarisers = _line_summarisers(line_columns, decimal=options.decimal)
    # The same product at the same quantity and price recurs across orders: format it once.
    line_texts: dict[tuple, str] = {}

    delimiter = SEPARATOR_CHARACTERS[options.separator]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    render = _row_renderer(delimiter)
    # One row per line: the order's cells are quoted once and the line's once (cached), then
    # joined; quoting is per cell, so the text is the same as writing the whole row.
    joined_rows = options.layout == Layout.LINES and order_columns and line_columns
    no_line_text = delimiter * len(line_columns)
    if options.bom:
        buffer.write("\ufeff")
    writer.writerow(headers)
    done = 0
    for order_rows, line_rows in export_row_batches(
        queryset=queryset,
        order_fields=[c.field for c in order_columns],
        line_fields=[c.field for c in line_columns],
        batch_size=batch_size,
    ):
        lines_by_order: dict[int, list[tuple]] = {}
        for line in line_rows:
            lines_by_order.setdefault(line[-1], []).append(line[:-1])
        if joined_rows:
            texts: list[str] = []
            add = texts.append
            for order in order_rows:
                # map() stops at the last formatter: the trailing primary key is left out.
                prefix = render(list(map(call, order_cells, order)))
                lines = lines_by_order.get(order[-1])
                if not lines:
                    add(prefix + no_line_text)
                    continue
                prefix += delimiter
                for line in lines:
                    line_text = line_texts.get(line)
                    if line_text is None:
                        line_text = line_texts[line] = render(list(map(call, line_cells, line)))
                    add(prefix + line_text)
            if texts:
                buffer.write("\r\n".join(texts))
                buffer.write("\r\n")
        else:
            writer.writerows(
                _rows(order_rows, lines_by_order, order_cells, line_cells, summarisers, options)
            )
        if len(line_texts) > CACHE_LIMIT:
            line_texts.clear()
        done += len(order_rows)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if on_progress is not None:
            on_progress(done)
    if buffer.tell():
        yield buffer.getvalue().encode()


def _row_renderer(delimiter: str) -> Callable[[list], str]:
    """Quote one row (or part of a row) exactly as csv.writer would, without its line end."""
    captured: list[str] = []
    # The real line end, so cells holding a newline are quoted; it is cut off below.
    writer = csv.writer(
        SimpleNamespace(write=captured.append), delimiter=delimiter, lineterminator="\r\n"
    )

    def render(cells: list) -> str:
        writer.writerow(cells)
        text = captured.pop()[:-2]
        # csv quotes a lone empty cell so that the row is not blank; inside a row it is bare.
        return "" if text == '""' else text

    return render


def _rows(order_rows, lines_by_order, order_cells, line_cells, summarisers, options):
    """Rows as cell lists: layout `orders`, or a file of order columns (or line columns) only."""
    line_count = len(line_cells)
    for order in order_rows:
        cells = list(map(call, order_cells, order))
        lines = lines_by_order.get(order[-1])
        if not line_count:
            yield cells
        elif options.layout == Layout.ORDERS:
            per_column = list(zip(*lines)) if lines else [()] * line_count
            yield cells + [fmt(values) for fmt, values in zip(summarisers, per_column)]
        elif not lines:
            yield cells + [""] * line_count
        else:
            for line in lines:
                yield cells + list(map(call, line_cells, line))


def export_settings_remember(
    *, user: AbstractBaseUser, store: Store, options: ExportOptions
) -> ExportSettings:
    remembered, _created = ExportSettings.objects.update_or_create(
        user=user,
        store=store,
        defaults={**options.as_dict(), "updated_at": timezone.now()},
    )
    return remembered


def export_filename(*, store: Store) -> str:
    now = timezone.localtime(timezone.now(), ZoneInfo(store.timezone))
    return f"orders-{now:%Y%m%d-%H%M%S}.csv"


def order_export(
    *,
    membership: Membership,
    selection: dict[str, list[str]],
    options: ExportOptions,
    language: str,
) -> ExportOutcome:
    """Export the chosen orders: a stream for a normal size, a background job above the
    threshold. The settings are remembered for this user and store either way."""
    store = membership.store
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    export_settings_remember(user=membership.user, store=store, options=options)

    chosen = export_selection(store=store, selection=selection)
    threshold = background_threshold()
    count = export_selection_count(selection=chosen, limit=threshold)
    filename = export_filename(store=store)
    if count > threshold:
        job = job_create(
            store=store,
            user=membership.user,
            kind=EXPORT_JOB,
            params={
                "selection": chosen.storable,
                "options": options.as_dict(),
                "language": language,
                "filename": filename,
                "problems": chosen.problems,
            },
            total=export_selection_count(selection=chosen),
        )
        job_enqueue(job=job)
        return ExportOutcome(
            filename=filename, count=job.progress_total, problems=chosen.problems, job=job
        )
    chunks = export_csv_chunks(
        store=store, queryset=chosen.queryset, options=options, language=language
    )
    return ExportOutcome(filename=filename, count=count, problems=chosen.problems, chunks=chunks)


def export_job_run(*, job: Job) -> Job:
    """The background half of a large export (through `job_run`): the file is written again
    from the start when a stopped job is resumed, and the job ends with exactly one file."""
    params = job.params

    def work(progress: JobProgress) -> JobFile:
        progress(0)
        chosen = export_selection(store=job.store, selection=params["selection"])
        chunks = export_csv_chunks(
            store=job.store,
            queryset=chosen.queryset,
            options=ExportOptions.from_dict(params["options"]),
            language=params["language"],
            on_progress=progress,
        )
        workdir = job_workdir(job)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / "export.csv"
        with open(path, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        return JobFile(name=params["filename"], path=path)

    return job_run(job=job, work=work)
