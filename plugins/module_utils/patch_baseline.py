# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic for patch baselines: the API's shape to the collection's, and back.

The collection's shape is the one users write in tasks (filters as a dict of key to values,
snake_case names), so a returned baseline can be compared with, or fed back into, a task's
parameters. Nothing here calls AWS.
"""

import datetime
import re

AWS_OWNED_BASELINE_PREFIX = "arn:"


def is_aws_owned(baseline_id):
    """AWS-owned (predefined) baselines are addressed by ARN; the account's own by `pb-` id."""
    return bool(baseline_id) and baseline_id.startswith(AWS_OWNED_BASELINE_PREFIX)


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


# --------------------------------------------------------------------------------------------------
# The collection's shape from a task's parameters, validation, comparison, and the API's shape back.

# The console shows "All" where the API takes "*" (and rejects "All").
CONSOLE_ALL = "All"

RPM_SYSTEMS = (
    "AMAZON_LINUX", "AMAZON_LINUX_2", "AMAZON_LINUX_2022", "AMAZON_LINUX_2023", "CENTOS",
    "ORACLE_LINUX", "REDHAT_ENTERPRISE_LINUX", "ROCKY_LINUX", "ALMA_LINUX", "SUSE",
)
DEBIAN_SYSTEMS = ("DEBIAN", "UBUNTU", "RASPBIAN")
_RPM_RULE_KEYS = ("PRODUCT", "CLASSIFICATION", "SEVERITY")
_RPM_GLOBAL_KEYS = _RPM_RULE_KEYS + (
    "NAME", "ARCH", "REPOSITORY", "ADVISORY_ID", "CVE_ID", "BUGZILLA_ID", "EPOCH", "VERSION", "RELEASE", "SECURITY",
)
_DEBIAN_KEYS = ("PRODUCT", "PRIORITY", "SECTION")
_WINDOWS_KEYS = ("PRODUCT", "PRODUCT_FAMILY", "CLASSIFICATION", "MSRC_SEVERITY", "PATCH_SET", "PATCH_ID")

# Filter keys each operating system accepts in approval rules, and in global filters.
RULE_FILTER_KEYS = dict(
    [(system, _RPM_RULE_KEYS) for system in RPM_SYSTEMS]
    + [(system, _DEBIAN_KEYS) for system in DEBIAN_SYSTEMS]
    + [("MACOS", ("PRODUCT", "CLASSIFICATION")), ("WINDOWS", _WINDOWS_KEYS)]
)
GLOBAL_FILTER_KEYS = dict(RULE_FILTER_KEYS, **dict((system, _RPM_GLOBAL_KEYS) for system in RPM_SYSTEMS))

# Non-security updates and alternative sources exist only where packages come from repositories.
NON_LINUX_SYSTEMS = ("WINDOWS", "MACOS")

BASELINE_NAME_PATTERN = r"^[a-zA-Z0-9_\-.]{3,128}$"
SOURCE_NAME_PATTERN = r"^[a-zA-Z0-9_\-.]{3,50}$"
MAX_APPROVAL_RULES = 10
MAX_FILTERS = 4
MAX_FILTER_VALUES = 20
MAX_FILTER_VALUE_LENGTH = 64
MAX_PATCHES = 50
MAX_PATCH_NAME_LENGTH = 100
MAX_SOURCES = 20
MAX_APPROVE_AFTER_DAYS = 360

# Fields a task can set, with the value AWS gives a baseline that was not told otherwise.
FIELD_DEFAULTS = {
    "description": None,
    "approval_rules": [],
    "global_filters": {},
    "approved_patches": [],
    "approved_patches_compliance_level": "UNSPECIFIED",
    "approved_patches_enable_non_security": False,
    "rejected_patches": [],
    "rejected_patches_action": "ALLOW_AS_DEPENDENCY",
    "sources": [],
    "available_security_updates_compliance_status": None,
}
# Lists AWS treats as sets: their order never makes a change.
UNORDERED_FIELDS = ("approved_patches", "rejected_patches")


def normalize_filters(filters):
    """A task's {KEY: values} (a value or a list) with the console's "All" turned into "*"."""
    normalized = {}
    for key, values in (filters or {}).items():
        if not isinstance(values, list):
            values = [values]
        normalized[key] = ["*" if value == CONSOLE_ALL else value for value in values]
    return normalized


def _normalize_rule(rule):
    return {
        "patch_filters": normalize_filters(rule.get("patch_filters")),
        "approve_after_days": rule.get("approve_after_days"),
        "approve_until_date": rule.get("approve_until_date"),
        "compliance_level": rule.get("compliance_level") or "UNSPECIFIED",
        "enable_non_security": bool(rule.get("enable_non_security")),
    }


