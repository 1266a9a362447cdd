# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ssm_maintenance_window_info's checks, and a window's executions in the module's shape: each
execution, its tasks, and each task's invocations (one per node for a Run Command task). Nothing here
calls AWS."""

import datetime
import json
import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.targets import name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

WINDOW_ID = re.compile(r"\Amw-[0-9a-f]{17}\Z")
# A bound that keeps a read of the history to a page or so a window; the API keeps executions 30 days.
MAX_ENTRIES = 100


def validate_info_parameters(params):
    errors = []
    for option, check in (("names", name_error),
                          ("window_ids", lambda value, where: None if full_match(WINDOW_ID, value) else
                           f"{where} must be a maintenance window id (mw- and 17 hexadecimal digits), got {value!r}")):
        values = params.get(option)
        if values is None:
            continue
        if not values:
            errors.append(f"{option} is empty: name at least one, or leave the option out for every window")
        for index, value in enumerate(values):
            where = f"{option}[{index}]"
            error = f"{where} is blank" if blank(value) else check(value, where)
            if error:
                errors.append(error)
    for option in ("next_runs", "executions"):
        value = params.get(option)
        if value is not None and not 0 <= value <= MAX_ENTRIES:
            errors.append(f"{option} must be 0-{MAX_ENTRIES} (0 reads none), got {value}")
    if params.get("include_invocations") and params.get("executions") == 0:
        errors.append("include_invocations reads the invocations of the executions returned, and executions is 0: "
                      "set executions to 1 or more, or leave include_invocations out")
    return errors


def _moment(value):
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


def _text(value):
    return value.isoformat() if isinstance(value, (datetime.datetime, datetime.date)) else value


def newest_executions(executions, count):
    """The `count` newest executions, newest first (the API documents no order)."""
    return sorted(executions, key=lambda execution: _moment(execution.get("StartTime")), reverse=True)[:count]


def execution_to_ansible(execution, tasks):
    return {
        "window_execution_id": execution.get("WindowExecutionId"),
        "status": execution.get("Status"),
        "status_details": execution.get("StatusDetails"),
        "start_time": _text(execution.get("StartTime")),
        "end_time": _text(execution.get("EndTime")),
        "tasks": tasks,
    }


def task_execution_to_ansible(task, invocations, task_names):
    """One task of an execution; `invocations` None (not read) leaves the key out, so that an unread
    list is never taken for a task that ran on no node."""
    row = {
        "task_execution_id": task.get("TaskExecutionId"),
        "task_arn": task.get("TaskArn"),
        "task_type": task.get("TaskType"),
        "name": task_names.get(task.get("TaskArn")),
        "status": task.get("Status"),
        "status_details": task.get("StatusDetails"),
        "start_time": _text(task.get("StartTime")),
        "end_time": _text(task.get("EndTime")),
    }
    if invocations is not None:
        row["invocations"] = invocations
    return row


def invocation_to_ansible(invocation, target_names):
    """One invocation: its node comes from its Parameters, a JSON string whose `instanceIds` names the
    node a Run Command invocation ran on (describe-maintenance-window-execution-task-invocations.rst)."""
    instance_ids = []
    try:
        parameters = json.loads(invocation.get("Parameters") or "{}")
        instance_ids = list(parameters.get("instanceIds") or []) if isinstance(parameters, dict) else []
    except ValueError:
        pass
    return {
        "invocation_id": invocation.get("InvocationId"),
        "execution_id": invocation.get("ExecutionId"),
        "instance_id": instance_ids[0] if len(instance_ids) == 1 else None,
        "instance_ids": instance_ids,
        "status": invocation.get("Status"),
        "status_details": invocation.get("StatusDetails"),
        "start_time": _text(invocation.get("StartTime")),
        "end_time": _text(invocation.get("EndTime")),
        "window_target_id": invocation.get("WindowTargetId"),
        "target": target_names.get(invocation.get("WindowTargetId")),
        "owner_information": invocation.get("OwnerInformation"),
    }
