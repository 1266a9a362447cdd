# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Input checks shared by every module, as AWS checks the same values.

Each check takes the option's path as the user wrote it (``output_s3_bucket``,
``approval_rules[1].patch_filters``) and returns an error message naming that path, or None.
Nothing here calls AWS: the facts come from the installed botocore (its service models and
partition data) and from the S3 User Guide's bucket naming rules.
"""

import functools
import re

try:
    import botocore.session
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore


def full_match(pattern, value):
    """True when the whole of `value` matches: ``$`` would let a trailing newline through."""
    if isinstance(pattern, str):
        pattern = re.compile(pattern)
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def anchored(pattern):
    r"""A botocore ``^...$`` pattern compiled to match the whole string (``\A...\Z``)."""
    return re.compile(r"\A(?:" + pattern.lstrip("^").rstrip("$") + r")\Z")


@functools.lru_cache(maxsize=1)
def _botocore_session():
    # One session for every model and endpoint read: each new session parses botocore's JSON again
    # (about 0.1 s for the SSM model).
    return botocore.session.get_session()


def ssm_service_model():
    """botocore's SSM service model, read once per process."""
    return _service_model("ssm")


@functools.lru_cache(maxsize=None)
def _service_model(service_name):
    return _botocore_session().get_service_model(service_name)


def ssm_shape_pattern(shape_name):
    """The compiled pattern of an SSM API string shape (MaxConcurrency, MaxErrors...), from the service model.

    Only for shapes whose pattern Python's re understands (no ``\\p{..}`` classes).
    """
    return anchored(ssm_service_model().shape_for(shape_name).metadata["pattern"])


@functools.lru_cache(maxsize=1)
def known_regions():
    """Every region of every partition in botocore's partition data, which its endpoint rules resolve against.

    partitions.json is a few kilobytes; the legacy endpoints.json that get_available_regions reads is
    parsed in about 50 ms, on every module run. A partition's pseudo-regions for its global endpoints
    (aws-global...) do not match the partition's regionRegex and are left out.
    """
    regions = set()
    for partition in _botocore_session().get_component("data_loader").load_data("partitions")["partitions"]:
        pattern = re.compile(partition["regionRegex"])
        regions.update(name for name in partition["regions"] if pattern.search(name))
    return frozenset(regions)


def region_error(option, value):
    if value is None:
        return None
    if value not in known_regions():
        return f"{option} must be an AWS region such as us-east-1, got {value!r}"
    return None


# S3 User Guide, "General purpose bucket naming rules".
BUCKET_CHARACTERS = re.compile(r"\A[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
IP_ADDRESS = re.compile(r"\A\d{1,3}(\.\d{1,3}){3}\Z")
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_error(option, value):
    """S3's rules for a general purpose bucket name, or None when `value` follows them."""
    if value is None:
        return None
    problem = None
    if not full_match(BUCKET_CHARACTERS, value):
        problem = "3 to 63 characters of a-z, 0-9, '.' and '-', beginning and ending with a letter or digit"
    elif ".." in value:
        problem = "without two adjacent periods"
    elif IP_ADDRESS.match(value):
        problem = "not formatted as an IP address"
    elif value.startswith(RESERVED_BUCKET_PREFIXES):
        problem = f"not beginning with {', '.join(RESERVED_BUCKET_PREFIXES)}"
    elif value.endswith(RESERVED_BUCKET_SUFFIXES):
        problem = f"not ending with {', '.join(RESERVED_BUCKET_SUFFIXES)}"
    if problem:
        return f"{option} must be an S3 bucket name ({problem}), got {value!r}"
    return None


def int_range_error(option, value, minimum, maximum, unit=""):
    if value is None:
        return None
    if not minimum <= value <= maximum:
        suffix = f" {unit}" if unit else ""
        return f"{option} must be {minimum}-{maximum}{suffix}, got {value}"
    return None


def blank(value):
    """True for a value that means nothing: an empty or whitespace-only string, an empty list or dict."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set)):
        return len(value) == 0
    return False


def blank_errors(params, options):
    """One error per given option whose value means nothing (never "everything")."""
    return [
        f"{option} is empty: name at least one value, or leave the option out"
        for option in options
        if params.get(option) is not None and blank(params[option])
    ]
