"""The abandoned carts' figures for a period: the carts created in it, and what became of
them to date. "Recovered" counts only orders placed through a reminder's link; "influenced"
counts the other orders from the same e-mail within 7 days after a reminder. The lift compares
the reminded group with the held-out group (abandoned carts that could have been reminded,
drawn at random), on orders by any path after abandonment."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Lower

from carts.models import STEPS, Cart, CartEvent, CartReminder
from mycommerce.models import Store
from orders.filters import start_of_day
from orders.models import Order

INFLUENCE_WINDOW = timedelta(days=7)
# Below this many carts in a group, the lift is shown but said to be too uncertain.
MIN_GROUP_FOR_LIFT = 30
ZERO = Decimal("0.00")


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Lift:
    reminded: int
    reminded_ordered: int
    held_out: int
    held_out_ordered: int

    @property
    def reminded_rate(self) -> float | None:
        return _rate(self.reminded_ordered, self.reminded)

    @property
    def held_out_rate(self) -> float | None:
        return _rate(self.held_out_ordered, self.held_out)

    @property
    def points(self) -> float | None:
        """Reminded minus held-out conversion, in percentage points."""
        if self.reminded_rate is None or self.held_out_rate is None:
            return None
        return (self.reminded_rate - self.held_out_rate) * 100

    @property
    def margin(self) -> float | None:
        """Half-width of the 95 % interval of `points` (normal approximation)."""
        if self.points is None:
            return None
        p1, p2 = self.reminded_rate, self.held_out_rate
        variance = p1 * (1 - p1) / self.reminded + p2 * (1 - p2) / self.held_out
        return 1.96 * math.sqrt(variance) * 100

    @property
    def reliable(self) -> bool:
        return min(self.reminded, self.held_out) >= MIN_GROUP_FOR_LIFT


@dataclass(frozen=True)
class CartFigures:
    start: date
    end: date
    created: int
    abandoned: int
    reminders: dict[int, int]
    links_opened: int
    recovered: int
    recovered_revenue: Decimal
    influenced: int
    influenced_revenue: Decimal
    lift: Lift

    @property
    def abandonment_rate(self) -> float | None:
        return _rate(self.abandoned, self.created)

    @property
    def recovery_rate(self) -> float | None:
        return _rate(self.recovered, self.abandoned)

    @property
    def reminders_sent(self) -> int:
        return sum(self.reminders.values())


def cohort(*, store: Store, start: date, end: date) -> QuerySet[Cart]:
    return Cart.objects.filter(
        store=store,
        created_at__gte=start_of_day(start),
        created_at__lt=start_of_day(end + timedelta(days=1)),
    )


def cart_figures(*, store: Store, start: date, end: date) -> CartFigures:
    carts = cohort(store=store, start=start, end=end)
    recovered = Q(ordered_via=Cart.OrderedVia.LINK, order__isnull=False)
    ordered_after = Q(order__isnull=False, ordered_at__gte=F("first_abandoned_at"))
    counts = carts.aggregate(
        created=Count("pk"),
        abandoned=Count("pk", filter=Q(first_abandoned_at__isnull=False)),
        recovered=Count("pk", filter=recovered),
        recovered_revenue=Sum("order__total", filter=recovered),
        reminded=Count("pk", filter=Q(group=Cart.Group.REMINDED)),
        reminded_ordered=Count("pk", filter=Q(group=Cart.Group.REMINDED) & ordered_after),
        held_out=Count("pk", filter=Q(group=Cart.Group.HOLDOUT)),
        held_out_ordered=Count("pk", filter=Q(group=Cart.Group.HOLDOUT) & ordered_after),
    )
    sent = CartReminder.objects.filter(cart__in=carts, status=CartReminder.Status.SENT)
    per_step = dict(sent.order_by().values_list("step").annotate(n=Count("pk")))
    opened = (
        CartEvent.objects.filter(cart__in=carts, type=CartEvent.Type.LINK_OPENED)
        .values("cart")
        .distinct()
        .count()
    )
    influenced = influenced_orders(store=store, reminders=sent).aggregate(
        count=Count("pk"), revenue=Sum("total")
    )
    return CartFigures(
        start=start,
        end=end,
        created=counts["created"],
        abandoned=counts["abandoned"],
        reminders={step: per_step.get(step, 0) for step in STEPS},
        links_opened=opened,
        recovered=counts["recovered"],
        recovered_revenue=(counts["recovered_revenue"] or ZERO).quantize(ZERO),
        influenced=influenced["count"],
        influenced_revenue=(influenced["revenue"] or ZERO).quantize(ZERO),
        lift=Lift(
            reminded=counts["reminded"],
            reminded_ordered=counts["reminded_ordered"],
            held_out=counts["held_out"],
            held_out_ordered=counts["held_out_ordered"],
        ),
    )


def influenced_orders(*, store: Store, reminders: QuerySet[CartReminder]) -> QuerySet[Order]:
    """Orders not placed through a reminder's link, from an address that got a reminder in
    the 7 days before; each order counts once, however many reminders preceded it."""
    preceded = reminders.filter(
        email=OuterRef("email_lower"),
        created_at__lte=OuterRef("created_at"),
        created_at__gte=OuterRef("created_at") - INFLUENCE_WINDOW,
    )
    through_link = Cart.objects.filter(
        store=store, ordered_via=Cart.OrderedVia.LINK, order=OuterRef("pk")
    )
    return (
        Order.objects.filter(store=store)
        .annotate(email_lower=Lower("customer_email"))
        .filter(Exists(preceded))
        .exclude(Exists(through_link))
    )
