# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The S3 call of cloudpatch.ssm (a report's upload), with its error handler outside and its retry inside."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class AnsibleReportS3Error(AnsibleAWSError):
    pass


class ReportS3ErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleReportS3Error

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NoSuchBucket")


# A report may be large: a few quick retries, then the error (the report is not left half-written).
@ReportS3ErrorHandler.common_error_handler("put report object")
@AWSRetry.jittered_backoff(retries=4, delay=1, max_delay=8, catch_extra_error_codes=["SlowDown"])
def put_report_object(client, fileobj, **kwargs):
    """One PutObject of a local file (rewound at each attempt); returns the answer without metadata."""
    fileobj.seek(0)
    result = client.put_object(Body=fileobj, **kwargs)
    result.pop("ResponseMetadata", None)
    return result


# A report's history: one page of the summary records' keys, and each record's body.
@ReportS3ErrorHandler.common_error_handler("list report history")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["SlowDown"])
def list_history_keys(client, bucket, prefix, max_keys, expected_bucket_owner=None):
    """One ListObjectsV2 call: at most `max_keys` keys under `prefix`, in S3's ascending key order."""
    kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": max_keys}
    if expected_bucket_owner:
        kwargs["ExpectedBucketOwner"] = expected_bucket_owner
    return [item["Key"] for item in client.list_objects_v2(**kwargs).get("Contents", [])]


@ReportS3ErrorHandler.common_error_handler("get report history record")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["SlowDown"])
def get_history_record(client, bucket, key, max_bytes, expected_bucket_owner=None):
    """One GetObject: the object's first `max_bytes` + 1 bytes (a larger object is not a summary record)."""
    kwargs = {"Bucket": bucket, "Key": key}
    if expected_bucket_owner:
        kwargs["ExpectedBucketOwner"] = expected_bucket_owner
    body = client.get_object(**kwargs)["Body"]
    try:
        return body.read(max_bytes + 1)
    finally:
        body.close()
