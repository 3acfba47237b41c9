"""EventBridge schedule expressions, parsed as EventBridge documents them, and how often they fire.

Grammar (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):

- ``rate(value unit)``: a positive whole ``value``; ``unit`` is ``minute``, ``hour`` or ``day``,
  singular when the value is 1 and plural otherwise (``rate(1 hours)`` and ``rate(5 hour)`` are
  refused by EventBridge).
- ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``, six fields, in UTC:
  minutes 0-59 and hours 0-23 (``, - * /``); day-of-month 1-31 (``, - * ? / L W``); month
  1-12 or JAN-DEC (``, - * /``); day-of-week 1-7 or SUN-SAT, 1 = Sunday (``, - * ? L #``);
  year 1970-2199 (``, - * /``). One of day-of-month and day-of-week is ``?``; a field with
  ``#`` holds that one expression only.

Undocumented extensions some cron dialects accept (wrap-around ranges, ``LW``, ``5L``) are
refused: a schedule the configuration accepts is one the documentation says EventBridge runs.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Callable

DayTest = Callable[[date], bool]
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_RATE_MINUTES = {"minute": 1, "hour": 60, "day": 24 * 60}
# The window over which a cron schedule's firings are counted: four whole years from a Monday,
# a leap year included, so every day-of-month and weekday combination occurs.
_WINDOW_START = date(2029, 1, 1)  # a Monday
_WINDOW_DAYS = 208 * 7  # whole weeks only


class ScheduleError(ValueError):
    """An expression EventBridge would refuse; the message says what is wrong."""


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: when it fires, as far as the review's coverage is concerned."""

    expression: str
    min_firings_per_week: int  # in the calendar week (Monday-Sunday) with the fewest
    max_gap_minutes: int  # the longest time between two consecutive firings
    ends: bool  # a cron year field that is not *: the schedule stops one day


def parse_schedule(expression: str) -> Schedule:
    rate = re.fullmatch(r"rate\((.*)\)", expression)
    if rate:
        return _rate(expression, rate.group(1))
    cron = re.fullmatch(r"cron\((.*)\)", expression)
    if cron:
        return _cron(expression, cron.group(1))
    raise ScheduleError("is neither rate(...) nor cron(...)")


