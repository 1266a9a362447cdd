"""Contract: patch baselines and the default baseline, against the AWS CLI's documented examples
(awscli/examples/ssm/*.rst; each test names its file and example). Outputs are compared member by
member on the raw wire body (sandbox/tests/contract/compare.py)."""

from sandbox.tests.contract.compare import differences
from sandbox.tests.contract.examples import EXAMPLES
from sandbox.tests.contract.wire import assert_matches, call, output_shape, run, shape_only

# The baseline get-patch-baseline.rst and update-patch-baseline.rst show, as the API would be asked for it.
WINDOWS_PATCHING = {
    "Name": "WindowsPatching", "OperatingSystem": "WINDOWS", "Description": "Patches for Windows Servers",
    "ApprovalRules": {"PatchRules": [{
        "PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["WindowsServer2016"]}]},
        "ComplianceLevel": "CRITICAL", "ApproveAfterDays": 0, "EnableNonSecurity": False}]},
}


# awscli/examples/ssm/create-patch-baseline.rst, Example 1
def test_create_patch_baseline_with_auto_approval(ssm):
    example, raw = run(ssm, "create_patch_baseline_1")
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/create-patch-baseline.rst, Example 2
def test_create_patch_baseline_with_approval_cutoff_date(ssm):
    example, raw = run(ssm, "create_patch_baseline_2")
    assert_matches(ssm, example, raw)
    rule = ssm.get_patch_baseline(BaselineId=raw["BaselineId"])["ApprovalRules"]["PatchRules"][0]
    assert rule["ApproveUntilDate"] == "2020-07-07" and "ApproveAfterDays" not in rule


# awscli/examples/ssm/create-patch-baseline.rst, Example 3 (no output shown: Example 1's, the same
# operation's, is the documented shape)
def test_create_patch_baseline_from_json_with_sources(ssm):
    example, raw = run(ssm, "create_patch_baseline_3")
    assert_matches(ssm, {**example, "output": EXAMPLES["create_patch_baseline_1"]["output"]}, raw)
    stored = ssm.get_patch_baseline(BaselineId=raw["BaselineId"])
    assert stored["Sources"] == example["request"]["Sources"]


# awscli/examples/ssm/create-patch-baseline.rst, Example 4 (no output shown)
def test_create_patch_baseline_with_approved_and_rejected_patches(ssm):
    example, raw = run(ssm, "create_patch_baseline_4")
    assert_matches(ssm, {**example, "output": EXAMPLES["create_patch_baseline_1"]["output"]}, raw)
    stored = ssm.get_patch_baseline(BaselineId=raw["BaselineId"])
    assert stored["ApprovedPatches"] == example["request"]["ApprovedPatches"]
    assert (stored["ApprovedPatchesComplianceLevel"], stored["ApprovedPatchesEnableNonSecurity"]) == ("HIGH", True)


# awscli/examples/ssm/get-patch-baseline.rst
def test_get_patch_baseline(ssm):
    baseline = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    for group in ("QA", "DEV"):
        ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup=group)
    example, raw = run(ssm, "get_patch_baseline", BaselineId=baseline)
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/update-patch-baseline.rst, Example 1
def test_update_patch_baseline_approved_and_rejected_patches(ssm):
    baseline = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    example, raw = run(ssm, "update_patch_baseline_1", BaselineId=baseline)
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/update-patch-baseline.rst, Example 2 (no output shown)
def test_update_patch_baseline_rename(ssm):
    baseline = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    example, raw = run(ssm, "update_patch_baseline_2", BaselineId=baseline)
    assert shape_only(ssm, example, raw) == []
    assert raw["Name"] == example["request"]["Name"] and raw["BaselineId"] == baseline


# awscli/examples/ssm/delete-patch-baseline.rst
def test_delete_patch_baseline(ssm):
    baseline = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    example, raw = run(ssm, "delete_patch_baseline", BaselineId=baseline)
    assert_matches(ssm, example, raw)
    assert raw["BaselineId"] == baseline


