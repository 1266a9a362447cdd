"""The checks of an association definition that the service model cannot express (the server's model
validator has already checked types, lengths, enums and patterns): the document and its parameters,
the targets resolving, the output location, tags, and the schedule options that go together."""

import copy
import re

from moto.ssm.exceptions import InvalidDocument

from sandbox.agent.managed_nodes import get_managed_node
from sandbox.ssm import documents as docs
from sandbox.ssm import run_command
from sandbox.ssm.associations.model import InvalidOutputLocation, InvalidTag, InvalidTarget
from sandbox.ssm.associations.schedule import InvalidSchedule, parse_schedule
from sandbox.ssm.patch_baselines import check_tag_count, validate_tag_list
from sandbox.wire.errors import InvalidInstanceId, ValidationException

def normalized_targets(targets):
    """Targets with the key `instanceids` in any case spelled InstanceIds: create-association.rst's
    Examples 2 and 3 send `Key=instanceids` and AWS answers `"Key": "InstanceIds"`."""
    return [dict(target, Key="InstanceIds") if str(target.get("Key", "")).lower() == "instanceids" else target
            for target in targets or []]


def _validate_targets(backend, targets):
    for target in targets:
        if not target.get("Values"):
            raise InvalidTarget(f"Target {target.get('Key')} needs at least one value.")
    try:
        # InstanceIds=* (every managed node) is State Manager's (API reference, Target).
        run_command.resolve_targets(backend, normalized_targets(targets), every_node_allowed=True)
    except (ValidationException, InvalidInstanceId) as exc:
        raise InvalidTarget(exc.message) from exc


def _validate_output_location(location):
    if location is None:
        return
    s3 = location.get("S3Location")
    if not s3 or not s3.get("OutputS3BucketName"):
        raise InvalidOutputLocation("The output location needs an S3Location with an OutputS3BucketName.")
    # The service model gives the bucket name and the region lengths only; their forms are the service's.
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", s3["OutputS3BucketName"]):
        raise InvalidOutputLocation(f"{s3['OutputS3BucketName']} is not a valid S3 bucket name.")
    region = s3.get("OutputS3Region")
    if region is not None and not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        raise InvalidOutputLocation(f"{region} is not a valid AWS Region.")


def validate_tags(tags):
    tags = validate_tag_list(tags or [])
    reserved = [key for key in tags if key.lower().startswith("aws:")]
    if reserved:
        raise InvalidTag(f"Tag keys starting with aws: are reserved: {', '.join(reserved)}.")
    check_tag_count({}, tags, "Association")
    return tags


def validate_config(backend, config, now):
    """Check a whole association definition; returns its parsed Schedule (or None)."""
    document = docs.resolve_document(backend, config["Name"], config.get("DocumentVersion"))
    if document.document_type != "Command":
        raise InvalidDocument(f"Document {document.name} is of type {document.document_type}: the sandbox's "
                              "associations run Command documents only.")
    docs.validate_parameters(document, config.get("Parameters") or {})
    instance_id, targets = config.get("InstanceId"), config.get("Targets")
    if instance_id and targets:
        raise InvalidTarget("Specify either InstanceId or Targets, not both.")
    if not instance_id and not targets:
        raise InvalidTarget("Specify the targets of the association (Targets or InstanceId).")
    platforms = run_command.document_platforms(document)
    if instance_id:
        node = get_managed_node(backend, instance_id)
        if node is None:
            raise InvalidInstanceId(f"Instance {instance_id} is not a managed node of account {backend.account_id}.")
        if node.platform_type not in platforms:
            raise run_command.UnsupportedPlatformType(
                f"The document {document.name} does not support the platform type of {instance_id}.")
    else:
        _validate_targets(backend, targets)
    _validate_output_location(config.get("OutputLocation"))
    expression = config.get("ScheduleExpression")
    schedule = parse_schedule(expression, now) if expression else None
    apply_only = bool(config.get("ApplyOnlyAtCronInterval"))
    # API reference, CreateAssociation.ApplyOnlyAtCronInterval: "This parameter isn't supported for
    # rate expressions"; create-association.rst Example 3 gives it with at(...) ("runs only once").
    if apply_only and (schedule is None or schedule.kind == "rate"):
        raise InvalidSchedule("ApplyOnlyAtCronInterval needs a cron or at ScheduleExpression (it is not supported "
                              "for rate expressions).")
    offset = config.get("ScheduleOffset")
    if offset is not None:
        if schedule is None or not schedule.is_cron or not apply_only:
            raise InvalidSchedule("ScheduleOffset needs a cron ScheduleExpression and ApplyOnlyAtCronInterval.")
        schedule.offset_days = int(offset)
    return schedule


_CONFIG_KEYS = ("Name", "DocumentVersion", "InstanceId", "Parameters", "Targets", "ScheduleExpression",
                "OutputLocation", "AssociationName", "AutomationTargetParameterName", "MaxErrors", "MaxConcurrency",
                "ComplianceSeverity", "SyncCompliance", "ApplyOnlyAtCronInterval", "CalendarNames", "ScheduleOffset",
                "Duration", "AlarmConfiguration", "AssociationDispatchAssumeRole")


def config_from(params):
    config = {key: copy.deepcopy(params[key]) for key in _CONFIG_KEYS if params.get(key) is not None}
    if "Parameters" in config:
        config["Parameters"] = {name: [values] if isinstance(values, str) else list(values)
                                for name, values in config["Parameters"].items()}
    if "Targets" in config:
        config["Targets"] = normalized_targets(config["Targets"])
    config.setdefault("SyncCompliance", "AUTO")
    config.setdefault("ApplyOnlyAtCronInterval", False)
    return config

