# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of a patch run before and while it runs: targets, documents and parameters, rate controls,
the checks of its options, and the polling delays.

Nothing here calls AWS; ssm_patch_run puts these pieces together with the calls in ssm.py.
"""

import math
import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.schedule import id_commands
from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import bucket_name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import int_range_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import region_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import ssm_shape_pattern

RUN_PATCH_BASELINE = "AWS-RunPatchBaseline"
RUN_PATCH_BASELINE_WITH_HOOKS = "AWS-RunPatchBaselineWithHooks"
# SendCommand takes at most 50 ids (in InstanceIds or one InstanceIds target).
IDS_PER_COMMAND = 50
GUID = re.compile(r"\A[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}\Z")
# InstallOverrideList and BaselineOverride: an https URL or an s3://bucket/key URL, no whitespace.
OVERRIDE_URL = re.compile(r"\A(?:https://[^\s/]+/\S*|s3://[^\s/]+/\S+)\Z")
# The API's own patterns (the SSM service model's shapes), whole-string; read from botocore when first
# needed, so importing this file needs no botocore.
API_PATTERN_SHAPES = {"max_concurrency": "MaxConcurrency", "max_errors": "MaxErrors", "document": "DocumentARN"}
_API_PATTERNS = {}


def api_pattern(name):
    if name not in _API_PATTERNS:
        _API_PATTERNS[name] = ssm_shape_pattern(API_PATTERN_SHAPES[name])
    return _API_PATTERNS[name]


MIN_DELIVERY_TIMEOUT, MAX_DELIVERY_TIMEOUT = 30, 2592000
PENDING_STATUSES = ("Pending", "InProgress", "Delayed", "Cancelling")


def patch_now_rate_controls(operation, node_count):
    """The console's Patch now defaults: (max_concurrency, max_errors) for the operation and fleet size."""
    if operation == "Scan":
        return "1000", "1000"
    if node_count < 25:
        return "1", "1"
    if node_count <= 100:
        return "5%", "5"
    if node_count <= 1000:
        return "8%", "10"
    return "10%", "10"


def allowed_errors(max_errors, node_count):
    """How many nodes may fail before the run fails, for MaxErrors as a count or a percentage."""
    if max_errors.endswith("%"):
        return math.floor(node_count * int(max_errors[:-1]) / 100)
    return int(max_errors)


def document_for(hooks):
    return RUN_PATCH_BASELINE_WITH_HOOKS if any(hooks.values()) else RUN_PATCH_BASELINE


def document_parameters(operation, snapshot_id, reboot_option, install_override_list=None, baseline_override=None, hooks=None):
    """The document parameters of a run, as SendCommand and CreateAssociation take them.

    No `snapshot_id` (None) sends no SnapshotId: a recurring association's runs then take the baseline
    as it is when they run, which is what a schedule is for, and a maintenance window task's execution
    supplies one.
    """
    parameters = {"Operation": [operation], "RebootOption": [reboot_option]}
    if snapshot_id is not None:
        parameters["SnapshotId"] = [snapshot_id]
    if hooks and any(hooks.values()):
        names = {"pre_install": "PreInstallHookDocName", "post_install": "PostInstallHookDocName", "on_exit": "OnExitHookDocName"}
        for hook, parameter in names.items():
            if hooks.get(hook):
                parameters[parameter] = [hooks[hook]]
        return parameters
    if install_override_list:
        parameters["InstallOverrideList"] = [install_override_list]
    if baseline_override:
        parameters["BaselineOverride"] = [baseline_override]
    return parameters


