"""ssm_patch_group against the sandbox: the workshop's App/Web assignment, moves, purge, absent.

The module runs in-process (tests/integration/in_process.py: exactly as Ansible runs it, minus the
process start-up that made these ansible-playbook targets cost several times more), one task after
another; check mode is `_ansible_check_mode`, as Ansible sets it, and each step's checks come right
after its tasks, every task named. What only Ansible shows about patch groups (the patch_groups
role, module_defaults) is the role's molecule scenario's (extensions/molecule/patch_groups).
"""

import re

import pytest

# The suite's in-process runner (tests/integration/in_process.py): the module exactly as Ansible runs it, in this process.
from tests.integration.in_process import run_in_process

WORKSHOP_NODES = ("App1", "App2", "Web1", "Web2")
WORKSHOP_BASELINE = "AmazonLinux2SecAndNonSecBaseline"


@pytest.fixture
def in_process(clean_sandbox, monkeypatch):
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    return clean_sandbox


def seed_workshop_nodes(sandbox):
    return {name: sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}


def task(name, module, args, check_mode=False):
    """One task's registered result; a task that fails (or lets a traceback out) fails the test, named."""
    result = run_in_process(module, args, check_mode)
    assert "uncaught" not in result and not result.get("failed"), f"task {name!r} failed: {result}"
    return result


def warnings(result):
    """The warnings' texts, as Ansible shows them (ansible-core 2.19's module output carries each as an event)."""
    return [item if isinstance(item, str) else item["event"]["msg"] for item in result.get("warnings", [])]


def group(name, args, check_mode=False):
    return task(name, "ssm_patch_group", args, check_mode)


def workshop_baseline(name="Create the workshop baseline", rules=None):
    rules = rules or [{"patch_filters": {"PRODUCT": "All", "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": "All"},
                       "approve_after_days": 0, "compliance_level": "CRITICAL"}]
    return task(name, "ssm_patch_baseline", {"name": WORKSHOP_BASELINE, "operating_system": "AMAZON_LINUX_2", "approval_rules": rules})


