"""resource_tags.ensure_tags: tags and purge_tags on any tagged SSM resource, the calls it makes and its prediction."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.resource_tags import ensure_tags

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file

WINDOW = ("MaintenanceWindow", "mw-0123456789abcdef0")
CURRENT = {"Ring": "prod", "Owner": "ops", "aws:cloudformation:stack-name": "patching"}


def tagging_client():
    return FakeClient(add_tags_to_resource=[{}], remove_tags_from_resource=[{}])


def test_none_leaves_the_tags_and_calls_nothing():
    client = tagging_client()
    assert ensure_tags(client, *WINDOW, CURRENT, None, True, False) == (False, CURRENT)
    assert client.calls == []


def test_purge_removes_what_is_not_named_but_never_an_aws_key_then_adds():
    client = tagging_client()
    changed, after = ensure_tags(client, *WINDOW, CURRENT, {"Ring": "dev", "Team": "a"}, True, False)
    assert changed and after == {"Ring": "dev", "Team": "a", "aws:cloudformation:stack-name": "patching"}
    assert [call[0] for call in client.calls] == ["remove_tags_from_resource", "add_tags_to_resource"]
    assert client.called("remove_tags_from_resource") == [{"ResourceType": "MaintenanceWindow", "ResourceId": WINDOW[1], "TagKeys": ["Owner"]}]
    assert sorted(tag["Key"] for tag in client.called("add_tags_to_resource")[0]["Tags"]) == ["Ring", "Team"]


def test_without_purge_only_adds_and_changes():
    client = tagging_client()
    changed, after = ensure_tags(client, "Association", "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e", CURRENT, {"Ring": "dev"}, False, False)
    assert changed and after == dict(CURRENT, Ring="dev")
    assert [call[0] for call in client.calls] == ["add_tags_to_resource"]


@pytest.mark.parametrize("tags, purge", [({"Ring": "prod", "Owner": "ops"}, True), ({"Ring": "prod"}, False)])
def test_tags_already_there_are_no_change_and_no_call(tags, purge):
    client = tagging_client()
    assert ensure_tags(client, "PatchBaseline", "pb-0123456789abcdef0", CURRENT, tags, purge, False) == (False, CURRENT)
    assert client.calls == []


def test_check_mode_predicts_the_same_tags_and_calls_nothing():
    client = tagging_client()
    live = ensure_tags(tagging_client(), *WINDOW, CURRENT, {"Team": "a"}, True, False)
    assert ensure_tags(client, *WINDOW, CURRENT, {"Team": "a"}, True, True) == live == (
        True, {"Team": "a", "aws:cloudformation:stack-name": "patching"})
    assert client.calls == []
