# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding baselines by what users call them: a name, a `pb-` id, an ARN, or "the AWS default"."""

from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import is_aws_owned
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_baselines
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_patch_baseline


class BaselineLookupError(Exception):
    """The baseline a task names cannot be told apart, or is not one a task may change."""


def name_filter(name):
    # NAME_PREFIX is the only name filter the API has; the exact match is made on the results.
    return [{"Key": "NAME_PREFIX", "Values": [name]}]


def find_baseline(client, name=None, baseline_id=None):
    """The GetPatchBaseline result of the one baseline a task names, or None if there is none.

    With `baseline_id` the id decides; with only a name, several baselines of the account sharing it
    are an error (the task must say which), and an AWS-owned name is an error (they are read only).
    """
    if baseline_id is not None:
        return get_patch_baseline(client, baseline_id)
    matches = [item for item in describe_patch_baselines(client, name_filter(name)) if item.get("BaselineName") == name]
    if any(is_aws_owned(item["BaselineId"]) for item in matches):
        raise BaselineLookupError(f"{name} is an AWS-owned baseline: it cannot be created, changed or deleted")
    if len(matches) > 1:
        ids = ", ".join(sorted(item["BaselineId"] for item in matches))
        raise BaselineLookupError(f"{len(matches)} baselines are named {name} ({ids}); give baseline_id to choose one")
    return get_patch_baseline(client, matches[0]["BaselineId"]) if matches else None


def aws_default_baseline_id(client, operating_system):
    """The id of the predefined baseline that is an operating system's default until one registers another."""
    filters = [{"Key": "OWNER", "Values": ["AWS"]}, {"Key": "OPERATING_SYSTEM", "Values": [operating_system]}]
    predefined = describe_patch_baselines(client, filters)
    # Windows has several predefined baselines; the default is AWS-DefaultPatchBaseline. Every other
    # system has one, named AWS-<System>DefaultPatchBaseline (or AWS-Default<System>PatchBaseline).
    defaults = [item for item in predefined if "Default" in item.get("BaselineName", "")]
    if len(defaults) != 1:
        raise BaselineLookupError(f"cannot tell which AWS-owned baseline is the default for {operating_system}")
    return defaults[0]["BaselineId"]


def resolve_baseline(client, reference):
    """The GetPatchBaseline result for what a task calls a baseline: an ARN, a `pb-` id or a name.

    AWS-owned names resolve to their ARN; a name shared by several baselines, or none, is an error.
    """
    if reference.startswith(("arn:", "pb-")):
        definition = get_patch_baseline(client, reference)
        if definition is None:
            raise BaselineLookupError(f"baseline {reference} does not exist in this region")
        return definition
    matches = [item for item in describe_patch_baselines(client, name_filter(reference)) if item.get("BaselineName") == reference]
    if not matches:
        raise BaselineLookupError(f"no baseline is named {reference}")
    if len(matches) > 1:
        ids = ", ".join(sorted(item["BaselineId"] for item in matches))
        raise BaselineLookupError(f"{len(matches)} baselines are named {reference} ({ids}); give the id of one")
    return get_patch_baseline(client, matches[0]["BaselineId"])
