"""Patch baselines as AWS has them: custom and AWS-owned baselines, OS defaults, PatchBaseline tags.

moto's own patch-baseline code (FakePatchBaseline) gets shapes, filters and errors wrong, so every
patch-baseline action is replaced here. State lives in one `PatchManagerState` per moto backend
(account + region), created lazily, so `POST /moto-api/reset` clears it with the backend.

A baseline is stored as a dict keyed by the API's own member names (the GetPatchBaseline shape minus
PatchGroups), so the simulated agent can evaluate it as it is. AWS-owned baselines have ARN ids and
are shared read-only by every account of a region; custom ones have `pb-` ids.

Functions other code should use: `get_baseline`, `find_baseline`, `default_baseline_id`,
`baseline_for_patch_group`, `patch_groups_of`, `patch_state`.
"""

import datetime
import hashlib
import json
import re
import threading
from pathlib import Path

import regex
from moto.moto_api._internal import mock_random

from sandbox.agent import clock
from sandbox.moto_fixes import ssm_tagging
from sandbox.ssm import patch_properties
from sandbox.wire.errors import (
    AccessDeniedException,
    DoesNotExistException,
    IdempotentParameterMismatch,
    ResourceInUseException,
    ResourceLimitExceededException,
    TooManyTagsError,
    ValidationException,
)
from sandbox.wire.paging import paginate
from sandbox.ssm.store import backend_state
from sandbox.ssm.predefined_baselines import (
    operating_systems,
    predefined_baselines,
    predefined_defaults,
    ssm_model_shapes,
)

# AWS's default quota of custom patch baselines per account and region (Systems Manager service
# quotas, "Patch baselines": 50). AWS-owned baselines do not count.
MAX_CUSTOM_BASELINES = 50
# Not model limits (the model's TagList allows 1000): API reference, AddTagsToResource, "Most
# resources can have a maximum of 50 tags. Automations can have a maximum of 5 tags."
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AddTagsToResource.html
MAX_TAGS_PER_RESOURCE = 50
MAX_TAGS_PER_AUTOMATION = 5
_SHAPES = ssm_model_shapes()
# DescribePatchBaselines' MaxResults range is the model's PatchBaselineMaxResults; the default is
# the API reference's ("the default is 100" is not in the model).
DESCRIBE_LIMITS = {"default": 100, "minimum": _SHAPES["PatchBaselineMaxResults"]["min"],
                   "maximum": _SHAPES["PatchBaselineMaxResults"]["max"]}



def _whole(pattern):
    # The model writes ^...$; "$" would let a trailing newline through, so match the whole string.
    return re.compile(r"\A(?:" + pattern.lstrip("^").rstrip("$") + r")\Z")


BASELINE_NAME_RE = _whole(_SHAPES["BaselineName"]["pattern"])
SOURCE_NAME_RE = _whole(_SHAPES["PatchSourceName"]["pattern"])
BASELINE_ID_SHAPE_RE = _whole(_SHAPES["BaselineId"]["pattern"])
CUSTOM_ID_RE = re.compile(r"^pb-[0-9a-f]{17}$")
BASELINE_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):ssm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"patchbaseline/(?P<id>pb-[0-9a-f]{17})$"
)
APPROVE_UNTIL_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# TagKey, TagValue and PatchGroup share this pattern in the model; it needs Unicode classes.
TAG_PATTERN = _SHAPES["TagKey"]["pattern"]
TAG_RE = regex.compile(TAG_PATTERN)

