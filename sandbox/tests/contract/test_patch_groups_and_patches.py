"""Contract: patch groups, patch properties, available patches and a baseline's effective patches,
against the AWS CLI's documented examples (awscli/examples/ssm/*.rst; each test names its file).
Outputs are compared member by member on the raw wire body (sandbox/tests/contract/compare.py)."""

from sandbox.tests.contract.wire import assert_matches, run

# A Windows patch's text and classification are the catalog's, not the example's: compared by type.
# Ids, KB numbers, links (compare.FORMATS), product, vendor, severity and language by format or value.
PATCH_TEXT = ("Title", "Description", "Classification")


def windows_baseline(ssm, name, description=None, **fields):
    if description:
        fields["Description"] = description
    return ssm.create_patch_baseline(Name=name, OperatingSystem="WINDOWS", **fields)["BaselineId"]


# awscli/examples/ssm/register-patch-baseline-for-patch-group.rst
def test_register_patch_baseline_for_patch_group(ssm):
    baseline = windows_baseline(ssm, "ProdPatching")
    example, raw = run(ssm, "register_patch_baseline_for_patch_group", BaselineId=baseline)
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/deregister-patch-baseline-for-patch-group.rst
def test_deregister_patch_baseline_for_patch_group(ssm):
    baseline = windows_baseline(ssm, "ProdPatching")
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup="Production")
    example, raw = run(ssm, "deregister_patch_baseline_for_patch_group", BaselineId=baseline)
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/get-patch-baseline-for-patch-group.rst
def test_get_patch_baseline_for_patch_group(ssm):
    baseline = windows_baseline(ssm, "DevPatching")
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup="DEV")
    example, raw = run(ssm, "get_patch_baseline_for_patch_group")
    assert_matches(ssm, example, raw)
    assert raw["BaselineId"] == baseline


# awscli/examples/ssm/describe-patch-groups.rst: Production on ProdPatching, Development on
# DevPatching, the account's Windows default.
def test_describe_patch_groups(ssm):
    production = windows_baseline(ssm, "ProdPatching", "Patches for Production")
    development = windows_baseline(ssm, "DevPatching", "Patches for Development")
    ssm.register_default_patch_baseline(BaselineId=development)
    ssm.register_patch_baseline_for_patch_group(BaselineId=production, PatchGroup="Production")
    ssm.register_patch_baseline_for_patch_group(BaselineId=development, PatchGroup="Development")
    example, raw = run(ssm, "describe_patch_groups")
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/describe-patch-properties.rst
def test_describe_patch_properties_amazon_linux_products(ssm):
    example, raw = run(ssm, "describe_patch_properties")
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/describe-available-patches.rst, first example
def test_describe_available_patches_windows_server_2019_critical(ssm):
    example, raw = run(ssm, "describe_available_patches_1")
    assert_matches(ssm, example, raw, loose=[f"Patches[].{name}" for name in PATCH_TEXT])


# awscli/examples/ssm/describe-available-patches.rst, second example
# (the catalog carries the example's patch with the example's Id: sandbox/data/catalogs/generate_catalogs.py)
def test_describe_available_patches_by_patch_id(ssm):
    example, raw = run(ssm, "describe_available_patches_2")
    assert_matches(ssm, example, raw, loose=[f"Patches[].{name}" for name in PATCH_TEXT])
    [patch] = raw["Patches"]
    assert (patch["Id"], patch["KbNumber"]) == ("680861e3-fb75-432e-818e-d72e5f2be719", "KB4480979")


# awscli/examples/ssm/describe-effective-patches-for-patch-baseline.rst, Example 1: a custom Windows
# baseline approving Windows Server 2019 patches at once, compliance CRITICAL (as the output shows).
def test_describe_effective_patches_for_custom_baseline(ssm):
    baseline = windows_baseline(ssm, "WindowsServer2019", ApprovalRules={"PatchRules": [{
        "PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["WindowsServer2019"]}]},
        "ComplianceLevel": "CRITICAL", "ApproveAfterDays": 0}]})
    example, raw = run(ssm, "describe_effective_patches_1", BaselineId=baseline)
    assert_matches(ssm, example, raw, loose=[f"EffectivePatches[].Patch.{name}" for name in PATCH_TEXT]
                   + ["EffectivePatches[].Patch.MsrcSeverity"], optional=["NextToken"])


# awscli/examples/ssm/describe-effective-patches-for-patch-baseline.rst, Example 2: AWS's
# AWS-DefaultPatchBaseline by the ARN the example gives (us-east-2); "See example 1 for sample
# output", whose compliance level and severities are its own baseline's.
def test_describe_effective_patches_for_aws_baseline_by_arn(ssm_us_east_2):
    example, raw = run(ssm_us_east_2, "describe_effective_patches_2")
    loose = [f"EffectivePatches[].Patch.{name}" for name in PATCH_TEXT + ("MsrcSeverity", "Product")]
    assert_matches(ssm_us_east_2, example, raw, optional=["NextToken"],
                   loose=loose + ["EffectivePatches[].PatchStatus.ComplianceLevel"])