def test_workshop_groups_moves_purge_and_absent(in_process):
    node_ids = seed_workshop_nodes(in_process)
    hybrid_id = in_process.register_node("AMAZON_LINUX_2", name="onprem1")["instance_id"]
    baseline_id = workshop_baseline()["patch_baseline"]["baseline_id"]

    # The workshop's assignment.
    app_group = {"name": "App", "baseline": WORKSHOP_BASELINE, "members": ["App1", "App2"]}
    app_check = group("Register App with the workshop baseline and tag App1, App2 (check mode)", app_group, check_mode=True)
    app = group("Register App with the workshop baseline and tag App1, App2", app_group)
    app_again_check = group("Again (check mode)", app_group, check_mode=True)
    app_again = group("Again", app_group)
    web = group("Tag Web1, Web2 into Web, which has no baseline of its own", {"name": "Web", "members": ["Web1", "Web2"]})
    app_ids = sorted([node_ids["App1"], node_ids["App2"]])
    web_ids = sorted([node_ids["Web1"], node_ids["Web2"]])
    assert app_check["changed"]
    assert app_check["patch_group"] == app["patch_group"]
    assert app["changed"]
    assert app["patch_group"]["members"] == app_ids
    assert app["patch_group"]["baselines"] == {"AMAZON_LINUX_2": {"baseline_id": baseline_id, "name": WORKSHOP_BASELINE}}
    assert app["changes"]["registered"] == {"AMAZON_LINUX_2": baseline_id}
    assert sorted(app["changes"]["tagged"]) == app_ids
    assert app["diff"]["before"]["members"] == []
    assert not app_again_check["changed"]
    assert not app_again["changed"]
    assert app_again["patch_group"] == app["patch_group"]
    assert web["changed"]
    assert web["patch_group"]["members"] == web_ids
    assert web["patch_group"]["baselines"] == {}

    # The group moves baselines and Web1 moves groups.
    strict_id = task("Create a stricter Amazon Linux 2 baseline", "ssm_patch_baseline", {
        "name": "AmazonLinux2Strict", "operating_system": "AMAZON_LINUX_2",
        "approval_rules": [{"patch_filters": {"CLASSIFICATION": "Security", "SEVERITY": "Critical"}, "approve_after_days": 14}],
    })["patch_baseline"]["baseline_id"]
    moved = group("Move App to the stricter baseline", {"name": "App", "baseline": strict_id})
    web1_moved = group("Move Web1 from Web to App", {"name": "App", "members": ["App1", "App2", node_ids["Web1"]]})
    web_after_move = group("Read Web now", {"name": "Web"})
    assert moved["changed"]
    assert moved["changes"]["deregistered"] == {"AMAZON_LINUX_2": baseline_id}
    assert moved["changes"]["registered"] == {"AMAZON_LINUX_2": strict_id}
    assert moved["diff"]["before"]["baselines"]["AMAZON_LINUX_2"]["name"] == WORKSHOP_BASELINE
    assert moved["diff"]["after"]["baselines"]["AMAZON_LINUX_2"]["name"] == "AmazonLinux2Strict"
    assert web1_moved["changed"]
    assert web1_moved["changes"]["tagged"] == [node_ids["Web1"]]
    assert node_ids["Web1"] in web1_moved["patch_group"]["members"]
    assert not web_after_move["changed"]
    assert web_after_move["patch_group"]["members"] == [node_ids["Web2"]]

    # Purge, the other spelling of the tag key, and a move back that removes it.
    purge = {"name": "App", "members": ["App1"], "purge_members": True}
    purged = group("Keep only App1 in App", purge)
    purged_again = group("Keep only App1 in App again", purge)
    legacy = group("Put App2 in Legacy with the other tag key spelling", {"name": "Legacy", "tag_key": "PatchGroup", "members": ["App2"]})
    app2_back = group("Bring App2 back to App, which must remove its PatchGroup tag", {"name": "App", "members": ["App2"]})
    # The test's own read (boto3, not the module), as the target's amazon.aws.ec2_instance_info was.
    reservations = in_process.client("ec2").describe_instances(InstanceIds=[node_ids["App2"]])["Reservations"]
    app2_tags = {tag["Key"]: tag["Value"] for tag in reservations[0]["Instances"][0]["Tags"]}
    assert purged["changed"]
    assert purged["patch_group"]["members"] == [node_ids["App1"]]
    assert sorted(purged["changes"]["untagged"]["Patch Group"]) == sorted([node_ids["App2"], node_ids["Web1"]])
    assert not purged_again["changed"]
    assert legacy["patch_group"]["members"] == [node_ids["App2"]]
    assert legacy["patch_group"]["tag_key"] == "PatchGroup"
    assert app2_back["changed"]
    assert app2_back["changes"]["untagged"] == {"PatchGroup": [node_ids["App2"]]}
    assert app2_tags["Patch Group"] == "App"
    assert "PatchGroup" not in app2_tags

    # A hybrid node joins through SSM tags, in a group registered with the AWS-owned baseline's ARN.
    onprem = group("A hybrid node joins through SSM tags",
                   {"name": "OnPrem", "baseline": "AWS-AmazonLinux2DefaultPatchBaseline", "members": ["onprem1"]})
    assert onprem["changed"]
    assert onprem["patch_group"]["members"] == [hybrid_id]
    assert re.match(r"arn:aws:ssm:us-east-1:\d{12}:patchbaseline/", onprem["patch_group"]["baselines"]["AMAZON_LINUX_2"]["baseline_id"])

    # App is deregistered and App1 untagged; App2 keeps its tag.
    app_absent = {"name": "App", "state": "absent", "members": ["App1"]}
    absent_check = group("Deregister App and take App1 out (check mode)", app_absent, check_mode=True)
    absent = group("Deregister App and take App1 out", app_absent)
    absent_again = group("Again", app_absent)
    assert absent_check["changed"]
    assert absent["changed"]
    assert absent["patch_group"]["baselines"] == {}
    assert absent["changes"]["deregistered"] == {"AMAZON_LINUX_2": strict_id}
    assert absent["changes"]["untagged"] == {"Patch Group": [node_ids["App1"]]}
    assert absent["patch_group"]["members"] == [node_ids["App2"]]
    assert not absent_again["changed"]


def create_baseline(ssm, name):
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0}
    return ssm.create_patch_baseline(Name=name, OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})["BaselineId"]


def test_check_mode_makes_no_mutating_call(in_process):
    ssm = in_process.client("ssm")
    create_baseline(ssm, "Existing")
    ssm.register_patch_baseline_for_patch_group(BaselineId=create_baseline(ssm, "Older"), PatchGroup="Old")
    seed_workshop_nodes(in_process)
    in_process.clear_calls()

    predicted = group("Register, move and tag in check mode only",
                      {"name": "App", "baseline": "Existing", "members": ["App1", {"Name": "App2"}], "purge_members": True}, check_mode=True)
    predicted_absent = group("Deregister in check mode only", {"name": "Old", "state": "absent"}, check_mode=True)

    assert predicted["changed"]
    assert len(predicted["patch_group"]["members"]) == 2
    assert len(predicted["changes"]["registered"]) == 1
    assert predicted_absent["changed"]
    assert len(predicted_absent["changes"]["deregistered"]) == 1
    assert in_process.mutating_calls() == []


def test_tags_1001_instances_in_two_ec2_calls(in_process):
    in_process.seed_nodes(1001, "AMAZON_LINUX_2", tags={"Role": "fleet"})
    in_process.clear_calls()

    fleet = group("Put the whole fleet in one group by a tag filter", {"name": "Fleet", "members": [{"Role": "fleet"}]})

    assert fleet["changed"]
    assert len(fleet["patch_group"]["members"]) == 1001
    assert len(fleet["changes"]["tagged"]) == 1001
    # CreateTags takes 1,000 resources a call: 1,001 instances need exactly two.
    assert [call["operation"] for call in in_process.calls(service="ec2", mutating=True)] == ["CreateTags", "CreateTags"]
    assert len(in_process.calls(service="ssm", mutating=True)) == 0


