"""Patch baselines through boto3 against the running sandbox: shapes, rules, errors, paging, tags."""

import concurrent.futures

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.patch_isolation import account, account_client, ssm  # noqa: F401 (fixtures)

from sandbox.ssm.predefined_baselines import operating_systems

AL2_DEFAULT_ARN = "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-0be8c61cde3be63f3"
WINDOWS_DEFAULT_ARN = "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-09ca3fb51f0412ec3"

WORKSHOP_RULES = {
    "PatchRules": [
        {
            "PatchFilterGroup": {"PatchFilters": [
                {"Key": "PRODUCT", "Values": ["*"]},
                {"Key": "CLASSIFICATION", "Values": ["Security", "Bugfix"]},
                {"Key": "SEVERITY", "Values": ["*"]},
            ]},
            "ApproveAfterDays": 0,
            "ComplianceLevel": "CRITICAL",
        },
        {
            "PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
            "ApproveAfterDays": 0,
            "ComplianceLevel": "MEDIUM",
            "EnableNonSecurity": True,
        },
    ]
}


def _rule(filters, **extra):
    rule = {"PatchFilterGroup": {"PatchFilters": filters}, **extra}
    if "ApproveUntilDate" not in extra and "ApproveAfterDays" not in extra and not extra.get("no_delay"):
        rule["ApproveAfterDays"] = 7
    rule.pop("no_delay", None)
    return {"PatchRules": [rule]}


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]



@pytest.fixture
def shared_ssm(sandbox):
    """The session's sandbox without a reset: for tests that only read AWS-owned data."""
    return sandbox.client("ssm")


@pytest.fixture
def raw_ssm(sandbox):
    """A client without boto3's own parameter validation, to reach the server-side checks.

    Tests that only provoke errors share the session's sandbox: resetting it costs more than the test.
    """
    return sandbox.client("ssm", parameter_validation=False)


def create_al2(ssm, name="AmazonLinux2SecAndNonSecBaseline", **extra):
    params = {
        "Name": name,
        "OperatingSystem": "AMAZON_LINUX_2",
        "Description": "Amazon Linux 2 patch baseline including security and non-security patches",
        "ApprovalRules": WORKSHOP_RULES,
        **extra,
    }
    return ssm.create_patch_baseline(**params)["BaselineId"]


# ------------------------------------------------------------------------------------------------
# Create / Get


def test_create_and_get_the_workshop_baseline(ssm):
    baseline_id = create_al2(
        ssm, ApprovedPatches=["kernel*"], ApprovedPatchesComplianceLevel="HIGH",
        ApprovedPatchesEnableNonSecurity=True,
    )
    assert baseline_id.startswith("pb-") and len(baseline_id) == 20
    int(baseline_id[3:], 16)

    got = ssm.get_patch_baseline(BaselineId=baseline_id)
    assert got["BaselineId"] == baseline_id
    assert got["Name"] == "AmazonLinux2SecAndNonSecBaseline"
    assert got["OperatingSystem"] == "AMAZON_LINUX_2"
    assert got["ApprovedPatches"] == ["kernel*"]
    assert got["ApprovedPatchesComplianceLevel"] == "HIGH"
    assert got["ApprovedPatchesEnableNonSecurity"] is True
    assert got["RejectedPatches"] == [] and got["RejectedPatchesAction"] == "ALLOW_AS_DEPENDENCY"
    assert got["PatchGroups"] == [] and got["Sources"] == []
    assert got["GlobalFilters"] == {"PatchFilters": []}
    first, second = got["ApprovalRules"]["PatchRules"]
    assert first["ComplianceLevel"] == "CRITICAL" and first["ApproveAfterDays"] == 0
    assert first["EnableNonSecurity"] is False
    assert first["PatchFilterGroup"]["PatchFilters"][1] == {"Key": "CLASSIFICATION", "Values": ["Security", "Bugfix"]}
    assert second["ComplianceLevel"] == "MEDIUM" and second["EnableNonSecurity"] is True
    assert got["CreatedDate"] == got["ModifiedDate"]
    # Names are not unique.
    assert create_al2(ssm) != baseline_id


