#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_compliance_merge
version_added: 0.1.0
short_description: Merge every account-region's compliance part into one report for the organization (CSV, JSON, HTML)
description:
  - Patch Manager's console and its CSV export work on one account and region at a time. Run
    M(cloudpatch.ssm.ssm_compliance_export) with O(cloudpatch.ssm.ssm_compliance_export#module:format=jsonl)
    on every account-region host (for instance the hosts of the C(cloudpatch.ssm.patch_fleet) inventory),
    each writing its part to one shared place (a local directory, or an S3 prefix); then this module, run
    once, reads every part and writes the organization's report.
  - "O(formats): the CSV (AWS's columns in AWS's order, with C(Account ID) and C(Region) after C(Index),
    one row per node of every account-region), the JSON (the rows with C(account_id) and C(region), the
    dashboard, the parts, the missing data), and the HTML dashboard (the console's five widgets for the
    whole organization, a per-account and a per-region breakdown worst first, the missing data, and
    the per-node table); a self-contained page, inline CSS and SVG, no script."
  - "Worst first: the largest share of non-compliant nodes first, ties by the most non-compliant nodes,
    then by name."
  - "Every account-region of O(expected) that has no part, whose part is older than O(max_part_age_hours)
    or than O(not_before) (a failed export leaves the previous run's part behind), or whose part cannot be read or is not whole
    (no end line, a count that does not agree with its rows) is listed as missing data (RV(report.missing),
    the JSON's C(missing), the HTML's Missing data table), never silently absent; a part of an
    account-region that O(expected) does not name is left out with a warning (RV(report.ignored))."
  - "The merge fails, and writes nothing, when more than O(max_missing_percent) of O(expected) is missing,
    when no part counts at all, when two parts are of the same account-region, or when the parts were
    exported with different O(cloudpatch.ssm.ssm_compliance_export#module:reporting_days). Failing without
    writing is the safer side: an organization's report that silently shows a part of the organization
    is worse than none, and the previous report stays in place."
  - "Streaming: each part is read twice, a line at a time (first checked whole, then its rows written
    to every format at once), so memory holds one row and the counts whatever the number of nodes; the
    HTML node table is spooled to a temporary file while the dashboard above it is counted. Nor does it
    grow with the number of parts beyond a few counts each: a part's dashboard is summed into the
    organization's as the part is checked, and of the operations only the organization's 10 newest are kept
    (the recurring tasks, all listed, are kept). Parts in
    S3 are listed (ListObjectsV2, a page of 1,000 keys a call, only the keys directly under
    O(parts_s3_prefix)) and each is streamed (GetObject) to a temporary file in the module's temporary
    directory, never held in memory."
  - "Where the reports go: to S3 (O(s3_bucket), O(s3_prefix), the export's options of the same names and rules),
    to a local directory (O(dest)), or both; one of the two is required. An AWX or Automation Controller job's
    container loses its disk when the job ends: give O(s3_bucket) (and O(history)), and O(dest) only for a local copy."
  - "Writes are atomic, as the export's: each report is written whole to a temporary C(.<report_name>.*.part) file
    (in O(dest), else in the module's temporary directory) first; S3 gets one PutObject a report with a SHA-256
    checksum that S3 verifies, then each is moved into place in O(dest). A new local report is C(0600) unless
    O(mode) says otherwise; O(owner), O(group) and the other file options apply. CSV cells from node data
    that a spreadsheet would run as a formula are prefixed with C('), and the HTML page escapes every value,
    as the export does."
  - "Writing the reports is a change (C(changed=true)). In check mode the parts (and the history's records)
    are read and the reports are built and measured (bytes, SHA-256), but nothing is written or put:
    RV(report) says what would have been written where (the paths, the object keys)."
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  report_name:
    description:
      - The organization report's name, 1 to 50 characters of C(a-z A-Z 0-9 . _ -); the files are
        C(<report_name>.csv), C(<report_name>.json) and C(<report_name>.html) in O(dest) and under O(s3_prefix) in O(s3_bucket).
    type: str
    required: true
  expected:
    description:
      - The account-regions that should have a part, each C(ACCOUNT_ID-REGION) (the C(cloudpatch.ssm.patch_fleet)
        inventory's default host name, C(111122223333-eu-west-1)) or a dict with C(account_id) and C(region)
        (other keys are ignored, so a host's variables may be given as they are).
      - Every one is in the report, with its data or as missing data. An empty list is refused; a repeated
        account-region is refused.
    type: list
    elements: raw
    required: true
  max_missing_percent:
    description:
      - The largest share of O(expected), in percent (0 to 100), that may be missing; with more missing
        the merge fails and writes nothing. C(0) (the default) fails on any missing account-region.
    type: float
    default: 0
  max_part_age_hours:
    description:
      - A part generated more than this many hours before the merge (1 to 8784) counts as missing (stale).
    type: int
    default: 24
  not_before:
    description:
      - A part generated before this date and time (ISO 8601 with its zone, such as C(2026-12-01T15:40:00Z))
        counts as missing (stale), whatever its age. Give the time the run began, so that the part an earlier
        run left (the account-region's export failed this time) is never merged as this run's; with parts in S3,
        where nothing removes it, this is what keeps it out.
      - Left out, only O(max_part_age_hours) judges a part's age.
    type: str
  parts_dir:
    description:
      - The local directory the parts were written to (the export's O(cloudpatch.ssm.ssm_compliance_export#module:dest)).
        Every C(*.jsonl) file directly in it is read as a part; subdirectories (the export's history) are not.
      - Mutually exclusive with O(parts_s3_bucket); one of the two is required.
    type: path
  parts_s3_bucket:
    description:
      - The S3 bucket the parts were put in (the export's O(cloudpatch.ssm.ssm_compliance_export#module:s3_bucket)).
        Every C(.jsonl) object directly under O(parts_s3_prefix) is read as a part.
    type: str
  parts_s3_prefix:
    description:
      - The prefix of the parts in O(parts_s3_bucket) (the bucket's root when left out); a C(/) is added
        at its end if missing.
    type: str
  expected_bucket_owner:
    description:
      - The account id that must own O(parts_s3_bucket) and O(s3_bucket) (each of them that is given); the reads
        and the puts fail otherwise. Needs one of the two.
    type: str
  dest:
    description:
      - The local directory the organization's reports are written to; created (with its missing parents,
        C(0700), or with O(mode) plus the search bit wherever O(mode) lets read) if it does not exist.
      - One of O(dest) and O(s3_bucket) is required; with O(s3_bucket), O(dest) is the optional local copy.
    type: path
  s3_bucket:
    description:
      - Put the reports in this bucket, at C(<s3_prefix><report_name>.<format>) (the bucket's root by default),
        as M(cloudpatch.ssm.ssm_compliance_export) puts its report (O(cloudpatch.ssm.ssm_compliance_export#module:s3_bucket)).
      - It may be O(parts_s3_bucket) itself, even with the same prefix, since only the C(.jsonl) objects directly
        under O(parts_s3_prefix) are read as parts (the reports are not C(.jsonl), the history is one level down).
    type: str
  s3_prefix:
    description:
      - A key prefix for the reports; a C(/) is added if missing, a leading C(/) is removed.
    type: str
  formats:
    description:
      - The reports to write. An empty list is refused.
    type: list
    elements: str
    choices: [csv, json, html]
    default: [csv, json, html]
  history:
    description:
      - Keep a history of the merges and show the organization's trend, as
        O(cloudpatch.ssm.ssm_compliance_export#module:history) does for one account-region. Each run keeps
        its reports at C(<prefix>/YYYY/MM/DD/<report_name>-<HHMMSS>.<format>) and a summary record
        at C(<prefix>/summaries/<report_name>/<inverted>-<YYYYMMDDTHHMMSSZ>.json) (the export's
        record format; a node is named C(ACCOUNT_ID/REGION/NODE_ID) there, as node ids are unique only within
        an account-region), in O(s3_bucket) under O(s3_prefix) and under O(dest), as the export does.
      - "The trend (this run and the previous ones, and the nodes that got worse) is in RV(dashboard.trend),
        the JSON's dashboard and on the HTML page. Reading the history reads these records only: with
        O(s3_bucket) from S3 (one ListObjectsV2, C(MaxKeys) O(history.runs) - 1, and one GetObject a record),
        so the trend survives from one AWX job to the next; without it, from O(dest)."
      - An empty dict is refused.
    type: dict
    suboptions:
      enabled:
        description:
          - Keep and show the history (C(true) when left out); C(false) as if O(history) were not given.
        type: bool
      runs:
        description:
          - How many runs the trend shows, this run included, 2 to 100 (10 when left out).
        type: int
      prefix:
        description:
          - Where the history is kept, under O(s3_prefix) in S3 and under O(dest) locally (C(history) when left out);
            the export's rules.
        type: str
extends_documentation_fragment:
  - cloudpatch.ssm.report_files
  - cloudpatch.ssm.report_encryption
  - ansible.builtin.files
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the parts and builds and measures the reports, writes nothing; C(changed) is predicted as true.
  diff_mode:
    support: none
    details:
      - The reports are written whole each time; their sizes and SHA-256 are in RV(report.files).
notes:
  - With O(parts_dir) and O(dest) only the module makes no AWS call at all. With O(parts_s3_bucket) it needs
    C(s3:ListBucket) on the bucket and C(s3:GetObject) on the parts (the C(.jsonl) objects directly under
    O(parts_s3_prefix)). With O(s3_bucket) it needs C(s3:PutObject) on the reports (and with O(history) on
    the dated copies and the records), C(kms:GenerateDataKey) on O(kms_key_id) with C(aws:kms), and with
    O(history) C(s3:ListBucket) on the bucket and C(s3:GetObject) on the records. C(playbooks/fleet/report.yml)
    runs it with the fleet runner's connection, whose policy C(docs/iam-policy-runner.json) grants these.
seealso:
  - module: cloudpatch.ssm.ssm_compliance_export
    description: Writes each account-region's part (O(cloudpatch.ssm.ssm_compliance_export#module:format=jsonl)).
  - name: Generating .csv patch compliance reports
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-store-compliance-results-in-s3.html
    description: The console's single account-region export, whose CSV columns the organization's CSV keeps.
"""

EXAMPLES = r"""
- name: Note when the run began, once (a part older than that is an earlier run's)
  ansible.builtin.set_fact:
    run_started: "{{ now(utc=True, fmt='%Y-%m-%dT%H:%M:%SZ') }}"
  run_once: true

- name: Each account-region puts its part in one bucket (one host per account-region, patch_fleet inventory)
  cloudpatch.ssm.ssm_compliance_export:
    report_name: "part-{{ account_id }}-{{ region }}"
    format: jsonl
    s3_bucket: org-compliance-parts
    s3_prefix: nightly/

- name: One report for the organization, at most 10 % of the account-regions missing
  cloudpatch.ssm.ssm_compliance_merge:
    report_name: organization
    # With the patch_fleet inventory's default host names, "{{ groups['all'] }}" names every host.
    expected:
      - 111122223333-us-east-1
      - 111122223333-eu-west-1
      - account_id: "444455556666"
        region: eu-west-1
    max_missing_percent: 10
    # The part a failed export left from an earlier run counts as missing, not as this run's.
    not_before: "{{ run_started }}"
    parts_s3_bucket: org-compliance-parts
    parts_s3_prefix: nightly/
    dest: /var/www/reports/
    mode: "0640"
  run_once: true
  register: org_report

- name: In an AWX job, the reports and their history in S3 only (the trend survives the job's container)
  cloudpatch.ssm.ssm_compliance_merge:
    report_name: organization
    expected: [111122223333-us-east-1, 444455556666-us-east-1]
    parts_s3_bucket: org-compliance-parts
    parts_s3_prefix: nightly/
    s3_bucket: org-compliance-reports
    s3_prefix: organization/
    expected_bucket_owner: "111122223333"
    history:
      runs: 30
  run_once: true

- name: The HTML and the CSV only, with the organization's trend over the last 14 merges
  cloudpatch.ssm.ssm_compliance_merge:
    report_name: organization
    expected: [111122223333-us-east-1, 444455556666-us-east-1]
    parts_s3_bucket: org-compliance-parts
    parts_s3_prefix: nightly/
    dest: /var/www/reports/
    formats: [html, csv]
    history:
      runs: 14
"""

RETURN = r"""
report:
  description: What was written (in check mode, would have been) and from which parts.
  returned: always
  type: dict
  contains:
    name:
      description: O(report_name).
      returned: always
      type: str
      sample: organization
    generated_at:
      description: When the merge ran (UTC).
      returned: always
      type: str
      sample: "2026-12-01T16:00:00Z"
    dest:
      description: The directory of the reports, when O(dest) is set.
      returned: when O(dest) is set
      type: str
      sample: /srv/reports/org
    s3_bucket:
      description: The bucket of the reports, when O(s3_bucket) is set.
      returned: when O(s3_bucket) is set
      type: str
      sample: org-compliance-reports
    server_side_encryption:
      description: The objects' server-side encryption, when O(s3_bucket) is set.
      returned: when O(s3_bucket) is set
      type: str
      sample: AES256
    kms_key_id:
      description: The KMS key asked for, when O(kms_key_id) is set.
      returned: when O(kms_key_id) is set
      type: str
      sample: alias/reports
    files:
      description: >-
        Each report written, by format: C(bytes) and C(sha256); C(path) with O(dest); C(s3_key) and C(s3_url) with
        O(s3_bucket), and C(s3_version_id) in a versioned bucket (not in check mode).
      returned: always
      type: dict
      sample: {"csv": {"path": "/srv/reports/org/organization.csv", "s3_key": "organization/organization.csv",
                       "s3_url": "s3://org-compliance-reports/organization/organization.csv", "bytes": 5120, "sha256": "9f86d08..."}}
    nodes:
      description: The node rows of the report, of every part counted.
      returned: always
      type: int
      sample: 10000
    expected:
      description: The number of account-regions O(expected) names.
      returned: always
      type: int
      sample: 20
    missing_percent:
      description: The share of O(expected) missing, in percent.
      returned: always
      type: float
      sample: 5.0
    parts:
      description: The parts counted, sorted by account and region.
      returned: always
      type: list
      elements: dict
      sample: [{"account_id": "111122223333", "region": "us-east-1", "nodes": 500, "generated_at": "2026-12-01T15:40:00Z",
                "scope": "all nodes", "source": "/srv/reports/parts/part-111122223333-us-east-1.jsonl"}]
    missing:
      description: >-
        The account-regions of O(expected) that have no data in the report: C(account_id), C(region),
        C(reason) (C(no part), C(stale), or C(unreadable): a part whose header names it but which is not whole),
        C(detail), and C(source) for a stale or unreadable part.
      returned: always
      type: list
      elements: dict
      sample: [{"account_id": "444455556666", "region": "eu-west-1", "reason": "no part", "detail": "no readable part of this account-region was found"}]
    unreadable:
      description: The parts that could not be read or are not whole, C(source) and C(error).
      returned: always
      type: list
      elements: dict
      sample: []
    ignored:
      description: Parts of account-regions O(expected) does not name, left out (C(source), C(account_id), C(region)).
      returned: always
      type: list
      elements: dict
      sample: []
    history:
      description: >-
        Where this run's history was kept: C(runs), C(prefix); C(report_s3_keys) by format and C(record_s3_key) with
        O(s3_bucket); C(report_files) by format and C(record_file) with O(dest).
      returned: when O(history) is set and not disabled
      type: dict
      sample: {"runs": 10, "prefix": "history", "record_file": "/srv/reports/org/history/summaries/organization/8235434399-20261130T024000Z.json",
               "record_s3_key": "organization/history/summaries/organization/8235434399-20261130T024000Z.json"}
dashboard:
  description: The organization's dashboard.
  returned: always
  type: dict
  contains:
    compliance_summary:
      description: Nodes by compliance (C(compliant), C(critical_non_compliant), C(high_non_compliant), C(other_non_compliant)), summed.
      returned: always
      type: dict
      sample: {"compliant": 9000, "critical_non_compliant": 200, "high_non_compliant": 300, "other_non_compliant": 100}
    patch_states:
      description: C(managed_nodes), C(with_missing_patches), C(with_failed_patches), C(pending_reboot), summed.
      returned: always
      type: dict
      sample: {"managed_nodes": 10000, "with_missing_patches": 600, "with_failed_patches": 10, "pending_reboot": 40}
    reporting_age:
      description: C(within_days), C(older), C(never_reported), summed, and C(days).
      returned: always
      type: dict
      sample: {"within_days": 9500, "older": 100, "never_reported": 400, "days": 7}
    recent_operations:
      description: The 10 most recent patch operations of all the parts, newest first, each with C(account_id) and C(region).
      returned: always
      type: list
      elements: dict
      sample: []
    recurring_tasks:
      description: Every part's recurring patching tasks, each with C(account_id) and C(region).
      returned: always
      type: list
      elements: dict
      sample: []
    by_account:
      description: >-
        Per account, worst first: C(name) and C(account_id), C(compliant), C(non_compliant), C(never_reported),
        C(total), C(non_compliant_percent), C(parts) counted and C(missing) account-regions.
      returned: always
      type: list
      elements: dict
      sample: [{"name": "111122223333", "account_id": "111122223333", "compliant": 450, "non_compliant": 50, "never_reported": 0,
                "total": 500, "non_compliant_percent": 10.0, "parts": 1, "missing": 1}]
    by_region:
      description: Per region, worst first, as RV(dashboard.by_account) with C(region).
      returned: always
      type: list
      elements: dict
      sample: []
    trend:
      description: The organization's trend when O(history) is set (the export's RV(cloudpatch.ssm.ssm_compliance_export#module:dashboard.trend)).
      returned: when O(history) is set and not disabled
      type: dict
      sample: {"runs_asked": 10, "runs": [], "previous_run": null, "got_worse": []}
missing:
  description: On a failure for too much missing data (or none at all), the account-regions missing (as RV(report.missing)).
  returned: failure
  type: list
  elements: dict
  sample: []
unreadable:
  description: On the same failures, the parts that could not be read (as RV(report.unreadable)).
  returned: failure
  type: list
  elements: dict
  sample: []
"""

import datetime
import hashlib
import json
import os
import tempfile

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import CONTENT_TYPES
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DigestingWriter
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import HistoryTracker
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import ReportFiles
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import make_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import remove_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import iso
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import missing_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import put_error_message
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import put_to_s3
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import read_history
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import selection_changed_warning
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import trend
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import EXTENSIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import FORMATS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import PART_EXTENSION
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import PartError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import check_enough
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import dest_directory
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import download_part
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import expected_pairs
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import list_part_keys
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import missing_percent
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import name_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import not_before_time
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import organization_dashboard
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import part_list
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import report_key
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import s3_base
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import scan_parts
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import validate
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import write_reports
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import dated_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_settings
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import record_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import summaries_prefix
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule


def local_sources(parts_dir):
    """(label, path) of every *.jsonl regular file directly in parts_dir, by name."""
    names = sorted(name for name in os.listdir(parts_dir) if name.endswith("." + PART_EXTENSION) and not name.startswith("."))
    paths = [(os.path.join(parts_dir, name),) * 2 for name in names]
    return [(label, path) for label, path in paths if os.path.isfile(path)]


def s3_sources(s3, params, workdir, region):
    """Every part under the prefix, each streamed to a local file in workdir: ((label, path) list, unreadable list)."""
    bucket, prefix, owner = params["parts_s3_bucket"], s3_base(params["parts_s3_prefix"]), params["expected_bucket_owner"]
    try:
        keys = [key for key in list_part_keys(s3, bucket, prefix, owner) if key.endswith("." + PART_EXTENSION)]
    except AnsibleAWSError as e:
        e.message = f"listing the parts in parts_s3_bucket {bucket} (parts_s3_prefix {prefix!r}, {region}) failed: {e.message}"
        raise
    sources, unreadable = [], []
    for number, key in enumerate(keys):
        label = f"s3://{bucket}/{key}"
        path = os.path.join(workdir, f"part-{number}.{PART_EXTENSION}")
        try:
            with open(path, "wb") as binary:
                download_part(s3, bucket, key, binary, owner)
        except AnsibleAWSError as e:
            unreadable.append({"source": label, "error": f"{label}: GetObject failed ({region}): {e.message}"})
            continue
        sources.append((label, path))
    return sources, unreadable


def history_plan(params, now):
    """Where this run's history goes (in S3 under s3_prefix, locally under dest: those given), and where the previous
    records are read from (records_s3_prefix with s3_bucket, else records_directory), or None without history."""
    settings = history_settings(params)
    if settings is None:
        return None
    prefix, name = settings["prefix"], params["report_name"]
    dated = dict((fmt, dated_name(prefix, name, EXTENSIONS[fmt], now)) for fmt in params["formats"])
    record = record_name(prefix, name, now)
    plan = {"runs": settings["runs"], "prefix": prefix}
    if params["s3_bucket"]:
        base = s3_base(params["s3_prefix"])
        plan.update(report_s3_keys=dict((fmt, base + key) for fmt, key in dated.items()), record_s3_key=base + record,
                    records_s3_prefix=base + summaries_prefix(prefix, name))
    if params["dest"]:
        base = dest_directory(params)
        plan.update(report_files=dict((fmt, os.path.join(base, *key.split("/"))) for fmt, key in dated.items()),
                    record_file=os.path.join(base, *record.split("/")),
                    records_directory=os.path.join(base, *summaries_prefix(prefix, name).rstrip("/").split("/")))
    return plan


def describe(params, now, expected, scanned):
    directory = dest_directory(params)
    report = {
        "name": params["report_name"],
        "generated_at": iso(now),
        "files": dict((fmt, {}) for fmt in params["formats"]),
        "expected": len(expected),
        "missing_percent": missing_percent(scanned["missing"], expected),
        "parts": part_list(scanned),
        "missing": scanned["missing"],
        "unreadable": scanned["unreadable"],
        "ignored": scanned["ignored"],
    }
    if directory:
        report["dest"] = directory
        for fmt, entry in report["files"].items():
            entry["path"] = os.path.join(directory, f"{params['report_name']}.{EXTENSIONS[fmt]}")
    if params["s3_bucket"]:
        report.update(s3_bucket=params["s3_bucket"], server_side_encryption=params["server_side_encryption"])
        if params["kms_key_id"]:
            report["kms_key_id"] = params["kms_key_id"]
        for fmt, entry in report["files"].items():
            entry.update(s3_key=report_key(params, fmt), s3_url=f"s3://{params['s3_bucket']}/{report_key(params, fmt)}")
    return report


def ensure_merged(s3, params, check_mode, region, files, workdir, warn=None):
    """Read and check every part, then write (or in check mode build and measure) the organization's reports.

    Returns (changed, {report, dashboard}). Raises ParameterError, before anything is written, when the
    parts do not make a report (too many missing, none, two of one account-region).
    """
    try:
        return _merge(s3, params, check_mode, region, files, workdir, warn)
    except PartError as e:
        raise ParameterError(f"{e}: the organization's report was not written") from e
    except OSError as e:
        where = f"dest {params['dest']}" if params["dest"] else "the module's temporary directory"
        raise ParameterError(f"the organization's report could not be written ({where}): {e}") from e


def _merge(s3, params, check_mode, region, files, workdir, warn):
    now = datetime.datetime.now(datetime.timezone.utc)
    expected = expected_pairs(params["expected"])[0]
    if params["parts_dir"]:
        sources, unreadable, where = local_sources(params["parts_dir"]), [], f"parts_dir {params['parts_dir']}"
    else:
        sources, unreadable = s3_sources(s3, params, workdir, region)
        where = f"parts_s3_bucket {params['parts_s3_bucket']} (parts_s3_prefix {s3_base(params['parts_s3_prefix'])!r}, {region})"
    not_before = not_before_time(params["not_before"]) if params["not_before"] else None
    scanned = scan_parts(sources, expected, now, params["max_part_age_hours"], warn, unreadable, not_before)
    check_enough(scanned, expected, params["max_missing_percent"], where)
    for entry in scanned["missing"]:
        if warn:
            warn(f"{entry['account_id']}-{entry['region']} is missing from the organization's report: {entry['detail']}")
    report = describe(params, now, expected, scanned)
    selection = {"expected": [name_of(pair) for pair in expected]}
    meta = {"report_name": params["report_name"], "generated_at": report["generated_at"], "region": None,
            "scope": f"organization: {len(expected)} expected account-region(s)", "expected": len(expected),
            "missing_percent": report["missing_percent"], "parts": len(scanned["parts"])}
    plan = history_plan(params, now)
    previous = []
    if plan:
        # Read before anything is written (from S3 when the reports go there): a history that cannot be read writes nothing.
        previous = read_history(s3, params, plan, region, warn)
        message = selection_changed_warning(previous[0] if previous else None, selection, meta["scope"])
        if message and warn:
            warn(message)
        report["history"] = dict((key, value) for key, value in plan.items() if key not in ("records_s3_prefix", "records_directory"))
    tracker = HistoryTracker(previous[0] if previous else None) if plan else None
    base = organization_dashboard(scanned)

    def dashboard_of(tracker):
        if tracker is None:
            return base
        return dict(base, trend=trend(previous, tracker, meta, plan["runs"]))

    if check_mode:
        sinks = dict((fmt, DigestingWriter()) for fmt in params["formats"])
        report["nodes"], dashboard = write_reports(scanned, sinks, meta, dashboard_of, workdir, tracker)
        _measure(report, sinks)
        return True, {"report": report, "dashboard": dashboard}
    created = make_directories(files, params, missing_directories(report["dest"])) if params["dest"] else []
    placed = []
    try:
        dashboard = _write_and_place(s3, params, report, meta, scanned, dashboard_of, files, workdir, tracker, region, placed)
    except BaseException:
        # Only the directories left empty go (rmdir): those holding a report placed before the failure stay.
        remove_directories(created)
        raise
    if plan:
        _keep_history(s3, params, report, dashboard, files, workdir, placed, tracker.record(meta, selection), region)
    return True, {"report": report, "dashboard": dashboard}


def _measure(report, sinks):
    for fmt, sink in sinks.items():
        report["files"][fmt].update(bytes=sink.size, sha256=sink.sha256.hexdigest())


def _in_place(report, placed, failure, dashboard=None):
    """A failure once some report is in place: changed, and where the reports are."""
    result = {"report": report}
    if dashboard is not None:
        result["dashboard"] = dashboard
    return ParameterError(f"the organization's reports are in place ({', '.join(placed)}), but {failure}", changed=True, **result)


def _write_and_place(s3, params, report, meta, scanned, dashboard_of, files, workdir, tracker, region, placed):
    """Every format to a temporary file at once (in dest, so that the move into place is atomic; else in the
    module's temporary directory), each checked for the file options, then each put in S3 (with its history's
    dated copy) and moved into dest. `placed` collects where the reports are, as they get there."""
    temporaries, handles, sinks = {}, {}, {}
    try:
        for fmt in params["formats"]:
            handle, temporaries[fmt] = tempfile.mkstemp(prefix=f".{params['report_name']}.", suffix=".part", dir=report.get("dest") or workdir)
            handles[fmt] = os.fdopen(handle, "wb")
            sinks[fmt] = DigestingWriter(handles[fmt])
        report["nodes"], dashboard = write_reports(scanned, sinks, meta, dashboard_of, workdir, tracker)
        for fmt, binary in handles.items():
            binary.flush()
            os.fsync(binary.fileno())
            binary.close()
        _measure(report, sinks)
        if params["dest"]:
            # Owner, group and mode tried on the temporary files first: a refusal stops the merge before anything is put or placed.
            for fmt, temporary in temporaries.items():
                files.try_attributes(temporary, params)
        if params["s3_bucket"]:
            _put_reports(s3, params, report, dashboard, temporaries, sinks, region, placed)
        if params["dest"]:
            _place_reports(params, report, dashboard, files, temporaries, placed)
        return dashboard
    finally:
        for binary in handles.values():
            if not binary.closed:
                binary.close()
        for temporary in temporaries.values():
            if os.path.exists(temporary):
                os.unlink(temporary)


def _put_reports(s3, params, report, dashboard, temporaries, sinks, region, placed):
    """Each report's PutObject (the export's, with its SHA-256), then with history each one's dated copy."""
    for fmt, temporary in temporaries.items():
        entry = report["files"][fmt]
        try:
            answer = put_to_s3(s3, params, temporary, sinks[fmt].sha256, key=entry["s3_key"], content_type=CONTENT_TYPES[fmt])
        except AnsibleAWSError as e:
            e.message = put_error_message(params, e, region)
            if not placed:
                raise
            raise _in_place(report, placed, f"putting {entry['s3_url']} failed: {e.message}", dashboard) from e
        if answer.get("VersionId"):
            entry["s3_version_id"] = answer["VersionId"]
        placed.append(entry["s3_url"])
    for fmt, key in report.get("history", {}).get("report_s3_keys", {}).items():
        try:
            put_to_s3(s3, params, temporaries[fmt], sinks[fmt].sha256, key=key, content_type=CONTENT_TYPES[fmt])
        except AnsibleAWSError as e:
            raise _in_place(report, placed, f"keeping their history failed: {put_error_message(params, e, region)}", dashboard) from e


def _place_reports(params, report, dashboard, files, temporaries, placed):
    for fmt, temporary in temporaries.items():
        path = report["files"][fmt]["path"]
        try:
            files.place(temporary, path, params)
        except Exception as e:  # pylint: disable=broad-except
            # atomic_move raises plain Exceptions (a directory not writable, a failed rename).
            if not placed:
                raise OSError(f"writing {path} failed: {e}") from e
            raise _in_place(report, placed, f"writing {path} failed: {e}", dashboard) from e
        placed.append(path)


def _keep_history(s3, params, report, dashboard, files, workdir, placed, record, region):
    """The local dated copies of the reports, then this run's summary record (in S3 and under dest), once the reports are in place."""
    history = report["history"]
    data = json.dumps(record, sort_keys=True).encode("utf-8")
    try:
        for fmt, path in history.get("report_files", {}).items():
            _place_copy(files, params, report["files"][fmt]["path"], path)
        if params["s3_bucket"]:
            handle, temporary = tempfile.mkstemp(prefix=".history-record.", suffix=".part", dir=workdir)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                put_to_s3(s3, params, temporary, hashlib.sha256(data), key=history["record_s3_key"], content_type=CONTENT_TYPES["json"])
            finally:
                os.unlink(temporary)
        if params["dest"]:
            _history_directories(files, params, history["record_file"])
            handle, temporary = tempfile.mkstemp(prefix=".history-record.", suffix=".part", dir=os.path.dirname(history["record_file"]))
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                files.place(temporary, history["record_file"], params)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
    except AnsibleAWSError as e:
        raise _in_place(report, placed, f"keeping their history failed: {put_error_message(params, e, region)}", dashboard) from e
    except Exception as e:  # pylint: disable=broad-except
        raise _in_place(report, placed, f"keeping their history failed: {e}", dashboard) from e


def _history_directories(files, params, path):
    make_directories(files, params, missing_directories(os.path.dirname(path)))


def _place_copy(files, params, source, path):
    _history_directories(files, params, path)
    handle, temporary = tempfile.mkstemp(prefix=".history.", suffix=".part", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "wb") as target, open(source, "rb") as origin:
            while True:
                chunk = origin.read(64 * 1024)
                if not chunk:
                    break
                target.write(chunk)
        files.place(temporary, path, params)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def main():
    argument_spec = dict(
        report_name=dict(type="str", required=True),
        expected=dict(type="list", elements="raw", required=True),
        max_missing_percent=dict(type="float", default=0),
        max_part_age_hours=dict(type="int", default=24),
        not_before=dict(type="str"),
        parts_dir=dict(type="path"),
        parts_s3_bucket=dict(type="str"),
        parts_s3_prefix=dict(type="str"),
        expected_bucket_owner=dict(type="str"),
        dest=dict(type="path"),
        s3_bucket=dict(type="str"),
        s3_prefix=dict(type="str"),
        server_side_encryption=dict(type="str", choices=["AES256", "aws:kms"], default="AES256"),
        kms_key_id=dict(type="str"),
        formats=dict(type="list", elements="str", choices=list(FORMATS), default=list(FORMATS)),
        # No defaults here: an empty dict is refused, and the documented defaults are applied by history_settings().
        history=dict(type="dict", options=dict(enabled=dict(type="bool"), runs=dict(type="int"), prefix=dict(type="str"))),
    )
    module = AnsibleCloudpatchSSMModule(
        argument_spec=argument_spec,
        required_one_of=[("parts_dir", "parts_s3_bucket"), ("dest", "s3_bucket")],
        mutually_exclusive=[("parts_dir", "parts_s3_bucket")],
        # expected_bucket_owner needs either bucket: validate() says so.
        required_by={"parts_s3_prefix": "parts_s3_bucket", "s3_prefix": "s3_bucket", "kms_key_id": "s3_bucket"},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    params = module.params
    errors = validate(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    s3 = module.client("s3") if params["parts_s3_bucket"] or params["s3_bucket"] else None
    try:
        # Downloaded parts and the HTML spool go to the module's own temporary directory, which Ansible removes whatever happens.
        changed, result = ensure_merged(s3, params, module.check_mode, module.region, ReportFiles(module), module.tmpdir, module.warn)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
