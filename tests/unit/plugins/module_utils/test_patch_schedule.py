"""The patch_schedule role's rings: Patch Tuesday schedules, the checks of its variables, the windows and associations."""

import calendar
import datetime
import re

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import MAX_OFFSET
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import module_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import patch_tuesday_schedule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import ring_windows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import scan_associations
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import schedule_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import stale_offset_errors

DEFAULTS = {
    "patch_schedule_state": "present",
    "patch_schedule_name_prefix": "patch-schedule",
    "patch_schedule_time": "02:00",
    "patch_schedule_timezone": "UTC",
    "patch_schedule_duration": 3,
    "patch_schedule_cutoff": 1,
    "patch_schedule_operation": "install",
    "patch_schedule_reboot_option": "RebootIfNeeded",
    "patch_schedule_max_concurrency": "10%",
    "patch_schedule_max_errors": "10%",
    "patch_schedule_cutoff_behavior": "CONTINUE_TASK",
    "patch_schedule_scan_association": "none",
    "patch_schedule_scan_schedule": "rate(1 day)",
    "patch_schedule_next_runs": 3,
}
RINGS = [
    {"name": "dev", "patch_groups": ["Dev"], "schedule_offset": 1},
    {"name": "test", "patch_groups": ["Test", "QA"], "schedule_offset": 3, "time": "22:30", "timezone": "Europe/Berlin"},
    {"name": "prod", "patch_groups": ["Prod"], "schedule_offset": 8, "operation": "scan", "max_errors": "0"},
]


def config(**overrides):
    values = dict(DEFAULTS, patch_schedule_rings=[dict(ring) for ring in RINGS])
    values.update({f"patch_schedule_{key}": value for key, value in overrides.items()})
    return values


def ring(**fields):
    return dict({"name": "dev", "patch_groups": ["Dev"], "schedule_offset": 1}, **fields)


def nth_tuesday(year, month, n):
    tuesdays = [day for day in calendar.Calendar().itermonthdates(year, month) if day.month == month and day.weekday() == calendar.TUESDAY]
    return tuesdays[n - 1]


def run_date(year, month, schedule, offset):
    """The date a window of this schedule and ScheduleOffset runs after the cron's date in that month."""
    match = re.fullmatch(r"cron\((\d+) (\d+) \? \* TUE#(\d) \*\)", schedule)
    return nth_tuesday(year, month, int(match.group(3))) + datetime.timedelta(days=offset or 0)


@pytest.mark.parametrize("offset", range(MAX_OFFSET + 1))
def test_every_offset_lands_that_many_days_after_the_second_tuesday_in_every_month(offset):
    schedule, schedule_offset = patch_tuesday_schedule(offset, "02:00")
    assert schedule_offset is None or 1 <= schedule_offset <= 6  # MaintenanceWindowOffset: 1-6
    for year in (2026, 2027, 2028):
        for month in range(1, 13):
            assert run_date(year, month, schedule, schedule_offset) == nth_tuesday(year, month, 2) + datetime.timedelta(days=offset)


@pytest.mark.parametrize("offset, time, expected", [
    (0, "02:00", ("cron(0 2 ? * TUE#2 *)", None)),
    (3, "23:30", ("cron(30 23 ? * TUE#2 *)", 3)),
    (7, "02:05", ("cron(5 2 ? * TUE#3 *)", None)),
    (9, "00:00", ("cron(0 0 ? * TUE#3 *)", 2)),
    (20, "12:00", ("cron(0 12 ? * TUE#4 *)", 6)),
])
def test_the_cron_expression_and_schedule_offset(offset, time, expected):
    assert patch_tuesday_schedule(offset, time) == expected


def test_good_variables_have_no_error():
    assert schedule_errors(config()) == []
    assert schedule_errors(config(scan_association="per_ring", tags={"team": "ops"}, output_s3_bucket="logs-bucket")) == []


