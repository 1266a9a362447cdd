"""Run Command through boto3 against the sandbox: simulated time, rate controls, delivery, output,
S3, errors, pagination; and the patching documents end to end once sandbox.agent.patch_agent exists.

The sandbox's clock is frozen for every test here: a test moves time with `advance_clock` and sees
exactly what AWS shows at that moment, instead of sleeping and polling."""

import importlib.util

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.patch_isolation import account, account_client, new_account_id  # noqa: F401 (fixtures)

HAS_PATCH_AGENT = importlib.util.find_spec("sandbox.agent.patch_agent") is not None
needs_patch_agent = pytest.mark.skipif(not HAS_PATCH_AGENT, reason="sandbox/agent/patch_agent.py is not there yet")
RUNNING = ("Pending", "InProgress", "Cancelling")


@pytest.fixture
def ssm(sandbox, account):  # noqa: F811
    return account_client(sandbox, account)


@pytest.fixture
def raw_ssm(sandbox, account):  # noqa: F811
    """No client-side validation: for requests botocore itself would refuse."""
    return account_client(sandbox, account, parameter_validation=False)


@pytest.fixture(autouse=True)
def fast_agent(frozen_clock):
    sandbox = frozen_clock
    sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.4, delivery_timeout_scale=0.02)
    yield
    sandbox.reset_agent()


@pytest.fixture
def s3(sandbox, account):  # noqa: F811
    client = sandbox.client("s3")
    client.meta.events.register("before-send.s3", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    return client


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def hybrid(sandbox, account, count=1, operating_system="AMAZON_LINUX_2", **options):  # noqa: F811
    return sandbox.seed_nodes(count, operating_system, kind="hybrid", account_id=account, **options)


def shell(ssm, ids, script, **options):
    return ssm.send_command(DocumentName="AWS-RunShellScript", InstanceIds=ids,
                            Parameters={"commands": script}, **options)["Command"]


def status(ssm, command_id):
    return ssm.list_commands(CommandId=command_id)["Commands"][0]


def after(sandbox, ssm, command_id, seconds):
    """The command once `seconds` of simulated time have passed: over by then."""
    sandbox.advance_clock(seconds)
    command = status(ssm, command_id)
    assert command["Status"] not in RUNNING, command
    return command


def invocations(ssm, command_id, **options):
    return [row for page in ssm.get_paginator("list_command_invocations").paginate(CommandId=command_id, **options)
            for row in page["CommandInvocations"]]


# ---------------------------------------------------------------------------------------------
# time and rate controls


def test_statuses_over_time_in_waves(sandbox, ssm, account):  # noqa: F811
    sandbox.set_agent(seconds_per_node=0.5)
    ids = hybrid(sandbox, account, 4)
    sent = shell(ssm, ids, ["echo hello"], MaxConcurrency="2", Comment="waves")
    # SendCommand answers before the first wave is delivered (send-command.rst: Status Pending), and
    # a read at that same instant sees it so too.
    assert (sent["Status"], sent["StatusDetails"], sent["TargetCount"], sent["CompletedCount"]) == (
        "Pending", "Pending", 4, 0)
    assert sent["MaxConcurrency"] == "2" and sent["MaxErrors"] == "0" and sent["Comment"] == "waves"
    assert sent["ExpiresAfter"] > sent["RequestedDateTime"]
    at_once = {row["InstanceId"]: row["Status"] for row in invocations(ssm, sent["CommandId"])}
    assert [at_once[node] for node in ids] == ["Pending"] * 4
    assert status(ssm, sent["CommandId"])["Status"] == "Pending"
    sandbox.advance_clock(0.1)                                 # delivered at the request's instant
    first = {row["InstanceId"]: row["Status"] for row in invocations(ssm, sent["CommandId"])}
    assert [first[node] for node in ids] == ["InProgress", "InProgress", "Pending", "Pending"]
    sandbox.advance_clock(0.5)                                 # the first wave is over, the second runs
    second = {row["InstanceId"]: row["Status"] for row in invocations(ssm, sent["CommandId"])}
    assert [second[node] for node in ids] == ["Success", "Success", "InProgress", "InProgress"]
    assert (status(ssm, sent["CommandId"])["Status"], status(ssm, sent["CommandId"])["CompletedCount"]) == (
        "InProgress", 2)
    done = after(sandbox, ssm, sent["CommandId"], 0.4)
    assert (done["Status"], done["StatusDetails"], done["CompletedCount"], done["ErrorCount"]) == (
        "Success", "Success", 4, 0)
    starts = [ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=node)["ExecutionStartDateTime"]
              for node in ids]
    assert starts[0] == starts[1] < starts[2] == starts[3]     # the second wave starts as the first ends
    result = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0])
    assert (result["Status"], result["ResponseCode"], result["StandardOutputContent"]) == ("Success", 0, "hello\n")
    assert result["PluginName"] == "aws:runShellScript" and result["ExecutionElapsedTime"].startswith("PT0.5")