COMPLIANCE_LEVELS = tuple(_SHAPES["PatchComplianceLevel"]["enum"])
PATCH_ACTIONS = tuple(_SHAPES["PatchAction"]["enum"])
COMPLIANCE_STATUSES = tuple(_SHAPES["PatchComplianceStatus"]["enum"])
PATCH_FILTER_KEYS = tuple(_SHAPES["PatchFilterKey"]["enum"])
PATCH_SET_VALUES = tuple(_SHAPES["PatchSet"]["enum"])
# The (min, max) the model gives each list and string of a baseline, by shape name.
MODEL_LIMITS = {
    name: (_SHAPES[name].get("min", 0), _SHAPES[name]["max"])
    for name in ("PatchFilterList", "PatchFilterValueList", "PatchFilterValue", "PatchRuleList", "PatchIdList",
                 "PatchId", "PatchSourceList", "PatchSourceProductList", "PatchSourceProduct",
                 "PatchSourceConfiguration", "BaselineDescription", "ApproveAfterDays", "PatchStringDateTime")
}

# Patch filter keys per operating system, and what each system's baselines take, from a data file
# whose every entry names the AWS pages it comes from (data/patch_filter_keys.json).
FILTER_KEYS_FILE = Path(__file__).resolve().parent.parent / "data" / "patch_filter_keys.json"
_FILTER_FACTS = json.loads(FILTER_KEYS_FILE.read_text(encoding="utf-8"))["operating_systems"]
RULE_FILTER_KEYS = {os_: tuple(facts["approval_rule_keys"]) for os_, facts in _FILTER_FACTS.items()}
GLOBAL_FILTER_KEYS = {os_: tuple(facts["global_filter_keys"]) for os_, facts in _FILTER_FACTS.items()}
# Debian-family repositories carry no reliable release dates: rules there take no approval delay.
NO_APPROVAL_DELAY_SYSTEMS = frozenset(os_ for os_, facts in _FILTER_FACTS.items() if not facts["approval_delay"])
# Sources (alternative repositories) are a Linux feature.
NO_SOURCES_SYSTEMS = frozenset(os_ for os_, facts in _FILTER_FACTS.items() if not facts["patch_sources"])

# What a new baseline has for every optional field it was not given (and what Replace=true resets).
DEFAULT_FIELDS = {
    "GlobalFilters": {"PatchFilters": []},
    "ApprovalRules": {"PatchRules": []},
    "ApprovedPatches": [],
    "ApprovedPatchesComplianceLevel": "UNSPECIFIED",
    "ApprovedPatchesEnableNonSecurity": False,
    "RejectedPatches": [],
    "RejectedPatchesAction": "ALLOW_AS_DEPENDENCY",
    "Sources": [],
}
IDENTITY_FIELDS = ("BaselineId", "OperatingSystem", "CreatedDate")


# --------------------------------------------------------------------------------------------------
# Validation: plain functions on the parsed request, raising ValidationException as AWS words it.


def constraint_error(value, path, constraint):
    shown = "null" if value is None else f"'{value}'"
    return ValidationException(
        f"1 validation error detected: Value {shown} at '{path}' failed to satisfy constraint: {constraint}"
    )


def check_string(value, path, minimum, maximum):
    if not isinstance(value, str):
        raise constraint_error(value, path, "Member must be a string")
    if len(value) < minimum:
        raise constraint_error(value, path, f"Member must have length greater than or equal to {minimum}")
    if len(value) > maximum:
        raise constraint_error(value, path, f"Member must have length less than or equal to {maximum}")
    return value


def _check_list(value, path, minimum, maximum):
    if not isinstance(value, list):
        raise constraint_error(value, path, "Member must be a list")
    if len(value) < minimum:
        raise constraint_error(value, path, f"Member must have length greater than or equal to {minimum}")
    if len(value) > maximum:
        raise constraint_error(value, path, f"Member must have length less than or equal to {maximum}")
    return value


