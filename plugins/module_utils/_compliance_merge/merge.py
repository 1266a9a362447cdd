# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An organization's report from its account-regions' parts: which parts count, and the reports written from them.

Two passes over the parts, each a line at a time: scan_parts() reads and checks every part once
(part.scan_part: the header, each row, the end line's counts), so that a part that is not whole, a
repeated account-region, a stale or a missing one is known before anything is written; then
write_reports() streams the rows part by part into the CSV, JSON and HTML writers at once. Memory
holds one row and the counts (per account, per region, the organization's), whatever the number of
nodes; the HTML page's node table is spooled to a temporary file as the single-account page's is.

Whatever the number of parts, too: each counted part's dashboard is folded into the organization's as it
is scanned (OrganizationTotals: the counters summed, only the newest OPERATIONS_ON_PAGE operations
kept), so what stays of a part is its name, its node and status counts and where to read it again
(kept_summary), never its operations or a row. The recurring tasks of every part are the report's own
content (the page lists them all, the module returns them) and are kept, one small dict each.

Nothing here calls AWS: the parts are local files (the S3 ones downloaded first by the module).
"""

import csv
import datetime
import json
import tempfile

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import COMPLIANT
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import NEVER_REPORTED
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import NON_COMPLIANT
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import as_utc
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import iso
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import CSS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import SUMMARY_COLUMNS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import _e
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import _panel
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import _table
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import defuse_formula
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import node_html
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import summary_cells
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import trend_html
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import widgets_html
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import NODE_COLUMNS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import PartError
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import part_rows
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import scan_part
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError

# The single-account CSV's columns with the account and the region after the index.
ORG_COLUMNS = SUMMARY_COLUMNS[:1] + ("Account ID", "Region") + SUMMARY_COLUMNS[1:]
OPERATIONS_ON_PAGE = 10
COUNT_KEYS = ("compliant", "non_compliant", "never_reported", "total")
STATUS_KEY = {COMPLIANT: "compliant", NON_COMPLIANT: "non_compliant", NEVER_REPORTED: "never_reported"}
# What the report says of a part (part_list, a stale part's detail, check_enough's reporting_days).
KEPT_HEADER = ("account_id", "region", "generated_at", "scope", "reporting_days")


def name_of(pair):
    return f"{pair[0]}-{pair[1]}"


def scan_parts(sources, expected, now, max_age_hours, warn=None, unreadable=None, not_before=None):
    """Which parts count: {parts (pair -> summary, sorted by account then region), missing, unreadable, ignored}.

    `sources` are (label, local path) pairs; `expected` the account-regions that should be there.
    A part that cannot be read, or is not whole, is listed (with a warning) and its account-region
    counts as missing; a part of an account-region not expected is left out with a warning; one older
    than max_age_hours, or generated before `not_before` (an aware datetime: the run's start), counts as
    missing: a failed export leaves the previous run's part behind.
    Two parts of one account-region are an error: which is right cannot be guessed. `unreadable`: the
    parts that could not even be fetched ({source, error}), listed with the others.
    """
    found, ignored, stale, broken = {}, [], {}, {}
    totals = OrganizationTotals()
    unreadable = list(unreadable or [])
    wanted = set(expected)
    for label, path in sources:
        try:
            with open(path, "rb") as binary:
                summary = scan_part(binary, label)
        except PartError as e:
            unreadable.append({"source": label, "error": str(e)})
            if e.header:
                broken.setdefault((e.header["account_id"], e.header["region"]), {"source": label, "error": str(e)})
            if warn:
                warn(f"part {e}: left out, its account-region counts as missing")
            continue
        except OSError as e:
            unreadable.append({"source": label, "error": f"{label}: {e}"})
            if warn:
                warn(f"part {label} could not be read ({e}): left out, its account-region counts as missing")
            continue
        dashboard = summary["dashboard"]
        summary = kept_summary(summary, label, path)
        header = summary["header"]
        pair = (header["account_id"], header["region"])
        if pair not in wanted:
            ignored.append({"source": label, "account_id": pair[0], "region": pair[1]})
            if warn:
                warn(f"part {label} is of {name_of(pair)}, which expected does not name: left out of the report")
            continue
        if pair in found or pair in stale:
            other = (found.get(pair) or stale[pair])["source"]
            raise ParameterError(f"parts {other} and {label} are both of {name_of(pair)}: remove the one that is not this run's, "
                                 "nothing was written")
        generated = as_utc(header["generated_at"])
        if generated is None or now - generated > datetime.timedelta(hours=max_age_hours) or (not_before and generated < not_before):
            stale[pair] = summary
        else:
            found[pair] = summary
            totals.add(pair, dashboard)
    missing = []
    for pair in expected:
        if pair in found:
            continue
        entry = {"account_id": pair[0], "region": pair[1]}
        if pair in stale:
            generated_at = stale[pair]["header"]["generated_at"]
            why = (f"before not_before {iso(not_before)} (an earlier run's)" if not_before and as_utc(generated_at) and as_utc(generated_at) < not_before
                   else f"more than {max_age_hours} hours before this merge")
            entry.update(reason="stale", source=stale[pair]["source"], detail=f"its part was generated at {generated_at}, {why}")
        elif pair in broken:
            entry.update(reason="unreadable", source=broken[pair]["source"], detail=broken[pair]["error"])
        else:
            entry.update(reason="no part", detail="no readable part of this account-region was found")
        missing.append(entry)
    parts = dict((pair, found[pair]) for pair in sorted(found))
    return {"parts": parts, "missing": missing, "unreadable": unreadable, "ignored": ignored, "totals": totals}


def kept_summary(summary, label, path):
    """What the merge keeps of a part (scan_part's summary) once it is scanned: the header's few fields the
    report names it by, its node and status counts, and where to read its rows again. Its dashboard is
    folded into OrganizationTotals (when it counts) and dropped: its operations, each naming up to 50
    node ids, would otherwise be most of what a part costs (about 20 KiB for a part of 500 nodes)."""
    header = summary["header"]
    return {"header": dict((key, header.get(key)) for key in KEPT_HEADER), "nodes": summary["nodes"],
            "status_counts": summary["status_counts"], "source": label, "path": path}


def _operation_time(operation):
    return operation.get("end_time") or operation.get("start_time") or ""


class OrganizationTotals:
    """The organization's widgets, summed one counted part at a time as scan_parts() reads them.

    The three counting widgets are counters; of the operations only the OPERATIONS_ON_PAGE newest are
    kept (newest first, ties in account, region and the part's own order, as if every part's were
    sorted at once); the recurring tasks are every part's (the report lists them all).
    """

    def __init__(self):
        empty = DashboardCounts().as_dict()
        self.compliance = dict((key, 0) for key in empty["compliance_summary"])
        self.states = dict((key, 0) for key in empty["patch_states"])
        self.age = dict((key, 0) for key in empty["reporting_age"] if key != "days")
        self.operations, self.tasks = [], []

    def add(self, pair, dashboard):
        for totals, key in ((self.compliance, "compliance_summary"), (self.states, "patch_states"), (self.age, "reporting_age")):
            for name in totals:
                totals[name] += dashboard[key][name]
        where = {"account_id": pair[0], "region": pair[1]}
        candidates = self.operations + [(pair, index, dict(operation, **where)) for index, operation in enumerate(dashboard["recent_operations"])]
        # Two stable sorts: newest first, ties by account-region then by the part's own order.
        candidates.sort(key=lambda item: item[:2])
        candidates.sort(key=lambda item: _operation_time(item[2]), reverse=True)
        self.operations = candidates[:OPERATIONS_ON_PAGE]
        self.tasks.extend((pair, index, dict(task, **where)) for index, task in enumerate(dashboard["recurring_tasks"]))

    def recent_operations(self):
        return [item[2] for item in self.operations]

    def recurring_tasks(self):
        return [item[2] for item in sorted(self.tasks, key=lambda item: item[:2])]


def missing_percent(missing, expected):
    return round(100.0 * len(missing) / len(expected), 2)


def check_enough(scanned, expected, max_missing_percent, where):
    """Raise ParameterError (nothing written) when no part counts or more than max_missing_percent are missing."""
    missing = scanned["missing"]
    names = ", ".join(f"{entry['account_id']}-{entry['region']} ({entry['reason']})" for entry in missing)
    if not scanned["parts"]:
        raise ParameterError(f"no part of the {len(expected)} expected account-region(s) was found in {where}: nothing to merge, "
                             f"nothing was written (missing: {names})", missing=missing, unreadable=scanned["unreadable"])
    percent = missing_percent(missing, expected)
    if percent > max_missing_percent:
        raise ParameterError(f"{len(missing)} of {len(expected)} expected account-regions ({percent}%) have no data, more than "
                             f"max_missing_percent ({max_missing_percent}%): the organization's report was not written (missing: {names})",
                             missing=missing, unreadable=scanned["unreadable"])
    days = sorted(set(summary["header"]["reporting_days"] for summary in scanned["parts"].values()))
    if len(days) > 1:
        raise ParameterError(f"the parts count their reporting age over different reporting_days ({', '.join(map(str, days))}): "
                             "export every part with the same reporting_days, nothing was written")


def _counts():
    return dict((key, 0) for key in COUNT_KEYS)


def _breakdown_entry(entry):
    total = entry["total"]
    entry["non_compliant_percent"] = round(100.0 * entry["non_compliant"] / total, 2) if total else 0.0
    return entry


def worst_first(entries):
    """Most non-compliant share first, ties by the most non-compliant nodes, then by name."""
    return sorted(entries, key=lambda entry: (-(entry["non_compliant"] / entry["total"] if entry["total"] else 0.0),
                                              -entry["non_compliant"], entry["name"]))


def organization_dashboard(scanned):
    """The organization's five widgets (the three counts summed, the newest operations of every part and
    every part's tasks, each with its account and region: scan_parts' totals), and the per-account and
    per-region breakdowns, worst first."""
    parts, totals = scanned["parts"], scanned["totals"]
    first = next(iter(parts.values()))
    accounts, regions = {}, {}
    for pair, summary in parts.items():
        for table, key, extra in ((accounts, pair[0], {"account_id": pair[0]}), (regions, pair[1], {"region": pair[1]})):
            entry = table.setdefault(key, dict(_counts(), name=key, parts=0, missing=0, **extra))
            entry["parts"] += 1
            for status, count in summary["status_counts"].items():
                entry[STATUS_KEY[status]] += count
                entry["total"] += count
    for missing in scanned["missing"]:
        for table, key, extra in ((accounts, missing["account_id"], {"account_id": missing["account_id"]}),
                                  (regions, missing["region"], {"region": missing["region"]})):
            table.setdefault(key, dict(_counts(), name=key, parts=0, missing=0, **extra))["missing"] += 1
    return {
        "compliance_summary": dict(totals.compliance),
        "patch_states": dict(totals.states),
        "reporting_age": dict(totals.age, days=first["header"]["reporting_days"]),
        "recent_operations": totals.recent_operations(),
        "recurring_tasks": totals.recurring_tasks(),
        "by_account": [_breakdown_entry(entry) for entry in worst_first(accounts.values())],
        "by_region": [_breakdown_entry(entry) for entry in worst_first(regions.values())],
    }


# --------------------------------------------------------------------------------------------------
# The writers: rows with their account and region, one at a time.

class OrgCsv:
    """AWS's columns with Account ID and Region after the index, every text cell defused as the export's."""

    def __init__(self, stream, meta):
        self.writer = csv.writer(stream, lineterminator="\r\n")
        self.index = 0
        self.writer.writerow(ORG_COLUMNS)

    def node(self, pair, row):
        self.index += 1
        cells = summary_cells(self.index, row)
        self.writer.writerow([defuse_formula(cell) for cell in cells[:1] + list(pair) + cells[1:]])

    def close(self, dashboard, scanned):
        pass


class OrgJson:
    """{"report": {...}, "nodes": [...], "dashboard": {...}, "parts": [...], "missing": [...], ...}, one row a line."""

    def __init__(self, stream, meta):
        self.stream = stream
        self.first = True
        stream.write('{"report": ' + json.dumps(meta, sort_keys=True) + ',\n"nodes": [')

    def node(self, pair, row):
        self.stream.write(("\n" if self.first else ",\n") + json.dumps(dict(row, account_id=pair[0], region=pair[1]), sort_keys=True))
        self.first = False

    def close(self, dashboard, scanned):
        self.stream.write('\n],\n"dashboard": ' + json.dumps(dashboard, sort_keys=True)
                          + ',\n"parts": ' + json.dumps(part_list(scanned), sort_keys=True)
                          + ',\n"missing": ' + json.dumps(scanned["missing"], sort_keys=True)
                          + ',\n"unreadable": ' + json.dumps(scanned["unreadable"], sort_keys=True)
                          + ',\n"ignored": ' + json.dumps(scanned["ignored"], sort_keys=True) + "}\n")


def part_list(scanned):
    return [{"account_id": pair[0], "region": pair[1], "nodes": summary["nodes"], "generated_at": summary["header"]["generated_at"],
             "scope": summary["header"].get("scope"), "source": summary["source"]}
            for pair, summary in scanned["parts"].items()]


ORG_CSS = CSS + """
.missing td{color:#d13212}
tr.missing-data td{background:#fdf3f1}
"""
MISSING_CLASS = ' class="missing-data"'
BREAKDOWN_COLUMNS = ("Compliant", "Non compliant", "Never reported", "Total", "Non-compliant share", "Parts", "Missing")


def _breakdown_html(table_id, title, first_column, entries):
    rows = [
        f'<tr data-name="{_e(entry["name"])}"{MISSING_CLASS if entry["missing"] else ""}><th scope="row">{_e(entry["name"])}</th>'
        + "".join(f'<td data-key="{key}">{_e(entry[key])}</td>' for key in ("compliant", "non_compliant", "never_reported", "total"))
        + f'<td data-key="non_compliant_percent">{entry["non_compliant_percent"]:.2f}%</td>'
        + f'<td data-key="parts">{entry["parts"]}</td><td data-key="missing">{entry["missing"]}</td></tr>'
        for entry in entries
    ]
    return _panel(title, "Worst first: the largest share of non-compliant nodes, ties by the most non-compliant nodes",
                  _table(table_id, (first_column,) + BREAKDOWN_COLUMNS, rows, "No data"), f"{table_id}-widget")


def _missing_html(scanned):
    rows = [
        f'<tr data-name="{_e(entry["account_id"])}-{_e(entry["region"])}"><td>{_e(entry["account_id"])}</td><td>{_e(entry["region"])}</td>'
        f'<td>{_e(entry["reason"])}</td><td>{_e(entry["detail"])}</td></tr>'
        for entry in scanned["missing"]
    ]
    rows += [
        f'<tr data-source="{_e(entry["source"])}"><td colspan="2">{_e(entry["source"])}</td><td>unreadable</td><td>{_e(entry["error"])}</td></tr>'
        for entry in scanned["unreadable"]
    ]
    return _panel(f"Missing data: {len(scanned['missing'])} account-region(s)",
                  "Expected account-regions whose data is not in this report (no part, or a stale one), and parts that could not be read",
                  _table("missing", ("Account ID", "Region", "Reason", "Detail"), rows, "Every expected account-region is in the report"),
                  "missing-widget")


def _activity_html(dashboard):
    operations = [
        f'<tr><td>{_e(op["account_id"])}</td><td>{_e(op["region"])}</td><td>{_e(op["operation"])}</td><td>{_e(op["mechanism"])}</td>'
        f'<td>{_e(op["document"])}</td><td>{_e(op["end_time"] or op["start_time"])}</td><td class="s-{_e(op["status"])}">{_e(op["status"])}</td>'
        f'<td>{_e(op["targets"])}</td></tr>'
        for op in dashboard["recent_operations"]
    ]
    tasks = [
        f'<tr><td>{_e(task["account_id"])}</td><td>{_e(task["region"])}</td><td>{_e(task["name"])}</td><td>{_e(task["type"])}</td>'
        f'<td>{_e(task["document"])}</td><td>{_e(task["schedule"] or "-")}</td><td>{_e(task.get("next_run") or "-")}</td></tr>'
        for task in dashboard["recurring_tasks"]
    ]
    return (
        _panel("Recent Patch Operations", "The organization's most recent patching commands, by association, maintenance window or Run Command",
               _table("operations", ("Account ID", "Region", "Patch operation", "Execution mechanism", "Document name", "End time", "Status",
                                     "Targets"), operations, "No patch operations"), "recent-operations")
        + _panel("Recurring Patching Tasks", "Associations and maintenance windows that run a patching document, in every account-region",
                 _table("tasks", ("Account ID", "Region", "Patching task name", "Task type", "Document name", "Schedule", "Next run"), tasks,
                        "No recurring patching tasks"), "recurring-tasks")
    )


class OrgHtml:
    """The page: the organization's widgets, the breakdowns, the missing data, then the node table (spooled)."""

    SPOOL_BUFFER = 64 * 1024

    def __init__(self, stream, meta, workdir=None):
        self.stream = stream
        self.meta = meta
        self.spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="", dir=workdir)

    def node(self, pair, row):
        # node_html's row, with the account and the region first.
        cells = node_html(row).split(">", 1)[1]
        self.spool.write(f'<tr data-account="{_e(pair[0])}" data-region="{_e(pair[1])}" data-node="{_e(row["instance_id"])}">'
                         f"<td>{_e(pair[0])}</td><td>{_e(pair[1])}</td>{cells}")

    def close(self, dashboard, scanned):
        meta = self.meta
        write = self.stream.write
        write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
              f"<title>{_e(meta['report_name'])}: organization patch compliance</title><style>{ORG_CSS}</style></head><body>\n"
              f"<h1>Organization patch compliance: {_e(meta['report_name'])}</h1>"
              f'<div class="meta">Generated {_e(meta["generated_at"])} from {len(scanned["parts"])} of {meta["expected"]} expected '
              f'account-region(s); {len(scanned["missing"])} missing ({meta["missing_percent"]}%)</div>\n')
        write(widgets_html(dashboard))
        if dashboard.get("trend"):
            write(trend_html(dashboard["trend"]))
        write(_missing_html(scanned))
        write(_breakdown_html("by-account", "By account", "Account ID", dashboard["by_account"]))
        write(_breakdown_html("by-region", "By region", "Region", dashboard["by_region"]))
        write(_activity_html(dashboard))
        head = "".join(f"<th>{_e(column)}</th>" for column in ("Account ID", "Region") + NODE_COLUMNS)
        write(f'<section class="panel" id="nodes"><header><h2>Managed nodes</h2><p class="desc">One row per managed node of every '
              f'account-region</p></header><div class="body"><table id="node-table"><thead><tr>{head}</tr></thead><tbody>\n')
        self.spool.seek(0)
        while True:
            chunk = self.spool.read(self.SPOOL_BUFFER)
            if not chunk:
                break
            write(chunk)
        self.spool.close()
        write("</tbody></table></div></section>\n</body></html>\n")


def org_writer(fmt, stream, meta, workdir=None):
    if fmt == "csv":
        return OrgCsv(stream, meta)
    if fmt == "json":
        return OrgJson(stream, meta)
    return OrgHtml(stream, meta, workdir)


def write_reports(scanned, streams, meta, dashboard_of, workdir=None, tracker=None):
    """Stream every counted part's rows, part by part, into one writer per stream ({format: text stream}).

    dashboard_of(tracker) gives the dashboard once the rows are out (the trend needs this run's counts).
    Returns (nodes written, the dashboard).
    """
    writers = dict((fmt, org_writer(fmt, stream, meta, workdir)) for fmt, stream in streams.items())
    nodes = 0
    for pair, summary in scanned["parts"].items():
        written = 0
        with open(summary["path"], "rb") as binary:
            for row in part_rows(binary, summary["source"]):
                for writer in writers.values():
                    writer.node(pair, row)
                if tracker is not None:
                    tracker.add(dict(row, instance_id=f"{pair[0]}/{pair[1]}/{row['instance_id']}"))
                written += 1
        if written != summary["nodes"]:
            # The part changed between the two reads: the reports being written are dropped, not placed.
            raise PartError(f"{summary['source']} changed while it was merged ({summary['nodes']} node(s), then {written})")
        nodes += written
    dashboard = dashboard_of(tracker)
    for writer in writers.values():
        writer.close(dashboard, scanned)
    return nodes, dashboard
