"""ssm_patch_baseline against the sandbox: the workshop's baseline through every phase."""


def test_workshop_baseline_lifecycle(run_target):
    run_target("ssm_patch_baseline")


def test_bad_inputs_fail_clearly_and_write_nothing(run_target):
    ssm = run_target.sandbox.client("ssm")
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0}
    ssm.create_patch_baseline(Name="Existing", OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})
    ssm.create_patch_baseline(Name="Twin", OperatingSystem="AMAZON_LINUX_2")
    ssm.create_patch_baseline(Name="Twin", OperatingSystem="AMAZON_LINUX_2")
    before = ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"]
    run_target.sandbox.clear_calls()

    run_target("ssm_patch_baseline_bad_input")

    assert run_target.sandbox.mutating_calls() == []
    after = ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"]
    assert after == before


def test_converges_with_30_percent_throttling(run_target):
    run_target.sandbox.set_fault("ssm", "*", throttle_rate=0.3, seed=20261130)
    try:
        # Create (with tags, check mode and idempotency) and delete (deregistering its groups and
        # giving the default back): every kind of write, in fewer tasks than the full run.
        run_target("ssm_patch_baseline", {"baseline_phases": ["create", "delete"]})
        throttled = [call for call in run_target.sandbox.calls(service="ssm") if call.get("error_code") == "ThrottlingException"]
    finally:
        run_target.sandbox.clear_faults()
    # The faults really fired; the target's assertions prove every task still reached its state.
    assert len(throttled) > 10


def test_check_mode_makes_no_mutating_call(run_target):
    sandbox = run_target.sandbox
    ssm = sandbox.client("ssm")
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0}
    ssm.create_patch_baseline(Name="Existing", OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})
    in_use = ssm.create_patch_baseline(Name="InUse", OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})
    ssm.register_patch_baseline_for_patch_group(BaselineId=in_use["BaselineId"], PatchGroup="App")
    ssm.register_default_patch_baseline(BaselineId=in_use["BaselineId"])
    sandbox.clear_calls()

    run_target("ssm_patch_baseline_check_mode")

    assert sandbox.mutating_calls() == []
    assert "DescribePatchBaselines" in sandbox.operations(service="ssm")
