"""The command engine: a Command's invocations moving through waves under the rate controls,
delivery to nodes (Delayed, Undeliverable, Delivery Timed Out), cancelling, and the per-backend store
advanced to the clock's now."""

import heapq
import re
import threading
import uuid
from collections import deque

from moto.ssm.exceptions import InvalidDocument

from sandbox.agent import clock
from sandbox.agent.managed_nodes import get_managed_node, update_managed_node
from sandbox.ssm import documents as docs
from sandbox.ssm.run_command.agent import agent_settings, patch_agent
from sandbox.ssm.run_command.model import (
    CANCELLED, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_ERRORS, DEFAULT_TIMEOUT_SECONDS, DELAYED, DELIVERY_TIMED_OUT,
    FAILED, IN_PROGRESS, NOT_STARTED, PENDING, SUCCESS, TERMINATED,
    UNDELIVERABLE, DuplicateInstanceId, InvalidCommandId, InvalidNotificationConfig, InvalidOutputFolder,
    InvalidRole, Invocation, PluginResult, UnsupportedPlatformType, utc_datetime,
)
from sandbox.ssm.run_command.output import write_output_to_s3
from sandbox.ssm.run_command.scripts import run_after_reboot, run_document
from sandbox.ssm.run_command.targets import (
    document_platforms, is_instance_ids_key, resolve_instance_ids, resolve_targets,
)
from sandbox.ssm.store import backend_state, existing_state
from sandbox.wire.errors import ValidationException

# The service model gives ServiceRoleArn and NotificationArn no pattern: these ARN checks are the service's.
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$")
# "Run Command stores the command history for 30 days" (User Guide, AWS Systems Manager Run Command):
# after that the command is gone from ListCommands, ListCommandInvocations and GetCommandInvocation.
HISTORY_SECONDS = 30 * 24 * 3600

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


class Command:
    """A sent command, its invocations and the simulation's bookkeeping."""

    def __init__(self, backend, *, command_id, document, parameters, given_parameters, instance_ids, targets,
                 node_ids, max_concurrency, max_errors, timeout_seconds, comment, output_s3_bucket,
                 output_s3_prefix, output_s3_region, service_role_arn, notification_config,
                 cloudwatch_output_config, association_id, requested, document_version=None):
        self.backend = backend
        self.command_id = command_id
        self.document = document
        self.document_name = document.name
        # What the request named, "" when it named none: send-command.rst Example 1 answers
        # DocumentVersion "" for a command sent without one, list-commands.rst Example 3 "1" for
        # commands sent with one (the console sends the version it shows).
        self.document_version = document_version or ""
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
        """Process every event up to `now`, in simulated-time order.

        What the request starts (the first wave's delivery, at the request's own instant) is seen
        only by a read after that instant: SendCommand answers the command Pending, as every
        send-command.rst example shows, and so does a read at the same frozen instant."""
        if self.finished or now <= self.requested:
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
        # CommandInvocation.InstanceName is "the fully qualified host name of the managed node" (API
        # reference), but list-command-invocations.rst answers "" for its two EC2 instances: the
        # sources disagree, so EC2 instances answer "" as AWS's output does and hybrid nodes their
        # host name as the reference describes (sandbox/tests/ssm/test_commands.py tests both).
        invocation.instance_name = (node.computer_name or "") if node.resource_type == "ManagedInstance" else ""
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
                patch_agent().finish_reboot(self.backend, node, now=utc_datetime(when))
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


class CommandStore:
    def __init__(self):
        self.lock = threading.RLock()
        self.commands = {}       # command id -> Command, in order sent
        self.active = {}         # command id -> Command not finished
        self.oldest = None       # the earliest request time among the commands kept


def command_store(backend):
    return backend_state(backend, "commands", CommandStore)


def _forget_expired(store, now):
    """Drop the commands older than Run Command keeps (HISTORY_SECONDS after their request)."""
    if store.oldest is None or now < store.oldest + HISTORY_SECONDS:
        return
    for command_id, command in list(store.commands.items()):
        if now >= command.requested + HISTORY_SECONDS:
            del store.commands[command_id]
            store.active.pop(command_id, None)
    store.oldest = min((command.requested for command in store.commands.values()), default=None)


def advance_commands(backend, now=None):
    """Advance every unfinished command of this backend to `now` (the sandbox's clock by default),
    and forget those Run Command no longer keeps."""
    store = existing_state(backend, "commands")
    if store is None or not store.commands:
        return
    now = clock.now() if now is None else now
    with store.lock:
        for command_id, command in list(store.active.items()):
            command.advance(now)
            if command.finished:
                del store.active[command_id]
        _forget_expired(store, now)