def test_create_defaults_to_windows(ssm):
    baseline_id = ssm.create_patch_baseline(Name="plain-baseline")["BaselineId"]
    got = ssm.get_patch_baseline(BaselineId=baseline_id)
    assert got["OperatingSystem"] == "WINDOWS"
    assert got["ApprovalRules"] == {"PatchRules": []}
    assert got["ApprovedPatchesComplianceLevel"] == "UNSPECIFIED"
    assert "Description" not in got


def test_client_token_makes_create_idempotent(ssm):
    first = create_al2(ssm, ClientToken="token-1")
    assert create_al2(ssm, ClientToken="token-1") == first
    with pytest.raises(ClientError) as excinfo:
        create_al2(ssm, ClientToken="token-1", Description="another request")
    assert error_code(excinfo) == "IdempotentParameterMismatch"
    assert len(ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"]) == 1


def test_concurrent_creates_with_one_client_token_make_one_baseline(ssm):
    # The API reference's ClientToken is an idempotency token: requests that arrive together with the
    # same token and parameters get one baseline (the server is threaded; the check and the create
    # hold the state's lock).
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda _: create_al2(ssm, ClientToken="racing-token"), range(8)))
    assert len(set(ids)) == 1
    assert [item["BaselineId"] for item in ssm.describe_patch_baselines(
        Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"]] == ids[:1]


def test_rules_with_approve_until_date_and_debian_family_without_delay(ssm):
    dated = ssm.create_patch_baseline(
        Name="dated", OperatingSystem="REDHAT_ENTERPRISE_LINUX",
        ApprovalRules=_rule([{"Key": "CLASSIFICATION", "Values": ["Security"]}], ApproveUntilDate="2024-02-29"),
    )["BaselineId"]
    assert ssm.get_patch_baseline(BaselineId=dated)["ApprovalRules"]["PatchRules"][0]["ApproveUntilDate"] == "2024-02-29"
    ubuntu = ssm.create_patch_baseline(
        Name="ubuntu", OperatingSystem="UBUNTU",
        ApprovalRules=_rule([{"Key": "PRIORITY", "Values": ["Required"]}], no_delay=True),
    )["BaselineId"]
    rule = ssm.get_patch_baseline(BaselineId=ubuntu)["ApprovalRules"]["PatchRules"][0]
    assert "ApproveAfterDays" not in rule and "ApproveUntilDate" not in rule


def test_sources_and_windows_only_fields_are_stored(ssm):
    linux = create_al2(ssm, Sources=[{"Name": "my-repo", "Products": ["AmazonLinux2"], "Configuration": "[repo]"}])
    assert ssm.get_patch_baseline(BaselineId=linux)["Sources"][0]["Name"] == "my-repo"
    windows = ssm.create_patch_baseline(
        Name="win", AvailableSecurityUpdatesComplianceStatus="NON_COMPLIANT",
        ApprovalRules=_rule([{"Key": "PATCH_SET", "Values": ["APPLICATION"]}, {"Key": "PRODUCT", "Values": ["Office 2016"]}]),
    )["BaselineId"]
    assert ssm.get_patch_baseline(BaselineId=windows)["AvailableSecurityUpdatesComplianceStatus"] == "NON_COMPLIANT"


def _filters(count):
    keys = ["PRODUCT", "CLASSIFICATION", "SEVERITY", "PRODUCT_FAMILY", "MSRC_SEVERITY"]
    return [{"Key": key, "Values": ["*"]} for key in keys[:count]]


INVALID_CREATES = {
    "name pattern": {"Name": "bad name!"},
    "name too short": {"Name": "ab"},
    "11 rules": {"ApprovalRules": {"PatchRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}])["PatchRules"] * 11}},
    "5 filters": {"OperatingSystem": "WINDOWS", "ApprovalRules": _rule(_filters(5))},
    "duplicate key": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["a"]}, {"Key": "PRODUCT", "Values": ["b"]}])},
    "21 values": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": [f"p{i}" for i in range(21)]}])},
    "no values": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": []}])},
    "65-char value": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["x" * 65]}])},
    "361 days": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}], ApproveAfterDays=361)},
    "negative days": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}], ApproveAfterDays=-1)},
    "days and date": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}], ApproveAfterDays=1,
                                             ApproveUntilDate="2024-01-01")},
    "neither days nor date": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}], no_delay=True)},
    "bad date": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}], ApproveUntilDate="2024-13-01")},
    "date format": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["*"]}], ApproveUntilDate="01/02/2024")},
    "ubuntu with delay": {"OperatingSystem": "UBUNTU", "ApprovalRules": _rule([{"Key": "PRIORITY", "Values": ["Required"]}])},
    "debian with date": {"OperatingSystem": "DEBIAN", "ApprovalRules": _rule([{"Key": "PRIORITY", "Values": ["Required"]}],
                                                                             ApproveUntilDate="2024-01-01")},
    "key not for ubuntu": {"OperatingSystem": "UBUNTU",
                           "ApprovalRules": _rule([{"Key": "SEVERITY", "Values": ["Critical"]}], no_delay=True)},
    "key not for windows": {"OperatingSystem": "WINDOWS", "ApprovalRules": _rule([{"Key": "SEVERITY", "Values": ["Critical"]}])},
    "DescribeAvailablePatches-only key in a linux rule": {"ApprovalRules": _rule([{"Key": "NAME", "Values": ["kernel"]}])},
    "unknown key": {"ApprovalRules": _rule([{"Key": "COLOUR", "Values": ["red"]}])},
    "All instead of *": {"ApprovalRules": _rule([{"Key": "PRODUCT", "Values": ["All"]}])},
    "bad PATCH_SET": {"OperatingSystem": "WINDOWS", "ApprovalRules": _rule([{"Key": "PATCH_SET", "Values": ["DRIVERS"]}])},
    "51 approved patches": {"ApprovedPatches": [f"pkg{i}" for i in range(51)]},
    "101-char rejected patch": {"RejectedPatches": ["x" * 101]},
    "bad rejected action": {"RejectedPatchesAction": "DENY"},
    "bad compliance level": {"ApprovedPatchesComplianceLevel": "SEVERE"},
    "5 global filters": {"OperatingSystem": "WINDOWS", "GlobalFilters": {"PatchFilters": _filters(5)}},
    "All in global filter": {"GlobalFilters": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["All"]}]}},
    "sources on windows": {"OperatingSystem": "WINDOWS",
                           "Sources": [{"Name": "repo", "Products": ["x"], "Configuration": "c"}]},
    "21 sources": {"Sources": [{"Name": f"repo{i}", "Products": ["x"], "Configuration": "c"} for i in range(21)]},
    "bad source name": {"Sources": [{"Name": "r!", "Products": ["x"], "Configuration": "c"}]},
    "security status on linux": {"AvailableSecurityUpdatesComplianceStatus": "COMPLIANT"},
    "bad operating system": {"OperatingSystem": "BEOS"},
    "description too long": {"Description": "d" * 1025},
}