def _rate(expression: str, body: str) -> Schedule:
    match = re.fullmatch(r"([0-9]+) (minute|minutes|hour|hours|day|days)", body)
    if not match:
        raise ScheduleError("a rate is rate(<value> <unit>), the unit minute(s), hour(s) or day(s)")
    value, unit = int(match.group(1)), match.group(2)
    if value < 1:
        raise ScheduleError("a rate's value must be 1 or more")
    if (value == 1) != (not unit.endswith("s")):
        raise ScheduleError(f"EventBridge wants the singular unit for 1 and the plural otherwise (rate({value} {unit.rstrip('s') + ('' if value == 1 else 's')}))")
    gap = value * _RATE_MINUTES[unit.rstrip("s")]
    return Schedule(expression, min_firings_per_week=(7 * 24 * 60) // gap, max_gap_minutes=gap, ends=False)


def _numbers(field: str, text: str, low: int, high: int, names: tuple[str, ...] = (), offset: int = 0) -> set[int]:
    """A field's values from its comma-separated items: n, a-b, *, with an optional /step."""
    values: set[int] = set()
    for item in text.split(","):
        match = re.fullmatch(r"(\*|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:/([0-9]+))?", item)
        if not match:
            raise ScheduleError(f"the {field} field's {item!r} is not a value, a range or a step")
        span, step_text = match.group(1), match.group(2)
        if span == "*":
            start, end = low, high
        else:
            bounds = [_value(field, part, low, high, names, offset) for part in span.split("-")]
            start, end = bounds[0], bounds[-1]
            if len(bounds) == 1 and step_text is not None:
                end = high  # a/s: from a to the end of the field's range
            if start > end:
                raise ScheduleError(f"the {field} field's range {span} runs backwards; list the values instead")
        step = int(step_text) if step_text is not None else 1
        if step < 1:
            raise ScheduleError(f"the {field} field's step must be 1 or more")
        values.update(range(start, end + 1, step))
    return values


def _value(field: str, text: str, low: int, high: int, names: tuple[str, ...], offset: int) -> int:
    if text in names:
        return names.index(text) + offset
    if not text.isdigit():
        raise ScheduleError(f"the {field} field's {text!r} is not a number" + (f" or one of {','.join(names)}" if names else ""))
    number = int(text)
    if not low <= number <= high:
        raise ScheduleError(f"the {field} field's {number} is outside {low}-{high}")
    return number


def _cron(expression: str, body: str) -> Schedule:
    fields = body.split(" ")
    if len(fields) != 6 or "" in fields:
        raise ScheduleError(f"a cron expression has six fields separated by single spaces (minutes hours day-of-month month day-of-week year), this one has {len(body.split())}")
    minute_f, hour_f, dom_f, month_f, dow_f, year_f = fields
    minutes = _numbers("minutes", minute_f, 0, 59)
    hours = _numbers("hours", hour_f, 0, 23)
    months = _numbers("month", month_f, 1, 12, _MONTHS, 1)
    years = _numbers("year", year_f, 1970, 2199)
    if (dom_f == "?") == (dow_f == "?"):
        raise ScheduleError("exactly one of day-of-month and day-of-week must be ? (EventBridge cannot combine them)")
    day_matches = _day_of_month(dom_f) if dow_f == "?" else _day_of_week(dow_f)
    times = sorted(h * 60 + m for h in hours for m in minutes)
    fired = [d for d in (_WINDOW_START + timedelta(days=i) for i in range(_WINDOW_DAYS)) if d.month in months and day_matches(d)]
    weekly = [0] * (_WINDOW_DAYS // 7)
    for day in fired:
        weekly[(day - _WINDOW_START).days // 7] += len(times)
    gaps = [b - a for a, b in pairwise(times)]
    gaps += [(b - a).days * 24 * 60 + times[0] - times[-1] for a, b in pairwise(fired)]
    return Schedule(
        expression,
        min_firings_per_week=min(weekly),
        max_gap_minutes=max(gaps, default=_WINDOW_DAYS * 24 * 60),
        ends=years != set(range(1970, 2200)),
    )


def _day_of_month(text: str) -> DayTest:
    if text == "L":
        return lambda d: d.day == calendar.monthrange(d.year, d.month)[1]
    weekday = re.fullmatch(r"([0-9]+)W", text)
    if weekday:
        target = _value("day-of-month", weekday.group(1), 1, 31, (), 0)
        return lambda d: d == _nearest_weekday(d.year, d.month, target)
    days = _numbers("day-of-month", text, 1, 31)
    return lambda d: d.day in days


def _nearest_weekday(year: int, month: int, day: int) -> date | None:
    """The weekday nearest ``day`` within its month (``nW``); None when the month is shorter."""
    last = calendar.monthrange(year, month)[1]
    if day > last:
        return None
    moment = date(year, month, day)
    if moment.weekday() == 5:  # Saturday: Friday before, or Monday after on the 1st
        return moment - timedelta(days=1) if day > 1 else moment + timedelta(days=2)
    if moment.weekday() == 6:  # Sunday: Monday after, or Friday before on the last day
        return moment + timedelta(days=1) if day < last else moment - timedelta(days=2)
    return moment


def _cron_weekday(moment: date) -> int:
    return (moment.weekday() + 1) % 7 + 1  # 1 = Sunday ... 7 = Saturday


def _day_of_week(text: str) -> DayTest:
    if text == "L":
        return lambda d: _cron_weekday(d) == 7  # the last day of the week, Saturday
    nth = re.fullmatch(r"([0-9A-Z]+)#([0-9]+)", text)
    if nth:
        weekday = _value("day-of-week", nth.group(1), 1, 7, _WEEKDAYS, 1)
        which = int(nth.group(2))
        if not 1 <= which <= 5:
            raise ScheduleError(f"the day-of-week field's #{which} must be #1 to #5")
        return lambda d: _cron_weekday(d) == weekday and (d.day - 1) // 7 + 1 == which
    days = _numbers("day-of-week", text, 1, 7, _WEEKDAYS, 1)
    return lambda d: _cron_weekday(d) in days
