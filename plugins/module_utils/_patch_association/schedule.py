# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An association's ScheduleExpression checked as State Manager takes it, before any call.

The rules are the User Guide's "Reference: Cron and rate expressions for Systems Manager"
(reference-cron-and-rate-expressions.html): cron expressions for associations have five required
fields (minutes, hours, day-of-month, month, day-of-week) and "State Manager doesn't currently
support specifying months in cron expressions for associations"; an optional Seconds field comes
first and for associations can only be 0; the optional Year field is last (cron(0 0 ? * THU#2 *),
the page's own association example; cron(0 00 12 ? * SUN *) in the AWS CLI's
list-associations.rst); "?" in one of day-of-month and day-of-week; the wildcards are those of
the page's table (, - * / in minutes and hours; , - * ? / L W in day-of-month; , - * ? L # in
day-of-week); associations run at most every 30 minutes, and rate expressions are "intervals of 30
minutes or greater and less than 31 days"; a rate's unit is singular for 1 and plural otherwise.
Schedule offsets are for cron expressions only (same page, "Schedule offsets").

A one-time at(...) schedule is not a recurring association: ssm_patch_run runs once.
Nothing here calls AWS.
"""

import re

MIN_INTERVAL_MINUTES = 30
MAX_RATE_MINUTES = 31 * 24 * 60  # less than 31 days
MINUTES_PER_UNIT = {"minute": 1, "hour": 60, "day": 24 * 60}
RATE = re.compile(r"\Arate\((\d+) (minute|minutes|hour|hours|day|days)\)\Z")
CRON = re.compile(r"\Acron\((.*)\)\Z")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
NUMBER = r"\d{1,4}"
# One element of a comma-separated list in a field: N, N-M, *, with an optional /STEP.
PLAIN_ELEMENT = re.compile(r"\A(?:\*|(\w+)(?:-(\w+))?)(?:/(\d+))?\Z")


def _value(text, low, high, names=()):
    upper = text.upper()
    if upper in names:
        return names.index(upper) + 1
    if not re.fullmatch(NUMBER, text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _plain_values(field, text, low, high, names=()):
    """The set of values of a plain field (minutes, hours): each element N, N-M, * with /STEP; or an error."""
    values = set()
    for element in text.split(","):
        match = PLAIN_ELEMENT.fullmatch(element)
        if not match:
            return None, f"its {field} field has {element!r}"
        first, last, step = match.groups()
        step = int(step) if step is not None else 1
        if step == 0:
            return None, f"its {field} field has a step of 0 in {element!r}"
        if element.startswith("*"):
            start, end = low, high
        else:
            start = _value(first, low, high, names)
            end = start if last is None else _value(last, low, high, names)
            if start is None or end is None or end < start:
                return None, f"its {field} field takes {low}-{high}, not {element!r}"
            if last is None and match.group(3) is not None:
                end = high
        values.update(range(start, end + 1, step))
    return values, None


def _day_of_month_error(text):
    if text == "?":
        return None
    for element in text.split(","):
        upper = element.upper()
        if upper in ("L", "LW"):
            continue
        if upper.endswith("W"):
            if _value(upper[:-1], 1, 31) is None:
                return f"its day-of-month field has {element!r} (NW takes a day 1-31)"
            continue
        error = _plain_values("day-of-month", element, 1, 31)[1]
        if error:
            return error
    return None


def _day_of_week_error(text):
    if text == "?":
        return None
    for element in text.split(","):
        upper = element.upper()
        if "#" in upper:
            day, nth = upper.split("#", 1)
            if _value(day, 1, 7, DAY_NAMES) is None or nth not in ("1", "2", "3", "4", "5"):
                return f"its day-of-week field has {element!r} (D#N takes a day 1-7 or SUN-SAT and N 1-5)"
            continue
        if upper == "L" or (upper.endswith("L") and _value(upper[:-1], 1, 7, DAY_NAMES) is not None):
            continue
        error = _plain_values("day-of-week", element, 1, 7, DAY_NAMES)[1]
        if error:
            return error
    return None


def _every_day(day_of_month, day_of_week):
    return {day_of_month, day_of_week} <= {"*", "?"}


def _shortest_gap(minutes, hours, wraps):
    """The fewest minutes between two runs of a day (and across midnight when every day runs)."""
    times = sorted(hour * 60 + minute for hour in hours for minute in minutes)
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    if wraps and times:
        gaps.append(times[0] + 24 * 60 - times[-1])
    return min(gaps) if gaps else None


def cron_problem(body):
    """What is wrong with the fields of cron(`body`) for an association, or None."""
    fields = body.split()
    if len(fields) == 7:
        if fields[0] not in ("0", "00"):
            return "its Seconds field (the first of 7) can only be 0 for an association"
        fields = fields[1:]
    if len(fields) not in (5, 6):
        return ("it must have the fields minutes, hours, day-of-month, month, day-of-week and optionally year "
                f"(after an optional Seconds field of 0), not {len(fields)} fields")
    minutes_text, hours_text, day_of_month, month, day_of_week = fields[:5]
    if month != "*":
        return f"State Manager takes no month in an association's cron expression: its month field must be *, not {month!r}"
    if (day_of_month == "?") == (day_of_week == "?"):
        return "it must have ? in exactly one of its day-of-month and day-of-week fields"
    minutes, error = _plain_values("minutes", minutes_text, 0, 59)
    if error:
        return error
    hours, error = _plain_values("hours", hours_text, 0, 23)
    if error:
        return error
    error = _day_of_month_error(day_of_month) or _day_of_week_error(day_of_week)
    if error:
        return error
    if len(fields) == 6:
        error = _plain_values("year", fields[5], 1970, 2199)[1]
        if error:
            return error
    gap = _shortest_gap(minutes, hours, _every_day(day_of_month, day_of_week))
    if gap is not None and gap < MIN_INTERVAL_MINUTES:
        return f"it runs {gap} minute(s) apart: an association runs at most every {MIN_INTERVAL_MINUTES} minutes"
    return None


def rate_problem(value, unit):
    if value == 0:
        return "its value must be positive"
    if (value == 1) != (not unit.endswith("s")):
        return "its unit must be singular for 1 (rate(1 day)) and plural otherwise (rate(2 days))"
    minutes = value * MINUTES_PER_UNIT[unit.rstrip("s")]
    if not MIN_INTERVAL_MINUTES <= minutes < MAX_RATE_MINUTES:
        return "an association's rate must be 30 minutes or more and less than 31 days"
    return None


def schedule_kind(expression):
    """cron, rate, or None (not an expression this module takes)."""
    if isinstance(expression, str):
        if CRON.fullmatch(expression):
            return "cron"
        if RATE.fullmatch(expression):
            return "rate"
    return None


def schedule_error(option, expression):
    """The error of an association's schedule expression, naming `option`, or None."""
    if expression is None:
        return None
    if isinstance(expression, str) and expression.startswith("at("):
        return (f"{option} {expression!r} runs once: this module manages recurring associations (cron(...) or rate(...)); "
                "use cloudpatch.ssm.ssm_patch_run for a one-time run")
    match = RATE.fullmatch(expression)
    if match:
        problem = rate_problem(int(match.group(1)), match.group(2))
    else:
        match = CRON.fullmatch(expression)
        if not match:
            return (f"{option} must be a cron(...) or rate(...) expression such as cron(0 2 ? * SUN *) or rate(1 day), "
                    f"got {expression!r}")
        problem = cron_problem(match.group(1))
    if problem:
        return f"{option} {expression!r} is not an association schedule: {problem}"
    return None
