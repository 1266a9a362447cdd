"""ssm_patch_group against the sandbox: the workshop's App/Web assignment, moves, purge, absent."""

WORKSHOP_NODES = ("App1", "App2", "Web1", "Web2")


def seed_workshop_nodes(sandbox):
    return {name: sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}


def test_workshop_groups_moves_purge_and_absent(run_target):
    node_ids = seed_workshop_nodes(run_target.sandbox)
    hybrid = run_target.sandbox.register_node("AMAZON_LINUX_2", name="onprem1")
    run_target("ssm_patch_group", {"node_ids": node_ids, "hybrid_id": hybrid["instance_id"]})


def create_baseline(ssm, name):
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0}
    return ssm.create_patch_baseline(Name=name, OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})["BaselineId"]


def test_check_mode_makes_no_mutating_call(run_target):
    sandbox = run_target.sandbox
    ssm = sandbox.client("ssm")
    create_baseline(ssm, "Existing")
    ssm.register_patch_baseline_for_patch_group(BaselineId=create_baseline(ssm, "Older"), PatchGroup="Old")
    seed_workshop_nodes(sandbox)
    sandbox.clear_calls()

    run_target("ssm_patch_group_check_mode")

    assert sandbox.mutating_calls() == []


def test_tags_1001_instances_in_two_ec2_calls(run_target):
    sandbox = run_target.sandbox
    sandbox.seed_nodes(1001, "AMAZON_LINUX_2", tags={"Role": "fleet"})
    sandbox.clear_calls()

    run_target("ssm_patch_group_fleet", {"fleet_size": 1001})

    # CreateTags takes 1,000 resources a call: 1,001 instances need exactly two.
    assert [call["operation"] for call in sandbox.calls(service="ec2", mutating=True)] == ["CreateTags", "CreateTags"]
    assert len(sandbox.calls(service="ssm", mutating=True)) == 0


def test_converges_with_30_percent_throttling(run_target):
    sandbox = run_target.sandbox
    node_ids = seed_workshop_nodes(sandbox)
    hybrid = sandbox.register_node("AMAZON_LINUX_2", name="onprem1")
    sandbox.set_faults([
        {"service": "ssm", "operation": "*", "throttle_rate": 0.3},
        {"service": "ec2", "operation": "*", "throttle_rate": 0.3},
    ], seed=4)
    try:
        run_target("ssm_patch_group_throttled", {"node_ids": node_ids, "hybrid_id": hybrid["instance_id"]})
        throttled = [call for call in sandbox.calls() if call.get("injected")]
    finally:
        sandbox.clear_faults()
    assert len(throttled) > 10


def test_info_shows_the_baseline_each_node_really_gets(run_target):
    node_ids = seed_workshop_nodes(run_target.sandbox)
    node_ids["Loner"] = run_target.sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": "Loner"})[0]
    run_target("ssm_patch_group_info", {"node_ids": node_ids})
