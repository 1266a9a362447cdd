"""State Manager associations: schedules and status roll-ups as plain functions; scheduled runs over
simulated time in process; the API through boto3 against the sandbox (runs, executions, targets,
compliance, filters, paginators, every error code). Against the sandbox, the clock is frozen and
tests advance it: a run is over after exactly the simulated time it takes, and nothing is polled."""

import datetime
import uuid

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.ssm.models import ssm_backends

from sandbox.ssm import associations as assoc
from sandbox.ssm.associations import model as assoc_model
from sandbox.ssm.associations import schedule as assoc_schedule
from sandbox.install import install_all
from sandbox.agent.managed_nodes import register_hybrid_node
from sandbox.tests.patch_isolation import account, account_client, new_account_id  # noqa: F401 (fixtures)

UTC = datetime.timezone.utc
SCAN = {"Operation": ["Scan"]}
DONE = ("Success", "Failed")


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def iso(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, UTC).isoformat()


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


# ---------------------------------------------------------------------------------------------
# pure logic: schedules


@pytest.mark.parametrize("expression, after, expected", [
    ("cron(0 2 ? * SUN#1 *)", "2024-01-01T00:00:00", ["2024-01-07T02:00:00", "2024-02-04T02:00:00"]),
    ("cron(15 10 ? * * *)", "2024-01-01T10:15:00", ["2024-01-02T10:15:00", "2024-01-03T10:15:00"]),
    ("cron(0/30 * * * ? *)", "2024-01-01T00:10:00", ["2024-01-01T00:30:00", "2024-01-01T01:00:00"]),
    ("cron(0 2 L * ? *)", "2024-02-01T00:00:00", ["2024-02-29T02:00:00", "2024-03-31T02:00:00"]),
    ("cron(0 12 ? * 6L *)", "2024-01-01T00:00:00", ["2024-01-26T12:00:00", "2024-02-23T12:00:00"]),
    ("cron(30 23 ? * MON-FRI 2024)", "2024-12-30T23:30:00", ["2024-12-31T23:30:00"]),
    ("cron(0 6 15W * ? *)", "2024-06-01T00:00:00", ["2024-06-14T06:00:00", "2024-07-15T06:00:00"]),
    ("cron(0 0 ? * THU#2)", "2024-01-01T00:00:00", ["2024-01-11T00:00:00", "2024-02-08T00:00:00"]),
    ("at(2024-05-01T08:00:00)", "2024-01-01T00:00:00", ["2024-05-01T08:00:00"]),
    # Seven fields, the first the seconds (0 only for associations): the CLI's own examples.
    ("cron(0 00 12 ? * SUN *)", "2024-01-01T00:00:00", ["2024-01-07T12:00:00", "2024-01-14T12:00:00"]),
    ("cron(0 0 0/4 1/1 * ? *)", "2024-01-01T01:00:00", ["2024-01-01T04:00:00", "2024-01-01T08:00:00"]),
])
def test_schedule_next_runs(expression, after, expected):
    schedule = assoc_schedule.parse_schedule(expression, now=at(after))
    runs = schedule.upcoming(at(after), 2)
    assert [iso(run) for run in runs] == [f"{text}+00:00" for text in expected]


def test_rate_counts_from_its_anchor_and_offset_shifts_cron_days():
    rate = assoc_schedule.parse_schedule("rate(2 hours)")
    anchor = at("2024-01-01T00:05:00")
    assert iso(rate.next_after(anchor, anchor)) == "2024-01-01T02:05:00+00:00"
    assert iso(rate.next_after(at("2024-01-01T05:00:00"), anchor)) == "2024-01-01T06:05:00+00:00"
    assert assoc_schedule.parse_schedule("rate(1 day)").interval == 86400
    cron = assoc_schedule.parse_schedule("cron(0 0 ? * THU#2 *)", now=at("2024-01-01T00:00:00"))
    cron.offset_days = 3
    assert iso(cron.next_after(at("2024-01-01T00:00:00"))) == "2024-01-14T00:00:00+00:00"  # the Sunday after


@pytest.mark.parametrize("expression", [
    "cron(0/15 * * * ? *)",          # more often than every 30 minutes
    "cron(0,20 8 ? * * *)",
    "cron(0 2 * * * *)",             # ? in neither day field
    "cron(0 2 ? * ? *)",             # ? in both
    "cron(0 2 ? 1 MON *)",           # associations take no month
    "cron(61 2 ? * * *)",
    "cron(0 24 ? * * *)",
    "cron(0 2 ? * FUNDAY *)",
    "cron(0 2 ? * 2#6 *)",
    "cron(0 2 ? * * 2001)",          # never runs again
    "cron(0 2 ?)",
    "cron(30 0 12 ? * SUN *)",       # seconds other than 0 (associations)
    "cron(0 0 0 12 ? * SUN *)",      # eight fields
    "rate(10 minutes)",
    "rate(1 minutes)",
    "rate(2 hour)",
    "rate(0 days)",
    "rate(31 days)",
    "rate(1 week)",
    "at(2024-02-30T00:00:00)",
    "every day",
])
def test_invalid_schedules(expression):
    with pytest.raises(assoc_schedule.InvalidSchedule):
        assoc_schedule.parse_schedule(expression, now=at("2024-01-01T00:00:00"))