def test_max_errors_exceeded_stops_the_command(sandbox, ssm, account):  # noqa: F811
    ids = hybrid(sandbox, account, 5)
    sent = shell(ssm, ids, ["echo trying", "exit 1"], MaxConcurrency="1", MaxErrors="1")
    done = after(sandbox, ssm, sent["CommandId"], 0.5)       # two runs of 0.2 s, then the rest stop
    assert (done["Status"], done["StatusDetails"], done["ErrorCount"], done["CompletedCount"]) == (
        "Failed", "Failed", 2, 5)
    rows = {row["InstanceId"]: (row["Status"], row["StatusDetails"]) for row in invocations(ssm, sent["CommandId"])}
    assert [rows[node] for node in ids] == [("Failed", "Failed")] * 2 + [("Cancelled", "Terminated")] * 3
    failed = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0])
    assert failed["ResponseCode"] == 1 and "exit status 1" in failed["StandardErrorContent"]


def test_max_errors_percentage_under_the_limit(sandbox, ssm, account):  # noqa: F811
    ids = hybrid(sandbox, account, 4)
    # Windows nodes cannot run a shell script: targets skip them, so use a script failing on one node.
    sent = shell(ssm, ids[:1], ["exit 2"], MaxErrors="100%")
    # One error is not more than 100% of one node: not Failed, but short of all-Success.
    assert (after(sandbox, ssm, sent["CommandId"], 0.3)["Status"], status(ssm, sent["CommandId"])["StatusDetails"]) == (
        "Failed", "Incomplete")
    sent = shell(ssm, ids, ["echo fine"], MaxErrors="25%")
    assert after(sandbox, ssm, sent["CommandId"], 0.3)["Status"] == "Success"


def test_offline_node_delivery_timed_out_and_inactive_undeliverable(sandbox, ssm, account):  # noqa: F811
    ids = hybrid(sandbox, account, 3)
    sandbox.take_offline(ids[0], account_id=account)
    sandbox.take_offline(ids[1], ping_status="Inactive", account_id=account)
    # TimeoutSeconds 30 x delivery_timeout_scale 0.02 = 0.6 s of waiting for the node.
    sent = shell(ssm, ids, ["echo hi"], TimeoutSeconds=30)
    assert {row["InstanceId"]: row["Status"] for row in invocations(ssm, sent["CommandId"])}[ids[0]] == "Pending"
    sandbox.advance_clock(0.3)                    # the online node is done; the offline one still waits
    rows = {row["InstanceId"]: row["Status"] for row in invocations(ssm, sent["CommandId"])}
    assert (rows, status(ssm, sent["CommandId"])["Status"]) == (
        {ids[0]: "Delayed", ids[1]: "Failed", ids[2]: "Success"}, "InProgress")
    done = after(sandbox, ssm, sent["CommandId"], 0.4)
    rows = {row["InstanceId"]: (row["Status"], row["StatusDetails"]) for row in invocations(ssm, sent["CommandId"])}
    assert rows == {ids[0]: ("TimedOut", "DeliveryTimedOut"), ids[1]: ("Failed", "Undeliverable"),
                    ids[2]: ("Success", "Success")}
    assert (done["Status"], done["DeliveryTimedOutCount"], done["ErrorCount"]) == ("TimedOut", 1, 0)
    never = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[1])
    assert never["ResponseCode"] == -1 and never["StatusDetails"] == "Undeliverable"


