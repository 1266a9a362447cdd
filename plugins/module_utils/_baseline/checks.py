# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ssm_patch_baseline's checks across options, and against the baseline a task names, before any write;
ssm_patch_baseline_info's checks of its filters, and its warnings for ids that name nothing.

Plain functions of the task's parameters (and of the current baseline, in the collection's shape):
each returns the errors, or the one error, a task gets; nothing here calls AWS.
"""

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import BASELINE_NAME_PREFIX_PATTERN
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import desired_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import matches_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_tags
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

# Options that describe a baseline's definition: an AWS-owned baseline takes none of them.
DEFINITION_OPTIONS = (
    "description", "approval_rules", "global_filters", "approved_patches", "approved_patches_compliance_level",
    "approved_patches_enable_non_security", "rejected_patches", "rejected_patches_action", "sources",
    "available_security_updates_compliance_status", "tags",
)


def validate_parameters(params, operating_systems):
    """(the task's baseline fields, every error in the options alone)."""
    desired = desired_fields(params)
    errors = validate_name(params["name"]) + validate_baseline_id(params["baseline_id"])
    errors += validate_fields(desired, params["operating_system"], operating_systems)
    errors += validate_tags(params["tags"])
    return desired, errors


def aws_owned_error(current, params):
    """Why the task cannot apply to this AWS-owned baseline, or None: it may only make it (or stop it being) the default."""
    where = f"{current['name']} ({current['baseline_id']}) is an AWS-owned baseline"
    if params["state"] == "absent":
        return f"state=absent: {where}; AWS-owned baselines cannot be deleted"
    given = [option for option in DEFINITION_OPTIONS if params[option] is not None]
    if params["name"] is not None and params["name"] != current["name"]:
        given.insert(0, "name")
    if given:
        return (
            f"{', '.join(given)}: {where}; it cannot be changed, only made its operating system's default with "
            "default_baseline (create a baseline of your own to change a definition)"
        )
    if params["operating_system"] is not None and params["operating_system"] != current["operating_system"]:
        return f"operating_system: {where} for {current['operating_system']}, not {params['operating_system']}"
    return None


def present_error(current, params, desired, operating_systems, region):
    """Why state=present cannot create or update, or None. `current` is the task's own baseline or None."""
    if current is None and params["baseline_id"] is not None:
        return f"baseline_id: no baseline {params['baseline_id']} in {region}"
    if current is None:
        missing = [option for option in ("name", "operating_system") if params[option] is None]
        if missing:
            return (
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required to create a baseline "
                f"(no baseline is named {params['name']} in {region})"
            )
        return None
    if params["operating_system"] is not None and params["operating_system"] != current["operating_system"]:
        return (
            f"operating_system cannot change: {current['name']} ({current['baseline_id']}) is a "
            f"{current['operating_system']} baseline; create another baseline for {params['operating_system']}"
        )
    if params["operating_system"] is None:
        # Only now is the OS known, and with it the filter keys and options it allows.
        errors = validate_fields(desired, current["operating_system"], operating_systems)
        if errors:
            return "; ".join(errors)
    return None


def baseline_operating_system(current, params):
    """The operating system of the baseline the task creates or updates."""
    return params["operating_system"] if current is None else current["operating_system"]


def validate_info_parameters(params, operating_systems):
    """Errors in ssm_patch_baseline_info's filters that the argument spec cannot express, before any API call."""
    errors = blank_errors(params, ["name", "name_prefix", "baseline_ids"])
    if not errors:
        errors += validate_name(params["name"])
        prefix = params["name_prefix"]
        if prefix is not None and not full_match(BASELINE_NAME_PREFIX_PATTERN, prefix):
            errors.append(f"name_prefix must be 1 to 128 letters, digits, '_', '-' or '.', got {prefix!r}")
        for index, baseline_id in enumerate(params["baseline_ids"] or []):
            errors += validate_baseline_id(baseline_id, f"baseline_ids[{index}]")
    operating_system = params["operating_system"]
    if operating_system is not None and operating_system not in operating_systems:
        errors.append(f"operating_system must be one of {', '.join(operating_systems)}, got {operating_system!r}")
    return errors


def missing_ids(identities, baseline_ids):
    """The asked-for ids that no baseline of the listing (DescribePatchBaselines identities) has."""
    return [wanted for wanted in baseline_ids or [] if not any(matches_baseline_id(item["BaselineId"], wanted) for item in identities)]


def missing_id_warnings(params, missing, region):
    """One warning per asked-for id that names no baseline, with its option path and the region."""
    system = f"{params['operating_system']} " if params["operating_system"] else ""
    return [f"baseline_ids[{index}]: no {system}baseline {baseline_id} in {region}"
            for index, baseline_id in enumerate(params["baseline_ids"] or []) if baseline_id in missing]
