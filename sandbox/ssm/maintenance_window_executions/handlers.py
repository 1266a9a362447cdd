"""The executions API, registered in sandbox/ssm/actions.py: DescribeMaintenanceWindowExecutions,
DescribeMaintenanceWindowExecutionTasks, DescribeMaintenanceWindowExecutionTaskInvocations,
GetMaintenanceWindowExecution, GetMaintenanceWindowExecutionTask,
GetMaintenanceWindowExecutionTaskInvocation and CancelMaintenanceWindowExecution, in the output
shapes of botocore's model and the members the AWS CLI's examples show
(awscli/examples/ssm/*-maintenance-window-execution*.rst). The backend is already at the clock's now
(sandbox.ssm.actions runs the advancers first)."""

from sandbox.ssm import maintenance_window_schedule as window_schedule
from sandbox.ssm.maintenance_window_executions.engine import cancel_window_execution
from sandbox.ssm.maintenance_window_executions.model import STATUSES, execution_store, utc
from sandbox.ssm.simulated_time import under_lock
from sandbox.wire.errors import DoesNotExistException, ValidationException
from sandbox.wire.paging import paginate

# MaxResults 10-100 (the service model); no API reference page gives a default: the smallest, as
# DescribeMaintenanceWindowTasks' (sandbox/ssm/maintenance_windows.py).
_PAGE = {"default": 10, "minimum": 10, "maximum": 100}


def _present(entry):
    return {member: value for member, value in entry.items() if value is not None}


def _execution(backend, params):
    execution = execution_store(backend).executions.get(params.get("WindowExecutionId"))
    if execution is None:
        # The API reference's error for these operations.
        raise DoesNotExistException(f"Maintenance window execution {params.get('WindowExecutionId')} does not exist")
    return execution


def _task(backend, params):
    execution = _execution(backend, params)
    for task in execution.tasks:
        if task.task_execution_id == params.get("TaskId"):
            return execution, task
    raise DoesNotExistException(f"Maintenance window task execution {params.get('TaskId')} does not exist "
                                f"in execution {execution.execution_id}")


def _page(items, params, context, member):
    page, token = paginate(items, params.get("MaxResults"), params.get("NextToken"), context=context, **_PAGE)
    result = {member: page}
    if token:
        result["NextToken"] = token
    return result


# -- window executions ------------------------------------------------------------------------

def _window_execution_entry(execution):
    return _present({"WindowId": execution.window_id, "WindowExecutionId": execution.execution_id,
                     "Status": execution.status, "StatusDetails": execution.status_details,
                     "StartTime": utc(execution.start), "EndTime": utc(execution.end)})


def _executed_bounds(filters):
    """API reference, DescribeMaintenanceWindowExecutions Filters: "Supported keys include
    ExecutedBefore and ExecutedAfter ... date/time strings in a valid ISO 8601 date/time format";
    describe-maintenance-window-executions.rst Examples 2 and 3 compare them with StartTime."""
    before = after = None
    for entry in filters or []:
        key, values = entry.get("Key"), entry.get("Values") or []
        if key not in ("ExecutedBefore", "ExecutedAfter"):
            raise ValidationException(f"Filter key {key} is not valid: use ExecutedBefore or ExecutedAfter.")
        moments = [window_schedule.parse_instant(value) for value in values]
        if len(moments) != 1 or moments[0] is None:
            raise ValidationException(f"Filter {key} takes one ISO-8601 date and time, not {values}.")
        stamp = moments[0].timestamp()
        if key == "ExecutedBefore":
            before = stamp if before is None else min(before, stamp)
        else:
            after = stamp if after is None else max(after, stamp)
    return before, after


@under_lock(execution_store)
def describe_maintenance_window_executions(backend, params):
    """Newest first (describe-maintenance-window-executions.rst, Example 1). A window id the sandbox
    does not know lists nothing: the operation's API reference names no DoesNotExistException."""
    window_id = params.get("WindowId")
    before, after = _executed_bounds(params.get("Filters"))
    executions = [execution for execution in reversed(list(execution_store(backend).executions.values()))
                  if execution.window_id == window_id
                  and (before is None or execution.start <= before) and (after is None or execution.start >= after)]
    context = {"window": window_id, "filters": params.get("Filters")}
    return _page([_window_execution_entry(execution) for execution in executions], params, context, "WindowExecutions")


@under_lock(execution_store)
def get_maintenance_window_execution(backend, params):
    execution = _execution(backend, params)
    answer = _window_execution_entry(execution)
    del answer["WindowId"]   # not a member of GetMaintenanceWindowExecutionResult
    answer["TaskIds"] = [task.task_execution_id for task in execution.tasks]
    return answer


@under_lock(execution_store)
def cancel_maintenance_window_execution(backend, params):
    execution = _execution(backend, params)
    cancel_window_execution(backend, execution)
    return {"WindowExecutionId": execution.execution_id}


# -- task executions --------------------------------------------------------------------------