@pytest.mark.parametrize("overrides", INVALID_CREATES.values(), ids=INVALID_CREATES.keys())
def test_create_rejects_what_aws_rejects(raw_ssm, overrides):
    params = {"Name": "rejected-baseline", "OperatingSystem": "AMAZON_LINUX_2", **overrides}
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.create_patch_baseline(**params)
    assert error_code(excinfo) == "ValidationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert raw_ssm.describe_patch_baselines(
        Filters=[{"Key": "NAME_PREFIX", "Values": ["rejected-baseline"]}])["BaselineIdentities"] == []


def test_global_filters_take_the_keys_aws_documents_for_the_system(ssm):
    baseline_id = create_al2(ssm, GlobalFilters={"PatchFilters": [{"Key": "SEVERITY", "Values": ["Critical"]},
                                                                   {"Key": "CLASSIFICATION", "Values": ["Security"]}]})
    assert len(ssm.get_patch_baseline(BaselineId=baseline_id)["GlobalFilters"]["PatchFilters"]) == 2
    # NAME and ARCH are documented as DescribeAvailablePatches filters only, never for a baseline
    # (data/patch_filter_keys.json).
    with pytest.raises(ClientError) as excinfo:
        create_al2(ssm, Name="by-name", GlobalFilters={"PatchFilters": [{"Key": "NAME", "Values": ["kernel*"]}]})
    assert error_code(excinfo) == "ValidationException"


