#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_baseline_info
version_added: 0.1.0
short_description: List AWS Systems Manager patch baselines with their full definitions
description:
  - Lists the patch baselines of a region, the account's own and the AWS-owned (predefined) ones,
    each with its full definition, the patch groups registered with it and its tags.
  - Also returns the default patch baseline of each operating system.
  - A source's repository configuration may hold credentials, so it is returned as
    V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER), never as the file AWS returns.
  - Read only; works in check mode.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  name:
    description:
      - Only baselines with exactly this name (3 to 128 letters, digits, V(_), V(-) or V(.)).
        Several baselines may share a name.
    type: str
  name_prefix:
    description:
      - Only baselines whose name starts with this prefix (1 to 128 of the characters a name may hold).
    type: str
  baseline_ids:
    description:
      - Only these baselines. Each is a C(pb-) id or, for an AWS-owned baseline, its ARN (its
        C(pb-) part is accepted too). Must not be empty; an id that matches no baseline is warned about.
    type: list
    elements: str
  owner:
    description:
      - Only baselines owned by the account (V(Self)), by AWS (V(AWS)), or both (V(All)).
    type: str
    choices: [All, AWS, Self]
    default: All
  operating_system:
    description:
      - Only baselines for this operating system, one of the SSM API's C(OperatingSystem) values
        such as V(AMAZON_LINUX_2), V(WINDOWS) or V(UBUNTU). Also limits RV(default_baselines) to it.
    type: str
    choices: [WINDOWS, AMAZON_LINUX, AMAZON_LINUX_2, AMAZON_LINUX_2022, UBUNTU, REDHAT_ENTERPRISE_LINUX, SUSE, CENTOS,
              ORACLE_LINUX, DEBIAN, MACOS, RASPBIAN, ROCKY_LINUX, ALMA_LINUX, AMAZON_LINUX_2023]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Read only, so it makes the same calls and returns the same result in check mode.
  diff_mode:
    support: none
    details:
      - Read only; there is never a change to show.
seealso:
  - module: cloudpatch.ssm.ssm_patch_baseline
    description: Create, update, delete a baseline, or make one the default.
  - module: cloudpatch.ssm.ssm_patch_group_info
    description: Which baseline applies to each node of each patch group.
  - name: Predefined and custom patch baselines
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-predefined-and-custom-patch-baselines.html
    description: What a patch baseline approves, and the AWS-owned (predefined) baselines.
  - name: Viewing AWS predefined patch baselines
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-view-predefined-patch-baselines.html
    description: The AWS-owned baselines of each operating system.
  - name: DescribePatchBaselines
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribePatchBaselines.html
    description: The API call that lists baselines.
  - name: GetPatchBaseline
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
    description: The API call that reads a baseline's definition.
"""

EXAMPLES = r"""
- name: List the AWS-owned baselines and the default baseline of each operating system
  cloudpatch.ssm.ssm_patch_baseline_info:
    owner: AWS
  register: aws_baselines

- name: Find the workshop's baseline by name
  cloudpatch.ssm.ssm_patch_baseline_info:
    name: AmazonLinux2SecAndNonSecBaseline
  register: workshop_baseline

- name: Show which baseline Amazon Linux 2 nodes get when their patch group has none
  ansible.builtin.debug:
    msg: "{{ aws_baselines.default_baselines['AMAZON_LINUX_2'] }}"
