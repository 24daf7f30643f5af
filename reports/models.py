"""The daily summary the reports read instead of the orders: the additive figures of each
store's local day (and local hour), kept in the same transaction as every order write
(reports/summary.py) and rebuilt from the orders by `manage.py reports_rebuild`.

Days and hours are the store's own (its time zone): a change of zone rebuilds the store."""

from django.db import models

from mycommerce.models import Store


def money(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=16, decimal_places=2, default=0, **kwargs)


def share(**kwargs) -> models.DecimalField:
    # Unrounded shares of an order's discounts or refunds; rounded once, when shown.
    return models.DecimalField(max_digits=24, decimal_places=8, default=0, **kwargs)


class Sums(models.Model):
    """Sales booked on the order's date, refunds on the refund's (reports/rules.py)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    orders = models.IntegerField(default=0)
    gross = money()
    discounts = money()
    refunds = money()
    shipping = money()
    taxes = money()

    class Meta:
        abstract = True


class SalesDay(Sums):
    """One local day: in total (`dimension` ""), and by each value of each breakdown
    (source, payment status, fulfillment status, country)."""

    day = models.DateField()
    dimension = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "dimension", "day", "value"], name="salesday_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.dimension}={self.value}"


class SalesHour(Sums):
    """One local hour, named by the UTC instant it starts at (two hours of a clocks-back
    night are two rows)."""

    hour = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "hour"], name="saleshour_unique")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.hour:%Y-%m-%d %H:%M}Z"


class ProductDay(models.Model):
    """One SKU on one local day: its lines of the day's orders, its shares of their
    discounts, and its shares of the refunds recorded that day."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sku = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255, blank=True)
    quantity = models.BigIntegerField(default=0)
    gross = money()
    discounts = share()
    refunds = share()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "day", "sku"], name="productday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.sku}"


class CustomerDay(models.Model):
    """A local day on which a customer (an e-mail address, lower case) placed a counted
    order, with the customer's day before it (the day itself for their first)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.CharField(max_length=254)
    day = models.DateField()
    previous_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "customer", "day"], name="customerday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.customer}"


class CustomerReturn(models.Model):
    """How many customers came on `day` after their last visit on `previous_day` (the day
    itself: their first order). A period's customers are those of its days whose previous
    day is before the period (returning) or is the day itself (new): each customer counts
    once, on their first day in the period, without a distinct count over the orders."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    previous_day = models.DateField()
    customers = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "day", "previous_day"], name="customerreturn_unique"
            )
        ]
        # The report reads the counts from the index alone.
        indexes = [
            models.Index(
                fields=["store", "day", "previous_day", "customers"], name="customerreturn_read_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} after {self.previous_day}: {self.customers}"
