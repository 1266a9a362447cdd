#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_run
version_added: 0.1.0
short_description: Scan for or install patches with AWS Systems Manager Patch Manager, at fleet scale
description:
  - Runs C(AWS-RunPatchBaseline) (or C(AWS-RunPatchBaselineWithHooks) when a lifecycle hook is given)
    on the nodes you target, as the console's B(Patch now) does, through Run Command or a one-time
    State Manager association, and waits for the result.
  - SSM does the fan-out. Waiting costs one call a poll for each command still going, and ceil(N/50)
    calls to read N nodes' results once it is over; never one call per node.
  - A command takes at most 50 ids, so more than 50 explicit instance ids, and every node with
    O(all_instances=true) and O(mechanism=command), are sent as several commands of at most 50 ids and
    their results merged. O(max_concurrency) and O(max_errors) keep their meaning for the whole run
    however many commands it takes (see there).
  - Returns a summary and one row per node (status, reason, output URL, patch counts after the run).
  - The task fails when more nodes failed than O(max_errors) allows, or the run failed, with each
    node's reason in the result.
  - Never more than asked. An empty or blank target (V([]), V(""), V({}), a blank element, a tag
    without a value) is an error naming the option; O(all_instances=true) is the only way to target
    every node, and nothing defaults to it.
  - A target that matches no managed node (a tag or patch group nobody carries, ids that are not
    managed nodes, a resource group that does not exist, is empty or holds no managed node) fails
    before anything is sent, naming the region. If AWS then resolves a command's targets to none
    (a node stopped in between), the task (with O(wait=true)) fails as soon as the command says so (C(TargetCount) 0 once
    it is no longer Pending), with the command id.
  - Once a command or association was created, every failure (a denied read, a lost endpoint,
    O(wait_timeout), O(execution_timeout), too many failed nodes) still returns RV(command_ids) or
    RV(association_id), and C(changed=true) for an install, so a running install can be followed up.
  - O(operation=scan) never reports a change. O(operation=install) reports one only if a node
    installed a patch or rebooted (or, failing after the send, because an install was started).
  - Check mode sends nothing and returns the targeted nodes and the exact document and parameters
    that would be sent. For an install it predicts the change from the nodes' patch states (their
    last scan or install, read 50 nodes a call) and says why each node would change in
    RV(would_change); a scan never changes anything.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  operation:
    description:
      - V(scan) reports missing patches; V(install) installs the approved ones that are missing.
    type: str
    choices: [scan, install]
    required: true
  instance_ids:
    description:
      - Target these managed nodes (C(i-) or C(mi-) ids), each a managed node of the region (else the
        task fails before sending, as SendCommand would refuse the request), none twice.
      - One of O(instance_ids), O(patch_groups), O(tags), O(resource_group) and O(all_instances) is required.
      - An empty list or a blank id is an error, never every node.
    type: list
    elements: str
  patch_groups:
    description:
      - Target the nodes of these patch groups (tagged C(Patch Group) or C(PatchGroup)).
      - An empty list or a blank name is an error; a group no node is in (even among others) fails
        before sending.
    type: list
    elements: str
  tags:
    description:
      - Target the nodes carrying all these tags (key to a value or a list of values); at most 5 keys.
      - An empty dict, a blank key or value, or an empty list of values is an error.
    type: dict
  resource_group:
    description:
      - Target the nodes of this resource group (its name, as Run Command's C(resource-groups:Name) takes it).
      - The module lists the group's EC2 instances and hybrid nodes (Resource Groups' ListGroupResources)
        and keeps the managed nodes among them; a group that does not exist, is empty or holds no
        managed node fails before sending.
      - Needs the permission C(resource-groups:ListGroupResources).
    type: str
  all_instances:
    description:
      - Target every managed node of the region (the console's B(Patch all instances)).
      - The only way to target every node; V(false) is an error (choose other targets instead).
      - With O(mechanism=association), one association targeting C(InstanceIds=*), as the console's
        B(Patch now) does. With O(mechanism=command), the managed nodes the module listed, by id, in
        commands of at most 50. Run Command takes no C(InstanceIds=*), as the API reference's Target page says
        (it lists it for State Manager only). A node registered after the listing is not in the run.
    type: bool
  mechanism:
    description:
      - V(command) runs a Run Command command (SendCommand); V(association) creates a State Manager
        association without a schedule, which runs once, as the console's B(Patch now) does.
    type: str
    choices: [command, association]
    default: command
  snapshot_id:
    description:
      - The GUID of the baseline snapshot every node evaluates (the whole value, as
        C(8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e)). By default one new GUID shared by every node of the run.
    type: str
  output_s3_bucket:
    description:
      - Bucket for the nodes' command output, named as S3's bucket naming rules require.
    type: str
  output_s3_prefix:
    description:
      - Key prefix of the output in O(output_s3_bucket) (at most 500 characters); needs O(output_s3_bucket).
    type: str
  output_s3_region:
    description:
      - Region of O(output_s3_bucket), when not the run's region (a region botocore knows); needs O(output_s3_bucket).
    type: str
  cloudwatch_log_group:
    description:
      - CloudWatch Logs group for the output (O(mechanism=command) only), 1-512 of letters, digits,
        C(.), C(-), C(_), C(/) and C(#), as CloudWatch Logs names groups.
    type: str
  max_concurrency:
    description:
      - How many nodes run at once, as a number (at least 1) or a percentage (1% to 100%), the
        SendCommand API's pattern, at most 7 characters.
      - Over a run of several commands (more than 50 ids, O(all_instances) with O(mechanism=command),
        patch groups tagged both ways), a percentage applies to each command's nodes and every command
        is sent at once, so the same share of all the targeted nodes runs at a time. A number N is
        shared by the whole run, never N per command. Each command gets at most N (no more than its
        nodes), and the module sends the next command only when the commands still running and it
        together have at most N; with N=50 and 120 nodes, the commands of 50, 50 and 20 nodes run one
        after the other. The module sends them while it polls, so with O(wait=false) it still waits
        until the last command is sent.
      - By default the console's Patch now rules, from the operation and the number of targeted
        nodes (install; 1 below 25 nodes, 5% to 100, 8% to 1,000, 10% above; scan; 1,000).
    type: str
  max_errors:
    description:
      - How many nodes may fail before the run stops, as a number (0 or more) or a percentage (0% to
        100%), the SendCommand API's pattern, at most 7 characters.
      - Over a run of several commands, a percentage applies to each command's nodes. A number E is a
        budget for the whole run. Each command is sent with what is left (E minus the failed nodes of
        the commands sent before it, their C(ErrorCount)). Once more than E nodes failed, no further
        command is sent, and their nodes count as failed with the reason C(not sent) in RV(failures).
        Commands that run at the same time can each use what was left when they were sent, just as
        nodes already running when a single command reaches its limit may still fail.
      - By default the console's Patch now rules (install; 1 below 25 nodes, 5 to 100, 10 above;
        scan; 1,000).
    type: str
  timeout_seconds:
    description:
      - Seconds a node may take to start the command before it counts as Delivery Timed Out (30 to 2592000).
    type: int
  execution_timeout:
    description:
      - Seconds the run may take once sent. The commands still going then are cancelled (nodes
        not done end Cancelled), commands not sent yet never are, and the task fails.
      - C(AWS-RunPatchBaseline) takes no execution timeout of its own (its steps stop after two
        hours), so the module enforces this one while it waits; it needs O(wait=true).
      - 1 to 172800 (two days).
    type: int
  comment:
    description:
      - A comment for the command, at most 100 characters.
    type: str
  notification:
    description:
      - SNS notification of the command's status changes (O(mechanism=command) only).
    type: dict
    suboptions:
      topic_arn:
        description: The SNS topic's ARN (C(arn:aws:sns:REGION:ACCOUNT:NAME)).
        type: str
        required: true
      role_arn:
        description: The ARN of the IAM role SSM assumes to publish (C(arn:aws:iam::ACCOUNT:role/NAME)).
        type: str
        required: true
      events:
        description: The events to notify.
        type: list
        elements: str
        choices: [All, InProgress, Success, TimedOut, Cancelled, Failed]
        default: [All]
  wait:
    description:
      - Wait for the run to end. With V(false), return at once with the ids.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait before failing the task (the run goes on in AWS, and the task returns its ids).
      - 1 to 172800 (two days). To follow a longer run, use O(wait=false) and the returned ids.
    type: int
    default: 3600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
  - cloudpatch.ssm.patching
attributes:
  check_mode:
    support: full
    details:
      - Resolves the targets and checks the hooks, then returns the document, parameters and targets
        that would be sent, without sending a command or creating an association. For an install,
        C(changed) and RV(would_change) are predicted from the nodes' patch states (their last scan or
        install).
  diff_mode:
    support: none
    details:
      - An install changes packages on the nodes; the module reports what a run did in RV(summary) and
        RV(nodes), not as a diff.