@pytest.mark.parametrize("overrides, error", [
    ({"rings": []}, "patch_schedule_rings is empty"),
    ({"rings": [ring(patch_groups=[])]}, "patch_schedule_rings[0].patch_groups is empty"),
    ({"rings": [ring(), ring(name="dev", patch_groups=["Other"])]},
     "patch_schedule_rings[1].name 'dev' clashes with patch_schedule_rings[0].name"),
    ({"rings": [ring(), ring(name="prod")]}, "patch_schedule_rings[1].patch_groups[0] 'Dev' is already in patch_schedule_rings[0].patch_groups"),
    ({"rings": [ring(patch_groups=["Dev", "Dev"])]}, "patch_schedule_rings[0].patch_groups[1] 'Dev' is already in patch_schedule_rings[0].patch_groups"),
    ({"rings": [ring(patch_groups=["Dev", " "])]}, "patch_schedule_rings[0].patch_groups[1] is blank"),
    ({"rings": [ring(name="dev ring")]}, "patch_schedule_rings[0].name must be letters, digits"),
    ({"rings": [ring(name=" ")]}, "patch_schedule_rings[0].name is blank"),
    ({"rings": [ring(name="x" * 120)]}, "longer than the 128 characters"),
    ({"rings": [ring(schedule_offset=21)]}, "patch_schedule_rings[0].schedule_offset must be 0-20"),
    ({"rings": [ring(schedule_offset=-1)]}, "patch_schedule_rings[0].schedule_offset must be 0-20"),
    ({"rings": [ring(time="2:00")]}, "patch_schedule_rings[0].time must be HH:MM"),
    ({"rings": [ring(time="24:00")]}, "patch_schedule_rings[0].time must be HH:MM"),
    ({"time": "02:00\n"}, "patch_schedule_time must be HH:MM"),
    ({"rings": [ring(timezone="Mars/Olympus")]}, "patch_schedule_rings[0].timezone must be an IANA time zone"),
    ({"timezone": "/etc/passwd"}, "patch_schedule_timezone must be an IANA time zone"),
    ({"rings": [ring(duration=25)]}, "patch_schedule_rings[0].duration must be 1-24 hours"),
    ({"duration": 0}, "patch_schedule_duration must be 1-24 hours"),
    ({"cutoff": 24}, "patch_schedule_cutoff must be 0-23 hours"),
    ({"cutoff": 3}, "patch_schedule_cutoff (3) must be less than patch_schedule_duration (3)"),
    ({"rings": [ring(duration=1)]}, "patch_schedule_cutoff (1) must be less than patch_schedule_rings[0].duration (1)"),
    ({"rings": [ring(description="d" * 129)]}, "patch_schedule_rings[0].description must be at most 128 characters"),
    ({"rings": [ring(max_concurrency="ten")]}, "patch_schedule_rings[0].max_concurrency must be a number of nodes"),
    ({"max_errors": "101%"}, "patch_schedule_max_errors must be a number of nodes"),
    ({"rings": [ring(max_errors=" ")]}, "patch_schedule_rings[0].max_errors is blank (leave it out to use patch_schedule_max_errors)"),
    ({"pre_install_hook": ""}, "patch_schedule_pre_install_hook is blank"),
    ({"pre_install_hook": "Drain", "rings": [ring(operation="scan")]},
     "patch_schedule_pre_install_hook applies to patch_schedule_rings[0].operation=install only"),
    ({"pre_install_hook": "Drain", "baseline_override": "s3://bucket/baselines.json"},
     "patch_schedule_pre_install_hook runs AWS-RunPatchBaselineWithHooks, which takes no patch_schedule_install_override_list"),
    ({"install_override_list": "http://example.com/list.yml"}, "patch_schedule_install_override_list must be an https:// or s3://bucket/key URL"),
    ({"output_s3_bucket": "Bad_Bucket"}, "patch_schedule_output_s3_bucket must be an S3 bucket name"),
    ({"output_s3_prefix": "patching"}, "patch_schedule_output_s3_prefix needs patch_schedule_output_s3_bucket"),
    ({"cloudwatch_log_group": "a b"}, "patch_schedule_cloudwatch_log_group must be a CloudWatch Logs group name"),
    ({"timeout_seconds": 10}, "patch_schedule_timeout_seconds must be 30-2592000"),
    ({"comment": "c" * 101}, "patch_schedule_comment must be at most 100 characters"),
    ({"name_prefix": "patch schedule"}, "patch_schedule_name_prefix must be letters, digits"),
    ({"notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:patching"}},
     "patch_schedule_notification needs patch_schedule_notification.role_arn or patch_schedule_service_role_arn"),
    ({"notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:patching", "role_arn": "publisher"}},
     "patch_schedule_notification.role_arn must be an IAM role ARN"),
    ({"notification": {"topic_arn": "topic"}, "service_role_arn": "arn:aws:iam::123456789012:role/mw"},
     "patch_schedule_notification.topic_arn must be an SNS topic ARN"),
    ({"notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:patching", "events": []},
      "service_role_arn": "arn:aws:iam::123456789012:role/mw"}, "patch_schedule_notification.events is empty"),
    ({"service_role_arn": "role/mw"}, "patch_schedule_service_role_arn must be an IAM role ARN"),
    ({"scan_association": "all", "scan_schedule": None}, "patch_schedule_scan_association all needs patch_schedule_scan_schedule"),
    ({"scan_schedule": "every day"}, "patch_schedule_scan_schedule must be a cron(...) or rate(...) expression"),
    ({"scan_schedule": "rate(1 day)\n"}, "patch_schedule_scan_schedule must be a cron(...) or rate(...) expression"),
    ({"scan_schedule": "rate(10 minutes)"}, "patch_schedule_scan_schedule 'rate(10 minutes)' is not an association schedule"),
    ({"next_runs": 0}, "patch_schedule_next_runs must be at least 1"),
])
def test_each_bad_variable_is_named(overrides, error):
    errors = schedule_errors(config(**overrides))
    assert any(error in message for message in errors), errors


