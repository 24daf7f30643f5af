from dataclasses import dataclass

from django.db import transaction

from mycommerce.models import Store
from numbering.models import NumberSequence


@dataclass(frozen=True)
class AllocatedNumber:
    number: int
    reference: str


def numbering_allocate(*, store: Store, count: int = 1) -> list[AllocatedNumber]:
    """Take the next `count` numbers of `store` inside the caller's transaction.

    The counter row is locked until the caller commits, so concurrent orders queue
    for it; if the caller rolls back, the numbers are given back with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering_allocate must run inside the order's transaction.")
    NumberSequence.objects.get_or_create(store=store)
    sequence = NumberSequence.objects.select_for_update().get(store=store)
    first = sequence.next_number
    sequence.next_number = first + count
    sequence.save(update_fields=["next_number"])
    return [
        AllocatedNumber(number=n, reference=sequence.format(n)) for n in range(first, first + count)
    ]
