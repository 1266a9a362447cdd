"""Maintenance windows that open and run: executions on the sandbox clock.

moto keeps windows, targets and tasks but never opens a window. Here a window opens at each time its
schedule gives (sandbox.ssm.maintenance_window_schedule: cron or rate in ScheduleTimezone, moved
ScheduleOffset days, within StartDate/EndDate, never while disabled), and each opening is one
window execution:

* **Openings**: nothing runs in the background. Before every SSM request (and after the clock
  jumps) the openings that came since the last look are made, each at its own scheduled time and in
  order: a jump of the clock is time that passed, so a window due three times during it ran three
  times. An opening while the window's previous execution still runs is recorded SKIPPED_OVERLAPPING
  (a status of MaintenanceWindowExecutionStatus). No AWS source says what happens to openings missed
  for any other reason; after a jump over more than MAX_CATCH_UP (1000) openings of one window, only
  the latest 1000 are made.
* **Tasks** (as registered when the window opens) run by Priority, lower first; tasks of the same
  priority run in parallel; the next priority starts when all of the previous one have ended, unless
  the cutoff time (Duration - Cutoff hours after the opening) has come: from then on no task starts
  (those left end CANCELLED, and the execution TIMED_OUT).
* **RUN_COMMAND** tasks run through the command engine (sandbox.ssm.run_command), one command per
  target node (each is one task invocation, its ExecutionId the command id), at most MaxConcurrency
  at a time; once more than MaxErrors invocations failed, no more start. Targets: `WindowTargetIds`
  (the window targets' nodes: InstanceIds, tag:, tag-key, resource-groups:Name) and the task's own
  `InstanceIds`. TaskInvocationParameters.RunCommand's Parameters, Comment, DocumentVersion,
  OutputS3BucketName/KeyPrefix, CloudWatchOutputConfig, NotificationConfig, ServiceRoleArn and
  TimeoutSeconds are the command's; the pseudo parameters a Run Command task may use
  ({{WINDOW_ID}}, {{WINDOW_TASK_ID}}, {{WINDOW_TARGET_ID}}, {{WINDOW_EXECUTION_ID}},
  {{TASK_EXECUTION_ID}}, {{INVOCATION_ID}}, {{TARGET_TYPE}}) are replaced. AWS-RunPatchBaseline and
  AWS-RunPatchBaselineWithHooks without a SnapshotId get the window execution id as theirs, so the
  patch states and compliance the agent records carry it.
* **Cutoff behaviour**: CONTINUE_TASK (the default) lets a running task go on past the cutoff and the
  window's end, starting its remaining invocations; CANCEL_TASK cancels its commands at the cutoff
  time (their invocations Cancelled) and the task is TIMED_OUT.
* **AUTOMATION, LAMBDA, STEP_FUNCTIONS** tasks are not simulated: such a task is recorded FAILED, with
  a StatusDetails saying the sandbox did not run it.
* **History**: no AWS source found gives how long window executions are kept, so the sandbox keeps
  them; each invocation keeps its final status after Run Command forgets its command (30 days).

One concern per module: `model` (statuses and texts, the records, the store), `engine` (openings,
priorities, rate controls, cutoff, cancel, the advance), `handlers` (the actions registered in
sandbox/ssm/actions.py).
"""

from sandbox.ssm import associations, simulated_time
from sandbox.ssm.maintenance_window_executions.engine import advance_window_executions, cancel_window_execution

__all__ = ["advance_window_executions", "cancel_window_execution", "install"]


def install():
    # Windows start commands, so they open before associations and commands advance (the association
    # advancer moves every command to now first thing).
    simulated_time.register_advancer(advance_window_executions, before=associations.advance_associations)
