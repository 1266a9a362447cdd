"""Run Command as the AWS CLI's examples document it (source of each: examples_run_command.py and
the comment on each test), against the sandbox with its clock frozen: one test per example.

The examples ran documents the sandbox does not have (AWS-UpdateSSMAgent, AWS-FindWindowsUpdates):
those tests run AWS-RunShellScript (or AWS-RunPatchBaseline) instead, and compare by type only the
members that name the document or hold its output; everything else is compared as compare.py says.
"""

import json

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.contract.examples_run_command import example
from sandbox.tests.contract.harness import assert_documented, substitute
from sandbox.tests.patch_isolation import account_client

EXAMPLE_NODE = "i-1234567890abcdef0"
# "See example 1 for sample output": example 1's output, whose request-dependent members differ
# from the request actually sent, so those are compared by type.
ECHOED = ("Command.Comment", "Command.Parameters", "Command.DocumentName", "Command.InstanceIds",
          "Command.Targets", "Command.TargetCount", "Command.ServiceRole", "Command.NotificationConfig.*",
          "Command.OutputS3BucketName", "Command.OutputS3KeyPrefix", "Command.CloudWatchOutputConfig.*")


def nodes(sandbox, account, count=1, operating_system="AMAZON_LINUX_2", tags=None):
    return sandbox.seed_nodes(count, operating_system, kind="ec2", tags=tags, account_id=account)


def send(ssm, key, mapping, **extra):
    entry = example(key)
    return entry, ssm.send_command(**substitute(entry["request"], mapping), **extra)


def check_echo(request, command):
    """What the request set, the answer's Command repeats (the members ECHOED leaves to type)."""
    for member in ("DocumentName", "Comment", "Parameters", "Targets", "InstanceIds", "NotificationConfig",
                   "OutputS3BucketName", "OutputS3KeyPrefix", "CloudWatchOutputConfig"):
        if member in request:
            assert command[member] == request[member], member
    if "ServiceRoleArn" in request:
        assert command["ServiceRole"] == request["ServiceRoleArn"]