def test_a_shared_error_is_said_once_not_once_a_ring():
    errors = schedule_errors(config(max_concurrency="x"))
    assert len([message for message in errors if message.startswith("patch_schedule_max_concurrency")]) == 1


def test_each_ring_gets_a_window_on_its_offset_with_its_groups_and_task():
    windows = ring_windows(config(output_s3_bucket="logs-bucket", pre_install_hook="Drain", tags={"team": "ops"}))
    assert [window["name"] for window in windows] == ["patch-schedule-dev", "patch-schedule-test", "patch-schedule-prod"]
    dev, test, prod = windows
    assert (dev["schedule"], dev["schedule_offset"], dev["duration"], dev["cutoff"]) == ("cron(0 2 ? * TUE#2 *)", 1, 3, 1)
    assert dev["schedule_timezone"] == "UTC"
    assert (test["schedule"], test["schedule_offset"], test["schedule_timezone"]) == ("cron(30 22 ? * TUE#2 *)", 3, "Europe/Berlin")
    assert (prod["schedule"], prod["schedule_offset"]) == ("cron(0 2 ? * TUE#3 *)", 1)
    assert test["targets"] == [{"name": "patch-groups", "patch_groups": ["Test", "QA"]}]
    assert all(window["purge_targets"] and window["purge_tasks"] and window["tags"] == {"team": "ops"} for window in windows)
    task = dev["tasks"][0]
    assert task["targets"] == ["patch-groups"]
    assert (task["operation"], task["reboot_option"], task["max_concurrency"], task["max_errors"]) == ("install", "RebootIfNeeded", "10%", "10%")
    assert (task["pre_install_hook"], task["output_s3_bucket"], task["cutoff_behavior"]) == ("Drain", "logs-bucket", "CONTINUE_TASK")
    assert (prod["tasks"][0]["operation"], prod["tasks"][0]["max_errors"]) == ("scan", "0")
    assert "reboot_option" not in prod["tasks"][0]
    assert dev["description"] == "Patch ring dev: install Patch Tuesday + 1 day, 02:00 UTC (cloudpatch.ssm.patch_schedule)"
    assert all(len(window["description"]) <= 128 for window in windows)


def test_offset_zero_sends_no_schedule_offset_and_a_disabled_ring_stays_disabled():
    window = ring_windows(config(rings=[ring(schedule_offset=0, enabled=False)]))[0]
    assert window["schedule"] == "cron(0 2 ? * TUE#2 *)"
    assert "schedule_offset" not in window
    assert window["enabled"] is False


def test_a_null_time_zone_is_sent_as_utc():
    assert ring_windows(config(timezone=None))[0]["schedule_timezone"] == "UTC"


@pytest.mark.parametrize("offset, current, failing", [
    (7, 3, True),
    (0, 1, True),
    (14, 6, True),
    (7, None, False),
    (8, 3, False),
    (3, None, False),
])
def test_a_window_that_must_lose_its_schedule_offset_is_said_before_any_change(offset, current, failing):
    values = config(rings=[ring(schedule_offset=offset)])
    errors = stale_offset_errors(values, [{"name": "patch-schedule-dev", "schedule_offset": current}, {"name": "other", "schedule_offset": 2}])
    assert bool(errors) is failing
    if failing:
        assert errors == [f"patch_schedule_rings[0].schedule_offset {offset} runs window patch-schedule-dev without a ScheduleOffset, "
                          f"but it has ScheduleOffset {current}, which an update cannot remove: delete the window first "
                          "(patch_schedule_state: absent with this ring), then create it again"]
    assert stale_offset_errors(dict(values, patch_schedule_state="absent"), [{"name": "patch-schedule-dev", "schedule_offset": 3}]) == []


def test_absent_deletes_each_window_and_every_association_name():
    values = config(state="absent", scan_association="all")
    assert ring_windows(values) == [{"name": f"patch-schedule-{name}", "state": "absent"} for name in ("dev", "test", "prod")]
    assert scan_associations(values) == [{"name": name, "state": "absent"} for name in (
        "patch-schedule-scan", "patch-schedule-dev-scan", "patch-schedule-test-scan", "patch-schedule-prod-scan")]


