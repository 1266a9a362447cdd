"""Service-model validation of SSM requests, with AWS's ValidationException messages."""

import pytest
from botocore.exceptions import ClientError

from sandbox.wire.request_validation import RequestValidator, SerializationError, format_message, format_value, validation_error


@pytest.fixture(scope="module")
def validator():
    return RequestValidator("ssm")


def test_valid_request_has_no_errors(validator):
    assert validator.validate("DescribeInstanceInformation", {
        "Filters": [{"Key": "tag:Patch Group", "Values": ["Web"]}], "MaxResults": 50}) == []
    assert validator.validate("GetDefaultPatchBaseline", {}) == []


def test_required_member(validator):
    assert validator.validate("GetPatchBaseline", {}) == [
        "Value null at 'baselineId' failed to satisfy constraint: Member must not be null"
    ]


def test_integer_range(validator):
    assert validator.validate("DescribeInstanceInformation", {"MaxResults": 4}) == [
        "Value '4' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 5"
    ]
    assert validator.validate("DescribeInstanceInformation", {"MaxResults": 51}) == [
        "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"
    ]


def test_enum_length_and_pattern(validator):
    errors = validator.validate("CreatePatchBaseline", {"Name": "a!", "OperatingSystem": "BEOS"})
    assert "Value 'BEOS' at 'operatingSystem' failed to satisfy constraint: Member must satisfy enum value set: [" \
        "WINDOWS, AMAZON_LINUX, AMAZON_LINUX_2" in errors[0]
    assert "Value 'a!' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3" \
        in errors
    assert ("Value 'a!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z0-9_\\-.]{3,128}$") in errors
    assert len(errors) == 3


def test_java_unicode_classes_in_patterns(validator):
    # PatchGroup pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$ accepts letters of any script and spaces.
    ok = {"BaselineId": "pb-0123456789abcdef0", "PatchGroup": "Grüne Gruppe 1"}
    assert validator.validate("RegisterPatchBaselineForPatchGroup", ok) == []
    bad = dict(ok, PatchGroup="web#1")
    assert validator.validate("RegisterPatchBaselineForPatchGroup", bad) == [
        "Value 'web#1' at 'patchGroup' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"
    ]


def test_nested_lists_and_structures(validator):
    errors = validator.validate("DescribeInstanceInformation", {
        "Filters": [{"Key": "PingStatus", "Values": ["Online"]}, {"Key": "", "Values": []}],
    })
    assert errors == [
        "Value '' at 'filters.2.member.key' failed to satisfy constraint: Member must have length greater than or "
        "equal to 1",
        "Value '[]' at 'filters.2.member.values' failed to satisfy constraint: Member must have length greater than "
        "or equal to 1",
    ]
    errors = validator.validate("DescribeInstanceInformation", {"InstanceInformationFilterList": [{"key": "PingStatus"}]})
    assert errors == ["Value null at 'instanceInformationFilterList.1.member.valueSet' failed to satisfy constraint: "
                      "Member must not be null"]


def test_list_maximum(validator):
    errors = validator.validate("DescribeInstanceInformation", {"Filters": [{"Key": "InstanceIds",
                                                                             "Values": ["i-12345678"] * 101}]})
    assert len(errors) == 1 and "Member must have length less than or equal to 100" in errors[0]


def test_maps(validator):
    too_long_key = "k" * 51
    errors = validator.validate("StartAutomationExecution", {"DocumentName": "AWS-RestartEC2Instance",
                                                             "Parameters": {too_long_key: ["x"], "InstanceId": ["i"]}})
    assert len(errors) == 1
    assert "at 'parameters' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have " \
        "length less than or equal to 50]" in errors[0]


def test_wrong_type_is_a_serialization_error(validator):
    with pytest.raises(SerializationError):
        validator.validate("DescribeInstanceInformation", {"MaxResults": "ten"})
    with pytest.raises(SerializationError):
        validator.validate("DescribeInstanceInformation", {"Filters": {"Key": "x"}})


def test_message_format():
    assert format_message(["a"]) == "1 validation error detected: a"
    assert format_message(["a", "b"]) == "2 validation errors detected: a; b"
    assert format_value(["x", 1, True]) == "[x, 1, true]"


# --------------------------------------------------------------------------- through the server


def test_server_answers_validation_exception(clean_sandbox):
    ssm = clean_sandbox.client("ssm", parameter_validation=False)
    with pytest.raises(ClientError) as excinfo:
        ssm.create_patch_baseline(Name="x", OperatingSystem="BEOS", ApprovalRules={"PatchRules": [
            {"PatchFilterGroup": {"PatchFilters": []}, "ApproveAfterDays": 361}]})
    error = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith("4 validation errors detected: ")
    assert ("Value '361' at 'approvalRules.patchRules.1.member.approveAfterDays' failed to satisfy constraint: "
            "Member must have value less than or equal to 360") in error["Message"]
    # Rejected before moto: the call log says so and no baseline exists.
    call = clean_sandbox.calls(service="ssm", operation="CreatePatchBaseline")[-1]
    assert (call["status"], call["error_code"], call["injected"]) == (400, "ValidationException", False)


def test_server_rejects_wrong_types(clean_sandbox):
    ssm = clean_sandbox.client("ssm", parameter_validation=False)
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_instance_information(MaxResults="ten")
    assert excinfo.value.response["Error"]["Code"] == "SerializationException"


def test_valid_request_reaches_moto(clean_sandbox):
    ssm = clean_sandbox.client("ssm", parameter_validation=False)
    ssm.put_parameter(Name="/sandbox/x", Value="1", Type="String")
    assert ssm.get_parameter(Name="/sandbox/x")["Parameter"]["Value"] == "1"


def test_a_handlers_semantic_check_is_worded_as_the_model_validator_words_its_own():
    error = validation_error(["a", "b"], "targets.1.member.values", "have length less than or equal to 1")
    assert error.code == "ValidationException"
    assert error.message == ("1 validation error detected: Value '[a, b]' at 'targets.1.member.values' failed to "
                             "satisfy constraint: Member must have length less than or equal to 1")
