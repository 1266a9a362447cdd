# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A window's targets: the module's shape (patch_groups, tags, resource_group, instance_ids), the
RegisterTargetWithMaintenanceWindow request it makes, and back.

The kinds are those the API reference's Target page and RegisterTargetWithMaintenanceWindow document
for maintenance windows: `InstanceIds` with explicit ids (never `*`, which is State Manager's,
Automation's and Change Manager's only), `tag:<key>`, and `resource-groups:Name` with an optional
`resource-groups:ResourceTypeFilters` (ResourceType RESOURCE_GROUP). Nothing here calls AWS.
"""

import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import INSTANCE_ID
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import MAX_PATCH_GROUP_LENGTH
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import RESOURCE_GROUP_NAME
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

KIND_OPTIONS = ("patch_groups", "tags", "resource_group", "instance_ids")
# MaintenanceWindowName, the pattern of a window's, a target's and a task's Name.
NAME = re.compile(r"\A[a-zA-Z0-9_\-.]{3,128}\Z")
# Targets: at most 5 keys; TargetValues: at most 50 values.
MAX_TARGET_KEYS = 5
MAX_TARGET_VALUES = 50
MAX_TEXT = 128
# Resource types as CloudFormation names them (AWS::EC2::Instance), the form ResourceTypeFilters takes.
RESOURCE_TYPE = re.compile(r"\AAWS::[A-Za-z0-9]+::[A-Za-z0-9]+\Z")
DEFAULT_PATCH_GROUP_KEY = PATCH_GROUP_TAG_KEYS[0]


def name_error(value, option):
    if blank(value):
        return f"{option} is blank: give a name"
    if not full_match(NAME, value):
        return f"{option} must be 3-128 of letters, digits, '_', '-' and '.', got {value!r}"
    return None


def text_errors(entry, prefix, options=("description", "owner_information")):
    errors = []
    for option in options:
        value = entry.get(option)
        if value is None:
            continue
        if blank(value):
            errors.append(f"{prefix}{option} is blank: give a value, or leave the option out")
        elif len(value) > MAX_TEXT:
            errors.append(f"{prefix}{option} must be at most {MAX_TEXT} characters, got {len(value)}")
    return errors


def _as_list(value):
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _kind_errors(target, prefix):
    errors = []
    kinds = [option for option in KIND_OPTIONS if target.get(option) is not None]
    if len(kinds) != 1:
        given = ", ".join(kinds) if kinds else "none"
        return [f"{prefix[:-1]} needs exactly one of {', '.join(KIND_OPTIONS)} (given: {given})"]
    kind = kinds[0]
    value = target[kind]
    if blank(value):
        return [f"{prefix}{kind} is empty: name at least one value (an empty target never means every node)"]
    if kind in ("patch_groups", "instance_ids"):
        if len(value) > MAX_TARGET_VALUES:
            errors.append(f"{prefix}{kind} names {len(value)} values; a target takes at most {MAX_TARGET_VALUES}")
        for index, item in enumerate(value):
            where = f"{prefix}{kind}[{index}]"
            if blank(item):
                errors.append(f"{where} is blank")
            elif kind == "patch_groups" and len(item) > MAX_PATCH_GROUP_LENGTH:
                errors.append(f"{where} must be at most {MAX_PATCH_GROUP_LENGTH} characters")
            elif kind == "instance_ids" and item == "*":
                errors.append(f"{where}: * (every node) is not a maintenance window target; name the ids, or target tags or patch groups")
            elif kind == "instance_ids" and not full_match(INSTANCE_ID, item):
                errors.append(f"{where} must be a managed node id (i- and 8 or 17 characters, or mi- and 17), got {item!r}")
        duplicates = sorted(set(item for item in value if value.count(item) > 1 and not blank(item)))
        if duplicates:
            errors.append(f"{prefix}{kind} names {', '.join(duplicates)} more than once")
    elif kind == "tags":
        if len(value) > MAX_TARGET_KEYS:
            errors.append(f"{prefix}tags names {len(value)} keys; a target takes at most {MAX_TARGET_KEYS}")
        for key, values in value.items():
            if blank(key):
                errors.append(f"{prefix}tags has a blank key {key!r}")
                continue
            listed = values if isinstance(values, list) else [values]
            if not listed:
                errors.append(f"{prefix}tags.{key} has no value: give at least one")
            if len(listed) > MAX_TARGET_VALUES:
                errors.append(f"{prefix}tags.{key} has {len(listed)} values; at most {MAX_TARGET_VALUES}")
            for index, item in enumerate(listed):
                where = f"{prefix}tags.{key}" + (f"[{index}]" if isinstance(values, list) else "")
                if isinstance(item, (dict, list)):
                    errors.append(f"{where} must be a value or a list of values, got {item!r}")
                elif item is None or blank(str(item)):
                    errors.append(f"{where} is blank")
    elif kind == "resource_group":
        if not full_match(RESOURCE_GROUP_NAME, value):
            errors.append(f"{prefix}resource_group must be a resource group name (1-300 of letters, digits, '_', '.' and '-'), got {value!r}")
    if target.get("resource_types") is not None:
        if kind != "resource_group":
            errors.append(f"{prefix}resource_types applies to resource_group targets only")
        elif blank(target["resource_types"]):
            errors.append(f"{prefix}resource_types is empty: name at least one type, or leave the option out for every type")
        else:
            for index, item in enumerate(target["resource_types"]):
                if not full_match(RESOURCE_TYPE, item):
                    errors.append(f"{prefix}resource_types[{index}] must be a resource type such as AWS::EC2::Instance, got {item!r}")
    return errors


def target_errors(targets):
    """Errors in the `targets` option: each entry's name, kind and values, and names unique in the list."""
    if targets is None:
        return []
    errors = []
    names = [target.get("name") for target in targets]
    for index, target in enumerate(targets):
        prefix = f"targets[{index}]."
        error = name_error(target.get("name"), f"{prefix}name")
        if error:
            errors.append(error)
        elif names.index(target["name"]) != index:
            errors.append(f"{prefix}name {target['name']} is used by another target of the list: names must be unique")
        errors += text_errors(target, prefix)
        errors += _kind_errors(target, prefix)
    return errors