def test_custom_baseline_quota_is_50_per_region(sandbox, account, ssm):
    for index in range(50):
        ssm.create_patch_baseline(Name=f"baseline-{index}")
    with pytest.raises(ClientError) as excinfo:
        ssm.create_patch_baseline(Name="one-too-many")
    assert error_code(excinfo) == "ResourceLimitExceededException"
    # The quota is per region.
    account_client(sandbox, account, region="eu-west-1").create_patch_baseline(Name="elsewhere")


def test_get_errors(raw_ssm):
    ssm = raw_ssm
    with pytest.raises(ClientError) as excinfo:
        ssm.get_patch_baseline(BaselineId="pb-0123456789abcdef0")
    assert error_code(excinfo) == "DoesNotExistException"
    assert "pb-0123456789abcdef0" in excinfo.value.response["Error"]["Message"]
    # AWS-owned baselines are reachable by ARN only.
    with pytest.raises(ClientError) as excinfo:
        ssm.get_patch_baseline(BaselineId=AL2_DEFAULT_ARN.rsplit("/", 1)[1])
    assert error_code(excinfo) == "DoesNotExistException"
    for malformed in ("not-a-baseline-id-at-all", "pb-0123!56789abcdef0", "x" * 129):
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.get_patch_baseline(BaselineId=malformed)
        assert error_code(excinfo) == "ValidationException", malformed


def test_own_baseline_by_arn(ssm, account):
    baseline_id = create_al2(ssm)
    arn = f"arn:aws:ssm:us-east-1:{account}:patchbaseline/{baseline_id}"
    assert ssm.get_patch_baseline(BaselineId=arn)["BaselineId"] == baseline_id


# ------------------------------------------------------------------------------------------------
# Update


def test_update_leaves_unsent_fields_and_returns_the_full_baseline(ssm):
    baseline_id = create_al2(ssm, ApprovedPatches=["kernel*"], RejectedPatches=["telnet"])
    before = ssm.get_patch_baseline(BaselineId=baseline_id)
    updated = ssm.update_patch_baseline(BaselineId=baseline_id, Name="renamed", RejectedPatches=[])
    assert updated["Name"] == "renamed"
    assert updated["RejectedPatches"] == []  # an empty list clears
    assert updated["ApprovedPatches"] == ["kernel*"]  # not sent: unchanged
    assert updated["ApprovalRules"] == before["ApprovalRules"]
    assert updated["Description"] == before["Description"]
    assert updated["OperatingSystem"] == "AMAZON_LINUX_2"
    assert updated["CreatedDate"] == before["CreatedDate"]
    assert updated["ModifiedDate"] >= before["ModifiedDate"]
    assert ssm.get_patch_baseline(BaselineId=baseline_id)["Name"] == "renamed"


def test_update_with_replace_nulls_unsent_fields(ssm, sandbox, account):
    raw_ssm = account_client(sandbox, account, parameter_validation=False)
    baseline_id = create_al2(ssm, ApprovedPatches=["kernel*"], ApprovedPatchesComplianceLevel="HIGH")
    updated = ssm.update_patch_baseline(BaselineId=baseline_id, Name="replaced", Replace=True)
    assert updated["Name"] == "replaced"
    assert updated["ApprovedPatches"] == []
    assert updated["ApprovalRules"] == {"PatchRules": []}
    assert updated["ApprovedPatchesComplianceLevel"] == "UNSPECIFIED"
    assert "Description" not in updated
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.update_patch_baseline(BaselineId=baseline_id, Replace=True, Description="no name")
    assert error_code(excinfo) == "ValidationException"


