# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An organization's patch compliance report: what ssm_compliance_merge (and the export's parts) use.

The pieces live in the private package ``_compliance_merge``: ``part`` (an account-region's part,
format=jsonl of ssm_compliance_export, written and read a line at a time), ``options`` (the merge's
option checks and the account-regions `expected` names), ``merge`` (which parts count, the
organization's dashboard and breakdowns, the CSV, JSON and HTML writers) and ``calls`` (STS and the S3
reads of the parts).
"""

from ._compliance_merge.calls import download_part
from ._compliance_merge.calls import get_caller_account
from ._compliance_merge.calls import list_part_keys
from ._compliance_merge.merge import check_enough
from ._compliance_merge.merge import missing_percent
from ._compliance_merge.merge import name_of
from ._compliance_merge.merge import organization_dashboard
from ._compliance_merge.merge import part_list
from ._compliance_merge.merge import scan_parts
from ._compliance_merge.merge import write_reports
from ._compliance_merge.options import EXTENSIONS
from ._compliance_merge.options import FORMATS
from ._compliance_merge.options import dest_directory
from ._compliance_merge.options import expected_pairs
from ._compliance_merge.options import not_before_time
from ._compliance_merge.options import report_key
from ._compliance_merge.options import s3_base
from ._compliance_merge.options import validate
from ._compliance_merge.part import PART_EXTENSION
from ._compliance_merge.part import JsonlPart
from ._compliance_merge.part import PartError

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "JsonlPart",
    "PART_EXTENSION",
    "PartError",
    "check_enough",
    "dest_directory",
    "download_part",
    "expected_pairs",
    "get_caller_account",
    "list_part_keys",
    "missing_percent",
    "name_of",
    "not_before_time",
    "organization_dashboard",
    "part_list",
    "report_key",
    "s3_base",
    "scan_parts",
    "validate",
    "write_reports",
]
