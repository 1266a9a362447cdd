# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Compliance reports written row by row: CSV (AWS's columns and order), JSON, and a self-contained HTML page.

Nothing here calls AWS. A writer takes node rows (common.node_row) one at a time and writes each
at once, so a report of any size needs the memory of one row. The dashboard, known only at the end,
is written last (JSON); the HTML page shows it above the node table, so the table's rows go to a
spool file as they come and are copied below the dashboard at the end, a buffer at a time.
"""

import csv
import hashlib
import html
import json
import re
import shutil
import tempfile

# Whole-string: with ``$`` a trailing newline passed, and the report was written as "report\n.csv".
REPORT_NAME = re.compile(r"\A[a-zA-Z0-9._-]{1,50}\Z")
EXTENSIONS = {"csv": "csv", "json": "json", "html": "html", "jsonl": "jsonl"}
# jsonl: an organization report's part (_compliance_merge.part), JSON Lines.
CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "html": "text/html; charset=utf-8", "jsonl": "application/x-ndjson"}

# patch-manager-facts.md section 6: the all-nodes report, then the single-node detail rows.
SUMMARY_COLUMNS = (
    "Index", "Instance ID", "Instance name", "Instance IP", "Platform name", "Platform version",
    "SSM Agent version", "Patch baseline", "Patch group", "Compliance status", "Compliance severity",
    "Noncompliant Critical severity patch count", "Noncompliant High severity patch count",
    "Noncompliant Medium severity patch count", "Noncompliant Low severity patch count",
    "Noncompliant Informational severity patch count", "Noncompliant Unspecified severity patch count",
)
DETAIL_COLUMNS = (
    "Index", "Instance ID", "Instance name", "Patch name", "KB ID/Patch ID", "Patch state", "Last report time",
    "Compliance level", "Patch severity", "Patch classification", "CVE ID", "Patch baseline", "Logs URL",
    "Instance IP", "Platform name", "Platform version", "SSM Agent version",
)
SEVERITY_KEYS = ("critical", "high", "medium", "low", "informational", "unspecified")
STATUS_LABELS = {"COMPLIANT": "Compliant", "NON_COMPLIANT": "Non compliant", "NEVER_REPORTED": "Never reported"}


class DigestingWriter:
    """A text stream that encodes to UTF-8, hashes (SHA-256) and counts what is written, and passes the
    bytes on to a binary file, or to nothing: check mode measures the report without writing it."""

    def __init__(self, binary=None):
        self.binary = binary
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text):
        data = text.encode("utf-8")
        self.sha256.update(data)
        self.size += len(data)
        if self.binary is not None:
            self.binary.write(data)
        return len(text)


def validate_report_name(name):
    if not isinstance(name, str) or not REPORT_NAME.fullmatch(name):
        return f"report_name must be 1 to 50 characters of a-z, A-Z, 0-9, '.', '_' and '-', got {name!r}"
    return None


# OWASP "CSV Injection": a spreadsheet runs a cell that begins with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with a single quote (shown, not run).

    Only text is touched: the numbers our own code writes (indexes, counts) are ints and stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value):
    return "" if value is None else str(value)


def summary_cells(index, row):
    counts = row["non_compliant_counts"]
    return [
        index, row["instance_id"], _text(row["name"]), _text(row["ip_address"]), _text(row["platform_name"]),
        _text(row["platform_version"]), _text(row["agent_version"]), _text(row["baseline_id"]), _text(row["patch_group"]),
        row["status"], _text(row["severity"]),
    ] + [("" if counts is None else counts[key]) for key in SEVERITY_KEYS]


# The logs cell of a patch whose command Run Command no longer keeps (its history lasts 30 days).
LOGS_EXPIRED = "expired (Run Command keeps command history 30 days)"


def detail_row(row, item, logs_url=None, logs_expired=False):
    """One non-compliant patch of a node (a ListComplianceItems item) as a dict."""
    details = item.get("Details") or {}
    summary = item.get("ExecutionSummary") or {}
    execution_time = summary.get("ExecutionTime")
    return {
        "instance_id": row["instance_id"],
        "name": row["name"],
        "title": item.get("Title"),
        "patch_id": item.get("Id"),
        "state": details.get("PatchState"),
        "last_report_time": execution_time if isinstance(execution_time, str) or execution_time is None else execution_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "compliance_level": item.get("Severity"),
        "severity": details.get("PatchSeverity"),
        "classification": details.get("Classification"),
        "cve_ids": details.get("CVEIds"),
        "baseline_id": details.get("PatchBaselineId") or row["baseline_id"],
        "logs_url": logs_url,
        "logs_expired": logs_expired,
    }


def detail_cells(index, row, detail):
    return [
        index, row["instance_id"], _text(row["name"]), _text(detail["title"]), _text(detail["patch_id"]), _text(detail["state"]),
        _text(detail["last_report_time"]), _text(detail["compliance_level"]), _text(detail["severity"]),
        _text(detail["classification"]), _text(detail["cve_ids"]), _text(detail["baseline_id"]),
        LOGS_EXPIRED if detail.get("logs_expired") else _text(detail["logs_url"]),
        _text(row["ip_address"]), _text(row["platform_name"]), _text(row["platform_version"]), _text(row["agent_version"]),
    ]


class CsvReport:
    """AWS's layout: the summary table; for a single node, a blank line and the detail table.

    With escape_formulas (the default), every text cell, all of which come from node or patch data,
    is defused (defuse_formula); the header is ours and written as is.
    """

    def __init__(self, stream, meta, workdir=None, escape_formulas=True):
        self.writer = csv.writer(stream, lineterminator="\r\n")
        self.escape = escape_formulas
        self.index = 0
        self.writer.writerow(SUMMARY_COLUMNS)

    def _row(self, cells):
        self.writer.writerow([defuse_formula(cell) for cell in cells] if self.escape else cells)

    def node(self, row):
        self.index += 1
        self._row(summary_cells(self.index, row))

    def details(self, row, details):
        self.writer.writerow([])
        self.writer.writerow(DETAIL_COLUMNS)
        for index, detail in enumerate(details, start=1):
            self._row(detail_cells(index, row, detail))

    def close(self, dashboard):
        pass


class JsonReport:
    """{"report": {...}, "nodes": [...], "patches": [...] (single node), "dashboard": {...}}, one row a line."""

    def __init__(self, stream, meta, workdir=None):
        self.stream = stream
        self.first = True
        self.has_details = False
        stream.write('{"report": ' + json.dumps(meta, sort_keys=True) + ',\n"nodes": [')

    def node(self, row):
        self.stream.write(("\n" if self.first else ",\n") + json.dumps(row, sort_keys=True))
        self.first = False

    def details(self, row, details):
        self.stream.write('\n],\n"patches": [')
        for index, detail in enumerate(details):
            self.stream.write(("\n" if index == 0 else ",\n") + json.dumps(detail, sort_keys=True))

    def close(self, dashboard):
        self.stream.write('\n],\n"dashboard": ' + json.dumps(dashboard, sort_keys=True) + "}\n")


# --------------------------------------------------------------------------------------------------
# HTML: the console's dashboard as one offline page (inline CSS and SVG, no script, no external URL)

COLORS = {
    "compliant": "#6aaf35", "critical_non_compliant": "#7d2105", "high_non_compliant": "#d45b07",
    "other_non_compliant": "#b2911c", "within_days": "#6aaf35", "older": "#dfb52c", "never_reported": "#ba2e0f",
}
EMPTY_COLOR = "#d5dbdb"

CSS = """
body{font-family:"Amazon Ember",Arial,Helvetica,sans-serif;background:#f2f3f3;color:#16191f;margin:0;padding:20px 28px}
h1{font-weight:400;font-size:28px;margin:6px 0 4px}
.meta{color:#545b64;font-size:13px;margin-bottom:18px}
.widgets{display:grid;grid-template-columns:repeat(3,1fr);gap:18px;margin-bottom:22px}
.panel{background:#fff;box-shadow:0 1px 1px 0 rgba(0,28,36,.3),1px 1px 1px 0 rgba(0,28,36,.15);margin-bottom:22px}
.panel>header{padding:14px 20px;border-bottom:1px solid #eaeded;background:#fafafa}
.panel h2{font-size:18px;margin:0}
.panel p.desc{color:#545b64;font-size:12px;margin:4px 0 0}
.body{padding:18px 20px}
.donut{display:flex;flex-direction:column;align-items:center}
.legend{list-style:none;padding:0;margin:8px 0 0;font-size:13px}
.legend li{display:flex;align-items:center;gap:8px;margin:3px 0}
.swatch{display:inline-block;width:38px;height:10px}
.states{display:grid;grid-template-columns:1fr 1fr;gap:14px;text-align:center}
.states .label{color:#545b64;font-size:14px;min-height:36px}
.states .count{font-size:44px;font-weight:300}
.states .total{color:#0073bb}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;border-bottom:1px solid #eaeded;padding:8px 10px;background:#fafafa}
td{border-bottom:1px solid #eaeded;padding:7px 10px}
.s-Success,.s-COMPLIANT{color:#1d8102}.s-Failed,.s-TimedOut,.s-Cancelled,.s-NON_COMPLIANT{color:#d13212}
.s-NEVER_REPORTED{color:#687078}
.empty{color:#687078;font-style:italic}
.body{overflow-x:auto}
#trend th[scope=row]{font-weight:400;white-space:nowrap;background:#fff;width:1%}
#trend td.num,#trend th.num{text-align:right;width:80px}
#trend td.share{min-width:80px}
#trend caption{text-align:left;color:#545b64;font-size:12px;padding-bottom:6px}
.bar{display:flex;width:100%;min-width:80px;height:14px;background:#d5dbdb}
.bar .seg{display:block;height:100%}
.trend-legend{display:flex;gap:18px}
#trend-widget h3{font-size:15px;margin:18px 0 8px}
"""


def _e(value):
    return html.escape("" if value is None else str(value), quote=True)


def donut_svg(widget, parts):
    """A donut of (key, count) parts: circle strokes on a circumference of 100."""
    total = sum(count for _key, count in parts)
    circles = [f'<circle r="15.915" cx="21" cy="21" fill="none" stroke="{EMPTY_COLOR}" stroke-width="6"/>']
    offset = 25.0  # start at 12 o'clock
    for key, count in parts:
        if not total or not count:
            continue
        length = 100.0 * count / total
        circles.append(
            f'<circle class="segment" data-key="{key}" r="15.915" cx="21" cy="21" fill="none" stroke="{COLORS[key]}" '
            f'stroke-width="6" stroke-dasharray="{length:.3f} {100 - length:.3f}" stroke-dashoffset="{offset:.3f}"/>'
        )
        offset -= length
    return (
        f'<svg id="{widget}-donut" viewBox="0 0 42 42" width="120" height="120" role="img" '
        f'aria-label="{_e(widget)}">' + "".join(circles) + "</svg>"
    )


def _legend(widget, parts, labels):
    items = "".join(
        f'<li><span class="swatch" style="background:{COLORS[key]}"></span>'
        f'<span class="count" id="{widget}-{key}" data-count="{count}">{count}</span> {_e(labels[key])}</li>'
        for key, count in parts
    )
    return f'<ul class="legend">{items}</ul>'


def _panel(title, description, body, panel_id):
    return (
        f'<section class="panel" id="{panel_id}"><header><h2>{_e(title)}</h2><p class="desc">{_e(description)}</p></header>'
        f'<div class="body">{body}</div></section>'
    )


def _table(table_id, columns, rows, empty):
    head = "".join(f"<th>{_e(column)}</th>" for column in columns)
    if not rows:
        empty_row = f'<tr><td class="empty" colspan="{len(columns)}">{_e(empty)}</td></tr>'
        return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{empty_row}</tbody></table>'
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def widgets_html(dashboard):
    """The three counting widgets (compliance summary, patch states, reporting age), side by side."""
    summary, states, age = dashboard["compliance_summary"], dashboard["patch_states"], dashboard["reporting_age"]
    compliance_parts = [(key, summary[key]) for key in ("compliant", "critical_non_compliant", "high_non_compliant", "other_non_compliant")]
    compliance_labels = {"compliant": "Compliant", "critical_non_compliant": "Critical non compliant",
                         "high_non_compliant": "High non compliant", "other_non_compliant": "Other non compliant"}
    age_parts = [(key, age[key]) for key in ("within_days", "older", "never_reported")]
    age_labels = {"within_days": f"Reported within the past {age['days']} days",
                  "older": f"Not reported within the past {age['days']} days", "never_reported": "Never reported"}
    state_cells = "".join(
        f'<div><div class="label">{_e(label)}</div><div class="count{" total" if key == "managed_nodes" else ""}" '
        f'id="states-{key}" data-count="{states[key]}">{states[key]}</div></div>'
        for key, label in (("managed_nodes", "Total managed nodes"), ("with_missing_patches", "Nodes with missing patches"),
                           ("with_failed_patches", "Nodes with failed patches"), ("pending_reboot", "Nodes pending reboot"))
    )
    widgets = (
        '<div class="widgets">'
        + _panel("Instance Patch Compliance Summary", "Compliance data for managed nodes which have reported patch data",
                 f'<div class="donut">{donut_svg("compliance", compliance_parts)}{_legend("compliance", compliance_parts, compliance_labels)}</div>',
                 "widget-compliance")
        + _panel("Instance Patch States", "Node counts for the most common reasons for non-compliance",
                 f'<div class="states">{state_cells}</div>', "widget-states")
        + _panel("Compliance Reporting Age", "Compliance reporting age for all managed nodes",
                 f'<div class="donut">{donut_svg("age", age_parts)}{_legend("age", age_parts, age_labels)}</div>',
                 "widget-age")
        + "</div>"
    )
    return widgets


def dashboard_html(dashboard):
    widgets = widgets_html(dashboard)
    operations = [
        f'<tr><td>{_e(op["operation"])}</td><td>{_e(op["mechanism"])}</td><td>{_e(op["document"])}</td>'
        f'<td>{_e(op["end_time"] or op["start_time"])}</td><td class="s-{_e(op["status"])}">{_e(op["status"])}</td><td>{_e(op["targets"])}</td></tr>'
        for op in dashboard["recent_operations"]
    ]
    tasks = [
        f'<tr><td>{_e(task["name"])}</td><td>{_e(task["type"])}</td><td>{_e(task["document"])}</td><td>{_e(task["schedule"] or "-")}</td>'
        f'<td>{_e(task.get("next_run") or "-")}</td></tr>'
        for task in dashboard["recurring_tasks"]
    ]
    return (
        widgets
        + (trend_html(dashboard["trend"]) if dashboard.get("trend") else "")
        + _panel("Recent Patch Operations", "Recent patching commands, run by an association, a maintenance window or Run Command",
                 _table("operations", ("Patch operation", "Execution mechanism", "Document name", "End time", "Status", "Targets"),
                        operations, "No patch operations"), "recent-operations")
        + _panel("Recurring Patching Tasks", "Associations and maintenance windows that run a patching document",
                 _table("tasks", ("Patching task name", "Task type", "Document name", "Schedule", "Next run"), tasks,
                        "No recurring patching tasks"),
                 "recurring-tasks")
    )


TREND_PARTS = (("compliant", "Compliant", COLORS["compliant"]), ("non_compliant", "Non compliant", COLORS["high_non_compliant"]),
               ("never_reported", "Never reported", COLORS["never_reported"]))


def trend_bar(point):
    """One run as a stacked bar of the three counts (CSS widths in percent); decoration only, the table says it."""
    total = point["total"]
    segments = "".join(
        f'<span class="seg" data-key="{key}" style="width:{100.0 * point[key] / total:.2f}%;background:{color}"></span>'
        for key, _label, color in TREND_PARTS if total and point[key]
    )
    return f'<div class="bar" aria-hidden="true">{segments}</div>'


def trend_html(trend):
    """The trend widget: a table of the last runs (oldest first, this run last) with a bar each, and the
    nodes that got worse since the previous run. Every value is escaped: the ids and names come from nodes."""
    rows = []
    last = len(trend["runs"]) - 1
    for index, point in enumerate(trend["runs"]):
        label = f"{point['generated_at']} (this run)" if index == last else point["generated_at"]
        cells = "".join(f'<td class="num" data-key="{key}">{_e(point[key])}</td>' for key in ("compliant", "non_compliant", "never_reported", "total"))
        rows.append(f'<tr data-run="{_e(point["generated_at"])}"><th scope="row">{_e(label)}</th>{cells}<td class="share">{trend_bar(point)}</td></tr>')
    head = ('<th scope="col">Run (UTC)</th>'
            + "".join(f'<th scope="col" class="num">{_e(column)}</th>' for column in ("Compliant", "Non compliant", "Never reported", "Total"))
            + '<th scope="col">Share</th>')
    legend = "".join(f'<li><span class="swatch" style="background:{color}"></span>{_e(label)}</li>' for _key, label, color in TREND_PARTS)
    runs = (f'<table id="trend"><caption>Compliant, non-compliant and never-reported nodes over the last {len(trend["runs"])} '
            f'run(s) kept in history (at most {_e(trend["runs_asked"])})</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table><ul class="legend trend-legend" aria-hidden="true">{legend}</ul>')
    if trend["previous_run"] is None:
        worse = '<p class="empty" id="got-worse-none">No previous run in history: this is the first, nothing to compare with.</p>'
    else:
        worse_rows = [
            f'<tr data-node="{_e(node["instance_id"])}"><td>{_e(node["instance_id"])}</td><td>{_e(node["name"] or "-")}</td>'
            f'<td>{_e(node["patch_group"] or "-")}</td></tr>'
            for node in trend["got_worse"]
        ]
        worse = (f'<h3>Nodes that got worse since the last run ({_e(trend["previous_run"])}): {len(trend["got_worse"])}</h3>'
                 + _table("got-worse", ("Node ID", "Name", "Patch group"), worse_rows, "No node got worse"))
    return _panel("Compliance Trend", "This run and the runs before it kept in history, and the nodes non-compliant now that were "
                  "compliant, never reported or not in the previous run", runs + worse, "trend-widget")


NODE_COLUMNS = ("Node ID", "Name", "IP address", "Platform", "Agent version", "Patch group", "Patch baseline",
                "Compliance status", "Severity", "Missing", "Failed", "Pending reboot", "Last report")


def node_html(row):
    counts = row["patch_counts"] or {}
    platform = " ".join(part for part in (row["platform_name"], row["platform_version"]) if part)
    cells = (row["instance_id"], row["name"], row["ip_address"], platform, row["agent_version"], row["patch_group"],
             row["baseline_id"])
    return (
        f'<tr data-node="{_e(row["instance_id"])}">' + "".join(f"<td>{_e(cell)}</td>" for cell in cells)
        + f'<td class="s-{_e(row["status"])}">{_e(STATUS_LABELS.get(row["status"], row["status"]))}</td>'
        + "".join(f"<td>{_e(cell)}</td>" for cell in (row["severity"], counts.get("missing"), counts.get("failed"),
                                                      counts.get("installed_pending_reboot"), row["last_report_time"] or "Never"))
        + "</tr>\n"
    )


DETAIL_HTML_COLUMNS = ("Patch name", "KB ID/Patch ID", "Patch state", "Compliance level", "Patch severity", "Classification", "CVE ID")
DETAIL_HTML_KEYS = ("title", "patch_id", "state", "compliance_level", "severity", "classification", "cve_ids")


class HtmlReport:
    """The page: title, the dashboard (known at the end), the per-node table spooled meanwhile.

    The node rows go to a temporary spool file in `workdir` as they come (memory: one row), and are
    copied below the dashboard when the report closes.
    """

    SPOOL_BUFFER = 64 * 1024

    def __init__(self, stream, meta, workdir=None):
        self.stream = stream
        self.meta = meta
        self.spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="", dir=workdir)
        self.detail_html = ""

    def node(self, row):
        self.spool.write(node_html(row))

    def details(self, row, details):
        rows = [
            "<tr>" + "".join(f"<td>{_e(detail[key])}</td>" for key in DETAIL_HTML_KEYS) + "</tr>"
            for detail in details
        ]
        self.detail_html = _panel(f"Non-compliant patches of {row['instance_id']}", "One row per patch out of compliance",
                                  _table("patches", DETAIL_HTML_COLUMNS, rows, "No non-compliant patches"), "node-patches")

    def close(self, dashboard):
        meta = self.meta
        write = self.stream.write
        write(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_e(meta['report_name'])}: patch compliance</title><style>{CSS}</style></head><body>\n"
            f"<h1>Patch compliance: {_e(meta['report_name'])}</h1>"
            f'<div class="meta">Generated {_e(meta["generated_at"])} in {_e(meta.get("region"))}; scope: {_e(meta["scope"])}</div>\n'
        )
        write(dashboard_html(dashboard))
        write(self.detail_html)
        head = "".join(f"<th>{_e(column)}</th>" for column in NODE_COLUMNS)
        write(f'<section class="panel" id="nodes"><header><h2>Managed nodes</h2><p class="desc">One row per managed node</p></header>'
              f'<div class="body"><table id="node-table"><thead><tr>{head}</tr></thead><tbody>\n')
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.stream, self.SPOOL_BUFFER)
        self.spool.close()
        write("</tbody></table></div></section>\n</body></html>\n")


WRITERS = {"csv": CsvReport, "json": JsonReport, "html": HtmlReport}


def report_writer(fmt, stream, meta, workdir=None, csv_escape_formulas=True):
    """The writer of a format; csv_escape_formulas applies to CSV only (JSON carries the raw values,
    HTML escapes every value for the page)."""
    if fmt == "csv":
        return CsvReport(stream, meta, workdir, escape_formulas=csv_escape_formulas)
    return WRITERS[fmt](stream, meta, workdir)
