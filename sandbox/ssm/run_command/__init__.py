"""Run Command: SendCommand running documents on simulated managed nodes over simulated time.

moto marks every command Success at once, without invocations or output. The sandbox replaces
SendCommand, ListCommands, ListCommandInvocations, GetCommandInvocation and CancelCommand with an
engine that behaves like AWS:

* **Targets**: InstanceIds (at most 50, each a managed node: InvalidInstanceId otherwise,
  DuplicateInstanceId for repeats) or Targets (at most 5, ANDed: `InstanceIds` with ids (the key in
  any case), `tag:KEY`, `tag-key`, `resource-groups:Name`), resolved at send time. `InstanceIds=*` is
  State Manager's, refused here (InvalidParameters); an association's run may use it.
* **Answers**: SendCommand answers Pending (the first wave is delivered at the request's instant, seen
  by any read after it); DocumentVersion is the requested one or ""; commands are forgotten 30 days
  after their request (Run Command's history).
* **Simulated time**: each node's invocation goes Pending -> InProgress -> Success / Failed as the
  sandbox's clock (`sandbox.agent.clock`: the wall clock unless a test froze or advanced it) passes.
  Nothing runs in the background: a command is advanced lazily, event by event, up to "now"
  whenever anything reads SSM (every SSM request advances the backend's active commands first, so
  DescribeInstanceInformation sees a rebooting node as ConnectionLost). Events carry
  their exact simulated times, so the result does not depend on when reads happen.
  Timing comes from the agent settings (`configure_agent`, control API `PUT /_sandbox/agent`):
  `seconds_per_node` (default 1), `reboot_seconds` (default 2), `delivery_timeout_scale` (multiplies
  TimeoutSeconds, so tests can see Delivery Timed Out without waiting half a minute).
* **Rate controls**: MaxConcurrency invocations in flight at once (a rolling window: a node starts
  when another finishes); once more invocations failed than MaxErrors allows, the nodes not started
  yet end as Terminated and the command Failed.
* **Delivery**: a node that is Online when its turn comes runs. ConnectionLost: the invocation is
  Delayed (no concurrency slot taken) and runs if the node is back Online before the delivery
  timeout (TimeoutSeconds after the request), else Delivery Timed Out. Inactive or no longer a
  managed node: Undeliverable. Neither counts against MaxErrors.
* **Documents**: AWS-RunPatchBaseline calls the patch agent (`sandbox.agent.patch_agent.run_patch_baseline`)
  for the step of the node's platform (the others are skipped for an incompatible platform); an
  Install with RebootIfNeeded that needs a reboot shows the node ConnectionLost for `reboot_seconds`,
  then `finish_reboot`. AWS-RunPatchBaselineWithHooks runs its flow (scan; nothing to do -> on-exit
  hook; pre-install hook; install with NoReboot; post-install hook; reboot if needed; on-exit hook;
  a failing step skips to the on-exit hook and fails the invocation). Script documents (hooks,
  AWS-RunShellScript...) are simulated line by line: `echo`/`Write-Output` print, `exit N` ends the
  script (N != 0 fails it).
* **Output**: per plugin, ListCommandInvocations' Output is stdout and stderr truncated together
  to 2,500 characters the way the SSM agent does; GetCommandInvocation gives the first 24,000
  characters of stdout and 8,000 of stderr. With OutputS3BucketName the agent's files are written
  to S3 at `PREFIX/COMMAND_ID/INSTANCE_ID/awsrunShellScript/PatchLinux/stdout` (and `stderr`).

Engine API (for State Manager associations and tests):

    resolve_targets(backend, targets, every_node_allowed=False) -> [node ids]
    start_command(backend, *, document_name, parameters, instance_ids=None, targets=None, ...) -> Command
    get_command(backend, command_id) -> Command (advanced to now)
    advance_commands(backend, now=None)
    configure_agent(**settings), agent_settings(), reset_agent()

State lives on the SSM backend (`sandbox.ssm.store`, state "commands"), so a moto reset clears it.

One concern per module: `model` (statuses, errors, Invocation, PluginResult), `agent` (the simulated
agent's timing and the patch agent it calls: a file of its own because tests swap the patch agent and
the control API changes the timing), `targets` (target and instance id resolution, document
platforms), `scripts` (running a document on a node: the patch documents and script simulation),
`output` (truncation, S3 output), `engine` (Command: waves, rate controls, delivery, cancel, the store
and its advance), `shapes` (to-API conversion), `handlers` (the actions registered in
sandbox/ssm/actions.py).
"""

from sandbox.ssm import simulated_time
from sandbox.ssm.run_command.agent import agent_settings, configure_agent, reset_agent
from sandbox.ssm.run_command.engine import (
    advance_commands, cancel_command, get_command, list_all_commands, start_command,
)
from sandbox.ssm.run_command.model import UnsupportedPlatformType
from sandbox.ssm.run_command.targets import document_platforms, resolve_targets

__all__ = [
    "UnsupportedPlatformType", "advance_commands", "agent_settings", "cancel_command", "configure_agent",
    "document_platforms", "get_command", "install", "list_all_commands", "reset_agent", "resolve_targets",
    "start_command",
]


def install():
    simulated_time.register_advancer(advance_commands)