def _check_enum(value, path, allowed):
    if value not in allowed:
        raise constraint_error(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return value


def _check_bool(value, path):
    if not isinstance(value, bool):
        raise constraint_error(value, path, "Member must be a boolean")
    return value


def _check_struct(value, path):
    if not isinstance(value, dict):
        raise constraint_error(value, path, "Member must be a structure")
    return value


def validate_operating_system(value, path="operatingSystem"):
    return _check_enum(value, path, operating_systems())


def validate_baseline_name(value, path="name"):
    if not isinstance(value, str) or not BASELINE_NAME_RE.match(value):
        raise constraint_error(
            value, path, r"Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\-.]{3,128}$"
        )
    return value


def validate_filter_group(group, operating_system, path, allowed_keys):
    """A PatchFilterGroup: 0-4 filters, each key once and valid for the OS, 1-20 values of 1-64 chars."""
    _check_struct(group, path)
    filters = group.get("PatchFilters")
    if filters is None:
        raise constraint_error(None, f"{path}.patchFilters", "Member must not be null")
    _check_list(filters, f"{path}.patchFilters", 0, 4)
    normalized, seen = [], set()
    for index, patch_filter in enumerate(filters, 1):
        member = f"{path}.patchFilters.{index}.member"
        _check_struct(patch_filter, member)
        key, values = patch_filter.get("Key"), patch_filter.get("Values")
        if key is None:
            raise constraint_error(None, f"{member}.key", "Member must not be null")
        _check_enum(key, f"{member}.key", PATCH_FILTER_KEYS)
        if key not in allowed_keys:
            raise ValidationException(
                f"Patch filter key {key} isn't supported for operating system {operating_system} here. "
                f"Valid keys: {', '.join(allowed_keys)}."
            )
        if key in seen:
            raise ValidationException(
                f"Duplicate patch filter key {key}: each key can appear only once in a patch filter group."
            )
        seen.add(key)
        if values is None:
            raise constraint_error(None, f"{member}.values", "Member must not be null")
        _check_list(values, f"{member}.values", 1, 20)
        for value_index, value in enumerate(values, 1):
            check_string(value, f"{member}.values.{value_index}.member", 1, 64)
            if value.lower() == "all":
                raise ValidationException(
                    f"Patch filter value '{value}' isn't valid for key {key}: use '*' to match all values."
                )
            if key == "PATCH_SET" and value not in PATCH_SET_VALUES:
                raise ValidationException(
                    f"Patch filter value '{value}' isn't valid for key PATCH_SET: valid values are OS, APPLICATION."
                )
        normalized.append({"Key": key, "Values": list(values)})
    return {"PatchFilters": normalized}


def validate_approve_until_date(value, path):
    check_string(value, path, 1, 10)
    try:
        if not APPROVE_UNTIL_DATE_RE.match(value):
            raise ValueError(value)
        datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationException(
            f"ApproveUntilDate '{value}' isn't a valid date: use the format YYYY-MM-DD, for example 2025-11-16."
        ) from exc
    return value


def validate_patch_rule(rule, operating_system, path):
    _check_struct(rule, path)
    if rule.get("PatchFilterGroup") is None:
        raise constraint_error(None, f"{path}.patchFilterGroup", "Member must not be null")
    filters = validate_filter_group(
        rule["PatchFilterGroup"], operating_system, f"{path}.patchFilterGroup", RULE_FILTER_KEYS[operating_system]
    )
    stored = {
        "PatchFilterGroup": filters,
        "ComplianceLevel": _check_enum(rule.get("ComplianceLevel", "UNSPECIFIED"), f"{path}.complianceLevel",
                                       COMPLIANCE_LEVELS),
        "EnableNonSecurity": _check_bool(rule.get("EnableNonSecurity", False), f"{path}.enableNonSecurity"),
    }
    days, until = rule.get("ApproveAfterDays"), rule.get("ApproveUntilDate")
    if operating_system in NO_APPROVAL_DELAY_SYSTEMS:
        if days is not None or until is not None:
            raise ValidationException(
                f"ApproveAfterDays and ApproveUntilDate aren't supported for operating system {operating_system}: "
                "its repositories have no reliable release dates, so patches are approved immediately."
            )
        return stored
    if days is not None and until is not None:
        raise ValidationException("Specify either ApproveAfterDays or ApproveUntilDate in a patch rule, not both.")
    if days is None and until is None:
        raise ValidationException(
            f"A patch rule for operating system {operating_system} must include either ApproveAfterDays "
            "or ApproveUntilDate."
        )
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int):
            raise constraint_error(days, f"{path}.approveAfterDays", "Member must be an integer")
        if not 0 <= days <= 360:
            raise constraint_error(
                days, f"{path}.approveAfterDays",
                "Member must have value less than or equal to 360" if days > 360
                else "Member must have value greater than or equal to 0",
            )
        stored["ApproveAfterDays"] = days
    else:
        stored["ApproveUntilDate"] = validate_approve_until_date(until, f"{path}.approveUntilDate")
    return stored


