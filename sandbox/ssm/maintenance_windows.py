"""Maintenance window tasks as DescribeMaintenanceWindowTasks returns them.

moto describes a task with GetMaintenanceWindowTask's member names (the kind as `TaskType`, with
TaskInvocationParameters), where DescribeMaintenanceWindowTasks' MaintenanceWindowTask shape calls it
`Type` and has no invocation parameters, and returns every task in one page. So a describe lacked `Type`, and a client that keeps the RUN_COMMAND tasks (the
dashboard's recurring patching tasks) saw none. Here the describe answers in AWS's shape, with AWS's
page sizes (MaxResults 10-100, default 10) and NextToken.
"""

from sandbox.wire.paging import paginate

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
    """A task as one entry of DescribeMaintenanceWindowTasks' Tasks (members left out when unset)."""
    entry = {member: getattr(task, attribute, None) for member, attribute in _DESCRIBE_MEMBERS.items()}
    return {member: value for member, value in entry.items() if value is not None}


def describe_maintenance_window_tasks(backend, params):
    window_id = params.get("WindowId")
    filters = params.get("Filters", [])
    tasks = sorted(backend.describe_maintenance_window_tasks(window_id, filters),
                   key=lambda task: task.window_task_id)
    page, token = paginate(tasks, params.get("MaxResults"), params.get("NextToken"),
                           default=10, minimum=10, maximum=100, context={"window": window_id, "filters": filters})
    result = {"Tasks": [describe_task(task) for task in page]}
    if token:
        result["NextToken"] = token
    return result
