# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A recurring patching association: its options checked, the definition CreateAssociation and
UpdateAssociation take, and the comparison of a desired definition with the current one.

The targets, documents, document parameters and their checks are ssm_patch_run's
(``_patch_run.request``); what is the association's own is here. Nothing here calls AWS.
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_tags
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.schedule import schedule_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.schedule import schedule_kind
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import GUID
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import RUN_PATCH_BASELINE
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import RUN_PATCH_BASELINE_WITH_HOOKS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import command_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import document_for
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import document_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import validate_run
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import int_range_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import ssm_shape_pattern

PATCH_DOCUMENTS = (RUN_PATCH_BASELINE, RUN_PATCH_BASELINE_WITH_HOOKS)
TARGET_OPTIONS = ("instance_ids", "patch_groups", "target_tags", "resource_group", "all_instances")
HOOKS = {"pre_install": "pre_install_hook", "post_install": "post_install_hook", "on_exit": "on_exit_hook"}
# CreateAssociation's ScheduleOffset (1-6) and DescribeAssociationExecutions' MaxResults (1-50).
MIN_SCHEDULE_OFFSET, MAX_SCHEDULE_OFFSET = 1, 6
MAX_EXECUTIONS = 50
# A target takes at most 50 values (the SSM service model, TargetValues).
MAX_INSTANCE_IDS = 50
# The definition fields a task leaves as they are when it does not give the option (None).
KEPT_FIELDS = {
    "schedule": "ScheduleExpression",
    "schedule_offset": "ScheduleOffset",
    "max_concurrency": "MaxConcurrency",
    "max_errors": "MaxErrors",
    "compliance_severity": "ComplianceSeverity",
    "sync_compliance": "SyncCompliance",
}
# What UpdateAssociation is given: it resets every optional field it is not given (API reference,
# UpdateAssociation: "the system removes all optional parameters from the request and overwrites
# the association with null values for those parameters"), so every field is sent each time.
DEFINITION_FIELDS = (
    "Name", "AssociationName", "Targets", "Parameters", "ScheduleExpression", "ScheduleOffset", "ApplyOnlyAtCronInterval",
    "MaxConcurrency", "MaxErrors", "ComplianceSeverity", "SyncCompliance", "OutputLocation",
)
_NAME_PATTERN = []


def association_name_pattern():
    if not _NAME_PATTERN:
        _NAME_PATTERN.append(ssm_shape_pattern("AssociationName"))
    return _NAME_PATTERN[0]


def run_params(params):
    """The options as ssm_patch_run's checks and targets read them: the tag target is their `tags`."""
    run = {key: value for key, value in params.items() if key not in ("tags", "target_tags")}
    run["tags"] = params.get("target_tags")
    run["mechanism"] = "association"
    return run


def name_error(option, value):
    if value is not None and not full_match(association_name_pattern(), value):
        return f"{option} must be 3-128 of letters, digits, '_', '-' and '.', got {value!r}"
    return None


def validate_association(params):
    """Errors in ssm_patch_association's options that the argument spec cannot express, naming each option."""
    errors = [error for error in [name_error("name", params.get("name"))] if error]
    association_id = params.get("association_id")
    if association_id is not None and not full_match(GUID, association_id):
        errors.append(f"association_id must be an association id (a GUID such as 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e), got {association_id!r}")
    if params.get("state") == "absent":
        return errors
    given_targets = [option for option in TARGET_OPTIONS if params.get(option) is not None]
    if not given_targets:
        errors.append(f"state=present needs one target: one of {', '.join(TARGET_OPTIONS)}")
    errors += validate_run(run_params(params), tags_option="target_tags")
    if len(params.get("instance_ids") or []) > MAX_INSTANCE_IDS:
        errors.append(f"instance_ids names {len(params['instance_ids'])} nodes: an association's InstanceIds target takes at most "
                      f"{MAX_INSTANCE_IDS}; use patch_groups, target_tags or resource_group")
    schedule = params.get("schedule")
    if schedule is not None and not schedule.strip():
        errors.append("schedule is blank: give a cron(...) or rate(...) expression")
    else:
        errors += [error for error in [schedule_error("schedule", schedule)] if error]
    kind = schedule_kind(schedule)
    offset = params.get("schedule_offset")
    if offset is not None:
        range_error = int_range_error("schedule_offset", offset, MIN_SCHEDULE_OFFSET, MAX_SCHEDULE_OFFSET, "days")
        if range_error:
            errors.append(range_error)
        if kind == "rate":
            errors.append("schedule_offset applies to a cron schedule only, not to a rate")
        # User Guide, cron and rate reference: "To use offsets with associations, you must specify the
        # --apply-only-at-cron-interval option."
        if not params.get("apply_only_at_cron_interval"):
            errors.append("schedule_offset needs apply_only_at_cron_interval=true (State Manager offsets only runs at the cron interval)")
    # API reference, CreateAssociation ApplyOnlyAtCronInterval: "This parameter isn't supported for rate expressions."
    if params.get("apply_only_at_cron_interval") and kind == "rate":
        errors.append("apply_only_at_cron_interval applies to a cron schedule only, not to a rate")
    errors += validate_tags(params.get("tags"))
    return errors