def _status_filter(filters):
    """DescribeMaintenanceWindowExecutionTasks / ...TaskInvocations Filters: "The supported filter key
    is STATUS with the corresponding values PENDING, IN_PROGRESS, SUCCESS, FAILED, TIMED_OUT,
    CANCELLING, and CANCELLED" (API reference). Values of the key are ORed, keys ANDed."""
    wanted = []
    for entry in filters or []:
        key, values = entry.get("Key"), entry.get("Values") or []
        if key != "STATUS":
            raise ValidationException(f"Filter key {key} is not valid: the supported key is STATUS.")
        unknown = [value for value in values if value not in STATUSES]
        if unknown or not values:
            raise ValidationException(f"Filter STATUS takes {', '.join(STATUSES)}, not {values}.")
        wanted.append(set(values))
    return lambda status: all(status in values for values in wanted)


def _task_entry(execution, task):
    return _present({"WindowExecutionId": execution.execution_id, "TaskExecutionId": task.task_execution_id,
                     "Status": task.status, "StatusDetails": task.status_details, "StartTime": utc(task.start),
                     "EndTime": utc(task.end), "TaskArn": task.task.get("TaskArn"),
                     "TaskType": task.task.get("TaskType"), "AlarmConfiguration": task.task.get("AlarmConfiguration")})


@under_lock(execution_store)
def describe_maintenance_window_execution_tasks(backend, params):
    execution = _execution(backend, params)
    keep = _status_filter(params.get("Filters"))
    entries = [_task_entry(execution, task) for task in execution.tasks if keep(task.status)]
    context = {"execution": execution.execution_id, "filters": params.get("Filters")}
    return _page(entries, params, context, "WindowExecutionTaskIdentities")


def _task_parameters(task):
    """GetMaintenanceWindowExecutionTask's TaskParameters: the task's parameters as registered, each
    as {"Values": [...]}, and the nodes it ran on as "aws:InstanceId" (get-maintenance-window-execution-task.rst)."""
    definition = task.task
    run = (definition.get("TaskInvocationParameters") or {}).get("RunCommand") or {}
    if "Parameters" in run:
        parameters = {name: {"Values": list(values)} for name, values in run["Parameters"].items()}
    else:
        parameters = {name: {"Values": list(value.get("Values") or [])}
                      for name, value in (definition.get("TaskParameters") or {}).items()}
    if task.node_ids:
        parameters["aws:InstanceId"] = {"Values": list(task.node_ids)}
    return [parameters]


@under_lock(execution_store)
def get_maintenance_window_execution_task(backend, params):
    execution, task = _task(backend, params)
    definition = task.task
    run = (definition.get("TaskInvocationParameters") or {}).get("RunCommand") or {}
    return _present({
        "WindowExecutionId": execution.execution_id, "TaskExecutionId": task.task_execution_id,
        "TaskArn": definition.get("TaskArn"), "ServiceRole": run.get("ServiceRoleArn") or definition.get("ServiceRoleArn"),
        "Type": definition.get("TaskType"), "TaskParameters": _task_parameters(task),
        "Priority": definition.get("Priority"), "MaxConcurrency": definition.get("MaxConcurrency"),
        "MaxErrors": definition.get("MaxErrors"), "Status": task.status, "StatusDetails": task.status_details,
        "StartTime": utc(task.start), "EndTime": utc(task.end), "AlarmConfiguration": definition.get("AlarmConfiguration"),
    })


# -- task invocations -------------------------------------------------------------------------

def _invocation_entry(execution, task, invocation):
    return _present({
        "WindowExecutionId": execution.execution_id, "TaskExecutionId": task.task_execution_id,
        "InvocationId": invocation.invocation_id, "ExecutionId": invocation.execution_id,
        "TaskType": task.task.get("TaskType"), "Parameters": invocation.parameters_text, "Status": invocation.status,
        "StatusDetails": invocation.status_details, "StartTime": utc(invocation.start), "EndTime": utc(invocation.end),
        "OwnerInformation": invocation.owner_information, "WindowTargetId": invocation.window_target_id,
    })


@under_lock(execution_store)
def describe_maintenance_window_execution_task_invocations(backend, params):
    execution, task = _task(backend, params)
    keep = _status_filter(params.get("Filters"))
    entries = [_invocation_entry(execution, task, invocation) for invocation in task.invocations if keep(invocation.status)]
    context = {"execution": execution.execution_id, "task": task.task_execution_id, "filters": params.get("Filters")}
    return _page(entries, params, context, "WindowExecutionTaskInvocationIdentities")


@under_lock(execution_store)
def get_maintenance_window_execution_task_invocation(backend, params):
    execution, task = _task(backend, params)
    for invocation in task.invocations:
        if invocation.invocation_id == params.get("InvocationId"):
            return _invocation_entry(execution, task, invocation)
    raise DoesNotExistException(f"Maintenance window task invocation {params.get('InvocationId')} does not exist "
                                f"in task execution {task.task_execution_id}")
