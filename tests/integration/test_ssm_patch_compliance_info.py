"""ssm_patch_compliance_info's recurring patching tasks: maintenance window tasks and associations
(scheduled or not) that run a patching document, as the console's Recurring Patching Tasks widget
lists them; a selection that matches no node is said, with the region."""

from tests.integration.in_process import run_module


def test_recurring_tasks_are_patching_window_tasks_and_associations(run_target):
    sandbox = run_target.sandbox
    ssm = sandbox.client("ssm")
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": "App1", "Patch Group": "App"})
    window_id = ssm.create_maintenance_window(
        Name="Sunday-patching", Schedule="cron(0 2 ? * SUN *)", Duration=3, Cutoff=1, AllowUnassociatedTargets=True,
    )["WindowId"]
    ssm.create_maintenance_window(Name="Empty-window", Schedule="rate(7 days)", Duration=2, Cutoff=1,
                                  AllowUnassociatedTargets=True)
    common = {"WindowId": window_id, "TaskType": "RUN_COMMAND", "MaxConcurrency": "10%", "MaxErrors": "1",
              "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
    patch_task_id = ssm.register_task_with_maintenance_window(
        TaskArn="AWS-RunPatchBaseline", Name="Install-App",
        TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Install"]}}}, **common,
    )["WindowTaskId"]
    ssm.register_task_with_maintenance_window(
        TaskArn="AWS-RunShellScript", Name="Not-patching",
        TaskInvocationParameters={"RunCommand": {"Parameters": {"commands": ["uptime"]}}}, **common,
    )
    association_id = ssm.create_association(
        Name="AWS-RunPatchBaseline", AssociationName="DailyScan", ScheduleExpression="rate(1 day)",
        Targets=[{"Key": "InstanceIds", "Values": [node]}], Parameters={"Operation": ["Scan"]},
    )["AssociationDescription"]["AssociationId"]
    sandbox.clear_calls()

    run_target("ssm_patch_compliance_info_tasks", {
        "window_id": window_id, "patch_task_id": patch_task_id, "association_id": association_id,
    })

    assert sandbox.mutating_calls() == []
    # One DescribeMaintenanceWindowTasks a window, whatever the fleet.
    assert len(sandbox.calls(operation="DescribeMaintenanceWindowTasks")) == 2


MODULE = "ssm_patch_compliance_info"


def warnings(result):
    # ansible-core 2.19 returns each warning as a WarningSummary event; older ones as a string.
    return [item["event"]["msg"] if isinstance(item, dict) else item for item in result.get("warnings", [])]


def test_a_selection_matching_no_node_is_said_never_passed_silently(clean_sandbox, monkeypatch):
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    empty = run_module(MODULE, {})
    assert empty["dashboard"]["patch_states"]["managed_nodes"] == 0
    assert warnings(empty) == ["there is no managed node in us-east-1: every count is zero"]

    [node] = clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": "App1", "Patch Group": "App"})
    nobody = run_module(MODULE, {"patch_groups": ["Nobody"], "instances": True})
    assert not nobody.get("failed")
    assert nobody["instances"] == [] and nobody["dashboard"]["patch_states"] == {
        "managed_nodes": 0, "with_missing_patches": 0, "with_failed_patches": 0, "pending_reboot": 0}
    assert nobody["dashboard"]["compliance_summary"] == {
        "compliant": 0, "critical_non_compliant": 0, "high_non_compliant": 0, "other_non_compliant": 0}
    assert warnings(nobody) == ["0 nodes in us-east-1 matched patch groups Nobody: every count is zero"]

    missing = "i-0123456789abcdef0"
    partial = run_module(MODULE, {"instance_ids": [node, missing]})
    assert partial["dashboard"]["patch_states"]["managed_nodes"] == 1
    assert warnings(partial) == [f"instance_ids[1] {missing} is not a managed node in us-east-1"]

    found = run_module(MODULE, {"patch_groups": ["App"]})
    assert found["dashboard"]["patch_states"]["managed_nodes"] == 1 and warnings(found) == []


def test_in_parallel_the_same_nodes_counts_and_calls_as_one_call_at_a_time(clean_sandbox, monkeypatch):
    """Both patch group tag keys (a node tagged both ways is listed by both): read_concurrency 4 gives
    the rows of read_concurrency 1, in the same order, with the same calls."""
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    clean_sandbox.seed_nodes(60, "AMAZON_LINUX_2", tags={"Patch Group": "App"})
    clean_sandbox.seed_nodes(40, "AMAZON_LINUX_2", tags={"Patch Group": "App", "PatchGroup": "App"})
    clean_sandbox.seed_nodes(30, "AMAZON_LINUX_2", tags={"Name": "other"})
    clean_sandbox.set_agent(seconds_per_node=0.2)
    ssm = clean_sandbox.client("ssm")
    node_ids = [node["InstanceId"] for page in ssm.get_paginator("describe_instance_information").paginate()
                for node in page["InstanceInformationList"]]
    clean_sandbox.freeze_clock()
    try:
        # Run Command takes at most 50 ids a command; the frozen clock jumps past the scan's one wave.
        for start in range(0, len(node_ids), 50):
            ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=node_ids[start:start + 50],
                             Parameters={"Operation": ["Scan"]}, MaxConcurrency="1000", MaxErrors="1000")
        clean_sandbox.advance_clock(0.3)
    finally:
        clean_sandbox.unfreeze_clock()
        clean_sandbox.reset_agent()
    results, calls = [], []
    for read_concurrency in (1, 4):
        clean_sandbox.clear_calls()
        results.append(run_module(MODULE, {"patch_groups": ["App"], "instances": True, "read_concurrency": read_concurrency}))
        calls.append(sorted(clean_sandbox.operations()))
    serial, parallel = results
    assert len(serial["instances"]) == 100 and {row["status"] for row in serial["instances"]} <= {"COMPLIANT", "NON_COMPLIANT"}
    assert parallel["instances"] == serial["instances"]
    assert parallel["dashboard"] == serial["dashboard"]
    assert calls[1] == calls[0] and calls[0].count("DescribeInstancePatchStates") == 2