# awscli/examples/ssm/describe-patch-baselines.rst, Example 1: the example's account has its own
# Windows baseline as the default (us-east-2, where the example's AWS ARNs are).
def test_describe_patch_baselines_all(ssm_us_east_2):
    ssm = ssm_us_east_2
    mine = ssm.create_patch_baseline(Name="MyWindowsPatchBaseline", OperatingSystem="WINDOWS",
                                     Description="My patch baseline for EC2 instances for Windows Server")
    ssm.register_default_patch_baseline(BaselineId=mine["BaselineId"])
    example, raw = run(ssm, "describe_patch_baselines_1")
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/describe-patch-baselines.rst, Example 2 (no output shown)
def test_describe_patch_baselines_owned_by_aws(ssm):
    ssm.create_patch_baseline(**WINDOWS_PATCHING)
    example, raw = run(ssm, "describe_patch_baselines_2")
    assert shape_only(ssm, example, raw) == []
    assert raw["BaselineIdentities"] and all(
        identity["BaselineName"].startswith("AWS-") for identity in raw["BaselineIdentities"])


# awscli/examples/ssm/describe-patch-baselines.rst, Example 3 (no output shown)
def test_describe_patch_baselines_owned_by_self(ssm):
    mine = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    example, raw = run(ssm, "describe_patch_baselines_3")
    assert shape_only(ssm, example, raw) == []
    assert [identity["BaselineId"] for identity in raw["BaselineIdentities"]] == [mine]


# awscli/examples/ssm/get-default-patch-baseline.rst, Example 1: the example's default is one of the
# account's own (a pb- id; GetDefaultPatchBaseline without OperatingSystem is the Windows default).
def test_get_default_patch_baseline_windows(ssm):
    mine = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    ssm.register_default_patch_baseline(BaselineId=mine)
    example, raw = run(ssm, "get_default_patch_baseline_1")
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/get-default-patch-baseline.rst, Example 2 (the example's default: a pb- id)
def test_get_default_patch_baseline_amazon_linux(ssm):
    mine = ssm.create_patch_baseline(Name="AmazonLinuxDefault", OperatingSystem="AMAZON_LINUX")["BaselineId"]
    ssm.register_default_patch_baseline(BaselineId=mine)
    example, raw = run(ssm, "get_default_patch_baseline_2")
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/register-default-patch-baseline.rst, first example
def test_register_default_patch_baseline_custom(ssm):
    mine = ssm.create_patch_baseline(**WINDOWS_PATCHING)["BaselineId"]
    example, raw = run(ssm, "register_default_patch_baseline_1", BaselineId=mine)
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/register-default-patch-baseline.rst, second example: AWS's CentOS baseline by
# the ARN the example gives (us-east-2). The example's output, {"BaselineId": "pb-abc123cf9bEXAMPLE"},
# is the first example's character for character: it is not the CentOS baseline's own id
# (pb-0574b43a65ea646ed) in either form, so it shows nothing of what AWS echoes for an ARN. The API
# reference (RegisterDefaultPatchBaseline) documents the response BaselineId as "The ID of the
# default patch baseline" with the request's pattern ^[a-zA-Z0-9_\-:/]{20,128}$ (an ARN fits), and
# AWS names its own baselines by ARN everywhere an example shows one (describe-patch-baselines.rst,
# describe-effective-patches-for-patch-baseline.rst Example 2). So the sandbox answers the id the
# baseline has, the ARN, and GetDefaultPatchBaseline then gives the same; the example's output is
# not compared.
def test_register_default_patch_baseline_aws_centos_by_arn(ssm_us_east_2):
    example = EXAMPLES["register_default_patch_baseline_2"]
    raw, _ = call(ssm_us_east_2, example["operation"], **example["request"])
    arn = example["request"]["BaselineId"]
    assert raw == {"BaselineId": arn}
    assert differences({}, raw, output_shape(ssm_us_east_2, example["operation"])) == []
    assert call(ssm_us_east_2, "GetDefaultPatchBaseline", OperatingSystem="CENTOS")[0] == {
        "BaselineId": arn, "OperatingSystem": "CENTOS"}
