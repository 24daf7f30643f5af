"""Writes of the export: remember the settings, stream the file (CSV) or write it (XLSX), or
hand it to a background job. The files themselves are made in exports/csv_file.py and
exports/xlsx.py."""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from exports.csv_file import csv_chunks
from exports.journal import ereporting_summary, journal_lines, journal_settings_for
from exports.journal_files import (
    JOURNAL_KINDS,
    SUMMARY_KINDS,
    journal_headers,
    journal_rows,
    summary_headers,
    summary_rows,
    table_csv_chunks,
    xlsx_bytes,
)
from exports.models import ExportSettings, FileFormat, JournalSettings
from exports.selectors import export_selection, export_selection_count
from exports.xlsx import xlsx_write
from mycommerce.models import Job, Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_can, ensure_member_may
from mycommerce.services import JobFile, JobProgress, job_create, job_enqueue, job_run, job_workdir

# Job.kind of a background export (registered in exports/apps.py).
EXPORT_JOB = "export"
# Above this many orders the export runs as a background job (override in settings/tests).
DEFAULT_BACKGROUND_THRESHOLD = 10_000
BATCH_SIZE = 5000
CHUNK_SIZE = 256 * 1024
CONTENT_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def background_threshold() -> int:
    return getattr(settings, "EXPORTS_BACKGROUND_THRESHOLD", DEFAULT_BACKGROUND_THRESHOLD)


@dataclass(frozen=True)
class ExportOptions:
    separator: str
    columns: list[str]
    layout: str
    bom: bool
    decimal: str
    format: str = FileFormat.CSV

    @classmethod
    def from_dict(cls, data: dict) -> "ExportOptions":
        return cls(
            separator=data["separator"],
            columns=list(data["columns"]),
            layout=data["layout"],
            bom=bool(data["bom"]),
            decimal=data["decimal"],
            # Jobs queued before XLSX existed carry no format: they were CSV.
            format=data.get("format") or FileFormat.CSV,
        )

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "separator": self.separator,
            "columns": self.columns,
            "layout": self.layout,
            "bom": self.bom,
            "decimal": self.decimal,
        }


@dataclass
class ExportOutcome:
    """Either a file to send now (`chunks`, of `content_type`) or a background `job`."""

    filename: str
    count: int
    problems: list[str] = field(default_factory=list)
    chunks: Iterator[bytes] | None = None
    content_type: str = CONTENT_TYPES[FileFormat.CSV]
    job: Job | None = None


