"""Maintenance window tasks as DescribeMaintenanceWindowTasks returns them.

moto describes a task with GetMaintenanceWindowTask's member names (the kind as `TaskType`, with
TaskInvocationParameters), where DescribeMaintenanceWindowTasks' MaintenanceWindowTask shape calls it
`Type` and has no invocation parameters, and returns every task in one page. So a describe lacked `Type`, and a client that keeps the RUN_COMMAND tasks (the
dashboard's recurring patching tasks) saw none. Here the describe answers in AWS's shape, with AWS's
page sizes (MaxResults 10-100, default 10) and NextToken.

moto (5.2.5) also matches no task and no target at all once any filter is given, answers
DeleteMaintenanceWindow and the two Deregister calls with an empty body, and describes every target's
OwnerInformation as "". Here the filters are those the API reference names (DescribeMaintenanceWindowTasks:
WindowTaskId, TaskArn, Priority, TaskType; DescribeMaintenanceWindowTargets: Type, WindowTargetId,
OwnerInformation), values of one key ORed and keys ANDed, and the other answers carry what their output
shapes and the AWS CLI's examples show (awscli/examples/ssm/delete-maintenance-window.rst,
deregister-target-from-maintenance-window.rst, deregister-task-from-maintenance-window.rst,
describe-maintenance-window-targets.rst, describe-maintenance-window-tasks.rst).

moto has no NextExecutionTime, DescribeMaintenanceWindowSchedule or DescribeMaintenanceWindowsForTarget:
here they are computed on the sandbox clock from the window's schedule (maintenance_window_schedule.py).
"""

import copy
import heapq

from sandbox.agent import clock
from sandbox.ssm import maintenance_window_schedule as window_schedule
from sandbox.ssm.store import backend_state
from sandbox.wire.errors import DoesNotExistException, ValidationException
from sandbox.wire.paging import decode_token, encode_token, paginate
from sandbox.wire.request_validation import validation_error

# Members of MaintenanceWindowTask (DescribeMaintenanceWindowTasks) from moto's task, under AWS's name.
_DESCRIBE_MEMBERS = {
    "WindowId": "window_id",
    "WindowTaskId": "window_task_id",
    "TaskArn": "task_arn",
    "Type": "task_type",
    "Targets": "targets",
    "TaskParameters": "task_parameters",
    "Priority": "priority",
    "LoggingInfo": "logging_info",
    "ServiceRoleArn": "service_role_arn",
    "MaxConcurrency": "max_concurrency",
    "MaxErrors": "max_errors",
    "Name": "name",
    "Description": "description",
    "CutoffBehavior": "cutoff_behavior",
    "AlarmConfiguration": "alarm_configurations",
}


def describe_task(task):
    """A task as one entry of DescribeMaintenanceWindowTasks' Tasks (members left out when unset,
    except TaskParameters: every task in describe-maintenance-window-tasks.rst has "TaskParameters": {})."""
    entry = {member: getattr(task, attribute, None) for member, attribute in _DESCRIBE_MEMBERS.items()}
    entry["TaskParameters"] = entry["TaskParameters"] or {}
    return {member: value for member, value in entry.items() if value is not None}


# Filter key -> the value of a task or target it is compared with (as a string: filter values are strings).
_TASK_FILTERS = {
    "WindowTaskId": lambda task: task.window_task_id,
    "TaskArn": lambda task: task.task_arn,
    "Priority": lambda task: None if task.priority is None else str(task.priority),
    "TaskType": lambda task: task.task_type,
}
_TARGET_FILTERS = {
    "Type": lambda target: target.resource_type,  # a window target's only type is its ResourceType
    "WindowTargetId": lambda target: target.window_target_id,
    "OwnerInformation": lambda target: target.owner_information,
}


def _matches(item, filters, keys):
    for entry in filters:
        read = keys.get(entry.get("Key"))
        if read is None or read(item) not in entry.get("Values", []):
            return False
    return True


def describe_maintenance_window_tasks(backend, params):
    window_id = params.get("WindowId")
    filters = params.get("Filters", [])
    tasks = sorted((task for task in backend.describe_maintenance_window_tasks(window_id, [])
                    if _matches(task, filters, _TASK_FILTERS)),
                   key=lambda task: task.window_task_id)
    page, token = paginate(tasks, params.get("MaxResults"), params.get("NextToken"),
                           default=10, minimum=10, maximum=100, context={"window": window_id, "filters": filters})
    result = {"Tasks": [describe_task(task) for task in page]}
    if token:
        result["NextToken"] = token
    return result


