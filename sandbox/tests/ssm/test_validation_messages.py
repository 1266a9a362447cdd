"""One place validates a request's shape: the same bad request gets the same answer as before the
handlers stopped re-checking what the service model already says.

Every case goes through the server (a client without botocore's own parameter validation), so the
answer is what SandboxApp's model validator (sandbox/wire/request_validation.py) or a handler's
semantic check says. The expected messages were recorded from the sandbox before the handlers' own
copies of the model's lengths, patterns, enums and required members were removed (valid13 branch,
first commit), and must not change.
"""

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.patch_isolation import account, account_client  # noqa: F401 (fixture)

IDS_51 = ", ".join(f"i-{n:017x}" for n in range(51))
AL2_RULE = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 7}

# (operation, request, error code, message): violations the model states, answered by the model validator.
MODEL_CASES = [
    ("create_patch_baseline", {"Name": "ab"}, "ValidationException",
     "2 validation errors detected: Value 'ab' at 'name' failed to satisfy constraint: Member must have "
     "length greater than or equal to 3; Value 'ab' at 'name' failed to satisfy constraint: Member must "
     'satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$'),
    ("create_patch_baseline",
     {"Name": "days", "OperatingSystem": "AMAZON_LINUX_2", "ApprovalRules": {"PatchRules": [
         {**AL2_RULE, "ApproveAfterDays": 361}]}}, "ValidationException",
         "1 validation error detected: Value '361' at 'approvalRules.patchRules.1.member.approveAfterDays' "
         'failed to satisfy constraint: Member must have value less than or equal to 360'),
    ("create_patch_baseline",
     {"Name": "values", "GlobalFilters": {"PatchFilters": [{"Key": "PRODUCT", "Values": []}]}},
     "ValidationException",
     "1 validation error detected: Value '[]' at 'globalFilters.patchFilters.1.member.values' failed to "
     'satisfy constraint: Member must have length greater than or equal to 1'),
    ("create_patch_baseline", {"Name": "level", "ApprovedPatchesComplianceLevel": "URGENT"},
     "ValidationException",
     "1 validation error detected: Value 'URGENT' at 'approvedPatchesComplianceLevel' failed to satisfy "
     'constraint: Member must satisfy enum value set: [CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, '
     'UNSPECIFIED]'),
    ("create_patch_baseline",
     {"Name": "source", "OperatingSystem": "AMAZON_LINUX_2",
      "Sources": [{"Name": "s!", "Products": ["AmazonLinux2"], "Configuration": "[main]"}]},
     "ValidationException",
     "1 validation error detected: Value 's!' at 'sources.1.member.name' failed to satisfy constraint: "
     'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,50}$'),
    ("create_patch_baseline", {"Name": "tags", "Tags": [{"Key": "bad!key", "Value": "v"}]},
     "ValidationException",
     "1 validation error detected: Value 'bad!key' at 'tags.1.member.key' failed to satisfy constraint: "
     'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$'),
    ("create_patch_baseline", {"Name": "token", "ClientToken": "t" * 65}, "ValidationException",
     "1 validation error detected: Value '" + 't'
     * 65 + "' at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64"),
    ("update_patch_baseline", {"BaselineId": "pb-short"}, "ValidationException",
     "2 validation errors detected: Value 'pb-short' at 'baselineId' failed to satisfy constraint: Member "
     "must have length greater than or equal to 20; Value 'pb-short' at 'baselineId' failed to satisfy "
     'constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-:/]{20,128}$'),
    ("get_patch_baseline", {}, "ValidationException",
     "1 validation error detected: Value null at 'baselineId' failed to satisfy constraint: Member must "
     'not be null'),
    ("describe_patch_baselines", {"MaxResults": 500}, "ValidationException",
     "1 validation error detected: Value '500' at 'maxResults' failed to satisfy constraint: Member must "
     'have value less than or equal to 100'),
    ("describe_patch_baselines", {"Filters": [{"Key": "", "Values": ["x"]}]}, "ValidationException",
     "1 validation error detected: Value '' at 'filters.1.member.key' failed to satisfy constraint: Member "
     'must have length greater than or equal to 1'),
    ("describe_patch_properties", {"Property": "PRODUCT"}, "ValidationException",
     "1 validation error detected: Value null at 'operatingSystem' failed to satisfy constraint: Member "
     'must not be null'),
    ("describe_patch_properties", {"OperatingSystem": "WINDOWS", "Property": "PRODUCT", "PatchSet": "BOTH"},
     "ValidationException",
     "1 validation error detected: Value 'BOTH' at 'patchSet' failed to satisfy constraint: Member must "
     'satisfy enum value set: [OS, APPLICATION]'),
    ("get_default_patch_baseline", {"OperatingSystem": "TEMPLEOS"}, "ValidationException",
     "1 validation error detected: Value 'TEMPLEOS' at 'operatingSystem' failed to satisfy constraint: "
     'Member must satisfy enum value set: [WINDOWS, AMAZON_LINUX, AMAZON_LINUX_2, AMAZON_LINUX_2022, '
     'UBUNTU, REDHAT_ENTERPRISE_LINUX, SUSE, CENTOS, ORACLE_LINUX, DEBIAN, MACOS, RASPBIAN, ROCKY_LINUX, '
     'ALMA_LINUX, AMAZON_LINUX_2023]'),
    ("register_patch_baseline_for_patch_group",
     {"BaselineId": "pb-0123456789abcdef0", "PatchGroup": ""}, "ValidationException",
     "1 validation error detected: Value '' at 'patchGroup' failed to satisfy constraint: Member must have "
     'length greater than or equal to 1'),
    ("get_patch_baseline_for_patch_group", {"PatchGroup": "bad!group"}, "ValidationException",
     "1 validation error detected: Value 'bad!group' at 'patchGroup' failed to satisfy constraint: Member "
     'must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$'),
    ("describe_instance_patch_states", {"InstanceIds": [f"i-{n:017x}" for n in range(51)]},
     "ValidationException",
     "1 validation error detected: Value '[" + IDS_51 + "]' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50"),
    ("describe_instance_patch_states", {"InstanceIds": ["node-1"]}, "ValidationException",
     "1 validation error detected: Value 'node-1' at 'instanceIds.1.member' failed to satisfy constraint: "
     'Member must satisfy regular expression pattern: (^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)'),
    ("describe_instance_patch_states_for_patch_group",
     {"PatchGroup": "App", "Filters": [{"Key": "MissingCount", "Values": ["1"], "Type": "Bigger"}]},
     "ValidationException",
     "1 validation error detected: Value 'Bigger' at 'filters.1.member.type' failed to satisfy constraint: "
     'Member must satisfy enum value set: [Equal, NotEqual, LessThan, GreaterThan]'),
    ("describe_instance_patch_states_for_patch_group",
     {"PatchGroup": "App", "Filters": [{"Key": "MissingCount", "Values": ["1", "2"], "Type": "Equal"}]},
     "ValidationException",
     "1 validation error detected: Value '[1, 2]' at 'filters.1.member.values' failed to satisfy "
     'constraint: Member must have length less than or equal to 1'),
    ("describe_instance_patches", {"InstanceId": "node-1"}, "ValidationException",
     "1 validation error detected: Value 'node-1' at 'instanceId' failed to satisfy constraint: Member "
     'must satisfy regular expression pattern: (^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)'),
    ("describe_patch_group_state", {}, "ValidationException",
     "1 validation error detected: Value null at 'patchGroup' failed to satisfy constraint: Member must "
     'not be null'),
    ("list_compliance_items", {"ResourceIds": []}, "ValidationException",
     "1 validation error detected: Value '[]' at 'resourceIds' failed to satisfy constraint: Member must "
     'have length greater than or equal to 1'),
    ("add_tags_to_resource",
     {"ResourceType": "PatchBaseline", "ResourceId": "pb-0123456789abcdef0", "Tags": [{"Key": "k", "Value": "v" * 257}]},
     "ValidationException",
     "1 validation error detected: Value '" + 'v'
     * 257 + "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal "
     'to 256'),
    ("describe_maintenance_window_tasks", {"WindowId": "mw-0123456789abcdef0", "MaxResults": 5},
     "ValidationException",
     "1 validation error detected: Value '5' at 'maxResults' failed to satisfy constraint: Member must "
     'have value greater than or equal to 10'),
    ("describe_instance_information", {"MaxResults": 51}, "ValidationException",
     "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must "
     'have value less than or equal to 50'),
]