def validate_approval_rules(group, operating_system, path="approvalRules"):
    _check_struct(group, path)
    rules = group.get("PatchRules")
    if rules is None:
        raise constraint_error(None, f"{path}.patchRules", "Member must not be null")
    _check_list(rules, f"{path}.patchRules", 0, 10)
    return {
        "PatchRules": [
            validate_patch_rule(rule, operating_system, f"{path}.patchRules.{index}.member")
            for index, rule in enumerate(rules, 1)
        ]
    }


def validate_patch_list(patches, path):
    _check_list(patches, path, 0, 50)
    for index, patch in enumerate(patches, 1):
        check_string(patch, f"{path}.{index}.member", 1, 100)
    return list(patches)


def validate_sources(sources, operating_system, path="sources"):
    _check_list(sources, path, 0, 20)
    if sources and operating_system in NO_SOURCES_SYSTEMS:
        raise ValidationException(
            f"Sources aren't supported for operating system {operating_system}: they apply to Linux only."
        )
    normalized, names = [], set()
    for index, source in enumerate(sources, 1):
        member = f"{path}.{index}.member"
        _check_struct(source, member)
        name = source.get("Name")
        if not isinstance(name, str) or not SOURCE_NAME_RE.match(name):
            raise constraint_error(
                name, f"{member}.name", r"Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\-.]{3,50}$"
            )
        if name in names:
            raise ValidationException(f"Duplicate patch source name {name}: source names must be unique.")
        names.add(name)
        products = source.get("Products")
        if products is None:
            raise constraint_error(None, f"{member}.products", "Member must not be null")
        _check_list(products, f"{member}.products", 1, 20)
        for product_index, product in enumerate(products, 1):
            check_string(product, f"{member}.products.{product_index}.member", 1, 128)
        configuration = source.get("Configuration")
        if configuration is None:
            raise constraint_error(None, f"{member}.configuration", "Member must not be null")
        check_string(configuration, f"{member}.configuration", 1, 1024)
        normalized.append({"Name": name, "Products": list(products), "Configuration": configuration})
    return normalized


def _validate_security_status(value, operating_system):
    _check_enum(value, "availableSecurityUpdatesComplianceStatus", COMPLIANCE_STATUSES)
    if operating_system != "WINDOWS":
        raise ValidationException(
            "AvailableSecurityUpdatesComplianceStatus is supported for operating system WINDOWS only, "
            f"not {operating_system}."
        )
    return value


# Every settable baseline field and how it is validated (value, operating system) -> stored value.
FIELD_VALIDATORS = {
    "Name": lambda value, _os: validate_baseline_name(value),
    "Description": lambda value, _os: check_string(value, "description", 1, 1024),
    "GlobalFilters": lambda value, os_: validate_filter_group(value, os_, "globalFilters", GLOBAL_FILTER_KEYS[os_]),
    "ApprovalRules": validate_approval_rules,
    "ApprovedPatches": lambda value, _os: validate_patch_list(value, "approvedPatches"),
    "ApprovedPatchesComplianceLevel": lambda value, _os: _check_enum(
        value, "approvedPatchesComplianceLevel", COMPLIANCE_LEVELS),
    "ApprovedPatchesEnableNonSecurity": lambda value, _os: _check_bool(value, "approvedPatchesEnableNonSecurity"),
    "RejectedPatches": lambda value, _os: validate_patch_list(value, "rejectedPatches"),
    "RejectedPatchesAction": lambda value, _os: _check_enum(value, "rejectedPatchesAction", PATCH_ACTIONS),
    "Sources": validate_sources,
    "AvailableSecurityUpdatesComplianceStatus": _validate_security_status,
}