def describe_target(target):
    """A target as one entry of DescribeMaintenanceWindowTargets' Targets (unset members left out)."""
    entry = {"WindowId": target.window_id, "WindowTargetId": target.window_target_id,
             "ResourceType": target.resource_type, "Targets": target.targets,
             "OwnerInformation": target.owner_information, "Name": target.name, "Description": target.description}
    return {member: value for member, value in entry.items() if value is not None}


def describe_maintenance_window_targets(backend, params):
    window_id = params.get("WindowId")
    filters = params.get("Filters", [])
    targets = [target for target in backend.describe_maintenance_window_targets(window_id, [])
               if _matches(target, filters, _TARGET_FILTERS)]
    return {"Targets": [describe_target(target) for target in targets]}


def delete_maintenance_window(backend, params):
    backend.delete_maintenance_window(params.get("WindowId"))
    return {"WindowId": params.get("WindowId")}


def deregister_target_from_maintenance_window(backend, params):
    backend.deregister_target_from_maintenance_window(params.get("WindowId"), params.get("WindowTargetId"))
    return {"WindowId": params.get("WindowId"), "WindowTargetId": params.get("WindowTargetId")}


def deregister_task_from_maintenance_window(backend, params):
    backend.deregister_task_from_maintenance_window(params.get("WindowId"), params.get("WindowTaskId"))
    return {"WindowId": params.get("WindowId"), "WindowTaskId": params.get("WindowTaskId")}


# GetMaintenanceWindowTask's output members (botocore's GetMaintenanceWindowTaskResult) from moto's task.
_GET_TASK_MEMBERS = dict(_DESCRIBE_MEMBERS, TaskType="task_type", TaskInvocationParameters="task_invocation_parameters")
del _GET_TASK_MEMBERS["Type"]


def _task(backend, params):
    window = backend.get_maintenance_window(params.get("WindowId"))
    task = window.tasks.get(params.get("WindowTaskId"))
    if task is None:
        raise DoesNotExistException(f"Maintenance window task {params.get('WindowTaskId')} does not exist")
    return task


def get_maintenance_window_task(backend, params):
    """moto 5.2.5 has no GetMaintenanceWindowTask. A window or task that does not exist is
    DoesNotExistException (the API reference's errors for this operation)."""
    return _task_answer(_task(backend, params))


def _task_answer(task):
    entry = {member: getattr(task, attribute, None) for member, attribute in _GET_TASK_MEMBERS.items()}
    entry["TaskParameters"] = entry["TaskParameters"] or {}
    return {member: value for member, value in entry.items() if value is not None}


def task_definition(task):
    """A registered task as GetMaintenanceWindowTask shows it, copied (a window execution runs the
    task as it was when the window opened)."""
    return copy.deepcopy(_task_answer(task))


def _replace_or_update(item, params, members, required):
    """UpdateMaintenanceWindow/-Target/-Task: with Replace, "all fields that are required by the
    Create.../Register... operation are also required ... Optional fields that aren't specified are set to
    null" (API reference); without it only the fields given change."""
    replace = params.get("Replace", False)
    if replace:
        missing = [member for member in required if member not in params]
        if missing:
            raise ValidationException(f"{', '.join(missing)} must be specified when Replace is true.")
    for member, attribute in members.items():
        if member in params:
            setattr(item, attribute, params[member])
        elif replace and member not in required:
            setattr(item, attribute, None)


def _check_window_targets(targets):
    """API reference, Target: a maintenance window targets explicit instance ids, tag:, tag-key or
    resource-groups:Name; InstanceIds=* (every node) is State Manager's, Automation's and Change
    Manager's only. The error AWS answers is not documented (RegisterTargetWithMaintenanceWindow lists
    none for it): ValidationException, the service's error for a request it refuses as malformed."""
    for index, target in enumerate(targets or []):
        if str(target.get("Key", "")).lower() == "instanceids" and "*" in (target.get("Values") or []):
            raise ValidationException(
                f"Targets[{index}]: InstanceIds=* (every managed node) is not supported by maintenance windows: "
                "name the instance ids, or target tag:<key>, tag-key or resource-groups:Name.")


