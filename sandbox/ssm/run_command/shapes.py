"""Commands and invocations as the API shows them (ListCommands, ListCommandInvocations,
GetCommandInvocation)."""

from sandbox.ssm.run_command.engine import get_command
from sandbox.ssm.run_command.model import (
    DELAYED, GET_STDERR_LIMIT, GET_STDOUT_LIMIT, PENDING, InvalidCommandId, InvalidPluginName, InvocationDoesNotExist,
    PluginResult, iso_time, utc_datetime,
)
from sandbox.ssm.run_command.output import s3_key, s3_url, truncate_output

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
        "ExpiresAfter": utc_datetime(command.expires_after),
        "Parameters": command.given_parameters,
        "InstanceIds": command.instance_ids,
        "Targets": command.targets,
        "RequestedDateTime": utc_datetime(command.requested),
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
        # The command's region even without a bucket: list-command-invocations.rst answers
        # OutputS3Region "us-east-2" with OutputS3BucketName "".
        "OutputS3Region": command.output_s3_region or command.backend.region_name,
        "OutputS3BucketName": command.output_s3_bucket,
        "OutputS3KeyPrefix": command.output_s3_prefix,
    }
    if plugin.start is not None:
        item["ResponseStartDateTime"] = utc_datetime(plugin.start)
    if plugin.end is not None:
        item["ResponseFinishDateTime"] = utc_datetime(plugin.end)
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
        "RequestedDateTime": utc_datetime(command.requested),
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
    try:
        command = get_command(backend, command_id, now)
    except InvalidCommandId as exc:
        # A command it does not know (or no longer keeps: 30 days) has no invocation: "The command ID
        # and managed node ID you specified didn't match any invocations" (API reference,
        # GetCommandInvocation, Errors; botocore's CommandExecuted waiter retries on this code).
        raise InvocationDoesNotExist("An invocation for this command and instance does not exist.") from exc
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
        "ExecutionStartDateTime": iso_time(plugin.start if invocation.plugins is not None else invocation.start),
        "ExecutionElapsedTime": _elapsed(plugin.start, plugin.end),
        "ExecutionEndDateTime": iso_time(plugin.end),
        "Status": status,
        "StatusDetails": details,
        "StandardOutputContent": plugin.stdout[:GET_STDOUT_LIMIT],
        "StandardOutputUrl": stdout_url,
        "StandardErrorContent": plugin.stderr[:GET_STDERR_LIMIT],
        "StandardErrorUrl": stderr_url,
        "CloudWatchOutputConfig": _cloudwatch(command),
    }