def test_update_validates_against_the_baseline_os_and_errors(ssm, sandbox, account):
    raw_ssm = account_client(sandbox, account, parameter_validation=False)
    baseline_id = create_al2(ssm)
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.update_patch_baseline(
            BaselineId=baseline_id, ApprovalRules=_rule([{"Key": "MSRC_SEVERITY", "Values": ["Critical"]}])
        )
    assert error_code(excinfo) == "ValidationException"
    # A rejected update changes nothing.
    assert ssm.get_patch_baseline(BaselineId=baseline_id)["ApprovalRules"]["PatchRules"][0]["ComplianceLevel"] == "CRITICAL"
    with pytest.raises(ClientError) as excinfo:
        ssm.update_patch_baseline(BaselineId="pb-0123456789abcdef0", Name="nope")
    assert error_code(excinfo) == "DoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        ssm.update_patch_baseline(BaselineId=AL2_DEFAULT_ARN, Name="mine-now")
    assert error_code(excinfo) == "AccessDeniedException"
    assert ssm.get_patch_baseline(BaselineId=AL2_DEFAULT_ARN)["Name"] == "AWS-AmazonLinux2DefaultPatchBaseline"


# ------------------------------------------------------------------------------------------------
# Delete


def test_delete_missing_baseline_is_does_not_exist_not_500(ssm):
    """moto answers 500 here."""
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_patch_baseline(BaselineId="pb-0123456789abcdef0")
    assert error_code(excinfo) == "DoesNotExistException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_delete_refuses_baselines_in_use(ssm):
    baseline_id = create_al2(ssm)
    ssm.register_default_patch_baseline(BaselineId=baseline_id)
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_patch_baseline(BaselineId=baseline_id)
    assert error_code(excinfo) == "ResourceInUseException"
    ssm.register_default_patch_baseline(BaselineId=AL2_DEFAULT_ARN)

    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup="App")
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_patch_baseline(BaselineId=baseline_id)
    assert error_code(excinfo) == "ResourceInUseException"
    ssm.deregister_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup="App")

    assert ssm.delete_patch_baseline(BaselineId=baseline_id)["BaselineId"] == baseline_id
    with pytest.raises(ClientError) as excinfo:
        ssm.get_patch_baseline(BaselineId=baseline_id)
    assert error_code(excinfo) == "DoesNotExistException"


def test_aws_owned_baselines_cannot_be_deleted(shared_ssm):
    ssm = shared_ssm
    os_only = next(b for b in ssm.describe_patch_baselines(
        Filters=[{"Key": "NAME_PREFIX", "Values": ["AWS-WindowsPredefinedPatchBaseline-OS"]}])["BaselineIdentities"])
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_patch_baseline(BaselineId=os_only["BaselineId"])
    assert error_code(excinfo) == "AccessDeniedException"


# ------------------------------------------------------------------------------------------------
# Describe


def _names(response):
    return [identity["BaselineName"] for identity in response["BaselineIdentities"]]


def test_name_prefix_is_a_prefix_not_an_exact_match(ssm):
    """moto treats NAME_PREFIX as an exact name."""
    create_al2(ssm, name="App-baseline-1")
    create_al2(ssm, name="App-baseline-2")
    create_al2(ssm, name="Web-baseline")
    found = ssm.describe_patch_baselines(Filters=[{"Key": "NAME_PREFIX", "Values": ["App-"]}])
    assert sorted(_names(found)) == ["App-baseline-1", "App-baseline-2"]
    aws_al = ssm.describe_patch_baselines(Filters=[{"Key": "NAME_PREFIX", "Values": ["AWS-AmazonLinux"]}])
    assert len(_names(aws_al)) == 4


def test_owner_filter_separates_aws_and_own_baselines(ssm):
    """moto ignores OWNER."""
    create_al2(ssm, name="mine")
    own = ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["Self"]}])
    assert _names(own) == ["mine"]
    aws = ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["AWS"]}])["BaselineIdentities"]
    assert len(aws) == len(operating_systems()) + 2
    assert all(identity["BaselineId"].startswith("arn:aws:ssm:us-east-1:") for identity in aws)


