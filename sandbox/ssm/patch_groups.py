"""Patch groups: which baseline a group of nodes uses, one baseline per operating system.

Registrations live in the backend's PatchManagerState (sandbox.ssm.patch_baselines), beside the
baselines, because deleting a baseline must know whether a group still uses it.
`baseline_for_patch_group` (registered baseline, else the OS default) is re-exported here.
"""

from sandbox.wire.errors import AlreadyExistsException, DoesNotExistException, ResourceLimitExceededException
from sandbox.wire.paging import paginate
from sandbox.ssm.patch_baselines import (
    check_os_values,
    baseline_for_patch_group,
    baseline_identity,
    operating_system_of,
    patch_groups_of,
    patch_state,
    resolve_baseline,
    validate_filters,
)

__all__ = ["baseline_for_patch_group"]

# Systems Manager service quotas, "Patch groups per patch baseline": 25.
MAX_PATCH_GROUPS_PER_BASELINE = 25
DESCRIBE_LIMITS = {"default": 100, "minimum": 1, "maximum": 100}


def register_patch_group(backend, baseline_id, patch_group):
    state = patch_state(backend)
    with state.lock:
        baseline = resolve_baseline(backend, baseline_id)
        canonical_id, operating_system = baseline["BaselineId"], baseline["OperatingSystem"]
        registered = state.patch_groups.get(patch_group, {}).get(operating_system)
        if registered is not None:
            raise AlreadyExistsException(
                f"Patch group {patch_group} is already registered with patch baseline {registered} for "
                f"operating system {operating_system}: a patch group has one baseline per operating system. "
                "Deregister it first."
            )
        if len(patch_groups_of(backend, canonical_id)) >= MAX_PATCH_GROUPS_PER_BASELINE:
            raise ResourceLimitExceededException(
                f"Patch baseline {canonical_id} already has the maximum of {MAX_PATCH_GROUPS_PER_BASELINE} "
                "patch groups."
            )
        state.patch_groups.setdefault(patch_group, {})[operating_system] = canonical_id
    return canonical_id


def deregister_patch_group(backend, baseline_id, patch_group):
    state = patch_state(backend)
    with state.lock:
        baseline = resolve_baseline(backend, baseline_id)
        canonical_id, operating_system = baseline["BaselineId"], baseline["OperatingSystem"]
        by_os = state.patch_groups.get(patch_group, {})
        if by_os.get(operating_system) != canonical_id:
            raise DoesNotExistException(
                f"Patch group {patch_group} isn't registered with patch baseline {canonical_id}."
            )
        del by_os[operating_system]
        if not by_os:
            del state.patch_groups[patch_group]
    return canonical_id


PATCH_GROUP_FILTERS = {"NAME_PREFIX": lambda values: None, "OPERATING_SYSTEM": check_os_values}


def mapping_matches(patch_group, operating_system, parsed_filters):
    for key, values in parsed_filters:
        if not values:
            continue
        if key == "NAME_PREFIX" and not any(patch_group.startswith(prefix) for prefix in values):
            return False
        if key == "OPERATING_SYSTEM" and operating_system not in values:
            return False
    return True


def describe_patch_groups(backend, params):
    parsed = validate_filters(params.get("Filters"), PATCH_GROUP_FILTERS)
    state = patch_state(backend)
    with state.lock:
        mappings = [
            {
                "PatchGroup": patch_group,
                "BaselineIdentity": baseline_identity(
                    state, state.predefined.get(baseline_id) or state.custom[baseline_id]
                ),
            }
            for patch_group, by_os in state.patch_groups.items()
            for operating_system, baseline_id in by_os.items()
            if mapping_matches(patch_group, operating_system, parsed)
        ]
    page, token = paginate(
        mappings, params.get("MaxResults"), params.get("NextToken"),
        context=["DescribePatchGroups", parsed], **DESCRIBE_LIMITS,
    )
    result = {"Mappings": page}
    if token:
        result["NextToken"] = token
    return result


# Action handlers (registered in sandbox/ssm/actions.py): handler(backend, params) -> output dict.


def register_patch_baseline_for_patch_group_action(backend, params):
    baseline_id = register_patch_group(backend, params.get("BaselineId"), params.get("PatchGroup"))
    return {"BaselineId": baseline_id, "PatchGroup": params["PatchGroup"]}


def deregister_patch_baseline_for_patch_group_action(backend, params):
    baseline_id = deregister_patch_group(backend, params.get("BaselineId"), params.get("PatchGroup"))
    return {"BaselineId": baseline_id, "PatchGroup": params["PatchGroup"]}


def get_patch_baseline_for_patch_group_action(backend, params):
    patch_group = params["PatchGroup"]
    operating_system = operating_system_of(params)
    return {
        "BaselineId": baseline_for_patch_group(backend, patch_group, operating_system),
        "PatchGroup": patch_group,
        "OperatingSystem": operating_system,
    }
