"""The EC2, S3, SNS and Resource Groups calls, against a fake client: batches, pages, retries and "missing"."""

import io
import time

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils import ec2_calls
from ansible_collections.cloudpatch.ssm.plugins.module_utils import resource_groups_calls
from ansible_collections.cloudpatch.ssm.plugins.module_utils import s3_calls
from ansible_collections.cloudpatch.ssm.plugins.module_utils import sns_calls

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file
from fake_aws import client_error  # pylint: disable=import-error


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


def test_instances_are_tagged_1000_a_call():
    ids = [f"i-{index:017x}" for index in range(2001)]
    client = FakeClient(create_tags=[{}] * 3, delete_tags=[{}] * 3)
    ec2_calls.tag_instances(client, ids, {"Patch Group": "App"})
    ec2_calls.untag_instances(client, ids[:1000], ["PatchGroup"])
    assert [len(kwargs["Resources"]) for kwargs in client.called("create_tags")] == [1000, 1000, 1]
    assert client.called("create_tags")[0]["Tags"] == [{"Key": "Patch Group", "Value": "App"}]
    assert client.called("delete_tags") == [{"Resources": ids[:1000], "Tags": [{"Key": "PatchGroup"}]}]


def test_no_instance_is_no_tagging_call():
    client = FakeClient(create_tags=[])
    ec2_calls.tag_instances(client, [], {"Patch Group": "App"})
    assert client.calls == []


def test_name_tags_come_a_page_at_a_time():
    client = FakeClient(describe_tags=[{"Tags": [{"ResourceId": "i-1", "Value": "web1"}], "NextToken": "t"}, {"Tags": []}])
    assert ec2_calls.describe_name_tags_page(client) == ({"i-1": "web1"}, "t")
    assert ec2_calls.describe_name_tags_page(client, next_token="t", resource_id="i-1") == ({}, None)
    first, second = client.called("describe_tags")
    assert first["MaxResults"] == 1000 and "NextToken" not in first
    assert second["NextToken"] == "t" and {"Name": "resource-id", "Values": ["i-1"]} in second["Filters"]


def test_a_resource_group_that_does_not_exist_is_none():
    client = FakeClient(list_group_resources=[client_error("NotFoundException")])
    assert resource_groups_calls.list_group_node_arns(client, "nobody") is None


def test_a_resource_group_s_pages_are_each_retried_alone(slept):
    arn = "arn:aws:ec2:us-east-1:123456789012:instance/i-{0}"
    client = FakeClient(list_group_resources=[
        {"Resources": [{"Identifier": {"ResourceArn": arn.format(1)}}], "NextToken": "t1"},
        client_error("TooManyRequestsException"),
        {"Resources": [{"Identifier": {"ResourceArn": arn.format(2)}}]},
    ])
    assert resource_groups_calls.list_group_node_arns(client, "app") == [arn.format(1), arn.format(2)]
    assert [kwargs.get("NextToken") for kwargs in client.called("list_group_resources")] == [None, "t1", "t1"]
    assert len(slept) == 1


def test_a_denied_resource_group_listing_fails_at_once():
    client = FakeClient(list_group_resources=[client_error("AccessDeniedException")])
    with pytest.raises(AnsibleAWSError, match="Failed to list resource group members"):
        resource_groups_calls.list_group_node_arns(client, "app")
    assert len(client.calls) == 1


def test_a_put_is_rewound_at_each_attempt(slept):
    body = io.BytesIO(b"report")
    seen = []

    class Bucket(FakeClient):
        def put_object(self, Body, **kwargs):
            seen.append(Body.read())
            if len(seen) == 1:
                raise client_error("SlowDown")
            return {"ETag": '"x"', "ResponseMetadata": {}}

    assert s3_calls.put_report_object(Bucket(), body, Bucket="reports", Key="fleet.csv") == {"ETag": '"x"'}
    assert seen == [b"report", b"report"] and len(slept) == 1


def test_a_missing_bucket_is_an_error_not_a_silent_pass():
    client = FakeClient(put_object=[client_error("NoSuchBucket")])
    with pytest.raises(s3_calls.AnsibleReportS3Error, match="Failed to put report object"):
        s3_calls.put_report_object(client, io.BytesIO(b"r"), Bucket="gone", Key="k")


def test_a_notification_returns_its_message_id():
    client = FakeClient(publish=[{"MessageId": "m-1"}, client_error("NotFound")])
    assert sns_calls.publish_notification(client, "arn:aws:sns:us-east-1:123456789012:r", "subject", "{}") == "m-1"
    with pytest.raises(sns_calls.AnsibleNotificationError, match="Failed to publish report notification"):
        sns_calls.publish_notification(client, "arn:aws:sns:us-east-1:123456789012:gone", "subject", "{}")
