# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic for patch baselines: the API's shape to the collection's, and back.

The collection's shape is the one users write in tasks (filters as a dict of key to values,
snake_case names), so a returned baseline can be compared with, or fed back into, a task's
parameters. Nothing here calls AWS.
"""

import datetime
import difflib
import hashlib
import json
import unicodedata

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import FILTER_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import limit
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import pattern_length
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import shape_enum
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import shape_pattern
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

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

# No approval delay on these (PatchRule.ApproveAfterDays/ApproveUntilDate: "Not supported for Debian
# Server or Ubuntu Server"; the User Guide's Linux rules page says the same of Raspberry Pi OS).
DEBIAN_SYSTEMS = ("DEBIAN", "UBUNTU", "RASPBIAN")
# Filter keys each operating system accepts in approval rules, and in global filters (facts.py cites
# the AWS pages for each row; AWS documents no other keys for global filters).
RULE_FILTER_KEYS = FILTER_KEYS
GLOBAL_FILTER_KEYS = FILTER_KEYS

# Non-security updates and alternative sources exist only where packages come from repositories.
NON_LINUX_SYSTEMS = ("WINDOWS", "MACOS")

# Not a model shape: DescribePatchBaselines' NAME_PREFIX filter takes a prefix of a BaselineName.
BASELINE_NAME_PREFIX_PATTERN = r"[a-zA-Z0-9_\-.]{1,128}"

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
    if len(filters) > limit("filters"):
        errors.append(f"{path} has {len(filters)} filters; at most {limit('filters')} are allowed")
    for key, values in filters.items():
        if allowed_keys is not None and key not in allowed_keys:
            errors.append(
                f"{path}.{key} is not a filter key for {operating_system}; valid keys: {', '.join(allowed_keys)}"
            )
        if not 1 <= len(values) <= limit("filter_values"):
            errors.append(f"{path}.{key} must have 1 to {limit('filter_values')} values, got {len(values)}")
        for value in values:
            if not isinstance(value, str) or not 1 <= len(value) <= limit("filter_value_length") or not value.strip():
                errors.append(f"{path}.{key} values must be strings of 1 to {limit('filter_value_length')} characters, got {value!r}")
            elif key == "PATCH_SET" and value not in shape_enum("PatchSet"):
                errors.append(f"{path}.PATCH_SET values must be {' or '.join(shape_enum('PatchSet'))}, got {value!r}")


def _check_date(errors, value, path):
    try:
        datetime.datetime.strptime(value, "%Y-%m-%d")
        valid = full_match(r"\d{4}-\d{2}-\d{2}", value)
    except (TypeError, ValueError):
        valid = False
    if not valid:
        errors.append(f"{path} must be a date written YYYY-MM-DD, got {value!r}")


def _check_rule(errors, rule, path, operating_system):
    allowed = RULE_FILTER_KEYS.get(operating_system)
    if not rule["patch_filters"]:
        # A rule without filters approves every patch: "nothing" must never mean "everything".
        errors.append(f"{path}.patch_filters is empty: give at least one filter (PRODUCT: '*' approves every product)")
    _check_filters(errors, rule["patch_filters"], f"{path}.patch_filters", allowed, operating_system)
    days, until = rule["approve_after_days"], rule["approve_until_date"]
    if days is not None and not 0 <= days <= limit("approve_after_days"):
        errors.append(f"{path}.approve_after_days must be 0-{limit('approve_after_days')}, got {days}")
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
    if len(patches) > limit("patches"):
        errors.append(f"{path} has {len(patches)} patches; at most {limit('patches')} are allowed")
    for patch in patches:
        if not 1 <= len(patch) <= limit("patch_name_length") or not patch.strip():
            errors.append(f"{path} entries must be 1 to {limit('patch_name_length')} characters, got {patch!r}")


def validate_name(name, option="name"):
    if name is not None and not full_match(shape_pattern("BaselineName"), name):
        low, high = pattern_length("BaselineName")
        return [f"{option} must be {low} to {high} letters, digits, '_', '-' or '.', got {name!r}"]
    return []


def validate_baseline_id(baseline_id, option="baseline_id"):
    """The API's BaselineId: a `pb-` id, or an AWS-owned baseline's ARN."""
    if baseline_id is not None and not full_match(shape_pattern("BaselineId"), baseline_id):
        return [f"{option} must be a baseline id (pb-...) or an AWS-owned baseline's ARN, got {baseline_id!r}"]
    return []


def _check_sources(errors, sources, linux, operating_system):
    if sources and not linux:
        errors.append(f"sources are for Linux baselines only, not {operating_system}")
    if len(sources) > limit("sources"):
        errors.append(f"sources has {len(sources)} entries; at most {limit('sources')} are allowed")
    for index, source in enumerate(sources):
        path = f"sources[{index}]"
        if not full_match(shape_pattern("PatchSourceName"), source["name"]):
            low, high = pattern_length("PatchSourceName")
            errors.append(f"{path}.name must be {low} to {high} letters, digits, '_', '-' or '.', got {source['name']!r}")
        if not 1 <= len(source["products"]) <= limit("source_products"):
            errors.append(f"{path}.products must have 1 to {limit('source_products')} entries")
        for product in source["products"]:
            if not 1 <= len(product) <= limit("source_product_length") or not product.strip():
                errors.append(f"{path}.products entries must be 1 to {limit('source_product_length')} characters, got {product!r}")
        configuration = source["configuration"] or ""
        # Never repeat the configuration itself: it may hold a repository's credentials.
        if not 1 <= len(configuration) <= limit("source_configuration_length") or not configuration.strip():
            errors.append(f"{path}.configuration must be 1 to {limit('source_configuration_length')} characters (got {len(configuration)})")


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
    if description is not None and (not 1 <= len(description) <= limit("description_length") or not description.strip()):
        errors.append(f"description must be 1 to {limit('description_length')} characters, not blank")
    rules = desired.get("approval_rules", [])
    if len(rules) > limit("approval_rules"):
        errors.append(f"approval_rules has {len(rules)} rules; at most {limit('approval_rules')} are allowed")
    for index, rule in enumerate(rules):
        _check_rule(errors, rule, f"approval_rules[{index}]", operating_system)
    _check_filters(
        errors, desired.get("global_filters", {}), "global_filters", GLOBAL_FILTER_KEYS.get(operating_system), operating_system
    )
    _check_patch_list(errors, desired.get("approved_patches", []), "approved_patches")
    _check_patch_list(errors, desired.get("rejected_patches", []), "rejected_patches")
    if desired.get("approved_patches_enable_non_security") and not linux:
        errors.append(f"approved_patches_enable_non_security is for Linux baselines only, not {operating_system}")
    _check_sources(errors, desired.get("sources", []), linux, operating_system)
    if desired.get("available_security_updates_compliance_status") is not None and operating_system not in (None, "WINDOWS"):
        errors.append(f"available_security_updates_compliance_status is for Windows baselines only, not {operating_system}")
    return errors


# --------------------------------------------------------------------------------------------------
# Filter values against DescribePatchProperties.

# The properties DescribePatchProperties lists per operating system (API reference,
# DescribePatchProperties: "Valid properties"). Only these keys have values AWS can enumerate; the
# others (SECTION, PATCH_SET) are not enumerated and not checked (PATCH_SET's values are the model's), and
# neither are the systems the reference does not list (AMAZON_LINUX_2022, RASPBIAN, ROCKY_LINUX,
# ALMA_LINUX).
_RPM_PROPERTIES = ("PRODUCT", "CLASSIFICATION", "SEVERITY")
ENUMERABLE_FILTER_KEYS = dict(
    [(system, _RPM_PROPERTIES) for system in (
        "AMAZON_LINUX", "AMAZON_LINUX_2", "AMAZON_LINUX_2023", "CENTOS", "ORACLE_LINUX", "REDHAT_ENTERPRISE_LINUX", "SUSE",
    )]
    + [("DEBIAN", ("PRODUCT", "PRIORITY")), ("UBUNTU", ("PRODUCT", "PRIORITY")), ("MACOS", ("PRODUCT", "CLASSIFICATION"))]
    + [("WINDOWS", ("PRODUCT", "PRODUCT_FAMILY", "CLASSIFICATION", "MSRC_SEVERITY"))]
)
WILDCARD = "*"


def filter_groups(desired):
    """(option path, {KEY: values}) of every filter group a task gives."""
    groups = [(f"approval_rules[{index}].patch_filters", rule["patch_filters"]) for index, rule in enumerate(desired.get("approval_rules", []))]
    if desired.get("global_filters"):
        groups.append(("global_filters", desired["global_filters"]))
    return groups


def _patch_sets(filters, operating_system):
    """Windows' values depend on the group's PATCH_SET (OS unless it says APPLICATION); other systems have none."""
    if operating_system != "WINDOWS":
        return [None]
    return [value for value in filters.get("PATCH_SET", ["OS"]) if value in shape_enum("PatchSet")] or ["OS"]


def _checkable(value):
    # A value with a wildcard matches by pattern: DescribePatchProperties cannot say it approves nothing.
    return isinstance(value, str) and WILDCARD not in value


def property_lookups(desired, operating_system):
    """The (operating system, property, patch set) listings the task's filter values need, sorted."""
    keys = ENUMERABLE_FILTER_KEYS.get(operating_system, ())
    lookups = set()
    for _path, filters in filter_groups(desired):
        for key, values in filters.items():
            if key in keys and any(_checkable(value) for value in values):
                lookups.update((operating_system, key, patch_set) for patch_set in _patch_sets(filters, operating_system))
    return sorted(lookups, key=lambda lookup: (lookup[0], lookup[1], lookup[2] or ""))


