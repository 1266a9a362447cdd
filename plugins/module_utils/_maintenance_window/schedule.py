# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A maintenance window's schedule and active period, checked as the User Guide documents them.

Sources: "Reference: Cron and rate expressions for Systems Manager" (six fields, an optional seventh
Seconds field first for maintenance windows, the values and wildcards of each field, `?` in
Day-of-month or Day-of-week, rate units singular for 1 and plural otherwise, `at(...)` in UTC) and
"Maintenance window scheduling and active period options" (ISO-8601 start and end dates, IANA time
zones, schedule offsets for cron only). Nothing here calls AWS.
"""

import datetime
import re

try:
    import zoneinfo
except ImportError:  # Python < 3.9: the time zone is left for AWS to check
    zoneinfo = None

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (field name, lowest, highest, names) in the order of a six-field expression.
CRON_FIELDS = (
    ("Minutes", 0, 59, ()),
    ("Hours", 0, 23, ()),
    ("Day-of-month", 1, 31, ()),
    ("Month", 1, 12, MONTHS),
    ("Day-of-week", 1, 7, DAYS),
    ("Year", 1970, 2199, ()),
)
# "Zero (0) is not supported in the seconds field" (the maintenance windows section).
SECONDS_FIELD = ("Seconds", 1, 59, ())
CRON = re.compile(r"\Acron\((?P<body>[^()]*)\)\Z")
RATE = re.compile(r"\Arate\((?P<value>[1-9][0-9]*) (?P<unit>minute|minutes|hour|hours|day|days)\)\Z")
AT = re.compile(r"\Aat\((?P<moment>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)\Z")
# ISO-8601 as the User Guide writes start and end dates (2021-04-07T14:29:00-08:00), date-only or with
# minutes, seconds, fractions and an offset or Z.
ISO_8601 = re.compile(r"\A\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?\Z")
MAX_SCHEDULE_LENGTH = 256


def schedule_kind(schedule):
    """'cron', 'rate' or 'at' for a schedule's form (None for none of them)."""
    for kind, pattern in (("cron", CRON), ("rate", RATE), ("at", AT)):
        if isinstance(schedule, str) and pattern.fullmatch(schedule):
            return kind
    if isinstance(schedule, str) and schedule.startswith("rate("):
        return "rate"
    return None


def _value_error(token, field):
    name, lowest, highest, names = field
    upper = token.upper()
    if upper in names:
        return None
    if not re.fullmatch(r"\d{1,4}", token):
        return f"{name} value {token!r} is not a number{' or a name such as ' + names[0] if names else ''}"
    if not lowest <= int(token) <= highest:
        return f"{name} value {token} is not {lowest}-{highest}"
    return None


def _special_error(token, field):
    """The L, W and # forms the Day-of-month (L, LW, 15W) and Day-of-week (L, 6L, THU#3) fields take;
    None when `token` is one of them and valid, '' when it is not such a form."""
    name = field[0]
    if name == "Day-of-month":
        if token in ("L", "LW"):
            return None
        match = re.fullmatch(r"(\d{1,2})W", token)
        return _value_error(match.group(1), field) if match else ""
    if name == "Day-of-week":
        if token == "L":
            return None
        match = re.fullmatch(r"(\w+)L", token)
        if match:
            return _value_error(match.group(1), field)
        match = re.fullmatch(r"(\w+)#([1-5])", token)
        if match:
            return _value_error(match.group(1), field)
        if "#" in token:
            return f"{name} value {token!r}: the week after # must be 1-5"
    return ""


def _item_error(item, field):
    if item == "*":
        return None
    special = _special_error(item, field)
    if special != "":
        return special
    base, slash, step = item.partition("/")
    if slash:
        if not re.fullmatch(r"[1-9]\d{0,3}", step):
            return f"{field[0]} increment {step!r} is not a positive number"
        if base == "*":
            return None
    low, dash, high = base.partition("-")
    for token in (low, high) if dash else (low,):
        error = _value_error(token, field)
        if error:
            return error
    return None


def cron_error(schedule, option="schedule"):
    """Errors in a cron(...) expression by the User Guide's table of fields, values and wildcards."""
    fields = CRON.fullmatch(schedule).group("body").split(" ")
    if len(fields) not in (6, 7) or any(not part for part in fields):
        return (f"{option} must be cron( with six fields (Minutes Hours Day-of-month Month Day-of-week Year, "
                f"and optionally Seconds first) separated by single spaces ), got {schedule!r}")
    layout = ((SECONDS_FIELD,) if len(fields) == 7 else ()) + CRON_FIELDS
    problems = []
    for value, field in zip(fields, layout):
        if value == "?":
            if field[0] not in ("Day-of-month", "Day-of-week"):
                problems.append(f"? is for Day-of-month or Day-of-week only, not {field[0]}")
            continue
        for item in value.split(","):
            error = "empty item" if not item else _item_error(item, field)
            if error:
                problems.append(error)
    day_of_month, day_of_week = fields[-4], fields[-2]
    if "?" not in (day_of_month, day_of_week):
        problems.append("one of Day-of-month and Day-of-week must be ? (the other one chooses the days)")
    if problems:
        return f"{option} {schedule!r} is not a cron expression AWS accepts: {'; '.join(problems)}"
    return None


