"""ssm_patch_baseline against the sandbox: the workshop's baseline through every phase, and the runs
that need the sandbox's call log or a race between two tasks.

The module runs in-process (tests/integration/in_process.py: exactly as Ansible runs it, minus the
process start-up that made the ansible-playbook target it replaces cost several times more), one
task after another; check mode is `_ansible_check_mode`, as Ansible sets it. Each phase's checks
come right after its tasks, every task named. What only Ansible shows about baselines (the
patch_baseline role, module_defaults) is the role's molecule scenario's (extensions/molecule/patch_baseline).
"""

import json
import re

import pytest

# The suite's in-process runner (tests/integration/in_process.py): the module exactly as Ansible runs it, in this process.
from tests.integration.in_process import run_in_process

from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_baseline

WORKSHOP_NAME = "AmazonLinux2SecAndNonSecBaseline"
MIRROR_PASSWORD = "s3cr3t-Repo-Passw0rd"
MIRROR_NEW_PASSWORD = "r0tated-Repo-Passw0rd"
MIRROR_REPOSITORY_FILE = f"[main]\nname=internal\nbaseurl=https://patcher:{MIRROR_PASSWORD}@mirror.example.com/al2\nenabled=1"
MASKED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
RULES = [
    {"patch_filters": {"PRODUCT": "*", "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": ["Critical"]}, "approve_after_days": 0},
    {"patch_filters": {"CLASSIFICATION": "Security", "SEVERITY": ["Important", "Medium"]}, "approve_after_days": 7},
    {"patch_filters": {"CLASSIFICATION": ["Enhancement"]}, "approve_after_days": 14},
]
# The workshop's baseline, exactly as workshop-seed.md defines it.
WORKSHOP_BASELINE = {
    "name": WORKSHOP_NAME,
    "operating_system": "AMAZON_LINUX_2",
    "description": "Amazon Linux 2 patch baseline including security and non-security patches",
    "approval_rules": [
        {"patch_filters": {"PRODUCT": "All", "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": "All"},
         "approve_after_days": 0, "compliance_level": "CRITICAL"},
        {"patch_filters": {"PRODUCT": "All"}, "approve_after_days": 0, "compliance_level": "MEDIUM", "enable_non_security": True},
    ],
    "approved_patches": ["kernel*"],
    "approved_patches_compliance_level": "HIGH",
    "approved_patches_enable_non_security": True,
}


@pytest.fixture
def in_process(clean_sandbox, monkeypatch):
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    return clean_sandbox


def task(name, args, check_mode=False, module="ssm_patch_baseline"):
    """One task's registered result; a task that fails (or lets a traceback out) fails the test, named."""
    result = run_in_process(module, args, check_mode)
    assert "uncaught" not in result and not result.get("failed"), f"task {name!r} failed: {result}"
    return result


def info(name, args):
    return task(name, args, module="ssm_patch_baseline_info")


def without(baseline, keys):
    """The baseline's items but `keys`, in order (Jinja's dict2items | rejectattr(...) | list)."""
    return [(key, value) for key, value in baseline.items() if key not in keys]


def create_phase():
    """Create (check mode, real, again in check mode, again); the baseline's id."""
    tagged = dict(WORKSHOP_BASELINE, tags={"Workshop": "ep04"})
    create_check = task("Create the workshop baseline (check mode)", tagged, check_mode=True)
    create = task("Create the workshop baseline", tagged)
    create_again_check = task("Create it again (check mode)", tagged, check_mode=True)
    create_again = task("Create it again", tagged)
    created_info = info("Read it back", {"name": WORKSHOP_NAME})
    created = create["patch_baseline"]
    # The baseline is the workshop's, and check mode predicted it.
    assert create_check["changed"]
    assert create["changed"]
    assert not create_again_check["changed"]
    assert not create_again["changed"]
    assert re.fullmatch(r"pb-[0-9a-f]{17}", created["baseline_id"])
    assert re.match(r"arn:aws:ssm:us-east-1:\d{12}:patchbaseline/" + re.escape(created["baseline_id"]), created["arn"])
    assert created["name"] == WORKSHOP_NAME
    assert created["operating_system"] == "AMAZON_LINUX_2"
    assert created["description"] == WORKSHOP_BASELINE["description"]
    assert len(created["approval_rules"]) == 2
    assert created["approval_rules"][0]["patch_filters"]["PRODUCT"] == ["*"]
    assert created["approval_rules"][0]["patch_filters"]["SEVERITY"] == ["*"]
    assert created["approval_rules"][0]["patch_filters"]["CLASSIFICATION"] == ["Security", "Bugfix"]
    assert created["approval_rules"][0]["approve_after_days"] == 0
    assert created["approval_rules"][0]["compliance_level"] == "CRITICAL"
    assert not created["approval_rules"][0]["enable_non_security"]
    assert len(created["approval_rules"][1]["patch_filters"]) == 1
    assert created["approval_rules"][1]["compliance_level"] == "MEDIUM"
    assert created["approval_rules"][1]["enable_non_security"]
    assert created["approved_patches"] == ["kernel*"]
    assert created["approved_patches_compliance_level"] == "HIGH"
    assert created["approved_patches_enable_non_security"]
    assert created["rejected_patches"] == []
    assert created["rejected_patches_action"] == "ALLOW_AS_DEPENDENCY"
    assert created["patch_groups"] == []
    assert not created["default_baseline"]
    assert created["tags"] == {"Workshop": "ep04"}
    assert isinstance(created["created_date"], str)
    ignore_keys = ("baseline_id", "arn", "created_date", "modified_date")
    assert without(create_check["patch_baseline"], ignore_keys) == without(created, ignore_keys)
    assert create_again["patch_baseline"] == created
    assert created_info["patch_baselines"] == [created]
    assert create["diff"]["before"] == {}
    assert create["diff"]["after"] == created
    return created["baseline_id"]


