"""An association's schedule checked as the User Guide's cron and rate reference says State Manager takes it."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.schedule import schedule_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.schedule import schedule_kind


@pytest.mark.parametrize("expression", [
    "cron(0 2 ? * * *)",
    "cron(0 0 ? * THU#2 *)",              # the User Guide's association example (with --schedule-offset 3)
    "cron(0 00 12 ? * SUN *)",            # list-associations.rst: a Seconds field of 0
    "cron(0 0 0/4 1/1 * ? *)",            # update-association.rst: every 4 hours
    "cron(0 16 ? * TUE *)",               # the User Guide's "4 PM every Tuesday"
    "cron(30 23 ? * TUE#3 *)",
    "cron(0,30 * * * ? *)",               # every 30 minutes: the shortest interval
    "cron(15 10 ? * MON-FRI *)",
    "cron(0 8 L * ? *)",
    "cron(0 8 15W * ? *)",
    "cron(0 8 ? * 6L *)",
    "cron(0 8 ? * 2,4,6 2027)",
    "cron(0 12 * * ?)",                   # five fields, no year
    "cron(50 23 ? * MON *)",              # 23:50 Monday and 00:10 are not both runs: no wrap
    "rate(30 minutes)",
    "rate(1 hour)",
    "rate(1 day)",
    "rate(30 days)",
    "rate(44639 minutes)",               # one minute short of 31 days
])
def test_schedules_state_manager_takes(expression):
    assert schedule_error("schedule", expression) is None


@pytest.mark.parametrize("expression, problem", [
    ("cron(0 2 ? 1 * *)", "its month field must be *"),
    ("cron(0 2 * * * *)", "? in exactly one of its day-of-month and day-of-week fields"),
    ("cron(0 2 ? * ? *)", "? in exactly one"),
    ("cron(5 0 2 ? * * *)", "Seconds field (the first of 7) can only be 0"),
    ("cron(0 2 ?)", "not 3 fields"),
    ("cron(0 2 ? * * * * *)", "not 8 fields"),
    ("cron(60 2 ? * * *)", "minutes field takes 0-59"),
    ("cron(0 24 ? * * *)", "hours field takes 0-23"),
    ("cron(0 2 32 * ? *)", "day-of-month field takes 1-31"),
    ("cron(0 2 ? * FUN *)", "day-of-week field takes 1-7"),
    ("cron(0 2 ? * TUE#6 *)", "D#N takes a day 1-7 or SUN-SAT and N 1-5"),
    ("cron(0 2 40W * ? *)", "NW takes a day 1-31"),
    ("cron(0 2 ? * * 1969)", "year field takes 1970-2199"),
    ("cron(0/0 2 ? * * *)", "a step of 0"),
    ("cron(0/15 * * * ? *)", "runs 15 minute(s) apart"),
    ("cron(0,20 2 ? * * *)", "runs 20 minute(s) apart"),
    ("cron(0,50 0,23 * * ? *)", "runs 10 minute(s) apart"),  # 23:50, then 00:00 the next day
    ("cron(0 2-1 ? * * *)", "hours field takes 0-23, not '2-1'"),
    ("rate(15 minutes)", "30 minutes or more and less than 31 days"),
    ("rate(31 days)", "30 minutes or more and less than 31 days"),
    ("rate(1 days)", "singular for 1"),
    ("rate(2 day)", "singular for 1"),
    ("rate(0 hours)", "must be positive"),
])
def test_schedules_state_manager_refuses_name_the_option_and_the_problem(expression, problem):
    error = schedule_error("schedule", expression)
    assert error.startswith(f"schedule {expression!r} is not an association schedule: ")
    assert problem in error


@pytest.mark.parametrize("expression", ["daily", "rate(1 week)", "cron 0 2 ? * * *", "rate(1 day)\n", "cron(0 2 ? * * *)\n", "RATE(1 day)"])
def test_anything_else_is_neither_cron_nor_rate(expression):
    assert "must be a cron(...) or rate(...) expression" in schedule_error("schedule", expression)
    assert schedule_kind(expression) is None


def test_a_one_time_schedule_points_to_ssm_patch_run():
    error = schedule_error("schedule", "at(2026-12-08T02:00:00)")
    assert "runs once" in error and "cloudpatch.ssm.ssm_patch_run" in error


def test_kinds_and_no_schedule():
    assert schedule_kind("cron(0 2 ? * * *)") == "cron" and schedule_kind("rate(1 day)") == "rate"
    assert schedule_kind(None) is None and schedule_error("schedule", None) is None