seealso:
  - module: cloudpatch.ssm.ssm_patch_compliance_info
    description: The compliance the run leaves behind, per node and as the dashboard's counts.
  - module: cloudpatch.ssm.ssm_patch_group
    description: Put nodes in the patch groups that O(patch_groups) targets.
  - module: cloudpatch.ssm.ssm_compliance_export
    description: A compliance report of the nodes after the run.
  - name: Patching managed nodes on demand
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-patch-now-on-demand.html
    description: The console's Patch now, which this module does at fleet scale.
  - name: AWS-RunPatchBaseline
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaseline.html
    description: The document run, and its parameters.
  - name: AWS-RunPatchBaselineWithHooks
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaselinewithhooks.html
    description: The document run when a lifecycle hook is given.
  - name: Run commands at scale
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/send-commands-multiple.html
    description: Targets and rate controls (O(max_concurrency), O(max_errors)).
  - name: SendCommand
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
    description: The API call of O(mechanism=command).
  - name: CreateAssociation
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html
    description: The API call of O(mechanism=association).
"""

EXAMPLES = r"""
- name: Scan every managed node, output to the workshop's bucket (the console's Patch now, Scan)
  cloudpatch.ssm.ssm_patch_run:
    operation: scan
    all_instances: true
    output_s3_bucket: "ssm-command-logs-{{ aws_region }}-{{ aws_account }}"
  register: scan