def update_phase(baseline_id):
    update_all = {
        "name": WORKSHOP_NAME,
        "description": "Changed by the integration test",
        "approval_rules": [{"patch_filters": {"CLASSIFICATION": "Security", "SEVERITY": ["Critical", "Important"]},
                            "approve_until_date": "2026-12-31", "compliance_level": "HIGH"}],
        "global_filters": {"PRODUCT": ["AmazonLinux2", "AmazonLinux2.0"]},
        "approved_patches": ["kernel*", "openssl"],
        "approved_patches_compliance_level": "CRITICAL",
        "approved_patches_enable_non_security": False,
        "rejected_patches": ["telnet"],
        "rejected_patches_action": "BLOCK",
        "sources": [{"name": "internal-mirror", "products": ["AmazonLinux2"], "configuration": MIRROR_REPOSITORY_FILE}],
        "tags": {"Owner": "platform"},
        "purge_tags": False,
    }
    update_check = task("Change every field (check mode)", update_all, check_mode=True)
    update = task("Change every field", update_all)
    update_again_check = task("Change every field again (check mode)", update_all, check_mode=True)
    update_again = task("Change every field again", update_all)
    updated = update["patch_baseline"]
    # Every field changed, check mode predicted it, and the second run changed nothing.
    assert update_check["changed"]
    assert update["changed"]
    assert not update_again_check["changed"]
    assert not update_again["changed"]
    assert updated["baseline_id"] == baseline_id
    assert updated["description"] == "Changed by the integration test"
    assert len(updated["approval_rules"]) == 1
    assert updated["approval_rules"][0]["approve_until_date"] == "2026-12-31"
    assert updated["approval_rules"][0]["approve_after_days"] is None
    assert updated["global_filters"] == {"PRODUCT": ["AmazonLinux2", "AmazonLinux2.0"]}
    assert sorted(updated["approved_patches"]) == ["kernel*", "openssl"]
    assert updated["approved_patches_compliance_level"] == "CRITICAL"
    assert not updated["approved_patches_enable_non_security"]
    assert updated["rejected_patches"] == ["telnet"]
    assert updated["rejected_patches_action"] == "BLOCK"
    assert updated["sources"][0]["name"] == "internal-mirror"
    assert updated["tags"] == {"Workshop": "ep04", "Owner": "platform"}
    assert without(update_check["patch_baseline"], ("modified_date",)) == without(updated, ("modified_date",))
    assert update["diff"]["before"]["description"] == WORKSHOP_BASELINE["description"]
    assert update["diff"]["after"]["description"] == "Changed by the integration test"
    # The repository file (and the password in it) is in no result and no diff, in check mode or not.
    assert updated["sources"][0]["configuration"] == MASKED
    assert update_check["patch_baseline"]["sources"][0]["configuration"] == MASKED
    assert update["diff"]["before"]["sources"] == []
    assert update["diff"]["after"]["sources"][0]["configuration"] == MASKED + " (changed)"
    assert update_again["diff"]["after"]["sources"][0]["configuration"] == MASKED
    for result in (update_check, update, update_again_check, update_again):
        assert MIRROR_PASSWORD not in json.dumps(result)

    rotate_password = {"name": WORKSHOP_NAME, "sources": [
        {"name": "internal-mirror", "products": ["AmazonLinux2"], "configuration": MIRROR_REPOSITORY_FILE.replace(MIRROR_PASSWORD, MIRROR_NEW_PASSWORD)}]}
    rotated = task("Change only the repository file (its password)", rotate_password)
    rotated_again = task("Change it again", rotate_password)
    rotated_info = info("Read it with the info module", {"name": WORKSHOP_NAME})
    # A new password is a change (the real values are compared), shown only as changed.
    assert rotated["changed"]
    assert not rotated_again["changed"]
    assert rotated["diff"]["before"]["sources"][0]["configuration"] == MASKED
    assert rotated["diff"]["after"]["sources"][0]["configuration"] == MASKED + " (changed)"
    assert rotated_info["patch_baselines"][0]["sources"][0]["configuration"] == MASKED
    assert MIRROR_PASSWORD not in json.dumps(rotated)
    for result in (rotated, rotated_again, rotated_info):
        assert MIRROR_NEW_PASSWORD not in json.dumps(result)

    reordered = task("Reorder lists AWS treats as sets",
                     {"name": WORKSHOP_NAME, "approved_patches": ["openssl", "kernel*"], "global_filters": {"PRODUCT": ["AmazonLinux2.0", "AmazonLinux2"]}})
    clear_all = {"name": WORKSHOP_NAME, "approval_rules": [], "global_filters": {}, "approved_patches": [], "rejected_patches": [],
                 "sources": [], "tags": {}}
    cleared = task("Clear the lists, purge the tags", clear_all)
    cleared_again = task("Clear them again", clear_all)
    # Order made no change; everything is cleared once.
    assert not reordered["changed"]
    assert cleared["changed"]
    assert not cleared_again["changed"]
    for key in ("approval_rules", "approved_patches", "rejected_patches", "sources"):
        assert cleared["patch_baseline"][key] == [], key
    assert cleared["patch_baseline"]["global_filters"] == {}
    assert cleared["patch_baseline"]["tags"] == {}
    assert cleared["patch_baseline"]["description"] == "Changed by the integration test"