# The bounds of a wait: a task that waits longer than two days is no longer a wait (use wait=false
# and follow the returned ids); Python's clock and sleep overflow long before a bound like 10**10.
MAX_WAIT_SECONDS = 172800
# SSM InstanceId shape: i- with 8 or 17 word characters, or mi- with 17.
INSTANCE_ID = re.compile(r"\A(?:i-(?:\w{8}|\w{17})|mi-\w{17})\Z")
# Resource Groups GroupName shape.
RESOURCE_GROUP_NAME = re.compile(r"\A(?:[a-zA-Z0-9_.-]{1,300})\Z")
# CloudWatch Logs LogGroupName shape (SSM's CloudWatchLogGroupName has only its length, 1-512).
LOG_GROUP_NAME = re.compile(r"\A[.\-_/#A-Za-z0-9]{1,512}\Z")
# SNS topic names: 1-256 letters, digits, hyphens and underscores (.fifo for a FIFO topic).
SNS_TOPIC_ARN = re.compile(r"\Aarn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?\Z")
# IAM role ARNs: an optional path, then a name of 1-64 of letters, digits and +=,.@_-.
IAM_ROLE_ARN = re.compile(r"\Aarn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}\Z")
MAX_PATCH_GROUP_LENGTH = 256
MAX_S3_PREFIX_LENGTH = 500
MAX_COMMENT_LENGTH = 100
RATE_CONTROL_MAX_LENGTH = 7
TARGET_OPTIONS = ("instance_ids", "patch_groups", "tags", "resource_group", "all_instances")
STRING_OPTIONS = (
    "resource_group", "pre_install_hook", "post_install_hook", "on_exit_hook", "snapshot_id",
    "install_override_list", "baseline_override", "output_s3_bucket", "output_s3_prefix", "output_s3_region",
    "cloudwatch_log_group", "max_concurrency", "max_errors", "comment",
)
HOOK_OPTIONS = ("pre_install_hook", "post_install_hook", "on_exit_hook")
# CreateAssociation has no CloudWatch output, notifications, comment or delivery timeout.
COMMAND_ONLY_OPTIONS = ("cloudwatch_log_group", "notification", "comment", "timeout_seconds")


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def target_errors(params, tags_option="tags"):
    """Errors in the targets: nothing ("[]", "", "{}", a blank element) never means every node.

    `params["tags"]` is the tag target; `tags_option` is the name the module gives it in messages
    (ssm_patch_association's is target_tags, its tags being the association's own).
    """
    errors = []
    instance_ids = params.get("instance_ids")
    if instance_ids is not None:
        if not instance_ids:
            errors.append("instance_ids is empty: name at least one managed node, or use all_instances=true to target every node")
        for index, node_id in enumerate(instance_ids):
            if _blank(node_id):
                errors.append(f"instance_ids[{index}] is blank")
            elif not full_match(INSTANCE_ID, node_id):
                errors.append(f"instance_ids[{index}] must be a managed node id (i- and 8 or 17 characters, or mi- and 17), got {node_id!r}")
        duplicates = sorted(set(node_id for node_id in instance_ids if instance_ids.count(node_id) > 1 and not _blank(node_id)))
        if duplicates:
            errors.append(f"instance_ids names {', '.join(duplicates)} more than once")
    patch_groups = params.get("patch_groups")
    if patch_groups is not None:
        if not patch_groups:
            errors.append("patch_groups is empty: name at least one patch group, or use all_instances=true to target every node")
        for index, group in enumerate(patch_groups):
            if _blank(group):
                errors.append(f"patch_groups[{index}] is blank")
            elif len(group) > MAX_PATCH_GROUP_LENGTH:
                errors.append(f"patch_groups[{index}] must be at most {MAX_PATCH_GROUP_LENGTH} characters")
    tags = params.get("tags")
    if tags is not None:
        if not tags:
            errors.append(f"{tags_option} is empty: name at least one tag, or use all_instances=true to target every node")
        if len(tags) > 5:
            errors.append(f"{tags_option} may name at most 5 tag keys (a command or an association takes 5 targets)")
        for key, values in tags.items():
            if _blank(key):
                errors.append(f"{tags_option} has a blank key {key!r}")
                continue
            listed = values if isinstance(values, list) else [values]
            if not listed:
                errors.append(f"{tags_option}.{key} has no value: give at least one")
            for index, value in enumerate(listed):
                if isinstance(value, (dict, list)):
                    errors.append(f"{tags_option}.{key} must be a value or a list of values, got {value!r}")
                elif _blank(value if value is None else str(value)):
                    errors.append(f"{tags_option}.{key}" + (f"[{index}]" if isinstance(values, list) else "") + " is blank")
    group = params.get("resource_group")
    if group is not None:
        if _blank(group):
            errors.append("resource_group is blank: name a resource group, or use all_instances=true to target every node")
        elif not full_match(RESOURCE_GROUP_NAME, group):
            errors.append(f"resource_group must be a resource group name (1-300 of letters, digits, '_', '.' and '-'), got {group!r}")
    if params.get("all_instances") is False:
        errors.append(f"all_instances must be true when given; choose targets with instance_ids, patch_groups, {tags_option} or resource_group")
    return errors