def test_no_scan_removes_what_a_previous_choice_made():
    assert {association["state"] for association in scan_associations(config())} == {"absent"}


def test_one_scan_for_all_rings_and_none_left_a_ring():
    associations = scan_associations(config(scan_association="all", max_concurrency="50%", output_s3_bucket="logs-bucket"))
    assert associations[0] == {
        "name": "patch-schedule-scan", "state": "present", "operation": "scan", "patch_groups": ["Dev", "Test", "QA", "Prod"],
        "schedule": "rate(1 day)", "max_concurrency": "50%", "max_errors": "10%", "output_s3_bucket": "logs-bucket",
    }
    assert [(association["name"], association["state"]) for association in associations[1:]] == [
        ("patch-schedule-dev-scan", "absent"), ("patch-schedule-test-scan", "absent"), ("patch-schedule-prod-scan", "absent")]


def test_a_scan_a_ring():
    associations = scan_associations(config(scan_association="per_ring", scan_schedule="cron(0 1 * * ? *)"))
    assert associations[0] == {"name": "patch-schedule-scan", "state": "absent"}
    assert [(item["name"], item["patch_groups"], item["schedule"]) for item in associations[1:]] == [
        ("patch-schedule-dev-scan", ["Dev"], "cron(0 1 * * ? *)"),
        ("patch-schedule-test-scan", ["Test", "QA"], "cron(0 1 * * ? *)"),
        ("patch-schedule-prod-scan", ["Prod"], "cron(0 1 * * ? *)"),
    ]


def test_values_as_extra_vars_pass_them_are_read_as_their_spec_types():
    values = config(duration="4", cutoff="2", rings=[ring(schedule_offset="9", enabled="false", patch_groups="Dev,QA")])
    assert schedule_errors(values) == []
    window = ring_windows(values)[0]
    assert (window["schedule"], window["schedule_offset"], window["duration"], window["cutoff"]) == ("cron(0 2 ? * TUE#3 *)", 2, 4, 2)
    assert window["enabled"] is False
    assert window["targets"][0]["patch_groups"] == ["Dev", "QA"]
    assert ring_windows(config(rings=["name=dev, patch_groups=Dev, schedule_offset=2"]))[0]["schedule_offset"] == 2
    # YAML reads max_errors: 0 as a number and time: 02:00 (unquoted) as 120, sexagesimal minutes.
    assert ring_windows(config(rings=[ring(max_errors=0)]))[0]["tasks"][0]["max_errors"] == "0"
    assert schedule_errors(config(rings=[ring(time=120)])) == ["patch_schedule_rings[0].time must be HH:MM (00:00 to 23:59), got '120'"]
    assert schedule_errors(config(rings=[ring(schedule_offset="30")])) == [
        "patch_schedule_rings[0].schedule_offset must be 0-20 days after Patch Tuesday (the fourth Tuesday + 6 days at most), got 30"]


def test_a_module_failure_names_the_window_and_the_role_variable():
    values = config(pre_install_hook="Drain", scan_association="per_ring")
    results = [
        {"failed": False, "item": {"name": "patch-schedule-dev"}},
        {"failed": True, "item": {"name": "patch-schedule-test"},
         "msg": "tasks[0].pre_install_hook: no SSM document Drain in us-east-1; tasks[0].max_errors is too big; cutoff must be less"},
        {"failed": True, "item": {"name": "patch-schedule-prod"}, "msg": "targets[0].patch_groups: nodes of Prod carry both tag keys"},
        {"failed": True, "item": {"name": "patch-schedule-test-scan"}, "msg": "patch_groups ['QA'] carry both; schedule is wrong"},
        {"failed": True, "item": {"name": "patch-schedule-scan"}, "msg": "patch_groups clash"},
        {"failed": True, "msg": "no item"},
    ]
    assert module_errors(results, values) == [
        "patch-schedule-test: patch_schedule_pre_install_hook: no SSM document Drain in us-east-1; "
        "patch_schedule_max_errors is too big; patch_schedule_cutoff must be less",
        "patch-schedule-prod: patch_schedule_rings[2].patch_groups: nodes of Prod carry both tag keys",
        "patch-schedule-test-scan: patch_schedule_rings[1].patch_groups ['QA'] carry both; patch_schedule_scan_schedule is wrong",
        "patch-schedule-scan: patch_schedule_rings[].patch_groups clash",
        "no item",
    ]
    ring_level = module_errors([{"failed": True, "item": {"name": "patch-schedule-prod"}, "msg": "tasks[0].max_errors: bad"}], values)
    assert ring_level == ["patch-schedule-prod: patch_schedule_rings[2].max_errors: bad"]