- name: Install on the App patch group, rebooting if needed, with hooks
  cloudpatch.ssm.ssm_patch_run:
    operation: install
    patch_groups: [App]
    pre_install_hook: DrainFromLoadBalancer
    on_exit_hook: ReturnToLoadBalancer
  register: install

- name: Show what the install did
  ansible.builtin.debug:
    msg: "{{ install.summary.patches_installed }} patches on {{ install.summary.succeeded }} nodes"

- name: Predict which nodes of a resource group an install would change
  cloudpatch.ssm.ssm_patch_run:
    operation: install
    resource_group: web-servers
    reboot_option: NoReboot
  check_mode: true
  register: predicted

- name: Show why each node would change
  ansible.builtin.debug:
    var: predicted.would_change

- name: Install on two nodes; if the task fails after the send, the command ids are still returned
  cloudpatch.ssm.ssm_patch_run:
    operation: install
    instance_ids: [i-0123456789abcdef0, i-0fedcba9876543210]
    max_errors: "0"
    wait_timeout: 7200
  register: pinned
  ignore_errors: true

- name: Follow up a run that was sent
  ansible.builtin.debug:
    msg: "Run Command ids to follow: {{ pinned.command_ids | default([]) | join(', ') }}"
"""

RETURN = r"""
command_ids:
  description:
    - The Run Command command ids of the run, every command it sent (several when more than 50 nodes
      were targeted by id or with O(all_instances)).
    - Also when the task fails after the send (a denied read, O(wait_timeout), zero targets), so the
      run can be followed up.
  returned: when sent, with O(mechanism=command), also on failure
  type: list
  elements: str
  sample: ["d2a1c3f4-5b6e-4f70-8a9b-0c1d2e3f4a5b"]
association_id:
  description: The association that ran (O(mechanism=association)), also when the task fails after creating it.
  returned: when sent, with O(mechanism=association), also on failure
  type: str
  sample: 8dfe3659-4309-493a-8755-0123456789ab
document:
  description: The document run.
  returned: always
  type: str
  sample: AWS-RunPatchBaseline
parameters:
  description: The document parameters sent.
  returned: always
  type: dict
  sample: {"Operation": ["Scan"], "SnapshotId": ["8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"], "RebootOption": ["RebootIfNeeded"]}
