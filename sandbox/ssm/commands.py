"""Run Command: SendCommand running documents on simulated managed nodes over simulated time.

moto marks every command Success at once, without invocations or output. The sandbox replaces
SendCommand, ListCommands, ListCommandInvocations, GetCommandInvocation and CancelCommand with an
engine that behaves like AWS:

* **Targets**: InstanceIds (at most 50, each a managed node: InvalidInstanceId otherwise,
  DuplicateInstanceId for repeats) or Targets (at most 5, ANDed: `InstanceIds` with `*` for every
  managed node, `tag:KEY`, `tag-key`, `resource-groups:Name`), resolved at send time.
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

    resolve_targets(backend, targets) -> [node ids]
    start_command(backend, *, document_name, parameters, instance_ids=None, targets=None, ...) -> Command
    get_command(backend, command_id) -> Command (advanced to now)
    advance_commands(backend, now=None)
    configure_agent(**settings), agent_settings(), reset_agent()

State lives on the SSM backend (`sandbox.ssm.store`, state "commands"), so a moto reset clears it.
"""

import datetime
import heapq
import importlib
import json
import math
import re
import threading
import traceback
import uuid
from collections import deque

import botocore.session
from moto.ssm.exceptions import InvalidDocument, InvalidFilterValue
from moto.ssm.exceptions import SSMException

from sandbox.agent import clock
from sandbox.ssm import simulated_time
from sandbox.ssm import documents as docs
from sandbox.wire.errors import InvalidFilterKey, InvalidInstanceId, ValidationException
from sandbox.agent.managed_nodes import ANY_NODE_ID, get_managed_node, iter_managed_nodes, update_managed_node
from sandbox.wire.paging import paginate
from sandbox.ssm.store import backend_state, existing_state

_SSM_MODEL = botocore.session.get_session().get_service_model("ssm")
NOTIFICATION_EVENTS = tuple(_SSM_MODEL.shape_for("NotificationEvent").enum)
NOTIFICATION_TYPES = tuple(_SSM_MODEL.shape_for("NotificationType").enum)
COMMAND_STATUSES = tuple(_SSM_MODEL.shape_for("CommandStatus").enum)
INVOCATION_STATUSES = tuple(_SSM_MODEL.shape_for("CommandInvocationStatus").enum)
COMMAND_FILTER_KEYS = tuple(_SSM_MODEL.shape_for("CommandFilterKey").enum)

MAX_INSTANCE_IDS = 50
MAX_TARGETS = 5
DEFAULT_MAX_CONCURRENCY = "50"
DEFAULT_MAX_ERRORS = "0"
DEFAULT_TIMEOUT_SECONDS = 3600
LIST_OUTPUT_LIMIT = 2500        # CommandPlugins[].Output in ListCommandInvocations
GET_STDOUT_LIMIT = 24000        # GetCommandInvocation StandardOutputContent
GET_STDERR_LIMIT = 8000         # GetCommandInvocation StandardErrorContent
MAX_CONCURRENCY_PATTERN = re.compile(r"^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")
MAX_ERRORS_PATTERN = re.compile(r"^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$")

# (Status, StatusDetails) of an invocation, as the API reports them.
PENDING = ("Pending", "Pending")
DELAYED = ("Delayed", "Delayed")
IN_PROGRESS = ("InProgress", "InProgress")
SUCCESS = ("Success", "Success")
FAILED = ("Failed", "Failed")
DELIVERY_TIMED_OUT = ("TimedOut", "DeliveryTimedOut")
UNDELIVERABLE = ("Failed", "Undeliverable")
TERMINATED = ("Cancelled", "Terminated")
CANCELLED = ("Cancelled", "Cancelled")
NOT_STARTED = (PENDING, DELAYED)


class InvalidCommandId(SSMException):
    code = "InvalidCommandId"


class InvocationDoesNotExist(SSMException):
    code = "InvocationDoesNotExist"


class InvalidPluginName(SSMException):
    code = "InvalidPluginName"


class DuplicateInstanceId(SSMException):
    code = "DuplicateInstanceId"


class InvalidOutputFolder(SSMException):
    code = "InvalidOutputFolder"


class InvalidRole(SSMException):
    code = "InvalidRole"


class InvalidNotificationConfig(SSMException):
    code = "InvalidNotificationConfig"


class UnsupportedPlatformType(SSMException):
    code = "UnsupportedPlatformType"


# ---------------------------------------------------------------------------------------------
# agent settings (simulated time), shared by every account and region of the server

AGENT_DEFAULTS = {"seconds_per_node": 1.0, "reboot_seconds": 2.0, "delivery_timeout_scale": 1.0}
_agent_lock = threading.Lock()
_agent = dict(AGENT_DEFAULTS)


def agent_settings():
    with _agent_lock:
        return dict(_agent)


