"""Patch groups through boto3: one baseline per OS per group, defaults, listing, paging, limits."""

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.patch_isolation import account, account_client, ssm  # noqa: F401 (fixtures)

AL2_DEFAULT_ARN = "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-0be8c61cde3be63f3"
WINDOWS_DEFAULT_ARN = "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-09ca3fb51f0412ec3"
RULES = {"PatchRules": [{"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
                         "ApproveAfterDays": 0}]}


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]



@pytest.fixture
def raw_ssm(sandbox):
    """No client-side validation, on the shared sandbox: for tests that only provoke errors."""
    return sandbox.client("ssm", parameter_validation=False)


def create(ssm, name, operating_system="AMAZON_LINUX_2"):
    return ssm.create_patch_baseline(Name=name, OperatingSystem=operating_system, ApprovalRules=RULES)["BaselineId"]


def test_workshop_groups_app_registered_web_on_the_default(ssm):
    baseline_id = create(ssm, "AmazonLinux2SecAndNonSecBaseline")
    registered = ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup="App")
    assert (registered["BaselineId"], registered["PatchGroup"]) == (baseline_id, "App")
    app = ssm.get_patch_baseline_for_patch_group(PatchGroup="App", OperatingSystem="AMAZON_LINUX_2")
    assert (app["BaselineId"], app["PatchGroup"], app["OperatingSystem"]) == (baseline_id, "App", "AMAZON_LINUX_2")
    # An unregistered group gets the OS default, as AWS answers.
    web = ssm.get_patch_baseline_for_patch_group(PatchGroup="Web", OperatingSystem="AMAZON_LINUX_2")
    assert web["BaselineId"] == AL2_DEFAULT_ARN
    # The group registration is for AMAZON_LINUX_2 only; OperatingSystem defaults to WINDOWS.
    assert ssm.get_patch_baseline_for_patch_group(PatchGroup="App")["BaselineId"] == WINDOWS_DEFAULT_ARN
    assert ssm.get_patch_baseline(BaselineId=baseline_id)["PatchGroups"] == ["App"]


