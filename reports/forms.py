"""The report's period form: GET parameters in, a checked request out. Bad input is a message
next to its field (never a 500); a period too long for its granularity is coarsened, with a
notice."""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.periods import (
    DEFAULT_COMPARISON,
    DEFAULT_PERIOD,
    FIRST_DATE,
    LAST_DATE,
    MAX_HOUR_DAYS,
    MAX_YEARS,
    Comparison,
    DateRange,
    Granularity,
    PeriodChoice,
    allowed_granularity,
    comparison_range,
    default_granularity,
    preset_range,
)

DATE_FORMATS = ["%Y-%m-%d"]


@dataclass(frozen=True)
class ReportRequest:
    period: DateRange
    comparison: str
    previous: DateRange
    granularity: str
    notices: list[str] = field(default_factory=list)


def _limit_text(granularity: str) -> str:
    if granularity == Granularity.HOUR:
        return ngettext("%(count)d day", "%(count)d days", MAX_HOUR_DAYS) % {"count": MAX_HOUR_DAYS}
    years = MAX_YEARS[granularity]
    return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}


class ReportForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PeriodChoice.choices,
        required=False,
        error_messages={"invalid_choice": _("Unknown period “%(value)s”.")},
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )
    compare = forms.ChoiceField(
        label=_("Compared with"),
        choices=Comparison.choices,
        required=False,
        error_messages={"invalid_choice": _("Unknown comparison “%(value)s”.")},
    )
    granularity = forms.ChoiceField(
        label=_("Detail"),
        choices=[("", _("Automatic")), *Granularity.choices],
        required=False,
        error_messages={"invalid_choice": _("Unknown granularity “%(value)s”.")},
    )

    def __init__(self, data=None, *, today: date, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("period", DEFAULT_PERIOD)
        data.setdefault("compare", DEFAULT_COMPARISON)
        super().__init__(data, **kwargs)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        period = self._period(cleaned)
        if period is None:
            return cleaned
        comparison = cleaned.get("compare") or DEFAULT_COMPARISON
        wanted = cleaned.get("granularity") or default_granularity(period)
        granularity = allowed_granularity(period, wanted)
        notices = []
        if granularity != wanted:
            notices.append(
                _("%(wanted)s, a report covers at most %(limit)s: this period is shown %(shown)s.")
                % {
                    "wanted": Granularity(wanted).label,
                    "limit": _limit_text(wanted),
                    "shown": str(Granularity(granularity).label).lower(),
                }
            )
        cleaned["request"] = ReportRequest(
            period=period,
            comparison=comparison,
            previous=comparison_range(period, comparison),
            granularity=granularity,
            notices=notices,
        )
        return cleaned

    def _period(self, cleaned) -> DateRange | None:
        choice = cleaned.get("period") or DEFAULT_PERIOD
        if choice != PeriodChoice.CUSTOM:
            return preset_range(choice, today=self.today)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None:
            self.add_error("start", _("Choose the first day of the period."))
        if end is None:
            self.add_error("end", _("Choose the last day of the period."))
        if start is None or end is None:
            return None
        for name, day in (("start", start), ("end", end)):
            if not FIRST_DATE <= day <= LAST_DATE:
                self.add_error(
                    name,
                    _("Choose a date from %(first)s to %(last)s.")
                    % {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
                )
        if end < start:
            self.add_error("end", _("The last day is before the first day."))
        if self.errors:
            return None
        return DateRange(start, end)
