"""AWS-owned patching documents through boto3: listed, described, read, protected, parameters validated."""

import json

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.patch_isolation import account, account_client  # noqa: F401 (fixtures)

AWS_DOCUMENTS = ("AWS-Noop", "AWS-RunPatchBaseline", "AWS-RunPatchBaselineWithHooks", "AWS-RunPowerShellScript",
                 "AWS-RunShellScript")


@pytest.fixture
def ssm(sandbox, account):  # noqa: F811
    return account_client(sandbox, account)


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_listed_as_amazon_owned(ssm):
    names = [doc["Name"] for page in ssm.get_paginator("list_documents").paginate(
        Filters=[{"Key": "Owner", "Values": ["Amazon"]}]) for doc in page["DocumentIdentifiers"]]
    assert set(AWS_DOCUMENTS) <= set(names)
    own = [doc["Name"] for page in ssm.get_paginator("list_documents").paginate(
        Filters=[{"Key": "Owner", "Values": ["Self"]}]) for doc in page["DocumentIdentifiers"]]
    assert not set(AWS_DOCUMENTS) & set(own)


def test_run_patch_baseline_parameters_and_steps(ssm):
    described = ssm.describe_document(Name="AWS-RunPatchBaseline")["Document"]
    assert described["Owner"] == "Amazon" and described["DocumentType"] == "Command"
    assert set(described["PlatformTypes"]) == {"Windows", "Linux", "MacOS"}
    parameters = {item["Name"]: item for item in described["Parameters"]}
    assert set(parameters) == {"Operation", "SnapshotId", "InstallOverrideList", "BaselineOverride", "RebootOption",
                               "AssociationId"}
    assert "DefaultValue" not in parameters["Operation"]
    assert parameters["RebootOption"]["DefaultValue"] == "RebootIfNeeded"
    content = json.loads(ssm.get_document(Name="AWS-RunPatchBaseline")["Content"])
    assert [step["name"] for step in content["mainSteps"]] == ["PatchWindows", "PatchLinux", "PatchMacOS"]
    assert content["parameters"]["Operation"]["allowedValues"] == ["Scan", "Install"]


def test_with_hooks_defaults_to_noop_hooks(ssm):
    parameters = {item["Name"]: item for item in
                  ssm.describe_document(Name="AWS-RunPatchBaselineWithHooks")["Document"]["Parameters"]}
    for name in ("PreInstallHookDocName", "PostInstallHookDocName", "OnExitHookDocName"):
        assert parameters[name]["DefaultValue"] == "AWS-Noop"
    assert "InstallOverrideList" not in parameters


def test_aws_documents_cannot_be_changed(ssm):
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_document(Name="AWS-RunPatchBaseline")
    assert code(excinfo) == "InvalidDocumentOperation"
    content = json.dumps({"schemaVersion": "2.2", "description": "x", "mainSteps": [
        {"action": "aws:runShellScript", "name": "x", "inputs": {"runCommand": ["exit 0"]}}]})
    with pytest.raises(ClientError) as excinfo:
        ssm.update_document(Name="AWS-RunPatchBaseline", Content=content, DocumentVersion="$LATEST")
    assert code(excinfo) == "InvalidDocumentOperation"
    # The name is taken (and the "AWS" prefix is reserved: API reference, CreateDocument, Name, which
    # names no error code for it): the sandbox answers the documented DocumentAlreadyExists.
    with pytest.raises(ClientError) as excinfo:
        ssm.create_document(Name="AWS-RunPatchBaseline", Content=content, DocumentType="Command")
    assert code(excinfo) == "DocumentAlreadyExists"
    assert ssm.describe_document(Name="AWS-RunPatchBaseline")["Document"]["Owner"] == "Amazon"


@pytest.mark.parametrize("parameters", [
    {},                                                    # Operation is required
    {"Operation": ["Patch"]},
    {"Operation": ["Scan", "Install"]},
    {"Operation": ["Scan"], "Unknown": ["x"]},
    {"Operation": ["Scan"], "SnapshotId": ["abc"]},
    {"Operation": ["Install"], "InstallOverrideList": ["ftp://host/list.yaml"]},
    {"Operation": ["Install"], "RebootOption": ["RebootAlways"]},
])
def test_send_command_rejects_invalid_parameters(sandbox, ssm, account, parameters):  # noqa: F811
    node = sandbox.register_node("AMAZON_LINUX_2", account_id=account)["instance_id"]
    with pytest.raises(ClientError) as excinfo:
        ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=[node], Parameters=parameters)
    assert code(excinfo) == "InvalidParameters"


def test_unknown_document(sandbox, ssm, account):  # noqa: F811
    node = sandbox.register_node("AMAZON_LINUX_2", account_id=account)["instance_id"]
    with pytest.raises(ClientError) as excinfo:
        ssm.send_command(DocumentName="AWS-RunPatchBaselineX", InstanceIds=[node])
    assert code(excinfo) == "InvalidDocument"
    with pytest.raises(ClientError) as excinfo:
        ssm.send_command(DocumentName="AWS-RunShellScript", DocumentVersion="9", InstanceIds=[node],
                         Parameters={"commands": ["echo"]})
    assert code(excinfo) == "InvalidDocumentVersion"
