"""ssm_patch_group's ensure_* against a fake SSM client and node directory: every read and check before any write."""

import sys
from pathlib import Path

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_group

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "module_utils"))
from fake_aws import FakeClient  # noqa: E402 pylint: disable=import-error,wrong-import-position

APP1, APP2, WEB1 = "i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2", "i-0bbbbbbbbbbbbbbb1"
OLD = {"baseline_id": "pb-0000000000000000a", "name": "old"}
NEW = {"BaselineId": "pb-0000000000000000b", "Name": "new", "OperatingSystem": "AMAZON_LINUX_2"}


class FakeDirectory:
    def __init__(self, nodes):
        self.nodes = nodes
        self.applied = []

    def resolve(self, members):
        known = [member for member in members if isinstance(member, str) and member in self.nodes]
        return dict((member, self.nodes[member]) for member in known), [member for member in members if member not in known]

    def apply(self, plan, group, tag_key):
        self.applied.append((plan, group, tag_key))


def task(**overrides):
    return dict({"name": "App", "baseline": None, "operating_system": None, "state": "present", "members": None,
                 "purge_members": False, "tag_key": "Patch Group"}, **overrides)


def group(baselines=None, nodes=None):
    return {"baselines": dict(baselines or {}), "nodes": dict(nodes or {})}


def resolving(definition):
    return FakeClient(get_patch_baseline=[definition], register_patch_baseline_for_patch_group=[{}],
                      deregister_patch_baseline_for_patch_group=[{}])


def test_check_mode_plans_the_registration_and_the_tagging_and_writes_nothing():
    ssm = resolving(NEW)
    directory = FakeDirectory({APP1: {}, WEB1: {"Patch Group": "Web"}})
    current = group({"AMAZON_LINUX_2": OLD}, {APP2: {"Patch Group": "App"}})
    changed, result = ssm_patch_group.ensure_present(ssm, directory, current, task(baseline="pb-0000000000000000b", members=[APP1, WEB1],
                                                                                   purge_members=True), True, "us-east-1")
    assert changed is True and directory.applied == []
    assert [name for name, _kwargs in ssm.calls] == ["get_patch_baseline"]
    assert result["changes"] == {"registered": {"AMAZON_LINUX_2": NEW["BaselineId"]}, "deregistered": {"AMAZON_LINUX_2": OLD["baseline_id"]},
                                 "tagged": [APP1, WEB1], "untagged": {"Patch Group": [APP2]}}
    assert result["patch_group"] == {"name": "App", "tag_key": "Patch Group", "members": [APP1, WEB1],
                                     "baselines": {"AMAZON_LINUX_2": {"baseline_id": NEW["BaselineId"], "name": "new"}}}
    # The current group is left as it was read: main() diffs against it.
    assert current["baselines"] == {"AMAZON_LINUX_2": OLD}


def test_the_writes_follow_the_plan():
    ssm = resolving(NEW)
    directory = FakeDirectory({APP1: {}})
    wanted = task(baseline="pb-0000000000000000b", members=[APP1])
    changed, _result = ssm_patch_group.ensure_present(ssm, directory, group({"AMAZON_LINUX_2": OLD}), wanted, False, "us-east-1")
    assert changed is True
    assert [name for name, _kwargs in ssm.calls] == ["get_patch_baseline", "deregister_patch_baseline_for_patch_group",
                                                     "register_patch_baseline_for_patch_group"]
    assert directory.applied == [({"tag": [APP1], "untag": {}}, "App", "Patch Group")]


def test_a_member_of_nothing_fails_before_the_baseline_is_registered():
    ssm = resolving(NEW)
    directory = FakeDirectory({})
    with pytest.raises(ParameterError, match=r"\Amembers match no node in eu-west-1: web1, \{'Role': 'x'\}\Z"):
        ssm_patch_group.ensure_present(ssm, directory, group(), task(baseline="pb-0000000000000000b", members=["web1", {"Role": "x"}]),
                                       False, "eu-west-1")
    assert [name for name, _kwargs in ssm.calls] == ["get_patch_baseline"] and directory.applied == []


def test_a_baseline_of_another_system_fails_before_any_write():
    ssm = resolving(NEW)
    with pytest.raises(ParameterError, match="operating_system: baseline pb-0000000000000000b is for AMAZON_LINUX_2, not operating_system WINDOWS"):
        ssm_patch_group.ensure_present(ssm, FakeDirectory({}), group(), task(baseline="pb-0000000000000000b", operating_system="WINDOWS"),
                                       False, "us-east-1")
    assert [name for name, _kwargs in ssm.calls] == ["get_patch_baseline"]


def test_absent_deregisters_the_system_named_and_untags_the_members_named():
    ssm = FakeClient(deregister_patch_baseline_for_patch_group=[{}])
    directory = FakeDirectory({APP1: {"Patch Group": "App"}})
    current = group({"AMAZON_LINUX_2": OLD, "WINDOWS": {"baseline_id": "pb-0000000000000000c", "name": "win"}}, {APP1: {"Patch Group": "App"}})
    changed, result = ssm_patch_group.ensure_absent(ssm, directory, current, task(state="absent", operating_system="WINDOWS", members=[APP1]),
                                                    False, "us-east-1")
    assert changed is True and result["changes"]["deregistered"] == {"WINDOWS": "pb-0000000000000000c"}
    assert result["patch_group"]["baselines"] == {"AMAZON_LINUX_2": OLD} and result["patch_group"]["members"] == []
    assert ssm.called("deregister_patch_baseline_for_patch_group") == [{"BaselineId": "pb-0000000000000000c", "PatchGroup": "App"}]


def test_an_idempotent_task_changes_nothing():
    ssm = resolving(NEW)
    directory = FakeDirectory({APP1: {"Patch Group": "App"}})
    current = group({"AMAZON_LINUX_2": {"baseline_id": NEW["BaselineId"], "name": "new"}}, {APP1: {"Patch Group": "App"}})
    changed, result = ssm_patch_group.ensure_present(ssm, directory, current, task(baseline="pb-0000000000000000b", members=[APP1]),
                                                     False, "us-east-1")
    assert changed is False and not any(result["changes"].values()) and directory.applied == []
