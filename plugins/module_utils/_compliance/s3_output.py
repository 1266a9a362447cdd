# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A report's S3 side, the export's and the merge's: the PutObject of a finished local file (with the
SHA-256 S3 checks), the message of a failed put, and the reading of the history's summary records.

Both modules take the same options for it (s3_bucket, s3_prefix, server_side_encryption, kms_key_id,
expected_bucket_owner), so these read them from the task's parameters.
"""

import base64

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import s3_key
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import read_local_records
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import read_s3_records
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import CONTENT_TYPES
from ansible_collections.cloudpatch.ssm.plugins.module_utils.s3_calls import get_history_record
from ansible_collections.cloudpatch.ssm.plugins.module_utils.s3_calls import list_history_keys
from ansible_collections.cloudpatch.ssm.plugins.module_utils.s3_calls import put_report_object


def put_to_s3(s3, params, path, sha256, key=None, content_type=None):
    """One PutObject of the local file `path` into s3_bucket (at the export's s3_key unless `key` is given)."""
    kwargs = {
        "Bucket": params["s3_bucket"],
        "Key": key or s3_key(params),
        "ContentType": content_type or CONTENT_TYPES[params["format"]],
        "ServerSideEncryption": params["server_side_encryption"],
        # S3 recomputes it and refuses the object (BadDigest) if a byte differs: all of the report or nothing.
        "ChecksumSHA256": base64.b64encode(sha256.digest()).decode(),
    }
    if params["kms_key_id"]:
        kwargs["SSEKMSKeyId"] = params["kms_key_id"]
    if params["expected_bucket_owner"]:
        kwargs["ExpectedBucketOwner"] = params["expected_bucket_owner"]
    with open(path, "rb") as body:
        return put_report_object(s3, body, **kwargs)


def error_code(error):
    response = getattr(error.exception, "response", None) or {}
    return response.get("Error", {}).get("Code")


def put_error_message(params, error, region):
    """The failed put, naming the option that is wrong when S3 says which."""
    code = error_code(error)
    if code == "NoSuchBucket":
        return f"s3_bucket {params['s3_bucket']} does not exist (asked from {region}): {error.message}"
    if code and code.startswith("KMS."):
        return f"kms_key_id {params['kms_key_id']} cannot encrypt the report in {region}: {error.message}"
    return error.message


def read_history(s3, params, names, region, warn=None):
    """The previous runs' summary records, newest first: at most names["runs"] - 1 of them, read from S3
    (one ListObjectsV2 of names["records_s3_prefix"], one GetObject a record) when the task writes to S3,
    else from names["records_directory"]."""
    limit = names["runs"] - 1
    if params["s3_bucket"]:
        owner = params["expected_bucket_owner"]
        try:
            return read_s3_records(
                lambda bucket, prefix, max_keys: list_history_keys(s3, bucket, prefix, max_keys, owner),
                lambda bucket, key, max_bytes: get_history_record(s3, bucket, key, max_bytes, owner),
                params["s3_bucket"], names["records_s3_prefix"], limit, warn)
        except AnsibleAWSError as e:
            e.message = f"history: reading the previous runs from s3_bucket {params['s3_bucket']} failed: {put_error_message(params, e, region)}"
            raise
    return read_local_records(names["records_directory"], limit, warn)
