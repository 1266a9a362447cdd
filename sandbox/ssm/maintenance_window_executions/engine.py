"""The window engine: windows opening on their schedule, their tasks run by priority through the
command engine, the cutoff, CancelMaintenanceWindowExecution, and the advance of a backend's
executions to the clock's now (registered to run before the command engine advances).

Sources (each rule is cited again where it is applied):
- API reference, RegisterTaskWithMaintenanceWindow: Priority ("Tasks in a maintenance window are
  scheduled in priority order with tasks that have the same priority scheduled in parallel"),
  MaxConcurrency ("the maximum number of targets this task can be run for, in parallel"), MaxErrors
  ("the maximum number of errors allowed before this task stops being scheduled"), CutoffBehavior.
- API reference, CreateMaintenanceWindow: Duration, Cutoff.
- User Guide, "About pseudo parameters" (mw-cli-register-tasks-parameters.md): the {{...}} values.
- User Guide, AWS-RunPatchBaseline, "Parameter name: Snapshot ID": inside a maintenance window
  "Systems Manager provides a GUID value based on the maintenance window execution ID".
- API reference, CancelMaintenanceWindowExecution.
"""

import collections
import copy
import json
import re
import uuid

from moto.ssm.exceptions import SSMException

from sandbox.agent import clock
from sandbox.ssm import documents as docs
from sandbox.ssm import maintenance_window_schedule as window_schedule
from sandbox.ssm import maintenance_windows, run_command
from sandbox.ssm.maintenance_window_executions.model import (
    CANCELLED, CANCELLING, FAILED, IN_PROGRESS, NO_TARGETS, NO_TASKS, NOT_STARTED_CANCEL,
    NOT_STARTED_CUTOFF, ORCHESTRATION_FAILED, OVERLAPPING, PENDING, SKIPPED_OVERLAPPING, STOPPED_AT_CUTOFF, SUCCESS,
    TASK_FAILED, TIMED_OUT, UNSUPPORTED_TYPE, TaskExecution, TaskInvocation, WindowExecution, execution_store, utc,
)
from sandbox.ssm.run_command.engine import rate_limit
from sandbox.ssm.store import existing_state

# Openings made in one advance after a long jump of the clock: beyond this many, the earlier ones are
# passed over (the same bound as the association engine's catch-up).
MAX_CATCH_UP = 1000

# User Guide, "About pseudo parameters", "Supported pseudo parameters": the ones a Run Command task
# can use. TARGET_ID and RESOURCE_ID "can't be used with Run Command tasks": they stay as written.
_PSEUDO = re.compile(r"\{\{\s*(WINDOW_ID|WINDOW_TASK_ID|WINDOW_TARGET_ID|WINDOW_EXECUTION_ID|TASK_EXECUTION_ID|"
                     r"INVOCATION_ID|TARGET_TYPE)\s*\}\}")
# get-maintenance-window-execution-task.rst shows an AWS-RunPatchBaseline task registered with SnapshotId
# "{{ aws:ORCHESTRATION_ID }}" that ran to SUCCESS: the value Systems Manager gives a window's patching
# run, which the AWS-RunPatchBaseline page calls "a GUID value based on the maintenance window execution ID".
_ORCHESTRATION_ID = re.compile(r"\A\{\{\s*aws:ORCHESTRATION_ID\s*\}\}\Z")


# -- opening ----------------------------------------------------------------------------------

def _windows(backend):
    # moto's own dict (what describe_maintenance_windows lists), read without creating anything.
    return list((backend.__dict__.get("windows") or {}).values())


def _task_definitions(window):
    """The window's tasks as registered now (a copy: an update later does not change a run)."""
    tasks = [maintenance_windows.task_definition(task) for task in window.tasks.values()]
    # Lower Priority first (RegisterTaskWithMaintenanceWindow, Priority); the same priority runs in parallel.
    return sorted(tasks, key=lambda task: (task.get("Priority") or 0, task["WindowTaskId"]))


