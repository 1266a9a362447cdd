"""ssm_compliance_export's writing: atomic local files, one checked S3 put, nothing left on failure."""

import hashlib
import base64

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import AnsibleSSMError
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_compliance_export as module_under_test

NODE = {"InstanceId": "i-00000000000000001", "PlatformName": "Amazon Linux", "PlatformVersion": "2", "ResourceType": "EC2Instance"}


class FakeClients:
    """Just enough SSM, EC2 and S3: two pages of nodes; the second page's patch states may fail."""

    def __init__(self, fail_on_second_page=False):
        self.fail = fail_on_second_page
        self.puts = []
        self.patch_state_calls = 0

    def describe_tags(self, **kwargs):
        return {"Tags": [{"ResourceId": NODE["InstanceId"], "Key": "Name", "Value": "App1"}]}

    def list_resource_compliance_summaries(self, **kwargs):
        return {"ResourceComplianceSummaryItems": []}

    def describe_instance_information(self, **kwargs):
        if kwargs.get("NextToken"):
            return {"InstanceInformationList": [dict(NODE, InstanceId="i-00000000000000002")]}
        return {"InstanceInformationList": [NODE], "NextToken": "page-2"}

    def get_paginator(self, name):
        assert name == "describe_instance_patch_states"
        fake = self

        class Pages:
            def paginate(self, **kwargs):
                fake.patch_state_calls += 1
                if fake.fail and fake.patch_state_calls == 2:
                    raise AnsibleSSMError(message="describe patch states failed")
                return self

            def build_full_result(self):
                return {"InstancePatchStates": []}

        return Pages()

    def put_object(self, Body, **kwargs):
        self.puts.append((Body.read(), kwargs))
        return {"ETag": '"x"'}


class FakeModule:
    def __init__(self, params, clients, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self.region = "us-east-1"
        self.clients = clients

    def client(self, service):
        return self.clients


def params(**overrides):
    base = {"report_name": "fleet", "instance_id": None, "format": "csv", "s3_bucket": None, "s3_prefix": None,
            "server_side_encryption": "AES256", "kms_key_id": None, "expected_bucket_owner": None, "dest": None,
            "sns_topic_arn": None, "reporting_days": 7}
    base.update(overrides)
    return base


def test_a_local_report_is_renamed_into_place(tmp_path):
    changed, report, dashboard = module_under_test.export(FakeModule(params(dest=str(tmp_path)), FakeClients()), params(dest=str(tmp_path)))
    assert changed and report["dest"] == str(tmp_path / "fleet.csv") and report["nodes"] == 2
    assert [path.name for path in tmp_path.iterdir()] == ["fleet.csv"]
    assert hashlib.sha256((tmp_path / "fleet.csv").read_bytes()).hexdigest() == report["sha256"]
    assert dashboard["reporting_age"]["never_reported"] == 2


def test_check_mode_writes_nothing(tmp_path):
    clients = FakeClients()
    wanted = params(dest=str(tmp_path), s3_bucket="reports")
    changed, report, _dashboard = module_under_test.export(FakeModule(wanted, clients, check_mode=True), wanted)
    assert not changed and report["s3_key"] == "fleet.csv" and report["bytes"] > 0
    assert list(tmp_path.iterdir()) == [] and clients.puts == []


def test_s3_put_carries_the_checksum_and_encryption(tmp_path):
    clients = FakeClients()
    wanted = params(s3_bucket="reports", s3_prefix="daily", server_side_encryption="aws:kms", kms_key_id="alias/r",
                    expected_bucket_owner="123456789012")
    _changed, report, _dashboard = module_under_test.export(FakeModule(wanted, clients), wanted)
    [(body, kwargs)] = clients.puts
    assert kwargs["Key"] == "daily/fleet.csv" and kwargs["ServerSideEncryption"] == "aws:kms" and kwargs["SSEKMSKeyId"] == "alias/r"
    assert kwargs["ExpectedBucketOwner"] == "123456789012" and kwargs["ContentType"] == "text/csv"
    assert kwargs["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert report["s3_url"] == "s3://reports/daily/fleet.csv"


def test_a_failure_half_way_leaves_no_partial_report(tmp_path):
    clients = FakeClients(fail_on_second_page=True)
    wanted = params(dest=str(tmp_path), s3_bucket="reports")
    with pytest.raises(AnsibleSSMError):
        module_under_test.export(FakeModule(wanted, clients), wanted)
    assert clients.patch_state_calls == 2  # the first page was written to the temporary file
    assert list(tmp_path.iterdir()) == [] and clients.puts == []


@pytest.mark.parametrize("overrides, message", [
    ({"report_name": "bad name"}, "report_name must be"),
    ({"instance_id": "web1"}, "instance_id must be"),
    ({"kms_key_id": "alias/x"}, "kms_key_id needs server_side_encryption=aws:kms"),
    ({"expected_bucket_owner": "me"}, "expected_bucket_owner must be"),
    ({"sns_topic_arn": "topic"}, "sns_topic_arn must be"),
    ({"s3_bucket": "Bad_Bucket"}, "s3_bucket must be"),
    ({"reporting_days": 0}, "reporting_days must be"),
    ({"dest": "/nonexistent/dir/x.csv"}, "dest's directory /nonexistent/dir does not exist"),
])
def test_validation_names_the_parameter(overrides, message):
    assert any(message in error for error in module_under_test.validate(params(**overrides)))
