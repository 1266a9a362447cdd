# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The AWS-RunPatchBaseline(WithHooks) parameters ssm_patch_run and ssm_patch_association both send,
    # checked by the same code (_patch_run/request.py) and so documented once. A window's task has the
    # same parameters as suboptions of tasks[], which a fragment cannot reach.
    DOCUMENTATION = r"""
options:
  reboot_option:
    description:
      - V(RebootIfNeeded) reboots nodes that installed patches; V(NoReboot) leaves them pending a
        reboot (and non-compliant until a reboot and a scan).
    type: str
    choices: [RebootIfNeeded, NoReboot]
    default: RebootIfNeeded
  pre_install_hook:
    description:
      - SSM document (name or ARN) to run before installing; switches to C(AWS-RunPatchBaselineWithHooks).
      - O(operation=install) only, and not with O(install_override_list) or O(baseline_override)
        (C(AWS-RunPatchBaselineWithHooks) takes neither).
      - It must exist in the region (checked before anything is sent or changed).
    type: str
  post_install_hook:
    description:
      - SSM document to run after installing, before a reboot. See O(pre_install_hook).
    type: str
  on_exit_hook:
    description:
      - SSM document to run at the end, after a reboot, also when an earlier step failed. See O(pre_install_hook).
    type: str
  install_override_list:
    description:
      - An C(https://) or C(s3://bucket/key) URL (no whitespace) of the list of patches to install
        instead of the baseline's approved ones.
    type: str
  baseline_override:
    description:
      - An C(https://) or C(s3://bucket/key) URL (no whitespace) of a JSON list of baselines to use
        instead of the registered ones.
    type: str
"""
