"""The response-shape check (sandbox/testing/response_shapes.py) on hand-made responses, good and bad."""

import datetime
import json
from types import SimpleNamespace

import botocore.session
import pytest

from sandbox.testing import response_shapes
from sandbox.testing.response_shapes import response_problems, shape_problems

SSM = botocore.session.get_session().get_service_model("ssm")
EC2 = botocore.session.get_session().get_service_model("ec2")
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)


def output(operation):
    return SSM.operation_model(operation).output_shape


def http(body, status=200):
    return SimpleNamespace(status_code=status, content=json.dumps(body).encode())


def test_a_well_formed_parsed_response_has_no_problem():
    parsed = {"Command": {"CommandId": "abc", "Status": "Pending", "RequestedDateTime": NOW, "MaxErrors": "0",
                          "InstanceIds": ["i-1"], "Targets": [], "TargetCount": 1, "Parameters": {"commands": ["ls"]}},
              "ResponseMetadata": {"HTTPStatusCode": 200}}
    assert shape_problems(output("SendCommand"), parsed) == []


def test_every_problem_is_reported_with_its_path():
    parsed = {"Command": {"CommandId": 7, "Status": "pending", "RequestedDateTime": "2026-12-01T00:00:00Z",
                          "InstanceIds": "i-1", "TargetCount": "1", "Parameters": {"commands": "ls"},
                          "Targets": [{"Key": "InstanceIds", "Values": [1]}], "Bogus": True}}
    problems = shape_problems(output("SendCommand"), parsed)
    assert sorted(problems) == sorted([
        "Command.CommandId: expected a string, got int 7",
        "Command.Status: 'pending' is not one of the enum values ['Cancelled', 'Cancelling', 'Failed', "
        "'InProgress', 'Pending', 'Success', 'TimedOut']",
        "Command.RequestedDateTime: expected a datetime, got str '2026-12-01T00:00:00Z'",
        "Command.InstanceIds: expected a list, got str 'i-1'",
        "Command.TargetCount: expected an integer, got str '1'",
        "Command.Parameters['commands']: expected a list, got str 'ls'",
        "Command.Targets[0].Values[0]: expected a string, got int 1",
        "Command.Bogus: not a member of Command",
    ])


def test_a_required_member_that_is_missing_is_named():
    # PatchRule requires PatchFilterGroup (few output shapes require anything).
    problems = shape_problems(output("GetPatchBaseline"), {"ApprovalRules": {"PatchRules": [{"ApproveAfterDays": 7}]}})
    assert problems == ["ApprovalRules.PatchRules[0].PatchFilterGroup: required member missing"]


def test_booleans_are_not_integers_and_integers_are_not_booleans():
    shape = output("DescribePatchBaselines")
    problems = shape_problems(shape, {"BaselineIdentities": [{"DefaultBaseline": 1}]})
    assert problems == ["BaselineIdentities[0].DefaultBaseline: expected a boolean, got int 1"]
    shape = output("ListCommands")
    problems = shape_problems(shape, {"Commands": [{"TargetCount": True}]})
    assert problems == ["Commands[0].TargetCount: expected an integer, got bool True"]


def test_only_the_documented_enum_exception_passes():
    # NotificationType "" is what AWS answers (awscli/examples/ssm/send-command.rst); "" elsewhere is not.
    assert shape_problems(output("SendCommand"), {"Command": {"NotificationConfig": {"NotificationType": ""}}}) == []
    assert shape_problems(output("SendCommand"), {"Command": {"Status": ""}}) == [
        "Command.Status: '' is not one of the enum values "
        "['Cancelled', 'Cancelling', 'Failed', 'InProgress', 'Pending', 'Success', 'TimedOut']"]


def test_ec2_platform_windows_in_lower_case_is_what_aws_documents():
    shape = EC2.operation_model("DescribeImages").output_shape
    assert shape_problems(shape, {"Images": [{"Platform": "windows"}]}) == []
    assert shape_problems(shape, {"Images": [{"Platform": "Linux/UNIX"}]}) == [
        "Images[0].Platform: 'Linux/UNIX' is not one of the enum values ['Windows']"]


def test_null_is_reported_where_aws_omits_the_member():
    assert shape_problems(output("SendCommand"), {"Command": {"Comment": None}}) == [
        "Command.Comment: null where the model has a string"]


def test_the_wire_body_wants_epoch_timestamps_and_known_names():
    model = SSM.operation_model("SendCommand")
    body = {"Command": {"CommandId": "abc", "RequestedDateTime": "2026-12-01T00:00:00Z", "CommandID": "abc"}}
    # botocore itself would parse the ISO string and drop CommandID: only the wire check sees both.
    parsed = {"Command": {"CommandId": "abc", "RequestedDateTime": NOW}}
    assert sorted(response_problems(model, http(body), parsed)) == [
        "Command.CommandID: not a member of Command",
        "Command.RequestedDateTime: expected epoch seconds (a number), got str '2026-12-01T00:00:00Z'",
    ]


def test_a_good_wire_body_passes():
    model = SSM.operation_model("SendCommand")
    body = {"Command": {"CommandId": "abc", "RequestedDateTime": 1764547200.123, "Status": "Pending"}}
    parsed = {"Command": {"CommandId": "abc", "RequestedDateTime": NOW, "Status": "Pending"}}
    assert response_problems(model, http(body), parsed) == []


