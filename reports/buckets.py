"""The buckets of a report (hours, days, ISO weeks, months) in the store's time zone, and the
SQL that puts each row in one.

The zone's UTC offset is constant between two daylight-saving changes, so the period is cut
into those segments and a row's local time is its UTC time plus its segment's offset: plain
integer arithmetic in the database (no per-row time-zone conversion), exact across the changes.
The database groups rows by local hour or day; weeks and months are made of days here.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Case, F, Value, When

from reports.periods import DateRange, Granularity
from reports.sql import DAY, EPOCH, HOUR, LocalUnit

# Daylight-saving changes are months apart: probing every 12 hours finds each of them.
PROBE = timedelta(hours=12)


@dataclass(frozen=True)
class Segment:
    """[start, end) in UTC, during which the zone is `offset` seconds ahead of UTC."""

    start: datetime
    end: datetime
    offset: int


@dataclass(frozen=True)
class Bucket:
    granularity: str
    first_day: date
    last_day: date
    # Hour buckets: the local wall-clock hour and the UTC offset then (the hour repeated when
    # clocks go back appears twice, with two offsets; `repeated` says so).
    hour: datetime | None = None
    utc_offset: int | None = None
    repeated: bool = False


@dataclass
class Timeline:
    period: DateRange
    granularity: str
    zone: ZoneInfo
    start: datetime  # UTC instants of the period's first and last (excluded) moments
    end: datetime
    segments: list[Segment]
    buckets: list[Bucket]
    # The database's unit key (a day index, or (hour index, offset)) → position in `buckets`.
    positions: dict = field(repr=False)

    @property
    def by_hour(self) -> bool:
        return self.granularity == Granularity.HOUR


def _offset(zone: ZoneInfo, instant: datetime) -> int:
    return int(instant.astimezone(zone).utcoffset().total_seconds())


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` starts in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def zone_segments(zone: ZoneInfo, start: datetime, end: datetime) -> list[Segment]:
    """[start, end) cut at each change of the zone's UTC offset, to the second."""
    segments = []
    segment_start, offset = start, _offset(zone, start)
    probe = start
    while probe < end:
        ahead = min(probe + PROBE, end)
        if ahead < end and _offset(zone, ahead) != offset:
            low, high = probe, ahead
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            segments.append(Segment(segment_start, high, offset))
            segment_start, offset = high, _offset(zone, high)
            probe = high
        else:
            probe = ahead
    segments.append(Segment(segment_start, end, offset))
    return segments


def _epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def _naive_seconds(day: date) -> int:
    """Seconds from 1970-01-01 to `day` at midnight, on the wall clock."""
    return (day - EPOCH).days * DAY


def timeline_for(period: DateRange, granularity: str, zone: ZoneInfo) -> Timeline:
    start = local_midnight(period.start, zone)
    end = local_midnight(period.end + timedelta(days=1), zone)
    segments = zone_segments(zone, start, end)
    if granularity == Granularity.HOUR:
        buckets, positions = _hour_buckets(period, segments)
    else:
        buckets, positions = _day_buckets(period, granularity)
    return Timeline(period, granularity, zone, start, end, segments, buckets, positions)


def _hour_buckets(period: DateRange, segments: list[Segment]) -> tuple[list, dict]:
    anchor = _naive_seconds(period.start)
    buckets, positions = [], {}
    for segment in segments:
        local_from = _epoch(segment.start) + segment.offset - anchor
        local_to = _epoch(segment.end) + segment.offset - anchor
        for index in range(local_from // HOUR, -(-local_to // HOUR)):
            hour = datetime.combine(period.start, time(0)) + timedelta(hours=index)
            positions[(index, segment.offset)] = len(buckets)
            buckets.append(
                Bucket(
                    Granularity.HOUR,
                    hour.date(),
                    hour.date(),
                    hour=hour,
                    utc_offset=segment.offset,
                )
            )
    seen: dict[datetime, int] = {}
    for bucket in buckets:
        seen[bucket.hour] = seen.get(bucket.hour, 0) + 1
    buckets = [
        Bucket(**{**bucket.__dict__, "repeated": True}) if seen[bucket.hour] > 1 else bucket
        for bucket in buckets
    ]
    return buckets, positions


def _day_buckets(period: DateRange, granularity: str) -> tuple[list, dict]:
    buckets, positions = [], {}
    current_key = None
    for index in range(period.days):
        day = period.start + timedelta(days=index)
        if granularity == Granularity.WEEK:
            key = day - timedelta(days=day.weekday())  # ISO weeks start on Monday
        elif granularity == Granularity.MONTH:
            key = (day.year, day.month)
        else:
            key = day
        if key != current_key:
            buckets.append(Bucket(granularity, day, day))
            current_key = key
        else:
            buckets[-1] = Bucket(granularity, buckets[-1].first_day, day)
        positions[index] = len(buckets) - 1
    return buckets, positions


def offset_expression(column: str, timeline: Timeline):
    """The UTC offset, in seconds, of the segment a row's `column` falls in."""
    segments = timeline.segments
    last = Value(segments[-1].offset, output_field=BigIntegerField())
    if len(segments) == 1:
        return last
    return Case(
        *[
            When(**{f"{column}__lt": segment.end}, then=Value(segment.offset))
            for segment in segments[:-1]
        ],
        default=last,
        output_field=BigIntegerField(),
    )


def unit_annotations(column: str, timeline: Timeline) -> dict:
    """Annotations giving each row its unit: `unit` (the local hour or day since the period's
    start) and, by hour, `unit_offset` (which tells the two hours of a clocks-back night apart).
    Rows must already be limited to the period (the index is never negative)."""
    offset = offset_expression(column, timeline)
    unit = LocalUnit(F(column), offset, anchor=timeline.period.start, by_hour=timeline.by_hour)
    annotations = {"unit": unit}
    if timeline.by_hour:
        annotations["unit_offset"] = offset
    return annotations


def unit_key(row: dict, timeline: Timeline):
    return (row["unit"], row["unit_offset"]) if timeline.by_hour else row["unit"]