def validate_baseline_fields(params, operating_system, name_required):
    """The stored form of every baseline field present (not null) in a Create/Update request."""
    if name_required and params.get("Name") is None:
        raise constraint_error(None, "name", "Member must not be null")
    return {
        field: validate(params[field], operating_system)
        for field, validate in FIELD_VALIDATORS.items()
        if params.get(field) is not None
    }


def validate_tag_list(tags, path="tags"):
    """[{Key, Value}] -> {key: value}, with the model's lengths and pattern."""
    _check_list(tags, path, 0, 1000)
    result = {}
    for index, tag in enumerate(tags, 1):
        member = f"{path}.{index}.member"
        _check_struct(tag, member)
        key, value = tag.get("Key"), tag.get("Value")
        if key is None or value is None:
            raise constraint_error(None, f"{member}.{'key' if key is None else 'value'}", "Member must not be null")
        result[key] = value
    validate_tag_dict(result, path)
    return result


def validate_tag_dict(tags, path="tags"):
    for key, value in tags.items():
        check_string(key, f"{path}.member.key", 1, 128)
        check_string(value, f"{path}.member.value", 0, 256)
        for text, part in ((key, "key"), (value, "value")):
            if not TAG_RE.match(text):
                raise constraint_error(
                    text, f"{path}.member.{part}", f"Member must satisfy regular expression pattern: {TAG_PATTERN}"
                )
    return tags


def check_tag_count(existing_keys, new_keys, resource_type):
    limit = MAX_TAGS_PER_AUTOMATION if resource_type == "Automation" else MAX_TAGS_PER_RESOURCE
    if len(set(existing_keys) | set(new_keys)) > limit:
        raise TooManyTagsError(f"A {resource_type} resource can have at most {limit} tags.")


def _request_fingerprint(params):
    relevant = {key: value for key, value in params.items() if key != "ClientToken"}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()


# --------------------------------------------------------------------------------------------------
# State


class PatchManagerState:
    """Patch baselines, OS defaults and patch-group registrations of one account and region."""

    def __init__(self, region):
        self.predefined = {baseline["BaselineId"]: baseline for baseline in predefined_baselines(region)}
        self.custom = {}  # baseline id -> stored baseline, in creation order
        self.defaults = dict(predefined_defaults(region))  # operating system -> baseline id
        self.client_tokens = {}  # ClientToken -> (request fingerprint, baseline id)
        self.patch_groups = {}  # patch group -> {operating system: baseline id}, in registration order
        # The server is threaded: check-then-act sequences (quota, idempotency, in-use) hold this.
        self.lock = threading.RLock()

    def baselines(self):
        """Every baseline visible to the account: AWS-owned first, then custom in creation order."""
        return [*self.predefined.values(), *self.custom.values()]


def patch_state(backend):
    """The backend's PatchManagerState, created on first use (and gone when moto resets the backend)."""
    return backend_state(backend, "patch_manager", lambda: PatchManagerState(backend.region_name))


def is_aws_owned(baseline_id):
    return baseline_id.startswith("arn:")


def _does_not_exist(baseline_id):
    return DoesNotExistException(f"Patch Baseline {baseline_id} does not exist.")