# Checks the model cannot express, answered by the handlers.
SEMANTIC_CASES = [
    ("create_patch_baseline",
     {"Name": "ubuntu", "OperatingSystem": "UBUNTU", "ApprovalRules": {"PatchRules": [
         {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 7}]}},
     "ValidationException",
     "ApproveAfterDays and ApproveUntilDate aren't supported for operating system UBUNTU: its repositories "
     'have no reliable release dates, so patches are approved immediately.'),
    ("create_patch_baseline",
     {"Name": "both", "OperatingSystem": "AMAZON_LINUX_2", "ApprovalRules": {"PatchRules": [
         {**AL2_RULE, "ApproveUntilDate": "2025-01-01"}]}}, "ValidationException",
         'Specify either ApproveAfterDays or ApproveUntilDate in a patch rule, not both.'),
    ("create_patch_baseline",
     {"Name": "date", "OperatingSystem": "AMAZON_LINUX_2", "ApprovalRules": {"PatchRules": [
         {"PatchFilterGroup": AL2_RULE["PatchFilterGroup"], "ApproveUntilDate": "2025-13-01"}]}},
     "ValidationException",
     "ApproveUntilDate '2025-13-01' isn't a valid date: use the format YYYY-MM-DD, for example 2025-11-16."),
    ("create_patch_baseline",
     {"Name": "key", "OperatingSystem": "AMAZON_LINUX_2",
      "GlobalFilters": {"PatchFilters": [{"Key": "MSRC_SEVERITY", "Values": ["Critical"]}]}},
     "ValidationException",
     # Global filters take the rules' keys (sandbox/data/patch_filter_keys.json says where AWS writes that).
     "Patch filter key MSRC_SEVERITY isn't supported for operating system AMAZON_LINUX_2 here. Valid keys: "
     'PRODUCT, CLASSIFICATION, SEVERITY.'),
    ("get_patch_baseline", {"BaselineId": "abcdefghijklmnopqrstuvw"}, "ValidationException",
     'Invalid patch baseline id abcdefghijklmnopqrstuvw: use pb- followed by 17 hexadecimal characters, or '
     'the ARN of an AWS-owned baseline.'),
    ("get_patch_baseline", {"BaselineId": "pb-0123456789abcdef0"}, "DoesNotExistException",
     'Patch Baseline pb-0123456789abcdef0 does not exist.'),
    ("describe_patch_properties", {"OperatingSystem": "WINDOWS", "Property": "PRIORITY"},
     "ValidationException",
     'Property PRIORITY is not supported for operating system WINDOWS. Supported properties: '
     'CLASSIFICATION, MSRC_SEVERITY, PRODUCT, PRODUCT_FAMILY.'),
    ("describe_patch_baselines", {"Filters": [{"Key": "COLOR", "Values": ["x"]}]}, "ValidationException",
     'Invalid filter key COLOR: supported keys are NAME_PREFIX, OWNER, OPERATING_SYSTEM.'),
    ("describe_instance_patch_states_for_patch_group",
     {"PatchGroup": "App", "Filters": [{"Key": "MissingCount", "Values": ["-1"], "Type": "Equal"}]},
     "InvalidFilter", 'The value -1 for filter MissingCount must be an integer greater than or equal to 0.'),
    ("list_compliance_items", {}, "ValidationException",
     "1 validation error detected: Value null at 'resourceIds' failed to satisfy constraint: Member must "
     'have length greater than or equal to 1'),
]


@pytest.fixture
def raw_ssm(sandbox, account):  # noqa: F811
    return account_client(sandbox, account, parameter_validation=False)


def answer(client, operation, request):
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(**request)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.mark.parametrize("operation, request_, code, message", MODEL_CASES + SEMANTIC_CASES)
def test_same_request_same_answer(raw_ssm, operation, request_, code, message):
    got = answer(raw_ssm, operation, request_)
    assert got == (code, message)


def test_linux_filters_without_a_product_worded_by_the_one_builder(raw_ssm):
    """The one message deliberately reworded: the handler's constraint now follows "Member must", as
    every message built by sandbox.wire.request_validation.validation_error does."""
    assert answer(raw_ssm, "describe_available_patches", {"Filters": [{"Key": "CVE_ID", "Values": ["CVE-2024-1086"]}]}) == (
        "ValidationException",
        "1 validation error detected: Value null at 'filters' failed to satisfy constraint: Member must include a "
        "PRODUCT filter (for example PRODUCT=AmazonLinux2.0) with Linux patch filters",
    )