def configure_agent(**settings):
    """Change the simulated agent's timing; unknown names or negative numbers raise ValueError."""
    unknown = set(settings) - set(AGENT_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown agent settings {sorted(unknown)}; known: {sorted(AGENT_DEFAULTS)}")
    checked = {}
    for name, value in settings.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or math.isinf(value):
            raise ValueError(f"{name} must be a non-negative number of seconds")
        checked[name] = float(value)
    with _agent_lock:
        _agent.update(checked)
        return dict(_agent)


def reset_agent():
    with _agent_lock:
        _agent.clear()
        _agent.update(AGENT_DEFAULTS)
        return dict(_agent)


# The patch agent module; tests of the engine alone may put a fake here.
patch_agent_override = None


def patch_agent():
    if patch_agent_override is not None:
        return patch_agent_override
    return importlib.import_module("sandbox.agent.patch_agent")


# ---------------------------------------------------------------------------------------------
# pure logic: rate controls, status roll-up, truncation, script simulation


def rate_limit(value, target_count, *, minimum):
    """MaxConcurrency / MaxErrors as a number of nodes: `10` or `10%` of the targets (rounded down,
    at least `minimum`)."""
    text = str(value)
    if text.endswith("%"):
        return max(minimum, (int(text[:-1]) * target_count) // 100)
    return max(minimum, int(text))


def command_status(*, total, not_started, in_flight, successes, errors, delivery_timed_out, undeliverable,
                   max_errors, cancelled):
    """(Status, StatusDetails) of a command from its invocation counts (see "Understanding command
    statuses"): errors (Failed, Execution Timed Out) beyond MaxErrors fail it; Delivery Timed Out
    beyond MaxErrors times it out; Undeliverable nodes do not count either way; anything else short
    of all-Success is Incomplete."""
    if cancelled:
        return ("Cancelling", "Cancelling") if in_flight else ("Cancelled", "Cancelled")
    if not_started or in_flight:
        if in_flight == 0 and not_started == total:
            return PENDING
        return IN_PROGRESS
    if total == 0:
        return SUCCESS
    if errors > max_errors:
        return FAILED
    if delivery_timed_out > max_errors:
        return ("TimedOut", "DeliveryTimedOut")
    contributing = total - undeliverable
    if contributing > 0 and successes == contributing:
        return SUCCESS
    return ("Failed", "Incomplete")


OUTPUT_TRUNCATED = "\n---Output truncated---"
ERROR_HEADER = "\n----------ERROR-------\n"
ERROR_TRUNCATED = "\n---Error truncated----"


def truncate_output(stdout, stderr, capacity=LIST_OUTPUT_LIMIT):
    """A plugin's Output as the SSM agent reports it: stdout, then stderr after an ERROR header, the
    whole at most `capacity` characters, each part marked when cut. When both must be cut they share
    the room equally; a part that fits in its share leaves the rest to the other."""
    stdout, stderr = stdout or "", stderr or ""
    error_part = ERROR_HEADER + stderr if stderr else ""
    if len(stdout) + len(error_part) <= capacity:
        return stdout + error_part
    if not stderr:
        return stdout[: capacity - len(OUTPUT_TRUNCATED)] + OUTPUT_TRUNCATED
    if not stdout:
        return ERROR_HEADER + stderr[: capacity - len(ERROR_HEADER) - len(ERROR_TRUNCATED)] + ERROR_TRUNCATED
    half = (capacity - len(OUTPUT_TRUNCATED) - len(ERROR_HEADER) - len(ERROR_TRUNCATED)) // 2
    if len(stderr) <= half:
        out = stdout[: capacity - len(ERROR_HEADER) - len(stderr) - len(OUTPUT_TRUNCATED)] + OUTPUT_TRUNCATED
        err = stderr
    elif len(stdout) <= half:
        out = stdout
        err = stderr[: capacity - len(stdout) - len(ERROR_HEADER) - len(ERROR_TRUNCATED)] + ERROR_TRUNCATED
    else:
        out = stdout[:half] + OUTPUT_TRUNCATED
        err = stderr[:half] + ERROR_TRUNCATED
    return out + ERROR_HEADER + err


_EXIT = re.compile(r"^exit(?:\s+(-?\d+))?\s*;?$", re.IGNORECASE)
_PRINT = re.compile(r"^(?:echo|Write-Output|Write-Host)(?:\s+(.*))?$", re.IGNORECASE)
_PRINT_ERROR = re.compile(r"^(?:Write-Error)\s+(.*)$", re.IGNORECASE)


def _unquote(text):
    text = (text or "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def simulate_script(lines):
    """(exit code, stdout, stderr) of a hook or Run Command script, simulated: `echo X` /
    `Write-Output X` print X, `echo X >&2` / `Write-Error X` print to stderr, `exit N` ends the
    script with N; other lines run silently and succeed."""
    stdout, stderr = [], []
    code = 0
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _EXIT.match(line)
        if match:
            code = int(match.group(1) or 0)
            break
        to_stderr = line.endswith(">&2") or line.startswith(">&2 ")
        bare = line.replace(">&2", "").strip()
        match = _PRINT.match(bare)
        if match:
            (stderr if to_stderr else stdout).append(_unquote(match.group(1)))
            continue
        match = _PRINT_ERROR.match(bare)
        if match:
            stderr.append(_unquote(match.group(1)))
    if code != 0:
        stderr.append(f"failed to run commands: exit status {code}")
    return code, "".join(f"{text}\n" for text in stdout), "".join(f"{text}\n" for text in stderr)


def _count(value):
    if value is None:
        return 0
    if isinstance(value, (list, tuple, set, dict)):
        return len(value)
    return int(value)


# ---------------------------------------------------------------------------------------------
# model


def _dt(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)


def _iso(timestamp):
    """GetCommandInvocation's StringDateTime: ISO 8601 with milliseconds, UTC."""
    if timestamp is None:
        return ""
    return _dt(timestamp).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(timestamp * 1000) % 1000:03d}Z"


class PluginResult:
    """What one step of the document did on one node."""

    __slots__ = ("spec", "status", "status_details", "response_code", "start", "end", "stdout", "stderr",
                 "skipped")

    def __init__(self, spec, status=SUCCESS, response_code=0, start=None, end=None, stdout="", stderr="",
                 skipped=False):
        self.spec = spec
        self.status, self.status_details = status
        self.response_code = response_code
        self.start = start
        self.end = end
        self.stdout = stdout or ""
        self.stderr = stderr or ""
        self.skipped = skipped

    @property
    def name(self):
        return self.spec.name

    @property
    def failed(self):
        return self.status != "Success"


class Invocation:
    """One node's copy of a command."""

    __slots__ = ("index", "instance_id", "instance_name", "platform_type", "status", "status_details",
                 "response_code", "start", "end", "plugins", "phase_state")

    def __init__(self, index, instance_id, instance_name="", platform_type=None):
        self.index = index
        self.instance_id = instance_id
        self.instance_name = instance_name
        self.platform_type = platform_type
        self.status, self.status_details = PENDING
        self.response_code = -1
        self.start = None
        self.end = None
        self.plugins = None          # list of PluginResult once the node ran the document
        self.phase_state = None      # what the run still has to do after a reboot

    @property
    def state(self):
        return (self.status, self.status_details)

    @property
    def terminal(self):
        return self.state not in (PENDING, DELAYED, IN_PROGRESS)


class Command:
    """A sent command, its invocations and the simulation's bookkeeping."""

    def __init__(self, backend, *, command_id, document, parameters, given_parameters, instance_ids, targets,
                 node_ids, max_concurrency, max_errors, timeout_seconds, comment, output_s3_bucket,
                 output_s3_prefix, output_s3_region, service_role_arn, notification_config,
                 cloudwatch_output_config, association_id, requested):
        self.backend = backend
        self.command_id = command_id
        self.document = document
        self.document_name = document.name
        self.document_version = document.document_version
        self.parameters = parameters                  # resolved, with defaults
        self.given_parameters = given_parameters      # as sent (what ListCommands shows)
        self.instance_ids = list(instance_ids or [])
        self.targets = list(targets or [])
        self.max_concurrency = str(max_concurrency)
        self.max_errors = str(max_errors)
        self.timeout_seconds = timeout_seconds
        self.comment = comment or ""
        self.output_s3_bucket = output_s3_bucket or ""
        self.output_s3_prefix = output_s3_prefix or ""
        self.output_s3_region = output_s3_region or (backend.region_name if output_s3_bucket else "")
        self.service_role_arn = service_role_arn or ""
        self.notification_config = notification_config
        self.cloudwatch_output_config = cloudwatch_output_config
        self.association_id = association_id
        self.requested = requested
        self.plugin_specs = docs.plugins_of(document)
        self.invocations = [Invocation(index, node_id) for index, node_id in enumerate(node_ids)]
        self.by_instance = {invocation.instance_id: invocation for invocation in self.invocations}
        total = len(self.invocations)
        self.concurrency_limit = rate_limit(self.max_concurrency, total, minimum=1)
        self.errors_allowed = rate_limit(self.max_errors, total, minimum=0)
        settings = agent_settings()
        self.delivery_deadline = requested + timeout_seconds * settings["delivery_timeout_scale"]
        # simulation state
        self.clock = requested                # simulated time of the last processed event
        self.queue = deque(range(total))      # invocations not attempted yet, in order
        self.retry = deque()                  # Delayed invocations whose node came back Online
        self.delayed = set()                  # Delayed invocations (node not reachable)
        self.events = []                      # heap of (time, seq, invocation index, phase)
        self.sequence = 0
        self.running = 0                      # invocations holding a concurrency slot
        self.counts = {"not_started": total, "in_flight": 0, "successes": 0, "errors": 0,
                       "delivery_timed_out": 0, "undeliverable": 0, "completed": 0}
        self.cancelled = False
        self.stopped = False                  # MaxErrors exceeded: start nothing more

    # -- status -------------------------------------------------------------------------------

    @property
    def target_count(self):
        return len(self.invocations)

    @property
    def status_pair(self):
        counts = self.counts
        return command_status(
            total=self.target_count, not_started=counts["not_started"], in_flight=counts["in_flight"],
            successes=counts["successes"], errors=counts["errors"],
            delivery_timed_out=counts["delivery_timed_out"], undeliverable=counts["undeliverable"],
            max_errors=self.errors_allowed, cancelled=self.cancelled,
        )

    @property
    def status(self):
        return self.status_pair[0]

    @property
    def status_details(self):
        return self.status_pair[1]

    @property
    def finished(self):
        """Every invocation terminal and no reboot still to finish."""
        return self.counts["completed"] == self.target_count and not self.events

    @property
    def expires_after(self):
        return self.requested + self.timeout_seconds

    def _set_state(self, invocation, state, when):
        """Move an invocation to a new state, keeping the command's counters in step."""
        old = invocation.state
        if old == state:
            return
        counts = self.counts
        if old in NOT_STARTED:
            counts["not_started"] -= old == PENDING
            counts["in_flight"] -= old == DELAYED
        elif old == IN_PROGRESS:
            counts["in_flight"] -= 1
        if state == DELAYED:
            counts["in_flight"] += 1
        elif state == IN_PROGRESS:
            counts["in_flight"] += 1
        else:
            counts["completed"] += 1
            if state == SUCCESS:
                counts["successes"] += 1
            elif state == FAILED:
                counts["errors"] += 1
            elif state == DELIVERY_TIMED_OUT:
                counts["delivery_timed_out"] += 1
            elif state == UNDELIVERABLE:
                counts["undeliverable"] += 1
            invocation.end = when
        invocation.status, invocation.status_details = state

    # -- simulation ---------------------------------------------------------------------------

    def _push(self, when, index, phase):
        self.sequence += 1
        heapq.heappush(self.events, (when, self.sequence, index, phase))

    def advance(self, now):
        """Process every event up to `now`, in simulated-time order."""
        if self.finished:
            return
        while True:
            self._fill_slots(self.clock)
            if not self.events or self.events[0][0] > now:
                break
            when, _, index, phase = heapq.heappop(self.events)
            self.clock = when
            self._run_phase(self.invocations[index], phase, when)
        self._check_delayed(now)
        self._fill_slots(max(self.clock, now))
        if now >= self.delivery_deadline:
            self._time_out_undelivered()

    def _fill_slots(self, when):
        while self.running < self.concurrency_limit and (self.retry or self.queue):
            if self.stopped or self.cancelled:
                break
            if when > self.delivery_deadline:
                self._time_out_undelivered()
                return
            index = self.retry.popleft() if self.retry else self.queue.popleft()
            self._deliver(self.invocations[index], when)
        if self.stopped:
            self._terminate_not_started(when)

    def _deliver(self, invocation, when):
        node = get_managed_node(self.backend, invocation.instance_id)
        if node is None or node.ping_status == "Inactive":
            self.delayed.discard(invocation.index)
            self._set_state(invocation, UNDELIVERABLE, when)
            return
        if node.ping_status != "Online":
            # The service keeps trying until the delivery timeout; no slot is held meanwhile.
            self.delayed.add(invocation.index)
            self._set_state(invocation, DELAYED, when)
            return
        self.delayed.discard(invocation.index)
        invocation.instance_name = node.computer_name or ""
        invocation.platform_type = node.platform_type
        invocation.start = when
        self._set_state(invocation, IN_PROGRESS, when)
        self.running += 1
        self._push(when + agent_settings()["seconds_per_node"], invocation.index, "run")

    def _check_delayed(self, now):
        for index in sorted(self.delayed):
            invocation = self.invocations[index]
            if index in self.retry:
                continue
            node = get_managed_node(self.backend, invocation.instance_id)
            if node is None or node.ping_status == "Inactive":
                self.delayed.discard(index)
                self._set_state(invocation, UNDELIVERABLE, now)
            elif node.ping_status == "Online" and now <= self.delivery_deadline:
                self.retry.append(index)

    def _time_out_undelivered(self):
        for index in list(self.queue) + list(self.retry) + sorted(self.delayed):
            invocation = self.invocations[index]
            if invocation.state in NOT_STARTED:
                self._set_state(invocation, DELIVERY_TIMED_OUT, self.delivery_deadline)
        self.queue.clear()
        self.retry.clear()
        self.delayed.clear()

    def _terminate_not_started(self, when):
        for index in list(self.queue) + list(self.retry) + sorted(self.delayed):
            invocation = self.invocations[index]
            if invocation.state in NOT_STARTED:
                self._set_state(invocation, TERMINATED, when)
        self.queue.clear()
        self.retry.clear()
        self.delayed.clear()

    def _run_phase(self, invocation, phase, when):
        node = get_managed_node(self.backend, invocation.instance_id)
        if phase == "reboot":
            if node is not None:
                update_managed_node(self.backend, node.instance_id, ping_status="Online")
                node = get_managed_node(self.backend, node.instance_id)
                patch_agent().finish_reboot(self.backend, node, now=_dt(when))
            if invocation.terminal:       # cancelled while rebooting: the reboot still completes
                return
            outcome = run_after_reboot(self, invocation, node, when)
        else:
            if invocation.terminal:       # cancelled before it ran
                return
            if node is None:
                # The node went away (instance stopped, hybrid node deregistered) while running.
                invocation.plugins = [PluginResult(spec, FAILED, 1, invocation.start, when,
                                                   stderr="The managed node is no longer available.")
                                      for spec in self.plugin_specs if spec.applies_to(invocation.platform_type)]
                self._finish(invocation, FAILED, 1, when)
                return
            outcome = run_document(self, invocation, node, when)
        if outcome == "reboot":
            update_managed_node(self.backend, node.instance_id, ping_status="ConnectionLost")
            self._push(when + agent_settings()["reboot_seconds"], invocation.index, "reboot")
            return
        failed = [plugin for plugin in invocation.plugins if plugin.failed]
        code = failed[0].response_code if failed else 0
        self._finish(invocation, FAILED if failed else SUCCESS, code, when)

    def _finish(self, invocation, state, response_code, when):
        invocation.response_code = response_code
        self._set_state(invocation, state, when)
        self.running -= 1
        write_output_to_s3(self, invocation)
        if state == FAILED and self.counts["errors"] > self.errors_allowed:
            self.stopped = True

    def cancel(self, instance_ids, now):
        """CancelCommand: invocations not finished become Cancelled (all of them, or those listed)."""
        wanted = None if not instance_ids else set(instance_ids)
        if wanted is None:
            self.cancelled = True
        for invocation in self.invocations:
            if invocation.terminal or (wanted is not None and invocation.instance_id not in wanted):
                continue
            if invocation.state == IN_PROGRESS:
                self.running -= 1
                if invocation.plugins is None:
                    invocation.plugins = [PluginResult(spec, CANCELLED, -1, invocation.start, now)
                                          for spec in self.plugin_specs]
            self.delayed.discard(invocation.index)
            self._set_state(invocation, CANCELLED, now)
        self.queue = deque(index for index in self.queue if not self.invocations[index].terminal)
        self.retry = deque(index for index in self.retry if not self.invocations[index].terminal)


# ---------------------------------------------------------------------------------------------
# running documents on a node


def _patch_run(command, node, started, finished, *, operation, reboot_option, snapshot_id=None,
               install_override_list=None, baseline_override=None):
    """Call the patch agent: the operation runs from the step's start to its end (the patch state's
    times fall inside the step); a crash in it is a failed step (with the traceback as stderr), not a 500."""
    try:
        return patch_agent().run_patch_baseline(
            command.backend, node, operation=operation, snapshot_id=snapshot_id or command.command_id,
            reboot_option=reboot_option, install_override_list=install_override_list or None,
            baseline_override=baseline_override or None, now=_dt(started), until=_dt(finished),
            execution_id=command.command_id,
            execution_type="Command",
        )
    except Exception:  # pylint: disable=broad-except
        return _CrashedRun(traceback.format_exc())


class _CrashedRun:
    status = "Failed"
    response_code = 1
    output = ""
    missing = 0
    pending_reboot = 0
    reboot_required = False

    def __init__(self, error_output):
        self.error_output = error_output


def _needs_reboot(result):
    return bool(getattr(result, "reboot_required", False)) or _count(getattr(result, "pending_reboot", 0)) > 0


def _plugin_from_patch_result(spec, result, start, when):
    state = SUCCESS if result.status == "Success" else FAILED
    return PluginResult(spec, state, result.response_code, start, when, result.output, result.error_output)


def _skipped(spec, start, when, reason):
    return PluginResult(spec, SUCCESS, 0, start, when, f"Step execution skipped due to {reason}. Step name: {spec.name}",
                        skipped=True)


def run_document(command, invocation, node, when):
    """Run the command's document on a node whose turn has completed; returns "reboot" when the node
    must reboot before the invocation ends, else None (invocation.plugins set)."""
    if command.document_name == "AWS-RunPatchBaseline":
        return _run_patch_baseline(command, invocation, node, when)
    if command.document_name == "AWS-RunPatchBaselineWithHooks":
        return _run_with_hooks(command, invocation, node, when)
    invocation.plugins = _run_script_plugins(command.plugin_specs, command.parameters, node, invocation.start, when)
    return None


def run_after_reboot(command, invocation, node, when):
    state = invocation.phase_state or {}
    if command.document_name == "AWS-RunPatchBaselineWithHooks":
        _hooks_on_exit(command, invocation, node, when)
    elif state.get("plugin") is not None:
        state["plugin"].end = when
    return None


def _run_patch_baseline(command, invocation, node, when):
    params = command.parameters
    plugins = []
    reboot = False
    for spec in command.plugin_specs:
        if not spec.applies_to(node.platform_type):
            plugins.append(_skipped(spec, invocation.start, invocation.start, "incompatible platform"))
            continue
        result = _patch_run(
            command, node, invocation.start, when, operation=params["Operation"], reboot_option=params["RebootOption"],
            snapshot_id=params["SnapshotId"], install_override_list=params["InstallOverrideList"],
            baseline_override=params["BaselineOverride"],
        )
        plugin = _plugin_from_patch_result(spec, result, invocation.start, when)
        plugins.append(plugin)
        if (params["Operation"] == "Install" and params["RebootOption"] == "RebootIfNeeded"
                and _needs_reboot(result)):
            reboot = True
            invocation.phase_state = {"plugin": plugin}
    invocation.plugins = plugins
    return "reboot" if reboot else None


HOOK_PARAMETERS = {"PreInstallHook": "PreInstallHookDocName", "PostInstallHook": "PostInstallHookDocName",
                   "OnExitHook": "OnExitHookDocName"}


def _run_with_hooks(command, invocation, node, when):
    """AWS-RunPatchBaselineWithHooks: scan; if nothing is missing and no reboot is pending, go to the
    on-exit hook; else pre-install hook, install with NoReboot, post-install hook, reboot if needed,
    on-exit hook. A failing step skips to the on-exit hook and fails the invocation."""
    params = command.parameters
    specs = {spec.name: spec for spec in command.plugin_specs}
    results = {}
    start = invocation.start

    def skip_rest(reason):
        for name in ("PreInstallHook", "InstallWithNoReboot", "PostInstallHook", "RebootIfNeeded"):
            results.setdefault(name, _skipped(specs[name], start, start, reason))

    scan = _patch_run(command, node, invocation.start, when, operation="Scan", reboot_option="NoReboot",
                      snapshot_id=params["SnapshotId"])
    results["InitialScan"] = _plugin_from_patch_result(specs["InitialScan"], scan, start, when)
    failed = results["InitialScan"].failed
    reboot = False
    if failed:
        skip_rest("a failed step")
    elif params["Operation"] == "Scan":
        skip_rest("operation Scan")
    elif _count(scan.missing) == 0 and not _needs_reboot(scan):
        skip_rest("no missing patches and no pending reboot")
    else:
        results["PreInstallHook"] = _run_hook(command, specs["PreInstallHook"], node, start, when)
        if results["PreInstallHook"].failed:
            failed = True
            skip_rest("a failed pre-install hook")
        else:
            install = _patch_run(command, node, invocation.start, when, operation="Install", reboot_option="NoReboot",
                                 snapshot_id=params["SnapshotId"])
            results["InstallWithNoReboot"] = _plugin_from_patch_result(specs["InstallWithNoReboot"], install,
                                                                       start, when)
            if results["InstallWithNoReboot"].failed:
                failed = True
                skip_rest("a failed install")
            else:
                results["PostInstallHook"] = _run_hook(command, specs["PostInstallHook"], node, start, when)
                if results["PostInstallHook"].failed:
                    failed = True
                    skip_rest("a failed post-install hook")
                elif params["RebootOption"] == "RebootIfNeeded" and _needs_reboot(install):
                    results["RebootIfNeeded"] = PluginResult(specs["RebootIfNeeded"], SUCCESS, 0, when, when,
                                                             "Rebooting the managed node to finish the install.\n")
                    reboot = True
                else:
                    reason = "reboot option NoReboot" if params["RebootOption"] == "NoReboot" else "no reboot needed"
                    results["RebootIfNeeded"] = _skipped(specs["RebootIfNeeded"], start, start, reason)
    invocation.plugins = [results.get(spec.name) for spec in command.plugin_specs]
    if reboot:
        return "reboot"
    _hooks_on_exit(command, invocation, node, when)
    return None


def _hooks_on_exit(command, invocation, node, when):
    """The on-exit hook, run in every case (after the reboot when there is one). A step that failed
    earlier already fails the invocation through its own plugin."""
    specs = {spec.name: spec for spec in command.plugin_specs}
    on_exit = _run_hook(command, specs["OnExitHook"], node, invocation.start, when)
    reboot_step = next((plugin for plugin in invocation.plugins if plugin is not None
                        and plugin.name == "RebootIfNeeded"), None)
    if reboot_step is not None and not reboot_step.skipped:
        reboot_step.end = when
    invocation.plugins = [on_exit if spec.name == "OnExitHook" else plugin
                          for spec, plugin in zip(command.plugin_specs, invocation.plugins)]


def _run_hook(command, spec, node, start, when):
    """A lifecycle hook: the named Command document's script steps for the node's platform."""
    name = command.parameters[HOOK_PARAMETERS[spec.name]]
    try:
        hook = docs.resolve_document(command.backend, name)
    except SSMException:
        return PluginResult(spec, FAILED, 1, start, when, stderr=f"Hook document {name} does not exist.\n")
    if hook.document_type != "Command":
        return PluginResult(spec, FAILED, 1, start, when,
                            stderr=f"Hook document {name} is not a Command document.\n")
    try:
        hook_params = docs.validate_parameters(hook, {})
    except SSMException as exc:
        return PluginResult(spec, FAILED, 1, start, when, stderr=f"Hook document {name}: {exc.message}\n")
    plugins = _run_script_plugins(docs.plugins_of(hook), hook_params, node, start, when)
    ran = [plugin for plugin in plugins if not plugin.skipped]
    failed = [plugin for plugin in ran if plugin.failed]
    stdout = "".join(plugin.stdout for plugin in ran)
    stderr = "".join(plugin.stderr for plugin in ran)
    state = FAILED if failed else SUCCESS
    return PluginResult(spec, state, failed[0].response_code if failed else 0, start, when, stdout, stderr)


def _run_script_plugins(specs, parameters, node, start, when):
    plugins = []
    for spec in specs:
        if not spec.applies_to(node.platform_type):
            plugins.append(_skipped(spec, start, start, "incompatible platform"))
            continue
        supported = docs.ACTION_PLATFORMS.get(spec.action)
        if spec.action in ("aws:runShellScript", "aws:runPowerShellScript"):
            if node.platform_type not in supported:
                plugins.append(PluginResult(spec, FAILED, 1, start, when,
                                            stderr=f"{spec.action} is not supported on {node.platform_type}.\n"))
                continue
            code, stdout, stderr = simulate_script(docs.substitute(spec.commands, parameters))
            plugins.append(PluginResult(spec, SUCCESS if code == 0 else FAILED, code, start, when, stdout, stderr))
        else:
            # Other plugins (aws:configurePackage, aws:runDocument...) are not simulated: they succeed.
            plugins.append(PluginResult(spec, SUCCESS, 0, start, when))
    return plugins


# ---------------------------------------------------------------------------------------------
# output in S3


def s3_key(command, instance_id, spec, stream):
    parts = [command.output_s3_prefix.strip("/")] if command.output_s3_prefix.strip("/") else []
    return "/".join(parts + [command.command_id, instance_id, spec.s3_folder, stream])


def s3_url(command, key):
    return f"https://s3.{command.output_s3_region}.amazonaws.com/{command.output_s3_bucket}/{key}"


def write_output_to_s3(command, invocation):
    """As the agent uploads: stdout and stderr of every step that ran, when not empty. A missing
    bucket loses the output (the agent only logs the failure); the invocation is unaffected."""
    if not command.output_s3_bucket or not invocation.plugins:
        return
    from moto.s3.models import s3_backends  # pylint: disable=import-outside-toplevel

    s3 = s3_backends[command.backend.account_id]["global"]
    if command.output_s3_bucket not in s3.buckets:
        return
    for plugin in invocation.plugins:
        if plugin is None or plugin.skipped:
            continue
        for stream, text in (("stdout", plugin.stdout), ("stderr", plugin.stderr)):
            if text:
                s3.put_object(command.output_s3_bucket, s3_key(command, invocation.instance_id, plugin.spec, stream),
                              text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# per-backend store


class CommandStore:
    def __init__(self):
        self.lock = threading.RLock()
        self.commands = {}       # command id -> Command, in order sent
        self.active = {}         # command id -> Command not finished


def _store(backend):
    return backend_state(backend, "commands", CommandStore)


def advance_commands(backend, now=None):
    """Advance every unfinished command of this backend to `now` (the sandbox's clock by default)."""
    store = existing_state(backend, "commands")
    if store is None or not store.active:
        return
    now = clock.now() if now is None else now
    with store.lock:
        for command_id, command in list(store.active.items()):
            command.advance(now)
            if command.finished:
                del store.active[command_id]


# ---------------------------------------------------------------------------------------------
# validation and target resolution


def _validation_error(value, path, constraint):
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: Member must {constraint}"
    )


def _tag_match(tags, key, values):
    return key in tags and (not values or tags[key] in values)


def _resource_group_predicate(backend, group_name):
    """Nodes in a tag-based resource group (TAG_FILTERS_1_0 query); an unknown group matches nothing."""
    from moto.resourcegroups.models import resourcegroups_backends  # pylint: disable=import-outside-toplevel

    groups = resourcegroups_backends[backend.account_id][backend.region_name].groups
    if group_name not in groups:
        return lambda node: False
    query = groups[group_name].resource_query or {}
    if query.get("Type") != "TAG_FILTERS_1_0":
        return lambda node: False
    try:
        body = json.loads(query.get("Query") or "{}")
    except ValueError:
        return lambda node: False
    types = body.get("ResourceTypeFilters") or ["AWS::AllSupported"]
    if not {"AWS::AllSupported", "AWS::EC2::Instance", "AWS::SSM::ManagedInstance"} & set(types):
        return lambda node: False
    filters = [(item.get("Key"), item.get("Values") or []) for item in body.get("TagFilters") or []]
    return lambda node: all(_tag_match(node._tags, key, values) for key, values in filters)


def _target_predicate(backend, target):
    key, values = target.get("Key"), list(target.get("Values") or [])
    if not key or not values:
        raise ValidationException("Each target needs a Key and at least one value.")
    if key == "InstanceIds":
        if values == ["*"]:
            return lambda node: True
        malformed = [value for value in values if not ANY_NODE_ID.match(value)]
        if malformed:
            raise InvalidInstanceId(f"Invalid instance id(s): {', '.join(malformed)}")
        wanted = frozenset(values)
        return lambda node: node.instance_id in wanted
    if key.startswith("tag:") and len(key) > 4:
        tag_key, wanted = key[4:], frozenset(values)
        return lambda node: node._tags.get(tag_key) in wanted
    if key == "tag-key":
        keys = frozenset(values)
        return lambda node: not keys.isdisjoint(node._tags)
    if key == "resource-groups:Name":
        if len(values) != 1:
            raise ValidationException("resource-groups:Name takes exactly one resource group name.")
        return _resource_group_predicate(backend, values[0])
    if key == "resource-groups:ResourceTypeFilters":
        allowed = {"AWS::EC2::Instance", "AWS::SSM::ManagedInstance"}
        kinds = set(values)
        if not kinds <= allowed:
            raise ValidationException(f"resource-groups:ResourceTypeFilters takes {', '.join(sorted(allowed))}.")
        return lambda node: ("AWS::SSM::ManagedInstance" if node.resource_type == "ManagedInstance"
                             else "AWS::EC2::Instance") in kinds
    raise ValidationException(
        f"Target key {key} is not valid: use InstanceIds, tag:<key>, tag-key or resource-groups:Name."
    )


def resolve_targets(backend, targets):
    """Managed node ids matching every target (targets are ANDed), in the order nodes are listed."""
    targets = list(targets or [])
    if len(targets) > MAX_TARGETS:
        raise _validation_error(targets, "targets", f"have length less than or equal to {MAX_TARGETS}")
    predicates = [_target_predicate(backend, target) for target in targets]
    if not predicates:
        return []
    return [node.instance_id for node in iter_managed_nodes(backend)
            if all(predicate(node) for predicate in predicates)]


def _resolve_instance_ids(backend, instance_ids):
    if len(instance_ids) > MAX_INSTANCE_IDS:
        raise _validation_error(instance_ids, "instanceIds", f"have length less than or equal to {MAX_INSTANCE_IDS}")
    seen = set()
    for instance_id in instance_ids:
        if instance_id in seen:
            raise DuplicateInstanceId("Instance Id is duplicated in the request.")
        seen.add(instance_id)
    unknown = [instance_id for instance_id in instance_ids
               if not isinstance(instance_id, str) or not ANY_NODE_ID.match(instance_id)
               or get_managed_node(backend, instance_id) is None]
    if unknown:
        raise InvalidInstanceId(
            f"Instances [{', '.join(f'[{instance_id}]' for instance_id in unknown)}] not in a valid state for account "
            f"{backend.account_id}"
        )
    return list(instance_ids)


def document_platforms(document):
    """The platforms a Command document runs on: AWS's list for its own, else what its steps allow."""
    if document.owner == docs.AWS_OWNER:
        return set(docs.AWS_DOCUMENT_PLATFORMS.get(document.name, ("Windows", "Linux", "MacOS")))
    platforms = set()
    for spec in docs.plugins_of(document):
        allowed = set(docs.ACTION_PLATFORMS.get(spec.action, ("Windows", "Linux", "MacOS")))
        platforms |= allowed & {spec.platform} if spec.platform else allowed
    return platforms or {"Windows", "Linux", "MacOS"}


def _validate_rate(value, name, pattern):
    text = str(value)
    if not 1 <= len(text) <= 7 or not pattern.match(text):
        raise _validation_error(text, name, f"satisfy regular expression pattern: {pattern.pattern}")
    return text


def _validate_notification(service_role_arn, notification_config):
    if service_role_arn and not ROLE_ARN.match(service_role_arn):
        raise InvalidRole(f"The role {service_role_arn} is not a valid IAM role ARN.")
    if not notification_config or not notification_config.get("NotificationArn"):
        return
    if not service_role_arn:
        raise InvalidRole("A ServiceRoleArn is required to send notifications to Amazon SNS.")
    if not SNS_ARN.match(notification_config["NotificationArn"]):
        raise InvalidNotificationConfig(f"{notification_config['NotificationArn']} is not a valid SNS topic ARN.")
    events = notification_config.get("NotificationEvents") or []
    if any(event not in NOTIFICATION_EVENTS for event in events):
        raise InvalidNotificationConfig(f"NotificationEvents must be among {', '.join(NOTIFICATION_EVENTS)}.")
    kind = notification_config.get("NotificationType")
    if kind is not None and kind not in NOTIFICATION_TYPES:
        raise InvalidNotificationConfig(f"NotificationType must be one of {', '.join(NOTIFICATION_TYPES)}.")


def start_command(backend, *, document_name, parameters, instance_ids=None, targets=None,
                  max_concurrency=DEFAULT_MAX_CONCURRENCY, max_errors=DEFAULT_MAX_ERRORS, timeout_seconds=None,
                  comment="", output_s3_bucket=None, output_s3_prefix=None, output_s3_region=None,
                  service_role_arn=None, notification_config=None, cloudwatch_output_config=None,
                  association_id=None, document_version=None, now=None):
    """Validate and start a command as SendCommand does; returns the Command (see get_command)."""
    document = docs.resolve_document(backend, document_name, document_version)
    if document.document_type != "Command":
        raise InvalidDocument(f"Document {document.name} is of type {document.document_type}: "
                              "Run Command runs Command documents only.")
    given_parameters = {name: ([values] if isinstance(values, str) else list(values))
                        for name, values in (parameters or {}).items()}
    resolved = docs.validate_parameters(document, given_parameters)
    if association_id and "AssociationId" in resolved and not resolved["AssociationId"]:
        resolved["AssociationId"] = association_id
    max_concurrency = _validate_rate(max_concurrency or DEFAULT_MAX_CONCURRENCY, "maxConcurrency",
                                     MAX_CONCURRENCY_PATTERN)
    max_errors = _validate_rate(DEFAULT_MAX_ERRORS if max_errors in (None, "") else max_errors, "maxErrors",
                                MAX_ERRORS_PATTERN)
    if timeout_seconds is None:
        timeout_seconds = DEFAULT_TIMEOUT_SECONDS
    if not 30 <= int(timeout_seconds) <= 2592000:
        raise _validation_error(timeout_seconds, "timeoutSeconds", "have value between 30 and 2592000")
    if comment and len(comment) > 100:
        raise _validation_error(comment, "comment", "have length less than or equal to 100")
    if output_s3_prefix and not output_s3_bucket:
        raise InvalidOutputFolder("OutputS3KeyPrefix needs OutputS3BucketName.")
    _validate_notification(service_role_arn, notification_config)
    if instance_ids and targets:
        raise ValidationException("Specify either InstanceIds or Targets, not both.")
    if not instance_ids and not targets:
        raise ValidationException("Specify InstanceIds or Targets.")
    if instance_ids:
        node_ids = _resolve_instance_ids(backend, list(instance_ids))
        platforms = document_platforms(document)
        unsupported = [node_id for node_id in node_ids
                       if get_managed_node(backend, node_id).platform_type not in platforms]
        if unsupported:
            raise UnsupportedPlatformType(
                f"The document {document.name} does not support the platform type of {', '.join(unsupported)}."
            )
    else:
        node_ids = resolve_targets(backend, targets)
        platforms = document_platforms(document)
        # Targets skip nodes whose platform the document cannot run on rather than failing the request.
        node_ids = [node_id for node_id in node_ids if get_managed_node(backend, node_id).platform_type in platforms]
    now = clock.now() if now is None else now
    command = Command(
        backend, command_id=str(uuid.uuid4()), document=document, parameters=resolved,
        given_parameters=given_parameters, instance_ids=instance_ids, targets=targets, node_ids=node_ids,
        max_concurrency=max_concurrency, max_errors=max_errors, timeout_seconds=int(timeout_seconds),
        comment=comment, output_s3_bucket=output_s3_bucket, output_s3_prefix=output_s3_prefix,
        output_s3_region=output_s3_region, service_role_arn=service_role_arn,
        notification_config=notification_config, cloudwatch_output_config=cloudwatch_output_config,
        association_id=association_id, requested=now,
    )
    store = _store(backend)
    with store.lock:
        command.advance(now)
        store.commands[command.command_id] = command
        if not command.finished:
            store.active[command.command_id] = command
    return command


def get_command(backend, command_id, now=None):
    """The command, advanced to now; InvalidCommandId if this backend never sent it."""
    advance_commands(backend, now)
    command = _store(backend).commands.get(command_id)
    if command is None:
        raise InvalidCommandId(f"Command {command_id} does not exist.")
    return command


def list_all_commands(backend, now=None):
    """Every command of the backend, advanced to now, newest first."""
    advance_commands(backend, now)
    return list(reversed(list(_store(backend).commands.values())))


def cancel_command(backend, command_id, instance_ids=None, now=None):
    command = get_command(backend, command_id, now)
    instance_ids = list(instance_ids or [])
    if len(set(instance_ids)) != len(instance_ids):
        raise DuplicateInstanceId("Instance Id is duplicated in the request.")
    for instance_id in instance_ids:
        if not ANY_NODE_ID.match(instance_id):
            raise InvalidInstanceId(f"Invalid instance id {instance_id}")
    store = _store(backend)
    with store.lock:
        command.cancel(instance_ids, clock.now() if now is None else now)
        if command.finished:
            store.active.pop(command_id, None)
    return command


# ---------------------------------------------------------------------------------------------
# API shapes


def _notification(command):
    config = command.notification_config or {}
    return {
        "NotificationArn": config.get("NotificationArn", ""),
        "NotificationEvents": list(config.get("NotificationEvents") or []),
        "NotificationType": config.get("NotificationType", ""),
    }


def _cloudwatch(command):
    config = command.cloudwatch_output_config or {}
    return {
        "CloudWatchLogGroupName": config.get("CloudWatchLogGroupName", ""),
        "CloudWatchOutputEnabled": bool(config.get("CloudWatchOutputEnabled", False)),
    }


def command_to_api(command):
    status, details = command.status_pair
    counts = command.counts
    return {
        "CommandId": command.command_id,
        "DocumentName": command.document_name,
        "DocumentVersion": command.document_version,
        "Comment": command.comment,
        "ExpiresAfter": _dt(command.expires_after),
        "Parameters": command.given_parameters,
        "InstanceIds": command.instance_ids,
        "Targets": command.targets,
        "RequestedDateTime": _dt(command.requested),
        "Status": status,
        "StatusDetails": details,
        "OutputS3Region": command.output_s3_region,
        "OutputS3BucketName": command.output_s3_bucket,
        "OutputS3KeyPrefix": command.output_s3_prefix,
        "MaxConcurrency": command.max_concurrency,
        "MaxErrors": command.max_errors,
        "TargetCount": command.target_count,
        "CompletedCount": counts["completed"],
        "ErrorCount": counts["errors"],
        "DeliveryTimedOutCount": counts["delivery_timed_out"],
        "ServiceRole": command.service_role_arn,
        "NotificationConfig": _notification(command),
        "CloudWatchOutputConfig": _cloudwatch(command),
        "TimeoutSeconds": command.timeout_seconds,
    }


def _placeholder_plugins(command, invocation):
    """Plugins of an invocation that has not run yet (or was never delivered): one per step, with the
    invocation's status."""
    # A plugin has no Delayed status (CommandPluginStatus): the step is still Pending.
    state = PENDING if invocation.state == DELAYED else invocation.state
    return [PluginResult(spec, state, -1, None, None) for spec in command.plugin_specs]


def invocation_plugins(command, invocation):
    return invocation.plugins if invocation.plugins is not None else _placeholder_plugins(command, invocation)


def _plugin_urls(command, invocation, plugin):
    if not command.output_s3_bucket or plugin.skipped or invocation.plugins is None:
        return "", ""
    return (s3_url(command, s3_key(command, invocation.instance_id, plugin.spec, "stdout")),
            s3_url(command, s3_key(command, invocation.instance_id, plugin.spec, "stderr")))


def plugin_to_api(command, invocation, plugin):
    stdout_url, stderr_url = _plugin_urls(command, invocation, plugin)
    item = {
        "Name": plugin.name,
        "Status": plugin.status,
        "StatusDetails": plugin.status_details,
        "ResponseCode": plugin.response_code,
        "Output": truncate_output(plugin.stdout, plugin.stderr),
        "StandardOutputUrl": stdout_url,
        "StandardErrorUrl": stderr_url,
        "OutputS3Region": command.output_s3_region,
        "OutputS3BucketName": command.output_s3_bucket,
        "OutputS3KeyPrefix": command.output_s3_prefix,
    }
    if plugin.start is not None:
        item["ResponseStartDateTime"] = _dt(plugin.start)
    if plugin.end is not None:
        item["ResponseFinishDateTime"] = _dt(plugin.end)
    return item


def _main_plugin(command, invocation):
    """The plugin whose output stands for the invocation: the only one, or the one that ran."""
    plugins = invocation_plugins(command, invocation)
    ran = [plugin for plugin in plugins if plugin is not None and not plugin.skipped]
    if len(plugins) == 1:
        return plugins[0]
    return ran[0] if len(ran) == 1 else None


def invocation_to_api(command, invocation, details=False):
    main = _main_plugin(command, invocation)
    stdout_url, stderr_url = _plugin_urls(command, invocation, main) if main is not None else ("", "")
    return {
        "CommandId": command.command_id,
        "InstanceId": invocation.instance_id,
        "InstanceName": invocation.instance_name,
        "Comment": command.comment,
        "DocumentName": command.document_name,
        "DocumentVersion": command.document_version,
        "RequestedDateTime": _dt(command.requested),
        "Status": invocation.status,
        "StatusDetails": invocation.status_details,
        "TraceOutput": "",
        "StandardOutputUrl": stdout_url,
        "StandardErrorUrl": stderr_url,
        "CommandPlugins": ([plugin_to_api(command, invocation, plugin)
                            for plugin in invocation_plugins(command, invocation)] if details else []),
        "ServiceRole": command.service_role_arn,
        "NotificationConfig": _notification(command),
        "CloudWatchOutputConfig": _cloudwatch(command),
    }


def _elapsed(start, end):
    if start is None or end is None:
        return ""
    return f"PT{max(0.0, end - start):.3f}S"


def get_invocation(backend, command_id, instance_id, plugin_name=None, now=None):
    """GetCommandInvocation's answer for one node (and one step of a multi-step document)."""
    command = get_command(backend, command_id, now)
    invocation = command.by_instance.get(instance_id)
    if invocation is None:
        raise InvocationDoesNotExist("An invocation for this instance does not exist.")
    plugins = invocation_plugins(command, invocation)
    names = [spec.name for spec in command.plugin_specs]
    if plugin_name is None:
        if len(names) > 1:
            raise InvalidPluginName(
                f"Document {command.document_name} has more than one step ({', '.join(names)}): name one in PluginName."
            )
        plugin = plugins[0] if plugins else None
    else:
        if plugin_name not in names:
            raise InvalidPluginName(f"The plugin name {plugin_name} is not valid.")
        plugin = plugins[names.index(plugin_name)]
    if plugin is None:
        plugin = PluginResult(command.plugin_specs[0], invocation.state, invocation.response_code)
    stdout_url, stderr_url = _plugin_urls(command, invocation, plugin)
    # The invocation-level status wins while the node has not run the document.
    status, details = ((invocation.status, invocation.status_details) if invocation.plugins is None
                       else (plugin.status, plugin.status_details))
    return {
        "CommandId": command.command_id,
        "InstanceId": invocation.instance_id,
        "Comment": command.comment,
        "DocumentName": command.document_name,
        "DocumentVersion": command.document_version,
        "PluginName": plugin.name,
        "ResponseCode": plugin.response_code if invocation.plugins is not None else invocation.response_code,
        "ExecutionStartDateTime": _iso(plugin.start if invocation.plugins is not None else invocation.start),
        "ExecutionElapsedTime": _elapsed(plugin.start, plugin.end),
        "ExecutionEndDateTime": _iso(plugin.end),
        "Status": status,
        "StatusDetails": details,
        "StandardOutputContent": plugin.stdout[:GET_STDOUT_LIMIT],
        "StandardOutputUrl": stdout_url,
        "StandardErrorContent": plugin.stderr[:GET_STDERR_LIMIT],
        "StandardErrorUrl": stderr_url,
        "CloudWatchOutputConfig": _cloudwatch(command),
    }


# ---------------------------------------------------------------------------------------------
# filters of ListCommands / ListCommandInvocations


def _parse_time(value):
    text = value.strip()
    try:
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidFilterValue(f"{value} is not a valid date and time (use ISO 8601, e.g. 2024-01-31T00:00:00Z).") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def compile_command_filters(filters, statuses):
    """Predicates over (command, invocation or None) for the CommandFilter list."""
    predicates = []
    for item in filters or []:
        key, value = item.get("key"), item.get("value")
        if key not in COMMAND_FILTER_KEYS:
            raise InvalidFilterKey(f"The filter key {key} is not valid.")
        if key == "InvokedAfter":
            after = _parse_time(value)
            predicates.append(lambda command, _inv, t=after: command.requested >= t)
        elif key == "InvokedBefore":
            before = _parse_time(value)
            predicates.append(lambda command, _inv, t=before: command.requested <= t)
        elif key == "Status":
            if value not in statuses:
                raise InvalidFilterValue(f"Status filter value {value} is not valid: use one of {', '.join(statuses)}.")
            predicates.append(lambda command, inv, s=value: (inv.status if inv is not None else command.status) == s)
        elif key == "ExecutionStage":
            if value not in ("Executing", "Complete"):
                raise InvalidFilterValue("ExecutionStage filter value must be Executing or Complete.")
            complete = value == "Complete"
            predicates.append(lambda command, inv, c=complete:
                              (inv.terminal if inv is not None
                               else command.counts["completed"] == command.target_count) == c)
        else:  # DocumentName
            predicates.append(lambda command, _inv, name=value: command.document_name == name)
    return predicates


# ---------------------------------------------------------------------------------------------
# SSM action handlers, handler(backend, params) -> output dict (the table is sandbox/ssm/actions.py)


# Actions answer under the command store's lock: another request may be advancing the same commands.
_locked = simulated_time.under_lock(_store)


@_locked
def send_command(backend, params):
    param = params.get
    command = start_command(
        backend,
        document_name=param("DocumentName"),
        document_version=param("DocumentVersion"),
        parameters=param("Parameters") or {},
        instance_ids=param("InstanceIds"),
        targets=param("Targets"),
        max_concurrency=param("MaxConcurrency") or DEFAULT_MAX_CONCURRENCY,
        max_errors=param("MaxErrors") if param("MaxErrors") is not None else DEFAULT_MAX_ERRORS,
        timeout_seconds=param("TimeoutSeconds"),
        comment=param("Comment") or "",
        output_s3_bucket=param("OutputS3BucketName"),
        output_s3_prefix=param("OutputS3KeyPrefix"),
        output_s3_region=param("OutputS3Region"),
        service_role_arn=param("ServiceRoleArn"),
        notification_config=param("NotificationConfig"),
        cloudwatch_output_config=param("CloudWatchOutputConfig"),
    )
    return {"Command": command_to_api(command)}


_PAGE = {"default": 50, "minimum": 1, "maximum": 50}


@_locked
def list_commands(backend, params):
    command_id = params.get("CommandId")
    instance_id = params.get("InstanceId")
    filters = params.get("Filters")
    predicates = compile_command_filters(filters, COMMAND_STATUSES)
    if command_id is not None:
        commands = [get_command(backend, command_id)]
    else:
        commands = list_all_commands(backend)
    if instance_id is not None:
        commands = [command for command in commands if instance_id in command.by_instance]
    commands = [command for command in commands if all(predicate(command, None) for predicate in predicates)]
    page, token = paginate(commands, params.get("MaxResults"), params.get("NextToken"), **_PAGE,
                           context={"c": command_id, "i": instance_id, "f": filters})
    result = {"Commands": [command_to_api(command) for command in page]}
    if token:
        result["NextToken"] = token
    return result


@_locked
def list_command_invocations(backend, params):
    command_id = params.get("CommandId")
    instance_id = params.get("InstanceId")
    filters = params.get("Filters")
    details = bool(params.get("Details", False))
    predicates = compile_command_filters(filters, INVOCATION_STATUSES)
    commands = [get_command(backend, command_id)] if command_id is not None else list_all_commands(backend)
    if command_id is not None and instance_id is None and not predicates:
        # The common case (one command, every node): page its invocation list itself, so a 50-row
        # page of a 10,000-node command costs 50 rows, not 10,000.
        page, token = paginate(commands[0].invocations, params.get("MaxResults"), params.get("NextToken"),
                               **_PAGE, context={"c": command_id, "i": instance_id, "f": filters, "d": details})
        result = {"CommandInvocations": [invocation_to_api(commands[0], invocation, details) for invocation in page]}
        if token:
            result["NextToken"] = token
        return result
    rows = []
    for command in commands:
        if instance_id is not None:
            invocation = command.by_instance.get(instance_id)
            candidates = [] if invocation is None else [invocation]
        else:
            candidates = command.invocations
        if predicates:
            candidates = [inv for inv in candidates if all(predicate(command, inv) for predicate in predicates)]
        rows.extend((command, invocation) for invocation in candidates)
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"), **_PAGE,
                           context={"c": command_id, "i": instance_id, "f": filters, "d": details})
    result = {"CommandInvocations": [invocation_to_api(command, invocation, details) for command, invocation in page]}
    if token:
        result["NextToken"] = token
    return result


@_locked
def get_command_invocation(backend, params):
    result = get_invocation(backend, params.get("CommandId"), params.get("InstanceId"),
                            params.get("PluginName"))
    return result


@_locked
def cancel_command_action(backend, params):
    cancel_command(backend, params.get("CommandId"), params.get("InstanceIds"))
    return {}


def install():
    simulated_time.register_advancer(advance_commands)
