# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import option_shape_errors

SPEC = dict(
    name=dict(type="str"),
    notification=dict(type="dict", aliases=["notify"], options=dict(topic_arn=dict(type="str"), events=dict(type="list"))),
    tasks=dict(type="list", elements="dict", options=dict(
        name=dict(type="str"),
        alarm_configuration=dict(type="dict", options=dict(alarms=dict(type="list"))),
    )),
)


@pytest.mark.parametrize("params", [
    {},
    {"name": "x", "notification": None},
    {"notification": {"topic_arn": "arn"}},
    {"notification": "topic_arn=arn events=All"},  # ansible-core reads key=value strings as a dict
    {"notification": '{"topic_arn": "arn"}'},
    {"tasks": [{"name": "a"}, {"name": "b", "alarm_configuration": {"alarms": ["x"]}}]},
    {"tasks": "not a list: ansible-core's own list check names the option"},
])
def test_values_ansible_core_handles_are_left_to_it(params):
    assert option_shape_errors(SPEC, params) == []


@pytest.mark.parametrize("params, errors", [
    ({"notification": True}, ["notification must be a dict of topic_arn and events, got True"]),
    ({"notification": 5}, ["notification must be a dict of topic_arn and events, got 5"]),
    ({"notify": ["x"]}, ["notify must be a dict of topic_arn and events, got ['x']"]),
    ({"notification": "sns"}, ["notification must be a dict of topic_arn and events, got 'sns'"]),
    ({"tasks": [{"name": "a"}, 7]}, ["tasks[1] must be a dict of name and alarm_configuration, got 7"]),
    ({"tasks": [{"name": "a", "alarm_configuration": False}]},
     ["tasks[0].alarm_configuration must be a dict of alarms, got False"]),
    ({"notification": 1, "tasks": [2]},
     ["notification must be a dict of topic_arn and events, got 1", "tasks[0] must be a dict of name and alarm_configuration, got 2"]),
])
def test_each_value_ansible_core_would_crash_on_is_named_by_its_path(params, errors):
    assert option_shape_errors(SPEC, params) == errors
