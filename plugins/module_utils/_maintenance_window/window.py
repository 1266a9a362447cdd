# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The window itself: the module's options to CreateMaintenanceWindow/UpdateMaintenanceWindow members,
GetMaintenanceWindow's answer to the module's shape, and what differs. Nothing here calls AWS."""

import datetime

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_tags
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.schedule import same_moment

# Option -> the API's member, for every option UpdateMaintenanceWindow can change.
WINDOW_FIELDS = {
    "description": "Description",
    "schedule": "Schedule",
    "schedule_timezone": "ScheduleTimezone",
    "schedule_offset": "ScheduleOffset",
    "duration": "Duration",
    "cutoff": "Cutoff",
    "start_date": "StartDate",
    "end_date": "EndDate",
    "allow_unassociated_targets": "AllowUnassociatedTargets",
    "enabled": "Enabled",
}
DATE_FIELDS = ("start_date", "end_date")
# CreateMaintenanceWindow requires Name, Schedule, Duration, Cutoff and AllowUnassociatedTargets.
CREATE_REQUIRED = ("schedule", "duration", "cutoff")


def _text(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def window_to_ansible(definition, tags=None):
    """GetMaintenanceWindow's (or a DescribeMaintenanceWindows identity's) members in the module's shape."""
    result = {"window_id": definition.get("WindowId"), "name": definition.get("Name")}
    for option, member in WINDOW_FIELDS.items():
        result[option] = definition.get(member)
    result["description"] = result["description"] or None
    for option, member in (("next_execution_time", "NextExecutionTime"), ("created_date", "CreatedDate"), ("modified_date", "ModifiedDate")):
        result[option] = _text(definition.get(member))
    result["tags"] = dict(tags or {})
    return result


def changed_window_fields(current, params):
    """{option: value} of the window's options the task gives with another value than the window has."""
    changes = {}
    for option in WINDOW_FIELDS:
        wanted = params.get(option)
        if wanted is None:
            continue
        have = current.get(option)
        if option in DATE_FIELDS and have is not None and same_moment(wanted, have):
            continue
        if wanted != have:
            changes[option] = wanted
    return changes


def window_request(fields):
    """The API members of `fields` (options to values)."""
    return dict((WINDOW_FIELDS[option], value) for option, value in fields.items())


def create_request(params):
    request = {"Name": params["name"], "AllowUnassociatedTargets": bool(params.get("allow_unassociated_targets"))}
    for option, member in WINDOW_FIELDS.items():
        if option not in ("allow_unassociated_targets", "enabled") and params.get(option) is not None:
            request[member] = params[option]
    return request


def create_missing(params):
    return [option for option in CREATE_REQUIRED if params.get(option) is None]


def predicted_window(params):
    """What check mode says a create makes (AWS gives the id and the dates)."""
    predicted = window_to_ansible({"Name": params["name"]}, params.get("tags") or {})
    for option in WINDOW_FIELDS:
        predicted[option] = params.get(option)
    predicted["allow_unassociated_targets"] = bool(params.get("allow_unassociated_targets"))
    predicted["enabled"] = True if params.get("enabled") is None else params["enabled"]
    return predicted


def tag_errors(tags):
    """Errors in the window's tags, by the rules SSM's tags follow on every resource (as for baselines)."""
    return validate_tags(tags)