# ---------------------------------------------------------------------------------------------
# pure logic: statuses


def test_target_and_execution_statuses():
    assert assoc_model.target_status("Delayed", "Delayed") == ("Pending", "Delayed")
    assert assoc_model.target_status("InProgress", "InProgress") == ("InProgress", "InProgress")
    assert assoc_model.target_status("TimedOut", "DeliveryTimedOut") == ("Failed", "DeliveryTimedOut")
    assert assoc_model.target_status("Failed", "Undeliverable") == ("Failed", "Undeliverable")
    assert assoc_model.target_status("Cancelled", "Terminated") == ("Failed", "Terminated")
    assert assoc_model.execution_status(["Pending", "Pending"]) == ("Pending", "Pending")
    assert assoc_model.execution_status(["Pending", "Success"]) == ("InProgress", "InProgress")
    assert assoc_model.execution_status(["Success", "Failed"]) == ("Failed", "Failed")
    assert assoc_model.execution_status(["Success", "Success"]) == ("Success", "Success")
    assert assoc_model.execution_status([]) == ("Success", "Success")
    assert assoc_model.execution_status([], failed_to_start=True) == ("Failed", "Failed")
    assert assoc_model.resource_count_by_status(["Success", "Failed", "Success"]) == "{Failed=1, Success=2}"
    assert assoc_model.resource_count_by_status([]) == "{}"
    assert assoc_model.overview(None, creating=True) == ("Pending", "Creating")
    assert assoc_model.overview(None) == ("Pending", "Associated")
    assert assoc_model.overview(("InProgress", "InProgress")) == ("Pending", "InProgress")
    assert assoc_model.overview(("Failed", "Failed")) == ("Failed", "Failed")
    assoc_model.check_association_limit(assoc_model.MAX_ASSOCIATIONS - 1)
    with pytest.raises(assoc_model.AssociationLimitExceeded):
        assoc_model.check_association_limit(assoc_model.MAX_ASSOCIATIONS)


# ---------------------------------------------------------------------------------------------
# scheduled runs over simulated time (in process: no waiting for half an hour)


