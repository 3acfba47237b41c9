"""Business hours as CloudWatch metric math over UTC timestamps (DPP-MON-3.c).

Metric math sees each datapoint's UTC time only: ``DAY()`` (1 = Monday ... 7 = Sunday) and
``HOUR()`` (0-23) (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
A local working day therefore maps to UTC cells that may cross midnight and the week's end
(Los Angeles' Friday afternoon is Saturday in UTC, Tokyo's Monday morning is Sunday), and
shift with daylight saving. The set of *business cells* is computed per UTC day and hour, for
every UTC offset the zone uses in the year, and widened to whole hours: the alarm may stay
quiet for up to an hour at the edges, and never fires inside business hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from configuration.zones import zone_info

from configuration.model import BusinessHours

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # metric math DAY(): 1 = Monday
WEEK_MINUTES = 7 * 24 * 60
# CloudWatch's limit on a metric math expression (botocore: MetricExpression, max 2048).
MAX_EXPRESSION = 2048


def offsets(zone: str, year: int) -> set[int]:
    """Every UTC offset, in minutes, the zone uses during ``year``."""
    tz = zone_info(zone)  # the pinned tzdata, as the configuration checked it
    start = datetime(year, 1, 1, tzinfo=tz)
    found = set()
    for day in range(0, 367):
        for hour in (0, 12):
            moment = start + timedelta(days=day, hours=hour)
            found.add(int(moment.utcoffset().total_seconds() // 60))
    return found


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def business_cells(hours: BusinessHours, year: int = 2026) -> dict[int, set[int]]:
    """UTC day of week (1-7) -> UTC hours that overlap business hours in any of the zone's offsets."""
    cells: dict[int, set[int]] = {d: set() for d in range(1, 8)}
    start, end = _minutes(hours.start), _minutes(hours.end)
    for offset in offsets(hours.time_zone, year):
        for day in hours.days:
            local_day = DAYS.index(day) * 24 * 60
            first = local_day + start - offset  # UTC minute of the week
            last = local_day + end - offset  # exclusive
            hour = first // 60
            while hour * 60 < last:
                cell = hour % (7 * 24)
                cells[cell // 24 + 1].add(cell % 24)
                hour += 1
    return cells


def _ranges(hours: set[int]) -> list[tuple[int, int]]:
    """Sorted hours as [start, end) runs."""
    runs: list[tuple[int, int]] = []
    for h in sorted(hours):
        if runs and runs[-1][1] == h:
            runs[-1] = (runs[-1][0], h + 1)
        else:
            runs.append((h, h + 1))
    return runs


def inside_hours_condition(hours: BusinessHours, year: int = 2026) -> str:
    terms = []
    for day, cell_hours in business_cells(hours, year).items():
        for first, last in _ranges(cell_hours):
            if (first, last) == (0, 24):
                terms.append(f"DAY(m1) == {day}")
                continue
            parts = [f"DAY(m1) == {day}"]
            if first > 0:
                parts.append(f"HOUR(m1) >= {first}")
            if last < 24:
                parts.append(f"HOUR(m1) < {last}")
            terms.append("(" + " AND ".join(parts) + ")")
    return " OR ".join(terms)


def outside_hours_expression(hours: BusinessHours, year: int = 2026) -> str:
    """m1 where the datapoint lies outside every business cell, 0 inside."""
    condition = inside_hours_condition(hours, year)
    expression = f"IF({condition}, 0, m1)" if condition else "m1"
    if len(expression) > MAX_EXPRESSION:
        raise ValueError(f"business hours need a {len(expression)}-character expression, over CloudWatch's {MAX_EXPRESSION}")
    return expression
