# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ssm_compliance_merge's options: their checks, and the account-regions `expected` names.

Plain functions of the task's parameters; validate() looks at the disk (dest, parts_dir) but changes
nothing, and nothing here calls AWS.
"""

import datetime
import os
import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import dest_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import file_option_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import s3_output_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_settings
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import summaries_prefix
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import validate_report_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import bucket_name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import known_regions

# patch_fleet's default host name, {account_id}-{region}: 111122223333-eu-west-1.
ACCOUNT_REGION = re.compile(r"\A(\d{12})-([a-z0-9-]+)\Z")
ACCOUNT_ID = re.compile(r"\A\d{12}\Z")
FORMATS = ("csv", "json", "html")
EXTENSIONS = {"csv": "csv", "json": "json", "html": "html"}
NOT_BLANK = ("parts_dir", "parts_s3_bucket", "parts_s3_prefix", "expected_bucket_owner", "dest", "expected", "formats",
             "s3_bucket", "s3_prefix", "kms_key_id", "not_before")
MAX_PART_AGE_HOURS = 24 * 366
# Object keys: at most 1,024 bytes (UTF-8).
MAX_KEY_BYTES = 1024


def expected_entry(index, entry):
    """((account id, region), None) of one `expected` entry, or (None, the error naming expected[index])."""
    where = f"expected[{index}]"
    if isinstance(entry, str):
        match = ACCOUNT_REGION.fullmatch(entry)
        if not match:
            return None, (f"{where} must be ACCOUNT_ID-REGION (patch_fleet's host name, 111122223333-us-east-1) or a dict of account_id "
                          f"and region, got {entry!r}")
        account_id, region = match.groups()
    elif isinstance(entry, dict):
        account_id, region = entry.get("account_id"), entry.get("region")
        if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id):
            return None, f"{where}.account_id must be a 12-digit account id (a string), got {account_id!r}"
        if not isinstance(region, str):
            return None, f"{where}.region must be an AWS region such as us-east-1, got {region!r}"
    else:
        return None, f"{where} must be ACCOUNT_ID-REGION or a dict of account_id and region, got {entry!r}"
    if region not in known_regions():
        return None, f"{where}'s region {region!r} is not an AWS region"
    return (account_id, region), None


def expected_pairs(expected):
    """(the account-regions in the order given, errors): every entry checked, repeats refused."""
    pairs, errors, seen = [], [], {}
    for index, entry in enumerate(expected or []):
        pair, error = expected_entry(index, entry)
        if error:
            errors.append(error)
        elif pair in seen:
            errors.append(f"expected[{index}] repeats {pair[0]}-{pair[1]} (expected[{seen[pair]}])")
        else:
            seen[pair] = index
            pairs.append(pair)
    return pairs, errors


def s3_base(prefix):
    """parts_s3_prefix as the keys begin: no leading '/', one trailing '/' (or nothing for the bucket's root)."""
    prefix = (prefix or "").lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix


def dest_directory(params):
    """The local directory of the reports, or None when they go to S3 only."""
    return os.path.abspath(params["dest"]) if params.get("dest") else None


def report_key(params, fmt):
    """The report's object key in s3_bucket: ``<s3_prefix><report_name>.<ext>``, as the export names its report."""
    return s3_base(params.get("s3_prefix")) + f"{params['report_name']}.{EXTENSIONS[fmt]}"


def file_names(params):
    return [f"{params['report_name']}.{EXTENSIONS[fmt]}" for fmt in params["formats"]]


def validate_arguments(params):
    """Errors the argument spec cannot express, naming the option; nothing here looks at the disk or AWS."""
    errors = blank_errors(params, NOT_BLANK)
    given = dict((key, value) for key, value in params.items() if value is not None and not (key in NOT_BLANK and blank(value)))
    error = validate_report_name(params["report_name"])
    if error:
        errors.append(error)
    if "expected" in given:
        errors.extend(expected_pairs(given["expected"])[1])
    if "formats" in given and len(set(given["formats"])) != len(given["formats"]):
        errors.append(f"formats repeats a format: {', '.join(given['formats'])}")
    error = bucket_name_error("parts_s3_bucket", given.get("parts_s3_bucket"))
    if error:
        errors.append(error)
    if "parts_s3_prefix" in given and len(s3_base(given["parts_s3_prefix"]).encode("utf-8")) >= MAX_KEY_BYTES:
        errors.append(f"parts_s3_prefix is too long: an object key is at most {MAX_KEY_BYTES} bytes")
    if "expected_bucket_owner" in given and not params.get("parts_s3_bucket") and not params.get("s3_bucket"):
        errors.append("expected_bucket_owner is the account that must own parts_s3_bucket and s3_bucket: it needs one of them")
    # s3_bucket, s3_prefix, kms_key_id, expected_bucket_owner and the file options without dest: the export's own checks.
    errors.extend(s3_output_errors(params, given, file_names(params) if "formats" in given else []))
    percent = params.get("max_missing_percent")
    if percent is not None and not 0 <= percent <= 100:
        errors.append(f"max_missing_percent must be 0 to 100, got {percent}")
    hours = params.get("max_part_age_hours")
    if hours is not None and not 1 <= hours <= MAX_PART_AGE_HOURS:
        errors.append(f"max_part_age_hours must be 1 to {MAX_PART_AGE_HOURS}, got {hours}")
    if "not_before" in given and not_before_time(given["not_before"]) is None:
        errors.append(f"not_before must be a date and time with its zone, such as 2026-12-01T15:40:00Z (ISO 8601), got {given['not_before']!r}")
    errors.extend(history_errors(params.get("history")))
    return errors


def not_before_time(value):
    """not_before as an aware UTC datetime, or None when it is not an ISO 8601 date and time with a zone."""
    text = value.strip()
    text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    # A time without a zone would be read in whichever zone the controller is in.
    if parsed.tzinfo is None or "T" not in text.upper():
        return None
    return parsed.astimezone(datetime.timezone.utc)


def validate(params):
    """validate_arguments, then what stops the parts from being read or the reports from being written."""
    errors = validate_arguments(params)
    if errors:
        return errors
    if params.get("parts_dir") is not None:
        if not os.path.isdir(params["parts_dir"]):
            errors.append(f"parts_dir {params['parts_dir']} is not a directory")
        elif not os.access(params["parts_dir"], os.R_OK | os.X_OK):
            errors.append(f"parts_dir {params['parts_dir']} is not readable")
    if params.get("dest") is None:
        return errors
    errors.extend(file_option_errors(params))
    directory = params["dest"].rstrip("/") + "/"
    if os.path.lexists(params["dest"].rstrip("/") or "/") and not os.path.isdir(params["dest"]):
        errors.append(f"dest {params['dest']} is not a directory: the organization's reports go into a directory")
    else:
        for name in file_names(params):
            errors.extend(dest_errors(directory, name))
    if not errors and history_settings(params):
        errors.extend(local_history_errors(params))
    return errors


def local_history_errors(params):
    """A part of the history's directories that exists and is not a directory stops the merge before it writes."""
    settings = history_settings(params)
    base = dest_directory(params)
    for relative in (settings["prefix"], summaries_prefix(settings["prefix"], params["report_name"]).rstrip("/")):
        path = base
        for part in relative.split("/"):
            path = os.path.join(path, part)
            if os.path.lexists(path) and not os.path.isdir(path):
                return [f"history.prefix {settings['prefix']!r}: {path} exists and is not a directory, so the history cannot be kept under it"]
    return []