def test_node_back_online_in_time_runs(sandbox, ssm, account):  # noqa: F811
    sandbox.set_agent(delivery_timeout_scale=1.0)
    ids = hybrid(sandbox, account, 1)
    sandbox.take_offline(ids[0], account_id=account)
    sent = shell(ssm, ids, ["echo late"], TimeoutSeconds=60)
    sandbox.advance_clock(30)                                  # half the delivery timeout
    assert invocations(ssm, sent["CommandId"])[0]["Status"] == "Delayed"
    sandbox.bring_online(ids[0], account_id=account)
    assert after(sandbox, ssm, sent["CommandId"], 0.3)["Status"] == "Success"


def test_cancel_command(sandbox, ssm, account):  # noqa: F811
    sandbox.set_agent(seconds_per_node=5)
    ids = hybrid(sandbox, account, 3)
    sent = shell(ssm, ids, ["echo hi"], MaxConcurrency="1")
    ssm.cancel_command(CommandId=sent["CommandId"])
    done = ssm.list_commands(CommandId=sent["CommandId"])["Commands"][0]
    assert (done["Status"], done["CompletedCount"]) == ("Cancelled", 3)
    assert {row["Status"] for row in invocations(ssm, sent["CommandId"])} == {"Cancelled"}


# ---------------------------------------------------------------------------------------------
# output


def test_output_truncation(sandbox, ssm, account):  # noqa: F811
    ids = hybrid(sandbox, account, 1)
    long_line = "x" * 30000
    sent = shell(ssm, ids, [f"echo {long_line}", "echo oops >&2"])
    after(sandbox, ssm, sent["CommandId"], 0.3)
    plugin = invocations(ssm, sent["CommandId"], Details=True)[0]["CommandPlugins"][0]
    assert len(plugin["Output"]) == 2500
    assert "\n---Output truncated---\n----------ERROR-------\noops" in plugin["Output"]
    assert invocations(ssm, sent["CommandId"])[0]["CommandPlugins"] == []      # only with Details
    result = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0])
    assert result["StandardOutputContent"] == (long_line + "\n")[:24000]
    assert result["StandardErrorContent"] == "oops\n"


def test_output_in_s3(sandbox, ssm, s3, account):  # noqa: F811
    ids = hybrid(sandbox, account, 2)
    bucket = f"command-logs-{account}"
    s3.create_bucket(Bucket=bucket)
    sent = shell(ssm, ids, ["echo to s3", "echo warn >&2"], OutputS3BucketName=bucket, OutputS3KeyPrefix="runs")
    after(sandbox, ssm, sent["CommandId"], 0.3)
    command_id = sent["CommandId"]
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="runs/")["Contents"])
    assert keys == sorted(f"runs/{command_id}/{node}/awsrunShellScript/0.awsrunShellScript/{stream}"
                          for node in ids for stream in ("stdout", "stderr"))
    stdout_key = f"runs/{command_id}/{ids[0]}/awsrunShellScript/0.awsrunShellScript/stdout"
    assert s3.get_object(Bucket=bucket, Key=stdout_key)["Body"].read() == b"to s3\n"
    result = ssm.get_command_invocation(CommandId=command_id, InstanceId=ids[0])
    assert result["StandardOutputUrl"] == f"https://s3.us-east-1.amazonaws.com/{bucket}/{stdout_key}"
    plugin = invocations(ssm, command_id, Details=True)[0]["CommandPlugins"][0]
    assert (plugin["OutputS3BucketName"], plugin["OutputS3KeyPrefix"], plugin["OutputS3Region"]) == (
        bucket, "runs", "us-east-1")


def test_multi_step_document_needs_plugin_name(sandbox, ssm, account):  # noqa: F811
    import json  # pylint: disable=import-outside-toplevel

    ids = hybrid(sandbox, account, 1)
    ssm.create_document(Name="two-steps", DocumentType="Command", Content=json.dumps({
        "schemaVersion": "2.2", "description": "two steps", "mainSteps": [
            {"action": "aws:runShellScript", "name": "first", "inputs": {"runCommand": ["echo one"]}},
            {"action": "aws:runShellScript", "name": "second", "inputs": {"runCommand": ["echo two", "exit 4"]}}]}))
    sent = ssm.send_command(DocumentName="two-steps", InstanceIds=ids)["Command"]
    after(sandbox, ssm, sent["CommandId"], 0.3)
    with pytest.raises(ClientError) as excinfo:
        ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0])
    assert code(excinfo) == "InvalidPluginName"
    with pytest.raises(ClientError) as excinfo:
        ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0], PluginName="third")
    assert code(excinfo) == "InvalidPluginName"
    second = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0], PluginName="second")
    assert (second["Status"], second["ResponseCode"], second["StandardOutputContent"]) == ("Failed", 4, "two\n")
    plugins = invocations(ssm, sent["CommandId"], Details=True)[0]["CommandPlugins"]
    assert [(p["Name"], p["Status"]) for p in plugins] == [("first", "Success"), ("second", "Failed")]