"""

RETURN = r"""
patch_baselines:
  description: The baselines that match, in the order SSM lists them.
  returned: always
  type: list
  elements: dict
  contains:
    baseline_id:
      description: The baseline's id; an ARN for AWS-owned baselines.
      returned: always
      type: str
      sample: pb-0c10e65780EXAMPLE
    arn:
      description: The baseline's ARN.
      returned: always
      type: str
      sample: arn:aws:ssm:us-east-1:123456789012:patchbaseline/pb-0c10e65780EXAMPLE
    name:
      description: The baseline's name.
      returned: always
      type: str
      sample: AmazonLinux2SecAndNonSecBaseline
    owner:
      description: V(AWS) for predefined baselines, V(Self) for the account's own.
      returned: always
      type: str
      sample: Self
    operating_system:
      description: The operating system the baseline applies to.
      returned: always
      type: str
      sample: AMAZON_LINUX_2
    description:
      description: The baseline's description, or null.
      returned: always
      type: str
      sample: Amazon Linux 2 patch baseline including security and non-security patches
    approval_rules:
      description: The approval rules, in order.
      returned: always
      type: list
      elements: dict
      contains:
        patch_filters:
          description: Filter key to values; V(*) matches everything.
          returned: always
          type: dict
          sample: {"PRODUCT": ["*"], "CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": ["*"]}
        approve_after_days:
          description: Days after release that matching patches are approved, or null.
          returned: always
          type: int
          sample: 0
        approve_until_date:
          description: Patches released up to this date (YYYY-MM-DD) are approved, or null.
          returned: always
          type: str
          sample: "2026-12-31"
        compliance_level:
          description: The compliance level reported for a missing patch the rule approves.
          returned: always
          type: str
          sample: CRITICAL
        enable_non_security:
          description: Whether the rule also approves non-security updates (Linux).
          returned: always
          type: bool
          sample: false
    global_filters:
      description: Filter key to values that every patch must match.
      returned: always
      type: dict
      sample: {"PRODUCT": ["AmazonLinux2"]}
    approved_patches:
      description: Patches approved explicitly.
      returned: always
      type: list
      elements: str
      sample: ["kernel*"]
    approved_patches_compliance_level:
      description: The compliance level of the explicitly approved patches.
      returned: always
      type: str
      sample: HIGH
    approved_patches_enable_non_security:
      description: Whether explicitly approved patches include non-security updates.
      returned: always
      type: bool
      sample: true
    rejected_patches:
      description: Patches rejected explicitly.
      returned: always
      type: list
      elements: str
      sample: []
    rejected_patches_action:
      description: What happens to a rejected patch another package depends on.
      returned: always
      type: str
      sample: ALLOW_AS_DEPENDENCY
    sources:
      description: Alternative patch source repositories (Linux).
      returned: always
      type: list
      elements: dict
      contains:
        name:
          description: The source's name.
          returned: always
          type: str
          sample: internal-mirror
        products:
          description: The operating system versions it applies to.
          returned: always
          type: list
          elements: str
          sample: ["AmazonLinux2"]
        configuration:
          description: Always V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER), never the repository file, since it may hold credentials.
          returned: always
          type: str
          sample: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
    available_security_updates_compliance_status:
      description: How security updates that are available but not approved are reported (Windows only), or null.
      returned: always
      type: str
      sample: NON_COMPLIANT
    patch_groups:
      description: The patch groups registered with the baseline.
      returned: always
      type: list
      elements: str
      sample: ["App"]
    default_baseline:
      description: Whether this is the default baseline of its operating system.
      returned: always
      type: bool
      sample: false
    tags:
      description: The baseline's tags (AWS-owned baselines have none).
      returned: always
      type: dict
      sample: {"Owner": "platform-team"}
    created_date:
      description: When the baseline was created (ISO 8601).
      returned: always
      type: str
      sample: "2026-11-30T10:00:00+00:00"
    modified_date:
      description: When the baseline was last changed (ISO 8601).
      returned: always
      type: str
      sample: "2026-11-30T10:00:00+00:00"
default_baselines:
  description: The default baseline id of each operating system (of O(operating_system) only, if given).
  returned: always
  type: dict
  sample: {"AMAZON_LINUX_2": "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-0be8c61cde3be63f3"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info

from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import baseline_arn
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import baseline_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import default_baselines_by_os
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import is_aws_owned
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import masked
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import missing_id_warnings
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import missing_ids
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import select_identities
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import validate_info_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import AnsibleSSMError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_baselines
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_patch_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import ssm_enum


def gather_baselines(client, params, region, account_id, partition):
    os_filter = [{"Key": "OPERATING_SYSTEM", "Values": [params["operating_system"]]}] if params["operating_system"] else []
    # One listing gives both the selection and every OS's default (the DefaultBaseline flags), so the
    # name and owner filters are applied here rather than in the request.
    identities = describe_patch_baselines(client, os_filter)
    selected = select_identities(
        identities,
        name=params["name"],
        name_prefix=params["name_prefix"],
        baseline_ids=params["baseline_ids"],
        owner=params["owner"],
    )
    baselines = []
    for identity in selected:
        baseline_id = identity["BaselineId"]
        definition = get_patch_baseline(client, baseline_id)
        if definition is None:  # deleted between the listing and this read
            continue
        tags = {} if is_aws_owned(baseline_id) else list_tags_for_resource(client, "PatchBaseline", baseline_id)
        baseline = baseline_to_ansible(
            definition,
            arn=baseline_arn(baseline_id, region, account_id, partition),
            tags=tags,
            default_baseline=bool(identity.get("DefaultBaseline")),
        )
        baselines.append(masked(baseline))
    return baselines, default_baselines_by_os(identities), missing_ids(identities, params["baseline_ids"])


def main():
    argument_spec = dict(
        name=dict(type="str"),
        name_prefix=dict(type="str"),
        baseline_ids=dict(type="list", elements="str"),
        owner=dict(type="str", choices=["All", "AWS", "Self"], default="All"),
        # The SSM model's OperatingSystem enum, written out so that the spec loads without botocore
        # (tests/unit/plugins/modules/test_documentation.py checks it against botocore's).
        operating_system=dict(type="str", choices=[
            "WINDOWS", "AMAZON_LINUX", "AMAZON_LINUX_2", "AMAZON_LINUX_2022", "UBUNTU", "REDHAT_ENTERPRISE_LINUX", "SUSE",
            "CENTOS", "ORACLE_LINUX", "DEBIAN", "MACOS", "RASPBIAN", "ROCKY_LINUX", "ALMA_LINUX", "AMAZON_LINUX_2023",
        ]),
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, supports_check_mode=True)

    errors = validate_info_parameters(module.params, ssm_enum("OperatingSystem"))
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ssm")
    try:
        account_id, partition = get_aws_account_info(module)
        baselines, defaults, missing = gather_baselines(client, module.params, module.region, account_id, partition)
    except AnsibleSSMError as e:
        module.fail_json_aws_error(e)
    for warning in missing_id_warnings(module.params, missing, module.region):
        module.warn(warning)

    module.exit_json(changed=False, patch_baselines=baselines, default_baselines=defaults)


if __name__ == "__main__":
    main()