targets:
  description: The Targets of each command or of the association.
  returned: always
  type: list
  elements: list
  sample: [[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0", "i-0fedcba9876543210"]}]]
operation:
  description: Scan or Install.
  returned: always
  type: str
  sample: Scan
snapshot_id:
  description: The snapshot GUID every node evaluated.
  returned: always
  type: str
  sample: 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e
max_concurrency:
  description: The concurrency used.
  returned: always
  type: str
  sample: "1000"
max_errors:
  description: The error threshold used.
  returned: always
  type: str
  sample: "1000"
status:
  description:
    - The run's overall status (Success, Failed, TimedOut, Cancelled, InProgress when not waiting or
      past O(wait_timeout)), NotSent in check mode, NoTargets when AWS resolved the targets to no node,
      Unknown when a call failed after the send.
  returned: always
  type: str
  sample: Success
would_change:
  description:
    - In check mode, node id to why an install would change it, from its patch state (its last scan
      or install) - patches missing or failed, patches installed pending a reboot (with
      O(reboot_option=RebootIfNeeded), which would reboot it), or never scanned (no patch state).
      Nodes that would not change are left out; empty for a scan.
    - C(changed) is true when it names any node.
  returned: in check mode
  type: dict
  sample: {"i-0123456789abcdef0": "3 missing", "i-0fedcba9876543210": "never scanned: no patch state"}
command_count:
  description:
    - How many Run Command commands the run sends (or, in check mode, would send), one per element of
      RV(targets); 0 with O(mechanism=association).
    - With an absolute O(max_concurrency) or O(max_errors), fewer may be sent (the budget spent, or
      O(execution_timeout) passed); RV(command_ids) lists those sent.
  returned: always
  type: int
  sample: 3
targeted_nodes:
  description: The ids of the managed nodes the run targets (as found before sending).
  returned: always
  type: list
  elements: str
  sample: ["i-0123456789abcdef0"]
summary:
  description: Counts over the run's nodes.
  returned: when waited for
  type: dict
  contains:
    targeted:
      description: The managed nodes the run targeted (RV(targeted_nodes)).
      returned: always
      type: int
      sample: 4
    succeeded:
      description: Nodes whose invocation ended C(Success).
      returned: always
      type: int
      sample: 4
    failed:
      description: Nodes whose invocation ended C(Failed).
      returned: always
      type: int
      sample: 0
    timed_out:
      description: Nodes whose invocation ended C(TimedOut).
      returned: always
      type: int
      sample: 0
    cancelled:
      description: Nodes whose invocation ended C(Cancelled).
      returned: always
      type: int
      sample: 0
    undeliverable:
      description: Nodes the command could not be delivered to (C(Undeliverable), C(Delivery Timed Out)).
      returned: always
      type: int
      sample: 0
    patches_installed:
      description: Patches the run installed, over the nodes whose count is known.
      returned: always
      type: int
      sample: 91
    nodes_installed_unknown:
      description: Nodes with no patch state before an install, whose installs cannot be counted (RV(nodes[].installed_by_run) null).
      returned: always
      type: int
      sample: 0
    patches_missing:
      description: Patches still missing after the run.
      returned: always
      type: int
      sample: 0
    patches_failed:
      description: Patches that failed to install.
      returned: always
      type: int
      sample: 0
    patches_pending_reboot:
      description: Patches installed that wait for a reboot.
      returned: always
      type: int
      sample: 0
    rebooted_nodes:
      description: Nodes the install rebooted (O(reboot_option=RebootIfNeeded)).
      returned: always
      type: int
      sample: 4
    not_sent:
      description:
        - Nodes whose command was never sent, because more nodes had failed than an absolute
          O(max_errors) allows for the run or O(execution_timeout) passed first. They count as failed.
      returned: always
      type: int
      sample: 0
nodes:
  description: One row per node the run reached, by node id.
  returned: when waited for
  type: list
  elements: dict
  contains:
    instance_id:
      description: The node's id.
      returned: always
      type: str
      sample: i-0123456789abcdef0
    name:
      description: The node's name as Run Command reports it, or null.
      returned: always
      type: str
      sample: null
    status:
      description: The invocation's status.
      returned: always
      type: str
      sample: Success
    details:
      description: The invocation's status details.
      returned: always
      type: str
      sample: Success
    response_code:
      description: The document's exit code (the largest in absolute value over its steps), or null.
      returned: always
      type: int
      sample: 0
    output_url:
      description: Where the node's standard output is (with O(output_s3_bucket)), or null.
      returned: always
      type: str
      sample: https://s3.us-east-1.amazonaws.com/bucket/cmd/i-0123456789abcdef0/awsrunShellScript/PatchLinux/stdout
    installed_by_run:
      description:
        - The growth of the node's installed patches (installed plus installed pending a reboot); 0 for a scan.
        - Null for a node that had no patch state before an install (never scanned), whose own installs
          cannot be told apart; such a node counts as changed.
      returned: always
      type: int
      sample: 23
    rebooted:
      description: Whether the install rebooted the node, as Patch Manager does with O(reboot_option=RebootIfNeeded) once it
        installed a patch or had patches pending a reboot.
      returned: always
      type: bool
      sample: true
    patch_counts:
      description: The node's patch counts after the run (zeros when it has no patch state).
      returned: always
      type: dict
      contains:
        installed:
          description: Patches installed.
          returned: always
          type: int
          sample: 310
        installed_other:
          description: Installed patches that the baseline does not specify.
          returned: always
          type: int
          sample: 0
        installed_pending_reboot:
          description: Patches installed that wait for a reboot.
          returned: always
          type: int
          sample: 0
        installed_rejected:
          description: Installed patches the baseline rejects.
          returned: always
          type: int
          sample: 0
        missing:
          description: Approved patches not installed.
          returned: always
          type: int
          sample: 0
        failed:
          description: Patches that failed to install.
          returned: always
          type: int
          sample: 0
        not_applicable:
          description: Patches that do not apply to the node.
          returned: always
          type: int
          sample: 12
failures:
  description: Node id to why it did not succeed (C(not sent ...) for the nodes of commands never sent).
  returned: when waited for
  type: dict
  sample: {"i-0fedcba9876543210": "Failed (Failed), response code 1"}
"""

import time
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import PENDING_STATUSES
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import TARGET_OPTIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import command_concurrency
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import command_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import describe_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import document_for
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import document_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import errors_left
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import failure_reasons
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import node_filters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import node_ids_of_arns
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import node_row
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import overall_status
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import patch_now_rate_controls
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import poll_delays
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import predicted_changes
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import run_outcome
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import sendable
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import summarize
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import validate_run
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import zero_target_commands
from ansible_collections.cloudpatch.ssm.plugins.module_utils.resource_groups_calls import list_group_node_arns
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import cancel_command
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import create_association
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_association_execution_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_association_executions
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_document
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_patch_states
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_command
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_command_invocations
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import send_command

HOOK_OPTIONS = {"pre_install": "pre_install_hook", "post_install": "post_install_hook", "on_exit": "on_exit_hook"}


def nodes_matching(client, params):
    """({node id: the tag key spelling that puts it in a patch group (or None)}, the patch groups no node is in)."""
    nodes = {}
    groups_seen = set()
    for filters in node_filters(params):
        key = next((f["Key"][4:] for f in filters if params.get("patch_groups") and f["Key"].startswith("tag:")), None)
        for node in describe_instance_information(client, filters):
            nodes.setdefault(node["InstanceId"], key)
            if key:
                groups_seen.add(filters[0]["Values"][0])
    unmatched = [group for group in params.get("patch_groups") or [] if group not in groups_seen]
    return nodes, unmatched


def targeted_nodes(client, groups_client, params, region):
    """The nodes the run targets, or ParameterError when the targets match none (nothing is sent then)."""
    if params.get("resource_group"):
        return resource_group_nodes(client, groups_client, params["resource_group"], region)
    nodes, unmatched_groups = nodes_matching(client, params)
    if unmatched_groups:
        # Each group named must be patched: a misspelt group among others would otherwise pass unseen.
        raise ParameterError(f"patch_groups {unmatched_groups!r} match no managed node in {region} "
                             "(no node is tagged Patch Group or PatchGroup with these values)")
    if params.get("instance_ids"):
        unknown = [node_id for node_id in params["instance_ids"] if node_id not in nodes]
        if unknown:
            # SendCommand refuses the whole request for one id that is not a managed node.
            what = "is not a managed node" if len(unknown) == 1 else "are not managed nodes"
            raise ParameterError(f"instance_ids: {', '.join(unknown)} {what} in {region} (not registered, stopped or not reporting to SSM)")
    if not nodes:
        if params.get("all_instances"):
            raise ParameterError(f"all_instances: there is no managed node in {region}")
        raise ParameterError(f"{describe_targets(params)} match no managed node in {region}")
    return nodes


def resource_group_nodes(client, groups_client, group, region):
    """The managed nodes among a resource group's members (ListGroupResources, then the managed-node listing)."""
    arns = list_group_node_arns(groups_client, group)
    if arns is None:
        raise ParameterError(f"resource_group {group} does not exist in {region}")
    member_ids = node_ids_of_arns(arns)
    if not member_ids:
        raise ParameterError(f"resource_group {group} holds no EC2 instance or managed node in {region}")
    nodes = nodes_matching(client, {"instance_ids": member_ids})[0]
    if not nodes:
        raise ParameterError(f"resource_group {group} holds {len(member_ids)} instance(s) in {region} but no managed node")
    return nodes


def patch_states(client, node_ids):
    """{node id: patch state} in batches of 50 ids, the API's limit."""
    states = {}
    for batch in chunks(sorted(node_ids), 50):
        for state in describe_instance_patch_states(client, batch):
            states[state["InstanceId"]] = state
    return states


class PatchRun:
    """A run as planned (document, parameters, targets, nodes, rate controls), and its ids once sent."""

    def __init__(self, client, params, nodes, region):
        self.client = client
        self.params = params
        self.region = region
        self.operation = params["operation"].capitalize()
        self.snapshot_id = params["snapshot_id"] or str(uuid.uuid4())
        self.hooks = dict((hook, params[option]) for hook, option in HOOK_OPTIONS.items())
        self.document = document_for(self.hooks)
        self.parameters = document_parameters(
            self.operation,
            self.snapshot_id,
            params["reboot_option"],
            params["install_override_list"],
            params["baseline_override"],
            self.hooks,
        )
        self.nodes = nodes
        defaults = patch_now_rate_controls(self.operation, len(nodes))
        self.max_concurrency = params["max_concurrency"] or defaults[0]
        self.max_errors = params["max_errors"] or defaults[1]
        keys_in_use = sorted(set(key for key in nodes.values() if key), reverse=True)
        self.targets = command_targets(params, keys_in_use, nodes)
        self.command_nodes = self._command_nodes()
        self.concurrencies = [command_concurrency(self.max_concurrency, len(nodes)) for nodes in self.command_nodes]
        # What was created so far: every failure after it reports these ids.
        self.sent = {}
        # The commands sent, in order, with their MaxConcurrency; the next one to send; the nodes
        # of commands never sent (max_errors spent, execution_timeout passed) and why.
        self.sent_commands = []
        self.next_command = 0
        self.not_sent = {}

    def _command_nodes(self):
        """The listed nodes each command targets (a command's MaxConcurrency is at most their number)."""
        nodes = []
        for targets in self.targets:
            if targets[0]["Key"] == "InstanceIds" and targets[0]["Values"] != ["*"]:
                nodes.append(list(targets[0]["Values"]))
            elif self.params.get("patch_groups"):
                key = targets[0]["Key"][len("tag:"):]
                nodes.append(sorted(node_id for node_id, spelling in self.nodes.items() if spelling == key))
            else:
                nodes.append(sorted(self.nodes))
        return nodes

    @property
    def pending(self):
        """Commands still to be sent."""
        return self.params["mechanism"] == "command" and self.next_command < len(self.targets)

    @property
    def changed_once_sent(self):
        """An install that was started changes nodes, whatever happens to the task afterwards."""
        return self.operation == "Install"

    def failure(self, message, status="Unknown"):
        """A ParameterError for a run already sent: it carries the ids, so the run can be followed up."""
        return ParameterError(message, **self.result(status=status, changed=self.changed_once_sent, **self.sent))

    def sent_summary(self):
        if "association_id" in self.sent:
            return f"association {self.sent['association_id']}"
        return f"command(s) {', '.join(self.sent.get('command_ids', []))}"

    def result(self, **extra):
        result = {
            "document": self.document,
            "parameters": self.parameters,
            "targets": self.targets,
            "operation": self.operation,
            "snapshot_id": self.snapshot_id,
            "max_concurrency": self.max_concurrency,
            "max_errors": self.max_errors,
            "command_count": len(self.targets) if self.params["mechanism"] == "command" else 0,
            "targeted_nodes": sorted(self.nodes),
        }
        result.update(extra)
        return result

    def _output_location(self):
        location = {}
        if self.params["output_s3_bucket"]:
            location["OutputS3BucketName"] = self.params["output_s3_bucket"]
            if self.params["output_s3_prefix"]:
                location["OutputS3KeyPrefix"] = self.params["output_s3_prefix"]
            if self.params["output_s3_region"]:
                location["OutputS3Region"] = self.params["output_s3_region"]
        return location

    def _command_options(self):
        options = self._output_location()
        if self.params["timeout_seconds"]:
            options["TimeoutSeconds"] = self.params["timeout_seconds"]
        if self.params["comment"]:
            options["Comment"] = self.params["comment"]
        if self.params["cloudwatch_log_group"]:
            options["CloudWatchOutputConfig"] = {"CloudWatchLogGroupName": self.params["cloudwatch_log_group"], "CloudWatchOutputEnabled": True}
        if self.params["notification"]:
            notification = self.params["notification"]
            options["ServiceRoleArn"] = notification["role_arn"]
            options["NotificationConfig"] = {
                "NotificationArn": notification["topic_arn"],
                "NotificationEvents": notification["events"],
                "NotificationType": "Command",
            }
        return options

    def send(self):
        """Create the association, or send the commands the rate controls let go first; returns the ids."""
        if self.params["mechanism"] == "association":
            return self._create_association()
        self.send_more({})
        return dict(self.sent)

    def send_more(self, commands):
        """Send the next commands the rate controls allow, given the last poll's {command id: command};
        returns how many were sent. Past the max_errors budget, the rest is never sent."""
        if not self.pending:
            return 0
        running = [concurrency for command_id, concurrency in self.sent_commands
                   if not commands.get(command_id) or commands[command_id]["Status"] in PENDING_STATUSES]
        errors = sum(int((command or {}).get("ErrorCount", 0)) for command in commands.values())
        left = errors_left(self.max_errors, errors)
        if left is None:
            self.drop_pending(f"not sent: {errors} nodes had failed, more than max_errors {self.max_errors} allows for the run")
            return 0
        count = sendable(self.concurrencies[self.next_command:], running, self.max_concurrency)
        options = self._command_options()
        for index in range(self.next_command, self.next_command + count):
            command = send_command(self.client, DocumentName=self.document, Targets=self.targets[index], Parameters=self.parameters,
                                   MaxConcurrency=self.concurrencies[index], MaxErrors=left, **options)
            self.sent.setdefault("command_ids", []).append(command["CommandId"])
            self.sent_commands.append((command["CommandId"], self.concurrencies[index]))
        self.next_command += count
        return count

    def drop_pending(self, reason):
        """Never send the commands not sent yet; their nodes are reported with `reason`."""
        for nodes in self.command_nodes[self.next_command:]:
            for node_id in nodes:
                self.not_sent[node_id] = reason
        self.next_command = len(self.targets)

    def _create_association(self):
        options = dict(MaxConcurrency=self.max_concurrency, MaxErrors=self.max_errors)
        location = self._output_location()
        if location:
            options["OutputLocation"] = {"S3Location": location}
        association = create_association(
            self.client,
            Name=self.document,
            Targets=self.targets[0],
            Parameters=self.parameters,
            AssociationName=f"PatchNow-{self.operation}-{self.snapshot_id[:8]}",
            **options
        )
        self.sent["association_id"] = association["AssociationId"]
        return dict(self.sent)


def plan_run(client, groups_client, params, region):
    """The run the task asks for, from reads only: hook documents, then the targeted nodes."""
    for option in HOOK_OPTIONS.values():
        if params[option] and describe_document(client, params[option]) is None:
            raise ParameterError(f"{option}: no SSM document {params[option]} in {region}")
    run = PatchRun(client, params, targeted_nodes(client, groups_client, params, region), region)
    if params["mechanism"] == "association" and len(run.targets) > 1:
        raise ParameterError("mechanism=association runs one association: target at most 50 instance_ids, or use patch groups, tags or all_instances")
    return run


def command_ids_of_association(client, association_id):
    """The commands of the association's first execution, once it has them."""
    executions = describe_association_executions(client, association_id)
    if not executions:
        return None
    execution = executions[-1]
    if execution.get("Status") in PENDING_STATUSES:
        return None
    targets = describe_association_execution_targets(client, association_id, execution["ExecutionId"])
    return sorted(set(target["OutputSource"]["OutputSourceId"] for target in targets if target.get("OutputSource")))


def commands_now(client, run, command_ids, known=None):
    """{command id: command} of one poll (commands already over in `known` are not asked again);
    ParameterError once a command reports that it found no node."""
    known = known or {}
    commands = dict((command_id, known[command_id] if known.get(command_id) and known[command_id]["Status"] not in PENDING_STATUSES
                     else get_command(client, command_id)) for command_id in command_ids)
    empty = zero_target_commands(commands)
    if empty:
        raise run.failure(f"command(s) {', '.join(empty)} reported 0 targets: AWS found no managed node for "
                          f"{describe_targets(run.params)} in {run.region}", status="NoTargets")
    return commands


def not_sent_summary(run):
    if not run.pending:
        return ""
    nodes = sum(len(nodes) for nodes in run.command_nodes[run.next_command:])
    return f"; {len(run.targets) - run.next_command} command(s) of {nodes} node(s) were not sent yet and will not be"


def wait_for(client, run, ids, wait_timeout, execution_timeout=None, until_sent=False):
    """Poll until every command is over (or, `until_sent`, until the last one is sent): one call a
    command still going a poll, never one per node. Between polls the next commands are sent as the
    rate controls allow (PatchRun.send_more).

    Past `execution_timeout` seconds, the commands still going are cancelled (their nodes not yet
    done end Cancelled), the commands not sent yet never are, and the wait goes on until the
    cancelled ones report it.
    """
    started = time.monotonic()
    deadline = started + wait_timeout
    delays = poll_delays()
    association = ids.get("association_id")
    command_ids = None if association else run.sent["command_ids"]
    cancelled = False
    commands = {}
    while True:
        if command_ids is None:
            command_ids = command_ids_of_association(client, association)
            if command_ids == []:
                raise run.failure(f"association {association} ran on no managed node: AWS found none for "
                                  f"{describe_targets(run.params)} in {run.region}", status="NoTargets")
        if command_ids is not None:
            commands = commands_now(client, run, command_ids, commands)
            sent_now = 0 if cancelled else run.send_more(commands)
            if until_sent and not run.pending:
                return commands
            running = [command_id for command_id, command in commands.items() if not command or command["Status"] in PENDING_STATUSES]
            if not running and not sent_now and not run.pending:
                return commands
            if execution_timeout and not cancelled and time.monotonic() - started >= execution_timeout:
                for command_id in running:
                    cancel_command(client, command_id)
                run.drop_pending(f"not sent: execution_timeout ({execution_timeout} s) passed before its command was sent")
                cancelled = True
        if time.monotonic() >= deadline:
            raise run.failure(f"the run did not end within wait_timeout ({wait_timeout} s); {run.sent_summary()} "
                              f"goes on in AWS{not_sent_summary(run)}", status="InProgress")
        time.sleep(min(next(delays), max(0.0, deadline - time.monotonic())))


def collect(client, run, commands, states_before):
    """Each node's row: its invocation, and its patch counts before and after."""
    invocations = []
    for command_id in commands:
        invocations += list_command_invocations(client, command_id, details=True)
    states_after = patch_states(client, [invocation["InstanceId"] for invocation in invocations])
    rows = [
        node_row(invocation, states_before.get(invocation["InstanceId"]), states_after.get(invocation["InstanceId"]),
                 run.params["reboot_option"], run.operation)
        for invocation in invocations
    ]
    return sorted(rows, key=lambda row: row["instance_id"])


def finished(run, commands, rows, ids):
    """(changed, result) of a run whose commands are over; ParameterError (with the result) if it failed.

    Nodes of commands never sent (max_errors spent, execution_timeout passed) count as failed.
    """
    summary = summarize(rows, len(run.nodes))
    summary["not_sent"] = len(run.not_sent)
    status = overall_status(commands)
    failures = failure_reasons(rows)
    failures.update(run.not_sent)
    result = run.result(status=status, summary=summary, nodes=rows, failures=failures, **ids)
    changed, failure = run_outcome(run.operation, summary, failures, status, run.max_errors, len(rows) + len(run.not_sent))
    if failure:
        raise ParameterError(failure, changed=run.changed_once_sent, **result)
    return changed, result


def ensure_run(client, run, states_before, check_mode, wait=True, wait_timeout=3600, execution_timeout=None):
    """Run the planned run on its nodes (whose patch states are `states_before`); returns (changed, result).

    Check mode sends nothing and predicts from the nodes' last reported states. Once anything was
    sent, every failure carries the run's ids and `changed`: the run goes on in AWS.
    """
    if check_mode:
        changed, would_change = predicted_changes(run.operation, run.nodes, states_before, run.params["reboot_option"])
        return changed, run.result(status="NotSent", would_change=would_change)
    try:
        ids = run.send()
        if not wait:
            if run.pending:
                # The later commands go only as earlier ones end (max_concurrency): wait until the last is sent.
                wait_for(client, run, ids, wait_timeout, until_sent=True)
            return run.changed_once_sent, run.result(status="InProgress", **run.sent)
        commands = wait_for(client, run, ids, wait_timeout, execution_timeout)
        rows = collect(client, run, commands, states_before)
    except AnsibleAWSError as e:
        if not run.sent:
            raise
        # The run is going on in AWS: say so, with its ids, so it can be followed up.
        message = f"{e.message} after {run.sent_summary()} started in {run.region}; the run goes on in AWS"
        raise AnsibleAWSError(message=message, exception=e.exception,
                              **run.result(status="Unknown", changed=run.changed_once_sent, **run.sent)) from e
    return finished(run, commands, rows, dict(run.sent))


def main():
    argument_spec = dict(
        operation=dict(type="str", choices=["scan", "install"], required=True),
        reboot_option=dict(type="str", choices=["RebootIfNeeded", "NoReboot"], default="RebootIfNeeded"),
        instance_ids=dict(type="list", elements="str"),
        patch_groups=dict(type="list", elements="str"),
        tags=dict(type="dict"),
        resource_group=dict(type="str"),
        all_instances=dict(type="bool"),
        mechanism=dict(type="str", choices=["command", "association"], default="command"),
        pre_install_hook=dict(type="str"),
        post_install_hook=dict(type="str"),
        on_exit_hook=dict(type="str"),
        snapshot_id=dict(type="str"),
        install_override_list=dict(type="str"),
        baseline_override=dict(type="str"),
        output_s3_bucket=dict(type="str"),
        output_s3_prefix=dict(type="str"),
        output_s3_region=dict(type="str"),
        cloudwatch_log_group=dict(type="str"),
        max_concurrency=dict(type="str"),
        max_errors=dict(type="str"),
        timeout_seconds=dict(type="int"),
        execution_timeout=dict(type="int"),
        comment=dict(type="str"),
        notification=dict(
            type="dict",
            options=dict(
                topic_arn=dict(type="str", required=True),
                role_arn=dict(type="str", required=True),
                events=dict(type="list", elements="str", default=["All"], choices=["All", "InProgress", "Success", "TimedOut", "Cancelled", "Failed"]),
            ),
        ),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
    )
    module = AnsibleCloudpatchSSMModule(
        argument_spec=argument_spec,
        mutually_exclusive=[TARGET_OPTIONS],
        required_one_of=[TARGET_OPTIONS],
        required_by={"output_s3_prefix": "output_s3_bucket", "output_s3_region": "output_s3_bucket"},
        supports_check_mode=True,
    )
    params = module.params
    errors = validate_run(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ssm")
    groups_client = module.client("resource-groups") if params["resource_group"] else None
    try:
        run = plan_run(client, groups_client, params, module.region)
        # An install's nodes as they were before it: what it installed, and check mode's prediction.
        states_before = patch_states(client, run.nodes) if run.operation == "Install" else {}
        changed, result = ensure_run(client, run, states_before, module.check_mode, params["wait"], params["wait_timeout"],
                                     params["execution_timeout"])
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