def test_scheduled_runs_fire_lazily_at_their_times():
    install_all()
    with mock_aws():
        backend = ssm_backends[new_account_id()]["us-east-1"]
        node = register_hybrid_node(backend, "AMAZON_LINUX_2", name="sched").instance_id
        start = at("2024-03-04T10:00:00")
        params = {"Name": "AWS-RunPatchBaseline", "Parameters": SCAN, "ScheduleExpression": "rate(30 minutes)",
                  "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        rate_id = assoc.create_association(backend, params, now=start)["AssociationId"]
        cron_id = assoc.create_association(backend, {
            **params, "ScheduleExpression": "cron(0 12 ? * * *)", "ApplyOnlyAtCronInterval": True}, now=start)[
            "AssociationId"]
        once_id = assoc.create_association(backend, {**params, "ScheduleExpression": None}, now=start)[
            "AssociationId"]
        # create-association.rst Example 3, "runs only once": at(...) with ApplyOnlyAtCronInterval.
        at_id = assoc.create_association(backend, {
            **params, "ScheduleExpression": "at(2024-03-04T11:30:00)", "ApplyOnlyAtCronInterval": True},
            now=start)["AssociationId"]

        def created(association_id, now):
            return [iso(execution.created) for execution in
                    reversed(assoc.association_executions(backend, association_id, now=now))]

        assert created(once_id, start) == []                     # the run at creation is seen after it
        later = start + 3600 + 5
        assert created(rate_id, later) == ["2024-03-04T10:00:00+00:00", "2024-03-04T10:30:00+00:00",
                                           "2024-03-04T11:00:00+00:00"]
        assert created(cron_id, later) == []                     # ApplyOnlyAtCronInterval: not at creation
        assert created(once_id, later) == ["2024-03-04T10:00:00+00:00"]
        assert created(at_id, start + 1799) == []                # not at creation: only at its moment
        noon = at("2024-03-04T12:00:30")
        assert created(cron_id, noon) == ["2024-03-04T12:00:00+00:00"]
        executions = assoc.association_executions(backend, cron_id, now=noon + 60)
        assert executions[0].status == "Success" and executions[0].command.association_id == cron_id
        recurring = [a.association_id for a in assoc.iter_associations(backend, now=noon + 60)
                     if assoc.is_recurring_patch_task(a)]
        assert recurring == [rate_id, cron_id]                   # at(...) runs once: not recurring
        assert created(at_id, noon + 7 * 86400) == ["2024-03-04T11:30:00+00:00"]


# ---------------------------------------------------------------------------------------------
# through boto3 against the sandbox


@pytest.fixture
def ssm(sandbox, account):  # noqa: F811
    return account_client(sandbox, account)


@pytest.fixture(autouse=True)
def fast_agent(frozen_clock):
    sandbox = frozen_clock
    sandbox.set_agent(seconds_per_node=0.1, reboot_seconds=0.2, delivery_timeout_scale=0.02)
    yield
    sandbox.reset_agent()


def s3_client(sandbox, account):  # noqa: F811
    client = sandbox.client("s3")
    client.meta.events.register("before-send.s3", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    return client


def hybrid(sandbox, account, count=1, operating_system="AMAZON_LINUX_2", **options):  # noqa: F811
    return sandbox.seed_nodes(count, operating_system, kind="hybrid", account_id=account, **options)


def executions(ssm, association_id, **options):
    return [row for page in ssm.get_paginator("describe_association_executions").paginate(
        AssociationId=association_id, **options) for row in page["AssociationExecutions"]]


def targets(ssm, association_id, execution_id, **options):
    return [row for page in ssm.get_paginator("describe_association_execution_targets").paginate(
        AssociationId=association_id, ExecutionId=execution_id, **options)
        for row in page["AssociationExecutionTargets"]]


def done_after(sandbox, ssm, association_id, seconds=1, count=1):
    """The association's executions once `seconds` of simulated time have passed: exactly `count`
    of them, all ended (a node's run takes 0.1 s here)."""
    sandbox.advance_clock(seconds)
    rows = executions(ssm, association_id)
    assert len(rows) == count and all(row["Status"] in DONE for row in rows), rows
    return rows


def test_patch_now_scan_of_every_node(sandbox):
    account_id = new_account_id()                     # a fresh account: InstanceIds * means exactly these
    ssm = account_client(sandbox, account_id)
    s3 = s3_client(sandbox, account_id)
    s3.create_bucket(Bucket="patch-now-logs")
    nodes = hybrid(sandbox, account_id, 3)
    created = ssm.create_association(
        Name="AWS-RunPatchBaseline", AssociationName="AWS-PatchNowAssociation", Parameters=SCAN,
        Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
        OutputLocation={"S3Location": {"OutputS3BucketName": "patch-now-logs", "OutputS3KeyPrefix": "scan"}},
    )["AssociationDescription"]
    association_id = created["AssociationId"]
    assert created["Overview"]["Status"] == "Pending" and created["Overview"]["DetailedStatus"] == "Creating"
    assert (created["AssociationVersion"], created["DocumentVersion"], created["SyncCompliance"]) == (
        "1", "$DEFAULT", "AUTO")
    assert created["ApplyOnlyAtCronInterval"] is False and "ScheduleExpression" not in created

    [first] = done_after(sandbox, ssm, association_id)
    assert (first["Status"], first["DetailedStatus"], first["ResourceCountByStatus"]) == (
        "Success", "Success", "{Success=3}")
    assert first["AssociationVersion"] == "1" and first["LastExecutionDate"] >= first["CreatedTime"]
    rows = targets(ssm, association_id, first["ExecutionId"])
    assert sorted(row["ResourceId"] for row in rows) == sorted(nodes)
    assert {(row["Status"], row["DetailedStatus"], row["ResourceType"]) for row in rows} == {
        ("Success", "Success", "ManagedInstance")}
    command_ids = {row["OutputSource"]["OutputSourceId"] for row in rows}
    assert {row["OutputSource"]["OutputSourceType"] for row in rows} == {"RunCommand"}
    [command] = ssm.list_commands(CommandId=command_ids.pop())["Commands"]
    assert (command["DocumentName"], command["Status"], command["TargetCount"]) == (
        "AWS-RunPatchBaseline", "Success", 3)
    assert command["OutputS3BucketName"] == "patch-now-logs"
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="patch-now-logs", Prefix="scan/")["Contents"]]
    assert f"scan/{command['CommandId']}/{nodes[0]}/awsrunShellScript/PatchLinux/stdout" in keys

    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["Overview"] == {"Status": "Success", "DetailedStatus": "Success",
                                     "AssociationStatusAggregatedCount": {"Success": 3}}
    assert described["LastExecutionDate"] == described["LastSuccessfulExecutionDate"] == first["CreatedTime"]
    states = ssm.describe_instance_patch_states(InstanceIds=nodes)["InstancePatchStates"]
    assert {state["Operation"] for state in states} == {"Scan"} and len(states) == 3
    items = ssm.list_compliance_items(ResourceIds=[nodes[0]], ResourceTypes=["ManagedInstance"],
                                      Filters=[{"Key": "ComplianceType", "Values": ["Association"]}])["ComplianceItems"]
    assert [(item["Id"], item["Title"], item["Status"], item["Severity"]) for item in items] == [
        (association_id, "AWS-PatchNowAssociation", "COMPLIANT", "UNSPECIFIED")]
    assert items[0]["Details"]["DocumentName"] == "AWS-RunPatchBaseline"
    assert items[0]["ExecutionSummary"]["ExecutionId"] == first["ExecutionId"]
    info = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [nodes[0]]}])
    assert info["InstanceInformationList"][0]["AssociationStatus"] == "Success"

    ssm.start_associations_once(AssociationIds=[association_id])
    rows = done_after(sandbox, ssm, association_id, count=2)
    assert len(rows) == 2 and rows[1]["ExecutionId"] == first["ExecutionId"]     # newest first
    assert rows[0]["Status"] == "Success" and rows[0]["CreatedTime"] > first["CreatedTime"]
    second_command = targets(ssm, association_id, rows[0]["ExecutionId"])[0]["OutputSource"]["OutputSourceId"]
    assert second_command != command["CommandId"]
    pages = list(ssm.get_paginator("describe_association_executions").paginate(
        AssociationId=association_id, PaginationConfig={"PageSize": 1}))
    assert [len(page["AssociationExecutions"]) for page in pages] == [1, 1]
    only = executions(ssm, association_id, Filters=[{"Key": "ExecutionId", "Value": first["ExecutionId"],
                                                     "Type": "EQUAL"}])
    assert [row["ExecutionId"] for row in only] == [first["ExecutionId"]]
    before = executions(ssm, association_id, Filters=[
        {"Key": "CreatedTime", "Value": rows[0]["CreatedTime"].isoformat(), "Type": "LESS_THAN"}])
    assert [row["ExecutionId"] for row in before] == [first["ExecutionId"]]
    assert executions(ssm, association_id, Filters=[{"Key": "Status", "Value": "Failed", "Type": "EQUAL"}]) == []
    page = ssm.describe_association_execution_targets(AssociationId=association_id, ExecutionId=first["ExecutionId"],
                                                      MaxResults=2)
    assert len(page["AssociationExecutionTargets"]) == 2 and page["NextToken"]
    one = targets(ssm, association_id, first["ExecutionId"], Filters=[{"Key": "ResourceId", "Value": nodes[1]}])
    assert [row["ResourceId"] for row in one] == [nodes[1]]
    assert targets(ssm, association_id, first["ExecutionId"], Filters=[{"Key": "Status", "Value": "Failed"}]) == []