def test_unregistered_group_follows_a_changed_default(ssm):
    custom_default = create(ssm, "my-default")
    ssm.register_default_patch_baseline(BaselineId=custom_default)
    assert ssm.get_patch_baseline_for_patch_group(
        PatchGroup="Web", OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == custom_default


def test_one_baseline_per_operating_system_in_a_group(ssm):
    first = create(ssm, "first")
    second = create(ssm, "second")
    windows = create(ssm, "windows", "WINDOWS")
    ssm.register_patch_baseline_for_patch_group(BaselineId=first, PatchGroup="App")
    for baseline_id in (second, first):
        with pytest.raises(ClientError) as excinfo:
            ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup="App")
        assert error_code(excinfo) == "AlreadyExistsException"
    # Another operating system in the same group is fine.
    ssm.register_patch_baseline_for_patch_group(BaselineId=windows, PatchGroup="App")
    assert ssm.get_patch_baseline_for_patch_group(PatchGroup="App", OperatingSystem="WINDOWS")["BaselineId"] == windows
    assert ssm.get_patch_baseline_for_patch_group(PatchGroup="App", OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == first


def test_deregister_really_deregisters(ssm):
    """moto leaves the group registered."""
    first = create(ssm, "first")
    second = create(ssm, "second")
    ssm.register_patch_baseline_for_patch_group(BaselineId=first, PatchGroup="App")
    result = ssm.deregister_patch_baseline_for_patch_group(BaselineId=first, PatchGroup="App")
    assert (result["BaselineId"], result["PatchGroup"]) == (first, "App")
    assert ssm.describe_patch_groups()["Mappings"] == []
    assert ssm.get_patch_baseline(BaselineId=first)["PatchGroups"] == []
    assert ssm.get_patch_baseline_for_patch_group(
        PatchGroup="App", OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == AL2_DEFAULT_ARN
    # The OS slot is free again.
    ssm.register_patch_baseline_for_patch_group(BaselineId=second, PatchGroup="App")
    with pytest.raises(ClientError) as excinfo:
        ssm.deregister_patch_baseline_for_patch_group(BaselineId=first, PatchGroup="App")
    assert error_code(excinfo) == "DoesNotExistException"


def test_aws_owned_baseline_can_be_registered_by_arn(ssm):
    ssm.register_patch_baseline_for_patch_group(BaselineId=AL2_DEFAULT_ARN, PatchGroup="Legacy")
    mapping = ssm.describe_patch_groups()["Mappings"][0]
    assert mapping["PatchGroup"] == "Legacy"
    assert mapping["BaselineIdentity"] == {
        "BaselineId": AL2_DEFAULT_ARN,
        "BaselineName": "AWS-AmazonLinux2DefaultPatchBaseline",
        "OperatingSystem": "AMAZON_LINUX_2",
        "BaselineDescription": "Baseline containing all Security and Bugfix updates approved for Amazon Linux 2 instances",
        "DefaultBaseline": True,
    }
    assert ssm.get_patch_baseline(BaselineId=AL2_DEFAULT_ARN)["PatchGroups"] == ["Legacy"]


def test_describe_patch_groups_filters_and_pages(ssm, raw_ssm):
    """moto has no DescribePatchGroups listing."""
    linux = create(ssm, "linux")
    windows = create(ssm, "windows", "WINDOWS")
    for index in range(5):
        ssm.register_patch_baseline_for_patch_group(BaselineId=linux, PatchGroup=f"App-{index}")
    ssm.register_patch_baseline_for_patch_group(BaselineId=windows, PatchGroup="App-0")
    ssm.register_patch_baseline_for_patch_group(BaselineId=windows, PatchGroup="Web")

    everything = ssm.describe_patch_groups()["Mappings"]
    assert len(everything) == 7
    prefixed = ssm.describe_patch_groups(Filters=[{"Key": "NAME_PREFIX", "Values": ["App-"]}])["Mappings"]
    assert sorted((m["PatchGroup"], m["BaselineIdentity"]["OperatingSystem"]) for m in prefixed) == sorted(
        [(f"App-{i}", "AMAZON_LINUX_2") for i in range(5)] + [("App-0", "WINDOWS")])
    on_windows = ssm.describe_patch_groups(Filters=[{"Key": "OPERATING_SYSTEM", "Values": ["WINDOWS"]}])["Mappings"]
    assert sorted(m["PatchGroup"] for m in on_windows) == ["App-0", "Web"]
    assert all(m["BaselineIdentity"]["BaselineId"] == windows for m in on_windows)
    assert all(m["BaselineIdentity"]["DefaultBaseline"] is False for m in on_windows)

    pages = list(ssm.get_paginator("describe_patch_groups").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page["Mappings"]) for page in pages] == [3, 3, 1]
    assert [m for page in pages for m in page["Mappings"]] == everything

    for bad in (0, 101):
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.describe_patch_groups(MaxResults=bad)
        assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.describe_patch_groups(Filters=[{"Key": "OWNER", "Values": ["Self"]}])
    assert error_code(excinfo) == "ValidationException"


def test_patch_groups_per_baseline_quota_is_25(ssm):
    baseline_id = create(ssm, "busy")
    for index in range(25):
        ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=f"group-{index}")
    with pytest.raises(ClientError) as excinfo:
        ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup="group-26")
    assert error_code(excinfo) == "ResourceLimitExceededException"


def test_patch_group_names_follow_the_model(ssm, raw_ssm):
    baseline_id = create(ssm, "names")
    unicode_name = "Équipe web: prod/eu=1+a@b_c.d-e"
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=unicode_name)
    assert ssm.describe_patch_groups()["Mappings"][0]["PatchGroup"] == unicode_name
    for bad in ("bad#name", "x" * 257, ""):
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=bad)
        assert error_code(excinfo) == "ValidationException", bad


def test_register_errors(raw_ssm):
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.register_patch_baseline_for_patch_group(BaselineId="pb-0123456789abcdef0", PatchGroup="App")
    assert error_code(excinfo) == "DoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.deregister_patch_baseline_for_patch_group(BaselineId="pb-0123456789abcdef0", PatchGroup="App")
    assert error_code(excinfo) == "DoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.register_patch_baseline_for_patch_group(BaselineId="not a baseline id at all", PatchGroup="App")
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.get_patch_baseline_for_patch_group(PatchGroup="App", OperatingSystem="BEOS")
    assert error_code(excinfo) == "ValidationException"
