"""ssm_patch_association and ssm_patch_association_info against the sandbox: create, update,
idempotency, check mode, tags, absent, and the executions a schedule runs on the sandbox's clock."""

import json

import pytest

from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_association
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_association_info

from tests.integration.in_process import run_module

WORKSHOP_NODES = ("App1", "App2", "Web1", "Web2")
HOOK_DOCUMENT = {
    "schemaVersion": "2.2",
    "description": "a hook that succeeds",
    "mainSteps": [{"action": "aws:runShellScript", "name": "hook", "inputs": {"runCommand": ["exit 0"]}}],
}


def run(module, args, check_mode=False, diff=False):
    return run_module(module.__name__.rsplit(".", 1)[-1], args, check_mode, diff)


def warnings_of(result):
    # ansible-core 2.19 returns each warning as a WarningSummary event; older ones as a string.
    return [warning if isinstance(warning, str) else warning.get("event", {}).get("msg", str(warning))
            for warning in result.get("warnings", [])]


@pytest.fixture
def workshop(clean_sandbox, monkeypatch):
    """The workshop's four nodes, App and Web patch groups (tagged Patch Group), a hook document."""
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    nodes = {name: clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}
    ec2, ssm = clean_sandbox.client("ec2"), clean_sandbox.client("ssm")
    for group in ("App", "Web"):
        ec2.create_tags(Resources=[nodes[f"{group}1"], nodes[f"{group}2"]], Tags=[{"Key": "Patch Group", "Value": group}])
    ssm.create_document(Name="GoodHook", DocumentType="Command", DocumentFormat="JSON", Content=json.dumps(HOOK_DOCUMENT))
    clean_sandbox.clear_calls()
    return clean_sandbox, nodes


def mutating(sandbox):
    return [call["operation"] for call in sandbox.mutating_calls(service="ssm")]


DAILY_SCAN = {
    "name": "daily-scan",
    "operation": "scan",
    "patch_groups": ["App", "Web"],
    "schedule": "cron(0 2 ? * * *)",
    "compliance_severity": "HIGH",
    "max_concurrency": "50%",
    "max_errors": "1",
    "tags": {"Owner": "platform"},
}


