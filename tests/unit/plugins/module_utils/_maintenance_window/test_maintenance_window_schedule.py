"""The window's schedule, dates, time zone and own checks, against the User Guide's examples.

Accepted schedules are the ones "Reference: Cron and rate expressions for Systems Manager" and
"Maintenance window scheduling and active period options" print; refused ones break a rule those pages
state (six or seven fields, `?` in one day field, the values of each field, singular for 1).
"""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window import schedule

DOCUMENTED = [
    "cron(0 2 ? * THU#3 *)",
    "cron(15 10 ? * * *)",
    "cron(15 10 ? * MON-FRI *)",
    "cron(0 2 L * ? *)",
    "cron(15 10 ? * 6L *)",
    "cron(30 09 ? * * *)",
    "cron(24 30 09 ? * * *)",
    "cron(30 23 ? * TUE#3 *)",
    "cron(0 16 ? * TUE *)",
    "cron(0 09 ? * WED *)",
    "cron(0 10 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "rate(30 minutes)",
    "rate(1 hour)",
    "rate(5 hours)",
    "rate(25 days)",
    "rate(7 days)",
    "rate(1 day)",
    "at(2019-07-07T13:15:30)",
    "at(2020-07-07T15:55:00)",
]


@pytest.mark.parametrize("expression", DOCUMENTED)
def test_the_user_guides_schedules_are_accepted(expression):
    assert schedule.schedule_error(expression) is None


@pytest.mark.parametrize("expression, problem", [
    ("cron(0 2 * * TUE *)", "one of Day-of-month and Day-of-week must be ?"),
    ("cron(0 2 ? * TUE)", "six fields"),
    ("cron(1 2 3 4 ? * * *)", "six fields"),
    ("cron(0 2  ? * TUE *)", "six fields"),
    ("cron(60 2 ? * TUE *)", "Minutes value 60 is not 0-59"),
    ("cron(0 2-25 ? * TUE *)", "Hours value 25 is not 0-23"),
    ("cron(0 2 0 * ? *)", "Day-of-month value 0 is not 1-31"),
    ("cron(0 2 32W * ? *)", "Day-of-month value 32 is not 1-31"),
    ("cron(0 2 ? 13 TUE *)", "Month value 13 is not 1-12"),
    ("cron(0 2 ? JANUARY TUE *)", "Month value 'JANUARY' is not a number or a name such as JAN"),
    ("cron(0 2 ? * TUE#0 *)", "the week after # must be 1-5"),
    ("cron(0 2 ? * FUN *)", "Day-of-week value 'FUN' is not a number"),
    ("cron(0 2 ? * TUE 2200)", "Year value 2200 is not 1970-2199"),
    ("cron(0 0 2 ? * TUE *)", "Seconds value 0 is not 1-59"),
    ("cron(? 2 ? * TUE *)", "? is for Day-of-month or Day-of-week only, not Minutes"),
    ("cron(0/x 2 ? * TUE *)", "Minutes increment 'x' is not a positive number"),
    ("cron(0,,5 2 ? * TUE *)", "empty item"),
    ("rate(1 hours)", "singular for 1 and plural otherwise"),
    ("rate(5 hour)", "singular for 1 and plural otherwise"),
    ("rate(1 days)", "singular for 1 and plural otherwise"),
    ("rate(05 hours)", "must be cron(...)"),
    ("rate(0 hours)", "must be cron(...)"),
    ("rate(2 weeks)", "must be cron(...)"),
    ("at(2026-02-29T10:00:00)", "names no real date and time"),
    ("at(2026-12-01T10:00)", "must be cron(...)"),
    ("cron(0 2 ? * TUE *)\n", "must be cron(...)"),
    (" cron(0 2 ? * TUE *)", "must be cron(...)"),
    ("CRON(0 2 ? * TUE *)", "must be cron(...)"),
    ("", "schedule is blank"),
    ("rate(" + "9" * 260 + " days)", "at most 256 characters"),
])
def test_schedules_that_break_a_documented_rule_are_refused_naming_it(expression, problem):
    error = schedule.schedule_error(expression)
    assert error is not None and problem in error and error.startswith("schedule")