def default_phase(baseline_id):
    make_default = {"name": WORKSHOP_NAME, "default_baseline": True}
    default_check = task("Make it the default for Amazon Linux 2 (check mode)", make_default, check_mode=True)
    default_set = task("Make it the default", make_default)
    default_again_check = task("Make it the default again (check mode)", make_default, check_mode=True)
    default_again = task("Make it the default again", make_default)
    defaults_after_set = info("Read the defaults", {"operating_system": "AMAZON_LINUX_2"})
    aws_default_by_name = {"name": "AWS-AmazonLinux2DefaultPatchBaseline", "default_baseline": True}
    aws_default_check = task("Hand the default to the AWS-owned baseline by name (check mode)", aws_default_by_name, check_mode=True)
    aws_default_set = task("Hand the default to the AWS-owned baseline by name", aws_default_by_name)
    aws_default_again = task("Hand it over again, by its ARN",
                             {"baseline_id": aws_default_set["patch_baseline"]["baseline_id"], "default_baseline": True})
    default_retaken = task("Take the default back for ours", make_default)
    # An AWS-owned baseline was made the default without being changed itself.
    assert aws_default_check["changed"]
    assert aws_default_check["patch_baseline"]["default_baseline"]
    assert aws_default_set["changed"]
    assert aws_default_set["patch_baseline"]["owner"] == "AWS"
    assert aws_default_set["patch_baseline"]["default_baseline"]
    assert re.match(r"arn:aws:ssm:us-east-1:\d+:patchbaseline/pb-", aws_default_set["patch_baseline"]["baseline_id"])
    assert aws_default_set["patch_baseline"]["tags"] == {}
    assert not aws_default_again["changed"]
    assert default_retaken["changed"]
    assert default_retaken["patch_baseline"]["default_baseline"]

    unset_default = {"name": WORKSHOP_NAME, "default_baseline": False}
    default_unset = task("Give the default back to AWS", unset_default)
    default_unset_again = task("Give it back again", unset_default)
    defaults_after_unset = info("Read the defaults again", {"operating_system": "AMAZON_LINUX_2"})
    aws_default = next(item for item in defaults_after_unset["patch_baselines"] if item["name"] == "AWS-AmazonLinux2DefaultPatchBaseline")
    # The default switched to ours and back to AWS-AmazonLinux2DefaultPatchBaseline.
    assert default_check["changed"]
    assert default_check["patch_baseline"]["default_baseline"]
    assert default_set["changed"]
    assert default_set["patch_baseline"]["default_baseline"]
    assert not default_again_check["changed"]
    assert not default_again["changed"]
    assert defaults_after_set["default_baselines"]["AMAZON_LINUX_2"] == baseline_id
    assert default_unset["changed"]
    assert not default_unset["patch_baseline"]["default_baseline"]
    assert not default_unset_again["changed"]
    assert defaults_after_unset["default_baselines"]["AMAZON_LINUX_2"] == aws_default["baseline_id"]


