# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # ssm_patch_compliance_info and ssm_compliance_export select and count the nodes with the same
    # code (_compliance/common.py validate_selection, _compliance/fleet.py); their instance_ids differ
    # in what a node's row is, so each module documents that option itself.
    DOCUMENTATION = r"""
options:
  patch_groups:
    description:
      - Only the nodes tagged into these patch groups (tag C(Patch Group) or C(PatchGroup)).
      - With O(instance_ids), the nodes that are both among the ids and in one of the groups.
    type: list
    elements: str
  tags:
    description:
      - Only the nodes with all these tags (a value may be a list of up to 100 accepted values).
    type: dict
  reporting_days:
    description:
      - The threshold of the dashboard's reporting age counts (the console's reporting age widget), in
        days, 1 to 3650.
    type: int
    default: 7
"""
