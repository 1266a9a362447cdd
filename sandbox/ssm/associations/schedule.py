"""Association schedule expressions: cron(...), rate(...) and at(...) parsed and checked as State
Manager answers them, and the next run after a moment."""

import calendar
import datetime
import re

from moto.ssm.exceptions import SSMException

from sandbox.agent import clock

MIN_INTERVAL_SECONDS = 30 * 60       # associations run at most every 30 minutes
MAX_RATE_SECONDS = 30 * 24 * 3600    # rate expressions: less than 31 days


class InvalidSchedule(SSMException):
    code = "InvalidSchedule"


_WEEKDAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
LAST_YEAR = 2199


def _aws_weekday(day):
    """Day of week as AWS cron numbers it: 1 = Sunday ... 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _number(text, low, high, names, field):
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise InvalidSchedule(f"Invalid value {text} in the {field} field of the cron expression.")
        value = int(text)
    if not low <= value <= high:
        raise InvalidSchedule(f"The {field} field of the cron expression takes values {low}-{high}, not {text}.")
    return value


def _value_set(text, low, high, field, names=None):
    """The values a plain cron field allows: `*`, `N`, `N-M`, `A,B`, `*/S`, `N/S`, `N-M/S`."""
    values = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise InvalidSchedule(f"Invalid step {step_text} in the {field} field of the cron expression.")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, low, high, names, field), _number(last, low, high, names, field)
            if start > end:
                raise InvalidSchedule(f"Invalid range {part} in the {field} field of the cron expression.")
        else:
            start = _number(part, low, high, names, field)
            end = high if step > 1 else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _day_of_month_predicates(text):
    """Predicates over a date for the day-of-month field (numbers, ranges, `L`, `NW`, `LW`)."""
    predicates = []
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            predicates.append(lambda day: day.day == calendar.monthrange(day.year, day.month)[1])
        elif upper == "LW":
            predicates.append(lambda day: day == _nearest_weekday(day, calendar.monthrange(day.year, day.month)[1]))
        elif upper.endswith("W") and upper[:-1].isdigit():
            wanted = _number(upper[:-1], 1, 31, None, "day-of-month")
            predicates.append(lambda day, n=wanted: day == _nearest_weekday(day, n))
        else:
            allowed = _value_set(part, 1, 31, "day-of-month")
            predicates.append(lambda day, days=allowed: day.day in days)
    return predicates


def _nearest_weekday(day, wanted):
    """The weekday (Monday-Friday) nearest to day `wanted` of `day`'s month, within that month."""
    last = calendar.monthrange(day.year, day.month)[1]
    if wanted > last:
        return None
    target = day.replace(day=wanted)
    if target.weekday() == 5:  # Saturday: the Friday before, or the Monday after on the 1st
        target = target - datetime.timedelta(days=1) if wanted > 1 else target + datetime.timedelta(days=2)
    elif target.weekday() == 6:  # Sunday: the Monday after, or the Friday before on the last day
        target = target + datetime.timedelta(days=1) if wanted < last else target - datetime.timedelta(days=2)
    return target


