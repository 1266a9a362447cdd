# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A window's tasks: the module's shape (a patching task by `operation`, or any task passed through by
`task_arn`), the RegisterTaskWithMaintenanceWindow request it makes, and back.

A patching task runs AWS-RunPatchBaseline, or AWS-RunPatchBaselineWithHooks when a hook is given, as
a RUN_COMMAND task with the same document parameters and checks as ssm_patch_run (``_patch_run``):
its document, parameters, hooks, override URLs, rate controls, S3 bucket and prefix, log group and
delivery timeout. It sends no SnapshotId: a window's execution supplies one to every node it patches.
Nothing here calls AWS.
"""

import copy

from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.targets import MAX_TEXT
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.targets import name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import HOOK_OPTIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import IAM_ROLE_ARN
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import RUN_PATCH_BASELINE
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import RUN_PATCH_BASELINE_WITH_HOOKS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import SNS_TOPIC_ARN
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import document_for
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import document_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import validate_run
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

PATCH_DOCUMENTS = (RUN_PATCH_BASELINE, RUN_PATCH_BASELINE_WITH_HOOKS)
# The options of a patching task (operation=...), which a task passed through by task_arn cannot take.
PATCH_OPTIONS = (
    "operation", "reboot_option", "pre_install_hook", "post_install_hook", "on_exit_hook", "install_override_list",
    "baseline_override", "output_s3_bucket", "output_s3_prefix", "output_s3_region", "cloudwatch_log_group",
    "notification", "timeout_seconds", "comment",
)
# What validate_run (ssm_patch_run's checks) knows of a task's options.
RUN_OPTIONS = (
    "operation", "pre_install_hook", "post_install_hook", "on_exit_hook", "install_override_list", "baseline_override",
    "output_s3_bucket", "output_s3_prefix", "cloudwatch_log_group", "max_concurrency", "max_errors", "timeout_seconds",
    "comment",
)
HOOKS = {"pre_install": "pre_install_hook", "post_install": "post_install_hook", "on_exit": "on_exit_hook"}
MAX_TASK_ARN_LENGTH = 1600
MAX_ALARM_NAME_LENGTH = 255
WINDOW_TARGET_IDS = "WindowTargetIds"


def _notification_errors(task, prefix):
    notification = task.get("notification")
    if notification is None:
        return []
    errors = []
    if not full_match(SNS_TOPIC_ARN, notification.get("topic_arn")):
        errors.append(f"{prefix}notification.topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), "
                      f"got {notification.get('topic_arn')!r}")
    role = notification.get("role_arn")
    if role is not None and not full_match(IAM_ROLE_ARN, role):
        errors.append(f"{prefix}notification.role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {role!r}")
    if role is None and task.get("service_role_arn") is None:
        errors.append(f"{prefix}notification needs notification.role_arn or service_role_arn: the role SSM assumes to publish to SNS")
    if not notification.get("events"):
        errors.append(f"{prefix}notification.events is empty: name at least one event, or leave it out for All")
    return errors


def _alarm_errors(task, prefix):
    alarms = (task.get("alarm_configuration") or {}).get("alarms")
    if task.get("alarm_configuration") is None:
        return []
    if not alarms:
        return [f"{prefix}alarm_configuration.alarms is empty: name the CloudWatch alarm, or leave alarm_configuration out"]
    if len(alarms) > 1:
        return [f"{prefix}alarm_configuration.alarms names {len(alarms)} alarms; a task takes one (the API's AlarmList holds 1)"]
    if blank(alarms[0]):
        return [f"{prefix}alarm_configuration.alarms[0] is blank"]
    if len(alarms[0]) > MAX_ALARM_NAME_LENGTH:
        return [f"{prefix}alarm_configuration.alarms[0] must be at most {MAX_ALARM_NAME_LENGTH} characters"]
    return []


def _kind_errors(task, prefix):
    errors = []
    if task.get("task_arn") is not None:
        if task.get("operation") is not None:
            return [f"{prefix}operation and {prefix}task_arn are exclusive: a patching task runs AWS-RunPatchBaseline itself"]
        if blank(task["task_arn"]):
            errors.append(f"{prefix}task_arn is blank")
        elif len(task["task_arn"]) > MAX_TASK_ARN_LENGTH:
            errors.append(f"{prefix}task_arn must be at most {MAX_TASK_ARN_LENGTH} characters")
        if task.get("task_type") is None:
            errors.append(f"{prefix}task_arn needs {prefix}task_type (RUN_COMMAND, AUTOMATION, STEP_FUNCTIONS or LAMBDA)")
        given = [option for option in PATCH_OPTIONS if task.get(option) is not None]
        if given:
            errors.append(f"{prefix}{given[0]} applies to patching tasks (operation) only; with task_arn, "
                          "give the task's parameters in task_invocation_parameters")
        return errors
    if task.get("operation") is None:
        return [f"{prefix[:-1]} needs operation (scan or install), or task_arn and task_type for another task"]
    if task.get("task_type") not in (None, "RUN_COMMAND"):
        errors.append(f"{prefix}task_type: a patching task is RUN_COMMAND, got {task['task_type']}")
    if task.get("task_invocation_parameters") is not None:
        errors.append(f"{prefix}task_invocation_parameters applies to tasks passed through by task_arn; "
                      "a patching task builds its own from its options")
    if task.get("output_s3_region") is not None:
        errors.append(f"{prefix}output_s3_region: a window's Run Command task takes no output region "
                      "(MaintenanceWindowRunCommandParameters has a bucket and a prefix only); leave it out")
    if task.get("output_s3_prefix") is not None and task.get("output_s3_bucket") is None:
        errors.append(f"{prefix}output_s3_prefix needs {prefix}output_s3_bucket")
    errors += [f"{prefix}{error}" for error in validate_run(dict((option, task.get(option)) for option in RUN_OPTIONS))]
    errors += _notification_errors(task, prefix)
    return errors


def task_errors(tasks, target_names):
    """Errors in the `tasks` option, each naming its path (`tasks[1].targets[0]`).

    `target_names` are the names a task may refer to: the window's targets after the task.
    """
    if tasks is None:
        return []
    errors = []
    names = [task.get("name") for task in tasks]
    for index, task in enumerate(tasks):
        prefix = f"tasks[{index}]."
        error = name_error(task.get("name"), f"{prefix}name")
        if error:
            errors.append(error)
        elif names.index(task["name"]) != index:
            errors.append(f"{prefix}name {task['name']} is used by another task of the list: names must be unique")
        targets = task.get("targets")
        if not targets:
            errors.append(f"{prefix}targets is empty: name at least one of the window's targets (a task without targets never means every node)")
        else:
            for position, target in enumerate(targets):
                if blank(target):
                    errors.append(f"{prefix}targets[{position}] is blank")
                elif target not in target_names:
                    known = ", ".join(sorted(target_names)) or "none"
                    errors.append(f"{prefix}targets[{position}] {target!r} is no target of the window (its targets: {known})")
            duplicates = sorted(set(target for target in targets if targets.count(target) > 1))
            if duplicates:
                errors.append(f"{prefix}targets names {', '.join(duplicates)} more than once")
        if task.get("priority") is not None and task["priority"] < 0:
            errors.append(f"{prefix}priority must be 0 or more, got {task['priority']}")
        for option in ("description",):
            value = task.get(option)
            if value is not None and blank(value):
                errors.append(f"{prefix}{option} is blank: give a value, or leave the option out")
            elif value is not None and len(value) > MAX_TEXT:
                errors.append(f"{prefix}{option} must be at most {MAX_TEXT} characters, got {len(value)}")
        role = task.get("service_role_arn")
        if role is not None and not full_match(IAM_ROLE_ARN, role):
            errors.append(f"{prefix}service_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {role!r}")
        errors += _alarm_errors(task, prefix)
        errors += _kind_errors(task, prefix)
    return errors


def hooks_of(task):
    return dict((hook, task.get(option)) for hook, option in HOOKS.items())


def run_command_parameters(task):
    """The RunCommand invocation parameters of a patching task."""
    hooks = hooks_of(task)
    parameters = document_parameters(task["operation"].capitalize(), None, task.get("reboot_option") or "RebootIfNeeded",
                                     task.get("install_override_list"), task.get("baseline_override"), hooks)
    run_command = {"Parameters": parameters}
    if task.get("output_s3_bucket"):
        run_command["OutputS3BucketName"] = task["output_s3_bucket"]
        if task.get("output_s3_prefix"):
            run_command["OutputS3KeyPrefix"] = task["output_s3_prefix"]
    if task.get("cloudwatch_log_group"):
        run_command["CloudWatchOutputConfig"] = {"CloudWatchLogGroupName": task["cloudwatch_log_group"], "CloudWatchOutputEnabled": True}
    notification = task.get("notification")
    if notification:
        run_command["ServiceRoleArn"] = notification.get("role_arn") or task.get("service_role_arn")
        run_command["NotificationConfig"] = {
            "NotificationArn": notification["topic_arn"],
            "NotificationEvents": list(notification.get("events") or ["All"]),
            "NotificationType": notification.get("type") or "Command",
        }
    if task.get("timeout_seconds") is not None:
        run_command["TimeoutSeconds"] = task["timeout_seconds"]
    if task.get("comment"):
        run_command["Comment"] = task["comment"]
    return {"RunCommand": run_command}


def desired_task(task, target_ids):
    """The API's members of a registered task (GetMaintenanceWindowTask's names). `target_ids` maps the
    window's target names to their WindowTargetId (None for a target not registered yet, in check mode)."""
    if task.get("task_arn") is not None:
        task_arn, task_type = task["task_arn"], task["task_type"]
        invocation = copy.deepcopy(task.get("task_invocation_parameters"))
    else:
        task_arn, task_type = document_for(hooks_of(task)), "RUN_COMMAND"
        invocation = run_command_parameters(task)
    alarms = task.get("alarm_configuration")
    return {
        "Name": task["name"],
        "Description": task.get("description"),
        "Priority": 1 if task.get("priority") is None else task["priority"],
        "TaskArn": task_arn,
        "TaskType": task_type,
        "Targets": [{"Key": WINDOW_TARGET_IDS, "Values": [target_ids.get(name) for name in task["targets"]]}],
        "ServiceRoleArn": task.get("service_role_arn"),
        "MaxConcurrency": task.get("max_concurrency"),
        "MaxErrors": task.get("max_errors"),
        "CutoffBehavior": task.get("cutoff_behavior") or "CONTINUE_TASK",
        "AlarmConfiguration": None if alarms is None else {
            "Alarms": [{"Name": name} for name in alarms["alarms"]],
            "IgnorePollAlarmFailure": bool(alarms.get("ignore_poll_alarm_failure")),
        },
        "TaskInvocationParameters": invocation,
    }