def test_a_body_that_is_not_json_is_a_problem():
    model = SSM.operation_model("ListCommands")
    response = SimpleNamespace(status_code=200, content=b"<html>")
    assert response_problems(model, response, {}) == ["(response): body is not JSON: b'<html>'"]


def test_query_protocol_responses_are_checked_on_the_parsed_form_only():
    model = EC2.operation_model("DescribeInstances")
    response = SimpleNamespace(status_code=200, content=b"<xml/>")
    parsed = {"Reservations": [{"Instances": [{"State": {"Name": "runing"}}]}]}
    assert response_problems(model, response, parsed) == [
        "Reservations[0].Instances[0].State.Name: 'runing' is not one of the enum values "
        "['pending', 'running', 'shutting-down', 'stopped', 'stopping', 'terminated']"]


def test_iam_policy_documents_botocore_decoded_are_not_a_problem():
    iam = botocore.session.get_session().get_service_model("iam")
    shape = iam.operation_model("CreateRole").output_shape
    role = {"Path": "/", "RoleName": "r", "RoleId": "AROA", "Arn": "arn:aws:iam::123456789012:role/r", "CreateDate": NOW}
    decoded = {"Version": "2012-10-17", "Statement": []}
    assert shape_problems(shape, {"Role": dict(role, AssumeRolePolicyDocument=decoded)}) == []
    assert shape_problems(shape, {"Role": dict(role, RoleName=7)}) == ["Role.RoleName: expected a string, got int 7"]
    # The decoded form is botocore's, after parsing; a dict on the wire would still be a problem.
    assert shape_problems(shape, {"Role": dict(role, AssumeRolePolicyDocument=decoded, CreateDate=1.0)}, wire=True) == [
        f"Role.AssumeRolePolicyDocument: expected a string, got dict {decoded!r}"]


def test_the_after_call_handler_collects_and_skips_error_responses():
    response_shapes.take_problems()
    model = SSM.operation_model("ListCommands")
    response_shapes._after_call(http({}, status=400), {"Error": {"Code": "X"}}, model)  # pylint: disable=protected-access
    assert response_shapes.take_problems() == []
    response_shapes._after_call(http({"Commands": [{"Status": "Done"}]}), {"Commands": [{"Status": "Done"}]}, model)  # pylint: disable=protected-access
    assert response_shapes.take_problems() == [
        "ssm.ListCommands Commands[0].Status: 'Done' is not one of the enum values "
        "['Cancelled', 'Cancelling', 'Failed', 'InProgress', 'Pending', 'Success', 'TimedOut']"]
    assert response_shapes.take_problems() == []


def test_sandbox_clients_are_watched(sandbox):
    client = sandbox.client("ssm")
    handlers = client.meta.events._emitter._unique_id_handlers  # pylint: disable=protected-access
    assert "sandbox-response-shapes" in handlers


@pytest.mark.parametrize("operation", ["ListCommands", "DescribeMaintenanceWindows", "ListAssociations"])
def test_real_sandbox_responses_pass(sandbox, operation):
    client = sandbox.client("ssm")
    getattr(client, botocore.xform_name(operation))()
    assert response_shapes.take_problems() == []


def test_the_plugin_fails_the_test_that_received_a_malformed_response():
    from sandbox.testing import plugin  # pylint: disable=import-outside-toplevel
    item = SimpleNamespace(path="tests/integration/test_x.py")
    response_shapes.take_problems()
    model = SSM.operation_model("ListCommands")
    bad = {"Commands": [{"Status": "Done"}]}
    response_shapes._after_call(http(bad), bad, model)  # pylint: disable=protected-access
    with pytest.raises(pytest.fail.Exception, match=r"(?s)1 response\(s\) in the test differ.*Commands\[0\]\.Status"):
        plugin._fail_on_shape_problems(item, "the test")  # pylint: disable=protected-access
    plugin._fail_on_shape_problems(item, "teardown")  # nothing left: no failure  # pylint: disable=protected-access


def test_patch_states_are_answered_in_camel_case_as_the_cli_examples_show():
    shape = output("DescribeInstancePatches")

    def patch(state):
        return {"Title": "t", "KBId": "k", "Classification": "c", "Severity": "s", "State": state, "InstalledTime": NOW}

    assert shape_problems(shape, {"Patches": [patch("InstalledOther"), patch("Missing")]}) == []
    problems = shape_problems(shape, {"Patches": [patch("INSTALLED")]})
    assert len(problems) == 1 and problems[0].startswith("Patches[0].State: 'INSTALLED' is not one of the enum values")


def test_organizations_wire_bodies_are_checked_like_ssms():
    # moto's own ListAccounts answers these nulls (fixed by sandbox/moto_fixes/organizations.py).
    model = botocore.session.get_session().get_service_model("organizations").operation_model("ListAccounts")
    body = {"Accounts": [{"Id": "111111111111", "Status": "CLOSED", "State": "CLOSED", "JoinedTimestamp": "2026-12-01"}],
            "NextToken": None}
    assert sorted(response_problems(model, http(body), {})) == [
        "Accounts[0].JoinedTimestamp: expected epoch seconds (a number), got str '2026-12-01'",
        "Accounts[0].Status: 'CLOSED' is not one of the enum values ['ACTIVE', 'PENDING_CLOSURE', 'SUSPENDED']",
        "NextToken: null where the model has a string",
    ]
