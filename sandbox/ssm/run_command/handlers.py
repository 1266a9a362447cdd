"""The Run Command actions, handler(backend, params) -> output dict (the table is sandbox/ssm/actions.py),
and the filters of ListCommands / ListCommandInvocations."""

import datetime

from moto.ssm.exceptions import InvalidFilterValue

from sandbox.ssm import simulated_time
from sandbox.ssm.run_command.engine import cancel_command, command_store, get_command, list_all_commands, start_command
from sandbox.ssm.run_command.model import (
    COMMAND_STATUSES, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_ERRORS, INVOCATION_STATUSES,
)
from sandbox.ssm.run_command.shapes import command_to_api, get_invocation, invocation_to_api
from sandbox.wire.paging import paginate

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
        # The key is an enum of the service model (CommandFilterKey), checked by the server.
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
_locked = simulated_time.under_lock(command_store)


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