def test_converges_with_30_percent_throttling(in_process):
    node_ids = seed_workshop_nodes(in_process)
    hybrid_id = in_process.register_node("AMAZON_LINUX_2", name="onprem1")["instance_id"]
    in_process.set_faults([
        {"service": "ssm", "operation": "*", "throttle_rate": 0.3},
        {"service": "ec2", "operation": "*", "throttle_rate": 0.3},
    ], seed=4)
    try:
        # The workshop's assignment and a move, each write once.
        workshop_baseline(rules=[{"patch_filters": {"PRODUCT": "All"}, "approve_after_days": 0}])
        app = group("App on the workshop baseline with App1, App2", {"name": "App", "baseline": WORKSHOP_BASELINE, "members": ["App1", "App2"]})
        web = group("Web with Web1, Web2 and the hybrid node", {"name": "Web", "members": ["Web1", "Web2", "onprem1"]})
        moved = group("Move Web2 to App and drop App2", {"name": "App", "members": ["App1", "Web2"], "purge_members": True})
        info = task("Read the result", "ssm_patch_group_info", {"names": ["App", "Web"]})
        throttled = [call for call in in_process.calls() if call.get("injected")]
    finally:
        in_process.clear_faults()
    groups = {item["name"]: item for item in info["patch_groups"]}
    assert app["changed"] and web["changed"] and moved["changed"]
    assert groups["App"]["members"] == sorted([node_ids["App1"], node_ids["Web2"]])
    assert groups["Web"]["members"] == sorted([node_ids["Web1"], hybrid_id])
    assert groups["App"]["baselines"]["AMAZON_LINUX_2"]["name"] == WORKSHOP_BASELINE
    assert len(throttled) > 10


def test_info_shows_the_baseline_each_node_really_gets(in_process):
    node_ids = seed_workshop_nodes(in_process)
    node_ids["Loner"] = in_process.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": "Loner"})[0]
    workshop_baseline(rules=[{"patch_filters": {"PRODUCT": "All"}, "approve_after_days": 0}])
    group("App on the workshop baseline", {"name": "App", "baseline": WORKSHOP_BASELINE, "members": ["App1", "App2"]})
    group("Web without a baseline of its own", {"name": "Web", "members": ["Web1", "Web2"]})

    info = task("Show which baseline applies to which node", "ssm_patch_group_info", {"names": ["App", "Web"]})
    with_ungrouped = task("Also the nodes in no group", "ssm_patch_group_info", {"names": ["App"], "include_ungrouped": True})

    by_node = {node["instance_id"]: node["baseline_name"] for node in info["nodes"]}
    reasons = {node["instance_id"]: node["reason"] for node in info["nodes"]}
    groups = {item["name"]: item for item in info["patch_groups"]}
    assert not info["changed"]
    assert [item["name"] for item in info["patch_groups"]] == ["App", "Web"]
    assert groups["App"]["baselines"]["AMAZON_LINUX_2"]["name"] == WORKSHOP_BASELINE
    assert groups["Web"]["baselines"] == {}
    assert groups["App"]["members"] == sorted([node_ids["App1"], node_ids["App2"]])
    assert groups["Web"]["members"] == sorted([node_ids["Web1"], node_ids["Web2"]])
    # DescribePatchGroupState counts nodes that have reported patch data: none has been scanned yet.
    assert groups["App"]["state"]["instances"] == 0
    assert groups["Web"]["state"]["instances"] == 0
    assert by_node[node_ids["App1"]] == WORKSHOP_BASELINE
    assert by_node[node_ids["App2"]] == WORKSHOP_BASELINE
    assert by_node[node_ids["Web1"]] == "AWS-AmazonLinux2DefaultPatchBaseline"
    assert by_node[node_ids["Web2"]] == "AWS-AmazonLinux2DefaultPatchBaseline"
    assert reasons[node_ids["App1"]] == "registered for patch group App and AMAZON_LINUX_2"
    assert re.match("default baseline for AMAZON_LINUX_2", reasons[node_ids["Web1"]])
    assert sorted({node["operating_system"] for node in info["nodes"]}) == ["AMAZON_LINUX_2"]
    assert [node["instance_id"] for node in with_ungrouped["nodes"] if node["patch_group"] is None] == [node_ids["Loner"]]
    assert [node for node in with_ungrouped["nodes"] if node["patch_group"] == "Web"] == []

    with_unknown = task("Ask for a group nobody has", "ssm_patch_group_info", {"names": ["App", "Nobody"]})
    # The unknown name is warned about, with the region, and App is still shown.
    assert [item["name"] for item in with_unknown["patch_groups"]] == ["App"]
    assert len([text for text in warnings(with_unknown) if re.search("names. Nobody. no such patch group in us-east-1", text)]) == 1
