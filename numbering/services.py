from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mycommerce.models import Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from numbering.collisions import taken_numbers
from numbering.models import InvoiceSeries, NumberingChange, NumberSequence, RetiredFormat
from numbering.validators import INVOICE_PREFIX_MAX_LENGTH, MAX_NUMBER, validate_affix


@dataclass(frozen=True)
class AllocatedNumber:
    number: int
    reference: str


def _sequence_for_update(store: Store) -> NumberSequence:
    """The store's counter row, locked until the caller's transaction ends."""
    try:
        return NumberSequence.objects.select_for_update().get(store=store)
    except NumberSequence.DoesNotExist:
        NumberSequence.objects.get_or_create(store=store)
        return NumberSequence.objects.select_for_update().get(store=store)


def numbering_allocate(*, store: Store, count: int = 1) -> list[AllocatedNumber]:
    """Take the next `count` numbers of `store` inside the caller's transaction.

    The counter row is locked until the caller commits, so concurrent orders queue
    for it; if the caller rolls back, the numbers are given back with it. A number
    whose reference an older prefix/suffix already produced is skipped.
    """
    if count < 1:
        raise ValueError("count must be at least 1.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering_allocate must run inside the order's transaction.")
    sequence = _sequence_for_update(store)
    taken = taken_numbers(
        prefix=sequence.prefix,
        suffix=sequence.suffix,
        retired=RetiredFormat.objects.filter(store=store),
    )
    allocated: list[AllocatedNumber] = []
    number = sequence.next_number
    while len(allocated) < count:
        number = taken.first_free(number)
        allocated.append(AllocatedNumber(number=number, reference=sequence.format(number)))
        number += 1
    sequence.next_number = number
    sequence.last_issued = allocated[-1].number
    if sequence.format_first_number is None:
        sequence.format_first_number = allocated[0].number
    sequence.save(update_fields=["next_number", "last_issued", "format_first_number"])
    return allocated


def _settings_snapshot(sequence: NumberSequence) -> dict:
    return {
        "next_number": sequence.next_number,
        "prefix": sequence.prefix,
        "suffix": sequence.suffix,
    }


def numbering_update_settings(
    *,
    membership: Membership,
    next_number: int | None,
    prefix: str,
    suffix: str,
) -> NumberingChange | None:
    """Change the next number (only upwards), prefix and suffix of new orders, and record it.

    `next_number=None` keeps the counter where it is (orders may have moved it meanwhile).
    Returns the audit entry, or None when nothing changed.
    """
    ensure_member_may(membership, Permission.MANAGE_SETTINGS, feature=Feature.CUSTOM_NUMBERING)
    store = membership.store
    errors = {}
    for field, value in (("prefix", prefix), ("suffix", suffix)):
        try:
            validate_affix(value)
        except ValidationError as error:
            errors[field] = error
    if next_number is not None and next_number > MAX_NUMBER:
        errors["next_number"] = ValidationError(
            _("Enter %(maximum)s or less.") % {"maximum": MAX_NUMBER}, code="max_value"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sequence = _sequence_for_update(store)
        if next_number is not None and next_number < sequence.next_number:
            raise ValidationError(
                {"next_number": numbering_too_low_error(minimum=sequence.next_number)}
            )
        before = _settings_snapshot(sequence)
        if (prefix, suffix) != (sequence.prefix, sequence.suffix):
            if sequence.format_first_number is not None:
                RetiredFormat.objects.create(
                    store=store,
                    prefix=sequence.prefix,
                    suffix=sequence.suffix,
                    first_number=sequence.format_first_number,
                    last_number=sequence.last_issued,
                )
            sequence.format_first_number = None
        sequence.prefix, sequence.suffix = prefix, suffix
        if next_number is not None:
            sequence.next_number = next_number
        after = _settings_snapshot(sequence)
        if after == before:
            return None
        sequence.save()
        return NumberingChange.objects.create(
            store=store, changed_by=membership.user, before=before, after=after
        )


def numbering_too_low_error(*, minimum: int) -> ValidationError:
    return ValidationError(
        _(
            "The next number can only go up: it must be higher than every number already "
            "issued. Enter %(minimum)s or more."
        )
        % {"minimum": minimum},
        code="too_low",
    )


# The invoice series ----------------------------------------------------------------------


@dataclass(frozen=True)
class AllocatedInvoiceNumber:
    number: int
    year: int
    reference: str
    issued_on: date


def _invoice_series_for_update(store: Store) -> InvoiceSeries:
    try:
        return InvoiceSeries.objects.select_for_update().get(store=store)
    except InvoiceSeries.DoesNotExist:
        InvoiceSeries.objects.get_or_create(store=store)
        return InvoiceSeries.objects.select_for_update().get(store=store)


def invoice_series_allocate(*, store: Store, on: date | None = None) -> AllocatedInvoiceNumber:
    """The next invoice number of `store` and its issue date, inside the issuing transaction.

    The series row stays locked until the caller commits, so concurrent issuers queue for it
    and the numbers follow each other without a gap; a rolled-back issue gives its number
    back. The date is taken under the lock and never goes back (chronological series): by
    default today in the store's time zone.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_series_allocate must run inside the issuing transaction.")
    series = _invoice_series_for_update(store)
    issued_on = on or timezone.localdate(timezone=ZoneInfo(store.timezone))
    if series.last_issued_on and issued_on < series.last_issued_on:
        issued_on = series.last_issued_on
    number = series.next_number
    if series.yearly_restart and series.year is not None and issued_on.year != series.year:
        number = 1
    series.next_number = number + 1
    series.year = issued_on.year
    series.issued_count += 1
    series.last_issued_on = issued_on
    series.save(update_fields=["next_number", "year", "issued_count", "last_issued_on"])
    return AllocatedInvoiceNumber(
        number=number,
        year=issued_on.year,
        reference=series.format(number=number, year=issued_on.year),
        issued_on=issued_on,
    )


def invoice_series_update_settings(
    *, membership: Membership, prefix: str, yearly_restart: bool, first_number: int | None = None
) -> InvoiceSeries:
    """The prefix and yearly restart of the invoice series, and (once, before the first
    invoice) the number it starts from, to continue a series kept elsewhere until now."""
    ensure_member_may(membership, Permission.MANAGE_SETTINGS)
    errors = {}
    try:
        validate_affix(prefix)
        if len(prefix) > INVOICE_PREFIX_MAX_LENGTH:
            raise ValidationError(
                _("Use at most %(limit)s characters.") % {"limit": INVOICE_PREFIX_MAX_LENGTH},
                code="max_length",
            )
    except ValidationError as error:
        errors["prefix"] = error
    if first_number is not None and not 1 <= first_number <= MAX_NUMBER:
        errors["first_number"] = ValidationError(
            _("Enter a number between 1 and %(maximum)s.") % {"maximum": MAX_NUMBER},
            code="range",
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        series = _invoice_series_for_update(membership.store)
        if first_number is not None and first_number != series.next_number:
            if series.issued_count:
                raise ValidationError(
                    {
                        "first_number": ValidationError(
                            _(
                                "Invoices have been issued: from now on only the series "
                                "moves the number."
                            ),
                            code="started",
                        )
                    }
                )
            series.next_number = first_number
        series.prefix, series.yearly_restart = prefix, yearly_restart
        series.save(update_fields=["prefix", "yearly_restart", "next_number"])
    return series
