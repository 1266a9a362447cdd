"""ssm_compliance_export's names: the report's file name, its path and its S3 key; the SNS topic's checks."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import dest_path
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import file_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import selection
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import sns_topic_arn_error


@pytest.mark.parametrize("fmt, name", [("csv", "fleet.csv"), ("json", "fleet.json"), ("html", "fleet.html")])
def test_the_file_is_named_after_the_report_and_its_format(fmt, name):
    assert file_name({"report_name": "fleet", "format": fmt}) == name


def test_a_directory_dest_takes_the_file_name(tmp_path):
    assert dest_path({"report_name": "fleet", "format": "csv", "dest": str(tmp_path)}) == str(tmp_path / "fleet.csv")
    assert dest_path({"report_name": "fleet", "format": "csv", "dest": str(tmp_path / "x.csv")}) == str(tmp_path / "x.csv")


@pytest.mark.parametrize("arn", ["arn:aws:sns:us-east-1:123456789012:reports", "arn:aws:sns:eu-west-1:123456789012:reports.fifo",
                                 "arn:aws:sns:us-east-1:123456789012:" + "t" * 256])
def test_topic_arns_sns_takes(arn):
    assert sns_topic_arn_error(arn) is None


@pytest.mark.parametrize("arn, expected", [
    ("reports", "sns_topic_arn must be an SNS topic ARN"),
    ("arn:aws:sns:us-east-1:123456789012:reports\n", "sns_topic_arn must be an SNS topic ARN"),
    ("arn:aws:sns:us-east-1:123456789012:" + "t" * 257, "sns_topic_arn must be an SNS topic ARN"),
    ("arn:aws:sns:us-nowhere-1:123456789012:reports", "sns_topic_arn's region 'us-nowhere-1' is not an AWS region"),
])
def test_topic_arns_it_refuses(arn, expected):
    assert sns_topic_arn_error(arn).startswith(expected)


def test_the_selection_is_the_three_node_filters():
    assert selection({"instance_ids": ["i-1"], "patch_groups": None, "tags": {"Env": "prod"}, "dest": "/tmp"}) == {
        "instance_ids": ["i-1"], "patch_groups": None, "tags": {"Env": "prod"}}