def _validate_notification(service_role_arn, notification_config):
    if service_role_arn and not ROLE_ARN.match(service_role_arn):
        raise InvalidRole(f"The role {service_role_arn} is not a valid IAM role ARN.")
    if not notification_config or not notification_config.get("NotificationArn"):
        return
    if not service_role_arn:
        raise InvalidRole("A ServiceRoleArn is required to send notifications to Amazon SNS.")
    if not SNS_ARN.match(notification_config["NotificationArn"]):
        raise InvalidNotificationConfig(f"{notification_config['NotificationArn']} is not a valid SNS topic ARN.")
    # NotificationEvents and NotificationType are enums of the service model, checked by the server.


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
    # Patterns, lengths and ranges (MaxConcurrency, MaxErrors, TimeoutSeconds, Comment) are the service
    # model's, checked by the server before any handler runs.
    max_concurrency = str(max_concurrency or DEFAULT_MAX_CONCURRENCY)
    max_errors = str(DEFAULT_MAX_ERRORS if max_errors in (None, "") else max_errors)
    if timeout_seconds is None:
        timeout_seconds = DEFAULT_TIMEOUT_SECONDS
    if output_s3_prefix and not output_s3_bucket:
        raise InvalidOutputFolder("OutputS3KeyPrefix needs OutputS3BucketName.")
    _validate_notification(service_role_arn, notification_config)
    if (targets and len(targets) == 1 and is_instance_ids_key(targets[0].get("Key"))
            and targets[0].get("Key") != "InstanceIds" and not instance_ids
            and "*" not in (targets[0].get("Values") or [])):
        # send-command.rst Example 1 sends Targets Key=instanceids and AWS answers the node in
        # InstanceIds, Targets []; list-commands.rst Example 3's Key=InstanceIds stays in Targets.
        instance_ids, targets = list(targets[0].get("Values") or []), None
    targets = _normalized_targets(targets)
    if instance_ids and targets:
        raise ValidationException("Specify either InstanceIds or Targets, not both.")
    if not instance_ids and not targets:
        raise ValidationException("Specify InstanceIds or Targets.")
    if instance_ids:
        node_ids = resolve_instance_ids(backend, list(instance_ids))
        platforms = document_platforms(document)
        unsupported = [node_id for node_id in node_ids
                       if get_managed_node(backend, node_id).platform_type not in platforms]
        if unsupported:
            raise UnsupportedPlatformType(
                f"The document {document.name} does not support the platform type of {', '.join(unsupported)}."
            )
    else:
        # InstanceIds=* is State Manager's (the API reference's Target): an association's run may.
        node_ids = resolve_targets(backend, targets, every_node_allowed=association_id is not None)
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
        association_id=association_id, requested=now, document_version=document_version,
    )
    store = command_store(backend)
    with store.lock:
        command.advance(now)
        store.commands[command.command_id] = command
        store.oldest = now if store.oldest is None else min(store.oldest, now)
        if not command.finished:
            store.active[command.command_id] = command
    return command


def _normalized_targets(targets):
    """Targets with a key `instanceids` in any case spelled InstanceIds, as AWS answers it."""
    if not targets:
        return targets
    return [dict(target, Key="InstanceIds") if is_instance_ids_key(target.get("Key")) else target
            for target in targets]


def get_command(backend, command_id, now=None):
    """The command, advanced to now; InvalidCommandId if this backend never sent it or no longer
    keeps it (ListCommands and ListCommandInvocations, Errors: "The specified command ID isn't valid")."""
    advance_commands(backend, now)
    command = command_store(backend).commands.get(command_id)
    if command is None:
        raise InvalidCommandId(f"Command {command_id} does not exist.")
    return command


def list_all_commands(backend, now=None):
    """Every command of the backend, advanced to now, newest first."""
    advance_commands(backend, now)
    return list(reversed(list(command_store(backend).commands.values())))


def cancel_command(backend, command_id, instance_ids=None, now=None):
    command = get_command(backend, command_id, now)
    instance_ids = list(instance_ids or [])
    if len(set(instance_ids)) != len(instance_ids):
        raise DuplicateInstanceId("Instance Id is duplicated in the request.")
    store = command_store(backend)
    with store.lock:
        command.cancel(instance_ids, clock.now() if now is None else now)
        if command.finished:
            store.active.pop(command_id, None)
    return command

