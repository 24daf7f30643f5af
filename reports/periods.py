"""The periods a report covers, the period it is compared with, and the size of its buckets.

Dates are the store's calendar dates; reports/buckets.py turns them into instants.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodChoice(models.TextChoices):
    TODAY = "today", _("Today")
    YESTERDAY = "yesterday", _("Yesterday")
    LAST_7_DAYS = "last_7_days", _("Last 7 days")
    LAST_30_DAYS = "last_30_days", _("Last 30 days")
    LAST_90_DAYS = "last_90_days", _("Last 90 days")
    MONTH_TO_DATE = "month_to_date", _("Month to date")
    LAST_MONTH = "last_month", _("Last month")
    QUARTER_TO_DATE = "quarter_to_date", _("Quarter to date")
    YEAR_TO_DATE = "year_to_date", _("Year to date")
    LAST_YEAR = "last_year", _("Last year")
    CUSTOM = "custom", _("Custom dates")


class Comparison(models.TextChoices):
    PREVIOUS_PERIOD = "previous_period", _("Previous period of the same length")
    PREVIOUS_YEAR = "previous_year", _("Same period last year")


class Granularity(models.TextChoices):
    HOUR = "hour", _("By hour")
    DAY = "day", _("By day")
    WEEK = "week", _("By week")
    MONTH = "month", _("By month")


DEFAULT_PERIOD = PeriodChoice.LAST_30_DAYS
DEFAULT_COMPARISON = Comparison.PREVIOUS_PERIOD
# Longest period shown at each granularity (days for hours, years otherwise): beyond it the
# report coarsens, with a message.
MAX_HOUR_DAYS = 90
MAX_YEARS = {Granularity.DAY: 5, Granularity.WEEK: 20}
COARSER = {
    Granularity.HOUR: Granularity.DAY,
    Granularity.DAY: Granularity.WEEK,
    Granularity.WEEK: Granularity.MONTH,
}
# Custom dates stay within these years, so every comparison is a real date too.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


@dataclass(frozen=True)
class DateRange:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def shift_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _last_days(today: date, count: int) -> DateRange:
    # Whole days ending yesterday, so the figures do not move during the day.
    return DateRange(today - timedelta(days=count), today - timedelta(days=1))


def preset_range(choice: str, *, today: date) -> DateRange:
    """The dates of a named period, for a store whose date is `today`."""
    if choice == PeriodChoice.TODAY:
        return DateRange(today, today)
    if choice == PeriodChoice.YESTERDAY:
        yesterday = today - timedelta(days=1)
        return DateRange(yesterday, yesterday)
    if choice == PeriodChoice.LAST_7_DAYS:
        return _last_days(today, 7)
    if choice == PeriodChoice.LAST_30_DAYS:
        return _last_days(today, 30)
    if choice == PeriodChoice.LAST_90_DAYS:
        return _last_days(today, 90)
    if choice == PeriodChoice.MONTH_TO_DATE:
        return DateRange(today.replace(day=1), today)
    if choice == PeriodChoice.LAST_MONTH:
        last_day = today.replace(day=1) - timedelta(days=1)
        return DateRange(last_day.replace(day=1), last_day)
    if choice == PeriodChoice.QUARTER_TO_DATE:
        first_month = 3 * ((today.month - 1) // 3) + 1
        return DateRange(today.replace(month=first_month, day=1), today)
    if choice == PeriodChoice.YEAR_TO_DATE:
        return DateRange(today.replace(month=1, day=1), today)
    if choice == PeriodChoice.LAST_YEAR:
        return DateRange(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    raise ValueError(f"No preset dates for {choice!r}")


def comparison_range(period: DateRange, comparison: str) -> DateRange:
    """The period the report is compared with."""
    if comparison == Comparison.PREVIOUS_YEAR:
        start = shift_years(period.start, -1)
        end = shift_years(period.end, -1)
        # A whole month stays a whole month (29 February 2028 → 28 February 2027).
        if period.end.day == monthrange(period.end.year, period.end.month)[1]:
            end = end.replace(day=monthrange(end.year, end.month)[1])
        return DateRange(start, end)
    if comparison == Comparison.PREVIOUS_PERIOD:
        end = period.start - timedelta(days=1)
        return DateRange(end - timedelta(days=period.days - 1), end)
    raise ValueError(f"Unknown comparison {comparison!r}")


def default_granularity(period: DateRange) -> str:
    if period.days <= 2:
        return Granularity.HOUR
    if period.days <= 92:
        return Granularity.DAY
    if period.days <= 366:
        return Granularity.WEEK
    return Granularity.MONTH


def allowed_granularity(period: DateRange, wanted: str) -> str:
    """`wanted`, or the finest coarser one that keeps the number of buckets reasonable."""
    granularity = wanted
    while granularity in COARSER and _too_long(period, granularity):
        granularity = COARSER[granularity]
    return granularity


def _too_long(period: DateRange, granularity: str) -> bool:
    if granularity == Granularity.HOUR:
        return period.days > MAX_HOUR_DAYS
    return period.end >= shift_years(period.start, MAX_YEARS[granularity])