def test_failing_script_fails_execution_and_compliance(sandbox, ssm, account):  # noqa: F811
    nodes = hybrid(sandbox, account, 2, tags={"Role": "failing"})
    association_id = ssm.create_association(
        Name="AWS-RunShellScript", Parameters={"commands": ["echo trying", "exit 3"]},
        Targets=[{"Key": "tag:Role", "Values": ["failing"]}], ComplianceSeverity="HIGH",
        AssociationName="always-fails", MaxConcurrency="1", MaxErrors="5",
    )["AssociationDescription"]["AssociationId"]
    [execution] = done_after(sandbox, ssm, association_id)
    assert (execution["Status"], execution["ResourceCountByStatus"]) == ("Failed", "{Failed=2}")
    rows = targets(ssm, association_id, execution["ExecutionId"], Filters=[{"Key": "Status", "Value": "Failed"}])
    assert sorted(row["ResourceId"] for row in rows) == sorted(nodes)
    invocation = ssm.get_command_invocation(CommandId=rows[0]["OutputSource"]["OutputSourceId"],
                                            InstanceId=rows[0]["ResourceId"])
    assert invocation["ResponseCode"] == 3 and invocation["StandardOutputContent"] == "trying\n"
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["Overview"]["Status"] == "Failed"
    assert described["Overview"]["AssociationStatusAggregatedCount"] == {"Failed": 2}
    assert (described["MaxConcurrency"], described["MaxErrors"], described["ComplianceSeverity"]) == ("1", "5", "HIGH")
    assert "LastSuccessfulExecutionDate" not in described
    items = ssm.list_compliance_items(ResourceIds=[nodes[0]], Filters=[
        {"Key": "ComplianceType", "Values": ["Association"]}])["ComplianceItems"]
    assert [(item["Id"], item["Status"], item["Severity"]) for item in items] == [
        (association_id, "NON_COMPLIANT", "HIGH")]
    summary = ssm.list_resource_compliance_summaries(Filters=[
        {"Key": "ComplianceType", "Values": ["Association"]}, {"Key": "InstanceId", "Values": [nodes[0]]}])
    assert summary["ResourceComplianceSummaryItems"][0]["OverallSeverity"] == "HIGH"
    # Deleting the association takes its compliance item away.
    ssm.delete_association(AssociationId=association_id)
    assert ssm.list_compliance_items(ResourceIds=[nodes[0]], Filters=[
        {"Key": "ComplianceType", "Values": ["Association"]}])["ComplianceItems"] == []