def test_the_kind_of_a_schedule():
    assert [schedule.schedule_kind(value) for value in ("cron(0 2 ? * TUE *)", "rate(1 day)", "at(2026-12-01T10:00:00)", "weekly")] == [
        "cron", "rate", "at", None]


@pytest.mark.parametrize("value", ["2021-04-07T14:29:00-08:00", "2021-01-01T00:00:00-08:00", "2026-12-01", "2026-12-01T10:00Z",
                                   "2026-12-01T10:00:00.123456+05:30"])
def test_iso_8601_dates_as_the_user_guide_writes_them_are_accepted(value):
    assert schedule.date_error(value, "start_date") is None


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", "2026-02-30T10:00:00Z", "2026-12-01T10:00:00-08:00\n", "2026-12-01 10:00:00", "12/01/2026"])
def test_other_dates_are_refused_naming_the_option(value):
    assert schedule.date_error(value, "end_date").startswith("end_date must be an ISO-8601 date and time")


def test_the_same_moment_written_two_ways_is_the_same():
    assert schedule.same_moment("2026-12-01T10:00:00-08:00", "2026-12-01T18:00:00Z")
    assert schedule.same_moment("2026-12-01T18:00:00", "2026-12-01T18:00:00+00:00")
    assert not schedule.same_moment("2026-12-01T10:00:00-08:00", "2026-12-01T10:00:00Z")
    assert not schedule.same_moment("soon", "later")


def test_time_zones_are_iana_names():
    assert schedule.timezone_error("America/Chicago") is None
    assert schedule.timezone_error("Etc/UTC") is None
    assert "IANA time zone" in schedule.timezone_error("Mars/Olympus_Mons")
    assert "is blank" in schedule.timezone_error(" ")


def test_window_errors_name_each_option():
    errors = schedule.window_errors({"schedule_offset": 7, "duration": 0, "cutoff": 24, "description": "d" * 129})
    assert errors == [
        "schedule_offset must be 1-6, got 7",
        "duration must be 1-24, got 0",
        "cutoff must be 0-23, got 24",
        "description must be at most 128 characters, got 129",
    ]


def test_cutoff_is_checked_against_the_windows_duration_when_only_one_is_given():
    assert schedule.window_errors({"cutoff": 2}, current={"duration": 4}) == []
    assert schedule.window_errors({"cutoff": 4}, current={"duration": 4}) == [
        "cutoff (4 hours) must be less than duration (4 hours): no task could start in the window"]
    assert "must be less than duration (2 hours)" in schedule.window_errors({"duration": 2}, current={"cutoff": 3})[0]


def test_an_offset_needs_a_cron_schedule_the_task_gives_or_the_window_has():
    assert schedule.window_errors({"schedule": "cron(0 2 ? * TUE#2 *)", "schedule_offset": 3}) == []
    assert schedule.window_errors({"schedule_offset": 3}, current={"schedule": "cron(0 2 ? * TUE#2 *)"}) == []
    assert schedule.window_errors({"schedule_offset": 3}, current={"schedule": "rate(7 days)"}) == [
        "schedule_offset applies to cron schedules only, not 'rate(7 days)'"]


def test_a_rate_schedule_cannot_keep_the_windows_offset():
    current = {"schedule": "cron(0 2 ? * TUE#2 *)", "schedule_offset": 3}
    assert schedule.window_errors({"schedule": "rate(7 days)"}, current=current) == [
        "schedule 'rate(7 days)' cannot keep the window's schedule_offset (3 days), which only a cron schedule takes; "
        "keep a cron schedule, or delete the window (state=absent) and create it again"]
    assert schedule.window_errors({"schedule": "cron(0 3 ? * TUE#2 *)"}, current=current) == []


def test_end_date_after_start_date():
    assert schedule.window_errors({"start_date": "2027-01-01T00:00:00Z", "end_date": "2026-12-31T23:00:00-08:00"}) == []
    assert schedule.window_errors({"end_date": "2026-12-31T00:00:00Z"}, current={"start_date": "2027-01-01T00:00:00Z"}) == [
        "end_date must be after start_date"]