def target_request(target, patch_group_key=DEFAULT_PATCH_GROUP_KEY):
    """(ResourceType, Targets) of one target of the module's shape."""
    if target.get("patch_groups"):
        return "INSTANCE", [{"Key": f"tag:{patch_group_key}", "Values": list(target["patch_groups"])}]
    if target.get("tags"):
        return "INSTANCE", [{"Key": f"tag:{key}", "Values": _as_list(values)} for key, values in target["tags"].items()]
    if target.get("resource_group"):
        keys = [{"Key": "resource-groups:Name", "Values": [target["resource_group"]]}]
        if target.get("resource_types"):
            keys.append({"Key": "resource-groups:ResourceTypeFilters", "Values": list(target["resource_types"])})
        return "RESOURCE_GROUP", keys
    return "INSTANCE", [{"Key": "InstanceIds", "Values": list(target["instance_ids"])}]


def desired_target(target, patch_group_key=DEFAULT_PATCH_GROUP_KEY):
    """The API's members of a registered target (as DescribeMaintenanceWindowTargets lists them)."""
    resource_type, keys = target_request(target, patch_group_key)
    return {
        "Name": target["name"],
        "ResourceType": resource_type,
        "Targets": keys,
        "OwnerInformation": target.get("owner_information"),
        "Description": target.get("description"),
    }


def normalized_target(entry):
    """A registered target's members, compared as AWS treats them: unset and "" alike, values as sets."""
    keys = sorted(({"Key": item.get("Key"), "Values": sorted(item.get("Values") or [])} for item in entry.get("Targets") or []),
                  key=lambda item: item["Key"])
    return {
        "Name": entry.get("Name"),
        "ResourceType": entry.get("ResourceType"),
        "Targets": keys,
        "OwnerInformation": entry.get("OwnerInformation") or None,
        "Description": entry.get("Description") or None,
    }


def target_differs(desired, current):
    return normalized_target(desired) != normalized_target(current)


def patch_group_key_of(entry):
    """The Patch Group tag key spelling a registered target uses, or None when it is no patch-group target."""
    keys = entry.get("Targets") or []
    if len(keys) == 1 and keys[0].get("Key") in tuple(f"tag:{key}" for key in PATCH_GROUP_TAG_KEYS):
        return keys[0]["Key"][len("tag:"):]
    return None


def target_to_ansible(entry):
    """A registered target in the module's shape: its kind option as the task would write it, plus the ids."""
    result = {
        "name": entry.get("Name"),
        "window_target_id": entry.get("WindowTargetId"),
        "resource_type": entry.get("ResourceType"),
        "description": entry.get("Description") or None,
        "owner_information": entry.get("OwnerInformation") or None,
        "targets": [{"key": item.get("Key"), "values": list(item.get("Values") or [])} for item in entry.get("Targets") or []],
    }
    keys = dict((item.get("Key"), list(item.get("Values") or [])) for item in entry.get("Targets") or [])
    if patch_group_key_of(entry):
        result["patch_groups"] = next(iter(keys.values()))
    elif "InstanceIds" in keys:
        result["instance_ids"] = keys["InstanceIds"]
    elif "resource-groups:Name" in keys:
        result["resource_group"] = (keys["resource-groups:Name"] or [None])[0]
        if "resource-groups:ResourceTypeFilters" in keys:
            result["resource_types"] = keys["resource-groups:ResourceTypeFilters"]
    elif keys and all(key.startswith("tag:") for key in keys):
        result["tags"] = dict((key[len("tag:"):], values[0] if len(values) == 1 else values) for key, values in keys.items())
    return result


def choose_patch_group_key(keys_in_use, current_key, option):
    """The Patch Group tag key a patch-group target registers: the one its nodes use.

    `keys_in_use` are the spellings the nodes of the groups carry. None in use (no node in the groups
    yet): the key the target already has, else the default. Both in use: an error, since a target's
    keys must all match (AND) and one target cannot take both.
    Returns (key, error).
    """
    keys = sorted(set(keys_in_use))
    if len(keys) > 1:
        return None, (f"{option}: the nodes of these groups are tagged both 'Patch Group' and 'PatchGroup'; a window "
                      "target matches one tag key, so tag them one way (cloudpatch.ssm.ssm_patch_group), or declare two targets by tags, "
                      "one with the key 'Patch Group' and one with 'PatchGroup'")
    if keys:
        return keys[0], None
    return current_key or DEFAULT_PATCH_GROUP_KEY, None