def test_filters_combine(ssm):
    create_al2(ssm, name="AWS-lookalike")
    found = ssm.describe_patch_baselines(Filters=[
        {"Key": "OWNER", "Values": ["AWS"]},
        {"Key": "OPERATING_SYSTEM", "Values": ["AMAZON_LINUX_2"]},
        {"Key": "NAME_PREFIX", "Values": ["AWS-"]},
    ])
    assert _names(found) == ["AWS-AmazonLinux2DefaultPatchBaseline"]


def test_describe_filter_errors(raw_ssm):
    for filters in ([{"Key": "COLOUR", "Values": ["x"]}], [{"Key": "OWNER", "Values": ["Someone"]}],
                    [{"Key": "OPERATING_SYSTEM", "Values": ["BEOS"]}]):
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.describe_patch_baselines(Filters=filters)
        assert error_code(excinfo) == "ValidationException", filters


def test_describe_pagination(ssm, raw_ssm):
    for index in range(8):
        ssm.create_patch_baseline(Name=f"paged-{index}")
    total = len(operating_systems()) + 2 + 8
    pages = list(ssm.get_paginator("describe_patch_baselines").paginate(PaginationConfig={"PageSize": 7}))
    sizes = [len(page["BaselineIdentities"]) for page in pages]
    assert sizes == [7] * (total // 7) + ([total % 7] if total % 7 else [])
    ids = [identity["BaselineId"] for page in pages for identity in page["BaselineIdentities"]]
    assert len(set(ids)) == total
    assert "NextToken" not in pages[-1]

    first = ssm.describe_patch_baselines(MaxResults=5)
    second = ssm.describe_patch_baselines(MaxResults=5, NextToken=first["NextToken"])
    assert _names(second)[0] == _names(ssm.describe_patch_baselines(MaxResults=6))[5]
    for bad in (0, 101):
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.describe_patch_baselines(MaxResults=bad)
        assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_patch_baselines(NextToken="garbage")
    assert error_code(excinfo) == "InvalidNextToken"
    # A token only works with the filters it was issued for.
    filtered = ssm.describe_patch_baselines(MaxResults=1, Filters=[{"Key": "OWNER", "Values": ["Self"]}])
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_patch_baselines(NextToken=filtered["NextToken"])
    assert error_code(excinfo) == "InvalidNextToken"


# ------------------------------------------------------------------------------------------------
# AWS-owned baselines and defaults


def test_every_operating_system_has_an_aws_default_baseline(ssm):
    """moto lists no AWS-owned baselines and has no default baselines."""
    aws = ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["AWS"]}])["BaselineIdentities"]
    defaults = {identity["OperatingSystem"]: identity for identity in aws if identity["DefaultBaseline"]}
    assert set(defaults) == set(operating_systems())
    for operating_system, identity in defaults.items():
        assert ssm.get_default_patch_baseline(OperatingSystem=operating_system)["BaselineId"] == identity["BaselineId"]
        assert identity["BaselineName"].startswith("AWS-")
    assert defaults["WINDOWS"]["BaselineName"] == "AWS-DefaultPatchBaseline"
    assert defaults["WINDOWS"]["BaselineId"] == WINDOWS_DEFAULT_ARN
    assert defaults["AMAZON_LINUX_2"]["BaselineId"] == AL2_DEFAULT_ARN
    windows = sorted(identity["BaselineName"] for identity in aws if identity["OperatingSystem"] == "WINDOWS")
    assert windows == ["AWS-DefaultPatchBaseline", "AWS-WindowsPredefinedPatchBaseline-OS",
                       "AWS-WindowsPredefinedPatchBaseline-OS-Applications"]
    # GetDefaultPatchBaseline without an OS answers for Windows.
    assert ssm.get_default_patch_baseline()["BaselineId"] == WINDOWS_DEFAULT_ARN


