"""When a maintenance window runs: its upcoming executions on the sandbox clock.

Sources of the rules (each repeated where it is applied):
- User Guide, "Reference: Cron and rate expressions for Systems Manager", maintenance windows: cron
  with the six fields minutes, hours, day-of-month, month, day-of-week, year (one of day-of-month and
  day-of-week is `?`), `rate(N minutes|hours|days)`, and `at(yyyy-mm-ddThh:mm:ss)` for one run.
- API reference, CreateMaintenanceWindow: ScheduleTimezone is an IANA name ("Etc/UTC",
  "America/Los_Angeles"; the schedule is read in that zone, UTC when unset); ScheduleOffset (1-6) is
  "the number of days to wait after the date and time specified by a cron expression before running
  the maintenance window" (cron(30 23 ? * TUE#3 *) with offset 2 runs two days after the third
  Tuesday); StartDate delays activation until that date, after EndDate the window no longer runs.
- The formats are the AWS CLI examples': NextExecutionTime "2020-02-12T23:19:20.596Z"
  (describe-maintenance-windows.rst, get-maintenance-window.rst), ExecutionTime "2020-02-19T16:00Z"
  (describe-maintenance-window-schedule.rst).

The cron field grammar (ranges, steps, L, W, #) is the associations' (sandbox.ssm.associations.schedule),
reused here; only the month field, which associations refuse and windows take, is parsed here.
"""

import datetime
import re
import zoneinfo

from sandbox.ssm.associations.schedule import (
    LAST_YEAR,
    _day_of_month_predicates,
    _day_of_week_predicates,
    _value_set,
    InvalidSchedule,
)

_UTC = datetime.timezone.utc
_RATE = re.compile(r"\Arate\((\d+) (minute|minutes|hour|hours|day|days)\)\Z")
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_AT = re.compile(r"\Aat\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)\Z")
_CRON = re.compile(r"\Acron\((.*)\)\Z")
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}


def next_execution_time_text(moment):
    """NextExecutionTime as the CLI examples show it: milliseconds and Z."""
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def execution_time_text(moment):
    """ExecutionTime as describe-maintenance-window-schedule.rst shows it: to the minute, Z."""
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%MZ")


def zone(name):
    """ScheduleTimezone's zone (IANA names); UTC when unset. None for a name zoneinfo does not know."""
    if not name:
        return _UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def parse_instant(text, tz=_UTC):
    """An ISO-8601 date and time (StartDate, EndDate, the ScheduledBefore/After filter values); one
    without an offset is read in `tz`. None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


class _Cron:
    def __init__(self, body):
        fields = body.split()
        if len(fields) != 6:
            raise InvalidSchedule(f"cron({body}) must have six fields: minutes, hours, day-of-month, month, "
                                  "day-of-week and year.")
        minute_text, hour_text, dom_text, month_text, dow_text, year_text = fields
        if (dom_text == "?") == (dow_text == "?"):
            raise InvalidSchedule(f"cron({body}): use ? in exactly one of day-of-month and day-of-week.")
        self.minutes = sorted(_value_set(minute_text, 0, 59, "minutes"))
        self.hours = sorted(_value_set(hour_text, 0, 23, "hours"))
        self.months = _value_set(month_text, 1, 12, "month", _MONTHS)
        self.years = None if year_text == "*" else _value_set(year_text, 1970, LAST_YEAR, "year")
        self.day_checks = []
        if dom_text not in ("?", "*"):
            self.day_checks.append(_any(_day_of_month_predicates(dom_text)))
        if dow_text not in ("?", "*"):
            self.day_checks.append(_any(_day_of_week_predicates(dow_text)))

    def runs(self, after, tz, offset_days):
        """Cron dates in `tz`, each moved `offset_days` later at the same local time (the offset counts
        days after the cron date), strictly after `after`, in order."""
        offset = datetime.timedelta(days=offset_days)
        day = (after.astimezone(tz) - offset).date()
        while day.year <= LAST_YEAR:
            if self.years is not None and day.year not in self.years:
                later = [year for year in self.years if year > day.year]
                if not later:
                    return
                day = datetime.date(min(later), 1, 1)
                continue
            if day.month in self.months and all(check(day) for check in self.day_checks):
                for hour in self.hours:
                    for minute in self.minutes:
                        # Adding a timedelta to an aware datetime is wall-clock arithmetic: the offset
                        # keeps the local time across a daylight-saving change.
                        moment = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz) + offset
                        if moment.astimezone(_UTC) > after:
                            yield moment.astimezone(_UTC)
            day += datetime.timedelta(days=1)


def _any(predicates):
    return lambda day: any(predicate(day) for predicate in predicates)


def window_runs(window, settings, after):
    """The window's execution times (aware UTC datetimes) strictly after `after`, in order, or none at
    all for a disabled window or a schedule the sandbox cannot read. `settings`: the window's
    Enabled and ModifiedDate (what moto does not keep)."""
    if not settings.get("Enabled", True):
        return
    tz = zone(window.schedule_timezone)
    if tz is None:
        return
    start = parse_instant(window.start_date, tz)
    end = parse_instant(window.end_date, tz)
    if start is not None:
        # StartDate "allows you to delay activation of the maintenance window until the specified
        # future date" (CreateMaintenanceWindow): nothing runs before it, a run at it does.
        after = max(after, start - datetime.timedelta(microseconds=1))
    for moment in _schedule_runs(window, settings, after, tz, start):
        if end is not None and moment > end:
            return
        yield moment


def _schedule_runs(window, settings, after, tz, start):
    text = (window.schedule or "").strip()
    match = _RATE.fullmatch(text)
    if match:
        interval = datetime.timedelta(seconds=int(match.group(1)) * _RATE_UNITS[match.group(2).rstrip("s")])
        # A rate counts from the window's activation: its StartDate when later, otherwise when the
        # window was last created or updated (get-maintenance-window.rst: NextExecutionTime keeps
        # ModifiedDate's milliseconds, .099Z). The first run is one interval after that.
        anchor = settings.get("ModifiedDate") or settings.get("CreatedDate") or after
        if start is not None and start > anchor:
            if start > after:
                yield start.astimezone(_UTC)
            anchor = start
        steps = max(1, int((after - anchor) // interval) + 1)
        moment = anchor + steps * interval
        while True:
            if moment > after:
                yield moment.astimezone(_UTC)
            moment += interval
    match = _AT.fullmatch(text)
    if match:
        moment = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=tz)
        if moment > after:
            yield moment.astimezone(_UTC)
        return
    match = _CRON.fullmatch(text)
    if match:
        try:
            cron = _Cron(match.group(1))
        except InvalidSchedule:
            return
        yield from cron.runs(after, tz, window.schedule_offset or 0)


def next_execution(window, settings, after):
    """The first execution time after `after`, or None."""
    return next(window_runs(window, settings, after), None)