def patch_group_key(keys_in_use, current_targets, patch_groups):
    """The tag key spelling the association targets its patch groups by: one association's Targets
    are ANDed, so it can name one of Patch Group and PatchGroup, never both.

    `keys_in_use`: the spellings the groups' nodes carry now. The current association's spelling is
    kept while it is one of them (or none is in use yet); with no node yet, Patch Group.
    Returns (key, error).
    """
    if len(set(keys_in_use)) > 1:
        return None, (f"patch_groups {list(patch_groups)!r}: their nodes carry both the Patch Group and the PatchGroup tag key; "
                      "an association's targets must all match, so it can target one spelling only: tag them alike, "
                      "or use one association per spelling with target_tags")
    candidates = [key for key in PATCH_GROUP_TAG_KEYS if key in keys_in_use] or list(PATCH_GROUP_TAG_KEYS)
    current = [target["Key"][len("tag:"):] for target in current_targets or []
               if target.get("Key", "").startswith("tag:") and sorted(target.get("Values") or []) == sorted(patch_groups)]
    for key in current:
        if key in candidates:
            return key, None
    return candidates[0], None


def association_targets(params, patch_group_key_in_use=None):
    """The Targets of the association (ssm_patch_run's, for its one association)."""
    keys = [patch_group_key_in_use] if patch_group_key_in_use else []
    return command_targets(run_params(params), keys)[0]


def hooks_of(params):
    return dict((hook, params.get(option)) for hook, option in HOOKS.items())


def output_location(params):
    if not params.get("output_s3_bucket"):
        return None
    location = {"OutputS3BucketName": params["output_s3_bucket"]}
    if params.get("output_s3_prefix"):
        location["OutputS3KeyPrefix"] = params["output_s3_prefix"]
    if params.get("output_s3_region"):
        location["OutputS3Region"] = params["output_s3_region"]
    return {"S3Location": location}


def desired_definition(params, targets, current=None):
    """The whole definition the task asks for. The document and its parameters are always the task's
    (operation, reboot_option, hooks, overrides: one left out is removed); the rate controls,
    schedule offset, compliance options and output location the task leaves out (None) are kept
    from `current` (its DescribeAssociation)."""
    hooks = hooks_of(params)
    definition = {
        "Name": document_for(hooks),
        "AssociationName": params["name"],
        "Targets": targets,
        "Parameters": document_parameters(params["operation"].capitalize(), None, params["reboot_option"],
                                          params.get("install_override_list"), params.get("baseline_override"), hooks),
        "ApplyOnlyAtCronInterval": bool(params.get("apply_only_at_cron_interval")),
    }
    current = current or {}
    for option, field in KEPT_FIELDS.items():
        value = params.get(option)
        if value is None:
            value = current.get(field)
        if value is not None:
            definition[field] = value
    location = output_location(params) or current.get("OutputLocation")
    if location:
        definition["OutputLocation"] = copy.deepcopy(location)
    return definition


