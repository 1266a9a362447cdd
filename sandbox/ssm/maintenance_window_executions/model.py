"""What a maintenance window's run leaves behind: the window execution, its task executions and their
invocations, their statuses, and the per-backend store.

Statuses are botocore's MaintenanceWindowExecutionStatus (PENDING, IN_PROGRESS, SUCCESS, FAILED,
TIMED_OUT, CANCELLING, CANCELLED, SKIPPED_OVERLAPPING). StatusDetails as AWS's sources show them:
a FAILED window execution says "One or more tasks in the orchestration failed."
(describe-maintenance-window-executions.rst, Example 1), or the error that refused a task's
command ("The following SSM parameters are invalid: LevelUp", User Guide tutorial
maintenance-windows-cli-tutorials-describe.md); a window without tasks is SUCCESS with "No tasks to
execute." (User Guide tutorial mw-cli-tutorial-task-info.md); a task invocation's StatusDetails is
its command's ("Success", the same tutorial; "Failed", get-maintenance-window-execution-task-invocation.rst);
SUCCESS and IN_PROGRESS window and task executions have none (the CLI examples). The other texts
below are the sandbox's own, worded to say what happened.
"""

import datetime
import threading

import botocore.session

from sandbox.ssm.store import backend_state

_SSM_MODEL = botocore.session.get_session().get_service_model("ssm")
STATUSES = tuple(_SSM_MODEL.shape_for("MaintenanceWindowExecutionStatus").enum)

PENDING = "PENDING"
IN_PROGRESS = "IN_PROGRESS"
SUCCESS = "SUCCESS"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
CANCELLING = "CANCELLING"
CANCELLED = "CANCELLED"
SKIPPED_OVERLAPPING = "SKIPPED_OVERLAPPING"
FINAL = (SUCCESS, FAILED, TIMED_OUT, CANCELLED, SKIPPED_OVERLAPPING)

# describe-maintenance-window-executions.rst, Example 1 (the FAILED execution).
ORCHESTRATION_FAILED = "One or more tasks in the orchestration failed."
# User Guide tutorial mw-cli-tutorial-task-info.md (an execution of a window that has no task).
NO_TASKS = "No tasks to execute."
# The sandbox's own texts (no AWS source shows one for these cases).
NO_TARGETS = "The task's targets resolved to no managed node: nothing ran."
NOT_STARTED_CUTOFF = "The task did not start: the maintenance window's cutoff time was reached first."
NOT_STARTED_CANCEL = "The task did not start: the maintenance window execution was cancelled first."
STOPPED_AT_CUTOFF = "The cutoff time was reached (CutoffBehavior CANCEL_TASK): the task's commands were cancelled."
OVERLAPPING = "The previous execution of this maintenance window was still in progress."
TASK_FAILED = "One or more invocations of the task failed."
UNSUPPORTED_TYPE = ("The sandbox runs RUN_COMMAND tasks only; this {kind} task was not run "
                    "(recorded FAILED, with no effect).")

# Run Command invocation status -> maintenance window status (the same words, the window's spelling).
_FROM_COMMAND = {"Pending": PENDING, "Delayed": IN_PROGRESS, "InProgress": IN_PROGRESS, "Success": SUCCESS,
                 "Failed": FAILED, "TimedOut": TIMED_OUT, "Cancelled": CANCELLED, "Cancelling": CANCELLING}


def from_command_status(status):
    return _FROM_COMMAND.get(status, FAILED)


def utc(timestamp):
    return None if timestamp is None else datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)


class TaskInvocation:
    """One target of a task execution: one Run Command command on one node (its ExecutionId)."""

    def __init__(self, invocation_id, node_id, window_target_id, owner_information, parameters_text):
        self.invocation_id = invocation_id
        self.node_id = node_id
        self.window_target_id = window_target_id
        self.owner_information = owner_information
        self.parameters_text = parameters_text
        self.command = None
        self.status = PENDING
        self.status_details = None
        self.start = None
        self.end = None

    @property
    def execution_id(self):
        return self.command.command_id if self.command is not None else None

    @property
    def finished(self):
        return self.status in FINAL

    def follow_command(self):
        """Take the command's state for this node (its one invocation): kept here once final, so the
        invocation outlives the command's 30 days of Run Command history."""
        if self.command is None or self.finished:
            return
        [invocation] = self.command.invocations
        self.status = from_command_status(invocation.status)
        if invocation.start is not None:
            self.start = invocation.start
        if self.finished and not self.command.finished:
            self.status = IN_PROGRESS    # terminal for Run Command, but a reboot is still to complete
        self.status_details = invocation.status_details
        if self.finished:
            self.end = invocation.end if invocation.end is not None else self.command.clock


class TaskExecution:
    """One task of one window execution (the task as it was registered when the window opened)."""

    def __init__(self, task_execution_id, window_execution, task):
        self.task_execution_id = task_execution_id
        self.window_execution = window_execution
        self.window_task_id = task["WindowTaskId"]
        self.task = task
        self.status = PENDING
        self.status_details = None
        self.start = None
        self.end = None
        self.invocations = []          # in the order they were started
        self.node_ids = []             # every node the task's targets resolved to
        self.queue = []                # (node id, window target id, owner information, target type) not started yet
        self.in_flight = []            # invocations whose command has not finished
        self.errors = 0
        self.concurrency = 1
        self.errors_allowed = 0
        self.stopped = False           # MaxErrors exceeded, the cutoff reached, or cancelled: start nothing more
        self.timed_out = False
        self.refused = None            # the error of the first command the service refused to send

    @property
    def priority(self):
        return self.task.get("Priority") or 0

    @property
    def finished(self):
        return self.status in FINAL


class WindowExecution:
    """One opening of a window: its tasks by priority, run from `start` (epoch seconds)."""

    def __init__(self, execution_id, window_id, start, duration_hours, cutoff_hours):
        self.execution_id = execution_id
        self.window_id = window_id
        self.window = None             # moto's window (None for a SKIPPED_OVERLAPPING execution)
        self.start = start
        # CreateMaintenanceWindow: Duration is "the duration of the maintenance window in hours";
        # Cutoff "the number of hours before the end of the maintenance window that Systems Manager
        # stops scheduling new tasks for execution".
        self.window_end = start + 3600 * (duration_hours or 0)
        self.cutoff_time = self.window_end - 3600 * (cutoff_hours or 0)
        self.tasks = []                # TaskExecution, by priority (then task id), created when it opens
        self.group = []                # the tasks of the priority running now
        self.clock = start             # when the running priority started, or the last one ended
        self.status = IN_PROGRESS
        self.status_details = None
        self.end = None
        self.cancel_requested = False

    @property
    def finished(self):
        return self.status in FINAL


class ExecutionStore:
    def __init__(self):
        self.lock = threading.RLock()
        self.executions = {}           # window execution id -> WindowExecution, oldest first
        self.active = {}               # window execution id -> WindowExecution not finished
        self.scheduled_through = {}    # window id -> epoch seconds up to which its openings were made
        self.next_opening = {}         # window id -> (what the schedule depends on, its next opening or None)


def execution_store(backend):
    return backend_state(backend, "maintenance_window_executions", ExecutionStore)
