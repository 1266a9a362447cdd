"""Patch group names, members, membership plans and effective baselines."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import baseline_system_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import classify_members
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import effective_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import group_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import members_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import operating_system_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import plan_membership
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import tags_after
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import validate_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import validate_group_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import validate_info_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import validate_members
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import validate_parameters

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


def test_tags_after_a_plan_move_nodes_and_drop_the_other_spelling():
    nodes = {APP1: {"PatchGroup": "App", "Name": "app1"}, APP2: {"Patch Group": "Web"}, WEB1: {"Patch Group": "App"}}
    plan = plan_membership(nodes, [APP1, APP2], "App", "Patch Group", purge=True)
    after = tags_after(nodes, plan, "App", "Patch Group")
    assert after == {APP1: {"Patch Group": "App", "Name": "app1"}, APP2: {"Patch Group": "App"}, WEB1: {}}
    assert members_of(after, "App") == [APP1, APP2]
    # The nodes' own tags are not changed: tags_after works on copies.
    assert nodes[APP1] == {"PatchGroup": "App", "Name": "app1"}


def test_tags_after_an_empty_plan_are_the_tags_before():
    nodes = {APP1: {"Patch Group": "App"}, HYBRID: {"PatchGroup": "App"}}
    assert tags_after(nodes, {"tag": [], "untag": {}}, "App", "Patch Group") == nodes
    assert members_of(nodes, "App") == sorted([APP1, HYBRID]) and members_of(nodes, "Web") == []


def task(**overrides):
    return dict({"name": "App", "baseline": None, "operating_system": None, "state": "present", "members": None,
                 "purge_members": False, "tag_key": "Patch Group"}, **overrides)


SYSTEMS = ["AMAZON_LINUX_2", "WINDOWS"]


@pytest.mark.parametrize("overrides, expected", [
    ({"state": "absent", "purge_members": True}, ["purge_members applies to state=present only"]),
    ({"state": "absent", "baseline": "web-baseline"}, ["baseline applies to state=present only; use operating_system to deregister one system"]),
    ({"operating_system": "AMAZON_LINUX_3"}, ["operating_system must be one of AMAZON_LINUX_2, WINDOWS, got 'AMAZON_LINUX_3'"]),
    ({"baseline": "ab"}, ["baseline must be a pb- id, an ARN, or a name of 3 to 128 letters, digits, '_', '-' or '.', got 'ab'"]),
    ({"name": "", "members": []}, ["name must be 1 to 256 characters, got 0",
                                   "members is empty: name at least one node, or leave members out to leave membership as it is"]),
])
def test_cross_option_checks_name_the_options(overrides, expected):
    assert validate_parameters(task(**overrides), SYSTEMS) == expected


def test_valid_tasks_pass():
    assert validate_parameters(task(baseline="pb-0123456789abcdef0", members=[APP1, {"Role": "web"}], purge_members=True), SYSTEMS) == []
    assert validate_parameters(task(state="absent", operating_system="WINDOWS", members=[APP1]), SYSTEMS) == []


@pytest.mark.parametrize("reference, valid", [
    (None, True), ("web-baseline", True), ("pb-0123456789abcdef0", True),
    ("arn:aws:ssm:us-east-1:123456789012:patchbaseline/pb-0123456789abcdef0", True),
    ("pb-1", False), ("web baseline", False), ("web-baseline\n", False),
])
def test_a_baseline_is_an_id_an_arn_or_a_name(reference, valid):
    assert (validate_baseline(reference) == []) is valid


def test_a_baseline_of_another_system_than_the_one_named_is_an_error():
    definition = {"BaselineId": "pb-0123456789abcdef0", "OperatingSystem": "WINDOWS"}
    assert baseline_system_error(task(baseline="win", operating_system="AMAZON_LINUX_2"), definition) == (
        "operating_system: baseline win is for WINDOWS, not operating_system AMAZON_LINUX_2")
    assert baseline_system_error(task(baseline="win", operating_system="WINDOWS"), definition) is None
    assert baseline_system_error(task(baseline="win"), definition) is None
    assert baseline_system_error(task(operating_system="WINDOWS"), None) is None


def test_info_names_are_group_names_and_never_empty():
    assert validate_info_parameters({"names": None}) == [] and validate_info_parameters({"names": ["App", "Web servers"]}) == []
    assert validate_info_parameters({"names": []})[0].startswith("names is empty")
    assert validate_info_parameters({"names": ["App", "bad!"]}) == ["names[1] may hold letters, numbers, spaces and _.:/=+-@; not '!'"]
