#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_compliance_export
version_added: 0.1.0
short_description: Export a patch compliance report (CSV, JSON or an HTML dashboard) to S3 or a local file
description:
  - The Patch Manager console's "Export to S3" without its limits. The console runs a priced
    automation capped at 10,000 nodes; this module reads the compliance data itself, with no node cap.
  - "O(format=csv) writes AWS's columns in AWS's order: one row per node; for a single node
    (O(instance_id)) the same summary row, a blank line, then one row per non-compliant patch."
  - O(format=html) writes a self-contained page modelled on the console's dashboard (donut widgets,
    state counts, recent operations, recurring tasks, one row per node); inline CSS and SVG only,
    it opens offline. O(format=json) writes the rows and the dashboard's counts as data.
  - "Rows are streamed: each page of 50 nodes is read, written and dropped, so memory stays flat as
    the fleet grows. The two reads that cover the whole region in no useful order (the compliance
    summaries and the EC2 Name tags) are kept in a temporary SQLite file in the module's temporary
    directory, not in memory, and looked up a page at a time; the HTML page's node table is spooled
    to a temporary file while the dashboard above it is counted. With O(read_concurrency) above 1
    (the default) those reads and the node pages overlap, so the pages of nodes read before the
    last summary wait in the same file, with their patch states, until their rows can be made."
  - "Writes are atomic: the local file is written to a temporary C(.<report_name>.*.part) file beside
    O(dest) and moved into place (AnsibleModule's C(atomic_move)), S3 gets one PutObject with a
    SHA-256 checksum that S3 verifies; a failure half-way leaves no partial report anywhere (no
    C(.part) file, no directory the module created) and publishes nothing."
  - "The local report honours the usual file options (O(mode), O(owner), O(group) and the rest of
    M(ansible.builtin.file)'s). A new report is created C(0600), readable by its owner only, unless
    O(mode) says otherwise; an existing report keeps its mode, owner and group unless the options
    say otherwise."
  - "Never a silent pass: when O(instance_ids), O(patch_groups) or O(tags) match no managed node the
    task fails (C(0 nodes in <region> matched ...: nothing to report)) and writes nothing; so does a
    single-node report of an O(instance_id) that is not a managed node. An export of the whole
    region of an account that has no managed node writes the (empty) report with a warning. A listed
    id that is not a managed node, among others that are, is named in a warning."
  - "If the notification fails after the report was written, the task fails with C(changed=true),
    RV(report) and a message that says where the report is."
  - "An all-node export of N nodes makes ceil(N/50) DescribeInstanceInformation, ceil(N/50)
    DescribeInstancePatchStates, ceil(N/50) ListResourceComplianceSummaries and ceil(N/1000) EC2
    DescribeTags calls, plus PutObject and Publish: at most 3 x ceil(N/50) + ceil(N/1000) + 10.
    O(format=html) and O(format=jsonl) add the dashboard's operations and tasks, calls that do not grow with the fleet
    (two ListCommands, two ListAssociations, DescribeMaintenanceWindows, one DescribeAssociationExecutions
    per patching association that has run, one DescribeMaintenanceWindowTasks per maintenance window,
    and for each of the 10 newest association runs shown one DescribeAssociationExecutionTargets and
    at most one ListCommands); O(format=jsonl) also makes one STS GetCallerIdentity (the part's account id)."
  - "O(history) reads the previous runs' summary records only: with O(s3_bucket) one ListObjectsV2 and at most
    O(history.runs) - 1 GetObject, and puts two more objects (the dated copy and the record); never a call per node."
  - "Writing a report is a change (C(changed=true)). In check mode the report is built and measured
    (nodes, bytes, SHA-256) but nothing is written, put or published: RV(report) says what would
    have been written where, and C(changed) is predicted as true."
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  report_name:
    description:
      - The report's name, 1 to 50 characters of C(a-z A-Z 0-9 . _ -) (for example C(report2026),
        C(app1-patches), C(fleet-2026-11-30)); spaces and other characters are refused.
      - The file and the S3 object are named C(<report_name>.<format>).
    type: str
    required: true
  instance_id:
    description:
      - A single-node report of this managed node, with one detail row per non-compliant patch.
      - Each detail row names the logs of the node's last patching command (with S3 output); once Run
        Command no longer keeps that command (after 30 days) the logs cell says they expired,
        RV(report.logs_expired) is true and a warning says so, and the export does not fail.
      - Without it, the report covers every managed node, or those O(instance_ids), O(patch_groups)
        and O(tags) select.
      - Mutually exclusive with O(instance_ids), O(patch_groups) and O(tags).
    type: str
  instance_ids:
    description:
      - An all-node report of these managed nodes only (C(i-) or C(mi-) ids), one summary row each.
    type: list
    elements: str
  format:
    description:
      - The report's format.
      - "C(jsonl) writes this account-region's part of an organization report, read by
        M(cloudpatch.ssm.ssm_compliance_merge): JSON Lines, a header line (the account id, which one
        STS GetCallerIdentity call finds, the region, the time, the selection, O(reporting_days)), one
        line per node (the rows of RV(report) as O(format=json) writes them) and an end line with the
        node count and the dashboard's counts, recent operations and recurring tasks (the calls of
        O(format=html)). The counts come last because a part is streamed like every other format;
        the end line is also how the merge knows that a part is whole. Not with O(instance_id)."
    type: str
    choices: [csv, json, html, jsonl]
    default: csv
  csv_escape_formulas:
    description:
      - "CSV formula injection (OWASP \"CSV Injection\"): with C(true), every CSV cell that comes from
        node or patch data (names, ids, IP addresses, platforms, agent versions, baselines, patch
        groups, patch titles, KB ids, classifications, CVE ids...) and begins with C(=), C(+), C(-),
        C(@), a tab or a carriage return is prefixed with a single quote C('), so that a spreadsheet
        shows it instead of running it. The numbers the module writes itself (indexes, counts) are
        never touched."
      - Set C(false) for a tool that reads the raw values. Only O(format=csv) is escaped; JSON
        carries the raw values, and the HTML page escapes every value for the browser.
    type: bool
    default: true
  s3_bucket:
    description:
      - Put the report in this bucket, at C(<s3_prefix><report_name>.<format>) (the bucket's root by default, like the console).
    type: str
  s3_prefix:
    description:
      - A key prefix for the object; a C(/) is added if missing, a leading C(/) is removed.
    type: str
  expected_bucket_owner:
    description:
      - The account id that must own O(s3_bucket); the put fails otherwise.
    type: str
  dest:
    description:
      - Write the report to this local path (on the host the module runs on).
      - An existing directory, or a path that ends in C(/), is a directory; the file in it is named
        C(<report_name>.<format>). A directory that ends in C(/) and does not exist is created (with
        its missing parents) C(0700), or with O(mode) plus the search bit wherever O(mode) lets read
        (C(0644) makes C(0755)), and O(owner) and O(group); it is removed again if the export fails.
      - Any other path is the file itself; its directory must exist.
      - An empty O(dest) is refused.
    type: path
  sns_topic_arn:
    description:
      - Publish a notification to this SNS topic once the report is written (after the S3 object and
        the local file are in place; never for a failed export).
      - "Subject: C(Patch compliance report <report_name> generated). Message: JSON with C(report)
        (as RV(report), without C(sns_message_id)), C(compliance_summary), C(patch_states) and
        C(reporting_age)."
    type: str
  history:
    description:
      - Keep a history of the runs and show its trend. AWS keeps only each node's latest compliance
        snapshot; with O(history), each run also keeps its report under a dated name and a small
        summary record, and the report shows the last runs' counts and the nodes that got worse.
      - "The run's report is also kept at C(<prefix>/YYYY/MM/DD/<report_name>-<HHMMSS>.<format>), the
        date and time being the run's in UTC (RV(report.generated_at)): in O(s3_bucket) under O(s3_prefix),
        and under the directory of O(dest). Two runs in the same second share these names (the later wins)."
      - "Its summary record, JSON, goes to C(<prefix>/summaries/<report_name>/<inverted>-<YYYYMMDDTHHMMSSZ>.json)
        in the same places: C(format_version) (1), C(report_name), C(generated_at), C(region), C(scope),
        C(selection) (the options that chose the nodes), C(counts) (C(compliant), C(non_compliant),
        C(never_reported), C(total)), C(non_compliant_ids) and C(never_reported_ids). C(<inverted>) is
        9999999999 minus the run's Unix time, so that S3's ascending key order lists the newest first."
      - "Reading the history reads these records only, never anything per node: with O(s3_bucket), one
        ListObjectsV2 of the summaries' prefix (C(MaxKeys) O(history.runs) - 1) and one GetObject per
        record (a general purpose bucket: S3 lists its keys in ascending order; a directory bucket does
        not); without it, the files under O(dest)'s directory. A record that is not one this module
        wrote (another format version, bad JSON) is left out with a warning."
      - "The history's files, and the directories made for them, follow the report's rules: atomic
        writes (a temporary file moved into place; S3 PutObject with a SHA-256 checksum), O(mode),
        O(owner), O(group), new files C(0600). They are written after the report: if one fails, the task
        fails with C(changed=true) and says where the report is."
      - With O(history), RV(dashboard.trend) carries the trend; the JSON report's C(dashboard) too, and
        the HTML page shows it (a table of the runs with a bar each, and the nodes that got worse).
      - An empty dict is refused; give at least one suboption (C(enabled=true) for the defaults).
    type: dict
    suboptions:
      enabled:
        description:
          - Keep and show the history (C(true) when left out); C(false) reads and writes none, as if
            O(history) were not given (for a variable that turns it off).
        type: bool
      runs:
        description:
          - How many runs the trend shows, this run included, 2 to 100 (10 when left out); that is, this run
            and up to O(history.runs) - 1 before it, the newest records.
        type: int
      prefix:
        description:
          - Where the history is kept, under O(s3_prefix) in S3 and under O(dest)'s directory locally
            (C(history) when left out). 1 to 200 characters of C(a-z A-Z 0-9 . _ -) in C(/)-separated
            parts; leading and trailing C(/) are removed, C(..) and empty parts are refused.
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
  - cloudpatch.ssm.compliance_selection
  - cloudpatch.ssm.read_concurrency
attributes:
  check_mode:
    support: full
    details:
      - Builds and measures the report (nodes, bytes, SHA-256) but writes, puts and publishes nothing;
        RV(report) says what would have been written where, and C(changed) is predicted as true.
  diff_mode:
    support: none
    details:
      - A report is written whole each time; its size and SHA-256 are in RV(report).
seealso:
  - module: cloudpatch.ssm.ssm_patch_compliance_info
    description: The dashboard and the per-node rows as data, without a report.
  - module: ansible.builtin.file
    description: The file options (O(mode), O(owner), O(group)...) the local report takes.
  - name: Generating .csv patch compliance reports
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-store-compliance-results-in-s3.html
    description: The console's Export to S3, whose CSV layout O(format=csv) follows.
  - name: Patch compliance reports
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-compliance-reports.html
    description: What a compliance report contains and when it is current.
  - name: ListComplianceItems
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListComplianceItems.html
    description: The API call behind a single-node report's patch rows.
  - name: PutObject
    link: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
    description: The S3 call that stores the report (with its SHA-256 checksum).
  - name: Publish
    link: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
    description: The SNS call of O(sns_topic_arn).
"""

EXAMPLES = r"""
- name: The workshop's export, as the console's Export to S3
  cloudpatch.ssm.ssm_compliance_export:
    report_name: ssm-workshop
    s3_bucket: ssm-command-logs-us-east-1-123456789012

- name: A dashboard page to look at, kept locally (readable by the web server) and in S3 under reports/, KMS-encrypted, with a notification
  cloudpatch.ssm.ssm_compliance_export:
    report_name: fleet-dashboard
    format: html
    dest: /var/www/reports/
    mode: "0644"
    s3_bucket: my-reports
    s3_prefix: reports
    server_side_encryption: aws:kms
    kms_key_id: alias/reports
    sns_topic_arn: arn:aws:sns:us-east-1:123456789012:patch-reports

- name: The whole fleet one call at a time, in an account whose other tools use most of its SSM request quota
  cloudpatch.ssm.ssm_compliance_export:
    report_name: fleet-serial
    dest: /tmp/reports/
    read_concurrency: 1

- name: One node's missing patches
  cloudpatch.ssm.ssm_compliance_export:
    report_name: app1-patches
    instance_id: i-0123456789abcdef0
    dest: /tmp/app1-patches.csv

- name: The App patch group's production nodes only, as JSON, in a date-stamped file
  cloudpatch.ssm.ssm_compliance_export:
    report_name: app-production-2026-11-30
    format: json
    patch_groups: [App]
    tags:
      Environment: production
    dest: /tmp/reports/

- name: A nightly dashboard with the last 14 runs' trend, kept in S3 (reports/history/YYYY/MM/DD/...) and under /var/www/reports/history/
  cloudpatch.ssm.ssm_compliance_export:
    report_name: fleet
    format: html
    s3_bucket: my-reports
    s3_prefix: reports
    dest: /var/www/reports/
    mode: "0644"
    history:
      runs: 14

- name: Raw values for a tool that reads the CSV itself, readable by the owner's group
  cloudpatch.ssm.ssm_compliance_export:
    report_name: report2026
    csv_escape_formulas: false
    dest: /tmp/compliance/
    mode: "0640"
"""

RETURN = r"""
report:
  description:
    - What was written (in check mode, what would have been written).
    - Also in a failed result when the report was written but a later step (the notification, or
      the local file after the S3 object) failed; C(changed) is then true.
  returned: always
  type: dict
  contains:
    name:
      description: The report's name.
      returned: always
      type: str
      sample: ssm-workshop
    format:
      description: Its format.
      returned: always
      type: str
      sample: csv
    account_id:
      description: The account the part is of (STS GetCallerIdentity), with O(format=jsonl).
      returned: when O(format=jsonl)
      type: str
      sample: "111122223333"
    scope:
      description: C(all nodes), the node's id for a single-node report, or the filters that selected the nodes.
      returned: always
      type: str
      sample: all nodes
    nodes:
      description: Node rows in the report.
      returned: always
      type: int
      sample: 4
    patches:
      description: Detail rows (non-compliant patches) of a single-node report.
      returned: when O(instance_id) is set
      type: int
      sample: 13
    logs_expired:
      description:
        - Whether the command of the node's last patching is one Run Command no longer keeps (it keeps
          command history 30 days), so the detail rows name no logs URL (their logs cell says so, and a
          warning names the command); not a failure.
      returned: when O(instance_id) is set
      type: bool
      sample: false
    bytes:
      description: The report's size.
      returned: always
      type: int
      sample: 1234
    sha256:
      description: The report's SHA-256, hex.
      returned: always
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    generated_at:
      description: When the report was generated, ISO 8601.
      returned: always
      type: str
      sample: "2026-11-30T02:40:00Z"
    s3_bucket:
      description: The bucket, when O(s3_bucket) is set.
      returned: when O(s3_bucket) is set
      type: str
      sample: ssm-command-logs-us-east-1-123456789012
    s3_key:
      description: The object's key, when O(s3_bucket) is set.
      returned: when O(s3_bucket) is set
      type: str
      sample: ssm-workshop.csv
    s3_url:
      description: The object's s3:// URL, when O(s3_bucket) is set.
      returned: when O(s3_bucket) is set
      type: str
      sample: s3://ssm-command-logs-us-east-1-123456789012/ssm-workshop.csv
    server_side_encryption:
      description: The object's server-side encryption, when O(s3_bucket) is set.
      returned: when O(s3_bucket) is set
      type: str
      sample: AES256
    kms_key_id:
      description: The KMS key asked for, when O(kms_key_id) is set.
      returned: when O(kms_key_id) is set
      type: str
      sample: alias/reports
    s3_version_id:
      description: The object's version, in a versioned bucket.
      returned: when the object was put in a versioned bucket
      type: str
      sample: 3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY
    dest:
      description: The local file, when O(dest) is set.
      returned: when O(dest) is set
      type: str
      sample: /tmp/ssm-workshop.csv
    sns_topic_arn:
      description: The topic notified (in check mode, that would be), when O(sns_topic_arn) is set.
      returned: when O(sns_topic_arn) is set
      type: str
      sample: arn:aws:sns:us-east-1:123456789012:patch-reports
    history:
      description: Where this run's history is kept (in check mode, would be), when O(history) is set.
      returned: when O(history) is set and not disabled
      type: dict
      contains:
        runs:
          description: O(history.runs).
          returned: always
          type: int
          sample: 10
        prefix:
          description: O(history.prefix) as used (without leading or trailing C(/)).
          returned: always
          type: str
          sample: history
        report_s3_key:
          description: The key of the run's copy of the report.
          returned: when O(s3_bucket) is set
          type: str
          sample: reports/history/2026/11/30/fleet-024000.html
        record_s3_key:
          description: The key of the run's summary record.
          returned: when O(s3_bucket) is set
          type: str
          sample: reports/history/summaries/fleet/8235434399-20261130T024000Z.json
        report_file:
          description: The local copy of the report.
          returned: when O(dest) is set
          type: str
          sample: /var/www/reports/history/2026/11/30/fleet-024000.html
        record_file:
          description: The local summary record.
          returned: when O(dest) is set
          type: str
          sample: /var/www/reports/history/summaries/fleet/8235434399-20261130T024000Z.json
    sns_message_id:
      description: The notification's message id, when O(sns_topic_arn) is set (not in check mode).
      returned: when the notification was published (never in check mode)
      type: str
      sample: 2b4c1d0e-8b7a-4f0e-9e1c-5d6a7b8c9d0e
dashboard:
  description: The dashboard's counts over the report's nodes (see M(cloudpatch.ssm.ssm_patch_compliance_info)).
  returned: always
  type: dict
  contains:
    compliance_summary:
      description: Among the nodes that reported patch data, how many are compliant, and the non-compliant by their highest compliance level.
      returned: always
      type: dict
      contains:
        compliant:
          description: Nodes whose compliance status is C(COMPLIANT).
          returned: always
          type: int
          sample: 2
        critical_non_compliant:
          description: Non-compliant nodes whose highest compliance level is C(CRITICAL).
          returned: always
          type: int
          sample: 2
        high_non_compliant:
          description: Non-compliant nodes whose highest compliance level is C(HIGH).
          returned: always
          type: int
          sample: 0
        other_non_compliant:
          description: The other non-compliant nodes (C(MEDIUM), C(LOW), C(INFORMATIONAL), C(UNSPECIFIED), or a patch state without a summary).
          returned: always
          type: int
          sample: 0
    patch_states:
      description: Managed nodes, and how many have missing patches, failed patches, patches pending a reboot.
      returned: always
      type: dict
      contains:
        managed_nodes:
          description: The managed nodes counted (zero when the selection matched none).
          returned: always
          type: int
          sample: 4
        with_missing_patches:
          description: Nodes whose last scan or install left patches missing.
          returned: always
          type: int
          sample: 4
        with_failed_patches:
          description: Nodes with patches that failed to install.
          returned: always
          type: int
          sample: 0
        pending_reboot:
          description: Nodes with patches installed that wait for a reboot.
          returned: always
          type: int
          sample: 0
    reporting_age:
      description: Nodes that reported within O(reporting_days) days, before that, or never.
      returned: always
      type: dict
      contains:
        days:
          description: The threshold, O(reporting_days).
          returned: always
          type: int
          sample: 7
        within_days:
          description: Nodes whose last report is at most RV(dashboard.reporting_age.days) days old.
          returned: always
          type: int
          sample: 4
        older:
          description: Nodes whose last report is older.
          returned: always
          type: int
          sample: 0
        never_reported:
          description: Nodes with no patch data at all.
          returned: always
          type: int
          sample: 0
    recent_operations:
      description: >-
        With O(format=html) or O(format=jsonl), the 10 most recent commands and association executions
        that ran a patching document, newest first; empty otherwise.
      returned: always
      type: list
      elements: dict
      contains:
        operation:
          description: C(Scan) or C(Install), from the document's C(Operation) parameter; null when it cannot be read.
          returned: always
          type: str
          sample: Scan
        mechanism:
          description: C(Run Command) or C(Association).
          returned: always
          type: str
          sample: Association
        document:
          description: The patching document run.
          returned: always
          type: str
          sample: AWS-RunPatchBaseline
        id:
          description: The command id (Run Command) or the association execution id.
          returned: always
          type: str
          sample: 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e
        association_id:
          description: The association that ran.
          returned: when RV(dashboard.recent_operations[].mechanism) is C(Association)
          type: str
          sample: 8dfe3659-4309-493a-8755-0123456789ab
        start_time:
          description: When it was requested or started, ISO 8601.
          returned: always
          type: str
          sample: "2026-11-30T02:31:00Z"
        end_time:
          description: When it ended, ISO 8601; null while it runs, and for Run Command (ListCommands has no end time).
          returned: always
          type: str
          sample: "2026-11-30T02:31:02Z"
        status:
          description: Its status as SSM reports it.
          returned: always
          type: str
          sample: Success
        targets:
          description: Its targets as the console shows them.
          returned: always
          type: str
          sample: "InstanceIds: *"
    trend:
      description:
        - The history's trend, when O(history) is set (also in the JSON report's C(dashboard), and on the HTML page).
      returned: when O(history) is set and not disabled
      type: dict
      contains:
        runs_asked:
          description: O(history.runs).
          returned: always
          type: int
          sample: 10
        runs:
          description: The runs, oldest first, this run last; at most O(history.runs).
          returned: always
          type: list
          elements: dict
          contains:
            generated_at:
              description: When the run was, ISO 8601 (its RV(report.generated_at)).
              returned: always
              type: str
              sample: "2026-11-30T02:40:00Z"
            compliant:
              description: Nodes whose status was C(COMPLIANT).
              returned: always
              type: int
              sample: 3
            non_compliant:
              description: Nodes whose status was C(NON_COMPLIANT).
              returned: always
              type: int
              sample: 1
            never_reported:
              description: Nodes that had never reported patch data.
              returned: always
              type: int
              sample: 1
            total:
              description: The nodes in the run's report.
              returned: always
              type: int
              sample: 5
        previous_run:
          description: When the previous run kept in history was, or null for the first.
          returned: always
          type: str
          sample: "2026-11-29T02:40:00Z"
        got_worse:
          description:
            - The nodes non-compliant now that were not non-compliant in the previous run (compliant, never
              reported, or not in that run's report); empty for the first run.
          returned: always
          type: list
          elements: dict
          contains:
            instance_id:
              description: The node's id.
              returned: always
              type: str
              sample: i-0123456789abcdef0
            name:
              description: Its name (the EC2 Name tag, or the hybrid node's name), or null.
              returned: always
              type: str
              sample: Web1
            patch_group:
              description: Its patch group, or null.
              returned: always
              type: str
              sample: Web
    recurring_tasks:
      description: >-
        With O(format=html) or O(format=jsonl), the associations and maintenance window tasks that run
        a patching document; empty otherwise.
      returned: always
      type: list
      elements: dict
      contains:
        name:
          description: The association's name (or id), or the maintenance window task's name (or window and task id).
          returned: always
          type: str
          sample: nightly-scan
        type:
          description: C(Association) or C(Maintenance window).
          returned: always
          type: str
          sample: Association
        id:
          description: The association id or the maintenance window task id.
          returned: always
          type: str
          sample: 8dfe3659-4309-493a-8755-0123456789ab
        window_id:
          description: The maintenance window's id.
          returned: when RV(dashboard.recurring_tasks[].type) is C(Maintenance window)
          type: str
          sample: mw-0123456789abcdef0
        window_name:
          description: The maintenance window's name.
          returned: when RV(dashboard.recurring_tasks[].type) is C(Maintenance window)
          type: str
          sample: weekly-patching
        document:
          description: The patching document (name or ARN) it runs.
          returned: always
          type: str
          sample: AWS-RunPatchBaseline
        schedule:
          description: Its schedule, or null for an association without one (such as C(AWS-PatchNowAssociation)).
          returned: always
          type: str
          sample: "cron(0 2 ? * * *)"
        next_run:
          description:
            - A maintenance window task's next run, the window's C(NextExecutionTime) as DescribeMaintenanceWindows returns it
              (no extra call); null for an association and for a window with no next run (a disabled window, one past its end date).
          returned: always
          type: str
          sample: "2026-12-08T02:00:00.000Z"
        targets:
          description: Its targets as the console shows them.
          returned: always
          type: str
          sample: "tag:Patch Group: App"
"""

import datetime
import hashlib
import json
import os
import shutil
import tempfile

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DEFAULT_READ_CONCURRENCY
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DigestingWriter
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import dashboard_activity
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import dest_path
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import error_code
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import file_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import HistoryTracker
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import ReportFiles
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import fleet_rows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import history_names
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import iso
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import make_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import node_details
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import nothing_matched
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import put_error_message
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import put_to_s3
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import read_history
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import report_writer
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import missing_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import remove_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import resolve_dest
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import s3_key
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import selection
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import selection_changed_warning
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import selection_text
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import trend
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import unmatched_ids
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import validate
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import JsonlPart
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import get_caller_account
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.sns_calls import publish_notification

# Activity (recent operations and recurring tasks) shown on the HTML page.
OPERATIONS_ON_PAGE = 10


def build_report(ssm, ec2, params, stream, meta, now, workdir=None, warn=None, history=None):
    """Stream the report into `stream`; returns (node rows, detail rows, dashboard, logs expired).

    With `history` ({"names": history_names(), "previous": the previous runs' records, newest first}),
    the dashboard carries the trend and history["record"] is set to this run's summary record.

    Logs expired: for a single-node report, whether the command of the node's last patching is one
    Run Command no longer keeps (its history lasts 30 days), so its logs cannot be named.

    Raises ParameterError, before anything is put or renamed into place, when no node matched a
    selection (or the single node is not a managed node): a report of nothing is not a success.
    """
    region = meta.get("region")
    if params["format"] == "jsonl":
        writer = JsonlPart(stream, meta)
    else:
        writer = report_writer(params["format"], stream, meta, workdir, csv_escape_formulas=params.get("csv_escape_formulas", True))
    counts = DashboardCounts(params["reporting_days"])
    chosen = {"instance_ids": [params["instance_id"]]} if params["instance_id"] else selection(params)
    tracker = HistoryTracker(history["previous"][0] if history and history["previous"] else None) if history else None
    nodes, last, seen = 0, None, set()
    with fleet_rows(ssm, ec2, now, params["reporting_days"], workdir=workdir,
                    read_concurrency=params.get("read_concurrency", DEFAULT_READ_CONCURRENCY), **chosen) as rows:
        for row in rows:
            writer.node(row)
            counts.add(row)
            if tracker:
                tracker.add(row)
            nodes += 1
            last = row
            if chosen.get("instance_ids"):
                seen.add(row["instance_id"])
    details, expired = [], None
    if params["instance_id"]:
        if last is None:
            raise ParameterError(f"instance_id {params['instance_id']} is not a managed node in {region}")
        details, expired = node_details(ssm, last)
        writer.details(last, details)
        if expired and warn:
            warn(f"instance_id {params['instance_id']}: logs expired: the command {expired} of its last patching is no longer "
                 f"kept in {region} (Run Command keeps command history 30 days); the report has no logs URL for its patches")
    elif nodes == 0:
        message = nothing_matched(region, **selection(params))
        if message:
            raise ParameterError(f"{message}: nothing to report")
        if warn:
            warn(f"there is no managed node in {region}: the report has no node rows")
    elif warn and params.get("instance_ids") and not params.get("patch_groups") and not params.get("tags"):
        for message in unmatched_ids(params["instance_ids"], seen, region):
            warn(message)
    activity = dashboard_activity(ssm, OPERATIONS_ON_PAGE) if params["format"] in ("html", "jsonl") else ((), ())
    dashboard = counts.as_dict(*activity)
    if tracker:
        dashboard["trend"] = trend(history["previous"], tracker, meta, history["names"]["runs"])
        history["record"] = tracker.record(meta, run_selection(params))
    writer.close(dashboard)
    return nodes, len(details), dashboard, expired is not None


def run_selection(params):
    """The nodes a run selected, as its summary record keeps them."""
    if params["instance_id"]:
        return {"instance_id": params["instance_id"]}
    return dict((key, value) for key, value in selection(params).items() if value is not None)


def notification(report, dashboard):
    """The SNS notification: a subject naming the report, and a JSON message with where it is and its counts."""
    subject = f"Patch compliance report {report['name']} generated"
    message = {
        "report": report,
        "compliance_summary": dashboard["compliance_summary"],
        "patch_states": dashboard["patch_states"],
        "reporting_age": dashboard["reporting_age"],
    }
    return subject, json.dumps(message, sort_keys=True)


def describe(params, now):
    """The report's description before it is built: name, format, scope, time and destinations."""
    report = {
        "name": params["report_name"],
        "format": params["format"],
        "scope": params["instance_id"] or selection_text(**selection(params)),
        "generated_at": iso(now),
    }
    if params["s3_bucket"]:
        report.update(s3_bucket=params["s3_bucket"], s3_key=s3_key(params), s3_url=f"s3://{params['s3_bucket']}/{s3_key(params)}",
                      server_side_encryption=params["server_side_encryption"])
        if params["kms_key_id"]:
            report["kms_key_id"] = params["kms_key_id"]
    if params["dest"]:
        report["dest"] = dest_path(params)
    if params["sns_topic_arn"]:
        report["sns_topic_arn"] = params["sns_topic_arn"]
    names = history_names(params, now)
    if names:
        report["history"] = dict((key, value) for key, value in names.items() if key not in ("records_s3_prefix", "records_directory"))
    return report


def where(report, placed):
    return " and ".join(report["s3_url"] if place == "s3" else report["dest"] for place in placed)


def disk_error_message(params, error):
    """The local disk (dest, its directory, the temporary file) failed: nothing was put in place."""
    if params["dest"]:
        return f"the report could not be written (dest {params['dest']}): {error}"
    return f"the report could not be written to the module's temporary directory: {error}"


def ensure_exported(clients, params, check_mode, region, files, workdir=None, warn=None):
    """Build the report and write it where asked; in check mode build and measure it, write nothing.

    `clients` maps ssm, ec2 (and s3, sns when the task writes to them) to their clients; `files` is
    a ReportFiles; `workdir` takes the scratch files (the index of the fleet-wide reads, the HTML
    spool). Returns (changed, {report, dashboard}). Writing a report is a change, so check mode
    predicts changed=True; the report then says what would have been written (size, SHA-256,
    destinations). A failure after the report was put in place is a ParameterError that carries
    changed, the report and the dashboard.
    """
    try:
        return _export(clients, params, check_mode, region, files, workdir, warn)
    except OSError as e:
        raise ParameterError(disk_error_message(params, e)) from e


def _export(clients, params, check_mode, region, files, workdir, warn):
    now = datetime.datetime.now(datetime.timezone.utc)
    report = describe(params, now)
    meta = {"report_name": params["report_name"], "generated_at": report["generated_at"], "scope": report["scope"], "region": region}
    if params["format"] == "jsonl":
        report["account_id"] = get_caller_account(clients["sts"])
        meta.update(account_id=report["account_id"], selection=run_selection(params), reporting_days=params["reporting_days"])
    names = history_names(params, now)
    history = None
    if names:
        # Read before anything is written: a history that cannot be read stops the export with nothing written.
        history = {"names": names, "previous": read_history(clients.get("s3"), params, names, region, warn)}
        message = selection_changed_warning(history["previous"][0] if history["previous"] else None, run_selection(params), report["scope"])
        if message and warn:
            warn(message)
    if check_mode:
        sink = DigestingWriter()
        nodes, patches, dashboard, expired = build_report(clients["ssm"], clients["ec2"], params, sink, meta, now, workdir, warn, history)
        report.update(_measured(params, nodes, patches, sink, expired))
        return True, {"report": report, "dashboard": dashboard}
    created = []
    if params["dest"]:
        created = make_directories(files, params, resolve_dest(params["dest"], file_name(params))[1])
    placed = []
    try:
        dashboard = _write_and_place(clients, params, report, meta, now, region, files, workdir, warn, placed, history)
    except BaseException:
        if "dest" not in placed:
            remove_directories(created)
        raise
    if params["sns_topic_arn"]:
        report["sns_message_id"] = _notify(clients["sns"], params, report, dashboard, placed, region)
    return True, {"report": report, "dashboard": dashboard}


def _in_place_failure(message, report, dashboard):
    return ParameterError(message, changed=True, report=report, dashboard=dashboard)


def _notify(sns, params, report, dashboard, placed, region):
    subject, message = notification(report, dashboard)
    try:
        return publish_notification(sns, params["sns_topic_arn"], subject, message)
    except AnsibleAWSError as e:
        reason = f"sns_topic_arn {params['sns_topic_arn']} was not found from {region}" if error_code(e) == "NotFound" else e.message
        raise _in_place_failure(f"the report is in place ({where(report, placed)}), but the notification failed: {reason}",
                                report, dashboard) from e


def _write_and_place(clients, params, report, meta, now, region, files, workdir, warn, placed, history=None):
    # The temporary file sits beside dest so that the final rename is atomic (same file system).
    directory = os.path.dirname(report["dest"]) if params["dest"] else workdir
    handle, temporary = tempfile.mkstemp(prefix=f".{params['report_name']}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "wb") as binary:
            sink = DigestingWriter(binary)
            nodes, patches, dashboard, expired = build_report(clients["ssm"], clients["ec2"], params, sink, meta, now, workdir, warn, history)
            binary.flush()
            os.fsync(binary.fileno())
        report.update(_measured(params, nodes, patches, sink, expired))
        if params["dest"]:
            # Owner, group and mode tried on the temporary file first: a refusal stops the export
            # before anything is put in S3 or in place.
            files.try_attributes(temporary, params)
        if params["s3_bucket"]:
            _put(clients["s3"], params, temporary, sink, report, region)
            placed.append("s3")
            if history:
                _keep_history(report, dashboard, placed, lambda: put_to_s3(clients["s3"], params, temporary, sink.sha256,
                                                                           key=report["history"]["report_s3_key"]))
        if params["dest"]:
            _place(files, params, temporary, report, dashboard, placed)
            placed.append("dest")
            if history:
                _keep_history(report, dashboard, placed, lambda: _place_copy(files, params, report["dest"], report["history"]["report_file"]))
        if history:
            _keep_history(report, dashboard, placed, lambda: _keep_record(clients, params, files, workdir, report, history["record"]))
        return dashboard
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _keep_history(report, dashboard, placed, step):
    """One step of keeping the run's history, after the report is in place: a failure says where the report is."""
    try:
        step()
    except (AnsibleAWSError, OSError, ParameterError) as e:
        reason = getattr(e, "message", None) or str(e)
        raise _in_place_failure(f"the report is in place ({where(report, placed)}), but keeping its history failed: {reason}",
                                report, dashboard) from e


def _history_directories(files, params, path):
    make_directories(files, params, missing_directories(os.path.dirname(path)))


def _place_copy(files, params, source, path):
    """A copy of the placed report at `path` (the history's dated name), written beside it and moved into place."""
    _history_directories(files, params, path)
    handle, temporary = tempfile.mkstemp(prefix=f".{params['report_name']}.", suffix=".part", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "wb") as target, open(source, "rb") as origin:
            shutil.copyfileobj(origin, target)
            target.flush()
            os.fsync(target.fileno())
        files.place(temporary, path, params)
    except Exception as e:  # pylint: disable=broad-except
        # atomic_move raises plain Exceptions.
        raise OSError(f"writing {path} failed: {e}") from e
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _keep_record(clients, params, files, workdir, report, record):
    """This run's summary record, put in S3 and written beside the local history (same mode and owner rules)."""
    data = json.dumps(record, sort_keys=True).encode("utf-8")
    names = report["history"]
    if params["s3_bucket"]:
        handle, temporary = tempfile.mkstemp(prefix=".history-record.", suffix=".part", dir=workdir)
        try:
            with os.fdopen(handle, "wb") as target:
                target.write(data)
            put_to_s3(clients["s3"], params, temporary, hashlib.sha256(data), key=names["record_s3_key"], content_type="application/json")
        finally:
            os.unlink(temporary)
    if params["dest"]:
        _history_directories(files, params, names["record_file"])
        handle, temporary = tempfile.mkstemp(prefix=".history-record.", suffix=".part", dir=os.path.dirname(names["record_file"]))
        try:
            with os.fdopen(handle, "wb") as target:
                target.write(data)
                target.flush()
                os.fsync(target.fileno())
            files.place(temporary, names["record_file"], params)
        except Exception as e:  # pylint: disable=broad-except
            raise OSError(f"writing {names['record_file']} failed: {e}") from e
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def _put(s3, params, temporary, sink, report, region):
    try:
        answer = put_to_s3(s3, params, temporary, sink.sha256)
    except AnsibleAWSError as e:
        e.message = put_error_message(params, e, region)
        raise
    if answer.get("VersionId"):
        report["s3_version_id"] = answer["VersionId"]


def _place(files, params, temporary, report, dashboard, placed):
    try:
        files.place(temporary, report["dest"], params)
    except Exception as e:  # pylint: disable=broad-except
        # atomic_move raises plain Exceptions (a directory not writable, a failed rename).
        if not placed:
            raise OSError(f"writing dest {report['dest']} failed: {e}") from e
        raise _in_place_failure(f"the report is in place ({where(report, placed)}), but writing dest {report['dest']} failed: {e}",
                                report, dashboard) from e


def _measured(params, nodes, patches, sink, logs_expired=False):
    measured = {"nodes": nodes, "bytes": sink.size, "sha256": sink.sha256.hexdigest()}
    if params["instance_id"]:
        measured["patches"] = patches
        measured["logs_expired"] = logs_expired
    return measured


def main():
    argument_spec = dict(
        report_name=dict(type="str", required=True),
        instance_id=dict(type="str"),
        instance_ids=dict(type="list", elements="str"),
        patch_groups=dict(type="list", elements="str"),
        tags=dict(type="dict"),
        format=dict(type="str", choices=["csv", "json", "html", "jsonl"], default="csv"),
        csv_escape_formulas=dict(type="bool", default=True),
        s3_bucket=dict(type="str"),
        s3_prefix=dict(type="str"),
        server_side_encryption=dict(type="str", choices=["AES256", "aws:kms"], default="AES256"),
        kms_key_id=dict(type="str"),
        expected_bucket_owner=dict(type="str"),
        dest=dict(type="path"),
        sns_topic_arn=dict(type="str"),
        reporting_days=dict(type="int", default=7),
        read_concurrency=dict(type="int", default=DEFAULT_READ_CONCURRENCY),
        # No defaults here: an empty dict is refused, and the documented defaults are applied by history_settings().
        history=dict(type="dict", options=dict(enabled=dict(type="bool"), runs=dict(type="int"), prefix=dict(type="str"))),
    )
    relations = dict(
        required_one_of=[("s3_bucket", "dest")],
        mutually_exclusive=[("instance_id", "instance_ids"), ("instance_id", "patch_groups"), ("instance_id", "tags")],
        required_by={"s3_prefix": "s3_bucket", "kms_key_id": "s3_bucket", "expected_bucket_owner": "s3_bucket"},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, **relations)
    params = module.params
    errors = validate(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    clients = {"ssm": module.client("ssm"), "ec2": module.client("ec2")}
    if params["format"] == "jsonl":
        clients["sts"] = module.client("sts")
    if params["s3_bucket"]:
        clients["s3"] = module.client("s3")
    if params["sns_topic_arn"]:
        clients["sns"] = module.client("sns")
    try:
        # Scratch files go to the module's own temporary directory, which Ansible removes whatever happens.
        changed, result = ensure_exported(clients, params, module.check_mode, module.region, ReportFiles(module), module.tmpdir, module.warn)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