def test_manual_sync_records_no_compliance_and_schedules(sandbox, ssm, account):  # noqa: F811
    [node] = hybrid(sandbox, account, 1)
    manual = ssm.create_association(Name="AWS-RunShellScript", Parameters={"commands": ["echo hi"]},
                                    InstanceId=node, SyncCompliance="MANUAL")["AssociationDescription"]
    assert manual["InstanceId"] == node and manual["SyncCompliance"] == "MANUAL"
    assert done_after(sandbox, ssm, manual["AssociationId"])[0]["Status"] == "Success"
    assert ssm.list_compliance_items(ResourceIds=[node], Filters=[
        {"Key": "ComplianceType", "Values": ["Association"]}])["ComplianceItems"] == []

    cron = ssm.create_association(
        Name="AWS-RunPatchBaseline", Parameters=SCAN, Targets=[{"Key": "InstanceIds", "Values": [node]}],
        ScheduleExpression="cron(0 3 ? * SUN *)", ApplyOnlyAtCronInterval=True, ScheduleOffset=2,
    )["AssociationDescription"]
    assert (cron["ScheduleExpression"], cron["ApplyOnlyAtCronInterval"], cron["ScheduleOffset"]) == (
        "cron(0 3 ? * SUN *)", True, 2)
    sandbox.advance_clock(1)
    assert executions(ssm, cron["AssociationId"]) == []
    assert ssm.describe_association(AssociationId=cron["AssociationId"])["AssociationDescription"]["Overview"][
        "DetailedStatus"] == "Associated"
    rate = ssm.create_association(Name="AWS-RunPatchBaseline", Parameters=SCAN, ScheduleExpression="rate(1 day)",
                                  Targets=[{"Key": "instanceids", "Values": [node]}])["AssociationDescription"]
    [run] = done_after(sandbox, ssm, rate["AssociationId"])        # a schedule still runs at creation
    assert run["Status"] == "Success"


def test_legacy_instance_association_lifecycle(sandbox, ssm, account):  # noqa: F811
    [node] = hybrid(sandbox, account, 1)
    created = ssm.create_association(Name="AWS-RunPatchBaseline", InstanceId=node, Parameters=SCAN)[
        "AssociationDescription"]
    with pytest.raises(ClientError) as excinfo:
        ssm.create_association(Name="AWS-RunPatchBaseline", InstanceId=node, Parameters=SCAN)
    assert code(excinfo) == "AssociationAlreadyExists"
    found = ssm.describe_association(Name="AWS-RunPatchBaseline", InstanceId=node)["AssociationDescription"]
    # Not run yet (the run at creation is seen after its instant): Associated, every node Pending,
    # as describe-association.rst Example 2 answers.
    assert found["AssociationId"] == created["AssociationId"]
    assert (found["Status"]["Name"], found["Status"]["Message"]) == ("Associated", "Associated with AWS-RunPatchBaseline")
    assert found["Overview"] == {"Status": "Pending", "DetailedStatus": "Associated",
                                 "AssociationStatusAggregatedCount": {"Pending": 1}}
    assert found["Targets"] == [{"Key": "InstanceIds", "Values": [node]}] and found["InstanceId"] == node
    sandbox.advance_clock(0.05)                                # running (0.1 s a node)
    found = ssm.describe_association(Name="AWS-RunPatchBaseline", InstanceId=node)["AssociationDescription"]
    assert (found["Status"]["Name"], found["Overview"]["AssociationStatusAggregatedCount"]) == ("Pending", {"InProgress": 1})
    sandbox.advance_clock(1)                                   # the run at creation is over
    found = ssm.describe_association(Name="AWS-RunPatchBaseline", InstanceId=node)["AssociationDescription"]
    assert found["Status"]["Name"] == "Success"
    with pytest.raises(ClientError) as excinfo:
        ssm.update_association(AssociationId=created["AssociationId"],
                               Targets=[{"Key": "InstanceIds", "Values": [node]}])
    assert code(excinfo) == "InvalidUpdate"
    ssm.delete_association(Name="AWS-RunPatchBaseline", InstanceId=node)
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_association(AssociationId=created["AssociationId"])
    assert code(excinfo) == "AssociationDoesNotExist"
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_association(Name="AWS-RunPatchBaseline", InstanceId=node)
    assert code(excinfo) == "AssociationDoesNotExist"


def test_update_resets_every_optional_field_it_is_not_given(sandbox, ssm, account):  # noqa: F811
    # API reference, UpdateAssociation: "the system removes all optional parameters from the request
    # and overwrites the association with null values for those parameters"; the document and the
    # targets stay (update-association.rst gives neither and answers both).
    [node] = hybrid(sandbox, account, 1)
    targets = [{"Key": "InstanceIds", "Values": [node]}]
    association_id = ssm.create_association(
        Name="AWS-RunPatchBaseline", Parameters=SCAN, AssociationName="nightly", Targets=targets,
        ScheduleExpression="cron(0 2 ? * * *)", MaxConcurrency="10%", MaxErrors="1", ComplianceSeverity="HIGH",
        SyncCompliance="MANUAL", ApplyOnlyAtCronInterval=True, ScheduleOffset=2,
        OutputLocation={"S3Location": {"OutputS3BucketName": "logs-bucket"}},
    )["AssociationDescription"]["AssociationId"]
    updated = ssm.update_association(AssociationId=association_id, Parameters=SCAN)["AssociationDescription"]
    for field in ("AssociationName", "ScheduleExpression", "MaxConcurrency", "MaxErrors", "ComplianceSeverity",
                  "ScheduleOffset", "OutputLocation"):
        assert field not in updated, field
    assert (updated["SyncCompliance"], updated["ApplyOnlyAtCronInterval"]) == ("AUTO", False)
    assert (updated["Name"], updated["Targets"], updated["Parameters"]) == ("AWS-RunPatchBaseline", targets, SCAN)
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert "ScheduleExpression" not in described and described["AssociationVersion"] == "2"
    # The whole definition sent again keeps it.
    again = ssm.update_association(AssociationId=association_id, Parameters=SCAN, AssociationName="nightly",
                                   ScheduleExpression="rate(1 day)", MaxErrors="1")["AssociationDescription"]
    assert (again["AssociationName"], again["ScheduleExpression"], again["MaxErrors"]) == ("nightly", "rate(1 day)", "1")


