"""Secrets masked, filter values checked against DescribePatchProperties, idempotent create tokens,
and inputs matched whole as the API matches them."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import SOURCE_CONFIGURATION_CHANGED_MASK
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import SOURCE_CONFIGURATION_MASK
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import changed_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import client_token
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import desired_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import filter_value_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import masked
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import masked_diff
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import property_lookups
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_tags

SECRET = "[main]\nbaseurl=https://patcher:s3cr3t@mirror.example.com/al2"
SYSTEMS = ["WINDOWS", "AMAZON_LINUX_2", "UBUNTU", "REDHAT_ENTERPRISE_LINUX", "ROCKY_LINUX", "MACOS"]


def source(configuration=SECRET, name="mirror"):
    return {"name": name, "products": ["AmazonLinux2"], "configuration": configuration}


def test_masked_hides_every_configuration_and_keeps_the_rest():
    baseline = {"name": "b", "sources": [source(), source("other", "second")]}
    hidden = masked(baseline)
    assert [item["configuration"] for item in hidden["sources"]] == [SOURCE_CONFIGURATION_MASK] * 2
    assert [item["name"] for item in hidden["sources"]] == ["mirror", "second"]
    assert baseline["sources"][0]["configuration"] == SECRET  # the real value stays for comparison
    assert masked({}) == {} and masked(None) == {}


def test_the_diff_says_a_configuration_changed_and_nothing_else():
    before = {"sources": [source()]}
    same = masked_diff(before, {"sources": [source()]})
    changed = masked_diff(before, {"sources": [source(SECRET.replace("s3cr3t", "n3w"))]})
    new = masked_diff({}, {"sources": [source()]})
    assert same["after"]["sources"][0]["configuration"] == SOURCE_CONFIGURATION_MASK
    assert changed["before"]["sources"][0]["configuration"] == SOURCE_CONFIGURATION_MASK
    assert changed["after"]["sources"][0]["configuration"] == SOURCE_CONFIGURATION_CHANGED_MASK
    assert new["after"]["sources"][0]["configuration"] == SOURCE_CONFIGURATION_CHANGED_MASK
    assert "s3cr3t" not in repr([same, changed, new]) and "n3w" not in repr(changed)


def test_idempotency_compares_the_real_configuration():
    current = {"sources": [source()]}
    assert changed_fields(current, desired_fields({"sources": [source()]})) == {}
    assert "sources" in changed_fields(current, desired_fields({"sources": [source(SECRET + "\nenabled=1")]}))


def test_configuration_errors_never_repeat_it():
    errors = validate_fields(desired_fields({"sources": [source("x" * 1025)]}), "AMAZON_LINUX_2", SYSTEMS)
    assert errors == ["sources[0].configuration must be 1 to 1024 characters (got 1025)"]


REQUEST = {"ApprovalRules": {"PatchRules": [{"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}}]}}


def test_the_client_token_is_a_function_of_the_request():
    token = client_token("AmazonLinux2SecAndNonSecBaseline", "AMAZON_LINUX_2", REQUEST)
    assert token == client_token("AmazonLinux2SecAndNonSecBaseline", "AMAZON_LINUX_2", dict(REQUEST))
    # The name first (as much as the 64 characters leave beside the hash), then the hash.
    assert token.startswith("AmazonLinux2SecAndNonSecBaselin-") and len(token) == 64
    others = {
        client_token("AmazonLinux2SecAndNonSecBaseline", "AMAZON_LINUX_2023", REQUEST),
        client_token("AmazonLinux2SecAndNonSecBaselin2", "AMAZON_LINUX_2", REQUEST),
        client_token("AmazonLinux2SecAndNonSecBaseline", "AMAZON_LINUX_2", dict(REQUEST, Description="d")),
        client_token("AmazonLinux2SecAndNonSecBaseline", "AMAZON_LINUX_2", REQUEST, ["pb-0123456789abcdef0"]),
    }
    assert token not in others and len(others) == 4


def test_a_long_name_still_gives_a_token_within_the_apis_64_characters():
    long_name = "b" * 128
    token = client_token(long_name, "WINDOWS", {})
    assert len(token) == 64
    # Names sharing their first 31 characters differ by the hash.
    assert token != client_token("b" * 127 + "c", "WINDOWS", {})


def rule(filters):
    return {"patch_filters": filters, "approve_after_days": 0}


def desired(*rules, global_filters=None):
    params = {"approval_rules": list(rules)}
    if global_filters is not None:
        params["global_filters"] = global_filters
    return desired_fields(params)


def test_only_enumerable_keys_with_checkable_values_are_looked_up():
    wanted = desired(
        rule({"PRODUCT": "*", "CLASSIFICATION": ["Security"], "SEVERITY": "All"}),
        rule({"CLASSIFICATION": ["Bugfix"], "SEVERITY": ["Crit*"]}),
        global_filters={"NAME": ["kernel"], "CVE_ID": ["CVE-2026-0001"], "PRODUCT": ["AmazonLinux2"]},
    )
    assert property_lookups(wanted, "AMAZON_LINUX_2") == [
        ("AMAZON_LINUX_2", "CLASSIFICATION", None),
        ("AMAZON_LINUX_2", "PRODUCT", None),
    ]


def test_windows_values_are_read_for_the_groups_patch_set():
    wanted = desired(
        rule({"PRODUCT": ["WindowsServer2022"]}),
        rule({"PATCH_SET": "APPLICATION", "PRODUCT": ["Office 2016"], "PATCH_ID": ["KB5034441"]}),
    )
    assert property_lookups(wanted, "WINDOWS") == [("WINDOWS", "PRODUCT", "APPLICATION"), ("WINDOWS", "PRODUCT", "OS")]


def test_systems_the_api_reference_does_not_list_are_not_checked():
    wanted = desired(rule({"CLASSIFICATION": ["Securityy"]}))
    assert property_lookups(wanted, "ROCKY_LINUX") == []
    assert filter_value_errors(wanted, "ROCKY_LINUX", {}) == []


RHEL = {("REDHAT_ENTERPRISE_LINUX", "CLASSIFICATION", None): ["Security", "Bugfix", "Enhancement", "Recommended", "Newpackage"]}
UBUNTU = {("UBUNTU", "PRIORITY", None): ["Required", "Important", "Standard", "Optional", "Extra"]}


def test_an_unknown_value_names_the_option_path_and_the_closest_values():
    errors = filter_value_errors(desired(rule({"CLASSIFICATION": ["Security", "SecurityUpdates"]})), "REDHAT_ENTERPRISE_LINUX", RHEL)
    assert errors == [
        "approval_rules[0].patch_filters.CLASSIFICATION: 'SecurityUpdates' is not a CLASSIFICATION of REDHAT_ENTERPRISE_LINUX; "
        "did you mean Security? ('*' matches every value)"
    ]
    errors = filter_value_errors(desired(rule({"PRIORITY": "Required"}), rule({"PRIORITY": ["Requird"]})), "UBUNTU", UBUNTU)
    assert len(errors) == 1 and errors[0].startswith("approval_rules[1].patch_filters.PRIORITY: 'Requird'")
    assert "did you mean Required?" in errors[0]


def test_global_filters_are_checked_and_named_as_such():
    errors = filter_value_errors(desired(global_filters={"CLASSIFICATION": "Enhancment"}), "REDHAT_ENTERPRISE_LINUX", RHEL)
    assert len(errors) == 1 and errors[0].startswith("global_filters.CLASSIFICATION: 'Enhancment'")
    assert "did you mean Enhancement?" in errors[0]


def test_without_a_close_value_the_valid_ones_are_listed():
    errors = filter_value_errors(desired(rule({"CLASSIFICATION": ["Zzz"]})), "REDHAT_ENTERPRISE_LINUX", RHEL)
    assert errors[0].endswith("valid values: Security, Bugfix, Enhancement, Recommended, Newpackage ('*' matches every value)")


def test_star_and_wildcards_are_always_valid():
    wanted = desired(rule({"CLASSIFICATION": ["*", "Sec*"], "PRODUCT": "All"}))
    assert filter_value_errors(wanted, "REDHAT_ENTERPRISE_LINUX", RHEL) == []


@pytest.mark.parametrize("name", ["NewBaseline\n", "ab", "my baseline", "", "b" * 129])
def test_names_are_matched_whole(name):
    assert validate_name(name) != []


@pytest.mark.parametrize("baseline_id, valid", [
    ("pb-0123456789abcdef0", True),
    ("arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-0be8c61cde3be63f3", True),
    ("pb-0123456789abcdef0\n", False),
    ("pb-123", False),
    ("", False),
])
def test_baseline_ids_follow_the_apis_pattern(baseline_id, valid):
    assert (validate_baseline_id(baseline_id) == []) is valid


@pytest.mark.parametrize("given, expected", [
    ({"approval_rules": [rule({})]}, "approval_rules[0].patch_filters is empty"),
    ({"approval_rules": [rule({"PATCH_SET": "Everything"})]}, "approval_rules[0].patch_filters.PATCH_SET values must be OS or APPLICATION"),
    ({"approval_rules": [{"patch_filters": {"PRODUCT": "*"}, "approve_until_date": "2026-12-31\n"}]},
     "approval_rules[0].approve_until_date must be a date"),
    ({"sources": [source(name="mirror\n")]}, "sources[0].name must be 3 to 50"),
    ({"description": "  "}, "description must be 1 to 1024 characters"),
    ({"approved_patches": [" "]}, "approved_patches entries must be 1 to 100 characters"),
])
def test_blank_and_newline_values_are_refused(given, expected):
    operating_system = "WINDOWS" if "PATCH_SET" in repr(given) else "AMAZON_LINUX_2"
    errors = validate_fields(desired_fields(given), operating_system, SYSTEMS)
    assert any(error.startswith(expected) for error in errors), errors


def test_tags_follow_the_ssm_tag_pattern():
    assert validate_tags({"Team": "ops", "cost center": "a/b:c=d+e-f@g_h.i"}) == []
    assert validate_tags({"team#1": "x"})[0].startswith("tags keys may hold letters, numbers, spaces and")
    assert validate_tags({"team": "a;b"}) == ["tags.team may hold letters, numbers, spaces and _.:/=+-@; not ';'"]
    assert validate_tags({"team": "line\n"}) != []


class PagedProperties:
    """A client whose DescribePatchProperties answers in pages of two, recording each request."""

    def __init__(self, names):
        self.names = names
        self.requests = []

    def describe_patch_properties(self, **kwargs):
        self.requests.append(kwargs)
        start = int(kwargs.get("NextToken", 0))
        page = {"Properties": [{"Name": name} for name in self.names[start:start + 2]]}
        if start + 2 < len(self.names):
            page["NextToken"] = str(start + 2)
        return page


def test_describe_patch_properties_reads_every_page_one_call_each():
    from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_properties

    client = PagedProperties(["Security", "Bugfix", "Enhancement", "Recommended", "Newpackage"])
    assert describe_patch_properties(client, "REDHAT_ENTERPRISE_LINUX", "CLASSIFICATION") == client.names
    assert [request.get("NextToken") for request in client.requests] == [None, "2", "4"]
    assert all(request["MaxResults"] == 50 and "PatchSet" not in request for request in client.requests)
    describe_patch_properties(client, "WINDOWS", "PRODUCT", "APPLICATION")
    assert client.requests[-1]["PatchSet"] == "APPLICATION"