def _unset(value):
    # `is False`, not ==: a priority of 0 is a value.
    return value is None or value is False or (isinstance(value, (str, list, dict)) and not value)


def _pruned(value):
    """`value` without what AWS treats as unset (None, "", empty lists and dicts, false flags)."""
    if isinstance(value, dict):
        pruned = dict((key, _pruned(item)) for key, item in value.items())
        return dict((key, item) for key, item in pruned.items() if not _unset(item))
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


COMPARED_TASK_MEMBERS = ("Name", "Description", "Priority", "TaskArn", "TaskType", "Targets", "ServiceRoleArn", "MaxConcurrency",
                         "MaxErrors", "CutoffBehavior", "AlarmConfiguration", "TaskInvocationParameters")


def normalized_task(entry):
    """A task's members as compared: unset alike, the target ids and notification events as sets."""
    task = _pruned(dict((member, copy.deepcopy(entry.get(member))) for member in COMPARED_TASK_MEMBERS))
    task.setdefault("CutoffBehavior", "CONTINUE_TASK")
    task["Targets"] = sorted(({"Key": item.get("Key"), "Values": sorted(str(value) for value in item.get("Values") or [])}
                              for item in task.get("Targets") or []), key=lambda item: item["Key"])
    notification = (task.get("TaskInvocationParameters") or {}).get("RunCommand", {}).get("NotificationConfig")
    if notification and notification.get("NotificationEvents"):
        notification["NotificationEvents"] = sorted(notification["NotificationEvents"])
    return task


