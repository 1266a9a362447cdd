# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Patch compliance: what the modules use, and the only module_utils file they import it from.

The pieces live in the private package ``_compliance``: ``common`` (one row per node, the console's
dashboard counts, the node selection, operations and tasks), ``fleet`` (reading the fleet page by
page through ssm.py and ec2_calls.py), ``index`` (what the fleet-wide reads leave on disk for the
node pages), ``report`` (CSV, JSON and HTML writers), ``dest`` (where a report goes on the local
disk, and the checks of the file options), ``history`` (a report's dated copies, its per-run summary
records and the trend) and ``export`` (ssm_compliance_export's option checks
and the names they give), ``s3_output`` (a report's PutObject and the history read from S3, the export's and the merge's).
"""

from ._compliance.common import DashboardCounts
from ._compliance.common import REPORTING_DAYS_MAX
from ._compliance.common import iso
from ._compliance.common import nothing_matched
from ._compliance.common import selection_text
from ._compliance.common import unmatched_ids
from ._compliance.common import validate_selection
from ._compliance.dest import NEW_DIRECTORY_MODE
from ._compliance.dest import NEW_FILE_MODE
from ._compliance.dest import directory_mode
from ._compliance.local_files import ReportFiles
from ._compliance.local_files import make_directories
from ._compliance.local_files import remove_directories
from ._compliance.dest import missing_directories
from ._compliance.dest import resolve_dest
from ._compliance.export import dest_path
from ._compliance.export import file_name
from ._compliance.export import history_names
from ._compliance.export import s3_key
from ._compliance.export import selection
from ._compliance.export import validate
from ._compliance.fleet import DEFAULT_READ_CONCURRENCY
from ._compliance.fleet import READ_CONCURRENCY_MAX
from ._compliance.fleet import dashboard_activity
from ._compliance.fleet import fleet_rows
from ._compliance.fleet import node_details
from ._compliance.history import HistoryTracker
from ._compliance.history import read_local_records
from ._compliance.history import read_s3_records
from ._compliance.history import selection_changed_warning
from ._compliance.history import trend
from ._compliance.s3_output import error_code
from ._compliance.s3_output import put_error_message
from ._compliance.s3_output import put_to_s3
from ._compliance.s3_output import read_history
from ._compliance.report import CONTENT_TYPES
from ._compliance.report import DigestingWriter
from ._compliance.report import report_writer

__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_READ_CONCURRENCY",
    "DashboardCounts",
    "DigestingWriter",
    "HistoryTracker",
    "ReportFiles",
    "NEW_DIRECTORY_MODE",
    "NEW_FILE_MODE",
    "READ_CONCURRENCY_MAX",
    "REPORTING_DAYS_MAX",
    "dashboard_activity",
    "dest_path",
    "error_code",
    "directory_mode",
    "file_name",
    "fleet_rows",
    "history_names",
    "iso",
    "make_directories",
    "missing_directories",
    "node_details",
    "nothing_matched",
    "put_error_message",
    "put_to_s3",
    "read_history",
    "read_local_records",
    "read_s3_records",
    "remove_directories",
    "report_writer",
    "resolve_dest",
    "s3_key",
    "selection",
    "selection_changed_warning",
    "selection_text",
    "trend",
    "unmatched_ids",
    "validate",
    "validate_selection",
]