def resolve_baseline(backend, baseline_id):
    """The stored baseline a BaselineId (id, or ARN for AWS-owned and own baselines) designates.

    ValidationException for something that cannot be a baseline id, DoesNotExistException for an
    id that designates no baseline. An AWS-owned baseline is only reachable by its ARN, as in AWS.
    """
    if baseline_id is None:
        raise constraint_error(None, "baselineId", "Member must not be null")
    if not isinstance(baseline_id, str) or not BASELINE_ID_SHAPE_RE.match(baseline_id):
        raise constraint_error(
            baseline_id, "baselineId", r"Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\-:/]{20,128}$"
        )
    state = patch_state(backend)
    if CUSTOM_ID_RE.match(baseline_id):
        baseline = state.custom.get(baseline_id)
    else:
        arn = BASELINE_ARN_RE.match(baseline_id)
        if arn is None:
            raise ValidationException(
                f"Invalid patch baseline id {baseline_id}: use pb- followed by 17 hexadecimal characters, "
                "or the ARN of an AWS-owned baseline."
            )
        baseline = state.predefined.get(baseline_id)
        if baseline is None and (arn["account"], arn["region"]) == (backend.account_id, backend.region_name):
            baseline = state.custom.get(arn["id"])
    if baseline is None:
        raise _does_not_exist(baseline_id)
    return baseline


def get_baseline(backend, baseline_id):
    """The stored baseline (read-only dict of API member names); raises like GetPatchBaseline."""
    return resolve_baseline(backend, baseline_id)


def find_baseline(backend, baseline_id):
    """The stored baseline, or None when the id designates none."""
    try:
        return resolve_baseline(backend, baseline_id)
    except (DoesNotExistException, ValidationException):
        return None


def default_baseline_id(backend, operating_system):
    """Id (ARN for AWS-owned) of the default baseline registered for an operating system."""
    return patch_state(backend).defaults[operating_system]


def baseline_for_patch_group(backend, patch_group, operating_system):
    """The baseline id that applies to a patch group and OS: the registered one, else the OS default."""
    state = patch_state(backend)
    registered = state.patch_groups.get(patch_group, {}).get(operating_system) if patch_group else None
    return registered or state.defaults[operating_system]


def patch_groups_of(backend, baseline_id):
    """The patch groups a baseline is registered to, in registration order."""
    return [
        group for group, by_os in patch_state(backend).patch_groups.items() if baseline_id in by_os.values()
    ]


def baseline_identity(state, baseline):
    identity = {
        "BaselineId": baseline["BaselineId"],
        "BaselineName": baseline["Name"],
        "OperatingSystem": baseline["OperatingSystem"],
        "DefaultBaseline": state.defaults.get(baseline["OperatingSystem"]) == baseline["BaselineId"],
    }
    if "Description" in baseline:
        identity["BaselineDescription"] = baseline["Description"]
    return identity


def _check_writable(baseline, action):
    if is_aws_owned(baseline["BaselineId"]):
        # The baseline belongs to an AWS account: IAM refuses the write like any cross-account one.
        raise AccessDeniedException(
            f"You are not authorized to perform ssm:{action} on resource {baseline['BaselineId']}: "
            "AWS-owned patch baselines can't be modified or deleted. Create a custom baseline instead."
        )


# --------------------------------------------------------------------------------------------------
# Operations on a backend (parsed request in, API result out)


