# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # ssm_compliance_export and ssm_compliance_merge write their local files the same way
    # (_compliance/local_files.py); with ansible.builtin.files for owner, group and the SELinux context.
    DOCUMENTATION = r"""
options:
  mode:
    description:
      - The mode of the report files written under O(dest) (see M(ansible.builtin.file)). A new report
        is C(0600) without it; an existing report keeps its mode. Needs O(dest).
    type: raw
"""
