"""Patch group names, members, membership plans and effective baselines."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import classify_members
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import effective_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import group_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import operating_system_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import plan_membership
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import validate_group_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import validate_members

APP1, APP2, WEB1 = "i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2", "i-0bbbbbbbbbbbbbbb1"
HYBRID = "mi-0123456789abcdef0"


@pytest.mark.parametrize("name", ["App", "web servers", "prod/eu-west-1:web=1+2@x", "Ünïcode-grüppe", "g" * 256])
def test_group_names_the_api_accepts(name):
    assert validate_group_name(name) == []


@pytest.mark.parametrize("name", ["", "g" * 257, "App!", "a#b", "tab\there?"])
def test_group_names_the_api_rejects(name):
    assert len(validate_group_name(name)) == 1


def test_members_are_ids_names_or_tag_filters():
    assert classify_members([APP1, HYBRID, "Web1", {"Role": "web", "Env": ["prod", "test"]}]) == {
        "ec2_ids": [APP1],
        "hybrid_ids": [HYBRID],
        "names": ["Web1"],
        "tag_filters": [{"Role": ["web"], "Env": ["prod", "test"]}],
    }


def test_a_node_is_in_the_group_its_tag_names():
    assert group_of({"Patch Group": "App"}) == ("App", "Patch Group")
    assert group_of({"PatchGroup": "Web"}) == ("Web", "PatchGroup")
    assert group_of({"patch group": "App"}) == (None, None)  # tag keys are case-sensitive


def test_plan_tags_new_members_and_moves_a_node_from_another_group():
    nodes = {APP1: {"Patch Group": "App"}, APP2: {}, WEB1: {"Patch Group": "Web"}}
    plan = plan_membership(nodes, [APP1, APP2, WEB1], "App", "Patch Group", purge=False)
    assert plan == {"tag": [APP2, WEB1], "untag": {}}


def test_plan_removes_the_other_spelling_so_a_node_is_never_in_two_groups():
    nodes = {APP1: {"PatchGroup": "Legacy"}}
    plan = plan_membership(nodes, [APP1], "App", "Patch Group", purge=False)
    assert plan == {"tag": [APP1], "untag": {"PatchGroup": [APP1]}}


def test_purge_untags_only_this_groups_unlisted_members():
    nodes = {APP1: {"Patch Group": "App"}, APP2: {"PatchGroup": "App"}, WEB1: {"Patch Group": "Web"}}
    assert plan_membership(nodes, [APP1], "App", "Patch Group", purge=True) == {"tag": [], "untag": {"PatchGroup": [APP2]}}
    assert plan_membership(nodes, [APP1], "App", "Patch Group", purge=False) == {"tag": [], "untag": {}}


def test_removing_members_untags_those_in_this_group_only():
    nodes = {APP1: {"Patch Group": "App"}, WEB1: {"Patch Group": "Web"}}
    plan = plan_membership(nodes, [APP1, WEB1], "App", "Patch Group", purge=False, removing=True)
    assert plan == {"tag": [], "untag": {"Patch Group": [APP1]}}


def test_an_idempotent_run_plans_nothing():
    nodes = {APP1: {"Patch Group": "App"}, APP2: {"Patch Group": "App"}}
    assert plan_membership(nodes, [APP1, APP2], "App", "Patch Group", purge=True) == {"tag": [], "untag": {}}


def test_chunks_respect_the_api_batch_size():
    assert [len(batch) for batch in chunks(list(range(2500)), 1000)] == [1000, 1000, 500]


@pytest.mark.parametrize(
    "platform, version, expected",
    [
        ("Amazon Linux", "2", "AMAZON_LINUX_2"),
        ("Amazon Linux", "2023", "AMAZON_LINUX_2023"),
        ("Amazon Linux AMI", "2018.03", "AMAZON_LINUX"),
        ("Microsoft Windows Server 2022 Datacenter", "10.0.20348", "WINDOWS"),
        ("Ubuntu", "22.04", "UBUNTU"),
        ("Red Hat Enterprise Linux", "9.4", "REDHAT_ENTERPRISE_LINUX"),
        ("SLES", "15.5", "SUSE"),
        ("Plan 9", "4", None),
    ],
)
def test_operating_system_from_platform(platform, version, expected):
    assert operating_system_of(platform, version) == expected


def test_effective_baseline_is_the_groups_for_the_os_else_the_default():
    registrations = {"App": {"AMAZON_LINUX_2": "pb-custom"}}
    defaults = {"AMAZON_LINUX_2": "arn:al2-default", "WINDOWS": "arn:windows-default"}
    assert effective_baseline("App", "AMAZON_LINUX_2", registrations, defaults) == (
        "pb-custom", "registered for patch group App and AMAZON_LINUX_2")
    baseline, reason = effective_baseline("App", "WINDOWS", registrations, defaults)
    assert baseline == "arn:windows-default" and "patch group App has no baseline for it" in reason
    assert effective_baseline(None, "AMAZON_LINUX_2", registrations, defaults) == (
        "arn:al2-default", "default baseline for AMAZON_LINUX_2")


def test_an_id_with_a_trailing_newline_is_not_an_id():
    # Matched whole: it is looked up as a Name tag value (and matches no node) instead.
    assert classify_members([APP1 + "\n", HYBRID + "\n"])["names"] == [APP1 + "\n", HYBRID + "\n"]


@pytest.mark.parametrize("members, expected", [
    ([], "members is empty"),
    ([{}], "members[0] is an empty tag filter"),
    ([APP1, {"Role": []}], "members[1].Role needs at least one value"),
    (["  "], "members[0] must be an instance id"),
    ([{"": "web"}], "members[0] tag keys must be 1 to 128 characters"),
])
def test_members_that_mean_nothing_are_errors_never_every_node(members, expected):
    errors = validate_members(members)
    assert errors and errors[0].startswith(expected), errors


def test_members_left_out_are_no_error():
    assert validate_members(None) == []


def test_a_blank_group_name_is_refused_and_the_option_is_named():
    assert validate_group_name("   ") == ["name is blank: a patch group needs a name"]
    assert validate_group_name("App\n", "names[2]")[0].startswith("names[2] may hold letters")