# awscli/examples/ssm/send-command.rst, Example 1: the example targets "Key=instanceids" (lower
# case, as the CLI passes it on) and AWS runs the command, answering the node in InstanceIds and
# Targets empty. (Issue 14 lists accepting the lower-case key as a difference; this example, which AWS
# answered, says AWS accepts it.)
def test_send_command_example_1_lower_case_instanceids_target(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    entry, answered = send(ssm, "send-command#1", {EXAMPLE_NODE: node})
    assert_documented(entry, answered)


# awscli/examples/ssm/send-command.rst, Example 2 (output: example 1's).
def test_send_command_example_2_instance_ids(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    entry, answered = send(ssm, "send-command#2", {EXAMPLE_NODE: node})
    assert_documented(entry, answered, by_type=ECHOED)
    check_echo(substitute(entry["request"], {EXAMPLE_NODE: node}), answered["Command"])


# awscli/examples/ssm/send-command.rst, Example 3 (output: example 1's): Targets tag:ENV=Dev.
def test_send_command_example_3_tag_target(agent_world):
    sandbox, account, ssm = agent_world
    nodes(sandbox, account, tags={"ENV": "Dev"})
    entry, answered = send(ssm, "send-command#3", {})
    assert_documented(entry, answered, by_type=ECHOED)
    check_echo(entry["request"], answered["Command"])


# awscli/examples/ssm/send-command.rst, Example 4 (output: example 1's): SNS notifications.
def test_send_command_example_4_sns_notification(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    entry, answered = send(ssm, "send-command#4", {EXAMPLE_NODE: node})
    assert_documented(entry, answered, by_type=ECHOED)
    check_echo(substitute(entry["request"], {EXAMPLE_NODE: node}), answered["Command"])


# awscli/examples/ssm/send-command.rst, Example 5 (output: example 1's): output to S3 and CloudWatch.
def test_send_command_example_5_s3_and_cloudwatch_output(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    s3 = sandbox.client("s3")
    s3.meta.events.register("before-send.s3", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    # Bucket names are global (in moto as on AWS): the example's own name plus the account.
    bucket = f"s3-bucket-name-{account}"
    s3.create_bucket(Bucket=bucket)
    entry, answered = send(ssm, "send-command#5", {EXAMPLE_NODE: node, "s3-bucket-name": bucket})
    assert_documented(entry, answered, by_type=ECHOED)
    check_echo(substitute(entry["request"], {EXAMPLE_NODE: node, "s3-bucket-name": bucket}), answered["Command"])


# awscli/examples/ssm/send-command.rst, Example 6 (output: example 1's): two tag targets, Windows.
def test_send_command_example_6_two_tag_targets(agent_world):
    sandbox, account, ssm = agent_world
    nodes(sandbox, account, operating_system="WINDOWS", tags={"Env": "Dev", "Role": "WebServers"})
    entry, answered = send(ssm, "send-command#6", {})
    assert_documented(entry, answered, by_type=ECHOED)
    check_echo(entry["request"], answered["Command"])


# awscli/examples/ssm/send-command.rst, Example 7 (output: example 1's): one tag key, two values.
def test_send_command_example_7_tag_with_two_values(agent_world):
    sandbox, account, ssm = agent_world
    nodes(sandbox, account, operating_system="WINDOWS", tags={"Env": "Dev"})
    nodes(sandbox, account, operating_system="WINDOWS", tags={"Env": "Test"})
    entry, answered = send(ssm, "send-command#7", {})
    assert_documented(entry, answered, by_type=ECHOED)
    check_echo(entry["request"], answered["Command"])
    assert answered["Command"]["TargetCount"] == 2


SHARED_DOCUMENT = {"schemaVersion": "2.2", "description": "Shared with another account", "mainSteps": [
    {"action": "aws:runShellScript", "name": "example", "inputs": {"runCommand": ["echo shared"]}}]}


# awscli/examples/ssm/send-command.rst, Example 8: a shared document named by its ARN. Account
# 123456789012 (the ARN's) owns ExampleDocument and shares it with the test's account
# (ModifyDocumentPermission), as the example presupposes.
def test_send_command_example_8_shared_document_arn(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    owner = account_client(sandbox, "123456789012")
    try:
        owner.create_document(Name="ExampleDocument", DocumentType="Command", Content=json.dumps(SHARED_DOCUMENT))
    except owner.exceptions.DocumentAlreadyExists:
        pass
    with pytest.raises(ClientError) as excinfo:          # not shared with this account yet
        send(ssm, "send-command#8", {EXAMPLE_NODE: node})
    assert excinfo.value.response["Error"]["Code"] == "InvalidDocument"
    owner.modify_document_permission(Name="ExampleDocument", PermissionType="Share", AccountIdsToAdd=[account])
    entry, answered = send(ssm, "send-command#8", {EXAMPLE_NODE: node})
    assert_documented(entry, answered, by_type=ECHOED)
    assert answered["Command"]["InstanceIds"] == [node]
    sandbox.advance_clock(60)
    assert ssm.get_command_invocation(CommandId=answered["Command"]["CommandId"], InstanceId=node)[
        "StandardOutputContent"] == "shared\n"


# The example's node ids (compared by format) and its bucket, which carries the account here.
LIST_LOOSE = ("Commands[0].Targets[0].Values", "Commands[0].OutputS3BucketName")


def patch_install_on_two(sandbox, account, ssm):
    """What list-commands example 3's third command presupposes: AWS-RunPatchBaseline Install on two
    nodes with S3 output and SNS notifications, finished."""
    two = nodes(sandbox, account, count=2)
    s3 = sandbox.client("s3")
    s3.meta.events.register("before-send.s3", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    bucket = f"my-us-east-2-bucket-{account}"  # bucket names are global
    s3.create_bucket(Bucket=bucket)
    documented = example("list-commands#3")["output"]["Commands"][2]
    # The example's DocumentVersion "1" is a version the command asked for (one sent without a
    # version answers "": send-command.rst Example 1).
    sent = ssm.send_command(
        DocumentName="AWS-RunPatchBaseline", DocumentVersion="1", Parameters=documented["Parameters"],
        Targets=[{"Key": "InstanceIds", "Values": two}], OutputS3BucketName=bucket,
        OutputS3KeyPrefix="my-rc-output", ServiceRoleArn=documented["ServiceRole"],
        NotificationConfig={"NotificationArn": f"arn:aws:sns:us-east-1:{account}:my-us-east-2-notification-arn",
                            "NotificationEvents": ["All"], "NotificationType": "Invocation"},
        MaxConcurrency="50", MaxErrors="0")["Command"]
    sandbox.advance_clock(3600)
    return sent["CommandId"], two


# awscli/examples/ssm/list-commands.rst, Example 3: every command of the account. The example's first
# two commands ran AWS-UpdateSSMAgent and AWS-FindWindowsUpdates, which the sandbox does not have;
# its third (AWS-RunPatchBaseline Install on two nodes) is reproduced and compared.
def test_list_commands_example_3_all_commands(agent_world):
    sandbox, account, ssm = agent_world
    patch_install_on_two(sandbox, account, ssm)
    entry = example("list-commands#3")
    answered = ssm.list_commands(**entry["request"])
    assert_documented(dict(entry, output={"Commands": [entry["output"]["Commands"][2]]}),
                      answered, by_type=LIST_LOOSE)


# awscli/examples/ssm/list-commands.rst, Example 1 (no output shown): one command by id; compared
# with example 3's AWS-RunPatchBaseline command, the same kind of entry.
def test_list_commands_example_1_by_command_id(agent_world):
    sandbox, account, ssm = agent_world
    command_id, _ = patch_install_on_two(sandbox, account, ssm)
    entry = example("list-commands#1")
    answered = ssm.list_commands(**substitute(entry["request"], {entry["request"]["CommandId"]: command_id}))
    documented = {"Commands": [example("list-commands#3")["output"]["Commands"][2]]}
    assert_documented(dict(entry, operation="ListCommands", output=documented), answered,
                      by_type=LIST_LOOSE)


# awscli/examples/ssm/list-commands.rst, Example 2 (no output shown): InvokedAfter filter, as the
# example writes it (a lower-case "key"/"value" pair, an ISO time).
def test_list_commands_example_2_invoked_after(agent_world):
    sandbox, account, ssm = agent_world
    command_id, _ = patch_install_on_two(sandbox, account, ssm)
    entry = example("list-commands#2")
    answered = ssm.list_commands(**entry["request"])
    assert [command["CommandId"] for command in answered["Commands"]] == [command_id]
    documented = {"Commands": [example("list-commands#3")["output"]["Commands"][2]]}
    assert_documented(dict(entry, operation="ListCommands", output=documented), answered,
                      by_type=LIST_LOOSE)


# Members that hold what AWS-UpdateSSMAgent (the example's document) printed or is called.
# (The second invocation's OutputS3KeyPrefix names another command's output: not reproducible.)
UPDATE_AGENT_ONLY = ("*.DocumentName", "*.Comment", "*.CommandPlugins[0].Name", "*.CommandPlugins[0].Output",
                     "*.CommandPlugins[0].OutputS3KeyPrefix")


def shell_on_two(sandbox, account, ssm):
    two = sorted(nodes(sandbox, account, count=2))
    sent = ssm.send_command(DocumentName="AWS-RunShellScript", InstanceIds=two,
                            Comment="b48291dd-ba76-43e0-b9df-13e11ddaac26:6960febb-2907-4b59-8e1a-d6ce8EXAMPLE",
                            Parameters={"commands": ["echo done"]})["Command"]
    sandbox.advance_clock(60)
    return sent["CommandId"], two


# awscli/examples/ssm/list-command-invocations.rst: the invocations of one command, with details.
# The example ran in us-east-2 (its OutputS3Region), the sandbox's client in us-east-1.
def test_list_command_invocations_example_with_details(agent_world):
    sandbox, account, ssm = agent_world
    command_id, two = shell_on_two(sandbox, account, ssm)
    entry = example("list-command-invocations#1")
    mapping = {entry["request"]["CommandId"]: command_id}
    answered = ssm.list_command_invocations(**substitute(entry["request"], mapping))
    answered["CommandInvocations"].sort(key=lambda invocation: invocation["InstanceId"])
    assert [invocation["InstanceId"] for invocation in answered["CommandInvocations"]] == two
    in_region = dict(entry, output=substitute(entry["output"], {"us-east-2": "us-east-1"}))
    assert_documented(in_region, answered, by_type=UPDATE_AGENT_ONLY)


# awscli/examples/ssm/get-command-invocation.rst: one node's invocation.
def test_get_command_invocation_example(agent_world):
    sandbox, account, ssm = agent_world
    command_id, two = shell_on_two(sandbox, account, ssm)
    entry = example("get-command-invocation#1")
    mapping = {entry["request"]["CommandId"]: command_id, EXAMPLE_NODE: two[0]}
    answered = ssm.get_command_invocation(**substitute(entry["request"], mapping))
    assert_documented(entry, answered, by_type=("DocumentName", "Comment", "PluginName", "StandardOutputContent",
                                                "ExecutionElapsedTime"))


def long_command(sandbox, account, ssm, count):
    sandbox.set_agent(seconds_per_node=600)
    ids = nodes(sandbox, account, count=count)
    return ssm.send_command(DocumentName="AWS-RunShellScript", InstanceIds=ids, MaxConcurrency="1",
                            Parameters={"commands": ["sleep 600"]})["Command"]["CommandId"], ids


# awscli/examples/ssm/cancel-command.rst, Example 1: no output; the command is being cancelled.
def test_cancel_command_example_1_all_instances(agent_world):
    sandbox, account, ssm = agent_world
    command_id, _ = long_command(sandbox, account, ssm, 1)
    entry = example("cancel-command#1")
    answered = ssm.cancel_command(**substitute(entry["request"], {entry["request"]["CommandId"]: command_id}))
    assert_documented(entry, answered)
    assert ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] in ("Cancelling", "Cancelled")


# awscli/examples/ssm/cancel-command.rst, Example 2: no output; only that node's invocation is cancelled.
def test_cancel_command_example_2_one_instance(agent_world):
    sandbox, account, ssm = agent_world
    command_id, ids = long_command(sandbox, account, ssm, 2)
    entry = example("cancel-command#2")
    mapping = {entry["request"]["CommandId"]: command_id, "i-02573cafcfEXAMPLE": ids[1]}
    answered = ssm.cancel_command(**substitute(entry["request"], mapping))
    assert_documented(entry, answered)
    sandbox.advance_clock(1)
    statuses = {invocation["InstanceId"]: invocation["Status"]
                for invocation in ssm.list_command_invocations(CommandId=command_id)["CommandInvocations"]}
    assert statuses[ids[1]] in ("Cancelling", "Cancelled")
    assert statuses[ids[0]] not in ("Cancelling", "Cancelled")