# ---------------------------------------------------------------------------------------------
# targets, reads, pagination


def test_targets_by_tag_and_all(sandbox, ssm, account):  # noqa: F811
    web = hybrid(sandbox, account, 2, tags={"Role": "web"})
    hybrid(sandbox, account, 1, tags={"Role": "db"})
    sent = ssm.send_command(DocumentName="AWS-RunShellScript", Targets=[{"Key": "tag:Role", "Values": ["web"]}],
                            Parameters={"commands": ["echo hi"]})["Command"]
    assert sent["TargetCount"] == 2 and sent["InstanceIds"] == [] and sent["Targets"][0]["Key"] == "tag:Role"
    assert sorted(row["InstanceId"] for row in invocations(ssm, sent["CommandId"])) == sorted(web)
    # The lower-case key the CLI's examples send (send-command.rst Example 1) names the nodes as
    # InstanceIds does; AWS answers them in InstanceIds.
    lower = ssm.send_command(DocumentName="AWS-RunShellScript", Targets=[{"Key": "instanceids", "Values": web}],
                             Parameters={"commands": ["echo hi"]})["Command"]
    assert (lower["InstanceIds"], lower["Targets"], lower["TargetCount"]) == (web, [], 2)
    # InstanceIds=* is State Manager's, not Run Command's (API reference, Target), in any spelling.
    before = len(ssm.list_commands()["Commands"])
    for key in ("InstanceIds", "instanceids"):
        with pytest.raises(ClientError) as excinfo:
            ssm.send_command(DocumentName="AWS-RunShellScript", Targets=[{"Key": key, "Values": ["*"]}],
                             Parameters={"commands": ["echo hi"]})
        assert code(excinfo) == "InvalidParameters" and "InstanceIds=*" in excinfo.value.response["Error"]["Message"]
    assert len(ssm.list_commands()["Commands"]) == before          # nothing was sent


def test_pagination_and_filters(sandbox):
    # An account of its own: the listing of every command must not see the other tests' commands.
    account = new_account_id()  # noqa: F811
    ssm = account_client(sandbox, account)
    ids = hybrid(sandbox, account, 7)
    first = shell(ssm, ids, ["echo a"], MaxConcurrency="7")
    second = shell(ssm, ids[:2], ["exit 1"], MaxConcurrency="2")
    after(sandbox, ssm, first["CommandId"], 0.3)
    assert status(ssm, second["CommandId"])["Status"] == "Failed"
    pages = list(ssm.get_paginator("list_command_invocations").paginate(
        CommandId=first["CommandId"], PaginationConfig={"PageSize": 3}))
    assert [len(page["CommandInvocations"]) for page in pages] == [3, 3, 1]
    assert [row["InstanceId"] for page in pages for row in page["CommandInvocations"]] == ids
    listed = [command["CommandId"] for page in ssm.get_paginator("list_commands").paginate(
        PaginationConfig={"PageSize": 1}) for command in page["Commands"]]
    assert listed == [second["CommandId"], first["CommandId"]]               # newest first
    failed = ssm.list_commands(Filters=[{"key": "Status", "value": "Failed"}])["Commands"]
    assert [command["CommandId"] for command in failed] == [second["CommandId"]]
    by_node = ssm.list_commands(InstanceId=ids[5])["Commands"]
    assert [command["CommandId"] for command in by_node] == [first["CommandId"]]
    later = ssm.list_commands(Filters=[{"key": "InvokedAfter", "value": "2000-01-01T00:00:00Z"},
                                       {"key": "DocumentName", "value": "AWS-RunShellScript"}])["Commands"]
    assert len(later) == 2
    assert ssm.list_commands(Filters=[{"key": "InvokedBefore", "value": "2000-01-01T00:00:00Z"}])["Commands"] == []
    complete = ssm.list_command_invocations(Filters=[{"key": "ExecutionStage", "value": "Complete"}],
                                            InstanceId=ids[0])["CommandInvocations"]
    assert len(complete) == 2
    failed_rows = ssm.list_command_invocations(Filters=[{"key": "Status", "value": "Failed"}])["CommandInvocations"]
    assert sorted(row["InstanceId"] for row in failed_rows) == sorted(ids[:2])