def test_update_makes_versions_and_runs_again(sandbox, ssm, account):  # noqa: F811
    [node] = hybrid(sandbox, account, 1)
    association_id = ssm.create_association(
        Name="AWS-RunShellScript", Parameters={"commands": ["echo one"]}, AssociationName="versioned",
        Targets=[{"Key": "InstanceIds", "Values": [node]}], Tags=[{"Key": "team", "Value": "ops"}],
    )["AssociationDescription"]["AssociationId"]
    done_after(sandbox, ssm, association_id)
    updated = ssm.update_association(AssociationId=association_id, Parameters={"commands": ["echo two"]},
                                     AssociationName="versioned", AssociationVersion="1")["AssociationDescription"]
    assert updated["AssociationVersion"] == "2" and updated["AssociationName"] == "versioned"
    rows = done_after(sandbox, ssm, association_id, count=2)
    assert [row["AssociationVersion"] for row in rows] == ["2", "1"]
    output = ssm.get_command_invocation(
        CommandId=targets(ssm, association_id, rows[0]["ExecutionId"])[0]["OutputSource"]["OutputSourceId"],
        InstanceId=node)["StandardOutputContent"]
    assert output == "two\n"
    old = ssm.describe_association(AssociationId=association_id, AssociationVersion="1")["AssociationDescription"]
    assert old["Parameters"] == {"commands": ["echo one"]} and old["AssociationVersion"] == "1"
    with pytest.raises(ClientError) as excinfo:
        ssm.update_association(AssociationId=association_id, AssociationVersion="1", MaxErrors="1")
    assert code(excinfo) == "InvalidAssociationVersion"
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_association(AssociationId=association_id, AssociationVersion="7")
    assert code(excinfo) == "InvalidAssociationVersion"
    ssm.add_tags_to_resource(ResourceType="Association", ResourceId=association_id,
                             Tags=[{"Key": "stage", "Value": "prod"}])
    tags = ssm.list_tags_for_resource(ResourceType="Association", ResourceId=association_id)["TagList"]
    assert sorted((tag["Key"], tag["Value"]) for tag in tags) == [("stage", "prod"), ("team", "ops")]
    ssm.delete_association(AssociationId=association_id)


def test_list_filters_and_paginator(sandbox):
    account_id = new_account_id()
    ssm = account_client(sandbox, account_id)
    web = hybrid(sandbox, account_id, 2, tags={"Tier": "web"})
    [db] = hybrid(sandbox, account_id, 1, tags={"Tier": "db"})
    made = {}
    for name, target in (("scan-web", {"Key": "tag:Tier", "Values": ["web"]}),
                         ("scan-db", {"Key": "InstanceIds", "Values": [db]}),
                         ("scan-group", {"Key": "resource-groups:Name", "Values": ["my-group"]})):
        made[name] = ssm.create_association(Name="AWS-RunPatchBaseline", Parameters=SCAN, AssociationName=name,
                                            Targets=[target])["AssociationDescription"]["AssociationId"]
    made["shell"] = ssm.create_association(Name="AWS-RunShellScript", Parameters={"commands": ["echo"]},
                                           AssociationName="shell", InstanceId=web[0],
                                           ScheduleExpression="rate(12 hours)")["AssociationDescription"][
        "AssociationId"]
    for association_id in made.values():
        done_after(sandbox, ssm, association_id)

    def listed(*filters):
        return sorted(row["AssociationName"] for page in ssm.get_paginator("list_associations").paginate(
            AssociationFilterList=[{"key": key, "value": value} for key, value in filters])
            for row in page["Associations"])

    everything = list(ssm.get_paginator("list_associations").paginate(PaginationConfig={"PageSize": 1}))
    assert [len(page["Associations"]) for page in everything] == [1, 1, 1, 1]
    row = next(item for page in everything for item in page["Associations"] if item["AssociationName"] == "shell")
    assert (row["Name"], row["InstanceId"], row["ScheduleExpression"], row["AssociationVersion"]) == (
        "AWS-RunShellScript", web[0], "rate(12 hours)", "1")
    assert row["Overview"]["Status"] == "Success" and row["LastExecutionDate"]
    assert listed(("Name", "AWS-RunPatchBaseline")) == ["scan-db", "scan-group", "scan-web"]
    assert listed(("AssociationName", "scan-db")) == ["scan-db"]
    assert listed(("AssociationId", made["shell"])) == ["shell"]
    assert listed(("InstanceId", web[0])) == ["scan-web", "shell"]
    assert listed(("InstanceId", db)) == ["scan-db"]
    assert listed(("ResourceGroupName", "my-group")) == ["scan-group"]
    assert listed(("AssociationStatusName", "Success")) == ["scan-db", "scan-group", "scan-web", "shell"]
    assert listed(("AssociationStatusName", "Failed")) == []
    assert listed(("LastExecutedAfter", "2000-01-01T00:00:00Z"), ("Name", "AWS-RunShellScript")) == ["shell"]
    assert listed(("LastExecutedBefore", "2000-01-01T00:00:00Z")) == []
    assert listed(("CloudConnectorId", "x")) == []
    # A resource group that matches nothing still runs: an execution without targets.
    [empty] = executions(ssm, made["scan-group"])
    assert (empty["Status"], empty["ResourceCountByStatus"]) == ("Success", "{}")


