# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding baselines by what users call them: a name, a `pb-` id, an ARN, or "the AWS default".

Names are not unique in AWS: a name several baselines share is an error that lists their ids and
says which option picks one. Nothing here ever guesses.
"""

from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import is_aws_owned
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_baselines
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_patch_baseline


def name_filter(name):
    # NAME_PREFIX is the only name filter the API has; the exact match is made on the results.
    return [{"Key": "NAME_PREFIX", "Values": [name]}]


def baselines_named(client, name):
    """The identities (DescribePatchBaselines) of every baseline, own or AWS-owned, named exactly `name`."""
    return [item for item in describe_patch_baselines(client, name_filter(name)) if item.get("BaselineName") == name]


def shared_name_error(option, name, matches, region, chooser):
    ids = ", ".join(sorted(item["BaselineId"] for item in matches))
    return ParameterError(
        f"{option}: {len(matches)} baselines in {region} are named {name} ({ids}); "
        f"set {chooser} to one of these ids to choose one"
    )


def find_baseline(client, region, name=None, baseline_id=None):
    """The GetPatchBaseline result of the one baseline a task names, or None if there is none.

    With `baseline_id` the id decides; with only a name, several baselines sharing it are an error
    (the task must say which with baseline_id). The result may be an AWS-owned baseline: the caller
    decides what a task may do with it.
    """
    if baseline_id is not None:
        return get_patch_baseline(client, baseline_id)
    matches = baselines_named(client, name)
    if len(matches) > 1:
        raise shared_name_error("name", name, matches, region, "baseline_id")
    return get_patch_baseline(client, matches[0]["BaselineId"]) if matches else None


def aws_default_baseline_id(client, region, operating_system):
    """The id of the predefined baseline that is an operating system's default until one registers another."""
    filters = [{"Key": "OWNER", "Values": ["AWS"]}, {"Key": "OPERATING_SYSTEM", "Values": [operating_system]}]
    predefined = describe_patch_baselines(client, filters)
    # Windows has several predefined baselines; the default is AWS-DefaultPatchBaseline. Every other
    # system has one, named AWS-<System>DefaultPatchBaseline (or AWS-Default<System>PatchBaseline).
    defaults = [item for item in predefined if "Default" in item.get("BaselineName", "")]
    if len(defaults) != 1:
        raise ParameterError(f"cannot tell which AWS-owned baseline is the default for {operating_system} in {region}")
    return defaults[0]["BaselineId"]


def resolve_baseline(client, reference, region, option="baseline"):
    """The GetPatchBaseline result for what a task calls a baseline: an ARN, a `pb-` id or a name.

    AWS-owned names resolve to their ARN; a name shared by several baselines, or none, is an error.
    """
    if reference.startswith(("arn:", "pb-")):
        definition = get_patch_baseline(client, reference)
        if definition is None:
            raise ParameterError(f"{option}: baseline {reference} does not exist in {region}")
        return definition
    matches = baselines_named(client, reference)
    if not matches:
        raise ParameterError(f"{option}: no baseline is named {reference} in {region}")
    if len(matches) > 1:
        raise shared_name_error(option, reference, matches, region, option)
    return get_patch_baseline(client, matches[0]["BaselineId"])


def owned_by_aws(definition):
    return definition is not None and is_aws_owned(definition["BaselineId"])
