"""ssm_patch_baseline_info against the sandbox: the selection, the defaults, and the calls it makes."""

WORKSHOP_NAME = "AmazonLinux2SecAndNonSecBaseline"


def create_baseline(ssm, name, operating_system="AMAZON_LINUX_2", tags=None):
    return ssm.create_patch_baseline(
        Name=name,
        OperatingSystem=operating_system,
        ApprovalRules={
            "PatchRules": [
                {
                    "PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
                    "ApproveAfterDays": 0,
                    "ComplianceLevel": "MEDIUM",
                    "EnableNonSecurity": True,
                }
            ]
        },
        ApprovedPatches=["kernel*"],
        Tags=[{"Key": key, "Value": value} for key, value in (tags or {}).items()],
    )["BaselineId"]


def test_lists_baselines_and_defaults_without_writing(run_target):
    ssm = run_target.sandbox.client("ssm")
    first = create_baseline(ssm, WORKSHOP_NAME, tags={"team": "ops"})
    second = create_baseline(ssm, WORKSHOP_NAME)
    windows = create_baseline(ssm, "WindowsServers", operating_system="WINDOWS")
    ssm.register_patch_baseline_for_patch_group(BaselineId=first, PatchGroup="App")
    ssm.register_default_patch_baseline(BaselineId=windows)
    run_target.sandbox.clear_calls()

    run_target(
        "ssm_patch_baseline_info",
        {"workshop_name": WORKSHOP_NAME, "workshop_ids": sorted([first, second]), "windows_id": windows},
    )

    operations = [call["operation"] for call in run_target.sandbox.calls(service="ssm")]
    assert [op for op in operations if not op.startswith(("Describe", "Get", "List"))] == []
    # Four module runs reach AWS (the fifth fails validation first); each lists the baselines in
    # one page and reads each selected baseline once: 17 AWS-owned + 3 own, 1, 2 and 1.
    assert operations.count("DescribePatchBaselines") == 4
    assert operations.count("GetPatchBaseline") == 20 + 1 + 2 + 1
    # Tags are read for the account's own baselines only.
    assert operations.count("ListTagsForResource") == 3 + 0 + 2 + 1
