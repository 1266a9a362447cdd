# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What AWS says a patch baseline may hold: limits from botocore's SSM model, filter keys from AWS's pages.

The limits (list lengths, string lengths, patterns, ranges, enums) are read from the SSM service
model of the installed botocore when first asked for, so they follow the API as botocore ships it
and nothing here repeats a number. The filter keys each operating system accepts are in no model:
they are a table written from the AWS pages cited on each row.
"""

import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import ssm_service_model as _ssm_model


def shape_metadata(shape_name):
    """The constraints botocore's SSM model states for a shape (min, max, pattern...)."""
    return dict(_ssm_model().shape_for(shape_name).metadata)


def shape_max(shape_name):
    return shape_metadata(shape_name)["max"]


def shape_min(shape_name):
    return shape_metadata(shape_name).get("min", 0)


def shape_enum(shape_name):
    return tuple(_ssm_model().shape_for(shape_name).enum)


def shape_pattern(shape_name):
    """A shape's pattern without the ^...$ anchors, for full_match (which matches the whole string)."""
    return shape_metadata(shape_name)["pattern"].lstrip("^").rstrip("$")


def pattern_length(shape_name):
    """(min, max) of a shape: its min/max, else the {m,n} its pattern ends with (PatchSourceName has only that)."""
    metadata = shape_metadata(shape_name)
    if "min" in metadata and "max" in metadata:
        return metadata["min"], metadata["max"]
    quantifier = re.search(r"\{(\d+),(\d+)\}\$?\Z", metadata["pattern"])
    return int(quantifier.group(1)), int(quantifier.group(2))


# The shape behind each limit the module checks before calling AWS (CreatePatchBaseline's members).
LIMIT_SHAPES = {
    "approval_rules": "PatchRuleList",
    "filters": "PatchFilterList",
    "filter_values": "PatchFilterValueList",
    "filter_value_length": "PatchFilterValue",
    "patches": "PatchIdList",
    "patch_name_length": "PatchId",
    "sources": "PatchSourceList",
    "source_products": "PatchSourceProductList",
    "source_product_length": "PatchSourceProduct",
    "source_configuration_length": "PatchSourceConfiguration",
    "description_length": "BaselineDescription",
    "approve_after_days": "ApproveAfterDays",
    "client_token_length": "ClientToken",
    "tag_key_length": "TagKey",
    "tag_value_length": "TagValue",
}


def limit(name):
    """The maximum the SSM model states for one of LIMIT_SHAPES."""
    return shape_max(LIMIT_SHAPES[name])


# --------------------------------------------------------------------------------------------------
# Filter keys per operating system. AWS publishes no machine-readable list; each row cites its pages.
#
# [DPP] API reference, DescribePatchProperties ("Valid properties" per operating system), also the
#       operation's documentation in botocore's SSM model:
#       https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribePatchProperties.html
# [PF]  API reference, PatchFilter: "the available filter keys for WINDOWS are PATCH_SET, PRODUCT,
#       PRODUCT_FAMILY, CLASSIFICATION, and MSRC_SEVERITY" (also the PatchFilter shape's documentation):
#       https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PatchFilter.html
# [LR]  User Guide, "How patch baseline rules work on Linux-based systems", which groups the systems
#       DescribePatchProperties does not name with the ones it does (Amazon Linux 1, 2, 2022 and 2023;
#       AlmaLinux, RHEL and Rocky Linux; Debian Server and Raspberry Pi OS) and says that on Debian
#       Server, Raspberry Pi OS and Ubuntu Server "the patch baseline service offers filtering on the
#       Priority and Section fields":
#       https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-linux-rules.html
#
# Global filters take the same keys as approval rules: no AWS page gives a baseline's global filters
# other keys (the Linux keys NAME, ARCH, REPOSITORY, CVE_ID... are documented for the filters of
# DescribeAvailablePatches, another operation, and PATCH_ID likewise for Windows).
_RPM_KEYS = ("PRODUCT", "CLASSIFICATION", "SEVERITY")
_DEBIAN_KEYS = ("PRODUCT", "PRIORITY", "SECTION")
FILTER_KEYS = {
    "AMAZON_LINUX": _RPM_KEYS,  # [DPP]
    "AMAZON_LINUX_2": _RPM_KEYS,  # [DPP]
    "AMAZON_LINUX_2022": _RPM_KEYS,  # [LR] with Amazon Linux 2023, whose keys are [DPP]'s
    "AMAZON_LINUX_2023": _RPM_KEYS,  # [DPP]
    "CENTOS": _RPM_KEYS,  # [DPP]
    "ORACLE_LINUX": _RPM_KEYS,  # [DPP]
    "REDHAT_ENTERPRISE_LINUX": _RPM_KEYS,  # [DPP]
    "ROCKY_LINUX": _RPM_KEYS,  # [LR] with RHEL, whose keys are [DPP]'s
    "ALMA_LINUX": _RPM_KEYS,  # [LR] with RHEL, whose keys are [DPP]'s
    "SUSE": _RPM_KEYS,  # [DPP]
    "DEBIAN": _DEBIAN_KEYS,  # PRODUCT, PRIORITY [DPP]; SECTION [LR]
    "RASPBIAN": _DEBIAN_KEYS,  # [LR] with Debian Server
    "UBUNTU": _DEBIAN_KEYS,  # PRODUCT, PRIORITY [DPP]; SECTION [LR]
    "MACOS": ("PRODUCT", "CLASSIFICATION"),  # [DPP]
    "WINDOWS": ("PRODUCT", "PRODUCT_FAMILY", "CLASSIFICATION", "MSRC_SEVERITY", "PATCH_SET"),  # [DPP]; PATCH_SET [PF]
}
