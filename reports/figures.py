"""The figures of a report as plain values: sums from the database, the figures derived from
them (net sales, total sales, averages, rates), comparisons, and rounding that keeps a table's
rows adding up to its total."""

from dataclasses import dataclass, fields
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    if type(value) is Decimal:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    # SQLite returns sums of decimals as floats: back to exact cents, once, here.
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Amounts:
    """Sums over some orders and refunds: a bucket, a breakdown row, a whole period."""

    orders: int = 0
    gross: Decimal = ZERO
    discounts: Decimal = ZERO
    refunds: Decimal = ZERO
    shipping: Decimal = ZERO
    taxes: Decimal = ZERO
    items: int = 0

    def add_orders(self, row: dict) -> None:
        self.orders += row["orders"]
        self.gross += to_cents(row["gross"])
        self.discounts += to_cents(row["discounts"])
        self.shipping += to_cents(row["shipping"])
        self.taxes += to_cents(row["taxes"])

    def add_refunds(self, amount) -> None:
        self.refunds += to_cents(amount)

    def add_row(self, row: dict) -> None:
        """A summary row: its orders' sums and its refunds."""
        self.add_orders(row)
        self.add_refunds(row["refunds"])

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def net(self) -> Decimal:
        return self.gross - self.discounts - self.refunds

    @property
    def total(self) -> Decimal:
        return self.net + self.taxes + self.shipping

    @property
    def average_order_value(self) -> Decimal | None:
        if not self.orders:
            return None
        return ((self.gross - self.discounts) / self.orders).quantize(CENT, ROUND_HALF_UP)

    @property
    def items_per_order(self) -> Decimal | None:
        if not self.orders:
            return None
        return (Decimal(self.items) / self.orders).quantize(CENT, ROUND_HALF_UP)

    @property
    def refund_rate(self) -> Decimal | None:
        """Refunds as a share (0.125 is 12.5 %) of what the period's orders came to."""
        paid = self.gross - self.discounts + self.taxes + self.shipping
        if not paid:
            return None
        return (self.refunds / paid).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """A figure next to its comparison: the difference, and the change as a share (None
    where the comparison is zero or missing: shown as a dash)."""

    value: Decimal | int | None
    previous: Decimal | int | None

    @property
    def difference(self) -> Decimal | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def ratio(self) -> Decimal | None:
        if self.value is None or not self.previous:
            return None
        return (Decimal(self.value - self.previous) / abs(Decimal(self.previous))).quantize(
            Decimal("0.0001"), ROUND_HALF_UP
        )


def apportion(parts: list, total: Decimal) -> list[Decimal]:
    """Round `parts` to cents so that they add up to `total` exactly (largest remainder).
    `parts` are unrounded shares of `total` that add up to it up to rounding."""
    floors = [Decimal(str(part)).quantize(CENT, rounding=ROUND_FLOOR) for part in parts]
    missing = int(((total - sum(floors, ZERO)) / CENT).to_integral_value(ROUND_HALF_UP))
    order = sorted(
        range(len(parts)),
        key=lambda i: Decimal(str(parts[i])) - floors[i],
        reverse=missing > 0,
    )
    step = CENT if missing > 0 else -CENT
    for i in order[: abs(missing)]:
        floors[i] += step
    return floors
