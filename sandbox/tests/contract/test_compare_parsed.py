"""The contract comparison helper (compare.py) itself: it must find every kind of difference."""

import datetime

import botocore.session

from sandbox.tests.contract.compare_parsed import differences, string_format

NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)


def test_agreeing_outputs_have_no_difference():
    documented = {"Command": {"CommandId": "92853adf-ba41-4cd6-9a88-142d1EXAMPLE", "RequestedDateTime": 1550173814.717,
                              "InstanceIds": ["i-0f00f008a2dcbefe2"], "Status": "Pending", "TargetCount": 1,
                              "Targets": [], "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False}}}
    answered = {"Command": {"CommandId": "0b5e1a3c-7d2f-4c55-9d35-6d0d6f3c1a2b", "RequestedDateTime": NOW,
                            "InstanceIds": ["i-0123456789abcdef0"], "Status": "Pending", "TargetCount": 1,
                            "Targets": [], "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False}},
                "ResponseMetadata": {}}
    assert differences(documented, answered) == []


def test_every_kind_of_difference_is_reported_with_its_path():
    documented = {"Command": {"CommandId": "92853adf-ba41-4cd6-9a88-142d1EXAMPLE", "RequestedDateTime": 1550173814.717,
                              "Status": "Pending", "MaxErrors": "0", "TargetCount": 1, "Comment": "x",
                              "InstanceIds": ["i-0f00f008a2dcbefe2"], "Enabled": False,
                              "ServiceRole": "arn:aws:iam::123456789012:role/SNS_Role"}}
    answered = {"Command": {"CommandId": "mw-0c50858d01EXAMPLE", "RequestedDateTime": "2019-02-14T20:00:00Z",
                            "Status": "InProgress", "MaxErrors": 0, "TargetCount": 2,
                            "InstanceIds": [], "Enabled": 0,
                            "ServiceRole": "arn:aws:sns:us-east-1:123456789012:topic", "Extra": 1}}
    assert differences(documented, answered) == [
        "Command.CommandId: documented uuid ('92853adf-ba41-4cd6-9a88-142d1EXAMPLE'), answered maintenance window id "
        "('mw-0c50858d01EXAMPLE')",
        "Command.RequestedDateTime: documented a timestamp (1550173814.717), answered str '2019-02-14T20:00:00Z'",
        "Command.Status: documented 'Pending', answered 'InProgress'",
        "Command.MaxErrors: documented a string ('0'), answered int 0",
        "Command.TargetCount: documented 1, answered 2",
        "Command.Comment: documented, not answered",
        "Command.InstanceIds: documented 1 item(s), answered 0",
        "Command.Enabled: documented False, answered 0",
        "Command.ServiceRole: documented arn of iam ('arn:aws:iam::123456789012:role/SNS_Role'), answered arn of sns "
        "('arn:aws:sns:us-east-1:123456789012:topic')",
        "Command.Extra: answered, not in the documented output",
    ]


def test_a_documented_iso_string_may_be_a_datetime_or_an_iso_string():
    documented = {"ExecutionStartDateTime": "2020-02-19T18:18:03.419Z"}
    assert differences(documented, {"ExecutionStartDateTime": "2026-12-01T00:00:00.000Z"}) == []
    assert differences(documented, {"ExecutionStartDateTime": NOW}) == []
    assert differences(documented, {"ExecutionStartDateTime": "yesterday"}) == [
        "ExecutionStartDateTime: documented a timestamp ('2020-02-19T18:18:03.419Z'), answered str 'yesterday'"]


def test_an_elided_list_may_be_longer_but_not_shorter():
    documented = {"AssociationExecutions": [{"Status": "Success"}, "..."]}
    assert differences(documented, {"AssociationExecutions": [{"Status": "Success"}, {"Status": "Failed"}]}) == []
    assert differences(documented, {"AssociationExecutions": []}) == [
        "AssociationExecutions: documented at least 1 item(s), answered 0"]


def test_by_type_paths_compare_only_the_type():
    documented = {"Output": "HelloWorld\n", "Count": 3, "Items": [1, 2]}
    answered = {"Output": "other", "Count": 5, "Items": [1]}
    assert differences(documented, answered, by_type=["Output", "Count", "Items"]) == []
    assert differences(documented, {"Output": 1, "Count": "5", "Items": [1]}, by_type=["Output", "Count", "Items"]) == [
        "Output: documented a string ('HelloWorld\\n'), answered int 1",
        "Count: documented a number (3), answered str '5'",
    ]


def test_a_loose_path_covers_its_members():
    documented = {"Parameters": {"commands": ["echo HelloWorld"]}, "Comment": "x"}
    answered = {"Parameters": {"commands": ["ifconfig"]}, "Comment": "y"}
    assert differences(documented, answered, by_type=["Parameters"]) == ["Comment: documented 'x', answered 'y'"]


def test_by_type_globs_take_brackets_literally():
    documented = {"Items": [{"Name": "a"}, {"Name": "b"}]}
    answered = {"Items": [{"Name": "x"}, {"Name": "y"}]}
    assert differences(documented, answered, by_type=["Items[1].Name"]) == ["Items[0].Name: documented 'a', answered 'x'"]
    assert differences(documented, answered, by_type=["Items[*].Name"]) == []


def test_with_the_shape_an_extra_member_aws_defines_is_accepted_and_no_other():
    shape = botocore.session.get_session().get_service_model("ssm").operation_model("SendCommand").output_shape
    documented = {"Command": {"Status": "Pending", "Parameters": {"commands": ["ls"]}}}
    answered = {"Command": {"Status": "Pending", "TimeoutSeconds": 3600, "Invented": 1,
                            "Parameters": {"commands": ["ls"], "workingDirectory": [""]}}}
    assert differences(documented, answered, shape=shape) == [
        "Command.Parameters.workingDirectory: answered, not in the documented output",
        "Command.Invented: answered, not in the documented output",
    ]
    assert differences(documented, answered) == [
        "Command.Parameters.workingDirectory: answered, not in the documented output",
        "Command.TimeoutSeconds: answered, not in the documented output",
        "Command.Invented: answered, not in the documented output",
    ]


def test_a_structure_and_a_list_must_be_answered_as_such():
    assert differences({"A": {"B": 1}, "C": [1]}, {"A": [1], "C": {"x": 1}}) == [
        "A: documented a structure, answered list [1]",
        "C: documented a list, answered dict {'x': 1}",
    ]


def test_formats():
    assert string_format("92853adf-ba41-4cd6-9a88-142d1EXAMPLE") == "uuid"
    assert string_format("i-1234567890abcdef0") == "ec2 instance id"
    assert string_format("mi-0123456789abcdef0") == "managed instance id"
    assert string_format("arn:aws:ssm:us-east-1:123456789012:document/ExampleDocument") == "arn of ssm"
    assert string_format("2019-02-14T20:00:00.123Z") == "iso timestamp"
    assert string_format("Pending") is None
    assert string_format("i-123") is None
