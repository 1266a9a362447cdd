import datetime

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import baseline_arn
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import baseline_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import default_baselines_by_os
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import is_aws_owned
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import matches_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import select_identities

AL2_DEFAULT = "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-0be8c61cde3be63f3"
WORKSHOP_ID = "pb-0123456789abcdef0"

# The workshop's baseline as GetPatchBaseline returns it.
WORKSHOP_API = {
    "BaselineId": WORKSHOP_ID,
    "Name": "AmazonLinux2SecAndNonSecBaseline",
    "OperatingSystem": "AMAZON_LINUX_2",
    "Description": "Amazon Linux 2 patch baseline including security and non-security patches",
    "GlobalFilters": {"PatchFilters": []},
    "ApprovalRules": {
        "PatchRules": [
            {
                "PatchFilterGroup": {
                    "PatchFilters": [
                        {"Key": "PRODUCT", "Values": ["*"]},
                        {"Key": "CLASSIFICATION", "Values": ["Security", "Bugfix"]},
                        {"Key": "SEVERITY", "Values": ["*"]},
                    ]
                },
                "ComplianceLevel": "CRITICAL",
                "ApproveAfterDays": 0,
                "EnableNonSecurity": False,
            },
            {
                "PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
                "ComplianceLevel": "MEDIUM",
                "ApproveAfterDays": 0,
                "EnableNonSecurity": True,
            },
        ]
    },
    "ApprovedPatches": ["kernel*"],
    "ApprovedPatchesComplianceLevel": "HIGH",
    "ApprovedPatchesEnableNonSecurity": True,
    "RejectedPatches": [],
    "RejectedPatchesAction": "ALLOW_AS_DEPENDENCY",
    "PatchGroups": ["Web", "App"],
    "CreatedDate": datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.timezone.utc),
    "ModifiedDate": datetime.datetime(2026, 11, 30, 11, 0, tzinfo=datetime.timezone.utc),
    "Sources": [],
}


def test_aws_owned_baselines_are_the_ones_addressed_by_arn():
    assert is_aws_owned(AL2_DEFAULT)
    assert not is_aws_owned(WORKSHOP_ID)


def test_arn_of_own_baseline_is_built_and_aws_owned_arn_is_kept():
    assert baseline_arn(WORKSHOP_ID, "eu-west-1", "123456789012") == (
        "arn:aws:ssm:eu-west-1:123456789012:patchbaseline/pb-0123456789abcdef0"
    )
    assert baseline_arn(AL2_DEFAULT, "eu-west-1", "123456789012") == AL2_DEFAULT


def test_workshop_baseline_in_the_collections_shape():
    result = baseline_to_ansible(WORKSHOP_API, arn="arn:x", tags={"team": "ops"}, default_baseline=False)
    assert result["approval_rules"] == [
        {
            "patch_filters": {"PRODUCT": ["*"], "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": ["*"]},
            "approve_after_days": 0,
            "approve_until_date": None,
            "compliance_level": "CRITICAL",
            "enable_non_security": False,
        },
        {
            "patch_filters": {"PRODUCT": ["*"]},
            "approve_after_days": 0,
            "approve_until_date": None,
            "compliance_level": "MEDIUM",
            "enable_non_security": True,
        },
    ]
    assert result["global_filters"] == {}
    assert result["approved_patches"] == ["kernel*"]
    assert result["approved_patches_compliance_level"] == "HIGH"
    assert result["approved_patches_enable_non_security"] is True
    assert result["patch_groups"] == ["App", "Web"]
    assert result["owner"] == "Self"
    assert result["tags"] == {"team": "ops"}
    assert result["created_date"] == "2026-11-30T10:00:00+00:00"
    assert result["modified_date"] == "2026-11-30T11:00:00+00:00"


def test_fields_aws_leaves_out_get_the_apis_defaults():
    result = baseline_to_ansible({"BaselineId": AL2_DEFAULT, "Name": "AWS-AmazonLinux2DefaultPatchBaseline"})
    assert result["owner"] == "AWS"
    assert result["approval_rules"] == []
    assert result["rejected_patches_action"] == "ALLOW_AS_DEPENDENCY"
    assert result["approved_patches_compliance_level"] == "UNSPECIFIED"
    assert result["sources"] == []


IDENTITIES = [
    {"BaselineId": AL2_DEFAULT, "BaselineName": "AWS-AmazonLinux2DefaultPatchBaseline", "OperatingSystem": "AMAZON_LINUX_2", "DefaultBaseline": True},
    {"BaselineId": WORKSHOP_ID, "BaselineName": "AmazonLinux2SecAndNonSecBaseline", "OperatingSystem": "AMAZON_LINUX_2", "DefaultBaseline": False},
    {"BaselineId": "pb-0fffffffffffffff0", "BaselineName": "AmazonLinux2SecAndNonSecBaseline", "OperatingSystem": "AMAZON_LINUX_2"},
]


def test_defaults_come_from_the_listing_flags():
    assert default_baselines_by_os(IDENTITIES) == {"AMAZON_LINUX_2": AL2_DEFAULT}


def ids(identities):
    return [item["BaselineId"] for item in identities]


def test_selection_by_name_owner_prefix_and_id():
    assert ids(select_identities(IDENTITIES, name="AmazonLinux2SecAndNonSecBaseline")) == [WORKSHOP_ID, "pb-0fffffffffffffff0"]
    assert ids(select_identities(IDENTITIES, owner="AWS")) == [AL2_DEFAULT]
    assert ids(select_identities(IDENTITIES, owner="Self", name_prefix="AmazonLinux2Sec")) == [WORKSHOP_ID, "pb-0fffffffffffffff0"]
    assert ids(select_identities(IDENTITIES, name_prefix="AWS-")) == [AL2_DEFAULT]
    assert ids(select_identities(IDENTITIES, baseline_ids=["pb-0be8c61cde3be63f3"])) == [AL2_DEFAULT]
    assert ids(select_identities(IDENTITIES, name="AmazonLinux2")) == []


def test_an_aws_owned_baseline_is_matched_by_the_pb_part_of_its_arn_only():
    assert matches_baseline_id(AL2_DEFAULT, "pb-0be8c61cde3be63f3")
    assert matches_baseline_id(AL2_DEFAULT, AL2_DEFAULT)
    assert not matches_baseline_id(WORKSHOP_ID, "pb-0be8c61cde3be63f3")