def validate_run(params, tags_option="tags"):
    """Errors in a run's parameters that the argument spec cannot express, naming the parameter
    (`tags_option`: what the module calls its tag target, see target_errors)."""
    errors = target_errors(params, tags_option)
    errors += [f"{option} is blank: give a value, or leave the option out" for option in STRING_OPTIONS
               if option != "resource_group" and params.get(option) is not None and _blank(params[option])]

    def given(option):
        return params.get(option) is not None and not _blank(params[option])

    if given("snapshot_id") and not full_match(GUID, params["snapshot_id"]):
        errors.append(f"snapshot_id must be a GUID such as 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e, got {params['snapshot_id']!r}")
    for option in ("install_override_list", "baseline_override"):
        if given(option) and not full_match(OVERRIDE_URL, params[option]):
            errors.append(f"{option} must be an https:// or s3://bucket/key URL, got {params[option]!r}")
    for option in HOOK_OPTIONS:
        if given(option) and not full_match(api_pattern("document"), params[option]):
            errors.append(f"{option} must be an SSM document name or ARN (3-128 of letters, digits, '_', '-', '.', ':' and '/'), got {params[option]!r}")
    hooks = [option for option in HOOK_OPTIONS if given(option)]
    if hooks and (params.get("install_override_list") or params.get("baseline_override")):
        errors.append(f"{hooks[0]} runs AWS-RunPatchBaselineWithHooks, which takes no install_override_list or baseline_override")
    if hooks and params.get("operation") == "scan":
        errors.append(f"{hooks[0]} applies to operation=install only")
    for option, example in (("max_concurrency", "10%"), ("max_errors", "5%")):
        value = params.get(option)
        if given(option) and (len(value) > RATE_CONTROL_MAX_LENGTH or not full_match(api_pattern(option), value)):
            errors.append(f"{option} must be a number of nodes (at most {RATE_CONTROL_MAX_LENGTH} digits) or a percentage such as {example}, got {value!r}")
    timeout = params.get("timeout_seconds")
    if timeout is not None and not MIN_DELIVERY_TIMEOUT <= timeout <= MAX_DELIVERY_TIMEOUT:
        errors.append(f"timeout_seconds must be {MIN_DELIVERY_TIMEOUT}-{MAX_DELIVERY_TIMEOUT}, got {timeout}")
    for option in ("wait_timeout", "execution_timeout"):
        error = int_range_error(option, params.get(option), 1, MAX_WAIT_SECONDS, "seconds")
        if error:
            errors.append(error)
    if params.get("execution_timeout") is not None and params.get("wait") is False:
        errors.append("execution_timeout needs wait=true: the module enforces it while it waits")
    if params.get("comment") is not None and len(params["comment"]) > MAX_COMMENT_LENGTH:
        errors.append(f"comment must be at most {MAX_COMMENT_LENGTH} characters, got {len(params['comment'])}")
    if given("output_s3_bucket"):
        errors += [error for error in [bucket_name_error("output_s3_bucket", params["output_s3_bucket"])] if error]
    if given("output_s3_region"):
        errors += [error for error in [region_error("output_s3_region", params["output_s3_region"])] if error]
    if given("output_s3_prefix") and len(params["output_s3_prefix"]) > MAX_S3_PREFIX_LENGTH:
        errors.append(f"output_s3_prefix must be at most {MAX_S3_PREFIX_LENGTH} characters")
    if given("cloudwatch_log_group") and not full_match(LOG_GROUP_NAME, params["cloudwatch_log_group"]):
        errors.append("cloudwatch_log_group must be a CloudWatch Logs group name (1-512 of letters, digits, "
                      f"'.', '-', '_', '/' and '#'), got {params['cloudwatch_log_group']!r}")
    notification = params.get("notification")
    if notification:
        if not full_match(SNS_TOPIC_ARN, notification.get("topic_arn")):
            errors.append(f"notification.topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got {notification.get('topic_arn')!r}")
        if not full_match(IAM_ROLE_ARN, notification.get("role_arn")):
            errors.append(f"notification.role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {notification.get('role_arn')!r}")
        if not notification.get("events"):
            errors.append("notification.events is empty: name at least one event, or leave it out for All")
    if params.get("mechanism") == "association":
        errors += [f"{option} applies to mechanism=command only" for option in COMMAND_ONLY_OPTIONS if params.get(option) is not None]
    return errors