def create_baseline(backend, params):
    operating_system = validate_operating_system(params.get("OperatingSystem") or "WINDOWS")
    fields = validate_baseline_fields(params, operating_system, name_required=True)
    tags = validate_tag_list(params["Tags"]) if params.get("Tags") is not None else {}
    check_tag_count((), tags, "PatchBaseline")
    token = params.get("ClientToken")
    if token is not None:
        check_string(token, "clientToken", 1, 64)
    state = patch_state(backend)
    with state.lock:
        if token is not None:
            fingerprint = _request_fingerprint(params)
            known = state.client_tokens.get(token)
            if known is not None:
                if known[0] != fingerprint:
                    raise IdempotentParameterMismatch(
                        "The client token was already used with different parameters: use a new ClientToken."
                    )
                return known[1]
        if len(state.custom) >= MAX_CUSTOM_BASELINES:
            raise ResourceLimitExceededException(
                f"You have reached the quota of {MAX_CUSTOM_BASELINES} patch baselines in this Region. "
                "Delete a patch baseline you no longer use, or request a quota increase."
            )
        baseline_id = f"pb-{mock_random.get_random_hex(17)}"
        while baseline_id in state.custom:
            baseline_id = f"pb-{mock_random.get_random_hex(17)}"
        now = clock.utcnow()
        state.custom[baseline_id] = {
            "BaselineId": baseline_id,
            "OperatingSystem": operating_system,
            **DEFAULT_FIELDS,
            **fields,
            "CreatedDate": now,
            "ModifiedDate": now,
        }
        if token is not None:
            state.client_tokens[token] = (fingerprint, baseline_id)
        if tags:
            backend._resource_tags["PatchBaseline"][baseline_id] = dict(tags)  # pylint: disable=protected-access
    return baseline_id


def update_baseline(backend, params):
    state = patch_state(backend)
    replace = params.get("Replace", False)
    _check_bool(replace, "replace")
    with state.lock:
        current = resolve_baseline(backend, params.get("BaselineId"))
        _check_writable(current, "UpdatePatchBaseline")
        fields = validate_baseline_fields(params, current["OperatingSystem"], name_required=replace)
        # Copy on write: readers holding the previous dict never see a half-updated baseline.
        if replace:
            updated = {key: current[key] for key in IDENTITY_FIELDS}
            updated.update(DEFAULT_FIELDS)
        else:
            updated = dict(current)
        updated.update(fields)
        updated["ModifiedDate"] = clock.utcnow()
        state.custom[current["BaselineId"]] = updated
    return updated


def delete_baseline(backend, baseline_id):
    state = patch_state(backend)
    with state.lock:
        baseline = resolve_baseline(backend, baseline_id)
        _check_writable(baseline, "DeletePatchBaseline")
        canonical_id = baseline["BaselineId"]
        if state.defaults.get(baseline["OperatingSystem"]) == canonical_id:
            raise ResourceInUseException(
                f"Patch baseline {canonical_id} is the default patch baseline for {baseline['OperatingSystem']}. "
                "Register another default baseline before deleting it."
            )
        groups = patch_groups_of(backend, canonical_id)
        if groups:
            raise ResourceInUseException(
                f"Patch baseline {canonical_id} is registered with patch groups: {', '.join(groups)}. "
                "Deregister them before deleting it."
            )
        del state.custom[canonical_id]
        backend._resource_tags["PatchBaseline"].pop(canonical_id, None)  # pylint: disable=protected-access
    return canonical_id


def _filter_values(patch_filter, index):
    member = f"filters.{index}.member"
    _check_struct(patch_filter, member)
    key, values = patch_filter.get("Key"), patch_filter.get("Values")
    check_string(key, f"{member}.key", 1, 128)
    values = [] if values is None else _check_list(values, f"{member}.values", 0, 1000)
    for value_index, value in enumerate(values, 1):
        check_string(value, f"{member}.values.{value_index}.member", 1, 256)
    return key, values


def validate_filters(filters, supported, maximum=5):
    """[(key, values)] of a PatchOrchestratorFilter list, each key among `supported` (a dict of checks)."""
    if filters is None:
        return []
    _check_list(filters, "filters", 0, maximum)
    parsed = []
    for index, patch_filter in enumerate(filters, 1):
        key, values = _filter_values(patch_filter, index)
        if key not in supported:
            raise ValidationException(
                f"Invalid filter key {key}: supported keys are {', '.join(supported)}."
            )
        supported[key](values)
        parsed.append((key, values))
    return parsed


def _check_owner_values(values):
    for value in values:
        if value not in ("AWS", "Self"):
            raise ValidationException(f"Invalid value {value} for filter OWNER: valid values are AWS, Self.")


