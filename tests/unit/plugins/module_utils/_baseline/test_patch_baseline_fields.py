"""The pure logic behind ssm_patch_baseline: a task's fields, their validation, comparison and API shape."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import changed_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import desired_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import fields_to_api
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import normalize_filters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_tags

SYSTEMS = ["WINDOWS", "AMAZON_LINUX_2", "UBUNTU", "DEBIAN", "MACOS", "REDHAT_ENTERPRISE_LINUX"]


def params(**given):
    names = [
        "description", "approval_rules", "global_filters", "approved_patches", "approved_patches_compliance_level",
        "approved_patches_enable_non_security", "rejected_patches", "rejected_patches_action", "sources",
        "available_security_updates_compliance_status",
    ]
    return dict(dict.fromkeys(names), **given)


def rule(**given):
    return dict({"patch_filters": {"PRODUCT": "*"}, "approve_after_days": 0}, **given)


def errors_for(operating_system="AMAZON_LINUX_2", **given):
    return validate_fields(desired_fields(params(**given)), operating_system, SYSTEMS)


def test_console_all_becomes_star_and_single_values_become_lists():
    assert normalize_filters({"PRODUCT": "All", "CLASSIFICATION": ["Security", "All"]}) == {
        "PRODUCT": ["*"],
        "CLASSIFICATION": ["Security", "*"],
    }


def test_only_the_options_a_task_gives_are_desired():
    desired = desired_fields(params(approved_patches=[], approval_rules=[rule()]))
    assert desired == {
        "approved_patches": [],
        "approval_rules": [
            {
                "patch_filters": {"PRODUCT": ["*"]},
                "approve_after_days": 0,
                "approve_until_date": None,
                "compliance_level": "UNSPECIFIED",
                "enable_non_security": False,
            }
        ],
    }


def test_the_workshop_baseline_is_valid():
    assert errors_for(
        approval_rules=[
            rule(patch_filters={"PRODUCT": "All", "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": "All"}, compliance_level="CRITICAL"),
            rule(compliance_level="MEDIUM", enable_non_security=True),
        ],
        approved_patches=["kernel*"],
        approved_patches_compliance_level="HIGH",
        approved_patches_enable_non_security=True,
    ) == []


@pytest.mark.parametrize(
    "operating_system, given, expected",
    [
        ("AMAZON_LINUX_2", {"approval_rules": [rule(approve_after_days=360)]}, None),
        ("AMAZON_LINUX_2", {"approval_rules": [rule(approve_after_days=361)]}, "approval_rules[0].approve_after_days must be 0-360, got 361"),
        ("AMAZON_LINUX_2", {"approval_rules": [rule(approve_after_days=None, approve_until_date="2026-12-31")]}, None),
        ("AMAZON_LINUX_2", {"approval_rules": [rule(approve_until_date="2026-12-31")]},
         "approval_rules[0]: set approve_after_days or approve_until_date, not both"),
        ("AMAZON_LINUX_2", {"approval_rules": [rule(approve_after_days=None)]}, "approval_rules[0]: set approve_after_days or approve_until_date"),
        ("UBUNTU", {"approval_rules": [{"patch_filters": {"PRIORITY": "Required"}}]}, None),
        ("DEBIAN", {"approval_rules": [{"patch_filters": {"PRIORITY": "Required"}, "approve_after_days": 1}]}, "approval_rules[0]: DEBIAN approves"),
        ("AMAZON_LINUX_2", {"approval_rules": [rule(approve_after_days=None, approve_until_date="2026-13-01")]},
         "approval_rules[0].approve_until_date must be a date"),
        ("AMAZON_LINUX_2", {"approval_rules": [rule(patch_filters={"PATCH_SET": "OS"})]},
         "approval_rules[0].patch_filters.PATCH_SET is not a filter key for AMAZON_LINUX_2"),
        ("WINDOWS", {"approval_rules": [rule(patch_filters={"PATCH_SET": "OS"})]}, None),
        # No AWS page gives a baseline's global filters keys beyond its rules' (see _baseline/facts.py).
        ("AMAZON_LINUX_2", {"global_filters": {"ADVISORY_ID": "ALAS2-2026-1"}},
         "global_filters.ADVISORY_ID is not a filter key for AMAZON_LINUX_2"),
        ("AMAZON_LINUX_2", {"global_filters": {"SEVERITY": "Critical"}}, None),
        ("WINDOWS", {"global_filters": {"PATCH_ID": "KB123456"}}, "global_filters.PATCH_ID is not a filter key for WINDOWS"),
        ("DEBIAN", {"approval_rules": [{"patch_filters": {"SECTION": "libs"}}]}, None),
        ("WINDOWS", {"global_filters": {"ADVISORY_ID": "x"}}, "global_filters.ADVISORY_ID is not a filter key for WINDOWS"),
        ("AMAZON_LINUX_2", {"approval_rules": [rule()] * 11}, "approval_rules has 11 rules; at most 10"),
        ("AMAZON_LINUX_2", {"approved_patches": ["p"] * 50}, None),
        ("AMAZON_LINUX_2", {"approved_patches": ["p"] * 51}, "approved_patches has 51 patches"),
        ("MACOS", {"sources": [{"name": "mirror", "products": ["x"], "configuration": "y"}]}, "sources are for Linux baselines only, not MACOS"),
        ("AMAZON_LINUX_2", {"available_security_updates_compliance_status": "COMPLIANT"}, "available_security_updates_compliance_status is for Windows"),
        ("WINDOWS", {"available_security_updates_compliance_status": "COMPLIANT"}, None),
    ],
)
def test_rules_of_the_api_with_the_parameter_path(operating_system, given, expected):
    errors = errors_for(operating_system, **given)
    if expected is None:
        assert errors == []
    else:
        assert any(error.startswith(expected) for error in errors), errors


def test_os_specific_checks_wait_until_the_os_is_known():
    # Updating a baseline without operating_system: the module checks these again once it has read the OS.
    assert errors_for(None, approval_rules=[rule(patch_filters={"PRIORITY": "Required"}, approve_after_days=None)]) == []


def test_names_and_tags():
    assert validate_name("AmazonLinux2SecAndNonSecBaseline") == []
    assert validate_name("no spaces please") != []
    assert validate_tags({"team": "ops"}) == []
    assert validate_tags({"aws:reserved": "x"}) == ["tags.aws:reserved: keys starting with aws: are reserved for AWS"]
    assert len(validate_tags({str(index): "v" for index in range(51)})) == 1


CURRENT = {
    "description": "d",
    "approval_rules": [
        {"patch_filters": {"PRODUCT": ["*"], "CLASSIFICATION": ["Security", "Bugfix"]}, "approve_after_days": 0,
         "approve_until_date": None, "compliance_level": "CRITICAL", "enable_non_security": False},
        {"patch_filters": {"PRODUCT": ["*"]}, "approve_after_days": 0, "approve_until_date": None,
         "compliance_level": "MEDIUM", "enable_non_security": True},
    ],
    "global_filters": {},
    "approved_patches": ["kernel*", "openssl"],
    "rejected_patches": [],
}


def test_order_of_set_like_lists_and_rules_makes_no_change():
    desired = desired_fields(params(
        approved_patches=["openssl", "kernel*"],
        approval_rules=[
            rule(compliance_level="MEDIUM", enable_non_security=True),
            rule(patch_filters={"CLASSIFICATION": ["Bugfix", "Security"], "PRODUCT": "All"}, compliance_level="CRITICAL"),
        ],
    ))
    assert changed_fields(CURRENT, desired) == {}


def test_a_changed_or_cleared_field_is_sent_whole():
    desired = desired_fields(params(approved_patches=[], description="d", rejected_patches_action="BLOCK"))
    changes = changed_fields(CURRENT, desired)
    assert changes == {"approved_patches": [], "rejected_patches_action": "BLOCK"}
    assert fields_to_api(changes) == {"ApprovedPatches": [], "RejectedPatchesAction": "BLOCK"}


def test_api_shape_of_rules_and_sources():
    desired = desired_fields(params(
        approval_rules=[rule(approve_after_days=None, approve_until_date="2026-12-31", compliance_level="HIGH")],
        global_filters={"PRODUCT": "AmazonLinux2"},
        sources=[{"name": "mirror", "products": ["AmazonLinux2"], "configuration": "[main]"}],
    ))
    assert fields_to_api(desired) == {
        "ApprovalRules": {"PatchRules": [{
            "PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
            "ComplianceLevel": "HIGH",
            "EnableNonSecurity": False,
            "ApproveUntilDate": "2026-12-31",
        }]},
        "GlobalFilters": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["AmazonLinux2"]}]},
        "Sources": [{"Name": "mirror", "Products": ["AmazonLinux2"], "Configuration": "[main]"}],
    }