def _open(backend, store, window, when):
    """The window opens at `when`: one window execution, or a SKIPPED_OVERLAPPING one while the previous
    execution of the same window still runs (MaintenanceWindowExecutionStatus; the User Guide's
    EventBridge example lists it among a window execution's statuses)."""
    running = [execution for execution in store.active.values() if execution.window_id == window.id]
    execution = WindowExecution(str(uuid.uuid4()), window.id, when, window.duration, window.cutoff)
    store.executions[execution.execution_id] = execution
    if running:
        execution.status, execution.status_details, execution.end = SKIPPED_OVERLAPPING, OVERLAPPING, when
        return execution
    execution.window = window
    execution.tasks = [TaskExecution(str(uuid.uuid4()), execution, task) for task in _task_definitions(window)]
    store.active[execution.execution_id] = execution
    if not execution.tasks:
        execution.status, execution.status_details, execution.end = SUCCESS, NO_TASKS, when
        del store.active[execution.execution_id]
    return execution


def _openings(window, settings, after, now):
    """The window's opening times in (after, now], as epoch seconds, oldest first (at most MAX_CATCH_UP, the latest)."""
    found = collections.deque(maxlen=MAX_CATCH_UP)
    for moment in window_schedule.window_runs(window, settings, utc(after)):
        stamp = moment.timestamp()
        if stamp > now:
            break
        found.append(stamp)
    return list(found)


def advance_window_executions(backend, now=None):
    """Bring the backend's maintenance windows to `now`: each opening that came since the last look
    runs at its own scheduled time (the clock's jump is time that passed), in order, and every
    execution moves on to `now`."""
    windows = _windows(backend)
    store = existing_state(backend, "maintenance_window_executions")
    if not windows and (store is None or not store.active):
        return
    store = execution_store(backend)
    now = clock.now() if now is None else now
    with store.lock:
        for window in sorted(windows, key=lambda window: window.id):
            settings = maintenance_windows.window_settings(backend, window.id)
            created = settings.get("CreatedDate")
            after = store.scheduled_through.get(window.id)
            if after is None:
                after = created.timestamp() if created is not None else now
            key = _schedule_key(window, settings)
            known = store.next_opening.get(window.id)
            if known is not None and known[0] == key and (known[1] is None or known[1] > now):
                store.scheduled_through[window.id] = max(after, now)
                continue   # nothing due yet, and the schedule did not change: no need to read it again
            for when in _openings(window, settings, after, now):
                for execution in _active_of(store, window.id):
                    _advance_execution(backend, store, execution, when)
                _open(backend, store, window, when)
            store.scheduled_through[window.id] = max(after, now)
            upcoming = window_schedule.next_execution(window, settings, utc(max(after, now)))
            store.next_opening[window.id] = (key, None if upcoming is None else upcoming.timestamp())
        for execution in list(store.active.values()):
            _advance_execution(backend, store, execution, now)


def _schedule_key(window, settings):
    """What a window's openings depend on: when any of it changes, the next opening is computed again."""
    return (window.schedule, window.schedule_timezone, window.schedule_offset, window.start_date, window.end_date,
            settings.get("Enabled", True), settings.get("ModifiedDate"), settings.get("CreatedDate"))


def _active_of(store, window_id):
    return [execution for execution in store.active.values() if execution.window_id == window_id]


# -- a window execution -----------------------------------------------------------------------

def _advance_execution(backend, store, execution, until):
    """Run the execution's priorities up to `until`: each starts when the one before it ended, none
    at or after the cutoff time."""
    while not execution.finished:
        if not execution.group:
            pending = [task for task in execution.tasks if task.status == PENDING]
            if not pending:
                _finish_execution(store, execution)
                return
            when = execution.clock
            if when > until:
                return
            if execution.cancel_requested:
                _not_started(pending, NOT_STARTED_CANCEL, when)
                continue
            if when >= execution.cutoff_time:
                # CreateMaintenanceWindow, Cutoff: no new task is scheduled in the window's last Cutoff hours.
                _not_started(pending, NOT_STARTED_CUTOFF, when)
                continue
            priority = pending[0].priority
            execution.group = [task for task in pending if task.priority == priority]
            for task in execution.group:
                _start_task(backend, task, when)
        for task in execution.group:
            _advance_task(backend, task, until)
        if not all(task.finished for task in execution.group):
            return
        execution.clock = max([execution.clock] + [task.end for task in execution.group])
        execution.group = []