def filter_value_errors(desired, operating_system, known):
    """Errors for filter values DescribePatchProperties does not list, with the closest valid values.

    `known` maps each of property_lookups' (operating system, property, patch set) to the value names
    AWS lists.
    """
    keys = ENUMERABLE_FILTER_KEYS.get(operating_system, ())
    errors = []
    for path, filters in filter_groups(desired):
        patch_sets = _patch_sets(filters, operating_system)
        for key, values in filters.items():
            if key not in keys:
                continue
            valid = []
            for patch_set in patch_sets:
                valid += [name for name in known.get((operating_system, key, patch_set), []) if name not in valid]
            for value in values:
                if not _checkable(value) or value in valid:
                    continue
                where = operating_system + (f" (PATCH_SET {', '.join(patch_sets)})" if patch_sets != [None] else "")
                close = difflib.get_close_matches(value, valid, n=3, cutoff=0.6)
                close += [name for name in valid if name.lower() == value.lower() and name not in close]
                hint = f"did you mean {', '.join(close)}?" if close else f"valid values: {', '.join(valid[:30])}"
                errors.append(f"{path}.{key}: {value!r} is not a {key} of {where}; {hint} ('*' matches every value)")
    return errors


# --------------------------------------------------------------------------------------------------
# Repository configurations are secrets; idempotent creates.

