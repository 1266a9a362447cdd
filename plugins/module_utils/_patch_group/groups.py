# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic for patch groups: names, members, and which baseline applies to a node.

A node joins a patch group through a tag whose key is `Patch Group` or `PatchGroup` (case-sensitive)
and whose value is the group's name; a node is in one group at most. Nothing here calls AWS.
"""

import re
import unicodedata

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import pattern_length
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.facts import shape_pattern
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

PATCH_GROUP_TAG_KEYS = ("Patch Group", "PatchGroup")
MAX_GROUP_NAME_LENGTH = 256
# Besides letters, numbers and separators (\p{L}\p{Z}\p{N} in the API's pattern).
GROUP_NAME_PUNCTUATION = "_.:/=+-@"
# Anchored with \A...\Z, so that match() and fullmatch() both take the whole string: "$" would take
# "i-0123456789abcdef0\n" for an instance id.
EC2_INSTANCE_ID = re.compile(r"\Ai-[0-9a-f]{8}(?:[0-9a-f]{9})?\Z")
HYBRID_NODE_ID = re.compile(r"\Ami-[0-9a-f]{17}\Z")
# EC2 tag keys are 1-128 characters, values up to 256 (EC2 User Guide, "Tag restrictions").
MAX_EC2_TAG_KEY_LENGTH = 128
MAX_EC2_TAG_VALUE_LENGTH = 256


def validate_group_name(name, option="name"):
    """Errors in a patch group name by the API's rules (1-256 letters, numbers, spaces, _.:/=+-@), not blank."""
    if not isinstance(name, str):
        return [f"{option} must be a string, got {name!r}"]
    if not 1 <= len(name) <= MAX_GROUP_NAME_LENGTH:
        return [f"{option} must be 1 to {MAX_GROUP_NAME_LENGTH} characters, got {len(name)}"]
    invalid = sorted(set(char for char in name if not _allowed_in_group_name(char)))
    if invalid:
        return [f"{option} may hold letters, numbers, spaces and {GROUP_NAME_PUNCTUATION}; not {''.join(invalid)!r}"]
    if not name.strip():
        return [f"{option} is blank: a patch group needs a name"]
    return []


def _allowed_in_group_name(char):
    return unicodedata.category(char)[0] in "LNZ" or char in GROUP_NAME_PUNCTUATION


def other_tag_key(tag_key):
    return PATCH_GROUP_TAG_KEYS[1] if tag_key == PATCH_GROUP_TAG_KEYS[0] else PATCH_GROUP_TAG_KEYS[0]


def classify_members(members):
    """Split a task's members into EC2 instance ids, hybrid node ids, Name tag values and tag filters."""
    classified = {"ec2_ids": [], "hybrid_ids": [], "names": [], "tag_filters": []}
    for member in members:
        if isinstance(member, dict):
            classified["tag_filters"].append(dict((key, _as_list(value)) for key, value in member.items()))
        elif EC2_INSTANCE_ID.fullmatch(member):
            classified["ec2_ids"].append(member)
        elif HYBRID_NODE_ID.fullmatch(member):
            classified["hybrid_ids"].append(member)
        else:
            classified["names"].append(member)
    return classified


def _as_list(value):
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def validate_members(members):
    """Errors in a task's members; an empty list or filter is an error, never "every node"."""
    if members is not None and not members:
        return ["members is empty: name at least one node, or leave members out to leave membership as it is"]
    errors = []
    for index, member in enumerate(members or []):
        path = f"members[{index}]"
        if isinstance(member, dict):
            if not member:
                errors.append(f"{path} is an empty tag filter: it would match every node")
            for key, value in member.items():
                values = value if isinstance(value, list) else [value]
                if not isinstance(key, str) or not key.strip() or len(key) > MAX_EC2_TAG_KEY_LENGTH:
                    errors.append(f"{path} tag keys must be 1 to {MAX_EC2_TAG_KEY_LENGTH} characters, got {key!r}")
                elif not values:
                    errors.append(f"{path}.{key} needs at least one value")
                for item in values:
                    if item is None or isinstance(item, (dict, list)) or len(str(item)) > MAX_EC2_TAG_VALUE_LENGTH:
                        errors.append(f"{path}.{key} values must be strings of at most {MAX_EC2_TAG_VALUE_LENGTH} characters, got {item!r}")
        elif not isinstance(member, str) or not member.strip():
            errors.append(f"{path} must be an instance id, a Name tag value or a dict of tag filters, got {member!r}")
    return errors


def group_of(tags):
    """The patch group a node's tags put it in, and the key that does it (None, None if none)."""
    for key in PATCH_GROUP_TAG_KEYS:
        if tags.get(key):
            return tags[key], key
    return None, None