def schedule_error(schedule, option="schedule"):
    """Errors in a window's schedule: cron(...), rate(N unit) or at(yyyy-mm-ddThh:mm:ss), nothing else."""
    if schedule is None:
        return None
    if not isinstance(schedule, str) or not schedule.strip():
        return f"{option} is blank: give a cron(...), rate(...) or at(...) expression"
    if len(schedule) > MAX_SCHEDULE_LENGTH:
        return f"{option} must be at most {MAX_SCHEDULE_LENGTH} characters, got {len(schedule)}"
    if CRON.fullmatch(schedule):
        return cron_error(schedule, option)
    match = RATE.fullmatch(schedule)
    if match:
        if (match.group("value") == "1") != (not match.group("unit").endswith("s")):
            return f"{option}: the unit of {schedule!r} must be singular for 1 and plural otherwise, as rate(1 hour) and rate(5 hours)"
        return None
    match = AT.fullmatch(schedule)
    if match:
        try:
            datetime.datetime.strptime(match.group("moment"), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return f"{option}: {schedule!r} names no real date and time"
        return None
    return (f"{option} must be cron(...) with six or seven fields, rate(N minutes|hours|days) or "
            f"at(yyyy-mm-ddThh:mm:ss), got {schedule!r}")


def parse_date(value):
    """An ISO-8601 date or date-time as a timezone-aware datetime (UTC when it names no offset), or None."""
    if not isinstance(value, str) or not ISO_8601.fullmatch(value):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def date_error(value, option):
    if value is None:
        return None
    if parse_date(value) is None:
        return f"{option} must be an ISO-8601 date and time such as 2021-04-07T14:29:00-08:00, got {value!r}"
    return None


def same_moment(one, other):
    """True when two ISO-8601 strings name the same instant (AWS may write back another form)."""
    if one == other:
        return True
    first, second = parse_date(one), parse_date(other)
    return first is not None and first == second


def _known_time_zones():
    if zoneinfo is None:
        return None
    try:
        return zoneinfo.available_timezones() or None
    except Exception:  # pylint: disable=broad-except
        # No time zone database on this host: AWS checks the name.
        return None


def timezone_error(value, option="schedule_timezone"):
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return f"{option} is blank: give an IANA time zone such as America/Chicago, or leave the option out"
    known = _known_time_zones()
    if known is not None and value not in known:
        return f"{option} must be an IANA time zone such as America/Chicago, Europe/Berlin or Etc/UTC, got {value!r}"
    return None


def window_errors(params, current=None):
    """Errors in a window's own options (schedule, dates, time zone, offset, duration, cutoff), naming each.

    `current` is the window as it is (module shape), for the checks that take two values when a task
    changes only one of them (cutoff against duration, offset against the schedule's kind).
    """
    current = current or {}
    errors = []
    for error in (schedule_error(params.get("schedule")), timezone_error(params.get("schedule_timezone")),
                  date_error(params.get("start_date"), "start_date"), date_error(params.get("end_date"), "end_date")):
        if error:
            errors.append(error)
    for option, lowest, highest in (("schedule_offset", 1, 6), ("duration", 1, 24), ("cutoff", 0, 23)):
        value = params.get(option)
        if value is not None and not lowest <= value <= highest:
            errors.append(f"{option} must be {lowest}-{highest}, got {value}")
    duration = params.get("duration") if params.get("duration") is not None else current.get("duration")
    cutoff = params.get("cutoff") if params.get("cutoff") is not None else current.get("cutoff")
    # Out of range, the value is reported above already.
    if duration is not None and cutoff is not None and 1 <= duration <= 24 and 0 <= cutoff <= 23 and cutoff >= duration:
        errors.append(f"cutoff ({cutoff} hours) must be less than duration ({duration} hours): "
                      "no task could start in the window")
    schedule = params.get("schedule") if params.get("schedule") is not None else current.get("schedule")
    if params.get("schedule_offset") is not None and schedule is not None and schedule_kind(schedule) != "cron":
        errors.append(f"schedule_offset applies to cron schedules only, not {schedule!r}")
    kept_offset = current.get("schedule_offset")
    if params.get("schedule_offset") is None and kept_offset and schedule_kind(params.get("schedule")) in ("rate", "at"):
        # UpdateMaintenanceWindow keeps what it is not sent, and AWS takes an offset with cron only.
        errors.append(f"schedule {params['schedule']!r} cannot keep the window's schedule_offset ({kept_offset} days), which only a cron "
                      "schedule takes; keep a cron schedule, or delete the window (state=absent) and create it again")
    start, end = parse_date(params.get("start_date") or current.get("start_date")), parse_date(params.get("end_date") or current.get("end_date"))
    if start is not None and end is not None and end <= start:
        errors.append("end_date must be after start_date")
    if params.get("description") is not None:
        if not params["description"].strip():
            errors.append("description is blank: give a description, or leave the option out")
        elif len(params["description"]) > 128:
            errors.append(f"description must be at most 128 characters, got {len(params['description'])}")
    return errors