def test_errors(sandbox, ssm, account):  # noqa: F811
    [node] = hybrid(sandbox, account, 1)
    [windows] = hybrid(sandbox, account, 1, operating_system="WINDOWS")
    everyone = [{"Key": "InstanceIds", "Values": [node]}]
    raw = account_client(sandbox, account, parameter_validation=False)

    def create_error(client=ssm, **params):
        params.setdefault("Name", "AWS-RunPatchBaseline")
        params.setdefault("Parameters", SCAN)
        if "InstanceId" not in params:
            params.setdefault("Targets", everyone)
        with pytest.raises(ClientError) as excinfo:
            client.create_association(**{key: value for key, value in params.items() if value is not None})
        return code(excinfo)

    assert create_error(Name="No-Such-Document") == "InvalidDocument"
    assert create_error(DocumentVersion="9") == "InvalidDocumentVersion"
    assert create_error(Parameters={}) == "InvalidParameters"                       # Operation is required
    assert create_error(Parameters={"Operation": ["Patch"]}) == "InvalidParameters"
    assert create_error(Parameters={"Operation": ["Scan"], "Nope": ["x"]}) == "InvalidParameters"
    assert create_error(ScheduleExpression="rate(5 minutes)") == "InvalidSchedule"
    assert create_error(ScheduleExpression="cron(0 2 * * * *)") == "InvalidSchedule"
    assert create_error(ScheduleExpression="rate(1 day)", ApplyOnlyAtCronInterval=True) == "InvalidSchedule"
    assert create_error(ScheduleExpression="at(2024-05-01T08:00:00)", ScheduleOffset=2,
                        ApplyOnlyAtCronInterval=True) == "InvalidSchedule"
    assert create_error(ApplyOnlyAtCronInterval=True) == "InvalidSchedule"
    assert create_error(ScheduleExpression="cron(0 2 ? * SUN *)", ScheduleOffset=2) == "InvalidSchedule"
    assert create_error(Targets=[{"Key": "colour", "Values": ["red"]}]) == "InvalidTarget"
    assert create_error(Targets=[{"Key": "InstanceIds", "Values": ["not-a-node"]}]) == "InvalidTarget"
    assert create_error(Targets=[{"Key": "tag:Role", "Values": []}]) == "InvalidTarget"
    assert create_error(Targets=[]) == "InvalidTarget"
    assert create_error(InstanceId="mi-0123456789abcdef0", Targets=None) == "InvalidInstanceId"
    assert create_error(Name="AWS-RunShellScript", Parameters={"commands": ["echo"]}, InstanceId=windows,
                        Targets=None) == "UnsupportedPlatformType"
    assert create_error(OutputLocation={"S3Location": {"OutputS3KeyPrefix": "x"}}) == "InvalidOutputLocation"
    assert create_error(OutputLocation={"S3Location": {"OutputS3BucketName": "Bad_Bucket"}}) == "InvalidOutputLocation"
    assert create_error(Tags=[{"Key": "aws:owner", "Value": "me"}]) == "InvalidTag"
    assert create_error(AssociationName="no spaces allowed") == "ValidationException"
    assert create_error(MaxConcurrency="0") == "ValidationException"
    assert create_error(client=raw, Targets=[{"Key": "tag:a", "Values": ["b"]}] * 6) == "ValidationException"

    missing = str(uuid.uuid4())
    for call, params in (
            (ssm.describe_association, {"AssociationId": missing}),
            (ssm.delete_association, {"AssociationId": missing}),
            (ssm.update_association, {"AssociationId": missing}),
            (ssm.start_associations_once, {"AssociationIds": [missing]}),
            (ssm.describe_association_executions, {"AssociationId": missing}),
            (ssm.describe_association_execution_targets, {"AssociationId": missing, "ExecutionId": missing})):
        with pytest.raises(ClientError) as excinfo:
            call(**params)
        assert code(excinfo) == "AssociationDoesNotExist", call
    association_id = ssm.create_association(Name="AWS-RunPatchBaseline", Parameters=SCAN,
                                            Targets=everyone)["AssociationDescription"]["AssociationId"]
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_association_execution_targets(AssociationId=association_id, ExecutionId=missing)
    assert code(excinfo) == "AssociationExecutionDoesNotExist"
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_association_executions(AssociationId=association_id,
                                            Filters=[{"Key": "Status", "Value": "Success", "Type": "LESS_THAN"}])
    assert code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ssm.list_associations(AssociationFilterList=[{"key": "LastExecutedAfter", "value": "yesterday"}])
    assert code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ssm.list_associations(MaxResults=51)
    assert code(excinfo) == "ValidationException"
    # Filter keys outside the model's enums are refused by the server's model validator.
    bad_keys = [
        lambda: raw.list_associations(AssociationFilterList=[{"key": "Color", "value": "x"}]),
        lambda: raw.describe_association_executions(AssociationId=association_id,
                                                    Filters=[{"Key": "Color", "Value": "x", "Type": "EQUAL"}]),
        lambda: raw.describe_association_execution_targets(AssociationId=association_id, ExecutionId=missing,
                                                           Filters=[{"Key": "Color", "Value": "x"}]),
    ]
    for call in bad_keys:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ssm.list_associations(NextToken="garbage")
    assert code(excinfo) == "InvalidNextToken"
    with pytest.raises(ClientError) as excinfo:
        ssm.update_association(AssociationId=association_id, Parameters=SCAN, ScheduleExpression="rate(1 minute)")
    assert code(excinfo) == "InvalidSchedule"
    with pytest.raises(ClientError) as excinfo:
        ssm.list_tags_for_resource(ResourceType="Association", ResourceId=missing)
    assert code(excinfo) == "InvalidResourceId"
    ssm.delete_association(AssociationId=association_id)
    with pytest.raises(ClientError) as excinfo:
        ssm.start_associations_once(AssociationIds=[association_id])
    assert code(excinfo) == "AssociationDoesNotExist"