def _not_started(tasks, details, when):
    """Tasks that never started end CANCELLED at `when` (they have no StartTime)."""
    for task in tasks:
        task.status, task.status_details, task.end = CANCELLED, details, when


def _finish_execution(store, execution):
    statuses = {task.status for task in execution.tasks}
    execution.end = max(task.end for task in execution.tasks)
    execution.group = []
    if execution.cancel_requested:
        execution.status = CANCELLED
    elif FAILED in statuses:
        refused = [task.refused for task in execution.tasks if task.refused]
        execution.status, execution.status_details = FAILED, refused[0] if refused else ORCHESTRATION_FAILED
    elif TIMED_OUT in statuses or any(task.status_details == NOT_STARTED_CUTOFF for task in execution.tasks):
        execution.status = TIMED_OUT
    else:
        execution.status = SUCCESS
    store.active.pop(execution.execution_id, None)


# -- a task execution -------------------------------------------------------------------------

def _resolve(backend, window, task):
    """(node id, window target id, owner information, target type) for each node the task's targets
    name: a window target's nodes (WindowTargetIds), or the task's own targets (InstanceIds, tags), each once."""
    found, seen = [], set()

    def add(node_id, target_id, owner, target_type="INSTANCE"):
        if node_id not in seen:
            seen.add(node_id)
            found.append((node_id, target_id, owner, target_type))

    for target in task.get("Targets") or []:
        if target.get("Key") == "WindowTargetIds":
            for target_id in target.get("Values") or []:
                registered = window.targets.get(target_id)
                if registered is None:
                    continue
                for node_id in run_command.resolve_targets(backend, registered.targets):
                    add(node_id, target_id, registered.owner_information, registered.resource_type or "INSTANCE")
        else:
            for node_id in run_command.resolve_targets(backend, [target]):
                add(node_id, None, None)
    return found


def _start_task(backend, task, when):
    task.status, task.start = IN_PROGRESS, when
    definition = task.task
    if definition.get("TaskType") != "RUN_COMMAND":
        # The sandbox's simplification: Automation, Lambda and Step Functions are not simulated.
        task.status, task.status_details, task.end = FAILED, UNSUPPORTED_TYPE.format(kind=definition.get("TaskType")), when
        return
    try:
        targets = _resolve(backend, task.window_execution.window, definition)
    except SSMException as exc:
        task.status, task.status_details, task.end = FAILED, exc.message, when
        return
    task.node_ids = [target[0] for target in targets]
    task.queue = collections.deque(targets)
    if not targets:
        task.status, task.status_details, task.end = FAILED, NO_TARGETS, when
        return
    # MaxConcurrency / MaxErrors: a number or a percentage of the task's targets (as Run Command reads them).
    task.concurrency = rate_limit(definition.get("MaxConcurrency") or "1", len(targets), minimum=1)
    task.errors_allowed = rate_limit(definition.get("MaxErrors") or "0", len(targets), minimum=0)
    _fill(backend, task, when)


def _advance_task(backend, task, until):
    """Move the task's commands to `until`: each finished invocation frees its slot at its own end
    time, where the next node starts; CANCEL_TASK is applied at the cutoff time."""
    if task.finished:
        return
    cutoff = task.window_execution.cutoff_time
    if task.task.get("CutoffBehavior") == "CANCEL_TASK" and not task.timed_out and cutoff <= until:
        _run_to(backend, task, cutoff)
        if not task.finished:
            _cancel_at_cutoff(backend, task, cutoff)
    _run_to(backend, task, until)


def _run_to(backend, task, until):
    while True:
        for invocation in task.in_flight:
            invocation.command.advance(until)
            invocation.follow_command()
        # Another advancer may have moved a command past `until` already: its end is still its own.
        done = [invocation for invocation in task.in_flight if invocation.finished and invocation.end <= until]
        if not done:
            break
        first = min(done, key=lambda invocation: invocation.end)
        task.in_flight.remove(first)
        _count(task, first)
        _fill(backend, task, first.end)
    if not task.in_flight and (not task.queue or task.stopped):
        _finish_task(task)