def command_targets(params, patch_group_keys_in_use, node_ids=()):
    """The Targets of each command a run sends (one list per command), or of its one association.

    Explicit ids go 50 to a command. Patch groups are targeted by tag, once per tag key spelling in
    use, because targets with different keys must all match (AND), not either. Every node
    (all_instances): the association targets `InstanceIds=*`, as the console's Patch now does; Run
    Command takes no `*` (the API reference's Target page lists it for State Manager, Automation and
    Change Manager only), so the commands name the listed nodes, `node_ids`, 50 to a command.
    """
    if params.get("instance_ids"):
        return id_commands(params["instance_ids"], IDS_PER_COMMAND)
    if params.get("patch_groups"):
        return [[{"Key": f"tag:{key}", "Values": list(params["patch_groups"])}] for key in patch_group_keys_in_use]
    if params.get("tags"):
        return [[{"Key": f"tag:{key}", "Values": _as_list(values)} for key, values in params["tags"].items()]]
    if params.get("resource_group"):
        return [[{"Key": "resource-groups:Name", "Values": [params["resource_group"]]}]]
    if params.get("mechanism") == "association":
        return [[{"Key": "InstanceIds", "Values": ["*"]}]]
    return id_commands(sorted(node_ids), IDS_PER_COMMAND)


def node_filters(params):
    """DescribeInstanceInformation filter lists that find the nodes a run targets (one listing each)."""
    if params.get("instance_ids"):
        return [[{"Key": "InstanceIds", "Values": batch}] for batch in chunks(params["instance_ids"], IDS_PER_COMMAND)]
    if params.get("patch_groups"):
        # One listing per group and tag spelling, so a group no node is in can be named.
        return [[{"Key": f"tag:{key}", "Values": [group]}] for group in params["patch_groups"] for key in PATCH_GROUP_TAG_KEYS]
    if params.get("tags"):
        return [[{"Key": f"tag:{key}", "Values": _as_list(values)} for key, values in params["tags"].items()]]
    return [[]]


def _as_list(value):
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def poll_delays(initial=2.0, factor=1.5, maximum=30.0):
    """Seconds between polls: short at first, when small runs finish, then backing off."""
    delay = initial
    while True:
        yield delay
        delay = min(delay * factor, maximum)


def node_ids_of_arns(arns):
    """Managed node ids of EC2 instance (instance/i-...) and hybrid node (managed-instance/mi-...) ARNs, in order."""
    ids = []
    for arn in arns:
        resource = arn.split(":", 5)[-1]
        kind, node_id = resource.partition("/")[::2]
        if kind in ("instance", "managed-instance") and node_id and node_id not in ids:
            ids.append(node_id)
    return ids


def describe_targets(params):
    """The targets as the user wrote them, for messages."""
    for option in ("instance_ids", "patch_groups", "tags", "resource_group"):
        if params.get(option):
            return f"{option} {params[option]!r}" if option != "resource_group" else f"resource_group {params[option]}"
    return "all_instances"
