# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Patch groups: what the modules use, and the only module_utils file they import it from.

The pieces live in the private package ``_patch_group``: ``groups`` (names, members, the tags a node
ends with, and which baseline applies to a node; no AWS call) and ``node_directory`` (finding nodes
and moving them in and out of groups, through ec2_calls.py and ssm.py).
"""

from ._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ._patch_group.groups import baseline_system_error
from ._patch_group.groups import effective_baseline
from ._patch_group.groups import group_of
from ._patch_group.groups import members_of
from ._patch_group.groups import operating_system_of
from ._patch_group.groups import plan_membership
from ._patch_group.groups import tags_after
from ._patch_group.groups import validate_info_parameters
from ._patch_group.groups import validate_parameters
from ._patch_group.node_directory import NodeDirectory

__all__ = [
    "NodeDirectory",
    "PATCH_GROUP_TAG_KEYS",
    "baseline_system_error",
    "effective_baseline",
    "group_of",
    "members_of",
    "operating_system_of",
    "plan_membership",
    "tags_after",
    "validate_info_parameters",
    "validate_parameters",
]
