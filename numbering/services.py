from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mycommerce.models import Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from numbering.collisions import taken_numbers
from numbering.models import NumberingChange, NumberSequence, RetiredFormat
from numbering.validators import MAX_NUMBER, validate_affix


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