# ---------------------------------------------------------------------------------------------
# errors


def test_send_command_errors(sandbox, ssm, raw_ssm, account):  # noqa: F811
    linux = hybrid(sandbox, account, 1)[0]
    windows = hybrid(sandbox, account, 1, "WINDOWS")[0]
    cases = [
        ({"InstanceIds": ["i-0123456789abcdef0"]}, "InvalidInstanceId"),
        ({"InstanceIds": ["not-an-id"]}, "ValidationException"),
        ({"InstanceIds": [linux, linux]}, "DuplicateInstanceId"),
        ({"InstanceIds": [f"mi-{index:017x}" for index in range(51)]}, "ValidationException"),
        ({"Targets": [{"Key": "tag:a", "Values": ["b"]}] * 6}, "ValidationException"),
        ({"InstanceIds": [linux], "Targets": [{"Key": "tag:a", "Values": ["b"]}]}, "ValidationException"),
        ({}, "ValidationException"),
        ({"Targets": [{"Key": "color", "Values": ["b"]}]}, "ValidationException"),
        ({"InstanceIds": [windows]}, "UnsupportedPlatformType"),
        ({"InstanceIds": [linux], "MaxConcurrency": "0"}, "ValidationException"),
        ({"InstanceIds": [linux], "MaxErrors": "101%"}, "ValidationException"),
        ({"InstanceIds": [linux], "TimeoutSeconds": 10}, "ValidationException"),
        ({"InstanceIds": [linux], "Comment": "c" * 101}, "ValidationException"),
        ({"InstanceIds": [linux], "ServiceRoleArn": "arn:aws:iam::123456789012:role/sns",
          "NotificationConfig": {"NotificationArn": "arn:aws:sns:us-east-1:123456789012:t",
                                 "NotificationEvents": ["Done"]}}, "ValidationException"),
        ({"InstanceIds": [linux], "OutputS3KeyPrefix": "logs"}, "InvalidOutputFolder"),
        ({"InstanceIds": [linux], "NotificationConfig": {"NotificationArn": "arn:aws:sns:us-east-1:123456789012:t"}},
         "InvalidRole"),
        ({"InstanceIds": [linux], "ServiceRoleArn": "not-a-role"}, "InvalidRole"),
        ({"InstanceIds": [linux], "ServiceRoleArn": "arn:aws:iam::123456789012:role/sns",
          "NotificationConfig": {"NotificationArn": "arn:aws:s3:::bucket"}}, "InvalidNotificationConfig"),
    ]
    for request, expected in cases:
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.send_command(DocumentName="AWS-RunShellScript", Parameters={"commands": ["echo"]}, **request)
        assert code(excinfo) == expected, request


def test_read_errors(sandbox, ssm, raw_ssm, account):  # noqa: F811
    ids = hybrid(sandbox, account, 2)
    sent = shell(ssm, ids[:1], ["echo"])
    missing = "11111111-2222-3333-4444-555555555555"
    calls = [
        (lambda: ssm.list_commands(CommandId=missing), "InvalidCommandId"),
        (lambda: ssm.list_command_invocations(CommandId=missing), "InvalidCommandId"),
        # GetCommandInvocation's documented error for an id/node pair it does not know.
        (lambda: ssm.get_command_invocation(CommandId=missing, InstanceId=ids[0]), "InvocationDoesNotExist"),
        (lambda: ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[1]), "InvocationDoesNotExist"),
        (lambda: ssm.cancel_command(CommandId=missing), "InvalidCommandId"),
        (lambda: ssm.cancel_command(CommandId=sent["CommandId"], InstanceIds=[ids[0], ids[0]]), "DuplicateInstanceId"),
        (lambda: raw_ssm.list_commands(Filters=[{"key": "Color", "value": "x"}]), "ValidationException"),
        (lambda: raw_ssm.cancel_command(CommandId=sent["CommandId"], InstanceIds=["not-an-id"]), "ValidationException"),
        (lambda: ssm.list_commands(Filters=[{"key": "Status", "value": "Done"}]), "InvalidFilterValue"),
        (lambda: ssm.list_commands(Filters=[{"key": "InvokedAfter", "value": "yesterday"}]), "InvalidFilterValue"),
        (lambda: ssm.list_commands(NextToken="garbage"), "InvalidNextToken"),
        (lambda: raw_ssm.list_command_invocations(MaxResults=51), "ValidationException"),
    ]
    for call, expected in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert code(excinfo) == expected


