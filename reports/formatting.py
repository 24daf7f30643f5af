"""Numbers, money, shares and dates of a report in the reader's language, by Babel
(French: "1 234,56 €", "12,5 %", "lun. 2 mars")."""

from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal, format_percent, get_minus_sign_symbol
from django.utils.translation import gettext as _

from mycommerce.money import babel_locale, format_money
from reports.buckets import Bucket
from reports.periods import DateRange, Granularity

DASH = "—"


def _locale() -> str:
    return babel_locale()


def _signed(text: str, value) -> str:
    if value > 0:
        return "+" + text
    if value < 0:
        return get_minus_sign_symbol(_locale()) + text
    return text


def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return DASH
    return format_money(amount, currency)


def signed_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return DASH
    return _signed(format_money(abs(amount), currency), amount)


def number(value: int | Decimal | None) -> str:
    if value is None:
        return DASH
    return format_decimal(value, locale=_locale())


def signed_number(value: int | Decimal | None) -> str:
    if value is None:
        return DASH
    return _signed(number(abs(value)), value)


def _percent_pattern() -> str:
    # The language's own pattern ("#,##0 %" in French), with one decimal.
    return Locale.parse(_locale()).percent_formats[None].pattern.replace("#,##0", "#,##0.0")


def percent(share: Decimal | None) -> str:
    """0.125 → "12.5%" ("12,5 %" in French)."""
    if share is None:
        return DASH
    return format_percent(share, format=_percent_pattern(), locale=_locale())


def signed_percent(share: Decimal | None) -> str:
    if share is None:
        return DASH
    return _signed(percent(abs(share)), share)


def day_label(day: date) -> str:
    """ "lun. 2 mars" / "Mon 2 Mar"."""
    return format_skeleton("MMMEd", day, locale=_locale())


def range_label(period: DateRange) -> str:
    """ "1–31 mars 2026" / "1–31 Mar 2026"; one day: "2 mars 2026"."""
    if period.start == period.end:
        return format_skeleton("yMMMd", period.start, locale=_locale())
    return format_interval(period.start, period.end, "yMMMd", locale=_locale())


def bucket_label(bucket: Bucket) -> str:
    if bucket.granularity == Granularity.HOUR:
        text = (
            f"{day_label(bucket.first_day)} {format_skeleton('Hm', bucket.hour, locale=_locale())}"
        )
        if bucket.repeated:
            hours, rest = divmod(abs(bucket.utc_offset), 3600)
            sign = "+" if bucket.utc_offset >= 0 else "-"
            text += f" (UTC{sign}{hours:02d}:{rest // 60:02d})"
        return text
    if bucket.granularity == Granularity.DAY:
        return day_label(bucket.first_day)
    if bucket.granularity == Granularity.WEEK:
        if bucket.first_day == bucket.last_day:
            return format_skeleton("MMMd", bucket.first_day, locale=_locale())
        return format_interval(bucket.first_day, bucket.last_day, "MMMd", locale=_locale())
    return format_date(bucket.first_day, "LLLL y", locale=_locale())


def bucket_iso(bucket: Bucket) -> str:
    """The bucket for a spreadsheet: 2026-03-02, 2026-03-02/2026-03-08, 2026-03 or an hour
    with its UTC offset."""
    if bucket.granularity == Granularity.HOUR:
        hours, rest = divmod(abs(bucket.utc_offset), 3600)
        sign = "+" if bucket.utc_offset >= 0 else "-"
        return f"{bucket.hour:%Y-%m-%dT%H:%M}{sign}{hours:02d}:{rest // 60:02d}"
    if bucket.granularity == Granularity.DAY:
        return bucket.first_day.isoformat()
    if bucket.granularity == Granularity.MONTH:
        return f"{bucket.first_day:%Y-%m}"
    return f"{bucket.first_day.isoformat()}/{bucket.last_day.isoformat()}"


def country_name(code: str) -> str:
    if not code:
        return _("Unknown")
    return Locale.parse(_locale()).territories.get(code.upper(), code)
