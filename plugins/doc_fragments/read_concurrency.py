# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The fleet reads of ssm_patch_compliance_info and ssm_compliance_export are the same code
    # (_compliance/fleet.py), and so is their concurrency.
    DOCUMENTATION = r"""
options:
  read_concurrency:
    description:
      - How many of the fleet's read calls may be in flight at a time, 1 to 10. The fleet-wide listings
        (Name tags, compliance summaries, managed nodes) are independent chains of pages; above 1 they
        are read at the same time, and each page of nodes has its patch states read while the next page
        is listed. The calls are the same, each page retried on its own; only their order changes.
        The result is the same, row for row, in the same order.
      - C(1) makes one call at a time, as before this option. The floor is the chain of
        DescribeInstanceInformation pages, one round trip per 50 nodes.
      - Each call is still one request to the API, and AWS's request rate quotas apply to their sum
        (a throttled page is retried with backoff); a lower value suits an account whose other tools
        already use most of its SSM quota.
    type: int
    default: 4
"""