def desired_fields(params):
    """The fields a task sets (the options it gives), in the collection's shape."""
    desired = {}
    for field in FIELD_DEFAULTS:
        value = params.get(field)
        if value is None:
            continue
        if field == "approval_rules":
            value = [_normalize_rule(rule) for rule in value]
        elif field == "global_filters":
            value = normalize_filters(value)
        elif field == "sources":
            value = [_source_to_collection(source) for source in value]
        desired[field] = value
    return desired


def _source_to_collection(source):
    return {"name": source["name"], "products": list(source["products"]), "configuration": source["configuration"]}


def _check_filters(errors, filters, path, allowed_keys, operating_system):
    if len(filters) > MAX_FILTERS:
        errors.append(f"{path} has {len(filters)} filters; at most {MAX_FILTERS} are allowed")
    for key, values in filters.items():
        if allowed_keys is not None and key not in allowed_keys:
            errors.append(
                f"{path}.{key} is not a filter key for {operating_system}; valid keys: {', '.join(allowed_keys)}"
            )
        if not 1 <= len(values) <= MAX_FILTER_VALUES:
            errors.append(f"{path}.{key} must have 1 to {MAX_FILTER_VALUES} values, got {len(values)}")
        for value in values:
            if not isinstance(value, str) or not 1 <= len(value) <= MAX_FILTER_VALUE_LENGTH:
                errors.append(f"{path}.{key} values must be strings of 1 to {MAX_FILTER_VALUE_LENGTH} characters, got {value!r}")


def _check_date(errors, value, path):
    try:
        datetime.datetime.strptime(value, "%Y-%m-%d")
        valid = len(value) == 10
    except (TypeError, ValueError):
        valid = False
    if not valid:
        errors.append(f"{path} must be a date written YYYY-MM-DD, got {value!r}")


def _check_rule(errors, rule, path, operating_system):
    allowed = RULE_FILTER_KEYS.get(operating_system)
    _check_filters(errors, rule["patch_filters"], f"{path}.patch_filters", allowed, operating_system)
    days, until = rule["approve_after_days"], rule["approve_until_date"]
    if days is not None and not 0 <= days <= MAX_APPROVE_AFTER_DAYS:
        errors.append(f"{path}.approve_after_days must be 0-{MAX_APPROVE_AFTER_DAYS}, got {days}")
    if until is not None:
        _check_date(errors, until, f"{path}.approve_until_date")
    if operating_system in DEBIAN_SYSTEMS:
        if days is not None or until is not None:
            errors.append(
                f"{path}: {operating_system} approves patches as soon as they are released; "
                "set neither approve_after_days nor approve_until_date"
            )
    elif operating_system is not None:
        if days is not None and until is not None:
            errors.append(f"{path}: set approve_after_days or approve_until_date, not both")
        elif days is None and until is None:
            errors.append(f"{path}: set approve_after_days or approve_until_date")
    if rule["enable_non_security"] and operating_system in NON_LINUX_SYSTEMS:
        errors.append(f"{path}.enable_non_security is for Linux baselines only, not {operating_system}")


def _check_patch_list(errors, patches, path):
    if len(patches) > MAX_PATCHES:
        errors.append(f"{path} has {len(patches)} patches; at most {MAX_PATCHES} are allowed")
    for patch in patches:
        if not 1 <= len(patch) <= MAX_PATCH_NAME_LENGTH:
            errors.append(f"{path} entries must be 1 to {MAX_PATCH_NAME_LENGTH} characters, got {patch!r}")


def validate_name(name):
    if name is not None and not re.match(BASELINE_NAME_PATTERN, name):
        return [f"name must be 3 to 128 letters, digits, '_', '-' or '.', got {name!r}"]
    return []


