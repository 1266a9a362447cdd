# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One account-region's part of an organization report: ssm_compliance_export's format=jsonl, and its reading.

A part is JSON Lines, one JSON object a line (json.dumps escapes every newline inside a value):

- a header: ``{"part": PART_FORMAT, "format_version": 1, "account_id", "region", "generated_at",
  "report_name", "scope", "selection", "reporting_days"}``;
- one ``{"node": <row>}`` line per node (common.node_row's keys);
- a trailer: ``{"end": {"nodes": N, "dashboard": {...}}}``, the dashboard's counts and activity.

The counts come last because they are known only once every row is out: a writer that streams
cannot put them first. The trailer doubles as the proof that the part is whole: a part cut short has
none, and a reader checks that its node count and counts agree with the rows it read.

Nothing here calls AWS. A part is read a line at a time, each line at most MAX_LINE_BYTES long, so
reading one needs the memory of one row whatever its size.
"""

import json
import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import COMPLIANT
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import NEVER_REPORTED
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import NON_COMPLIANT
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import PATCH_COUNTS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import SEVERITY_KEYS

PART_FORMAT = "cloudpatch.ssm/compliance-part"
PART_VERSION = 1
PART_EXTENSION = "jsonl"
# A node row is well under 2 KB; a line far longer is not one of ours, and is not read whole.
MAX_LINE_BYTES = 1024 * 1024
ACCOUNT_ID = re.compile(r"\A\d{12}\Z")
# What a region looks like (us-east-1, us-gov-west-1, cn-north-1, eu-central-2): checked against botocore's list by the merge.
REGION = re.compile(r"\A[a-z]{2}(?:-[a-z]+)+-\d{1,2}\Z")
STATUSES = (COMPLIANT, NON_COMPLIANT, NEVER_REPORTED)
AGES = ("within", "older", "never")
TEXT_KEYS = ("name", "ip_address", "computer_name", "resource_type", "ping_status", "platform_type", "platform_name",
             "platform_version", "agent_version", "patch_group", "baseline_id", "severity", "last_operation", "last_report_time")
OPERATION_KEYS = ("operation", "mechanism", "document", "start_time", "end_time", "status", "targets")
TASK_KEYS = ("name", "type", "document", "schedule", "next_run")


class PartError(Exception):
    """A part that is not one this collection wrote, or not whole: the message says what and where.

    `header` is the part's header when that much could be read (so its account-region is known)."""

    def __init__(self, message, header=None):
        super().__init__(message)
        self.header = header


class JsonlPart:
    """The report writer of format=jsonl (report.report_writer's interface: node(), details(), close())."""

    def __init__(self, stream, meta, workdir=None):
        self.stream = stream
        self.nodes = 0
        header = {"part": PART_FORMAT, "format_version": PART_VERSION}
        header.update((key, meta.get(key)) for key in ("account_id", "region", "generated_at", "report_name", "scope", "selection", "reporting_days"))
        stream.write(json.dumps(header, sort_keys=True) + "\n")

    def node(self, row):
        self.nodes += 1
        self.stream.write(json.dumps({"node": row}, sort_keys=True) + "\n")

    def details(self, row, details):
        # The export refuses format=jsonl with instance_id: a part is an all-node report.
        raise ValueError("a compliance part has no detail rows")

    def close(self, dashboard):
        self.stream.write(json.dumps({"end": {"nodes": self.nodes, "dashboard": dashboard}}, sort_keys=True) + "\n")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value):
    return value is None or isinstance(value, str)


def row_problem(row):
    """Why `row` is not a node row this collection wrote, or None."""
    if not isinstance(row, dict) or not isinstance(row.get("instance_id"), str) or not row["instance_id"]:
        return "a node line without an instance_id"
    if row.get("status") not in STATUSES:
        return f"node {row['instance_id']}: status {row.get('status')!r} is not one of {', '.join(STATUSES)}"
    if row.get("reporting_age") not in AGES:
        return f"node {row['instance_id']}: reporting_age {row.get('reporting_age')!r} is not one of {', '.join(AGES)}"
    for key in TEXT_KEYS:
        if not _is_text(row.get(key)):
            return f"node {row['instance_id']}: {key} is not text"
    counts = row.get("non_compliant_counts")
    if counts is not None and not (isinstance(counts, dict) and all(_is_int(counts.get(key)) for key in SEVERITY_KEYS)):
        return f"node {row['instance_id']}: non_compliant_counts is not six counts"
    counts = row.get("patch_counts")
    if counts is not None and not (isinstance(counts, dict) and all(_is_int(counts.get(ours)) for _key, ours in PATCH_COUNTS)):
        return f"node {row['instance_id']}: patch_counts is not the patch state's counts"
    return None