def plan_membership(nodes, wanted_ids, group, tag_key, purge, removing=False):
    """What to tag and untag so that exactly the right nodes carry `tag_key: group`.

    `nodes` maps node id to its current tags, for every node wanted and every node now in the group.
    Returns {"tag": [...], "untag": {key: [...]}}: nodes to give `tag_key: group`, and per tag key the
    nodes to remove it from. A wanted node in another group moves (its tag value changes); the other
    spelling of the key is removed so the node is never in two groups.
    """
    other = other_tag_key(tag_key)
    tag, untag = [], {tag_key: [], other: []}
    wanted = set(wanted_ids)
    for node_id in sorted(nodes):
        tags = nodes[node_id]
        if node_id in wanted and not removing:
            if tags.get(tag_key) != group:
                tag.append(node_id)
            if other in tags:
                untag[other].append(node_id)
        elif (node_id in wanted and removing) or (purge and not removing and node_id not in wanted):
            for key in (tag_key, other):
                if tags.get(key) == group:
                    untag[key].append(node_id)
    return {"tag": tag, "untag": dict((key, ids) for key, ids in untag.items() if ids)}


def tags_after(nodes, plan, group, tag_key):
    """Each node's tags once plan_membership's plan is carried out."""
    after = {}
    for node_id, tags in nodes.items():
        tags = dict(tags)
        if node_id in plan["tag"]:
            tags[tag_key] = group
        for key, node_ids in plan["untag"].items():
            if node_id in node_ids:
                tags.pop(key, None)
        after[node_id] = tags
    return after


def members_of(nodes, group):
    """The ids, sorted, of the nodes whose tags put them in the group."""
    return sorted(node_id for node_id, tags in nodes.items() if group_of(tags)[0] == group)


def validate_baseline(reference):
    """A baseline is named by its id or ARN (the API's BaselineId) or by its name (BaselineName)."""
    if reference is None:
        return []
    if reference.startswith(("arn:", "pb-")):
        return validate_baseline_id(reference, "baseline")
    if not full_match(shape_pattern("BaselineName"), reference):
        low, high = pattern_length("BaselineName")
        return [f"baseline must be a pb- id, an ARN, or a name of {low} to {high} letters, digits, '_', '-' or '.', got {reference!r}"]
    return []


def validate_parameters(params, operating_systems):
    """Every error in ssm_patch_group's options that the argument spec cannot express, before any call."""
    errors = validate_group_name(params["name"]) + validate_members(params["members"]) + validate_baseline(params["baseline"])
    if params["operating_system"] is not None and params["operating_system"] not in operating_systems:
        errors.append(f"operating_system must be one of {', '.join(operating_systems)}, got {params['operating_system']!r}")
    if params["state"] == "absent" and params["purge_members"]:
        errors.append("purge_members applies to state=present only")
    if params["state"] == "absent" and params["baseline"]:
        errors.append("baseline applies to state=present only; use operating_system to deregister one system")
    return errors


def validate_info_parameters(params):
    """Errors in ssm_patch_group_info's names: none blank (an empty list is no "every group"), each a group name."""
    errors = blank_errors(params, ["names"])
    for index, name in enumerate(params["names"] or []):
        errors += validate_group_name(name, f"names[{index}]")
    return errors


def baseline_system_error(params, definition):
    """The baseline named is for another operating system than the one the task names, or None."""
    if definition and params["operating_system"] and params["operating_system"] != definition["OperatingSystem"]:
        return (
            f"operating_system: baseline {params['baseline']} is for {definition['OperatingSystem']}, "
            f"not operating_system {params['operating_system']}"
        )
    return None


# PlatformName prefixes (as DescribeInstanceInformation reports them) to Patch Manager's operating
# systems; Amazon Linux is told apart by version.
_PLATFORM_SYSTEMS = (
    ("Microsoft Windows", "WINDOWS"),
    ("Ubuntu", "UBUNTU"),
    ("Debian", "DEBIAN"),
    ("Raspbian", "RASPBIAN"),
    ("Red Hat Enterprise Linux", "REDHAT_ENTERPRISE_LINUX"),
    ("CentOS", "CENTOS"),
    ("Oracle Linux", "ORACLE_LINUX"),
    ("Rocky Linux", "ROCKY_LINUX"),
    ("AlmaLinux", "ALMA_LINUX"),
    ("Alma Linux", "ALMA_LINUX"),
    ("SLES", "SUSE"),
    ("SUSE", "SUSE"),
    ("macOS", "MACOS"),
    ("Mac OS", "MACOS"),
)
_AMAZON_LINUX_VERSIONS = (("2023", "AMAZON_LINUX_2023"), ("2022", "AMAZON_LINUX_2022"), ("2", "AMAZON_LINUX_2"))


def operating_system_of(platform_name, platform_version):
    """Patch Manager's operating system for a node's PlatformName and PlatformVersion, or None."""
    name = platform_name or ""
    if name.startswith("Amazon Linux"):
        version = (platform_version or "").split(".")[0]
        for prefix, system in _AMAZON_LINUX_VERSIONS:
            if version == prefix:
                return system
        return "AMAZON_LINUX"
    for prefix, system in _PLATFORM_SYSTEMS:
        if name.startswith(prefix):
            return system
    return None


def effective_baseline(group, operating_system, registrations, defaults):
    """The baseline that applies to a node, and why: its group's baseline for its OS, else the OS default.

    `registrations` maps group to {OS: baseline id}; `defaults` maps OS to the default baseline id.
    """
    registered = registrations.get(group, {}).get(operating_system) if group else None
    if registered:
        return registered, "registered for patch group {0} and {1}".format(group, operating_system)
    reason = "default baseline for {0}".format(operating_system)
    if group:
        reason += " (patch group {0} has no baseline for it)".format(group)
    return defaults.get(operating_system), reason
