# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Where every module of the collection runs: the same for all of them, so said once.
    DOCUMENTATION = r"""
attributes:
  platform:
    platforms: posix
    details:
      - Runs where Python, boto3 and botocore can reach the AWS API, usually the controller (a play on
        C(localhost), or C(delegate_to)). It changes AWS resources, never the host it runs on.
"""
