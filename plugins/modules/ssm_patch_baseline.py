#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_baseline
version_added: 0.1.0
short_description: Manage AWS Systems Manager patch baselines
description:
  - Creates, updates and deletes a custom patch baseline, and makes it (or stops it being) the
    default baseline of its operating system.
  - Options left out are left as they are; an empty list clears a list.
  - Deleting a baseline first deregisters it from its patch groups and, if it is the default of its
    operating system, restores the AWS-owned default, so the delete never fails with
    C(ResourceInUseException).
  - AWS-owned (predefined) baselines are read only; use M(cloudpatch.ssm.ssm_patch_baseline_info)
    to read them. The one thing this module does with one (named by O(name) or by its ARN in
    O(baseline_id)) is O(default_baseline), since RegisterDefaultPatchBaseline takes any baseline. Any
    other option with an AWS-owned baseline is an error.
  - A create sends CreatePatchBaseline a C(ClientToken) derived from the request (O(name), O(operating_system)
    and a hash of the whole definition and tags). AWS answers the same token and request with the same
    baseline, so a create retried after a lost response, or run by two processes at the same time,
    makes one baseline, not two.
  - Patch filter values are checked against DescribePatchProperties for the baseline's operating
    system before anything is written (see O(validate_filter_values)).
  - O(sources[].configuration) may hold a repository's credentials, so it is never logged, and it reads
    as V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER) in the result and the diff (the diff's after says
    V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed\)) when it changes). Idempotency compares the real
    values.
  - Messages name the module's options, and say the region when a baseline is not found.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  name:
    description:
      - The baseline's name, 3 to 128 letters, digits, V(_), V(-) or V(.).
      - Names are not unique in AWS. When several baselines share O(name), every task by that name
        fails, listing their ids; give O(baseline_id) to choose one.
      - An AWS-owned baseline's name (such as V(AWS-AmazonLinux2DefaultPatchBaseline)) is accepted
        with O(default_baseline) only.
      - Required to create a baseline. With O(baseline_id), a different O(name) renames the baseline.
    type: str
  baseline_id:
    description:
      - The C(pb-) id of the baseline to manage, when a name is not enough to find it (for example
        when several baselines share a name), or an AWS-owned baseline's ARN to make it the default.
    type: str
  state:
    description:
      - V(present) creates or updates the baseline, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  operating_system:
    description:
      - The operating system the baseline is for, one of the SSM API's C(OperatingSystem) values
        such as V(AMAZON_LINUX_2), V(WINDOWS), V(UBUNTU) or V(REDHAT_ENTERPRISE_LINUX).
      - Required to create a baseline. It cannot change later; a different value is an error.
    type: str
    choices: [WINDOWS, AMAZON_LINUX, AMAZON_LINUX_2, AMAZON_LINUX_2022, UBUNTU, REDHAT_ENTERPRISE_LINUX, SUSE, CENTOS,
              ORACLE_LINUX, DEBIAN, MACOS, RASPBIAN, ROCKY_LINUX, ALMA_LINUX, AMAZON_LINUX_2023]
  description:
    description:
      - A description of the baseline, 1 to 1024 characters.
    type: str
  approval_rules:
    description:
      - Rules that approve patches automatically; at most 10. Their order does not matter.
      - Each rule needs O(approval_rules[].approve_after_days) or O(approval_rules[].approve_until_date),
        except on Debian, Raspbian and Ubuntu, which take neither.
    type: list
    elements: dict
    suboptions:
      patch_filters:
        description:
          - Filter key to values (a list, or one value), at most 4 keys with 1 to 20 values each.
          - Keys depend on the operating system, for example V(PRODUCT), V(CLASSIFICATION) and
            V(SEVERITY) on Amazon Linux; V(PRODUCT), V(CLASSIFICATION), V(MSRC_SEVERITY) on Windows;
            V(PRODUCT), V(PRIORITY), V(SECTION) on Debian, Raspbian and Ubuntu; V(PRODUCT),
            V(CLASSIFICATION) on macOS; Windows also takes V(PRODUCT_FAMILY) and V(PATCH_SET).
          - V(*) matches every value. The console's V(All) is accepted and sent as V(*).
          - Must not be empty (a rule without filters would approve every patch).
          - Values of the keys DescribePatchProperties lists for the operating system are checked
            against it (see O(validate_filter_values)).
        type: dict
        required: true
      approve_after_days:
        description:
          - Days (0 to 360) after a patch's release that it is approved.
        type: int
      approve_until_date:
        description:
          - Patches released up to this date (V(YYYY-MM-DD)) are approved.
        type: str
      compliance_level:
        description:
          - The compliance severity reported when a patch this rule approves is missing.
        type: str
        choices: [CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNSPECIFIED]
        default: UNSPECIFIED
      enable_non_security:
        description:
          - Also approve non-security updates (Linux only).
        type: bool
        default: false
  global_filters:
    description:
      - Filter key to values that every patch must match to be considered at all; at most 4 keys.
      - Takes the keys O(approval_rules[].patch_filters) takes for the operating system (AWS documents
        no others for a baseline).
    type: dict
  approved_patches:
    description:
      - Patches approved whatever the rules say (names, KB ids or wildcards such as V(kernel*)); at most 50.
    type: list
    elements: str
  approved_patches_compliance_level:
    description:
      - The compliance severity reported when an explicitly approved patch is missing.
    type: str
    choices: [CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNSPECIFIED]
  approved_patches_enable_non_security:
    description:
      - Explicitly approved patches include non-security updates (Linux only).
    type: bool
  rejected_patches:
    description:
      - Patches never approved; at most 50.
    type: list
    elements: str
  rejected_patches_action:
    description:
      - V(ALLOW_AS_DEPENDENCY) installs a rejected patch when another package needs it;
        V(BLOCK) never installs it.
    type: str
    choices: [ALLOW_AS_DEPENDENCY, BLOCK]
  sources:
    description:
      - Alternative package repositories (Linux only); at most 20.
    type: list
    elements: dict
    suboptions:
      name:
        description: A name for the source, 3 to 50 letters, digits, V(_), V(-) or V(.).
        type: str
        required: true
      products:
        description: The operating system versions the source applies to, such as V(AmazonLinux2).
        type: list
        elements: str
        required: true
      configuration:
        description:
          - The repository configuration (a yum repo file's content, for example), 1 to 1024 characters.
          - It may hold credentials, so it is C(no_log) and masked in the result and the diff.
        type: str
        required: true
  available_security_updates_compliance_status:
    description:
      - How nodes with security updates that are available but not approved are reported (Windows only).
    type: str
    choices: [COMPLIANT, NON_COMPLIANT]
  default_baseline:
    description:
      - V(true) makes this baseline the default of its operating system.
      - V(false) while it is the default restores the AWS-owned default baseline of that system
        (an error for that AWS-owned default itself; make another baseline the default instead).
      - Works for AWS-owned baselines too, for example to give the default back to
        V(AWS-AmazonLinux2DefaultPatchBaseline) after another baseline took it.
      - Left out, the default is left as it is.
    type: bool
  validate_filter_values:
    description:
      - Check the values of O(approval_rules[].patch_filters) and O(global_filters) against
        DescribePatchProperties before anything is written. A value the API does not list for the
        operating system (for example V(SecurityUpdates) as a RHEL V(CLASSIFICATION), or V(Requird) as
        an Ubuntu V(PRIORITY)) would approve nothing; the error names the option and the closest
        valid values.
      - Only the keys DescribePatchProperties enumerates for the system are checked (V(PRODUCT),
        V(CLASSIFICATION), V(SEVERITY) on Amazon Linux, Amazon Linux 2 and 2023, CentOS, Oracle Linux,
        RHEL and SUSE; V(PRODUCT), V(PRIORITY) on Debian and Ubuntu; V(PRODUCT), V(CLASSIFICATION) on
        macOS; V(PRODUCT), V(PRODUCT_FAMILY), V(CLASSIFICATION), V(MSRC_SEVERITY) on Windows, by the
        group's V(PATCH_SET)). V(*) and values with a wildcard are never checked, nor the keys
        DescribePatchProperties does not enumerate (V(SECTION), V(PATCH_SET)).
      - The filters a task gives are checked whether or not they change, in check mode too. Each
        listing is read once a run. V(false) skips the check (and the C(ssm:DescribePatchProperties)
        permission it needs).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads everything (and checks the filter values against DescribePatchProperties), then predicts
        the result without a create, update, delete, tag or default change. A baseline that would be
        created has no id, ARN or dates yet (null in RV(patch_baseline)).
  diff_mode:
    support: full
    details:
      - The baseline before and after, in the shape of RV(patch_baseline); repository configurations
        are masked.
seealso:
  - module: cloudpatch.ssm.ssm_patch_baseline_info
    description: Read baselines, AWS-owned ones included, and each operating system's default.
  - module: cloudpatch.ssm.ssm_patch_group
    description: Register a patch group with the baseline and put nodes in the group.
  - module: cloudpatch.ssm.ssm_patch_run
    description: Scan or install with the baseline that applies to each node.
  - name: Predefined and custom patch baselines
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-predefined-and-custom-patch-baselines.html
    description: What a patch baseline approves, and the AWS-owned (predefined) baselines.
  - name: Package name formats for approved and rejected patch lists
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-approved-rejected-package-name-formats.html
    description: The formats O(approved_patches) and O(rejected_patches) accept for each operating system.
  - name: Setting an existing patch baseline as the default
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-default-patch-baseline.html
    description: What O(default_baseline) does.
  - name: CreatePatchBaseline
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreatePatchBaseline.html
    description: The API call that creates a baseline (and its C(ClientToken)).
  - name: UpdatePatchBaseline
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
    description: The API call that changes a baseline.
  - name: RegisterDefaultPatchBaseline
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterDefaultPatchBaseline.html
    description: The API call that makes a baseline its operating system's default.
"""

EXAMPLES = r"""
- name: Create the workshop's Amazon Linux 2 baseline
  cloudpatch.ssm.ssm_patch_baseline:
    name: AmazonLinux2SecAndNonSecBaseline
    operating_system: AMAZON_LINUX_2
    description: Amazon Linux 2 patch baseline including security and non-security patches
    approval_rules:
      - patch_filters:
          PRODUCT: All
          CLASSIFICATION: [Security, Bugfix]
          SEVERITY: All
        approve_after_days: 0
        compliance_level: CRITICAL
      - patch_filters:
          PRODUCT: All
        approve_after_days: 0
        compliance_level: MEDIUM
        enable_non_security: true
    approved_patches: ["kernel*"]
    approved_patches_compliance_level: HIGH
    approved_patches_enable_non_security: true
    tags:
      Workshop: patch-management

- name: Make it the default for Amazon Linux 2
  cloudpatch.ssm.ssm_patch_baseline:
    name: AmazonLinux2SecAndNonSecBaseline
    default_baseline: true

- name: An internal mirror whose repository file holds a password (never shown)
  cloudpatch.ssm.ssm_patch_baseline:
    name: AmazonLinux2SecAndNonSecBaseline
    sources:
      - name: internal-mirror
        products: [AmazonLinux2]
        configuration: "{{ lookup('ansible.builtin.file', 'mirror.repo') }}"

- name: One of two baselines that share a name, by id
  cloudpatch.ssm.ssm_patch_baseline:
    baseline_id: pb-0123456789abcdef0
    description: The one the App group uses

- name: Give the Amazon Linux 2 default back to the AWS-owned baseline
  cloudpatch.ssm.ssm_patch_baseline:
    name: AWS-AmazonLinux2DefaultPatchBaseline
    default_baseline: true

- name: Delete it (patch groups are deregistered and the AWS default restored first)
  cloudpatch.ssm.ssm_patch_baseline:
    name: AmazonLinux2SecAndNonSecBaseline
    state: absent
"""

RETURN = r"""
patch_baseline:
  description:
    - The baseline after the task, in the shape of this module's options. In check mode, the
      predicted result (a new baseline has no id, ARN or dates yet).
    - Empty after V(state=absent).
  returned: always
  type: dict
  contains:
    baseline_id:
      description: The baseline's id (an ARN for an AWS-owned baseline); null in check mode for a baseline not created yet.
      returned: when O(state=present)
      type: str
      sample: pb-0c10e65780EXAMPLE
    arn:
      description: The baseline's ARN; null in check mode for a baseline not created yet.
      returned: when O(state=present)
      type: str
      sample: arn:aws:ssm:us-east-1:123456789012:patchbaseline/pb-0c10e65780EXAMPLE
    name:
      description: The baseline's name.
      returned: when O(state=present)
      type: str
      sample: AmazonLinux2SecAndNonSecBaseline
    owner:
      description: V(Self) for the account's baselines, V(AWS) for an AWS-owned one made the default.
      returned: when O(state=present)
      type: str
      sample: Self
    operating_system:
      description: The operating system.
      returned: when O(state=present)
      type: str
      sample: AMAZON_LINUX_2
    description:
      description: The description, or null.
      returned: when O(state=present)
      type: str
      sample: Amazon Linux 2 patch baseline including security and non-security patches
    approval_rules:
      description: The approval rules.
      returned: when O(state=present)
      type: list
      elements: dict
      contains:
        patch_filters:
          description: Filter key to values; V(*) matches every value.
          returned: always
          type: dict
          sample: {"PRODUCT": ["*"], "CLASSIFICATION": ["Security", "Bugfix"]}
        approve_after_days:
          description: Days after release that matching patches are approved, or null.
          returned: always
          type: int
          sample: 0
        approve_until_date:
          description: Patches released up to this date (YYYY-MM-DD) are approved, or null.
          returned: always
          type: str
          sample: null
        compliance_level:
          description: The compliance level reported for a missing patch the rule approves.
          returned: always
          type: str
          sample: MEDIUM
        enable_non_security:
          description: Whether the rule also approves non-security updates (Linux).
          returned: always
          type: bool
          sample: true
    global_filters:
      description: Filter key to values that every patch must match.
      returned: when O(state=present)
      type: dict
      sample: {}
    approved_patches:
      description: Explicitly approved patches.
      returned: when O(state=present)
      type: list
      elements: str
      sample: ["kernel*"]
    approved_patches_compliance_level:
      description: Their compliance level.
      returned: when O(state=present)
      type: str
      sample: HIGH
    approved_patches_enable_non_security:
      description: Whether they include non-security updates.
      returned: when O(state=present)
      type: bool
      sample: true
    rejected_patches:
      description: Explicitly rejected patches.
      returned: when O(state=present)
      type: list
      elements: str
      sample: []
    rejected_patches_action:
      description: What happens to rejected patches other packages depend on.
      returned: when O(state=present)
      type: str
      sample: ALLOW_AS_DEPENDENCY
    sources:
      description: Alternative repositories.
      returned: when O(state=present)
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
          description: Always V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER), never the repository file.
          returned: always
          type: str
          sample: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
    available_security_updates_compliance_status:
      description: How available security updates that are not approved are reported (Windows only), or null.
      returned: when O(state=present)
      type: str
      sample: null
    patch_groups:
      description: The patch groups registered with the baseline.
      returned: when O(state=present)
      type: list
      elements: str
      sample: ["App"]
    default_baseline:
      description: Whether it is its operating system's default.
      returned: when O(state=present)
      type: bool
      sample: false
    tags:
      description: The baseline's tags (AWS-owned baselines have none).
      returned: when O(state=present)
      type: dict
      sample: {"Workshop": "patch-management"}
    created_date:
      description: When it was created (ISO 8601); null in check mode for a baseline not created yet.
      returned: when O(state=present)
      type: str
      sample: "2026-11-30T10:00:00+00:00"
    modified_date:
      description: When it last changed (ISO 8601); null in check mode for a baseline not created yet.
      returned: when O(state=present)
      type: str
      sample: "2026-11-30T10:00:00+00:00"
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import aws_default_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import aws_owned_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import baseline_arn
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import baseline_operating_system
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import baseline_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import changed_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import client_token
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import fields_to_api
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import filter_value_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import find_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import is_aws_owned
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import masked
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import masked_diff
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import owned_by_aws
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import present_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import property_lookups
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import validate_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.resource_tags import ensure_tags
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import AnsibleSSMError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import create_patch_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import delete_patch_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import deregister_patch_baseline_for_patch_group
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_properties
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_default_patch_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_patch_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import register_default_patch_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import ssm_enum
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import update_patch_baseline

# A create whose token leads to a baseline deleted or renamed since gets a new token; a few rounds
# at most (each needs someone to delete or rename the baseline just created).
MAX_CREATE_ATTEMPTS = 5


def describe(client, definition, arn_of):
    """The collection's shape of a GetPatchBaseline result, with tags and default flag."""
    baseline_id = definition["BaselineId"]
    is_default = get_default_patch_baseline(client, definition["OperatingSystem"]) == baseline_id
    # AWS-owned baselines have no tags of the account's.
    tags = {} if is_aws_owned(baseline_id) else list_tags_for_resource(client, "PatchBaseline", baseline_id)
    return baseline_to_ansible(definition, arn=arn_of(baseline_id), tags=tags, default_baseline=is_default)


def check_filter_values(client, desired, operating_system, region):
    """Every filter value DescribePatchProperties can enumerate must be one it lists: ParameterError otherwise.

    Each listing is read once, whatever the number of filters using it.
    """
    known = {}
    for lookup in property_lookups(desired, operating_system):
        try:
            known[lookup] = describe_patch_properties(client, *lookup)
        except AnsibleSSMError as e:
            raise ParameterError(
                f"cannot read the {lookup[1]} values of {lookup[0]} in {region} to check the patch filters "
                f"({e}); set validate_filter_values: false to skip the check"
            ) from e
    errors = filter_value_errors(desired, operating_system, known)
    if errors:
        raise ParameterError("; ".join(errors))


def set_default(client, baseline, make_default, check_mode, region):
    """Register the baseline as its OS's default, or give the default back to AWS's. True if it changed."""
    if make_default is None or make_default == baseline["default_baseline"]:
        return False
    if not make_default:
        aws_default = aws_default_baseline_id(client, region, baseline["operating_system"])
        if aws_default == baseline["baseline_id"]:
            raise ParameterError(
                f"default_baseline: {baseline['name']} is the AWS default of {baseline['operating_system']} in "
                f"{region}; to stop it being the default, make another baseline the default"
            )
    if not check_mode:
        register_default_patch_baseline(client, baseline["baseline_id"] if make_default else aws_default)
    baseline["default_baseline"] = make_default
    return True


def predicted_baseline(params, desired):
    """What check mode says a create would make (the id is AWS's to give)."""
    predicted = baseline_to_ansible(
        {"BaselineId": None, "Name": params["name"], "OperatingSystem": params["operating_system"]},
        tags=params["tags"] or {},
        default_baseline=False,
    )
    predicted.update(desired)
    predicted["owner"] = "Self"
    return predicted


def create_with_token(client, params, request, region):
    """CreatePatchBaseline with a ClientToken of the request; the GetPatchBaseline result of what it made."""
    reused = []
    for _attempt in range(MAX_CREATE_ATTEMPTS):
        baseline_id = create_patch_baseline(
            client,
            Name=params["name"],
            OperatingSystem=params["operating_system"],
            ClientToken=client_token(params["name"], params["operating_system"], request, reused),
            **request
        )
        definition = get_patch_baseline(client, baseline_id)
        if definition is not None and definition["Name"] == params["name"]:
            return definition
        # The token's baseline was deleted or renamed since it was made: this is a new create.
        reused.append(baseline_id)
    raise ParameterError(
        f"name: every create of {params['name']} in {region} led to a baseline deleted or renamed since "
        f"({', '.join(reused)}); run the task again"
    )


def create(client, params, desired, check_mode, region, arn_of):
    """Create the baseline; returns (changed, after)."""
    if check_mode:
        predicted = predicted_baseline(params, desired)
        set_default(client, predicted, params["default_baseline"], check_mode, region)
        return True, predicted
    request = fields_to_api(desired)
    if params["tags"]:
        request["Tags"] = sorted(ansible_dict_to_boto3_tag_list(params["tags"]), key=lambda tag: tag["Key"])
    definition = create_with_token(client, params, request, region)
    if params["default_baseline"]:
        register_default_patch_baseline(client, definition["BaselineId"])
    return True, describe(client, definition, arn_of)


def update(client, current, params, desired, check_mode, region, arn_of):
    """Bring an existing baseline to what the task asks; returns (changed, after)."""
    baseline = dict(current)
    changes = changed_fields(current, desired)
    if params["name"] is not None and params["name"] != current["name"]:
        changes["name"] = params["name"]
    if changes and not check_mode:
        api_changes = fields_to_api(dict((key, value) for key, value in changes.items() if key != "name"))
        if "name" in changes:
            api_changes["Name"] = changes["name"]
        update_patch_baseline(client, current["baseline_id"], **api_changes)
    baseline.update(changes)
    changed = bool(changes)
    tags_changed, baseline["tags"] = ensure_tags(client, "PatchBaseline", baseline["baseline_id"], baseline["tags"],
                                                 params["tags"], params["purge_tags"], check_mode)
    changed |= tags_changed
    changed |= set_default(client, baseline, params["default_baseline"], check_mode, region)
    if changed and not check_mode:
        return True, describe(client, get_patch_baseline(client, current["baseline_id"]), arn_of)
    return changed, baseline


def ensure_present(client, current, params, desired, check_mode, region, arn_of, operating_systems):
    """Create the task's own baseline, or update it; returns (changed, after)."""
    error = present_error(current, params, desired, operating_systems, region)
    if error:
        raise ParameterError(error)
    if params["validate_filter_values"]:
        check_filter_values(client, desired, baseline_operating_system(current, params), region)
    if current is None:
        return create(client, params, desired, check_mode, region, arn_of)
    return update(client, current, params, desired, check_mode, region, arn_of)


def ensure_absent(client, current, check_mode, region):
    """Deregister the baseline from its groups, give its OS default back to AWS, delete it; returns (changed, {})."""
    if current is None:
        return False, {}
    if not check_mode:
        for patch_group in current["patch_groups"]:
            deregister_patch_baseline_for_patch_group(client, current["baseline_id"], patch_group)
        set_default(client, current, False, check_mode, region)
        delete_patch_baseline(client, current["baseline_id"])
    return True, {}


def ensure_aws_owned(client, current, params, check_mode, region):
    """An AWS-owned baseline is read only: a task can only make it (or stop it being) its OS's default."""
    error = aws_owned_error(current, params)
    if error:
        raise ParameterError(error)
    baseline = dict(current)
    return set_default(client, baseline, params["default_baseline"], check_mode, region), baseline


def main():
    rule_spec = dict(
        patch_filters=dict(type="dict", required=True),
        approve_after_days=dict(type="int"),
        approve_until_date=dict(type="str"),
        compliance_level=dict(
            type="str", choices=["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED"], default="UNSPECIFIED"
        ),
        enable_non_security=dict(type="bool", default=False),
    )
    source_spec = dict(
        name=dict(type="str", required=True),
        products=dict(type="list", elements="str", required=True),
        # A repository file may hold credentials (AWS marks PatchSourceConfiguration sensitive).
        configuration=dict(type="str", required=True, no_log=True),
    )
    argument_spec = dict(
        name=dict(type="str"),
        baseline_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        # The SSM model's OperatingSystem enum, written out so that the spec loads without botocore
        # (tests/unit/plugins/modules/test_documentation.py checks it against botocore's).
        operating_system=dict(type="str", choices=[
            "WINDOWS", "AMAZON_LINUX", "AMAZON_LINUX_2", "AMAZON_LINUX_2022", "UBUNTU", "REDHAT_ENTERPRISE_LINUX", "SUSE",
            "CENTOS", "ORACLE_LINUX", "DEBIAN", "MACOS", "RASPBIAN", "ROCKY_LINUX", "ALMA_LINUX", "AMAZON_LINUX_2023",
        ]),
        description=dict(type="str"),
        approval_rules=dict(type="list", elements="dict", options=rule_spec),
        global_filters=dict(type="dict"),
        approved_patches=dict(type="list", elements="str"),
        approved_patches_compliance_level=dict(
            type="str", choices=["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED"]
        ),
        approved_patches_enable_non_security=dict(type="bool"),
        rejected_patches=dict(type="list", elements="str"),
        rejected_patches_action=dict(type="str", choices=["ALLOW_AS_DEPENDENCY", "BLOCK"]),
        sources=dict(type="list", elements="dict", options=source_spec),
        available_security_updates_compliance_status=dict(type="str", choices=["COMPLIANT", "NON_COMPLIANT"]),
        default_baseline=dict(type="bool"),
        validate_filter_values=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleCloudpatchSSMModule(
        argument_spec=argument_spec,
        required_one_of=[("name", "baseline_id")],
        supports_check_mode=True,
    )
    params = module.params
    operating_systems = ssm_enum("OperatingSystem")
    desired, errors = validate_parameters(params, operating_systems)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ssm")
    try:
        account_id, partition = get_aws_account_info(module)

        def arn_of(baseline_id):
            return baseline_arn(baseline_id, module.region, account_id, partition)

        definition = find_baseline(client, module.region, name=params["name"], baseline_id=params["baseline_id"])
        current = describe(client, definition, arn_of) if definition else None
        if owned_by_aws(definition):
            changed, after = ensure_aws_owned(client, current, params, module.check_mode, module.region)
        elif params["state"] == "absent":
            changed, after = ensure_absent(client, current, module.check_mode, module.region)
        else:
            changed, after = ensure_present(client, current, params, desired, module.check_mode, module.region, arn_of, operating_systems)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    # Idempotency compared the real configurations; results and diffs never show them.
    module.exit_json(changed=changed, patch_baseline=masked(after), diff=masked_diff(current, after))


if __name__ == "__main__":
    main()
