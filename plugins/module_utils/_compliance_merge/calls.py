# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls of an organization report: STS GetCallerIdentity (whose account a part is), and the S3 reads of
the parts (ListObjectsV2 a page a call, GetObject streamed to a local file).

One function per call, amazon.aws's error handler outside and the retry inside; a listing is read one
page a call, so a throttle on page 7 asks for page 7 again, not for the whole listing.
"""

import shutil

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# ListObjectsV2: at most 1,000 keys a page.
PAGE_SIZE = 1000
COPY_BUFFER = 64 * 1024


class AnsibleMergeError(AnsibleAWSError):
    pass


class MergeErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleMergeError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["NoSuchBucket", "NoSuchKey"])


@MergeErrorHandler.common_error_handler("get the caller's account")
@AWSRetry.jittered_backoff()
def get_caller_account(client):
    """The account the task's credentials act in (GetCallerIdentity needs no permission)."""
    return client.get_caller_identity()["Account"]


@MergeErrorHandler.common_error_handler("list the parts")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["SlowDown"])
def list_parts_page(client, bucket, prefix, continuation_token=None, expected_bucket_owner=None):
    """One ListObjectsV2 page of the keys directly under `prefix` (Delimiter '/': the history's dated
    copies below it are not parts): (keys, the next page's token or None)."""
    kwargs = {"Bucket": bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": PAGE_SIZE}
    if continuation_token:
        kwargs["ContinuationToken"] = continuation_token
    if expected_bucket_owner:
        kwargs["ExpectedBucketOwner"] = expected_bucket_owner
    answer = client.list_objects_v2(**kwargs)
    keys = [item["Key"] for item in answer.get("Contents", [])]
    return keys, answer.get("NextContinuationToken") if answer.get("IsTruncated") else None


def list_part_keys(client, bucket, prefix, expected_bucket_owner=None):
    """Every key directly under `prefix`, a page a call."""
    token = None
    while True:
        keys, token = list_parts_page(client, bucket, prefix, token, expected_bucket_owner)
        yield from keys
        if not token:
            return


@MergeErrorHandler.common_error_handler("get a part")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["SlowDown"])
def download_part(client, bucket, key, binary, expected_bucket_owner=None):
    """One GetObject, its body copied a buffer at a time into `binary` (rewound at each attempt)."""
    kwargs = {"Bucket": bucket, "Key": key}
    if expected_bucket_owner:
        kwargs["ExpectedBucketOwner"] = expected_bucket_owner
    binary.seek(0)
    binary.truncate()
    body = client.get_object(**kwargs)["Body"]
    try:
        shutil.copyfileobj(body, binary, COPY_BUFFER)
    finally:
        body.close()
