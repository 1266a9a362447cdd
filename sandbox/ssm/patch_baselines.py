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
from sandbox.wire.request_validation import validation_error
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

CUSTOM_ID_RE = re.compile(r"pb-[0-9a-f]{17}")
BASELINE_ARN_RE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):ssm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"patchbaseline/(?P<id>pb-[0-9a-f]{17})"
)
APPROVE_UNTIL_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
PATCH_SET_VALUES = tuple(_SHAPES["PatchSet"]["enum"])

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
# Validation. The shape of every request (types, lengths, patterns, enums, required members, list
# sizes) is checked once, by the server's model validator (sandbox.wire.request_validation), before a
# handler runs. What is left here is what the service model cannot say: rules across members, rules
# per operating system, and what an id designates. Each check names where AWS documents it.


def operating_system_of(params):
    # API reference, CreatePatchBaseline / GetDefaultPatchBaseline / GetPatchBaselineForPatchGroup,
    # OperatingSystem: "The default value is WINDOWS." The model has the enum, not the default.
    return params.get("OperatingSystem") or "WINDOWS"


def validate_filter_group(group, operating_system, path, allowed_keys):
    """A PatchFilterGroup's rules the model cannot state: keys per operating system, each key once,
    the values PATCH_SET takes, and '*' (not 'All') for every value."""
    normalized, seen = [], set()
    for patch_filter in group["PatchFilters"]:
        key, values = patch_filter["Key"], patch_filter["Values"]
        # API reference, PatchFilter: the valid keys depend on the operating system (one table per
        # OS there); the model's PatchFilterKey enum is the union of all of them.
        if key not in allowed_keys:
            raise ValidationException(
                f"Patch filter key {key} isn't supported for operating system {operating_system} here. "
                f"Valid keys: {', '.join(allowed_keys)}."
            )
        # No AWS source states this rule; the sandbox has always refused a repeated key (a group is
        # an AND of its filters, and the values of one key are already alternatives).
        if key in seen:
            raise ValidationException(
                f"Duplicate patch filter key {key}: each key can appear only once in a patch filter group."
            )
        seen.add(key)
        for value in values:
            # API reference, PatchFilter: "*" is the documented value for every value of a key.
            if value.lower() == "all":
                raise ValidationException(
                    f"Patch filter value '{value}' isn't valid for key {key}: use '*' to match all values."
                )
            # API reference, PatchFilter, PATCH_SET: "Valid values: OS | APPLICATION" (Windows only).
            if key == "PATCH_SET" and value not in PATCH_SET_VALUES:
                raise ValidationException(
                    f"Patch filter value '{value}' isn't valid for key PATCH_SET: valid values are OS, APPLICATION."
                )
        normalized.append({"Key": key, "Values": list(values)})
    return {"PatchFilters": normalized}


def validate_approve_until_date(value, path):  # pylint: disable=unused-argument
    # API reference, PatchRule.ApproveUntilDate: "Enter dates in the format YYYY-MM-DD"; the model
    # only bounds the length (1-10).
    try:
        if not APPROVE_UNTIL_DATE_RE.fullmatch(value):
            raise ValueError(value)
        datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationException(
            f"ApproveUntilDate '{value}' isn't a valid date: use the format YYYY-MM-DD, for example 2025-11-16."
        ) from exc
    return value


def validate_patch_rule(rule, operating_system, path):
    """The stored form of a PatchRule (the API's defaults filled in), after the rules across its members."""
    filters = validate_filter_group(
        rule["PatchFilterGroup"], operating_system, f"{path}.patchFilterGroup", RULE_FILTER_KEYS[operating_system]
    )
    stored = {
        "PatchFilterGroup": filters,
        "ComplianceLevel": rule.get("ComplianceLevel", "UNSPECIFIED"),
        "EnableNonSecurity": rule.get("EnableNonSecurity", False),
    }
    days, until = rule.get("ApproveAfterDays"), rule.get("ApproveUntilDate")
    # API reference, PatchRule.ApproveAfterDays and ApproveUntilDate: "Not supported on Debian
    # Server or Ubuntu Server."
    if operating_system in NO_APPROVAL_DELAY_SYSTEMS:
        if days is not None or until is not None:
            raise ValidationException(
                f"ApproveAfterDays and ApproveUntilDate aren't supported for operating system {operating_system}: "
                "its repositories have no reliable release dates, so patches are approved immediately."
            )
        return stored
    # API reference, PatchRule.ApproveAfterDays: "This parameter is marked as Required: No, but
    # your request must include a value for either ApproveAfterDays or ApproveUntilDate."
    if days is not None and until is not None:
        raise ValidationException("Specify either ApproveAfterDays or ApproveUntilDate in a patch rule, not both.")
    if days is None and until is None:
        raise ValidationException(
            f"A patch rule for operating system {operating_system} must include either ApproveAfterDays "
            "or ApproveUntilDate."
        )
    if days is not None:
        stored["ApproveAfterDays"] = days
    else:
        stored["ApproveUntilDate"] = validate_approve_until_date(until, f"{path}.approveUntilDate")
    return stored


def validate_approval_rules(group, operating_system, path="approvalRules"):
    return {
        "PatchRules": [
            validate_patch_rule(rule, operating_system, f"{path}.patchRules.{index}.member")
            for index, rule in enumerate(group["PatchRules"], 1)
        ]
    }