# What a source's configuration reads as in results and diffs (the value Ansible itself prints for
# a no_log parameter): a repository file may hold credentials.
SOURCE_CONFIGURATION_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
SOURCE_CONFIGURATION_CHANGED_MASK = SOURCE_CONFIGURATION_MASK + " (changed)"


def masked(baseline):
    """A copy of a baseline (the collection's shape) with every source's configuration hidden."""
    if not baseline or not baseline.get("sources"):
        return dict(baseline or {})
    return dict(baseline, sources=[dict(source, configuration=SOURCE_CONFIGURATION_MASK) for source in baseline["sources"]])


def masked_diff(before, after):
    """{before, after} with configurations hidden; a configuration that changes says so, and only that."""
    before_configurations = dict((source["name"], source["configuration"]) for source in (before or {}).get("sources", []))
    hidden_after = masked(after)
    if hidden_after.get("sources"):
        hidden_after["sources"] = [
            dict(hidden, configuration=SOURCE_CONFIGURATION_CHANGED_MASK)
            if before_configurations.get(source["name"]) != source["configuration"] else hidden
            for source, hidden in zip(after["sources"], hidden_after["sources"])
        ]
    return {"before": masked(before), "after": hidden_after}


def client_token(name, operating_system, request, reused_ids=()):
    """CreatePatchBaseline's ClientToken, derived from what the request asks for.

    A retry after a lost response, or another process creating the identical baseline at the same
    time, sends the same token, and AWS answers the same token and request with the same baseline
    instead of making a second one. The account and region are implicit in the endpoint. The name
    keeps the token readable; the hash covers the name, the operating system and the whole request,
    so any other request gets another token. `reused_ids` are baselines an earlier token of this
    request led to that are gone or renamed since: a new create then needs a new token, and every
    process that sees the same ids derives the same one.
    """
    canonical = json.dumps(
        {"name": name, "operating_system": operating_system, "request": request, "reused": list(reused_ids)},
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
    readable = name[:limit("client_token_length") - len(digest) - 1]
    return f"{readable}-{digest}"


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


# Not the model's TagList maximum (1000): API reference, AddTagsToResource, "Most resources can have a
# maximum of 50 tags" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AddTagsToResource.html).
MAX_TAGS = 50
# Besides letters, separators and numbers (\p{L}\p{Z}\p{N} in the API's TagKey and TagValue patterns).
TAG_PUNCTUATION = "_.:/=+-@"


def invalid_tag_characters(text):
    """The characters of `text` that the SSM TagKey/TagValue pattern refuses, sorted."""
    return sorted(set(char for char in text if unicodedata.category(char)[0] not in "LZN" and char not in TAG_PUNCTUATION))


def validate_tags(tags):
    """Errors in a task's tags as SSM would reject them (keys 1-128, values 0-256, the API's characters, no aws: prefix)."""
    if tags is None:
        return []
    errors = []
    if len(tags) > MAX_TAGS:
        errors.append(f"tags has {len(tags)} entries; at most {MAX_TAGS} are allowed")
    for key, value in tags.items():
        key = str(key)
        value = "" if value is None else str(value)
        if not 1 <= len(key) <= limit("tag_key_length") or not key.strip():
            errors.append(f"tags keys must be 1 to {limit('tag_key_length')} characters, got {key!r}")
        elif key.lower().startswith("aws:"):
            errors.append(f"tags.{key}: keys starting with aws: are reserved for AWS")
        elif invalid_tag_characters(key):
            errors.append(
                f"tags keys may hold letters, numbers, spaces and {TAG_PUNCTUATION}; {key!r} has {''.join(invalid_tag_characters(key))!r}"
            )
        if len(value) > limit("tag_value_length"):
            errors.append(f"tags.{key} must be at most {limit('tag_value_length')} characters")
        elif invalid_tag_characters(value):
            errors.append(
                f"tags.{key} may hold letters, numbers, spaces and {TAG_PUNCTUATION}; not {''.join(invalid_tag_characters(value))!r}"
            )
    return errors
