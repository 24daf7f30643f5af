from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from mycommerce.models import Store
from numbering.collisions import taken_numbers
from numbering.models import InvoiceSeries, NumberingChange, NumberSequence, RetiredFormat


def numbering_settings_for_store(*, store: Store) -> NumberSequence:
    """The store's numbering settings; defaults (unsaved) before its first order."""
    sequence = NumberSequence.objects.filter(store=store).first()
    return sequence or NumberSequence(store=store)


def numbering_preview(
    *,
    store: Store,
    next_number: int | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
) -> str:
    """The reference the next order would get with these settings (the saved ones by default)."""
    sequence = numbering_settings_for_store(store=store)
    prefix = sequence.prefix if prefix is None else prefix
    suffix = sequence.suffix if suffix is None else suffix
    start = max(sequence.next_number, next_number or 0)
    retired = list(RetiredFormat.objects.filter(store=store))
    changes_format = (prefix, suffix) != (sequence.prefix, sequence.suffix)
    if changes_format and sequence.format_first_number is not None:
        # Saving would retire the current format: its references are taken too.
        retired.append(
            RetiredFormat(
                prefix=sequence.prefix,
                suffix=sequence.suffix,
                first_number=sequence.format_first_number,
                last_number=sequence.last_issued,
            )
        )
    number = taken_numbers(prefix=prefix, suffix=suffix, retired=retired).first_free(start)
    return NumberSequence(prefix=prefix, suffix=suffix).format(number)


def numbering_change_list(*, store: Store, limit: int = 50) -> QuerySet[NumberingChange]:
    return (
        NumberingChange.objects.filter(store=store)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[:limit]
    )


def invoice_series_for_store(*, store: Store) -> InvoiceSeries:
    """The store's invoice series; defaults (unsaved) before its first invoice."""
    return InvoiceSeries.objects.filter(store=store).first() or InvoiceSeries(store=store)


def invoice_series_preview(*, store: Store) -> str:
    """The number the next invoice would get if it were issued today."""
    series = invoice_series_for_store(store=store)
    today = timezone.localdate(timezone=ZoneInfo(store.timezone))
    year = max(today, series.last_issued_on or today).year
    restart = series.yearly_restart and series.year is not None and year != series.year
    return series.format(number=1 if restart else series.next_number, year=year)
