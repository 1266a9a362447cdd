"""State Manager associations: documents applied to managed nodes once or on a schedule, run through
the command engine (`sandbox.ssm.run_command`) over simulated time.

moto has no associations. This module adds CreateAssociation, DescribeAssociation, ListAssociations,
UpdateAssociation, DeleteAssociation, StartAssociationsOnce, DescribeAssociationExecutions and
DescribeAssociationExecutionTargets, behaving like AWS:

* **Definition**: a Command document (name or ARN, DocumentVersion) with its Parameters validated as
  the document defines them, Targets (at most 5, resolved anew at every run: `InstanceIds` `*`,
  `tag:KEY`, `tag-key`, `resource-groups:Name`) or a legacy InstanceId (one association per document
  and node: AssociationAlreadyExists), ScheduleExpression, OutputLocation.S3Location, rate controls,
  ComplianceSeverity, SyncCompliance, ApplyOnlyAtCronInterval, ScheduleOffset, Tags (ResourceType
  `Association` for AddTagsToResource / ListTagsForResource). Every UpdateAssociation is a new
  AssociationVersion; DescribeAssociation can show an older one.
* **Schedules** (`parse_schedule`): `cron(...)` ([seconds, 0 only] minutes hours day-of-month month
  day-of-week [year], UTC, at least 30 minutes apart), `rate(N minutes|hours|days)` (30 minutes to 30 days) and
  `at(YYYY-MM-DDTHH:MM:SS)`. Nothing runs in the background: whenever a request reaches SSM, the
  runs that fell due since the last request start, each at its exact scheduled time.
* **Runs**: an association runs at creation (and at every update) unless ApplyOnlyAtCronInterval
  (that run starts at the request's instant and shows to the reads after it),
  then at its schedule; StartAssociationsOnce runs it again. Each run is an association execution
  that starts a Run Command command (`start_command(..., association_id=...)`); the execution and its
  per-node targets follow that command's invocations (Pending / InProgress / Success / Failed), and
  DescribeAssociationExecutionTargets links each node to the command (OutputSource RunCommand).
* **Compliance**: with SyncCompliance AUTO (the default) each node's result is recorded as
  ComplianceType `Association` (one item per association: Id = association id, Severity =
  ComplianceSeverity) through `sandbox.ssm.patch_states.put_compliance`, and the node's AssociationStatus
  (DescribeInstanceInformation) follows its associations.

Python API for the compliance dashboard: `iter_associations(backend)`,
`association_executions(backend, association_id)`, `is_recurring_patch_task(association)`.
State lives on the SSM backend (`sandbox.ssm.store`, state "associations"), so a moto reset clears it.

One concern per module: `schedule` (cron/rate/at parsing and the next run), `model` (Association,
AssociationExecution, status roll-ups, the store), `validation` (the checks of a definition the
service model cannot express: a module of its own because create and update share it), `engine`
(runs, results, create/update/delete), `handlers` (the actions registered in sandbox/ssm/actions.py,
with their filters). No `shapes` module: an association's API shape is its model's `to_api`, which
reads every field of it.
"""

from sandbox.ssm import run_command, simulated_time
from sandbox.ssm.associations.engine import (
    advance_associations, association_executions, create_association, is_recurring_patch_task, iter_associations,
)

__all__ = ["advance_associations", "association_executions", "create_association", "install",
           "is_recurring_patch_task", "iter_associations"]


def install():
    simulated_time.register_advancer(advance_associations, before=run_command.advance_commands)
