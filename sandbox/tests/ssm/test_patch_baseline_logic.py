"""Pure logic of the baseline backend, without a server: validation, filters, the plain functions."""

import pytest
from moto.ssm.models import SimpleSystemManagerBackend

from sandbox.wire.errors import ValidationException
from sandbox.ssm.patch_baselines import (
    RULE_FILTER_KEYS,
    baseline_for_patch_group,
    baseline_matches,
    create_baseline,
    default_baseline_id,
    find_baseline,
    get_baseline,
    validate_patch_rule,
)
from sandbox.ssm.patch_groups import register_patch_group
from sandbox.ssm.predefined_baselines import PREDEFINED_BASELINES, operating_systems, predefined_baselines
from sandbox.wire.request_validation import RequestValidator


@pytest.fixture
def backend():
    return SimpleSystemManagerBackend("us-east-1", "123456789012")


def test_filter_key_table_covers_every_operating_system():
    assert set(RULE_FILTER_KEYS) == set(operating_systems())


def test_predefined_baselines_satisfy_the_custom_rules():
    """AWS's own baselines are valid baselines: the table must pass the validation customers face,
    the service model's (the server's validator) and the rules the model cannot state."""
    validator = RequestValidator("ssm")
    for operating_system, name, _description, _default, _rules in PREDEFINED_BASELINES:
        baseline = next(b for b in predefined_baselines("us-east-1") if b["Name"] == name)
        request = {"Name": name, "OperatingSystem": operating_system, "ApprovalRules": baseline["ApprovalRules"],
                   "GlobalFilters": baseline["GlobalFilters"]}
        assert validator.validate("CreatePatchBaseline", request) == [], name
        for index, rule in enumerate(baseline["ApprovalRules"]["PatchRules"], 1):
            assert validate_patch_rule(rule, operating_system, f"rule{index}") == rule, name


def test_predefined_ids_are_stable_and_distinct():
    first = [b["BaselineId"] for b in predefined_baselines("eu-west-3")]
    predefined_baselines.cache_clear()
    assert [b["BaselineId"] for b in predefined_baselines("eu-west-3")] == first
    assert len(set(first)) == len(first)
    assert all(arn.startswith("arn:aws:ssm:eu-west-3:") for arn in first)


def test_rule_validation_messages_are_helpful():
    with pytest.raises(ValidationException) as excinfo:
        validate_patch_rule({"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["All"]}]},
                             "ApproveAfterDays": 1}, "AMAZON_LINUX_2", "rule")
    assert "'*'" in excinfo.value.message


def test_baseline_matches():
    aws = {"BaselineId": "arn:aws:ssm:us-east-1:1:patchbaseline/pb-0", "Name": "AWS-X", "OperatingSystem": "SUSE"}
    own = {"BaselineId": "pb-0123456789abcdef0", "Name": "Mine", "OperatingSystem": "SUSE"}
    assert baseline_matches(aws, [("OWNER", ["AWS"])]) and not baseline_matches(own, [("OWNER", ["AWS"])])
    assert baseline_matches(own, [("NAME_PREFIX", ["Mi"]), ("OPERATING_SYSTEM", ["SUSE", "DEBIAN"])])
    assert not baseline_matches(own, [("NAME_PREFIX", ["ine"])])


def test_plain_functions_for_the_agent(backend):
    al2_default = default_baseline_id(backend, "AMAZON_LINUX_2")
    assert get_baseline(backend, al2_default)["Name"] == "AWS-AmazonLinux2DefaultPatchBaseline"
    assert find_baseline(backend, "pb-0123456789abcdef0") is None
    custom = create_baseline(backend, {"Name": "app", "OperatingSystem": "AMAZON_LINUX_2"})
    register_patch_group(backend, custom, "App")
    assert baseline_for_patch_group(backend, "App", "AMAZON_LINUX_2") == custom
    assert baseline_for_patch_group(backend, "Web", "AMAZON_LINUX_2") == al2_default
    assert baseline_for_patch_group(backend, None, "AMAZON_LINUX_2") == al2_default
    assert baseline_for_patch_group(backend, "App", "WINDOWS") == default_baseline_id(backend, "WINDOWS")
    # The stored form is the API's: evaluation reads rules directly.
    assert get_baseline(backend, custom)["ApprovalRules"] == {"PatchRules": []}
