"""ssm_patch_baseline against the sandbox: the workshop's baseline through every phase, and the runs
that need the sandbox's call log or a race between two tasks (those run the module in-process)."""

import pytest

# The bad-input suite's in-process runner: the module exactly as Ansible runs it, in this process.
from test_bad_inputs import run_in_process

from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_baseline

WORKSHOP_NAME = "AmazonLinux2SecAndNonSecBaseline"
MIRROR_PASSWORD = "s3cr3t-Repo-Passw0rd"
RULES = [
    {"patch_filters": {"PRODUCT": "*", "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": ["Critical"]}, "approve_after_days": 0},
    {"patch_filters": {"CLASSIFICATION": "Security", "SEVERITY": ["Important", "Medium"]}, "approve_after_days": 7},
    {"patch_filters": {"CLASSIFICATION": ["Enhancement"]}, "approve_after_days": 14},
]


def test_workshop_baseline_lifecycle(run_target):
    run_target("ssm_patch_baseline")
    sandbox = run_target.sandbox
    creates = sandbox.calls(service="ssm", operation="CreatePatchBaseline")
    # One create, its token derived from the request (name first, then a hash: at most 64 characters).
    assert len(creates) == 1
    token = creates[0]["parameters"]["ClientToken"]
    assert token.startswith(WORKSHOP_NAME[:31] + "-") and len(token) <= 64
    # The masked results never replaced the real repository file sent to AWS.
    sent = [call["parameters"]["Sources"] for call in sandbox.calls(service="ssm", operation="UpdatePatchBaseline")
            if call["parameters"].get("Sources")]
    assert MIRROR_PASSWORD in sent[0][0]["Configuration"]
    assert any("r0tated-Repo-Passw0rd" in sources[0]["Configuration"] for sources in sent)


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


@pytest.fixture
def in_process(clean_sandbox, monkeypatch):
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    return clean_sandbox


def own_baselines(sandbox, name):
    identities = sandbox.client("ssm").describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"]
    return [item["BaselineId"] for item in identities if item["BaselineName"] == name]


def workshop_args(**extra):
    return dict({"name": WORKSHOP_NAME, "operating_system": "AMAZON_LINUX_2", "approval_rules": RULES}, **extra)


def test_two_creates_at_once_make_one_baseline(in_process, monkeypatch):
    first = run_in_process("ssm_patch_baseline", workshop_args())
    # The second task looked before the first had created anything, as a concurrent run does.
    monkeypatch.setattr(ssm_patch_baseline, "find_baseline", lambda *args, **kwargs: None)
    second = run_in_process("ssm_patch_baseline", workshop_args())

    assert first["changed"] and second["changed"]
    assert first["patch_baseline"]["baseline_id"] == second["patch_baseline"]["baseline_id"]
    assert own_baselines(in_process, WORKSHOP_NAME) == [first["patch_baseline"]["baseline_id"]]
    tokens = [call["parameters"]["ClientToken"] for call in in_process.calls(service="ssm", operation="CreatePatchBaseline")]
    assert len(tokens) == 2 and tokens[0] == tokens[1]


def test_another_definition_of_the_same_name_gets_another_token(in_process, monkeypatch):
    monkeypatch.setattr(ssm_patch_baseline, "find_baseline", lambda *args, **kwargs: None)
    first = run_in_process("ssm_patch_baseline", workshop_args())
    second = run_in_process("ssm_patch_baseline", workshop_args(description="another definition"))

    assert first["patch_baseline"]["baseline_id"] != second["patch_baseline"]["baseline_id"]
    tokens = [call["parameters"]["ClientToken"] for call in in_process.calls(service="ssm", operation="CreatePatchBaseline")]
    assert tokens[0] != tokens[1]


def test_a_baseline_deleted_and_created_again_is_a_new_one(in_process):
    first = run_in_process("ssm_patch_baseline", workshop_args())
    assert run_in_process("ssm_patch_baseline", {"name": WORKSHOP_NAME, "state": "absent"})["changed"]
    again = run_in_process("ssm_patch_baseline", workshop_args())

    # The first token still names the deleted baseline; the create retries with a token derived from it.
    assert again["changed"] and again["patch_baseline"]["name"] == WORKSHOP_NAME
    assert again["patch_baseline"]["baseline_id"] != first["patch_baseline"]["baseline_id"]
    assert own_baselines(in_process, WORKSHOP_NAME) == [again["patch_baseline"]["baseline_id"]]
    assert in_process.operations(service="ssm").count("CreatePatchBaseline") == 3


def test_filter_values_are_read_once_per_listing(in_process):
    result = run_in_process("ssm_patch_baseline", workshop_args(global_filters={"PRODUCT": ["AmazonLinux2"]}))

    assert result["changed"], result
    reads = [call["parameters"] for call in in_process.calls(service="ssm", operation="DescribePatchProperties")]
    # Three rules and the global filters use CLASSIFICATION, SEVERITY and PRODUCT: one listing each.
    assert sorted(read["Property"] for read in reads) == ["CLASSIFICATION", "PRODUCT", "SEVERITY"]
    assert {read["OperatingSystem"] for read in reads} == {"AMAZON_LINUX_2"}


def test_the_value_check_can_be_turned_off(in_process):
    args = {
        "name": "RhelBaseline",
        "operating_system": "REDHAT_ENTERPRISE_LINUX",
        "approval_rules": [{"patch_filters": {"CLASSIFICATION": ["SecurityUpdates"]}, "approve_after_days": 0}],
    }
    refused = run_in_process("ssm_patch_baseline", args)
    assert refused["failed"] and "did you mean Security" in refused["msg"]
    assert in_process.mutating_calls() == []
    in_process.clear_calls()

    created = run_in_process("ssm_patch_baseline", dict(args, validate_filter_values=False))
    assert created["changed"]
    assert "DescribePatchProperties" not in in_process.operations(service="ssm")
    assert created["patch_baseline"]["approval_rules"][0]["patch_filters"] == {"CLASSIFICATION": ["SecurityUpdates"]}


def test_an_aws_owned_default_is_registered_not_changed(in_process):
    ours = run_in_process("ssm_patch_baseline", workshop_args(default_baseline=True))
    assert ours["patch_baseline"]["default_baseline"]
    in_process.clear_calls()

    back = run_in_process("ssm_patch_baseline", {"name": "AWS-AmazonLinux2DefaultPatchBaseline", "default_baseline": True})

    assert back["changed"] and back["patch_baseline"]["owner"] == "AWS"
    mutating = in_process.mutating_calls()
    assert [call["operation"] for call in mutating] == ["RegisterDefaultPatchBaseline"]
    assert mutating[0]["parameters"]["BaselineId"] == back["patch_baseline"]["baseline_id"]
    default = in_process.client("ssm").get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["BaselineId"]
    assert default == back["patch_baseline"]["baseline_id"]