def kept_schedule_errors(definition):
    """Errors of a definition whose schedule the task kept from the current association: the
    options that need a cron schedule (schedule_offset, apply_only_at_cron_interval) against a rate."""
    if schedule_kind(definition.get("ScheduleExpression")) != "rate":
        return []
    errors = []
    if definition.get("ScheduleOffset") is not None:
        errors.append(f"schedule_offset applies to a cron schedule only, and the association's schedule is {definition['ScheduleExpression']}")
    if definition.get("ApplyOnlyAtCronInterval"):
        errors.append(f"apply_only_at_cron_interval applies to a cron schedule only, and the association's schedule is {definition['ScheduleExpression']}")
    return errors


def _sorted_targets(targets):
    return sorted(({"Key": target.get("Key"), "Values": sorted(target.get("Values") or [])} for target in targets or []),
                  key=lambda target: target["Key"])


def normalized(definition):
    """A definition as compared: the fields UpdateAssociation takes, target values as sets (a target's
    values are alternatives), parameters as lists, defaults AWS fills in made explicit."""
    result = {field: copy.deepcopy(definition[field]) for field in DEFINITION_FIELDS if definition.get(field) is not None}
    result["Targets"] = _sorted_targets(result.get("Targets"))
    result["Parameters"] = dict((name, list(values) if isinstance(values, list) else [values])
                                for name, values in (result.get("Parameters") or {}).items())
    result["ApplyOnlyAtCronInterval"] = bool(result.get("ApplyOnlyAtCronInterval", False))
    result["SyncCompliance"] = result.get("SyncCompliance", "AUTO")
    if "ScheduleExpression" in result:
        result["ScheduleExpression"] = result["ScheduleExpression"].strip()
    if "ScheduleOffset" in result:
        result["ScheduleOffset"] = int(result["ScheduleOffset"])
    return result


def differences(desired, current):
    """The fields of the desired definition that differ from the current one, sorted.

    An output location the task gives without a region is not told apart from the same one with
    the region AWS may have filled in.
    """
    wanted, have = normalized(desired), normalized(current)
    wanted_s3 = (wanted.get("OutputLocation") or {}).get("S3Location") or {}
    have_s3 = (have.get("OutputLocation") or {}).get("S3Location")
    if have_s3 and "OutputS3Region" not in wanted_s3:
        have_s3.pop("OutputS3Region", None)
    return sorted(field for field in set(wanted) | set(have) if wanted.get(field) != have.get(field))


def update_request(association_id, desired):
    """UpdateAssociation's arguments: the whole definition (see DEFINITION_FIELDS)."""
    request = {field: copy.deepcopy(desired[field]) for field in DEFINITION_FIELDS if desired.get(field) is not None}
    request["AssociationId"] = association_id
    return request


def snake(item):
    """An API item in snake_case, its dates as ISO 8601 strings."""
    item = dict(item or {})
    item.pop("ResponseMetadata", None)
    result = camel_dict_to_snake_dict(item)
    for key, value in list(result.items()):
        if hasattr(value, "isoformat"):
            result[key] = value.isoformat()
    return result


def association_result(description, tags=None):
    """An AssociationDescription as the module returns it: snake_case, document parameters and tags as they are."""
    described = dict(description or {})
    parameters = described.pop("Parameters", None)
    result = snake(described)
    result["parameters"] = parameters or {}
    if tags is not None:
        result["tags"] = dict(tags)
    return result


def predicted(current, desired, association_id=None):
    """The AssociationDescription a create or an update would answer, for check mode and the diff."""
    prediction = copy.deepcopy(current or {})
    for field in DEFINITION_FIELDS:
        if desired.get(field) is not None:
            prediction[field] = copy.deepcopy(desired[field])
        else:
            prediction.pop(field, None)
    if association_id:
        prediction["AssociationId"] = association_id
    return prediction


def diff_view(result):
    """The part of a returned association that a task defines (no ids, dates or statuses), for the diff."""
    keys = ("name", "association_name", "targets", "parameters", "schedule_expression", "schedule_offset",
            "apply_only_at_cron_interval", "max_concurrency", "max_errors", "compliance_severity", "sync_compliance",
            "output_location", "tags")
    return dict((key, result[key]) for key in keys if key in (result or {}))


def execution_result(execution, targets=None):
    """One execution of an association, with each target node's status when they were read
    (`targets` None leaves the key out: an unread list is not an execution that targeted no node)."""
    row = snake(execution)
    if targets is not None:
        row["targets"] = [snake(target) for target in targets]
    return row
