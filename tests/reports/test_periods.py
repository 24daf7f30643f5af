from datetime import date

import pytest

from reports.periods import (
    Comparison,
    DateRange,
    Granularity,
    PeriodChoice,
    allowed_granularity,
    comparison_range,
    preset_range,
)

TODAY = date(2026, 5, 14)  # a Thursday


@pytest.mark.parametrize(
    ("choice", "start", "end"),
    [
        (PeriodChoice.TODAY, date(2026, 5, 14), date(2026, 5, 14)),
        (PeriodChoice.YESTERDAY, date(2026, 5, 13), date(2026, 5, 13)),
        (PeriodChoice.LAST_7_DAYS, date(2026, 5, 7), date(2026, 5, 13)),
        (PeriodChoice.LAST_30_DAYS, date(2026, 4, 14), date(2026, 5, 13)),
        (PeriodChoice.LAST_90_DAYS, date(2026, 2, 13), date(2026, 5, 13)),
        (PeriodChoice.MONTH_TO_DATE, date(2026, 5, 1), date(2026, 5, 14)),
        (PeriodChoice.LAST_MONTH, date(2026, 4, 1), date(2026, 4, 30)),
        (PeriodChoice.QUARTER_TO_DATE, date(2026, 4, 1), date(2026, 5, 14)),
        (PeriodChoice.YEAR_TO_DATE, date(2026, 1, 1), date(2026, 5, 14)),
        (PeriodChoice.LAST_YEAR, date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_named_periods(choice, start, end):
    assert preset_range(choice, today=TODAY) == DateRange(start, end)


def test_last_month_in_january_is_december():
    assert preset_range(PeriodChoice.LAST_MONTH, today=date(2026, 1, 3)) == DateRange(
        date(2025, 12, 1), date(2025, 12, 31)
    )


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    april = DateRange(date(2026, 4, 1), date(2026, 4, 30))
    assert comparison_range(april, Comparison.PREVIOUS_PERIOD) == DateRange(
        date(2026, 3, 2), date(2026, 3, 31)
    )


def test_same_period_last_year_keeps_whole_months_whole():
    february_2028 = DateRange(date(2028, 2, 1), date(2028, 2, 29))
    assert comparison_range(february_2028, Comparison.PREVIOUS_YEAR) == DateRange(
        date(2027, 2, 1), date(2027, 2, 28)
    )
    february_2029 = DateRange(date(2029, 2, 1), date(2029, 2, 28))
    assert comparison_range(february_2029, Comparison.PREVIOUS_YEAR) == DateRange(
        date(2028, 2, 1), date(2028, 2, 29)
    )
    leap_day = DateRange(date(2028, 2, 29), date(2028, 2, 29))
    assert comparison_range(leap_day, Comparison.PREVIOUS_YEAR).start == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("days", "wanted", "shown"),
    [
        (90, Granularity.HOUR, Granularity.HOUR),
        (91, Granularity.HOUR, Granularity.DAY),
        (5 * 365, Granularity.DAY, Granularity.DAY),
        (5 * 365 + 2, Granularity.DAY, Granularity.WEEK),
        (5 * 365 + 2, Granularity.HOUR, Granularity.WEEK),
        (21 * 365, Granularity.DAY, Granularity.MONTH),
    ],
)
def test_too_long_for_the_granularity_is_coarsened(days, wanted, shown):
    start = date(2001, 1, 1)
    period = DateRange(start, date.fromordinal(start.toordinal() + days - 1))
    assert allowed_granularity(period, wanted) == shown