def delete_phase(baseline_id):
    task("Register the baseline with two patch groups and make it the default, as a user would leave it",
         {"name": WORKSHOP_NAME, "default_baseline": True})
    delete = {"name": WORKSHOP_NAME, "state": "absent"}
    delete_check = task("Delete it (check mode)", delete, check_mode=True)
    deleted = task("Delete it", delete)
    delete_again_check = task("Delete it again (check mode)", delete, check_mode=True)
    delete_again = task("Delete it again", delete)
    after_delete = info("Read what is left", {"operating_system": "AMAZON_LINUX_2"})
    # It is gone and Amazon Linux 2 has its AWS default back.
    assert delete_check["changed"]
    assert deleted["changed"]
    assert deleted["patch_baseline"] == {}
    assert deleted["diff"]["before"]["baseline_id"] == baseline_id
    assert not delete_again_check["changed"]
    assert not delete_again["changed"]
    assert [item for item in after_delete["patch_baselines"] if item["owner"] == "Self"] == []
    assert re.match("arn:aws:ssm:", after_delete["default_baselines"]["AMAZON_LINUX_2"])


def test_workshop_baseline_lifecycle(in_process):
    baseline_id = create_phase()
    update_phase(baseline_id)
    default_phase(baseline_id)
    delete_phase(baseline_id)
    creates = in_process.calls(service="ssm", operation="CreatePatchBaseline")
    # One create, its token derived from the request (name first, then a hash: at most 64 characters).
    assert len(creates) == 1
    token = creates[0]["parameters"]["ClientToken"]
    assert token.startswith(WORKSHOP_NAME[:31] + "-") and len(token) <= 64
    # The masked results never replaced the real repository file sent to AWS.
    sent = [call["parameters"]["Sources"] for call in in_process.calls(service="ssm", operation="UpdatePatchBaseline")
            if call["parameters"].get("Sources")]
    assert MIRROR_PASSWORD in sent[0][0]["Configuration"]
    assert any(MIRROR_NEW_PASSWORD in sources[0]["Configuration"] for sources in sent)


def test_converges_with_30_percent_throttling(in_process):
    in_process.set_fault("ssm", "*", throttle_rate=0.3, seed=20261130)
    try:
        # Create (with tags, check mode and idempotency) and delete (deregistering its groups and
        # giving the default back): every kind of write, in fewer tasks than the full run.
        delete_phase(create_phase())
        throttled = [call for call in in_process.calls(service="ssm") if call.get("error_code") == "ThrottlingException"]
    finally:
        in_process.clear_faults()
    # The faults really fired; the phases' assertions prove every task still reached its state.
    assert len(throttled) > 10


def test_check_mode_makes_no_mutating_call(in_process):
    ssm = in_process.client("ssm")
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0}
    ssm.create_patch_baseline(Name="Existing", OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})
    in_use = ssm.create_patch_baseline(Name="InUse", OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})
    ssm.register_patch_baseline_for_patch_group(BaselineId=in_use["BaselineId"], PatchGroup="App")
    ssm.register_default_patch_baseline(BaselineId=in_use["BaselineId"])
    in_process.clear_calls()

    create_check = task("Create a new baseline (check mode)", {
        "name": "NewBaseline", "operating_system": "WINDOWS",
        "approval_rules": [{"patch_filters": {"CLASSIFICATION": ["CriticalUpdates", "SecurityUpdates"], "MSRC_SEVERITY": "Critical"},
                            "approve_after_days": 3}],
        "default_baseline": True, "tags": {"Team": "ops"}}, check_mode=True)
    update_check = task("Update every field, tag and make default (check mode)", {
        "name": "Existing", "description": "changed", "approval_rules": [{"patch_filters": {"PRODUCT": "All"}, "approve_after_days": 1}],
        "global_filters": {"PRODUCT": "AmazonLinux2"}, "approved_patches": ["openssl"], "rejected_patches": ["telnet"],
        "rejected_patches_action": "BLOCK", "tags": {"Owner": "me"}, "default_baseline": True}, check_mode=True)
    delete_check = task("Delete a baseline in use by a group and as the default (check mode)", {"name": "InUse", "state": "absent"},
                        check_mode=True)

    # Check mode predicted each change.
    assert create_check["changed"]
    assert create_check["patch_baseline"]["baseline_id"] is None
    assert create_check["patch_baseline"]["default_baseline"]
    assert create_check["patch_baseline"]["approval_rules"][0]["patch_filters"]["MSRC_SEVERITY"] == ["Critical"]
    assert update_check["changed"]
    assert update_check["patch_baseline"]["description"] == "changed"
    assert update_check["patch_baseline"]["default_baseline"]
    assert update_check["patch_baseline"]["tags"]["Owner"] == "me"
    assert delete_check["changed"]
    assert len(delete_check["patch_baseline"]) == 0
    assert in_process.mutating_calls() == []
    assert "DescribePatchBaselines" in in_process.operations(service="ssm")


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