def register_target_with_maintenance_window(backend, params):
    """moto's RegisterTargetWithMaintenanceWindow, after the check of its targets moto does not make."""
    _check_window_targets(params.get("Targets"))
    window_target_id = backend.register_target_with_maintenance_window(
        window_id=params.get("WindowId"), resource_type=params.get("ResourceType"), targets=params.get("Targets"),
        owner_information=params.get("OwnerInformation"), name=params.get("Name"),
        description=params.get("Description"))
    return {"WindowTargetId": window_target_id}


def register_task_with_maintenance_window(backend, params):
    """moto's RegisterTaskWithMaintenanceWindow, after the check of the task's targets (the same rule
    as the window's); AlarmConfiguration under the API's name (moto's responses read
    "AlarmConfigurations", which no request carries)."""
    _check_window_targets(params.get("Targets"))
    window_task_id = backend.register_task_with_maintenance_window(
        window_id=params.get("WindowId"), targets=params.get("Targets"), task_arn=params.get("TaskArn"),
        service_role_arn=params.get("ServiceRoleArn"), task_type=params.get("TaskType"),
        task_parameters=params.get("TaskParameters"), task_invocation_parameters=params.get("TaskInvocationParameters"),
        priority=params.get("Priority"), max_concurrency=params.get("MaxConcurrency"),
        max_errors=params.get("MaxErrors"), logging_info=params.get("LoggingInfo"), name=params.get("Name"),
        description=params.get("Description"), cutoff_behavior=params.get("CutoffBehavior"),
        alarm_configurations=params.get("AlarmConfiguration"))
    return {"WindowTaskId": window_task_id}


_UPDATE_TARGET_MEMBERS = {"Targets": "targets", "OwnerInformation": "owner_information", "Name": "name",
                          "Description": "description"}


def update_maintenance_window_target(backend, params):
    """moto 5.2.5 has no UpdateMaintenanceWindowTarget. Unset OwnerInformation and Description answer
    "" (awscli/examples/ssm/update-maintenance-window-target.rst)."""
    window = backend.get_maintenance_window(params.get("WindowId"))
    target = window.targets.get(params.get("WindowTargetId"))
    if target is None:
        raise DoesNotExistException(f"Maintenance window target {params.get('WindowTargetId')} does not exist")
    _check_window_targets(params.get("Targets"))
    _replace_or_update(target, params, _UPDATE_TARGET_MEMBERS, required=("Targets",))
    answer = {"WindowId": target.window_id, "WindowTargetId": target.window_target_id, "Targets": target.targets,
              "OwnerInformation": target.owner_information or "", "Name": target.name,
              "Description": target.description or ""}
    return {member: value for member, value in answer.items() if value is not None}


_UPDATE_TASK_MEMBERS = {"Targets": "targets", "TaskArn": "task_arn", "ServiceRoleArn": "service_role_arn",
                        "TaskParameters": "task_parameters", "TaskInvocationParameters": "task_invocation_parameters",
                        "Priority": "priority", "MaxConcurrency": "max_concurrency", "MaxErrors": "max_errors",
                        "LoggingInfo": "logging_info", "Name": "name", "Description": "description",
                        "CutoffBehavior": "cutoff_behavior", "AlarmConfiguration": "alarm_configurations"}


def update_maintenance_window_task(backend, params):
    """moto 5.2.5 has no UpdateMaintenanceWindowTask; the answer is the task as GetMaintenanceWindowTask
    shows it (the output shape has the same members)."""
    task = _task(backend, params)
    _check_window_targets(params.get("Targets"))
    _replace_or_update(task, params, _UPDATE_TASK_MEMBERS, required=("TaskArn",))
    return _task_answer(task)


# What moto's window does not keep (it answers Enabled true always and no AllowUnassociatedTargets,
# CreatedDate or ModifiedDate): {window id: {member: value}}.
def _settings(backend, window_id):
    settings = backend_state(backend, "maintenance_window_settings", dict)
    return settings.setdefault(window_id, {"AllowUnassociatedTargets": False, "Enabled": True})


def window_settings(backend, window_id):
    """Enabled, AllowUnassociatedTargets, CreatedDate and ModifiedDate of a window (what moto does not keep)."""
    return _settings(backend, window_id)


_WINDOW_ATTRIBUTES = {"Name": "name", "Description": "description", "StartDate": "start_date", "EndDate": "end_date",
                      "Schedule": "schedule", "ScheduleTimezone": "schedule_timezone", "ScheduleOffset": "schedule_offset",
                      "Duration": "duration", "Cutoff": "cutoff"}