# ---------------------------------------------------------------------------------------------
# patching documents end to end (the real patch agent)


def _describe_ping(ssm, node_id):
    return ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [node_id]}])[
        "InstanceInformationList"][0]["PingStatus"]


@needs_patch_agent
def test_patch_baseline_scan_writes_patch_linux_output(sandbox, ssm, s3, account):  # noqa: F811
    ids = hybrid(sandbox, account, 2)
    bucket = f"patch-logs-{account}"
    s3.create_bucket(Bucket=bucket)
    sent = ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=ids, Parameters={"Operation": ["Scan"]},
                            OutputS3BucketName=bucket, OutputS3KeyPrefix="scan")["Command"]
    assert after(sandbox, ssm, sent["CommandId"], 0.3)["Status"] == "Success"
    with pytest.raises(ClientError) as excinfo:
        ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0])
    assert code(excinfo) == "InvalidPluginName"
    result = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=ids[0], PluginName="PatchLinux")
    assert result["Status"] == "Success"
    key = f"scan/{sent['CommandId']}/{ids[0]}/awsrunShellScript/PatchLinux/stdout"
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode() == result["StandardOutputContent"]
    plugins = invocations(ssm, sent["CommandId"], Details=True)[0]["CommandPlugins"]
    assert [p["Name"] for p in plugins] == ["PatchWindows", "PatchLinux", "PatchMacOS"]
    assert "incompatible platform" in plugins[0]["Output"]


@needs_patch_agent
def test_install_with_reboot_shows_connection_lost(sandbox, ssm, account):  # noqa: F811
    sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=1.5)
    ids = hybrid(sandbox, account, 1)
    sent = ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=ids,
                            Parameters={"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]})["Command"]
    sandbox.advance_clock(0.1)                                 # installing
    assert (_describe_ping(ssm, ids[0]), status(ssm, sent["CommandId"])["Status"]) == ("Online", "InProgress")
    # The default Amazon Linux 2 baseline approves kernel updates, which need a reboot: from 0.2 s
    # (the install is over) to 1.7 s (reboot_seconds later) the node is ConnectionLost.
    sandbox.advance_clock(0.4)
    assert (_describe_ping(ssm, ids[0]), status(ssm, sent["CommandId"])["Status"]) == ("ConnectionLost", "InProgress")
    done = after(sandbox, ssm, sent["CommandId"], 1.5)
    assert done["Status"] == "Success"
    assert _describe_ping(ssm, ids[0]) == "Online"


@needs_patch_agent
def test_failing_patch_fails_the_invocation(sandbox, ssm, account):  # noqa: F811
    ids = hybrid(sandbox, account, 2)
    sandbox.set_failing_patches(ids[0], ["*"], account_id=account)
    sent = ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=ids, MaxErrors="1",
                            Parameters={"Operation": ["Install"], "RebootOption": ["NoReboot"]})["Command"]
    done = after(sandbox, ssm, sent["CommandId"], 0.3)
    rows = {row["InstanceId"]: row["Status"] for row in invocations(ssm, sent["CommandId"])}
    assert rows[ids[0]] == "Failed" and rows[ids[1]] == "Success"
    assert (done["Status"], done["StatusDetails"], done["ErrorCount"]) == ("Failed", "Incomplete", 1)
    sandbox.clear_failing_patches(ids[0], account_id=account)