def task_differs(desired, current):
    """True when the registered task is not what is declared. A task declared without a service role
    takes the one AWS answers with (GetMaintenanceWindowTask shows the service-linked role
    AWSServiceRoleForAmazonSSM for a task registered without one: get-maintenance-window-task.rst)."""
    wanted, have = normalized_task(desired), normalized_task(current)
    if "ServiceRoleArn" not in wanted:
        have.pop("ServiceRoleArn", None)
    return wanted != have


def task_request(desired):
    """The members of a Register/UpdateMaintenanceWindowTask request (unset ones left out)."""
    return dict((member, value) for member, value in desired.items() if value is not None)


def _patching_options(run_command, task_arn):
    parameters = run_command.get("Parameters") or {}

    def first(name):
        values = parameters.get(name) or [None]
        return values[0]

    options = {
        "operation": (first("Operation") or "").lower() or None,
        "reboot_option": first("RebootOption"),
        "pre_install_hook": first("PreInstallHookDocName"),
        "post_install_hook": first("PostInstallHookDocName"),
        "on_exit_hook": first("OnExitHookDocName"),
        "install_override_list": first("InstallOverrideList"),
        "baseline_override": first("BaselineOverride"),
        "output_s3_bucket": run_command.get("OutputS3BucketName") or None,
        "output_s3_prefix": run_command.get("OutputS3KeyPrefix") or None,
        "cloudwatch_log_group": (run_command.get("CloudWatchOutputConfig") or {}).get("CloudWatchLogGroupName") or None,
        "timeout_seconds": run_command.get("TimeoutSeconds"),
        "comment": run_command.get("Comment") or None,
        "document": task_arn,
    }
    notification = run_command.get("NotificationConfig")
    options["notification"] = None if not notification else {
        "topic_arn": notification.get("NotificationArn"),
        "events": notification.get("NotificationEvents"),
        "type": notification.get("NotificationType"),
        "role_arn": run_command.get("ServiceRoleArn"),
    }
    return options