def validate_sources(sources, operating_system, path="sources"):  # pylint: disable=unused-argument
    # API reference, PatchSource: "Applies to Linux managed nodes only."
    if sources and operating_system in NO_SOURCES_SYSTEMS:
        raise ValidationException(
            f"Sources aren't supported for operating system {operating_system}: they apply to Linux only."
        )
    normalized, names = [], set()
    for source in sources:
        name = source["Name"]
        # API reference, PatchSource.Name: "The name specified to identify the patch source"; a
        # second source of the same name could not be told apart (no AWS page states the error).
        if name in names:
            raise ValidationException(f"Duplicate patch source name {name}: source names must be unique.")
        names.add(name)
        normalized.append({"Name": name, "Products": list(source["Products"]),
                           "Configuration": source["Configuration"]})
    return normalized


def _validate_security_status(value, operating_system):
    # API reference, CreatePatchBaseline.AvailableSecurityUpdatesComplianceStatus: "Supported for
    # Windows Server managed nodes only."
    if operating_system != "WINDOWS":
        raise ValidationException(
            "AvailableSecurityUpdatesComplianceStatus is supported for operating system WINDOWS only, "
            f"not {operating_system}."
        )
    return value


def _as_given(value, _operating_system):
    return list(value) if isinstance(value, list) else value


# Every settable baseline field and how it is stored (value, operating system) -> stored value.
FIELD_VALIDATORS = {
    "Name": _as_given,
    "Description": _as_given,
    "GlobalFilters": lambda value, os_: validate_filter_group(value, os_, "globalFilters", GLOBAL_FILTER_KEYS[os_]),
    "ApprovalRules": validate_approval_rules,
    "ApprovedPatches": _as_given,
    "ApprovedPatchesComplianceLevel": _as_given,
    "ApprovedPatchesEnableNonSecurity": _as_given,
    "RejectedPatches": _as_given,
    "RejectedPatchesAction": _as_given,
    "Sources": validate_sources,
    "AvailableSecurityUpdatesComplianceStatus": _validate_security_status,
}


def validate_baseline_fields(params, operating_system, name_required):
    """The stored form of every baseline field present (not null) in a Create/Update request."""
    # CreatePatchBaseline's Name is required by the model; UpdatePatchBaseline's only with Replace
    # (API reference, UpdatePatchBaseline.Replace: "If True, then all fields that are required by
    # the CreatePatchBaseline operation are also required for this API request.").
    if name_required and params.get("Name") is None:
        raise validation_error(None, "name", "not be null")
    return {
        field: store(params[field], operating_system)
        for field, store in FIELD_VALIDATORS.items()
        if params.get(field) is not None
    }


def validate_tag_list(tags, path="tags"):  # pylint: disable=unused-argument
    """[{Key, Value}] -> {key: value}; the model bounds the list, the keys and the values."""
    return {tag["Key"]: tag["Value"] for tag in tags}


def check_tag_count(existing_keys, new_keys, resource_type):
    # A limit across the resource's existing and new tags, which a request's model cannot see: API
    # reference, AddTagsToResource, Errors: TooManyTagsError; 50 tags per resource is AWS's tagging
    # limit (Tagging AWS resources, "Tag naming limits and requirements"). The 5 for Automation is
    # the sandbox's earlier table, kept as it was (no AWS source checked here).
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
    state = patch_state(backend)
    if CUSTOM_ID_RE.fullmatch(baseline_id):
        baseline = state.custom.get(baseline_id)
    else:
        arn = BASELINE_ARN_RE.fullmatch(baseline_id)
        # The model's BaselineId pattern admits any 20-128 of [a-zA-Z0-9_-:/]; an id is `pb-` and 17
        # hex digits, or an ARN (API reference, GetPatchBaseline.BaselineId: "The ID of the patch
        # baseline to retrieve. To retrieve information about an AWS managed patch baseline, specify
        # the full Amazon Resource Name (ARN) of the baseline.").
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
    """The stored baseline, or None when the id designates none (or is no id at all)."""
    if not isinstance(baseline_id, str):
        return None
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
    operating_system = operating_system_of(params)
    fields = validate_baseline_fields(params, operating_system, name_required=False)
    tags = validate_tag_list(params["Tags"]) if params.get("Tags") is not None else {}
    check_tag_count((), tags, "PatchBaseline")
    token = params.get("ClientToken")
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


def validate_filters(filters, supported):
    """[(key, values)] of a PatchOrchestratorFilter list, each key among `supported` (a dict of checks).

    The model leaves the key a free string (1-128) and the values unchecked: which keys and values an
    operation takes is in its API reference page (DescribePatchBaselines.Filters: NAME_PREFIX, OWNER,
    OPERATING_SYSTEM; DescribePatchGroups.Filters: NAME_PREFIX, OPERATING_SYSTEM).
    """
    parsed = []
    for patch_filter in filters or []:
        key, values = patch_filter.get("Key"), patch_filter.get("Values") or []
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
    operating_system = operating_system_of(params)
    return {
        "BaselineId": default_baseline_id(backend, operating_system),
        "OperatingSystem": operating_system,
    }


def describe_patch_properties_action(_backend, params):
    return patch_properties.describe_patch_properties(params)


# --------------------------------------------------------------------------------------------------
# Tags: moto has no tag limits (SSM API Reference, AddTagsToResource: TooManyTagsError).


def add_tags_to_resource_action(backend, params):
    tags = validate_tag_list(params["Tags"])
    resource_type, resource_id = params.get("ResourceType"), params.get("ResourceId")
    check_tag_count(backend.list_tags_for_resource(resource_type, resource_id), tags, resource_type)
    backend.add_tags_to_resource(resource_type, resource_id, tags)
    return {}



ssm_tagging.register_taggable(
    "PatchBaseline", lambda backend, baseline_id: baseline_id in patch_state(backend).custom,
    "Patch baseline {resource_id} doesn't exist or isn't yours to tag.")