@needs_patch_agent
def test_with_hooks_failing_pre_install_hook(sandbox, ssm, account):  # noqa: F811
    import json  # pylint: disable=import-outside-toplevel

    ids = hybrid(sandbox, account, 1)
    ssm.create_document(Name="failing-pre-hook", DocumentType="Command", Content=json.dumps({
        "schemaVersion": "2.2", "description": "fails", "mainSteps": [
            {"action": "aws:runShellScript", "name": "hook", "inputs": {"runCommand": ["echo no", "exit 5"]}}]}))
    sent = ssm.send_command(DocumentName="AWS-RunPatchBaselineWithHooks", InstanceIds=ids, Parameters={
        "Operation": ["Install"], "PreInstallHookDocName": ["failing-pre-hook"]})["Command"]
    after(sandbox, ssm, sent["CommandId"], 60)
    plugins = {p["Name"]: p for p in invocations(ssm, sent["CommandId"], Details=True)[0]["CommandPlugins"]}
    assert plugins["InitialScan"]["Status"] == "Success"
    assert plugins["OnExitHook"]["Status"] == "Success"
    if "skipped" not in plugins["PreInstallHook"]["Output"]:      # the node had patches missing
        assert plugins["PreInstallHook"]["Status"] == "Failed" and plugins["PreInstallHook"]["ResponseCode"] == 5
        assert "skipped" in plugins["InstallWithNoReboot"]["Output"]


# ---------------------------------------------------------------------------------------------
# what the API reference and the CLI's examples document


def test_instance_name_and_document_version(sandbox, ssm, account):  # noqa: F811
    [ec2] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", kind="ec2", account_id=account)
    [on_premises] = hybrid(sandbox, account)
    sent = shell(ssm, [ec2, on_premises], ["echo hi"])
    versioned = ssm.send_command(DocumentName="AWS-RunShellScript", DocumentVersion="1", InstanceIds=[ec2],
                                 Parameters={"commands": ["echo hi"]})["Command"]
    assert (sent["DocumentVersion"], versioned["DocumentVersion"]) == ("", "1")
    sandbox.advance_clock(1)
    rows = {row["InstanceId"]: row for row in invocations(ssm, sent["CommandId"], Details=True)}
    # list-command-invocations.rst answers "" for EC2 instances; the API reference calls the
    # member the node's fully qualified host name: a hybrid node's registered computer name.
    computer_name = next(node["ComputerName"] for node in ssm.describe_instance_information()["InstanceInformationList"]
                         if node["InstanceId"] == on_premises)
    assert (rows[ec2]["InstanceName"], rows[on_premises]["InstanceName"]) == ("", computer_name)
    assert {row["DocumentVersion"] for row in rows.values()} == {""}
    # Without an S3 bucket a plugin still names the command's region (list-command-invocations.rst).
    assert rows[ec2]["CommandPlugins"][0]["OutputS3Region"] == "us-east-1"
    assert ssm.get_command_invocation(CommandId=versioned["CommandId"], InstanceId=ec2)["DocumentVersion"] == "1"


def test_commands_are_kept_thirty_days(sandbox, ssm, account):  # noqa: F811
    [node] = hybrid(sandbox, account)
    old = shell(ssm, [node], ["echo old"])
    sandbox.advance_clock(29 * 86400)
    recent = shell(ssm, [node], ["echo recent"])
    sandbox.advance_clock(86400 - 1)
    assert ssm.get_command_invocation(CommandId=old["CommandId"], InstanceId=node)["Status"] == "Success"
    sandbox.advance_clock(1)                  # 30 days after the first request: Run Command forgets it
    for call, expected in (
            (lambda: ssm.list_commands(CommandId=old["CommandId"]), "InvalidCommandId"),
            (lambda: ssm.list_command_invocations(CommandId=old["CommandId"]), "InvalidCommandId"),
            (lambda: ssm.get_command_invocation(CommandId=old["CommandId"], InstanceId=node), "InvocationDoesNotExist")):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert code(excinfo) == expected
    assert [command["CommandId"] for command in ssm.list_commands()["Commands"]] == [recent["CommandId"]]
    listed = [row["CommandId"] for page in ssm.get_paginator("list_command_invocations").paginate()
              for row in page["CommandInvocations"]]
    assert listed == [recent["CommandId"]]
    sandbox.advance_clock(29 * 86400)
    assert ssm.list_commands()["Commands"] == []