def task_to_ansible(entry, target_names):
    """A registered task (GetMaintenanceWindowTask) in the module's shape; `target_names` maps
    WindowTargetId to the target's name."""
    ids = [value for item in entry.get("Targets") or [] if item.get("Key") == WINDOW_TARGET_IDS for value in item.get("Values") or []]
    alarms = entry.get("AlarmConfiguration")
    result = {
        "name": entry.get("Name"),
        "window_task_id": entry.get("WindowTaskId"),
        "description": entry.get("Description") or None,
        "priority": entry.get("Priority"),
        "task_arn": entry.get("TaskArn"),
        "task_type": entry.get("TaskType") or entry.get("Type"),
        "targets": [target_names.get(target_id) or target_id for target_id in ids],
        "window_target_ids": ids,
        "service_role_arn": entry.get("ServiceRoleArn"),
        "max_concurrency": entry.get("MaxConcurrency"),
        "max_errors": entry.get("MaxErrors"),
        "cutoff_behavior": entry.get("CutoffBehavior") or "CONTINUE_TASK",
        "alarm_configuration": None if not alarms else {
            "alarms": [alarm.get("Name") for alarm in alarms.get("Alarms") or []],
            "ignore_poll_alarm_failure": bool(alarms.get("IgnorePollAlarmFailure")),
        },
        "task_invocation_parameters": entry.get("TaskInvocationParameters"),
    }
    run_command = (entry.get("TaskInvocationParameters") or {}).get("RunCommand")
    if result["task_type"] == "RUN_COMMAND" and entry.get("TaskArn") in PATCH_DOCUMENTS and run_command is not None:
        result.update(_patching_options(run_command, entry.get("TaskArn")))
    return result


def hook_documents(tasks):
    """(option path, document) of every hook the tasks name, to check that each exists before any write."""
    found = []
    for index, task in enumerate(tasks or []):
        for option in HOOK_OPTIONS:
            if task.get(option):
                found.append((f"tasks[{index}].{option}", task[option]))
    return found