def export_csv_chunks(
    *,
    store: Store,
    queryset,
    options: ExportOptions,
    language: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks, one per batch of orders: memory stays flat."""
    return csv_chunks(
        store=store,
        queryset=queryset,
        options=options,
        language=language,
        on_progress=on_progress,
        batch_size=batch_size or BATCH_SIZE,
    )


def export_xlsx_write(
    *,
    path: Path,
    store: Store,
    queryset,
    options: ExportOptions,
    language: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
) -> None:
    """The XLSX file written at `path` (XlsxWriter needs a file: a zip is not streamed)."""
    xlsx_write(
        path=path,
        store=store,
        queryset=queryset,
        options=options,
        language=language,
        on_progress=on_progress,
        batch_size=batch_size or BATCH_SIZE,
    )


def _file_chunks(folder: tempfile.TemporaryDirectory, path: Path) -> Iterator[bytes]:
    """A written file's bytes; its temporary folder goes once they are sent (or abandoned)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk
    finally:
        folder.cleanup()


def export_settings_remember(
    *, user: AbstractBaseUser, store: Store, options: ExportOptions
) -> ExportSettings:
    remembered, _created = ExportSettings.objects.update_or_create(
        user=user,
        store=store,
        defaults={**options.as_dict(), "updated_at": timezone.now()},
    )
    return remembered


def export_filename(*, store: Store, file_format: str = FileFormat.CSV) -> str:
    now = timezone.localtime(timezone.now(), ZoneInfo(store.timezone))
    return f"orders-{now:%Y%m%d-%H%M%S}.{file_format}"


def order_export(
    *,
    membership: Membership,
    selection: dict[str, list[str]],
    options: ExportOptions,
    language: str,
) -> ExportOutcome:
    """Export the chosen orders: a file now for a normal size, a background job above the
    threshold. The settings are remembered for this user and store either way."""
    store = membership.store
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    export_settings_remember(user=membership.user, store=store, options=options)

    chosen = export_selection(store=store, selection=selection)
    threshold = background_threshold()
    count = export_selection_count(selection=chosen, limit=threshold)
    filename = export_filename(store=store, file_format=options.format)
    outcome = ExportOutcome(
        filename=filename,
        count=count,
        problems=chosen.problems,
        content_type=CONTENT_TYPES[options.format],
    )
    if count > threshold:
        outcome.job = job_create(
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
        job_enqueue(job=outcome.job)
        outcome.count = outcome.job.progress_total
    elif options.format == FileFormat.XLSX:
        folder = tempfile.TemporaryDirectory(prefix="export-")
        path = Path(folder.name) / "export.xlsx"
        try:
            export_xlsx_write(
                path=path,
                store=store,
                queryset=chosen.queryset,
                options=options,
                language=language,
            )
        except BaseException:
            folder.cleanup()
            raise
        outcome.chunks = _file_chunks(folder, path)
    else:
        outcome.chunks = export_csv_chunks(
            store=store, queryset=chosen.queryset, options=options, language=language
        )
    return outcome


def export_job_run(*, job: Job) -> Job:
    """The background half of a large export (through `job_run`): the file is written again
    from the start when a stopped job is resumed, and the job ends with exactly one file."""
    params = job.params
    options = ExportOptions.from_dict(params["options"])

    def work(progress: JobProgress) -> JobFile:
        progress(0)
        chosen = export_selection(store=job.store, selection=params["selection"])
        workdir = job_workdir(job)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"export.{options.format}"
        written = {
            "store": job.store,
            "queryset": chosen.queryset,
            "options": options,
            "language": params["language"],
            "on_progress": progress,
        }
        if options.format == FileFormat.XLSX:
            export_xlsx_write(path=path, **written)
        else:
            with open(path, "wb") as out:
                for chunk in export_csv_chunks(**written):
                    out.write(chunk)
        return JobFile(name=params["filename"], path=path)

    return job_run(job=job, work=work)


@dataclass(frozen=True)
class JournalFile:
    chunks: Iterator[bytes]
    filename: str
    content_type: str


def journal_export(
    *,
    membership: Membership,
    start: date,
    end: date,
    report: str,
    file_format: str,
    language: str,
) -> JournalFile:
    """The sales journal (or the consumer sales summary for e-reporting) of a period, as a
    CSV streamed in chunks or an XLSX; any member who may export may download it."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    store = membership.store
    with translation.override(language):
        if report == "ereporting":
            headers, kinds = summary_headers(), SUMMARY_KINDS
            rows = summary_rows(ereporting_summary(store=store, start=start, end=end))
            title, stem = _("Consumer sales"), pgettext("file name", "consumer-sales")
        else:
            headers, kinds = journal_headers(), JOURNAL_KINDS
            lines = journal_lines(store=store, start=start, end=end)
            rows = journal_rows(lines)
            title, stem = _("Sales journal"), pgettext("file name", "sales-journal")
        filename = f"{slugify(stem)}-{start.isoformat()}-{end.isoformat()}.{file_format}"
        if file_format == FileFormat.XLSX:
            content = xlsx_bytes(
                title=str(title),
                headers=headers,
                kinds=kinds,
                rows=rows,
                currency=store.currency,
                language=language,
            )
            chunks: Iterator[bytes] = iter([content])
        else:
            chunks = csv_chunks_in_language(table_csv_chunks(headers=headers, rows=rows), language)
    return JournalFile(chunks=chunks, filename=filename, content_type=CONTENT_TYPES[file_format])


def csv_chunks_in_language(chunks: Iterator[bytes], language: str) -> Iterator[bytes]:
    """A streamed file's labels are made while it streams: keep the language for them."""
    iterator = iter(chunks)
    while True:
        with translation.override(language):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def journal_settings_save(*, membership: Membership, data: dict) -> JournalSettings:
    """Save the store's journal code and accounts (admins and owners)."""
    ensure_member_can(membership, Permission.MANAGE_SETTINGS)
    settings_row = journal_settings_for(store=membership.store)
    for name in JOURNAL_SETTINGS_FIELDS:
        if name in data:
            setattr(settings_row, name, data[name])
    settings_row.save()
    return settings_row


JOURNAL_SETTINGS_FIELDS = (*JournalSettings.FORM_FIELDS, "rate_accounts")