def _window(backend, window, members):
    settings = _settings(backend, window.id)
    entry = {"WindowId": window.id, **{member: getattr(window, attribute) for member, attribute in _WINDOW_ATTRIBUTES.items()},
             **settings}
    if "NextExecutionTime" in members:
        # The next run on the sandbox clock, in the CLI examples' format (maintenance_window_schedule).
        moment = window_schedule.next_execution(window, settings, clock.utcnow())
        entry["NextExecutionTime"] = None if moment is None else window_schedule.next_execution_time_text(moment)
    return {member: entry[member] for member in members if entry.get(member) is not None}


def create_maintenance_window(backend, params):
    window_id = backend.create_maintenance_window(
        name=params.get("Name"), description=params.get("Description"), duration=params.get("Duration"),
        cutoff=params.get("Cutoff"), schedule=params.get("Schedule"), schedule_timezone=params.get("ScheduleTimezone"),
        schedule_offset=params.get("ScheduleOffset"), start_date=params.get("StartDate"), end_date=params.get("EndDate"),
        tags=params.get("Tags"))
    now = clock.utcnow()
    _settings(backend, window_id).update(AllowUnassociatedTargets=params.get("AllowUnassociatedTargets", False),
                                         CreatedDate=now, ModifiedDate=now)
    return {"WindowId": window_id}


_GET_MEMBERS = ("WindowId", "Name", "Description", "StartDate", "EndDate", "Schedule", "ScheduleTimezone",
                "ScheduleOffset", "NextExecutionTime", "Duration", "Cutoff", "AllowUnassociatedTargets", "Enabled", "CreatedDate",
                "ModifiedDate")
_IDENTITY_MEMBERS = ("WindowId", "Name", "Description", "Enabled", "Duration", "Cutoff", "Schedule", "ScheduleTimezone",
                     "ScheduleOffset", "EndDate", "StartDate", "NextExecutionTime")
_UPDATE_MEMBERS = ("WindowId", "Name", "Description", "StartDate", "EndDate", "Schedule", "ScheduleTimezone",
                   "ScheduleOffset", "Duration", "Cutoff", "AllowUnassociatedTargets", "Enabled")


def get_maintenance_window(backend, params):
    return _window(backend, backend.get_maintenance_window(params.get("WindowId")), _GET_MEMBERS)


def describe_maintenance_windows(backend, params):
    """Filters Name and Enabled, the keys the API reference names ("Name=MyMaintenanceWindow and
    Enabled=True"); moto's own describe knows only Name and answers Enabled true for every window."""
    identities = [_window(backend, window, _IDENTITY_MEMBERS) for window in backend.describe_maintenance_windows(None)]
    for entry in params.get("Filters", []):
        values = entry.get("Values", [])
        if entry.get("Key") == "Name":
            identities = [identity for identity in identities if identity["Name"] in values]
        elif entry.get("Key") == "Enabled":
            wanted = {value.lower() for value in values}
            identities = [identity for identity in identities if str(identity["Enabled"]).lower() in wanted]
        else:
            identities = []
    return {"WindowIdentities": identities}


def update_maintenance_window(backend, params):
    """moto 5.2.5 has none. Replace: the fields CreateMaintenanceWindow requires are required, and
    optional ones not given are cleared (API reference, UpdateMaintenanceWindow Replace)."""
    window = backend.get_maintenance_window(params.get("WindowId"))
    _replace_or_update(window, params, _WINDOW_ATTRIBUTES,
                       required=("Name", "Schedule", "Duration", "Cutoff", "AllowUnassociatedTargets"))
    settings = _settings(backend, window.id)
    for member in ("AllowUnassociatedTargets", "Enabled"):
        if member in params:
            settings[member] = params[member]
        elif params.get("Replace", False) and member == "Enabled":
            settings[member] = True
    settings["ModifiedDate"] = clock.utcnow()
    return _window(backend, window, _UPDATE_MEMBERS)


# DescribeMaintenanceWindowSchedule's filter keys (API reference, Filters: "ScheduledBefore" and
# "ScheduledAfter", describe-maintenance-window-schedule.rst Examples 2 and 3, ISO-8601 values).
_SCHEDULE_FILTERS = ("ScheduledBefore", "ScheduledAfter")
# Neither operation's API reference gives a default page size; the sandbox's is this.
_DEFAULT_PAGE = 50
_MAX_PAGE = 2 ** 31 - 1


def _target_matches(registered, wanted):
    """A registered Targets list names one of the wanted key/value pairs (same key, a common value)."""
    for want in wanted:
        for have in registered or []:
            if have.get("Key") == want.get("Key") and set(have.get("Values") or []) & set(want.get("Values") or []):
                return True
    return False