def _count(task, invocation):
    if invocation.status in (FAILED, TIMED_OUT):
        task.errors += 1
        if task.errors > task.errors_allowed:
            task.stopped = True


def _fill(backend, task, when):
    if task.task.get("CutoffBehavior") == "CANCEL_TASK" and when >= task.window_execution.cutoff_time:
        return   # CANCEL_TASK: "no new task invocations are started" once the cutoff time is reached
    while task.queue and len(task.in_flight) < task.concurrency and not task.stopped:
        node_id, target_id, owner, target_type = task.queue.popleft()
        invocation = _start_invocation(backend, task, node_id, target_id, owner, target_type, when)
        if invocation.finished:
            _count(task, invocation)
        else:
            task.in_flight.append(invocation)


def _cancel_at_cutoff(backend, task, when):
    """RegisterTaskWithMaintenanceWindow, CutoffBehavior CANCEL_TASK: "For Run Command tasks: When the cutoff
    time is reached, the system sends a CancelCommand operation that attempts to cancel the command
    associated with the task ... The status for tasks that are not completed is TIMED_OUT"."""
    task.timed_out = task.stopped = True
    for invocation in task.in_flight:
        run_command.cancel_command(backend, invocation.command.command_id, now=when)
        invocation.follow_command()
    task.in_flight = [invocation for invocation in task.in_flight if not invocation.finished]
    task.queue.clear()


def _finish_task(task):
    if task.finished:
        return
    ends = [invocation.end for invocation in task.invocations if invocation.end is not None]
    task.end = max(ends + [task.start])
    if task.timed_out:
        task.status, task.status_details = TIMED_OUT, STOPPED_AT_CUTOFF
    elif task.errors or any(invocation.status != SUCCESS for invocation in task.invocations):
        task.status, task.status_details = FAILED, task.refused or TASK_FAILED
    else:
        task.status = SUCCESS


# -- one invocation: one command on one node --------------------------------------------------

def substitute_pseudo_parameters(value, values):
    if isinstance(value, str):
        return _PSEUDO.sub(lambda match: values[match.group(1)], value)
    if isinstance(value, list):
        return [substitute_pseudo_parameters(item, values) for item in value]
    if isinstance(value, dict):
        return {key: substitute_pseudo_parameters(item, values) for key, item in value.items()}
    return value


def _run_command_parameters(definition):
    """TaskInvocationParameters.RunCommand, with the legacy members folded in: TaskParameters'
    values when RunCommand has no Parameters, LoggingInfo's bucket when it names no output bucket
    (API reference, RegisterTaskWithMaintenanceWindow: both deprecated in favour of these)."""
    run = copy.deepcopy((definition.get("TaskInvocationParameters") or {}).get("RunCommand") or {})
    if "Parameters" not in run and definition.get("TaskParameters"):
        run["Parameters"] = {name: list(value.get("Values") or []) for name, value in definition["TaskParameters"].items()}
    logging = definition.get("LoggingInfo") or {}
    if not run.get("OutputS3BucketName") and logging.get("S3BucketName"):
        run["OutputS3BucketName"] = logging["S3BucketName"]
        run.setdefault("OutputS3KeyPrefix", logging.get("S3KeyPrefix"))
    return run


def window_snapshot_id(document_name, parameters, window_execution_id):
    """User Guide, AWS-RunPatchBaseline, Snapshot ID: run by a maintenance window, "you shouldn't provide
    your own generated Snapshot ID. In this scenario, Systems Manager provides a GUID value based on the
    maintenance window execution ID. This ensures that a correct ID is used for all the invocations of
    AWS-RunPatchBaseline in that maintenance window." The sandbox's GUID is the execution ID itself."""
    if docs.document_name_from(document_name) not in docs.PATCH_DOCUMENTS:
        return parameters
    given = parameters.get("SnapshotId") or [""]
    value = given[0] if isinstance(given, list) else given
    if value == "" or _ORCHESTRATION_ID.match(value):
        parameters = dict(parameters, SnapshotId=[window_execution_id])
    return parameters


