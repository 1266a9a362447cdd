"""ssm_patch_baseline's ensure_* against a fake SSM client: what each writes, and check mode writing nothing."""

import sys
from pathlib import Path

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.checks import DEFINITION_OPTIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_baseline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "module_utils"))
from fake_aws import FakeClient  # noqa: E402 pylint: disable=import-error,wrong-import-position

SYSTEMS = ["AMAZON_LINUX_2", "WINDOWS"]
AWS_DEFAULT = "arn:aws:ssm:us-east-1:111111111111:patchbaseline/pb-0aaaaaaaaaaaaaaaa"
WRITES = ("create_patch_baseline", "update_patch_baseline", "delete_patch_baseline", "register_default_patch_baseline",
          "deregister_patch_baseline_for_patch_group", "add_tags_to_resource", "remove_tags_from_resource")


def arn_of(baseline_id):
    return f"arn:aws:ssm:us-east-1:123456789012:patchbaseline/{baseline_id}"


def task(**overrides):
    params = dict.fromkeys(DEFINITION_OPTIONS)
    params.update(name="web", baseline_id=None, state="present", operating_system=None, default_baseline=None,
                  validate_filter_values=False, purge_tags=True)
    params.update(overrides)
    return params


def current(**overrides):
    return dict({"baseline_id": "pb-0123456789abcdef0", "name": "web", "operating_system": "AMAZON_LINUX_2", "description": "old",
                 "tags": {"Env": "prod"}, "default_baseline": False, "patch_groups": ["App", "Web"]}, **overrides)


def writes(client):
    return [name for name, _kwargs in client.calls if name in WRITES]


def test_check_mode_predicts_a_create_and_writes_nothing():
    client = FakeClient()
    changed, after = ssm_patch_baseline.ensure_present(client, None, task(operating_system="AMAZON_LINUX_2", tags={"Env": "prod"}),
                                                       {"description": "new"}, True, "us-east-1", arn_of, SYSTEMS)
    assert changed is True and client.calls == []
    assert (after["baseline_id"], after["name"], after["owner"], after["description"], after["tags"]) == (None, "web", "Self", "new", {"Env": "prod"})


def test_check_mode_predicts_an_update_of_fields_and_tags_and_writes_nothing():
    client = FakeClient()
    changed, after = ssm_patch_baseline.ensure_present(client, current(), task(tags={"Team": "a"}), {"description": "new"},
                                                       True, "us-east-1", arn_of, SYSTEMS)
    assert changed is True and client.calls == []
    assert after["description"] == "new" and after["tags"] == {"Team": "a"}


def test_an_update_sends_only_what_differs_then_reads_the_baseline_back():
    after_update = {"BaselineId": "pb-0123456789abcdef0", "Name": "web", "OperatingSystem": "AMAZON_LINUX_2", "Description": "new"}
    client = FakeClient(update_patch_baseline=[{}], remove_tags_from_resource=[{}], get_patch_baseline=[after_update],
                        get_default_patch_baseline=[{"BaselineId": AWS_DEFAULT}], list_tags_for_resource=[{"TagList": []}])
    changed, after = ssm_patch_baseline.ensure_present(client, current(), task(tags={}), {"description": "new"},
                                                       False, "us-east-1", arn_of, SYSTEMS)
    assert changed is True and after["description"] == "new" and after["arn"] == arn_of("pb-0123456789abcdef0")
    assert client.called("update_patch_baseline") == [{"BaselineId": "pb-0123456789abcdef0", "Description": "new"}]
    assert client.called("remove_tags_from_resource")[0]["TagKeys"] == ["Env"]


def test_nothing_to_change_is_no_call_at_all():
    client = FakeClient()
    assert ssm_patch_baseline.ensure_present(client, current(), task(tags={"Env": "prod"}), {"description": "old"},
                                             False, "us-east-1", arn_of, SYSTEMS) == (False, current())
    assert client.calls == []


def test_a_delete_deregisters_the_groups_first_and_check_mode_writes_nothing():
    client = FakeClient(deregister_patch_baseline_for_patch_group=[{}, {}], delete_patch_baseline=[{}])
    assert ssm_patch_baseline.ensure_absent(client, current(), True, "us-east-1") == (True, {})
    assert client.calls == []
    assert ssm_patch_baseline.ensure_absent(client, current(), False, "us-east-1") == (True, {})
    assert writes(client) == ["deregister_patch_baseline_for_patch_group", "deregister_patch_baseline_for_patch_group", "delete_patch_baseline"]
    assert ssm_patch_baseline.ensure_absent(FakeClient(), None, False, "us-east-1") == (False, {})


def test_the_aws_default_cannot_stop_being_the_default_by_itself():
    owned = current(baseline_id=AWS_DEFAULT, name="AWS-AmazonLinux2DefaultPatchBaseline", default_baseline=True, tags={})
    client = FakeClient(describe_patch_baselines=[{"BaselineIdentities": [{"BaselineId": AWS_DEFAULT, "BaselineName": owned["name"]}]}])
    with pytest.raises(ParameterError, match=r"\Adefault_baseline: AWS-AmazonLinux2DefaultPatchBaseline is the AWS default of "
                                             r"AMAZON_LINUX_2 in us-east-1; to stop it being the default, make another baseline the default\Z"):
        ssm_patch_baseline.ensure_aws_owned(client, owned, task(name=None, baseline_id=AWS_DEFAULT, default_baseline=False), False, "us-east-1")
    assert writes(client) == []


def test_an_aws_owned_baseline_becomes_the_default_and_nothing_else():
    owned = current(baseline_id=AWS_DEFAULT, name="AWS-AmazonLinux2DefaultPatchBaseline", tags={})
    client = FakeClient(register_default_patch_baseline=[{"BaselineId": AWS_DEFAULT}])
    changed, after = ssm_patch_baseline.ensure_aws_owned(client, owned, task(name=None, baseline_id=AWS_DEFAULT, default_baseline=True),
                                                         False, "us-east-1")
    assert changed is True and after["default_baseline"] is True
    assert client.called("register_default_patch_baseline") == [{"BaselineId": AWS_DEFAULT}]
    with pytest.raises(ParameterError, match="description: AWS-AmazonLinux2DefaultPatchBaseline"):
        ssm_patch_baseline.ensure_aws_owned(client, owned, task(name=None, description="mine"), False, "us-east-1")


def test_filter_values_are_checked_before_any_write():
    client = FakeClient(describe_patch_properties=[{"Properties": [{"Name": "Security"}, {"Name": "Bugfix"}]}])
    desired = {"approval_rules": [{"patch_filters": {"CLASSIFICATION": ["Securty"]}, "approve_after_days": 7, "approve_until_date": None,
                                   "compliance_level": "UNSPECIFIED", "enable_non_security": False}]}
    with pytest.raises(ParameterError, match=r"approval_rules\[0\].patch_filters.CLASSIFICATION: 'Securty' is not a CLASSIFICATION "
                                             r"of AMAZON_LINUX_2; did you mean Security\?"):
        ssm_patch_baseline.ensure_present(client, None, task(operating_system="AMAZON_LINUX_2", validate_filter_values=True), desired,
                                          False, "us-east-1", arn_of, SYSTEMS)
    assert writes(client) == []