def _windows_for_target(backend, targets, resource_type):
    """The windows with a target or task registered for `targets` (DescribeMaintenanceWindowsForTarget:
    "the maintenance window targets or tasks that a managed node is associated with"), of
    `resource_type` (a task's targets are managed nodes: INSTANCE)."""
    found = []
    for window in backend.describe_maintenance_windows(None):
        window_targets = [target for target in window.targets.values()
                          if target.resource_type == resource_type and _target_matches(target.targets, targets)]
        window_tasks = [task for task in window.tasks.values()
                        if resource_type == "INSTANCE" and _target_matches(task.targets, targets)]
        if window_targets or window_tasks:
            found.append(window)
    return sorted(found, key=lambda window: window.id)


def _require_targets(params):
    targets, resource_type = params.get("Targets"), params.get("ResourceType")
    if not targets or not resource_type:
        raise ValidationException("Targets and ResourceType must both be specified.")
    return targets, resource_type


def describe_maintenance_windows_for_target(backend, params):
    """moto 5.2.5 has none. Targets and ResourceType are required (API reference); the answer is each
    window's WindowId and Name (describe-maintenance-windows-for-target.rst)."""
    targets, resource_type = _require_targets(params)
    windows = _windows_for_target(backend, targets, resource_type)
    page, token = paginate(windows, params.get("MaxResults"), params.get("NextToken"), default=_DEFAULT_PAGE,
                           minimum=1, maximum=_MAX_PAGE, context={"targets": targets, "type": resource_type})
    result = {"WindowIdentities": [{"WindowId": window.id, "Name": window.name} for window in page]}
    if token:
        result["NextToken"] = token
    return result


def _schedule_bounds(filters):
    after = before = None
    for entry in filters or []:
        key, values = entry.get("Key"), entry.get("Values") or []
        if key not in _SCHEDULE_FILTERS:
            raise ValidationException(f"Filter key {key} is not valid: use ScheduledBefore or ScheduledAfter.")
        if len(values) != 1 or window_schedule.parse_instant(values[0]) is None:
            raise ValidationException(f"Filter {key} takes one ISO-8601 date and time, not {values}.")
        moment = window_schedule.parse_instant(values[0])
        if key == "ScheduledAfter":
            after = moment if after is None else max(after, moment)
        else:
            before = moment if before is None else min(before, moment)
    return after, before


def describe_maintenance_window_schedule(backend, params):
    """moto 5.2.5 has none. The upcoming executions of one window (WindowId) or of the windows
    registered for Targets and ResourceType (API reference), earliest first, within the filters'
    ScheduledAfter/ScheduledBefore; each as WindowId, Name, ExecutionTime
    (describe-maintenance-window-schedule.rst). A schedule has no end, so a page is computed up to
    what it shows, never the whole listing."""
    if params.get("WindowId"):
        windows = [backend.get_maintenance_window(params["WindowId"])]
    else:
        windows = _windows_for_target(backend, *_require_targets(params))
    after, before = _schedule_bounds(params.get("Filters"))
    now = clock.utcnow()
    after = now if after is None or after < now else after
    context = {"window": params.get("WindowId"), "targets": params.get("Targets"), "type": params.get("ResourceType"),
               "filters": params.get("Filters")}
    size = params.get("MaxResults") or _DEFAULT_PAGE
    if not 1 <= int(size) <= _MAX_PAGE:
        raise validation_error(size, "maxResults", f"have value between 1 and {_MAX_PAGE}")
    start = decode_token(params["NextToken"], context) if params.get("NextToken") else 0
    merged = heapq.merge(*[_timed(window, _settings(backend, window.id), after) for window in windows],
                         key=lambda item: (item[0], item[1].id))
    wanted = []
    for moment, window in merged:
        if before is not None and moment > before:
            break
        wanted.append((moment, window))
        if len(wanted) > start + int(size):
            break
    page = wanted[start:start + int(size)]
    result = {"ScheduledWindowExecutions": [
        {"WindowId": window.id, "Name": window.name, "ExecutionTime": window_schedule.execution_time_text(moment)}
        for moment, window in page]}
    if len(wanted) > start + int(size):
        result["NextToken"] = encode_token(start + int(size), context)
    return result


def _timed(window, settings, after):
    for moment in window_schedule.window_runs(window, settings, after):
        yield moment, window
