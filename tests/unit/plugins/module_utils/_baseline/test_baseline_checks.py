"""ssm_patch_baseline's checks across options and against the baseline the task names."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import DEFINITION_OPTIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import aws_owned_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import baseline_operating_system
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import missing_id_warnings
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import missing_ids
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import present_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import validate_info_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import validate_parameters

SYSTEMS = ["AMAZON_LINUX_2", "WINDOWS", "UBUNTU"]
ARN = "arn:aws:ssm:us-east-1:111111111111:patchbaseline/pb-0123456789abcdef0"


def task(**overrides):
    params = dict.fromkeys(DEFINITION_OPTIONS)
    params.update(name=None, baseline_id=None, state="present", operating_system=None, default_baseline=None,
                  validate_filter_values=True, purge_tags=True)
    params.update(overrides)
    return params


def baseline(**overrides):
    return dict({"baseline_id": "pb-0123456789abcdef0", "name": "web", "operating_system": "AMAZON_LINUX_2"}, **overrides)


AWS_OWNED = baseline(baseline_id=ARN, name="AWS-AmazonLinux2DefaultPatchBaseline")


def test_options_alone_are_checked_with_the_api_s_systems():
    desired, errors = validate_parameters(task(name="web", operating_system="AMAZON_LINUX_3", description="d"), SYSTEMS)
    assert desired == {"description": "d"}
    assert errors == ["operating_system must be one of AMAZON_LINUX_2, WINDOWS, UBUNTU, got 'AMAZON_LINUX_3'"]
    assert validate_parameters(task(name="we b", baseline_id="pb-1", tags={"aws:x": "y"}), SYSTEMS)[1] == [
        "name must be 3 to 128 letters, digits, '_', '-' or '.', got 'we b'",
        "baseline_id must be a baseline id (pb-...) or an AWS-owned baseline's ARN, got 'pb-1'",
        "tags.aws:x: keys starting with aws: are reserved for AWS",
    ]


def test_an_aws_owned_baseline_can_only_be_made_the_default():
    assert aws_owned_error(AWS_OWNED, task(name="AWS-AmazonLinux2DefaultPatchBaseline", default_baseline=True)) is None
    assert aws_owned_error(AWS_OWNED, task(baseline_id=ARN, operating_system="AMAZON_LINUX_2")) is None


@pytest.mark.parametrize("overrides, expected", [
    ({"state": "absent"},
     "state=absent: AWS-AmazonLinux2DefaultPatchBaseline ({arn}) is an AWS-owned baseline; AWS-owned baselines cannot be deleted"),
    ({"name": "mine", "description": "d", "tags": {}},
     "name, description, tags: AWS-AmazonLinux2DefaultPatchBaseline ({arn}) is an AWS-owned baseline; it cannot be changed"),
    ({"operating_system": "WINDOWS"},
     "operating_system: AWS-AmazonLinux2DefaultPatchBaseline ({arn}) is an AWS-owned baseline for AMAZON_LINUX_2, not WINDOWS"),
])
def test_an_aws_owned_baseline_refuses_every_other_change(overrides, expected):
    assert aws_owned_error(AWS_OWNED, task(**overrides)).startswith(expected.format(arn=ARN))


def test_a_baseline_id_that_names_nothing_is_not_created():
    assert present_error(None, task(baseline_id="pb-0000000000000000f"), {}, SYSTEMS, "eu-west-1") == (
        "baseline_id: no baseline pb-0000000000000000f in eu-west-1")


@pytest.mark.parametrize("overrides, expected", [
    ({"name": "web"}, "operating_system is required to create a baseline (no baseline is named web in eu-west-1)"),
    ({}, "name and operating_system are required to create a baseline (no baseline is named None in eu-west-1)"),
])
def test_a_create_needs_a_name_and_a_system(overrides, expected):
    assert present_error(None, task(**overrides), {}, SYSTEMS, "eu-west-1") == expected


def test_a_create_with_both_passes():
    assert present_error(None, task(name="web", operating_system="UBUNTU"), {}, SYSTEMS, "eu-west-1") is None


def test_a_baseline_s_system_never_changes():
    assert present_error(baseline(), task(name="web", operating_system="WINDOWS"), {}, SYSTEMS, "eu-west-1") == (
        "operating_system cannot change: web (pb-0123456789abcdef0) is a AMAZON_LINUX_2 baseline; "
        "create another baseline for WINDOWS")


def test_without_operating_system_the_fields_are_checked_against_the_baseline_s():
    # Windows has no sources: known only once the existing baseline's system is.
    desired = {"sources": [{"name": "repo", "products": ["p"], "configuration": "c"}]}
    assert present_error(baseline(operating_system="WINDOWS"), task(name="web"), desired, SYSTEMS, "eu-west-1") == (
        "sources are for Linux baselines only, not WINDOWS")
    assert present_error(baseline(), task(name="web"), desired, SYSTEMS, "eu-west-1") is None


def test_the_system_of_the_baseline_changed_is_the_task_s_or_the_existing_one_s():
    assert baseline_operating_system(None, task(operating_system="UBUNTU")) == "UBUNTU"
    assert baseline_operating_system(baseline(), task()) == "AMAZON_LINUX_2"


def info(**overrides):
    return dict({"name": None, "name_prefix": None, "baseline_ids": None, "owner": "All", "operating_system": None}, **overrides)


@pytest.mark.parametrize("overrides, expected", [
    ({"name": ""}, "name is empty"),
    ({"baseline_ids": []}, "baseline_ids is empty"),
    ({"name_prefix": "web servers"}, "name_prefix must be 1 to 128 letters, digits, '_', '-' or '.', got 'web servers'"),
    ({"baseline_ids": ["pb-0123456789abcdef0", "pb-1"]}, "baseline_ids[1] must be a baseline id"),
    ({"operating_system": "AMAZON_LINUX_3"}, "operating_system must be one of AMAZON_LINUX_2, WINDOWS, UBUNTU, got 'AMAZON_LINUX_3'"),
])
def test_info_filters_that_mean_nothing_or_cannot_match_are_errors(overrides, expected):
    errors = validate_info_parameters(info(**overrides), SYSTEMS)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_info_filters_the_api_takes_pass():
    assert validate_info_parameters(info(name_prefix="w", baseline_ids=["pb-0123456789abcdef0", ARN], operating_system="UBUNTU"), SYSTEMS) == []
    assert validate_info_parameters(info(), SYSTEMS) == []


def test_an_id_asked_for_that_the_region_lacks_is_named_with_its_index_and_region():
    listed = [{"BaselineId": "pb-0aaaaaaaaaaaaaaaa"}, {"BaselineId": ARN}]
    wanted = ["pb-0aaaaaaaaaaaaaaaa", "pb-0000000000000000f", "pb-0123456789abcdef0"]
    missing = missing_ids(listed, wanted)
    # An AWS-owned baseline answers to the pb- part of its ARN as well.
    assert missing == ["pb-0000000000000000f"]
    assert missing_id_warnings(info(baseline_ids=wanted), missing, "eu-west-1") == ["baseline_ids[1]: no baseline pb-0000000000000000f in eu-west-1"]
    assert missing_id_warnings(info(baseline_ids=wanted, operating_system="WINDOWS"), missing, "eu-west-1") == [
        "baseline_ids[1]: no WINDOWS baseline pb-0000000000000000f in eu-west-1"]
    assert missing_ids(listed, None) == [] and missing_id_warnings(info(), [], "eu-west-1") == []