def test_node_gone_fails_the_legacy_run(sandbox, ssm, account):  # noqa: F811
    node = sandbox.register_node(account_id=account)["instance_id"]
    association_id = ssm.create_association(Name="AWS-RunPatchBaseline", InstanceId=node, Parameters=SCAN)[
        "AssociationDescription"]["AssociationId"]
    done_after(sandbox, ssm, association_id)
    sandbox.request("DELETE", f"/_sandbox/nodes/{node}?account_id={account}")
    ssm.start_associations_once(AssociationIds=[association_id])
    rows = done_after(sandbox, ssm, association_id, count=2)
    assert (rows[0]["Status"], rows[0]["ResourceCountByStatus"]) == ("Failed", "{Failed=1}")
    [target] = targets(ssm, association_id, rows[0]["ExecutionId"])
    assert target["ResourceId"] == node and "OutputSource" not in target
    ssm.delete_association(AssociationId=association_id)



def test_instance_information_shows_the_associations_that_ran(sandbox, ssm, account):  # noqa: F811
    """DescribeInstanceInformation's association members (describe-instance-information.rst Example 3)
    follow each association's latest result on the node: a failure shows in the overview, and the last
    successful date stays the success's."""
    [node] = hybrid(sandbox, account, 1)

    def information():
        [item] = ssm.describe_instance_information(
            Filters=[{"Key": "InstanceIds", "Values": [node]}])["InstanceInformationList"]
        return item

    assert not {"AssociationOverview", "LastAssociationExecutionDate"} & set(information())
    ok = ssm.create_association(Name="AWS-RunShellScript", Parameters={"commands": ["echo ok"]},
                                Targets=[{"Key": "InstanceIds", "Values": [node]}])["AssociationDescription"]
    done_after(sandbox, ssm, ok["AssociationId"])
    succeeded = information()
    assert succeeded["AssociationOverview"] == {"DetailedStatus": "Success",
                                                "InstanceAssociationStatusAggregatedCount": {"Success": 1}}
    assert succeeded["LastAssociationExecutionDate"] == succeeded["LastSuccessfulAssociationExecutionDate"]
    bad = ssm.create_association(Name="AWS-RunShellScript", Parameters={"commands": ["exit 3"]},
                                 Targets=[{"Key": "InstanceIds", "Values": [node]}])["AssociationDescription"]
    done_after(sandbox, ssm, bad["AssociationId"])
    failed = information()
    assert (failed["AssociationStatus"], failed["AssociationOverview"]) == ("Failed", {
        "DetailedStatus": "Failed", "InstanceAssociationStatusAggregatedCount": {"Failed": 1, "Success": 1}})
    assert failed["LastAssociationExecutionDate"] > failed["LastSuccessfulAssociationExecutionDate"]
    assert failed["LastSuccessfulAssociationExecutionDate"] == succeeded["LastSuccessfulAssociationExecutionDate"]
    ssm.delete_association(AssociationId=bad["AssociationId"])
    assert information()["AssociationOverview"]["InstanceAssociationStatusAggregatedCount"] == {"Success": 1}
