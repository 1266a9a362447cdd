"""PutComplianceItems: compliance a caller registers on a managed node (moto has none; its own
handler answered HTTP 500). Stored with `sandbox.ssm.patch_states.put_compliance`, the store the
compliance listings (ListComplianceItems, ListResourceComplianceSummaries, ListComplianceSummaries)
read, so a custom type is listed beside Patch and Association.

What AWS documents (API reference, PutComplianceItems, and its error shapes in the botocore model):
* "ManagedInstance is currently the only supported resource type" (else InvalidResourceType); the
  resource is a managed node (else InvalidResourceId, "The resource ID isn't valid");
* COMPLETE (the default) "overwrites all existing compliance information for the resource" of the
  type: the items replace the type's earlier ones; PARTIAL "overwrites compliance information for a
  specific association" and "is only valid for association compliance": the items replace those with
  the same Id;
* ItemContentHash: "If the content hashes match, the request to put compliance information is
  ignored";
* "You can specify a maximum of 10 different types" of custom compliance
  (ComplianceTypeCountLimitExceededException).
The request's members, lengths and enums are checked against the model before this runs
(sandbox/wire/request_validation.py).
"""

import datetime

from moto.ssm.exceptions import SSMException

from sandbox.agent.managed_nodes import get_managed_node
from sandbox.ssm.patch_states import put_compliance, store
from sandbox.wire.errors import InvalidResourceId, InvalidResourceType, ValidationException

MAX_CUSTOM_TYPES = 10


class ComplianceTypeCountLimitExceededException(SSMException):
    code = "ComplianceTypeCountLimitExceededException"


def put_compliance_items(backend, params):
    resource_id, resource_type = params.get("ResourceId"), params.get("ResourceType")
    compliance_type = params.get("ComplianceType")
    if resource_type != "ManagedInstance":
        raise InvalidResourceType(f"The resource type {resource_type} isn't valid: ManagedInstance is the only "
                                  "supported resource type.")
    if get_managed_node(backend, resource_id) is None:
        raise InvalidResourceId(f"The resource ID {resource_id} isn't valid. Verify that you entered the correct "
                                "ID and try again.")
    partial = params.get("UploadType") == "PARTIAL"
    if partial and compliance_type != "Association":
        raise ValidationException("UploadType PARTIAL is only valid for association compliance.")
    state = store(backend)
    with state.lock:
        existing = state.compliance.get((resource_id, compliance_type))
        content_hash = params.get("ItemContentHash")
        if existing is not None and content_hash and getattr(existing, "item_content_hash", None) == content_hash:
            return {}
        custom = {kind for (_resource, kind) in state.compliance.keys_of(resource_id) if kind.startswith("Custom:")}
        if compliance_type.startswith("Custom:") and len(custom | {compliance_type}) > MAX_CUSTOM_TYPES:
            raise ComplianceTypeCountLimitExceededException(
                f"You specified too many custom compliance types. You can specify a maximum of {MAX_CUSTOM_TYPES} "
                "different types.")
    items = [_item(item) for item in params.get("Items") or []]
    if partial and existing is not None:
        replaced = {item.get("Id") for item in items}
        items = [item for item in existing.items() if item.get("Id") not in replaced] + items
    put_compliance(backend, resource_id, compliance_type, items, _execution_summary(params["ExecutionSummary"]))
    with state.lock:
        state.compliance[(resource_id, compliance_type)].item_content_hash = params.get("ItemContentHash")
    return {}


def _item(item):
    """A ComplianceItemEntry as ListComplianceItems gives it back (Id, Title, Status, Severity, Details)."""
    return {key: item[key] for key in ("Id", "Title", "Status", "Severity", "Details") if key in item}


def _execution_summary(summary):
    # The JSON protocol sends ExecutionTime as epoch seconds; the store keeps datetimes.
    when = datetime.datetime.fromtimestamp(float(summary["ExecutionTime"]), tz=datetime.timezone.utc)
    return {"ExecutionTime": when, **{key: summary[key] for key in ("ExecutionId", "ExecutionType") if key in summary}}