def _activity_problem(items, keys, what):
    if not isinstance(items, list):
        return f"the dashboard's {what} is not a list"
    for item in items:
        if not isinstance(item, dict) or not all(_is_text(item.get(key)) for key in keys):
            return f"the dashboard's {what} holds an entry that is not one"
    return None


def header_problem(header):
    if not isinstance(header, dict) or header.get("part") != PART_FORMAT:
        return "its first line is not a compliance part's header (write parts with ssm_compliance_export format=jsonl)"
    if header.get("format_version") != PART_VERSION:
        return f"format_version {header.get('format_version')!r} is not {PART_VERSION}"
    if not isinstance(header.get("account_id"), str) or not ACCOUNT_ID.fullmatch(header["account_id"]):
        return f"its account_id {header.get('account_id')!r} is not a 12-digit account id"
    if not isinstance(header.get("region"), str) or not REGION.fullmatch(header["region"]):
        return f"its region {header.get('region')!r} is not a region"
    if not isinstance(header.get("generated_at"), str) or not _is_int(header.get("reporting_days")):
        return "its header has no generated_at or reporting_days"
    return None


def _lines(binary, source):
    """(line number, decoded JSON) of each line of a binary stream, a line at most MAX_LINE_BYTES."""
    number = 0
    while True:
        line = binary.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise PartError(f"{source}: line {number} is longer than {MAX_LINE_BYTES} bytes")
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as e:
            raise PartError(f"{source}: line {number} is not JSON ({e})") from e


def scan_part(binary, source):
    """Read a whole part once and check it; returns its summary, {header, nodes, status_counts, dashboard (the
    end line's, whose counts agree with the rows)}. Raises PartError naming `source` and the line."""
    lines = _lines(binary, source)
    first = next(lines, None)
    if first is None:
        raise PartError(f"{source}: the part is empty")
    header = first[1]
    problem = header_problem(header)
    if problem:
        raise PartError(f"{source}: {problem}")
    try:
        return _scan_body(lines, header, source)
    except PartError as e:
        raise PartError(str(e), header) from e


def _scan_body(lines, header, source):
    counts = DashboardCounts(header["reporting_days"])
    status_counts = dict((status, 0) for status in STATUSES)
    nodes, end = 0, None
    for number, item in lines:
        if end is not None:
            raise PartError(f"{source}: line {number} follows the part's end line")
        if isinstance(item, dict) and set(item) == {"node"}:
            problem = row_problem(item["node"])
            if problem:
                raise PartError(f"{source}: line {number}: {problem}")
            counts.add(item["node"])
            status_counts[item["node"]["status"]] += 1
            nodes += 1
        elif isinstance(item, dict) and set(item) == {"end"} and isinstance(item["end"], dict):
            end = item["end"]
        else:
            raise PartError(f"{source}: line {number} is neither a node line nor the end line")
    if end is None:
        raise PartError(f"{source}: the part has no end line: it was cut short (only {nodes} node line(s))")
    if end.get("nodes") != nodes:
        raise PartError(f"{source}: its end line counts {end.get('nodes')!r} node(s) but it holds {nodes}")
    dashboard = end.get("dashboard")
    if not isinstance(dashboard, dict):
        raise PartError(f"{source}: its end line has no dashboard")
    computed = counts.as_dict()
    for key in ("compliance_summary", "patch_states", "reporting_age"):
        if dashboard.get(key) != computed[key]:
            raise PartError(f"{source}: its dashboard's {key} does not agree with its node lines")
    problem = (_activity_problem(dashboard.get("recent_operations"), OPERATION_KEYS, "recent_operations")
               or _activity_problem(dashboard.get("recurring_tasks"), TASK_KEYS, "recurring_tasks"))
    if problem:
        raise PartError(f"{source}: {problem}")
    return {"header": header, "nodes": nodes, "status_counts": status_counts, "dashboard": dashboard}


def part_rows(binary, source):
    """The node rows of a part scan_part() accepted, one at a time."""
    for _number, item in _lines(binary, source):
        if isinstance(item, dict) and "node" in item:
            yield item["node"]
