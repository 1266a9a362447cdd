"""dict_variable_errors: a role's dict variable against the options of its own argument spec (the roles' files)."""

from pathlib import Path

import pytest
import yaml

from ansible_collections.cloudpatch.ssm.plugins.module_utils.role_options import dict_variable_errors

ROLES = Path(__file__).resolve().parents[4] / "roles"


def spec_options(role, variable):
    spec = yaml.safe_load((ROLES / role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
    return spec["argument_specs"]["main"]["options"][variable]["options"]


NOTIFICATION = spec_options("patching", "patching_notification")
SCHEDULE_NOTIFICATION = spec_options("patch_schedule", "patch_schedule_notification")
HISTORY = spec_options("compliance_report", "compliance_report_history")
TOPIC = "arn:aws:sns:us-east-1:123456789012:t"
ROLE = "arn:aws:iam::123456789012:role/r"


@pytest.mark.parametrize("value, options, errors", [
    (None, NOTIFICATION, []),
    ({"topic_arn": TOPIC, "role_arn": ROLE}, NOTIFICATION, []),
    ({"topic_arn": TOPIC, "role_arn": ROLE, "events": ["Success", "Failed"]}, NOTIFICATION, []),
    (True, NOTIFICATION, ["v must be a dict (topic_arn, role_arn, events), got bool"]),
    (5, HISTORY, ["v must be a dict (enabled, runs, prefix), got int"]),
    ("x", HISTORY, ["v must be a dict (enabled, runs, prefix), got str"]),
    ({"topic_arn": TOPIC, "role_arn": ROLE, "event": ["All"], "b": 1}, NOTIFICATION,
     ["v has unknown key(s) b, event; give topic_arn, role_arn, events"]),
    ({"role_arn": ROLE}, NOTIFICATION, ["v.topic_arn is required, a string"]),
    ({}, NOTIFICATION, ["v.topic_arn is required, a string", "v.role_arn is required, a string"]),
    # Not required in the schedule's spec.
    ({"topic_arn": TOPIC}, SCHEDULE_NOTIFICATION, []),
    ({"topic_arn": 5, "role_arn": ["r"]}, NOTIFICATION, ["v.topic_arn must be a string, got 5", 'v.role_arn must be a string, got ["r"]']),
    ({"topic_arn": TOPIC, "role_arn": ROLE, "events": ["Sometimes"]}, NOTIFICATION,
     ['v.events must be a list of All, InProgress, Success, TimedOut, Cancelled, Failed, got ["Sometimes"]']),
    ({"topic_arn": TOPIC, "role_arn": ROLE, "events": "All"}, NOTIFICATION,
     ['v.events must be a list of All, InProgress, Success, TimedOut, Cancelled, Failed, got "All"']),
    ({"topic_arn": TOPIC, "type": "Both"}, SCHEDULE_NOTIFICATION, ['v.type must be one of Command, Invocation, got "Both"']),
    ({"topic_arn": TOPIC, "type": "Invocation"}, SCHEDULE_NOTIFICATION, []),
    ({"enabled": "maybe"}, HISTORY, ['v.enabled must be true or false, got "maybe"']),
    # Read as the argument spec reads a bool or an int (an AWX survey answer is a string).
    ({"enabled": "yes", "runs": "12", "prefix": "h"}, HISTORY, []),
    ({"runs": "twelve"}, HISTORY, ['v.runs must be an integer, got "twelve"']),
    ({"runs": True}, HISTORY, ["v.runs must be an integer, got true"]),
    ({"prefix": {"a": 1}}, HISTORY, ["v.prefix must be a string, got {'a': 1}"]),
    # Empty is not this check's to refuse: the role's own check says what an empty dict means for it.
    ({}, HISTORY, []),
])
def test_each_problem_names_the_variable_or_its_option(value, options, errors):
    assert dict_variable_errors(value, "v", options) == errors


class TemplatedInt(int):
    """What ansible-core 2.19's templating gives for a number (a subclass, _AnsibleTaggedInt)."""


def test_a_templated_value_is_named_by_its_yaml_type():
    assert dict_variable_errors(TemplatedInt(5), "v", HISTORY) == ["v must be a dict (enabled, runs, prefix), got int"]
