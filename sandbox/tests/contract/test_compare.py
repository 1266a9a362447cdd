"""The comparison helper itself: each rule reports a difference where one exists, with its path."""

import botocore.session

from sandbox.tests.contract.compare import ELIDED, differences, string_format

MODEL = botocore.session.get_session().get_service_model("ssm")


def shape(operation):
    return MODEL.operation_model(operation).output_shape


def test_formats_of_ids_times_and_example_placeholders():
    assert string_format("pb-045f10b4f3EXAMPLE") == string_format("pb-0123456789abcdef0") == "patch baseline id"
    assert string_format("arn:aws:ssm:us-east-2:733109147000:patchbaseline/pb-0123fdb36e334a3b2") == "patch baseline ARN"
    assert string_format("i-02573cafcfEXAMPLE") == "EC2 instance id"
    assert string_format("mi-0123456789abcdef0") == "managed instance id"
    assert string_format("a3f5ff34-9bc4-4d2c-a665-4d1c1EXAMPLE") == "UUID"
    assert string_format("2021-08-04T11:03:50.590000-07:00") == "ISO 8601 time"
    assert string_format("2.3.842.0") == string_format("192.0.2.0") == string_format("3.3.1142.0")
    assert string_format("15.1") is None
    assert string_format("WindowsPatching") is None and string_format("") == "empty string"
    assert string_format("pb-0123456789abcdef0\n") is None  # whole-string match


def test_identical_answers_have_no_differences():
    example = {"BaselineId": "pb-0123456789abcdef0", "PatchGroup": "DEV", "OperatingSystem": "WINDOWS"}
    assert differences(example, dict(example), shape("GetPatchBaselineForPatchGroup")) == []


def test_ids_by_format_other_strings_by_value():
    example = {"BaselineId": "pb-0123456789abcdef0", "PatchGroup": "DEV", "OperatingSystem": "WINDOWS"}
    actual = {"BaselineId": "arn:aws:ssm:us-east-1:123456789012:patchbaseline/pb-0123456789abcdef1",
              "PatchGroup": "DEV", "OperatingSystem": "Windows"}
    assert differences(example, actual, shape("GetPatchBaselineForPatchGroup")) == [
        "BaselineId: example has patch baseline id 'pb-0123456789abcdef0', sandbox patch baseline ARN "
        "'arn:aws:ssm:us-east-1:123456789012:patchbaseline/pb-0123456789abcdef1'",
        "OperatingSystem: example has 'WINDOWS', sandbox 'Windows'",
    ]
    same_format = {**example, "BaselineId": "pb-0fffffffffffffff1"}
    assert differences(example, same_format, shape("GetPatchBaselineForPatchGroup")) == []


def test_missing_and_unknown_members_reported_optional_members_accepted():
    example = {"BaselineId": "pb-0123456789abcdef0", "PatchGroup": "DEV"}
    actual = {"PatchGroup": "DEV", "OperatingSystem": "WINDOWS", "Status": "Pending"}
    assert differences(example, actual, shape("GetPatchBaselineForPatchGroup")) == [
        "BaselineId: missing (the example has 'pb-0123456789abcdef0')",
        "Status: not in the example and not a member of GetPatchBaselineForPatchGroupResult",
    ]
    assert differences({"Patches": [], "NextToken": "x"}, {"Patches": []}, shape("DescribeInstancePatches"),
                       optional=("NextToken",)) == []


def test_timestamps_must_be_epoch_numbers_on_the_wire():
    example = {"InstancePatchStates": [{"InstanceId": "i-1234567890abcdef0",
                                        "OperationStartTime": "2021-05-03T11:00:56-07:00"}]}
    epoch = {"InstancePatchStates": [{"InstanceId": "i-0fedcba9876543210", "OperationStartTime": 1620064856.0}]}
    iso = {"InstancePatchStates": [{"InstanceId": "i-0fedcba9876543210",
                                    "OperationStartTime": "2021-05-03T18:00:56Z"}]}
    assert differences(example, epoch, shape("DescribeInstancePatchStates")) == []
    assert differences(example, iso, shape("DescribeInstancePatchStates")) == [
        "InstancePatchStates[0].OperationStartTime: timestamp sent as string '2021-05-03T18:00:56Z'; "
        "SSM's JSON protocol sends epoch seconds (a number)"]


def test_numbers_by_type_booleans_by_value():
    output = shape("DescribePatchGroupState")
    assert differences({"Instances": 21}, {"Instances": 3}, output) == []
    assert differences({"Instances": 21}, {"Instances": 3.0}, output) == [
        "Instances: example has integer 21, sandbox float 3.0"]
    assert differences({"Instances": 21}, {"Instances": "21"}, output) == [
        "Instances: example has integer 21, sandbox string '21'"]
    baselines = shape("DescribePatchBaselines")
    example = {"BaselineIdentities": [{"DefaultBaseline": True}]}
    assert differences(example, {"BaselineIdentities": [{"DefaultBaseline": False}]}, baselines) == [
        "BaselineIdentities[0].DefaultBaseline: example has True, sandbox False"]


def test_loose_paths_compare_by_type_only():
    output = shape("DescribeInstancePatches")
    example = {"Patches": [{"Title": "2019-01 Security Update", "State": "Installed"}]}
    actual = {"Patches": [{"Title": "another title", "State": "Missing"}]}
    assert differences(example, actual, output, loose=("Patches[].Title",)) == [
        "Patches[0].State: example has 'Installed', sandbox 'Missing'"]
    assert differences(example, actual, output, loose=("Patches[].Title", "Patches[].State")) == []
    assert differences(example, {"Patches": [{"Title": 7, "State": "Missing"}]}, output,
                       loose=("Patches[].Title", "Patches[].State")) == [
        "Patches[0].Title: example has string '2019-01 Security Update', sandbox integer 7"]


def test_lists_elided_exact_and_paired_by_best_match():
    output = shape("DescribePatchGroups")
    example = {"Mappings": [{"PatchGroup": "Production"}, {"PatchGroup": "Development"}, ELIDED]}
    reordered = {"Mappings": [{"PatchGroup": "Other"}, {"PatchGroup": "Development"}, {"PatchGroup": "Production"}]}
    assert differences(example, reordered, output) == []
    assert differences(example, {"Mappings": [{"PatchGroup": "Production"}]}, output) == [
        "Mappings: example shows at least 2 items, sandbox 1"]
    assert differences(example, {"Mappings": [{"PatchGroup": "Production"}, {"PatchGroup": "Dev"}]}, output) == [
        "Mappings[1].PatchGroup: example has 'Development', sandbox 'Dev'"]
    exact = {"Mappings": [{"PatchGroup": "Production"}]}
    assert differences(exact, {"Mappings": []}, output) == ["Mappings: example has 1 items, sandbox 0"]
    assert differences(exact, {"Mappings": [{"PatchGroup": "Production"}, {"PatchGroup": "X"}]}, output) == [
        "Mappings: example has 1 items, sandbox 2"]
    assert differences(exact, {"Mappings": {"PatchGroup": "Production"}}, output) == [
        "Mappings: example has a list, sandbox structure {'PatchGroup': 'Production'}"]