def validate_fields(desired, operating_system, operating_systems):
    """Every error in a task's baseline fields, each naming the parameter path.

    `operating_system` is the baseline's (given, or the existing baseline's); `operating_systems`
    the API's accepted values.
    """
    errors = []
    if operating_system is not None and operating_system not in operating_systems:
        errors.append(f"operating_system must be one of {', '.join(operating_systems)}, got {operating_system!r}")
        operating_system = None
    linux = operating_system not in NON_LINUX_SYSTEMS
    description = desired.get("description")
    if description is not None and not 1 <= len(description) <= 1024:
        errors.append("description must be 1 to 1024 characters")
    rules = desired.get("approval_rules", [])
    if len(rules) > MAX_APPROVAL_RULES:
        errors.append(f"approval_rules has {len(rules)} rules; at most {MAX_APPROVAL_RULES} are allowed")
    for index, rule in enumerate(rules):
        _check_rule(errors, rule, f"approval_rules[{index}]", operating_system)
    _check_filters(
        errors, desired.get("global_filters", {}), "global_filters", GLOBAL_FILTER_KEYS.get(operating_system), operating_system
    )
    _check_patch_list(errors, desired.get("approved_patches", []), "approved_patches")
    _check_patch_list(errors, desired.get("rejected_patches", []), "rejected_patches")
    if desired.get("approved_patches_enable_non_security") and not linux:
        errors.append(f"approved_patches_enable_non_security is for Linux baselines only, not {operating_system}")
    sources = desired.get("sources", [])
    if sources and not linux:
        errors.append(f"sources are for Linux baselines only, not {operating_system}")
    if len(sources) > MAX_SOURCES:
        errors.append(f"sources has {len(sources)} entries; at most {MAX_SOURCES} are allowed")
    for index, source in enumerate(sources):
        path = f"sources[{index}]"
        if not re.match(SOURCE_NAME_PATTERN, source["name"] or ""):
            errors.append(f"{path}.name must be 3 to 50 letters, digits, '_', '-' or '.', got {source['name']!r}")
        if not 1 <= len(source["products"]) <= 20:
            errors.append(f"{path}.products must have 1 to 20 entries")
        if not 1 <= len(source["configuration"] or "") <= 1024:
            errors.append(f"{path}.configuration must be 1 to 1024 characters")
    if desired.get("available_security_updates_compliance_status") is not None and operating_system not in (None, "WINDOWS"):
        errors.append(f"available_security_updates_compliance_status is for Windows baselines only, not {operating_system}")
    return errors


def _comparable(field, value):
    if field in UNORDERED_FIELDS:
        return sorted(value)
    if field == "global_filters":
        return {key: sorted(values) for key, values in value.items()}
    if field == "approval_rules":
        # Rule order has no meaning to Patch Manager: a patch is approved if any rule approves it.
        return sorted(repr(_comparable_rule(rule)) for rule in value)
    if field == "sources":
        return sorted(repr(dict(source, products=sorted(source["products"]))) for source in value)
    return value


def _comparable_rule(rule):
    return dict(rule, patch_filters={key: sorted(values) for key, values in sorted(rule["patch_filters"].items())})


def changed_fields(current, desired):
    """The desired fields whose value differs from the current baseline's (both in the collection's shape)."""
    return dict(
        (field, value)
        for field, value in desired.items()
        if _comparable(field, value) != _comparable(field, current.get(field, FIELD_DEFAULTS[field]))
    )


def _filters_to_api(filters):
    return {"PatchFilters": [{"Key": key, "Values": list(values)} for key, values in filters.items()]}


def _rule_to_api(rule):
    api_rule = {
        "PatchFilterGroup": _filters_to_api(rule["patch_filters"]),
        "ComplianceLevel": rule["compliance_level"],
        "EnableNonSecurity": rule["enable_non_security"],
    }
    if rule["approve_after_days"] is not None:
        api_rule["ApproveAfterDays"] = rule["approve_after_days"]
    if rule["approve_until_date"] is not None:
        api_rule["ApproveUntilDate"] = rule["approve_until_date"]
    return api_rule


_API_NAMES = {
    "description": "Description",
    "approval_rules": "ApprovalRules",
    "global_filters": "GlobalFilters",
    "approved_patches": "ApprovedPatches",
    "approved_patches_compliance_level": "ApprovedPatchesComplianceLevel",
    "approved_patches_enable_non_security": "ApprovedPatchesEnableNonSecurity",
    "rejected_patches": "RejectedPatches",
    "rejected_patches_action": "RejectedPatchesAction",
    "sources": "Sources",
    "available_security_updates_compliance_status": "AvailableSecurityUpdatesComplianceStatus",
}


def fields_to_api(fields):
    """Collection-shaped fields as CreatePatchBaseline/UpdatePatchBaseline arguments."""
    api = {}
    for field, value in fields.items():
        if field == "approval_rules":
            value = {"PatchRules": [_rule_to_api(rule) for rule in value]}
        elif field == "global_filters":
            value = _filters_to_api(value)
        elif field == "sources":
            value = [{"Name": s["name"], "Products": list(s["products"]), "Configuration": s["configuration"]} for s in value]
        api[_API_NAMES[field]] = value
    return api


MAX_TAGS = 50


def validate_tags(tags):
    """Errors in a task's tags as AWS would reject them (keys 1-128, values up to 256, no aws: prefix)."""
    if tags is None:
        return []
    errors = []
    if len(tags) > MAX_TAGS:
        errors.append(f"tags has {len(tags)} entries; at most {MAX_TAGS} are allowed")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            errors.append(f"tags keys must be 1 to 128 characters, got {key!r}")
        elif key.lower().startswith("aws:"):
            errors.append(f"tags.{key}: keys starting with aws: are reserved for AWS")
        if value is not None and len(str(value)) > 256:
            errors.append(f"tags.{key} must be at most 256 characters")
    return errors
