# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ssm_compliance_export's options: their checks (alone and across options), and the names they give.

Plain functions of the task's parameters; validate() looks at the disk (dest and its directory)
but changes nothing, and nothing here calls AWS.
"""

import os
import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import REPORTING_DAYS_MAX
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import is_node_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import validate_selection
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import dest_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.fleet import READ_CONCURRENCY_MAX
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import file_option_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import resolve_dest
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import dated_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_settings
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import record_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import summaries_prefix
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import EXTENSIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import validate_report_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import bucket_name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import int_range_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import known_regions

ACCOUNT_ID = re.compile(r"\A\d{12}\Z")
# SNS topic names: 1-256 characters of letters, digits, '-' and '_'; a FIFO topic's ends in ".fifo".
SNS_TOPIC_ARN = re.compile(r"\Aarn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]+(?:\.fifo)?)\Z")
MAX_TOPIC_NAME = 256
# KMS KeyId forms (AWS KMS API reference, "KeyId"): key id, multi-Region key id, key ARN, alias name, alias ARN.
KMS_KEY_ID = re.compile(
    r"\A(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"
    r"|alias/[A-Za-z0-9/_-]{1,250}"
    r"|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
    r"|alias/[A-Za-z0-9/_-]{1,250}))\Z"
)
# Object keys: at most 1,024 bytes (UTF-8).
MAX_KEY_BYTES = 1024
# Options that mean nothing when blank (an empty string, list or dict is an error, never "all").
NOT_BLANK = ("instance_id", "instance_ids", "patch_groups", "tags", "s3_bucket", "s3_prefix", "kms_key_id",
             "expected_bucket_owner", "dest", "sns_topic_arn")
FILE_OPTIONS = ("mode", "owner", "group")


def sns_topic_arn_error(value):
    match = SNS_TOPIC_ARN.fullmatch(value)
    if not match or len(match.group(4)) > MAX_TOPIC_NAME:
        return f"sns_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got {value!r}"
    if match.group(2) not in known_regions():
        return f"sns_topic_arn's region {match.group(2)!r} is not an AWS region"
    return None


def validate_arguments(params):
    """Errors the argument spec cannot express, naming the option; nothing here looks at the disk or AWS."""
    errors = blank_errors(params, NOT_BLANK)
    given = dict((key, value) for key, value in params.items() if value is not None and not (key in NOT_BLANK and blank(value)))
    error = validate_report_name(params["report_name"])
    if error:
        errors.append(error)
    if "instance_id" in given and not is_node_id(given["instance_id"]):
        errors.append(f"instance_id must be an i- or mi- node id, got {given['instance_id']!r}")
    if "instance_id" in given and params.get("format") == "jsonl":
        errors.append("format=jsonl writes an account-region's part of an organization report (all nodes): it takes no instance_id")
    errors.extend(validate_selection(given.get("instance_ids"), given.get("patch_groups"), given.get("tags")))
    errors.extend(history_errors(params.get("history")))
    errors.extend(s3_output_errors(params, given, [file_name(params)]))
    if "sns_topic_arn" in given:
        error = sns_topic_arn_error(given["sns_topic_arn"])
        if error:
            errors.append(error)
    for error in (int_range_error("reporting_days", params["reporting_days"], 1, REPORTING_DAYS_MAX, "days"),
                  int_range_error("read_concurrency", params.get("read_concurrency"), 1, READ_CONCURRENCY_MAX)):
        if error:
            errors.append(error)
    return errors


def s3_output_errors(params, given, file_names):
    """The checks of a report's S3 and local output options, the export's and the merge's (same names, same rules):
    s3_bucket, s3_prefix (every key a run puts fits S3's 1,024 bytes: `file_names` are the reports' names under
    s3_prefix, and the history's keys), kms_key_id, expected_bucket_owner, and the file options that need dest.
    `given` holds the options set and not blank."""
    errors = []
    error = bucket_name_error("s3_bucket", given.get("s3_bucket"))
    if error:
        errors.append(error)
    if "s3_bucket" in given and not errors and file_names and validate_report_name(params["report_name"]) is None:
        if max(len((s3_base(params) + name).encode("utf-8")) for name in file_names) > MAX_KEY_BYTES:
            errors.append(f"s3_prefix is too long: the object key would exceed {MAX_KEY_BYTES} bytes")
        elif history_settings(params) and not history_errors(params.get("history")):
            settings = history_settings(params)
            # The longest key a run keeps: its summary record (``<inverted>-<YYYYMMDDTHHMMSSZ>.json``, 32 characters), or a dated copy.
            longest = max(len(s3_base(params) + summaries_prefix(settings["prefix"], params["report_name"])) + 32,
                          max(len(s3_base(params) + settings["prefix"]) + len("/YYYY/MM/DD/-HHMMSS.") + len(name) for name in file_names))
            if longest > MAX_KEY_BYTES:
                errors.append(f"s3_prefix and history.prefix are too long: the history's object keys would exceed {MAX_KEY_BYTES} bytes")
    if "kms_key_id" in given:
        if params["server_side_encryption"] != "aws:kms":
            errors.append("kms_key_id needs server_side_encryption=aws:kms")
        if not full_match(KMS_KEY_ID, given["kms_key_id"]):
            errors.append(f"kms_key_id must be a KMS key id, key ARN, alias/NAME or alias ARN, got {given['kms_key_id']!r}")
    if "expected_bucket_owner" in given and not full_match(ACCOUNT_ID, given["expected_bucket_owner"]):
        errors.append(f"expected_bucket_owner must be a 12-digit account id, got {given['expected_bucket_owner']!r}")
    without_dest = [option for option in FILE_OPTIONS if params.get(option) is not None]
    if without_dest and "dest" not in given:
        errors.append(f"{', '.join(without_dest)} apply to the local report: they need dest")
    return errors


def validate(params):
    """validate_arguments, then what stops the local file from being written (the disk is looked at, not changed)."""
    errors = validate_arguments(params)
    if params["dest"] is not None and not blank(params["dest"]):
        errors.extend(file_option_errors(params))
        if validate_report_name(params["report_name"]) is None:
            errors.extend(dest_errors(params["dest"], file_name(params)))
            if not errors and history_settings(params):
                errors.extend(local_history_errors(params))
    return errors


def local_history_errors(params):
    """A part of the local history's directories that exists and is not a directory stops the export before it writes."""
    settings = history_settings(params)
    base = os.path.dirname(dest_path(params))
    for relative in (settings["prefix"], summaries_prefix(settings["prefix"], params["report_name"]).rstrip("/")):
        path = base
        for part in relative.split("/"):
            path = os.path.join(path, part)
            if os.path.lexists(path) and not os.path.isdir(path):
                return [f"history.prefix {settings['prefix']!r}: {path} exists and is not a directory, so the local history cannot be kept under it"]
    return []


def file_name(params):
    return f"{params['report_name']}.{EXTENSIONS[params['format']]}"


def dest_path(params):
    return resolve_dest(params["dest"], file_name(params))[0]


def s3_base(params):
    """s3_prefix as the keys begin: no leading '/', one trailing '/' (or nothing)."""
    prefix = (params["s3_prefix"] or "").lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix


def s3_key(params):
    return s3_base(params) + file_name(params)


def history_names(params, now):
    """Where this run's history goes, {runs, prefix, report_s3_key, record_s3_key, report_file, record_file} (those that
    apply), or None when the task keeps no history; plus where the previous records are read from."""
    settings = history_settings(params)
    if settings is None:
        return None
    prefix, name = settings["prefix"], params["report_name"]
    names = {"runs": settings["runs"], "prefix": prefix}
    dated = dated_name(prefix, name, EXTENSIONS[params["format"]], now)
    record = record_name(prefix, name, now)
    if params["s3_bucket"]:
        names.update(report_s3_key=s3_base(params) + dated, record_s3_key=s3_base(params) + record,
                     records_s3_prefix=s3_base(params) + summaries_prefix(prefix, name))
    if params["dest"]:
        base = os.path.dirname(dest_path(params))
        names.update(report_file=os.path.join(base, *dated.split("/")), record_file=os.path.join(base, *record.split("/")),
                     records_directory=os.path.join(base, *summaries_prefix(prefix, name).rstrip("/").split("/")))
    return names


def selection(params):
    """The node filters of an all-node report (a single-node report has instance_id instead)."""
    return {"instance_ids": params.get("instance_ids"), "patch_groups": params.get("patch_groups"), "tags": params.get("tags")}