def test_amazon_linux_2_default_baseline_rules(shared_ssm):
    ssm = shared_ssm
    baseline = ssm.get_patch_baseline(BaselineId=AL2_DEFAULT_ARN)
    assert baseline["Name"] == "AWS-AmazonLinux2DefaultPatchBaseline"
    assert baseline["Description"] == "Baseline containing all Security and Bugfix updates approved for Amazon Linux 2 instances"
    security, bugfix = baseline["ApprovalRules"]["PatchRules"]
    assert {f["Key"]: f["Values"] for f in security["PatchFilterGroup"]["PatchFilters"]} == {
        "PRODUCT": ["*"], "CLASSIFICATION": ["Security"], "SEVERITY": ["Critical", "Important"]}
    assert {f["Key"]: f["Values"] for f in bugfix["PatchFilterGroup"]["PatchFilters"]} == {
        "PRODUCT": ["*"], "CLASSIFICATION": ["Bugfix"]}
    assert security["ApproveAfterDays"] == bugfix["ApproveAfterDays"] == 7
    assert baseline["ApprovedPatchesComplianceLevel"] == "UNSPECIFIED"


def test_aws_owned_baselines_are_all_unspecified_compliance(shared_ssm):
    ssm = shared_ssm
    for identity in ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["AWS"]}])["BaselineIdentities"]:
        baseline = ssm.get_patch_baseline(BaselineId=identity["BaselineId"])
        assert baseline["ApprovedPatchesComplianceLevel"] == "UNSPECIFIED"
        assert baseline["ApprovalRules"]["PatchRules"], identity["BaselineName"]
        assert {rule["ComplianceLevel"] for rule in baseline["ApprovalRules"]["PatchRules"]} == {"UNSPECIFIED"}


def test_aws_owned_baselines_are_per_region(sandbox):
    ssm = sandbox.client("ssm", region="eu-west-1")
    default = ssm.get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["BaselineId"]
    assert default.startswith("arn:aws:ssm:eu-west-1:")
    assert ssm.get_patch_baseline(BaselineId=default)["Name"] == "AWS-AmazonLinux2DefaultPatchBaseline"
    with pytest.raises(ClientError) as excinfo:
        ssm.get_patch_baseline(BaselineId=AL2_DEFAULT_ARN)
    assert error_code(excinfo) == "DoesNotExistException"


def test_register_default_and_restore_the_aws_default(ssm, account):
    baseline_id = create_al2(ssm)
    assert ssm.register_default_patch_baseline(BaselineId=baseline_id)["BaselineId"] == baseline_id
    assert ssm.get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == baseline_id
    flags = {identity["BaselineId"]: identity["DefaultBaseline"] for identity in ssm.describe_patch_baselines(
        Filters=[{"Key": "OPERATING_SYSTEM", "Values": ["AMAZON_LINUX_2"]}])["BaselineIdentities"]}
    assert flags == {AL2_DEFAULT_ARN: False, baseline_id: True}
    # Other operating systems keep their default.
    assert ssm.get_default_patch_baseline(OperatingSystem="WINDOWS")["BaselineId"] == WINDOWS_DEFAULT_ARN

    ssm.register_default_patch_baseline(BaselineId=AL2_DEFAULT_ARN)
    assert ssm.get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == AL2_DEFAULT_ARN
    # Registering by ARN of one's own baseline works too.
    ssm.register_default_patch_baseline(BaselineId=f"arn:aws:ssm:us-east-1:{account}:patchbaseline/{baseline_id}")
    assert ssm.get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == baseline_id


def test_register_default_errors(raw_ssm):
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.register_default_patch_baseline(BaselineId="pb-0123456789abcdef0")
    assert error_code(excinfo) == "DoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.register_default_patch_baseline(BaselineId="short")
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.get_default_patch_baseline(OperatingSystem="BEOS")
    assert error_code(excinfo) == "ValidationException"


def test_reset_restores_the_aws_defaults(sandbox):
    ssm = sandbox.client("ssm")
    ssm.register_default_patch_baseline(BaselineId=create_al2(ssm))
    sandbox.reset()
    assert ssm.get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["BaselineId"] == AL2_DEFAULT_ARN
    assert ssm.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"] == []


# ------------------------------------------------------------------------------------------------
# Tags