def _parameters_text(definition, run, node_id, parameters):
    """The invocation's Parameters: the command it sent, as the CLI examples show it
    (describe-maintenance-window-execution-task-invocations.rst, get-...-task-invocation.rst)."""
    sent = {}
    if "Comment" in run:
        sent["comment"] = run["Comment"]
    sent["documentName"] = definition["TaskArn"]
    if run.get("DocumentVersion"):
        sent["documentVersion"] = run["DocumentVersion"]
    sent["instanceIds"] = [node_id]
    sent["maxConcurrency"] = definition.get("MaxConcurrency") or "1"
    sent["maxErrors"] = definition.get("MaxErrors") or "0"
    for member, name in (("OutputS3BucketName", "outputS3BucketName"), ("OutputS3KeyPrefix", "outputS3KeyPrefix")):
        if run.get(member):
            sent[name] = run[member]
    sent["parameters"] = parameters
    if "TimeoutSeconds" in run:
        sent["timeoutSeconds"] = run["TimeoutSeconds"]
    return json.dumps(sent, separators=(",", ":"))


def _start_invocation(backend, task, node_id, target_id, owner, target_type, when):
    definition = task.task
    execution = task.window_execution
    invocation_id = str(uuid.uuid4())
    values = {"WINDOW_ID": execution.window_id, "WINDOW_TASK_ID": task.window_task_id,
              "WINDOW_TARGET_ID": target_id or "", "WINDOW_EXECUTION_ID": execution.execution_id,
              "TASK_EXECUTION_ID": task.task_execution_id, "INVOCATION_ID": invocation_id,
              # "The type of target. Supported types include RESOURCE_GROUP and INSTANCE": the window target's.
              "TARGET_TYPE": target_type}
    run = substitute_pseudo_parameters(_run_command_parameters(definition), values)
    parameters = window_snapshot_id(definition["TaskArn"], run.get("Parameters") or {}, execution.execution_id)
    invocation = TaskInvocation(invocation_id, node_id, target_id, owner,
                                _parameters_text(definition, run, node_id, parameters))
    task.invocations.append(invocation)
    invocation.start = when
    try:
        invocation.command = run_command.start_command(
            backend, document_name=definition["TaskArn"], document_version=run.get("DocumentVersion"),
            parameters=parameters, instance_ids=[node_id],
            max_concurrency=definition.get("MaxConcurrency") or "1", max_errors=definition.get("MaxErrors") or "0",
            timeout_seconds=run.get("TimeoutSeconds"), comment=run.get("Comment") or "",
            output_s3_bucket=run.get("OutputS3BucketName"), output_s3_prefix=run.get("OutputS3KeyPrefix"),
            service_role_arn=run.get("ServiceRoleArn") or definition.get("ServiceRoleArn"),
            notification_config=run.get("NotificationConfig"),
            cloudwatch_output_config=run.get("CloudWatchOutputConfig"), now=when)
    except SSMException as exc:
        # The document, its parameters or the node refused: this invocation fails, the task goes on.
        invocation.status, invocation.status_details, invocation.end = FAILED, exc.message, when
        task.refused = task.refused or exc.message
    return invocation


# -- CancelMaintenanceWindowExecution ----------------------------------------------------------

def cancel_window_execution(backend, execution):
    """API reference, CancelMaintenanceWindowExecution: "Stops a maintenance window execution that is
    already in progress and cancels any tasks in the window that haven't already starting running.
    Tasks already in progress will continue to completion." The execution is CANCELLING until they have."""
    store = execution_store(backend)
    with store.lock:
        if execution.finished:
            return execution
        now = clock.now()
        execution.cancel_requested = True
        _not_started([task for task in execution.tasks if task.status == PENDING], NOT_STARTED_CANCEL, now)
        _advance_execution(backend, store, execution, now)
        if not execution.finished:
            execution.status = CANCELLING
    return execution