def check_os_values(values):
    for value in values:
        if value not in operating_systems():
            raise ValidationException(
                f"Invalid value {value} for filter OPERATING_SYSTEM: valid values are {', '.join(operating_systems())}."
            )


BASELINE_FILTERS = {"NAME_PREFIX": lambda values: None, "OWNER": _check_owner_values,
                    "OPERATING_SYSTEM": check_os_values}


def baseline_matches(baseline, parsed_filters):
    """True when a baseline passes every filter (values of one filter are alternatives)."""
    for key, values in parsed_filters:
        if not values:
            continue
        if key == "NAME_PREFIX":
            if not any(baseline["Name"].startswith(prefix) for prefix in values):
                return False
        elif key == "OWNER":
            owner = "AWS" if is_aws_owned(baseline["BaselineId"]) else "Self"
            if owner not in values:
                return False
        elif key == "OPERATING_SYSTEM" and baseline["OperatingSystem"] not in values:
            return False
    return True


def describe_baselines(backend, params):
    parsed = validate_filters(params.get("Filters"), BASELINE_FILTERS)
    state = patch_state(backend)
    with state.lock:
        identities = [
            baseline_identity(state, baseline) for baseline in state.baselines() if baseline_matches(baseline, parsed)
        ]
    page, token = paginate(
        identities, params.get("MaxResults"), params.get("NextToken"),
        context=["DescribePatchBaselines", parsed], **DESCRIBE_LIMITS,
    )
    result = {"BaselineIdentities": page}
    if token:
        result["NextToken"] = token
    return result


def register_default_baseline(backend, baseline_id):
    state = patch_state(backend)
    with state.lock:
        baseline = resolve_baseline(backend, baseline_id)
        state.defaults[baseline["OperatingSystem"]] = baseline["BaselineId"]
    return baseline["BaselineId"]


# --------------------------------------------------------------------------------------------------
# Action handlers (registered in sandbox/ssm/actions.py): handler(backend, params) -> output dict.


def create_patch_baseline_action(backend, params):
    return {"BaselineId": create_baseline(backend, params)}


def get_patch_baseline_action(backend, params):
    baseline = resolve_baseline(backend, params.get("BaselineId"))
    return {**baseline, "PatchGroups": patch_groups_of(backend, baseline["BaselineId"])}


def update_patch_baseline_action(backend, params):
    return update_baseline(backend, params)


def delete_patch_baseline_action(backend, params):
    return {"BaselineId": delete_baseline(backend, params.get("BaselineId"))}


def describe_patch_baselines_action(backend, params):
    return describe_baselines(backend, params)


def register_default_patch_baseline_action(backend, params):
    return {"BaselineId": register_default_baseline(backend, params.get("BaselineId"))}


def get_default_patch_baseline_action(backend, params):
    operating_system = validate_operating_system(params.get("OperatingSystem") or "WINDOWS")
    return {
        "BaselineId": default_baseline_id(backend, operating_system),
        "OperatingSystem": operating_system,
    }


def describe_patch_properties_action(_backend, params):
    return patch_properties.describe_patch_properties(params)


# --------------------------------------------------------------------------------------------------
# Tags: moto has no tag limits (SSM API Reference, AddTagsToResource: TooManyTagsError).


def add_tags_to_resource_action(backend, params):
    if params.get("Tags") is None:
        raise constraint_error(None, "tags", "Member must not be null")
    tags = validate_tag_list(params["Tags"])
    resource_type, resource_id = params.get("ResourceType"), params.get("ResourceId")
    check_tag_count(backend.list_tags_for_resource(resource_type, resource_id), tags, resource_type)
    backend.add_tags_to_resource(resource_type, resource_id, tags)
    return {}



ssm_tagging.register_taggable(
    "PatchBaseline", lambda backend, baseline_id: baseline_id in patch_state(backend).custom,
    "Patch baseline {resource_id} doesn't exist or isn't yours to tag.")