def test_create_idempotent_update_tags_and_absent_with_check_mode_first(workshop):
    sandbox, _nodes = workshop
    ssm = sandbox.client("ssm")

    predicted = run(ssm_patch_association, DAILY_SCAN, check_mode=True, diff=True)
    assert predicted["changed"] is True and mutating(sandbox) == []
    assert predicted["association"]["association_name"] == "daily-scan"
    assert predicted["diff"]["before"] == {} and predicted["diff"]["after"]["schedule_expression"] == "cron(0 2 ? * * *)"

    created = run(ssm_patch_association, DAILY_SCAN)
    assert created["changed"] is True and mutating(sandbox) == ["CreateAssociation"]
    association = created["association"]
    association_id = association["association_id"]
    assert association["name"] == "AWS-RunPatchBaseline"
    assert association["targets"] == [{"key": "tag:Patch Group", "values": ["App", "Web"]}]
    # A recurring run takes the baseline as it is when it runs: no SnapshotId.
    assert association["parameters"] == {"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"]}
    assert association["tags"] == {"Owner": "platform"}
    assert {key: association[key] for key in ("compliance_severity", "max_concurrency", "max_errors", "sync_compliance")} == {
        "compliance_severity": "HIGH", "max_concurrency": "50%", "max_errors": "1", "sync_compliance": "AUTO"}
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["AssociationName"] == "daily-scan" and described["ScheduleExpression"] == "cron(0 2 ? * * *)"
    assert ssm.list_tags_for_resource(ResourceType="Association", ResourceId=association_id)["TagList"] == [
        {"Key": "Owner", "Value": "platform"}]

    sandbox.clear_calls()
    for check_mode in (True, False):
        again = run(ssm_patch_association, dict(DAILY_SCAN, patch_groups=["Web", "App"]), check_mode=check_mode)
        assert again["changed"] is False and again["changed_fields"] == []
        assert again["association"]["association_id"] == association_id
    assert mutating(sandbox) == []

    # An update: a new schedule, hooks (the document changes), other tags; the options left out keep their values.
    update = dict(DAILY_SCAN, operation="install", schedule="rate(1 day)", pre_install_hook="GoodHook", tags={"Team": "ops"})
    del update["compliance_severity"], update["max_concurrency"]
    predicted = run(ssm_patch_association, update, check_mode=True, diff=True)
    assert predicted["changed"] is True and mutating(sandbox) == []
    assert predicted["changed_fields"] == ["Name", "Parameters", "ScheduleExpression"]
    assert predicted["diff"]["before"]["tags"] == {"Owner": "platform"} and predicted["diff"]["after"]["tags"] == {"Team": "ops"}
    updated = run(ssm_patch_association, update)
    assert updated["changed"] is True and updated["changed_fields"] == ["Name", "Parameters", "ScheduleExpression"]
    assert mutating(sandbox) == ["UpdateAssociation", "RemoveTagsFromResource", "AddTagsToResource"]
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["Name"] == "AWS-RunPatchBaselineWithHooks" and described["ScheduleExpression"] == "rate(1 day)"
    assert described["Parameters"] == {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"], "PreInstallHookDocName": ["GoodHook"]}
    # Kept though not given: UpdateAssociation resets what it is not sent (API reference), so it was sent the whole definition.
    assert described["ComplianceSeverity"] == "HIGH" and described["MaxConcurrency"] == "50%" and described["MaxErrors"] == "1"
    [sent] = [call["parameters"] for call in sandbox.calls(operation="UpdateAssociation")]
    assert {key: sent.get(key) for key in ("AssociationId", "AssociationName", "ComplianceSeverity", "MaxConcurrency", "MaxErrors",
                                           "SyncCompliance", "ApplyOnlyAtCronInterval")} == {
        "AssociationId": association_id, "AssociationName": "daily-scan", "ComplianceSeverity": "HIGH", "MaxConcurrency": "50%",
        "MaxErrors": "1", "SyncCompliance": "AUTO", "ApplyOnlyAtCronInterval": False}
    assert sent["Targets"] == [{"Key": "tag:Patch Group", "Values": ["App", "Web"]}]
    assert ssm.list_tags_for_resource(ResourceType="Association", ResourceId=association_id)["TagList"] == [{"Key": "Team", "Value": "ops"}]

    sandbox.clear_calls()
    assert run(ssm_patch_association, update)["changed"] is False
    assert mutating(sandbox) == []

    absent = {"name": "daily-scan", "state": "absent"}
    predicted = run(ssm_patch_association, absent, check_mode=True)
    assert predicted["changed"] is True and mutating(sandbox) == []
    assert run(ssm_patch_association, absent)["changed"] is True
    assert mutating(sandbox) == ["DeleteAssociation"]
    assert ssm.list_associations(AssociationFilterList=[{"key": "AssociationName", "value": "daily-scan"}])["Associations"] == []
    sandbox.clear_calls()
    assert run(ssm_patch_association, absent)["changed"] is False
    assert mutating(sandbox) == []


def test_two_associations_of_one_name_need_association_id(workshop):
    sandbox, nodes = workshop
    ssm = sandbox.client("ssm")
    by_node = dict(
        (name, ssm.create_association(Name="AWS-RunPatchBaseline", AssociationName="twin", ScheduleExpression="rate(1 day)",
                                      Targets=[{"Key": "InstanceIds", "Values": [nodes[name]]}],
                                      Parameters={"Operation": ["Scan"]})["AssociationDescription"]["AssociationId"])
        for name in ("App1", "Web1"))
    ids = sorted(by_node.values())
    sandbox.clear_calls()

    failed = run(ssm_patch_association, {"name": "twin", "state": "absent"})
    assert failed["failed"] is True
    assert f"2 associations have that name in us-east-1 ({ids[0]}, {ids[1]}); give association_id" in failed["msg"]
    assert mutating(sandbox) == []

    picked = run(ssm_patch_association, {"name": "twin", "association_id": by_node["App1"], "operation": "scan",
                                         "instance_ids": [nodes["App1"]], "schedule": "rate(1 day)"})
    # Created outside the module without RebootOption: the module's definition adds it.
    assert picked["changed"] is True and picked["changed_fields"] == ["Parameters"]
    assert picked["association"]["association_id"] == by_node["App1"]
    assert run(ssm_patch_association, {"name": "twin", "association_id": by_node["Web1"], "state": "absent"})["changed"] is True
    assert [a["AssociationId"] for a in ssm.list_associations()["Associations"]] == [by_node["App1"]]


def test_an_association_of_another_document_is_left_alone(workshop):
    sandbox, nodes = workshop
    ssm = sandbox.client("ssm")
    ssm.create_association(Name="AWS-RunShellScript", AssociationName="uptime", ScheduleExpression="rate(1 day)",
                           Targets=[{"Key": "InstanceIds", "Values": [nodes["App1"]]}], Parameters={"commands": ["uptime"]})
    sandbox.clear_calls()
    failed = run(ssm_patch_association, {"name": "uptime", "state": "absent"})
    assert failed["failed"] is True and "runs AWS-RunShellScript, not a patching document" in failed["msg"]
    assert mutating(sandbox) == []


def test_targets_that_match_no_node_yet_are_warned_about(workshop):
    sandbox, _nodes = workshop
    result = run(ssm_patch_association, {"name": "future", "operation": "scan", "target_tags": {"Env": "future"},
                                         "schedule": "rate(12 hours)"})
    assert result["changed"] is True
    assert result["association"]["targets"] == [{"key": "tag:Env", "values": ["future"]}]
    assert warnings_of(result) == ["target_tags match no managed node in us-east-1 yet: "
                                   "the association runs on the nodes that carry them when it runs"]
    groups = run(ssm_patch_association, {"name": "later", "operation": "scan", "patch_groups": ["App", "Nobody"],
                                         "schedule": "rate(12 hours)"})
    assert groups["changed"] is True
    assert any("patch_groups ['Nobody'] match no managed node in us-east-1 yet" in warning for warning in warnings_of(groups))
    assert mutating(sandbox) == ["CreateAssociation", "CreateAssociation"]


def test_every_node_targets_instance_ids_star(workshop):
    result = run(ssm_patch_association, {"name": "fleet-scan", "operation": "scan", "all_instances": True,
                                         "schedule": "rate(1 day)"})
    assert result["association"]["targets"] == [{"key": "InstanceIds", "values": ["*"]}]


def test_patch_groups_whose_nodes_carry_both_spellings_fail(workshop):
    sandbox, nodes = workshop
    sandbox.client("ec2").create_tags(Resources=[nodes["Web1"]], Tags=[{"Key": "PatchGroup", "Value": "Web"}])
    sandbox.clear_calls()
    failed = run(ssm_patch_association, {"name": "both", "operation": "scan", "patch_groups": ["App", "Web"],
                                         "schedule": "rate(1 day)"})
    assert failed["failed"] is True and "carry both the Patch Group and the PatchGroup tag key" in failed["msg"]
    assert "us-east-1" in failed["msg"] and mutating(sandbox) == []


def test_info_reads_the_executions_the_schedule_ran_node_by_node(workshop, frozen_clock):
    sandbox, nodes = workshop
    sandbox.set_agent(seconds_per_node=1, reboot_seconds=1)
    try:
        created = run(ssm_patch_association, {"name": "hourly-scan", "operation": "scan", "patch_groups": ["App"],
                                              "schedule": "rate(1 hour)", "apply_only_at_cron_interval": False})
        association_id = created["association"]["association_id"]
        # The run at creation, then one at each hour of the schedule.
        frozen_clock.advance_clock(2 * 3600 + 600)
        sandbox.clear_calls()

        result = run(ssm_patch_association_info, {"names": ["hourly-scan"], "executions": 2, "include_execution_targets": True})
        [association] = result["associations"]
        assert association["association_id"] == association_id and association["schedule_expression"] == "rate(1 hour)"
        assert len(association["executions"]) == 2
        newest, older = association["executions"]
        assert newest["created_time"] > older["created_time"]
        for execution in (newest, older):
            assert execution["status"] == "Success"
            assert sorted(target["resource_id"] for target in execution["targets"]) == sorted([nodes["App1"], nodes["App2"]])
            assert {target["status"] for target in execution["targets"]} == {"Success"}
            assert all(target["output_source"]["output_source_type"] == "RunCommand" for target in execution["targets"])
        assert sandbox.mutating_calls() == []
        # One listing, one definition, one tag read, one executions page, one targets page an execution.
        operations = [call["operation"] for call in sandbox.calls(service="ssm")]
        assert sorted(operations) == sorted(["ListAssociations", "DescribeAssociation", "ListTagsForResource",
                                             "DescribeAssociationExecutions"] + ["DescribeAssociationExecutionTargets"] * 2)

        # By default the executions come without their targets, and no target is read.
        sandbox.clear_calls()
        brief = run(ssm_patch_association_info, {"names": ["hourly-scan"], "executions": 2})["associations"][0]["executions"]
        assert brief == [dict((key, value) for key, value in execution.items() if key != "targets") for execution in (newest, older)]
        assert sorted(call["operation"] for call in sandbox.calls(service="ssm")) == sorted([
            "ListAssociations", "DescribeAssociation", "ListTagsForResource", "DescribeAssociationExecutions"])
    finally:
        sandbox.reset_agent()


def test_info_without_names_lists_every_patching_association(workshop):
    sandbox, nodes = workshop
    ssm = sandbox.client("ssm")
    run(ssm_patch_association, dict(DAILY_SCAN, apply_only_at_cron_interval=True))
    run(ssm_patch_association, {"name": "hooked", "operation": "install", "instance_ids": [nodes["Web1"]],
                                "schedule": "cron(0 3 ? * TUE#2 *)", "schedule_offset": 2, "apply_only_at_cron_interval": True,
                                "post_install_hook": "GoodHook"})
    ssm.create_association(Name="AWS-RunShellScript", AssociationName="uptime", ScheduleExpression="rate(1 day)",
                           Targets=[{"Key": "InstanceIds", "Values": [nodes["App1"]]}], Parameters={"commands": ["uptime"]})

    result = run(ssm_patch_association_info, {"executions": 0})
    names = [(association["association_name"], association["name"]) for association in result["associations"]]
    assert names == [("daily-scan", "AWS-RunPatchBaseline"), ("hooked", "AWS-RunPatchBaselineWithHooks")]
    assert all(association["executions"] == [] for association in result["associations"])
    assert result["associations"][1]["schedule_offset"] == 2
    assert result["associations"][0]["tags"] == {"Owner": "platform"}

    missing = run(ssm_patch_association_info, {"names": ["nobody"], "association_ids": ["8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"]})
    assert missing["associations"] == []
    assert warnings_of(missing) == ["names: there is no association named nobody in us-east-1",
                                    "association_ids: there is no association 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e in us-east-1"]


def test_a_resource_group_target_and_its_nodes_in_the_executions(workshop, frozen_clock):
    sandbox, nodes = workshop
    query = {"ResourceTypeFilters": ["AWS::EC2::Instance"], "TagFilters": [{"Key": "Patch Group", "Values": ["Web"]}]}
    sandbox.client("resource-groups").create_group(
        Name="web-servers", ResourceQuery={"Type": "TAG_FILTERS_1_0", "Query": json.dumps(query)})
    sandbox.set_agent(seconds_per_node=1, reboot_seconds=1)
    try:
        created = run(ssm_patch_association, {"name": "web-scan", "operation": "scan", "resource_group": "web-servers",
                                              "schedule": "rate(1 day)"})
        assert created["changed"] is True and warnings_of(created) == []
        assert created["association"]["targets"] == [{"key": "resource-groups:Name", "values": ["web-servers"]}]
        frozen_clock.advance_clock(600)
        info_args = {"association_ids": [created["association"]["association_id"]], "include_execution_targets": True}
        [association] = run(ssm_patch_association_info, info_args)["associations"]
        [execution] = association["executions"]
        assert sorted(target["resource_id"] for target in execution["targets"]) == sorted([nodes["Web1"], nodes["Web2"]])
    finally:
        sandbox.reset_agent()


def test_converges_with_30_percent_throttling(workshop, monkeypatch):
    sandbox, _nodes = workshop
    # The retries' back-off sleeps are skipped: the test counts calls, it does not wait.
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    sandbox.set_faults([{"service": "ssm", "operation": "*", "throttle_rate": 0.3}], seed=7)
    try:
        created = run(ssm_patch_association, DAILY_SCAN)
        updated = run(ssm_patch_association, dict(DAILY_SCAN, schedule="rate(1 day)", tags={"Team": "ops"}))
        again = run(ssm_patch_association, dict(DAILY_SCAN, schedule="rate(1 day)", tags={"Team": "ops"}))
        read = run(ssm_patch_association_info, {"names": ["daily-scan"]})
        throttled = [call for call in sandbox.calls() if call.get("injected")]
    finally:
        sandbox.clear_faults()
    assert (created["changed"], updated["changed"], again["changed"]) == (True, True, False)
    assert read["associations"][0]["schedule_expression"] == "rate(1 day)" and read["associations"][0]["tags"] == {"Team": "ops"}
    assert len(throttled) > 3
    # Each mutating call was made once: a throttled request is refused before it changes anything.
    assert sorted(call["operation"] for call in sandbox.mutating_calls(service="ssm") if not call.get("injected")) == [
        "AddTagsToResource", "CreateAssociation", "RemoveTagsFromResource", "UpdateAssociation"]