def test_patch_baseline_tags(ssm):
    """moto rejects every PatchBaseline tag call."""
    baseline_id = create_al2(ssm, Tags=[{"Key": "Env", "Value": "dev"}])
    tags = lambda: {t["Key"]: t["Value"] for t in ssm.list_tags_for_resource(  # noqa: E731
        ResourceType="PatchBaseline", ResourceId=baseline_id)["TagList"]}
    assert tags() == {"Env": "dev"}
    ssm.add_tags_to_resource(ResourceType="PatchBaseline", ResourceId=baseline_id,
                             Tags=[{"Key": "Env", "Value": "prod"}, {"Key": "Team", "Value": "ops"}])
    assert tags() == {"Env": "prod", "Team": "ops"}
    ssm.remove_tags_from_resource(ResourceType="PatchBaseline", ResourceId=baseline_id, TagKeys=["Env"])
    assert tags() == {"Team": "ops"}


def test_tag_errors(ssm, raw_ssm):
    baseline_id = create_al2(ssm)
    with pytest.raises(ClientError) as excinfo:
        ssm.add_tags_to_resource(ResourceType="PatchBaseline", ResourceId="pb-0123456789abcdef0",
                                 Tags=[{"Key": "a", "Value": "b"}])
    assert error_code(excinfo) == "InvalidResourceId"
    with pytest.raises(ClientError) as excinfo:
        ssm.list_tags_for_resource(ResourceType="PatchBaseline", ResourceId=AL2_DEFAULT_ARN)
    assert error_code(excinfo) == "InvalidResourceId"

    ssm.add_tags_to_resource(ResourceType="PatchBaseline", ResourceId=baseline_id,
                             Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as excinfo:
        ssm.add_tags_to_resource(ResourceType="PatchBaseline", ResourceId=baseline_id,
                                 Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_code(excinfo) == "TooManyTagsError"
    # Overwriting an existing key does not count as a new tag.
    ssm.add_tags_to_resource(ResourceType="PatchBaseline", ResourceId=baseline_id, Tags=[{"Key": "k0", "Value": "w"}])

    for tag in ({"Key": "k" * 129, "Value": "v"}, {"Key": "k", "Value": "v" * 257}, {"Key": "bad#key", "Value": "v"},
                {"Key": "", "Value": "v"}):
        with pytest.raises(ClientError) as excinfo:
            raw_ssm.add_tags_to_resource(ResourceType="PatchBaseline", ResourceId=baseline_id, Tags=[tag])
        assert error_code(excinfo) == "ValidationException", tag
    with pytest.raises(ClientError) as excinfo:
        raw_ssm.create_patch_baseline(Name="too-many-tags", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert error_code(excinfo) == "TooManyTagsError"


def test_tags_go_with_a_deleted_baseline(ssm):
    baseline_id = create_al2(ssm, Tags=[{"Key": "Env", "Value": "dev"}])
    ssm.delete_patch_baseline(BaselineId=baseline_id)
    with pytest.raises(ClientError) as excinfo:
        ssm.list_tags_for_resource(ResourceType="PatchBaseline", ResourceId=baseline_id)
    assert error_code(excinfo) == "InvalidResourceId"


def test_unknown_managed_instance_and_other_resource_types(ssm):
    with pytest.raises(ClientError) as excinfo:
        ssm.add_tags_to_resource(ResourceType="ManagedInstance", ResourceId="mi-0123456789abcdef0",
                                 Tags=[{"Key": "a", "Value": "b"}])
    assert error_code(excinfo) == "InvalidResourceId"
    # moto's own behaviour stays for the other resource types.
    ssm.put_parameter(Name="/app/p", Value="v", Type="String")
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/app/p", Tags=[{"Key": "a", "Value": "b"}])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/p")["TagList"] == [
        {"Key": "a", "Value": "b"}]
    with pytest.raises(ClientError) as excinfo:
        ssm.list_tags_for_resource(ResourceType="MaintenanceWindow", ResourceId="mw-0123456789abcdef0")
    assert error_code(excinfo) == "InvalidResourceId"
