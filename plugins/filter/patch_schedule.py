# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the patch_schedule role: its checks and its rings, on the controller, before any AWS call.

Each takes the role's variables as one dict keyed by their names; the logic is in
plugins/module_utils/patch_schedule.py.
"""

from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import module_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import ring_windows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import scan_associations
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import schedule_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_schedule import stale_offset_errors


class FilterModule:
    def filters(self):
        return {
            "patch_schedule_errors": schedule_errors,
            "patch_schedule_windows": ring_windows,
            "patch_schedule_associations": scan_associations,
            "patch_schedule_stale_offsets": stale_offset_errors,
            "patch_schedule_module_errors": module_errors,
        }
