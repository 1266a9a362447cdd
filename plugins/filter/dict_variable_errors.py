# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The dict_variable_errors filter: a role's dict variable checked against its argument spec's options.

The logic is in plugins/module_utils/role_options.py.
"""

from ansible_collections.cloudpatch.ssm.plugins.module_utils.role_options import dict_variable_errors


class FilterModule:
    def filters(self):
        return {"dict_variable_errors": dict_variable_errors}
