# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic for patch baselines: the API's shape to the collection's, and back.

The collection's shape is the one users write in tasks (filters as a dict of key to values,
snake_case names), so a returned baseline can be compared with, or fed back into, a task's
parameters. Nothing here calls AWS.
"""

AWS_OWNED_BASELINE_PREFIX = "arn:"


def is_aws_owned(baseline_id):
    """AWS-owned (predefined) baselines are addressed by ARN; the account's own by `pb-` id."""
    return baseline_id.startswith(AWS_OWNED_BASELINE_PREFIX)


def matches_baseline_id(baseline_id, wanted):
    """True if `wanted` names this baseline: its id, or for an AWS-owned one the `pb-` part of its ARN."""
    return baseline_id == wanted or (is_aws_owned(baseline_id) and baseline_id.endswith("/" + wanted))


def baseline_arn(baseline_id, region, account_id, partition="aws"):
    if is_aws_owned(baseline_id):
        return baseline_id
    return f"arn:{partition}:ssm:{region}:{account_id}:patchbaseline/{baseline_id}"


def filters_to_dict(filter_group):
    """[{Key, Values}] (a PatchFilterGroup's PatchFilters) to {KEY: [values]}."""
    return {item["Key"]: list(item["Values"]) for item in (filter_group or {}).get("PatchFilters", [])}


def _rule_to_ansible(rule):
    return {
        "patch_filters": filters_to_dict(rule.get("PatchFilterGroup")),
        "approve_after_days": rule.get("ApproveAfterDays"),
        "approve_until_date": rule.get("ApproveUntilDate"),
        "compliance_level": rule.get("ComplianceLevel", "UNSPECIFIED"),
        "enable_non_security": rule.get("EnableNonSecurity", False),
    }


def _source_to_ansible(source):
    return {
        "name": source["Name"],
        "products": list(source["Products"]),
        "configuration": source["Configuration"],
    }


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def baseline_to_ansible(baseline, arn=None, tags=None, default_baseline=None):
    """A GetPatchBaseline result in the collection's shape (the modules' `patch_baseline`)."""
    baseline_id = baseline["BaselineId"]
    return {
        "baseline_id": baseline_id,
        "arn": arn,
        "name": baseline.get("Name"),
        "owner": "AWS" if is_aws_owned(baseline_id) else "Self",
        "operating_system": baseline.get("OperatingSystem"),
        "description": baseline.get("Description"),
        "approval_rules": [_rule_to_ansible(rule) for rule in (baseline.get("ApprovalRules") or {}).get("PatchRules", [])],
        "global_filters": filters_to_dict(baseline.get("GlobalFilters")),
        "approved_patches": list(baseline.get("ApprovedPatches", [])),
        "approved_patches_compliance_level": baseline.get("ApprovedPatchesComplianceLevel", "UNSPECIFIED"),
        "approved_patches_enable_non_security": baseline.get("ApprovedPatchesEnableNonSecurity", False),
        "rejected_patches": list(baseline.get("RejectedPatches", [])),
        "rejected_patches_action": baseline.get("RejectedPatchesAction", "ALLOW_AS_DEPENDENCY"),
        "sources": [_source_to_ansible(source) for source in baseline.get("Sources", [])],
        "available_security_updates_compliance_status": baseline.get("AvailableSecurityUpdatesComplianceStatus"),
        "patch_groups": sorted(baseline.get("PatchGroups", [])),
        "default_baseline": default_baseline,
        "tags": dict(tags or {}),
        "created_date": _iso(baseline.get("CreatedDate")),
        "modified_date": _iso(baseline.get("ModifiedDate")),
    }


def default_baselines_by_os(identities):
    """{OPERATING_SYSTEM: baseline id} from DescribePatchBaselines' DefaultBaseline flags."""
    return {item["OperatingSystem"]: item["BaselineId"] for item in identities if item.get("DefaultBaseline")}


def select_identities(identities, name=None, name_prefix=None, baseline_ids=None, owner="All"):
    """Baseline identities that pass the info module's filters, in the listing's order."""
    selected = []
    for item in identities:
        baseline_id = item["BaselineId"]
        if name is not None and item.get("BaselineName") != name:
            continue
        if name_prefix is not None and not item.get("BaselineName", "").startswith(name_prefix):
            continue
        if baseline_ids and not any(matches_baseline_id(baseline_id, wanted) for wanted in baseline_ids):
            continue
        if owner == "AWS" and not is_aws_owned(baseline_id):
            continue
        if owner == "Self" and is_aws_owned(baseline_id):
            continue
        selected.append(item)
    return selected
