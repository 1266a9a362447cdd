"""Finding baselines by name, id or ARN, against a fake client: names shared, names of nothing, AWS's default."""

import sys
from pathlib import Path

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.lookup import aws_default_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.lookup import find_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.lookup import owned_by_aws
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.lookup import resolve_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fake_aws import FakeClient  # noqa: E402 pylint: disable=import-error,wrong-import-position
from fake_aws import client_error  # noqa: E402 pylint: disable=import-error,wrong-import-position

ARN = "arn:aws:ssm:us-east-1:111111111111:patchbaseline/pb-0aaaaaaaaaaaaaaaa"


def identities(*pairs):
    return {"BaselineIdentities": [{"BaselineId": baseline_id, "BaselineName": name} for baseline_id, name in pairs]}


def definition(baseline_id, name="web"):
    return {"BaselineId": baseline_id, "Name": name, "OperatingSystem": "AMAZON_LINUX_2"}


def test_a_name_is_matched_exactly_among_the_prefix_matches():
    client = FakeClient(describe_patch_baselines=[identities(("pb-1", "web-old"), ("pb-2", "web"))],
                        get_patch_baseline=[definition("pb-2")])
    assert find_baseline(client, "us-east-1", name="web")["BaselineId"] == "pb-2"
    assert client.called("describe_patch_baselines")[0]["Filters"] == [{"Key": "NAME_PREFIX", "Values": ["web"]}]
    assert client.called("get_patch_baseline") == [{"BaselineId": "pb-2"}]


def test_a_name_of_nothing_is_none_and_an_id_decides_alone():
    client = FakeClient(describe_patch_baselines=[identities(("pb-1", "web-old"))],
                        get_patch_baseline=[client_error("DoesNotExistException")])
    assert find_baseline(client, "us-east-1", name="web") is None
    assert find_baseline(client, "us-east-1", name="web", baseline_id="pb-9") is None
    assert len(client.called("describe_patch_baselines")) == 1


def test_a_shared_name_is_an_error_listing_the_ids_and_the_option_that_chooses():
    client = FakeClient(describe_patch_baselines=[identities(("pb-2", "web"), ("pb-1", "web"))] * 2)
    with pytest.raises(ParameterError, match=r"\Aname: 2 baselines in eu-west-1 are named web \(pb-1, pb-2\); "
                                             r"set baseline_id to one of these ids to choose one\Z"):
        find_baseline(client, "eu-west-1", name="web")
    with pytest.raises(ParameterError, match=r"\Abaseline: 2 baselines in eu-west-1 are named web .*set baseline to one"):
        resolve_baseline(client, "web", "eu-west-1")


def test_resolve_names_what_is_not_there_with_the_region():
    client = FakeClient(get_patch_baseline=[client_error("DoesNotExistException")], describe_patch_baselines=[identities()])
    with pytest.raises(ParameterError, match=r"\Abaseline: baseline pb-0123456789abcdef0 does not exist in eu-west-1\Z"):
        resolve_baseline(client, "pb-0123456789abcdef0", "eu-west-1")
    with pytest.raises(ParameterError, match=r"\Abaseline: no baseline is named web in eu-west-1\Z"):
        resolve_baseline(client, "web", "eu-west-1")


def test_resolve_takes_an_arn_a_pb_id_or_a_name():
    client = FakeClient(get_patch_baseline=[definition(ARN, "AWS-AmazonLinux2DefaultPatchBaseline"), definition("pb-1"), definition("pb-2")],
                        describe_patch_baselines=[identities(("pb-2", "web"))])
    assert resolve_baseline(client, ARN, "us-east-1")["BaselineId"] == ARN
    assert resolve_baseline(client, "pb-1", "us-east-1")["BaselineId"] == "pb-1"
    assert resolve_baseline(client, "web", "us-east-1")["BaselineId"] == "pb-2"


def test_the_aws_default_is_the_one_predefined_baseline_named_default():
    client = FakeClient(describe_patch_baselines=[identities((ARN, "AWS-DefaultPatchBaseline"), ("arn:2", "AWS-WindowsPredefinedPatchBaseline-OS"))])
    assert aws_default_baseline_id(client, "us-east-1", "WINDOWS") == ARN
    assert client.called("describe_patch_baselines")[0]["Filters"] == [
        {"Key": "OWNER", "Values": ["AWS"]}, {"Key": "OPERATING_SYSTEM", "Values": ["WINDOWS"]}]


@pytest.mark.parametrize("names", [[], ["AWS-DefaultPatchBaseline", "AWS-DefaultPatchBaseline2"]])
def test_no_guess_when_the_default_cannot_be_told(names):
    client = FakeClient(describe_patch_baselines=[identities(*[(f"arn:{index}", name) for index, name in enumerate(names)])])
    with pytest.raises(ParameterError, match=r"\Acannot tell which AWS-owned baseline is the default for UBUNTU in us-east-1\Z"):
        aws_default_baseline_id(client, "us-east-1", "UBUNTU")


def test_owned_by_aws_is_an_arn_id():
    assert owned_by_aws(definition(ARN)) and not owned_by_aws(definition("pb-1")) and not owned_by_aws(None)