def _day_of_week_predicates(text):
    """Predicates for the day-of-week field (1-7 or SUN-SAT, ranges, `NL` last N of the month, `N#K`)."""
    predicates = []
    for part in text.split(","):
        upper = part.upper()
        if "#" in upper:
            weekday_text, nth_text = upper.split("#", 1)
            weekday = _number(weekday_text, 1, 7, _WEEKDAYS, "day-of-week")
            if not nth_text.isdigit() or not 1 <= int(nth_text) <= 5:
                raise InvalidSchedule(f"Invalid occurrence {nth_text} in the day-of-week field (1-5 after #).")
            nth = int(nth_text)
            predicates.append(lambda day, w=weekday, k=nth: _aws_weekday(day) == w and (day.day - 1) // 7 + 1 == k)
        elif upper.endswith("L") and len(upper) > 1:
            weekday = _number(upper[:-1], 1, 7, _WEEKDAYS, "day-of-week")
            predicates.append(lambda day, w=weekday: _aws_weekday(day) == w
                              and day.day + 7 > calendar.monthrange(day.year, day.month)[1])
        elif upper == "L":
            predicates.append(lambda day: _aws_weekday(day) == 7)
        else:
            allowed = _value_set(part, 1, 7, "day-of-week", _WEEKDAYS)
            predicates.append(lambda day, days=allowed: _aws_weekday(day) in days)
    return predicates


class Schedule:
    """A parsed ScheduleExpression. `next_after(t, anchor)`: the first run strictly after t (epoch
    seconds), or None when the schedule never runs again; rate schedules count from `anchor`."""

    def __init__(self, expression, kind, *, interval=None, at=None, minutes=None, hours=None, day_checks=None,
                 years=None):
        self.expression = expression
        self.kind = kind
        self.interval = interval
        self.at = at
        self.minutes = sorted(minutes or ())
        self.hours = sorted(hours or ())
        self.day_checks = day_checks
        self.years = years
        self.offset_days = 0

    @property
    def is_cron(self):
        return self.kind == "cron"

    def next_after(self, after, anchor=None):
        if self.kind == "rate":
            anchor = after if anchor is None else anchor
            if after < anchor:
                return anchor
            return anchor + (int((after - anchor) // self.interval) + 1) * self.interval
        if self.kind == "at":
            return self.at if self.at > after else None
        offset = self.offset_days * 86400
        found = self._next_cron(after - offset)
        return None if found is None else found + offset

    def _next_cron(self, after):
        start = datetime.datetime.fromtimestamp(after, datetime.timezone.utc).replace(second=0, microsecond=0)
        start += datetime.timedelta(minutes=1)
        day = start.date()
        while day.year <= LAST_YEAR:
            if self.years is not None and day.year not in self.years:
                later = [year for year in self.years if year > day.year]
                if not later:
                    return None
                day = datetime.date(min(later), 1, 1)
                continue
            if all(check(day) for check in self.day_checks):
                for hour in self.hours:
                    for minute in self.minutes:
                        moment = datetime.datetime(day.year, day.month, day.day, hour, minute,
                                                   tzinfo=datetime.timezone.utc)
                        if moment >= start:
                            return moment.timestamp()
            day += datetime.timedelta(days=1)
        return None

    def upcoming(self, after, count, anchor=None):
        runs = []
        moment = after
        while len(runs) < count:
            moment = self.next_after(moment, anchor)
            if moment is None:
                break
            runs.append(moment)
        return runs


def _parse_cron(expression, body):
    fields = body.split()
    # User Guide, "Reference: Cron and rate expressions for Systems Manager": six fields, "A seventh
    # field, the Seconds field (the first in a cron expression), is optional", and for associations
    # "If you specify the optional Seconds field, its value can only be 0 (zero)"
    # (cron(0 00 12 ? * SUN *) in list-associations.rst, cron(0 0 0/4 1/1 * ? *) in update-association.rst).
    if len(fields) == 7:
        if fields[0] not in ("0", "00"):
            raise InvalidSchedule(f"Cron expression {expression}: an association's seconds field can only be 0.")
        fields = fields[1:]
    if len(fields) not in (5, 6):
        raise InvalidSchedule(
            f"Cron expression {expression} must have the fields minutes, hours, day-of-month, month, "
            "day-of-week and optionally year, after an optional seconds field."
        )
    minute_text, hour_text, dom_text, month_text, dow_text = fields[:5]
    year_text = fields[5] if len(fields) == 6 else "*"
    if (dom_text == "?") == (dow_text == "?"):
        raise InvalidSchedule(f"Cron expression {expression}: use ? in exactly one of day-of-month and day-of-week.")
    # State Manager does not support months in association cron expressions.
    if month_text != "*":
        raise InvalidSchedule(f"Cron expression {expression}: associations do not support a month; use * there.")
    minutes = _value_set(minute_text, 0, 59, "minutes")
    hours = _value_set(hour_text, 0, 23, "hours")
    day_checks = []
    if dom_text not in ("?", "*"):
        day_checks.append(_any_of(_day_of_month_predicates(dom_text)))
    if dow_text not in ("?", "*"):
        day_checks.append(_any_of(_day_of_week_predicates(dow_text)))
    years = None if year_text == "*" else _value_set(year_text, 1970, LAST_YEAR, "year")
    return Schedule(expression, "cron", minutes=minutes, hours=hours, day_checks=day_checks, years=years)


def _any_of(predicates):
    return lambda day: any(predicate(day) for predicate in predicates)


def parse_schedule(expression, now=None):
    """Parse and check an association's ScheduleExpression; InvalidSchedule as AWS answers it."""
    text = (expression or "").strip()
    now = clock.now() if now is None else now
    match = _RATE.match(text)
    if match:
        value, unit = int(match.group(1)), match.group(2)
        if value == 0 or (value == 1) != (not unit.endswith("s")):
            raise InvalidSchedule(f"Rate expression {text}: use a positive value, singular unit for 1 (rate(1 day)) "
                                  "and plural otherwise (rate(2 days)).")
        interval = value * _RATE_UNITS[unit.rstrip("s")]
        if not MIN_INTERVAL_SECONDS <= interval <= MAX_RATE_SECONDS:
            raise InvalidSchedule(f"Rate expression {text}: an association's rate is between 30 minutes and "
                                  "30 days.")
        return Schedule(text, "rate", interval=interval)
    match = _AT.match(text)
    if match:
        try:
            moment = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
        except ValueError as exc:
            raise InvalidSchedule(f"{text} is not a valid date and time.") from exc
        return Schedule(text, "at", at=moment.replace(tzinfo=datetime.timezone.utc).timestamp())
    match = _CRON.match(text)
    if match:
        schedule = _parse_cron(text, match.group(1))
        runs = schedule.upcoming(now, 100)
        if not runs:
            raise InvalidSchedule(f"Cron expression {text} never runs.")
        if any(later - earlier < MIN_INTERVAL_SECONDS for earlier, later in zip(runs, runs[1:])):
            raise InvalidSchedule(f"Cron expression {text}: associations run every 30 minutes at most.")
        return schedule
    raise InvalidSchedule(f"Schedule expression {text} is not valid: use cron(...), rate(...) or at(...).")
