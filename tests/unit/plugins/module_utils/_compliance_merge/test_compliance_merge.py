"""The organization report's pure pieces: a part written and read back, what makes a part unreadable,
which parts count (missing, stale, ignored, repeated), the breakdown order, the writers' cells and
escaping, and the option checks."""

import csv
import datetime
import io
import json

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge import merge
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge import options
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import JsonlPart
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import PartError
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import part_rows
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge.part import scan_part
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError

NOW = datetime.datetime(2026, 12, 1, 16, 0, tzinfo=datetime.timezone.utc)
SEVERITY_KEYS = ("critical", "high", "medium", "low", "informational", "unspecified")
PATCH_KEYS = ("installed", "installed_other", "installed_pending_reboot", "installed_rejected", "missing", "failed", "not_applicable")


def row(node_id, status="COMPLIANT", name=None, severity=None, missing=0):
    reported = status != "NEVER_REPORTED"
    return {
        "instance_id": node_id, "name": name, "ip_address": "10.0.0.1", "computer_name": None, "resource_type": "EC2Instance",
        "ping_status": "Online", "platform_type": "Linux", "platform_name": "Amazon Linux", "platform_version": "2",
        "agent_version": "3.3.0", "patch_group": None, "baseline_id": "pb-0123456789abcdef0" if reported else None,
        "status": status, "severity": severity, "last_operation": "Scan" if reported else None,
        "last_report_time": "2026-12-01T15:00:00Z" if reported else None,
        "non_compliant_counts": dict((key, 1 if key == "high" and missing else 0) for key in SEVERITY_KEYS) if reported else None,
        "patch_counts": dict((key, missing if key == "missing" else 0) for key in PATCH_KEYS) if reported else None,
        "reporting_age": "within" if reported else "never",
    }


def part_text(account, region, rows, generated_at="2026-12-01T15:30:00Z", days=7, operations=(), tasks=()):
    stream = io.StringIO()
    writer = JsonlPart(stream, {"account_id": account, "region": region, "generated_at": generated_at, "report_name": "p",
                                "scope": "all nodes", "selection": {}, "reporting_days": days})
    counts = DashboardCounts(days)
    for item in rows:
        writer.node(item)
        counts.add(item)
    writer.close(counts.as_dict(list(operations), list(tasks)))
    return stream.getvalue()


def write_part(tmp_path, name, *args, **kwargs):
    path = tmp_path / name
    path.write_text(part_text(*args, **kwargs), encoding="utf-8")
    return (str(path), str(path))


def test_a_part_reads_back_its_header_rows_and_counts():
    rows = [row("i-0000000000000000a"), row("i-0000000000000000b", "NON_COMPLIANT", severity="HIGH", missing=2), row("mi-0000000000000000c", "NEVER_REPORTED")]
    text = part_text("111122223333", "eu-west-1", rows)
    lines = text.splitlines()
    assert len(lines) == 5 and json.loads(lines[0])["part"] == "cloudpatch.ssm/compliance-part"
    summary = scan_part(io.BytesIO(text.encode()), "p.jsonl")
    assert summary["header"]["account_id"] == "111122223333" and summary["nodes"] == 3
    assert summary["status_counts"] == {"COMPLIANT": 1, "NON_COMPLIANT": 1, "NEVER_REPORTED": 1}
    assert list(part_rows(io.BytesIO(text.encode()), "p.jsonl")) == rows


def test_a_newline_in_a_value_stays_on_its_line():
    text = part_text("111122223333", "eu-west-1", [row("i-0000000000000000a", name="two\nlines")])
    assert len(text.splitlines()) == 3
    assert next(part_rows(io.BytesIO(text.encode()), "p"))["name"] == "two\nlines"


def mangled(change):
    lines = part_text("111122223333", "eu-west-1", [row("i-0000000000000000a"), row("i-0000000000000000b")]).splitlines(keepends=True)
    return io.BytesIO("".join(change(lines)).encode())


@pytest.mark.parametrize("change, error", [
    (lambda lines: [], "the part is empty"),
    (lambda lines: lines[:-1], "no end line: it was cut short (only 2 node line(s))"),
    (lambda lines: lines[:2] + lines[3:], "its end line counts 2 node(s) but it holds 1"),
    (lambda lines: ["{}\n"] + lines[1:], "not a compliance part's header"),
    (lambda lines: [lines[0].replace('"format_version": 1', '"format_version": 2')] + lines[1:], "format_version 2 is not 1"),
    (lambda lines: [lines[0].replace("111122223333", "1111")] + lines[1:], "account_id '1111' is not a 12-digit account id"),
    (lambda lines: lines[:1] + ["not json\n"] + lines[2:], "line 2 is not JSON"),
    (lambda lines: lines[:1] + [lines[1].replace('"COMPLIANT"', '"GOOD"')] + lines[2:], "status 'GOOD' is not one of"),
    (lambda lines: lines[:1] + [lines[1].replace('"reporting_age": "within"', '"reporting_age": "soon"')] + lines[2:], "reporting_age 'soon'"),
    (lambda lines: lines[:1] + [lines[1].replace('"name": null', '"name": 5')] + lines[2:], "name is not text"),
    (lambda lines: lines + lines[1:2], "follows the part's end line"),
    (lambda lines: lines[:-1] + [lines[-1].replace('"compliant": 2', '"compliant": 3')], "compliance_summary does not agree"),
    (lambda lines: lines[:1] + ['{"other": 1}\n'] + lines[1:], "neither a node line nor the end line"),
])
def test_a_part_that_is_not_whole_or_not_ours_is_named_with_its_line(change, error):
    with pytest.raises(PartError, match=None) as raised:
        scan_part(mangled(change), "s3://b/p.jsonl")
    assert str(raised.value).startswith("s3://b/p.jsonl: ") and error in str(raised.value)


def test_a_line_longer_than_the_bound_is_refused_without_reading_it_whole(monkeypatch):
    from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance_merge import part
    monkeypatch.setattr(part, "MAX_LINE_BYTES", 100)
    with pytest.raises(PartError, match="line 1 is longer than 100 bytes"):
        scan_part(io.BytesIO(b"x" * 500 + b"\n"), "p")


EXPECTED = [("111122223333", "us-east-1"), ("111122223333", "eu-west-1"), ("444455556666", "us-east-1")]


def test_missing_stale_ignored_and_unreadable_parts(tmp_path):
    sources = [
        write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", [row("i-0000000000000000a")]),
        write_part(tmp_path, "b.jsonl", "111122223333", "eu-west-1", [row("i-0000000000000000b")], generated_at="2026-11-29T00:00:00Z"),
        write_part(tmp_path, "c.jsonl", "999999999999", "us-east-1", [row("i-0000000000000000c")]),
    ]
    (tmp_path / "d.jsonl").write_text("garbage\n", encoding="utf-8")
    sources.append((str(tmp_path / "d.jsonl"), str(tmp_path / "d.jsonl")))
    cut = part_text("444455556666", "us-east-1", [row("i-0000000000000000d")]).splitlines(keepends=True)[:-1]
    (tmp_path / "e.jsonl").write_text("".join(cut), encoding="utf-8")
    sources.append((str(tmp_path / "e.jsonl"), str(tmp_path / "e.jsonl")))
    warnings = []
    scanned = merge.scan_parts(sources, EXPECTED, NOW, 24, warnings.append)
    assert list(scanned["parts"]) == [("111122223333", "us-east-1")]
    assert [(entry["account_id"], entry["region"], entry["reason"]) for entry in scanned["missing"]] == [
        ("111122223333", "eu-west-1", "stale"), ("444455556666", "us-east-1", "unreadable")]
    assert "no end line" in scanned["missing"][1]["detail"] and scanned["missing"][1]["source"] == sources[4][0]
    assert scanned["ignored"] == [{"source": sources[2][0], "account_id": "999999999999", "region": "us-east-1"}]
    assert "is not JSON" in scanned["unreadable"][0]["error"] and len(scanned["unreadable"]) == 2
    assert len(warnings) == 3
    with pytest.raises(ParameterError, match=r"2 of 3 expected account-regions \(66.67%\) have no data, more than max_missing_percent \(50"):
        merge.check_enough(scanned, EXPECTED, 50, "parts_dir x")
    merge.check_enough(scanned, EXPECTED, 66.67, "parts_dir x")


def test_two_parts_of_one_account_region_are_an_error(tmp_path):
    sources = [write_part(tmp_path, name, "111122223333", "us-east-1", [row("i-0000000000000000a")]) for name in ("a.jsonl", "b.jsonl")]
    with pytest.raises(ParameterError, match="are both of 111122223333-us-east-1"):
        merge.scan_parts(sources, EXPECTED, NOW, 24)


def test_no_part_and_different_reporting_days_are_errors(tmp_path):
    with pytest.raises(ParameterError, match=r"no part of the 3 expected account-region\(s\) was found in parts_dir x"):
        merge.check_enough(merge.scan_parts([], EXPECTED, NOW, 24), EXPECTED, 100, "parts_dir x")
    sources = [write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", [row("i-0000000000000000a")], days=7),
               write_part(tmp_path, "b.jsonl", "111122223333", "eu-west-1", [row("i-0000000000000000b")], days=14)]
    with pytest.raises(ParameterError, match=r"different reporting_days \(7, 14\)"):
        merge.check_enough(merge.scan_parts(sources, EXPECTED, NOW, 24), EXPECTED, 50, "x")


def test_the_breakdowns_are_worst_first_share_then_count_then_name(tmp_path):
    bad = [row(f"i-00000000000000{n:03x}", "NON_COMPLIANT", severity="HIGH", missing=1) for n in range(4)]
    good = [row(f"i-00000000000001{n:03x}") for n in range(4)]
    sources = [
        # 111122223333: 2 of 4 non-compliant in us-east-1, 1 of 2 in eu-west-1: 3 of 6 (50 %).
        write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", bad[:2] + good[:2]),
        write_part(tmp_path, "b.jsonl", "111122223333", "eu-west-1", bad[2:3] + good[2:3]),
        # 444455556666: 1 of 2 (50 %, fewer nodes: after the other 50 %).
        write_part(tmp_path, "c.jsonl", "444455556666", "us-east-1", bad[3:4] + good[3:4]),
    ]
    dashboard = merge.organization_dashboard(merge.scan_parts(sources, EXPECTED, NOW, 24))
    assert [(entry["name"], entry["non_compliant"], entry["total"]) for entry in dashboard["by_account"]] == [
        ("111122223333", 3, 6), ("444455556666", 1, 2)]
    assert [(entry["name"], entry["non_compliant"], entry["total"], entry["parts"]) for entry in dashboard["by_region"]] == [
        ("us-east-1", 3, 6, 2), ("eu-west-1", 1, 2, 1)]
    assert dashboard["compliance_summary"]["high_non_compliant"] == 4 and dashboard["patch_states"]["managed_nodes"] == 8
    entries = [{"name": "b", "non_compliant": 1, "total": 10}, {"name": "a", "non_compliant": 1, "total": 10},
               {"name": "c", "non_compliant": 5, "total": 10}, {"name": "d", "non_compliant": 0, "total": 0}]
    assert [entry["name"] for entry in merge.worst_first(entries)] == ["c", "a", "b", "d"]


def test_operations_of_every_part_newest_first_with_their_account(tmp_path):
    def operation(time):
        return {"operation": "Scan", "mechanism": "Run Command", "document": "AWS-RunPatchBaseline", "id": time, "start_time": time,
                "end_time": None, "status": "Success", "targets": "InstanceIds: i-1"}
    sources = [write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", [row("i-0000000000000000a")],
                          operations=[operation(f"2026-12-01T0{n}:00:00Z") for n in range(0, 9, 2)]),
               write_part(tmp_path, "b.jsonl", "444455556666", "us-east-1", [row("i-0000000000000000b")],
                          operations=[operation(f"2026-12-01T{n:02d}:00:00Z") for n in range(1, 14, 2)])]
    dashboard = merge.organization_dashboard(merge.scan_parts(sources, EXPECTED, NOW, 24))
    times = [(op["start_time"][11:13], op["account_id"]) for op in dashboard["recent_operations"]]
    assert len(times) == 10 and times[0] == ("13", "444455556666") and times == sorted(times, reverse=True)


def test_a_part_is_folded_into_the_totals_as_it_is_scanned_whatever_the_order(tmp_path):
    def operation(time, number):
        return {"operation": "Scan", "mechanism": "Run Command", "document": "AWS-RunPatchBaseline", "id": f"c-{number}", "start_time": time,
                "end_time": None, "status": "Success", "targets": "InstanceIds: " + ", ".join(f"mi-{n:017x}" for n in range(50))}

    def task(name):
        return {"name": name, "type": "Association", "id": name, "document": "AWS-RunPatchBaseline", "schedule": "rate(1 day)",
                "next_run": None, "targets": "InstanceIds: *"}
    tie = "2026-12-01T12:00:00Z"
    sources = [
        write_part(tmp_path, "a.jsonl", "444455556666", "us-east-1", [row("i-0000000000000000a")],
                   operations=[operation(tie, 1), operation("2026-12-01T01:00:00Z", 2)], tasks=[task("a1"), task("a2")]),
        write_part(tmp_path, "b.jsonl", "111122223333", "us-east-1", [row("i-0000000000000000b", "NON_COMPLIANT", severity="HIGH", missing=1)],
                   operations=[operation(f"2026-12-01T0{n}:00:00Z", 10 + n) for n in range(2, 10)] + [operation(tie, 3)], tasks=[task("b1")]),
        # A stale part and a part of an account-region not expected count for nothing.
        write_part(tmp_path, "c.jsonl", "111122223333", "eu-west-1", [row("i-0000000000000000c")] * 3, generated_at="2026-11-29T00:00:00Z",
                   operations=[operation("2026-12-01T15:00:00Z", 4)], tasks=[task("c1")]),
        write_part(tmp_path, "d.jsonl", "999999999999", "us-east-1", [row("i-0000000000000000d")],
                   operations=[operation("2026-12-01T15:00:00Z", 5)], tasks=[task("d1")]),
    ]
    forward = merge.scan_parts(sources, EXPECTED, NOW, 24)
    backward = merge.scan_parts(sources[::-1], EXPECTED, NOW, 24)
    dashboard = merge.organization_dashboard(forward)
    assert merge.organization_dashboard(backward) == dashboard
    # The ten newest of all the counted parts' operations; two at the same time in account-region order.
    assert [(op["id"], op["account_id"]) for op in dashboard["recent_operations"][:2]] == [("c-3", "111122223333"), ("c-1", "444455556666")]
    assert [op["id"] for op in dashboard["recent_operations"][2:]] == [f"c-{10 + n}" for n in range(9, 1, -1)]
    assert [(item["name"], item["account_id"]) for item in dashboard["recurring_tasks"]] == [
        ("b1", "111122223333"), ("a1", "444455556666"), ("a2", "444455556666")]
    assert dashboard["patch_states"]["managed_nodes"] == 2 and dashboard["compliance_summary"] == {
        "compliant": 1, "critical_non_compliant": 0, "high_non_compliant": 1, "other_non_compliant": 0}
    assert dashboard["reporting_age"] == {"within_days": 2, "older": 0, "never_reported": 0, "days": 7}
    # Of a part only its name, counts and place stay: never its operations (each naming 50 nodes here).
    for summary in forward["parts"].values():
        assert sorted(summary) == ["header", "nodes", "path", "source", "status_counts"]
        assert sorted(summary["header"]) == ["account_id", "generated_at", "region", "reporting_days", "scope"]
    assert len(forward["totals"].operations) == merge.OPERATIONS_ON_PAGE


def test_the_writers_defuse_formulas_and_escape_html(tmp_path):
    hostile = row("i-0000000000000000a", name='=HYPERLINK("http://x")<script>')
    sources = [write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", [hostile])]
    scanned = merge.scan_parts(sources, EXPECTED, NOW, 24)
    streams = {"csv": io.StringIO(), "json": io.StringIO(), "html": io.StringIO()}
    meta = {"report_name": "org", "generated_at": "2026-12-01T16:00:00Z", "expected": 3, "missing_percent": 66.67}
    dashboard = merge.organization_dashboard(scanned)
    nodes, _dashboard = merge.write_reports(scanned, streams, meta, lambda tracker: dashboard, str(tmp_path))
    assert nodes == 1
    cells = list(csv.reader(io.StringIO(streams["csv"].getvalue())))
    assert cells[0][:4] == ["Index", "Account ID", "Region", "Instance ID"]
    assert cells[1][:5] == ["1", "111122223333", "us-east-1", "i-0000000000000000a", "'=HYPERLINK(\"http://x\")<script>"]
    page = streams["html"].getvalue()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<table id="by-account"><thead><tr><th>Account ID</th><th>Compliant</th>' in page
    assert '<table id="by-region"><thead><tr><th>Region</th><th>Compliant</th>' in page
    assert page.count('data-name="111122223333-eu-west-1"') == 1 and page.count('data-name="444455556666-us-east-1"') == 1
    document = json.loads(streams["json"].getvalue())
    assert document["nodes"][0]["name"] == hostile["name"] and document["nodes"][0]["account_id"] == "111122223333"
    assert [entry["reason"] for entry in document["missing"]] == ["no part", "no part"]


def test_a_part_that_changes_between_the_two_reads_is_an_error(tmp_path):
    sources = [write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", [row("i-0000000000000000a"), row("i-0000000000000000b")])]
    scanned = merge.scan_parts(sources, EXPECTED, NOW, 24)
    write_part(tmp_path, "a.jsonl", "111122223333", "us-east-1", [row("i-0000000000000000a")])
    with pytest.raises(PartError, match=r"changed while it was merged \(2 node\(s\), then 1\)"):
        merge.write_reports(scanned, {"csv": io.StringIO()}, {}, lambda tracker: {}, str(tmp_path))


@pytest.mark.parametrize("entry, pair, error", [
    ("111122223333-us-east-1", ("111122223333", "us-east-1"), None),
    ({"account_id": "111122223333", "region": "eu-west-1", "ansible_host": "x"}, ("111122223333", "eu-west-1"), None),
    ("111122223333-us-east-1\n", None, "expected[0] must be ACCOUNT_ID-REGION"),
    ("111122223333_us-east-1", None, "expected[0] must be ACCOUNT_ID-REGION"),
    ("111122223333-nowhere-1", None, "expected[0]'s region 'nowhere-1' is not an AWS region"),
    ({"account_id": 111122223333, "region": "us-east-1"}, None, "expected[0].account_id must be a 12-digit account id"),
    ({"account_id": "111122223333", "region": None}, None, "expected[0].region must be an AWS region"),
    (7, None, "expected[0] must be ACCOUNT_ID-REGION or a dict"),
])
def test_expected_entries(entry, pair, error):
    found, message = options.expected_entry(0, entry)
    assert found == pair
    if error is None:
        assert message is None
    else:
        assert message.startswith(error), message


def params(**overrides):
    base = {"report_name": "org", "expected": ["111122223333-us-east-1"], "max_missing_percent": 0, "max_part_age_hours": 24,
            "parts_dir": None, "parts_s3_bucket": None, "parts_s3_prefix": None, "expected_bucket_owner": None, "dest": "/tmp/org/",
            "formats": ["csv", "json", "html"], "history": None, "mode": None, "owner": None, "group": None,
            "s3_bucket": None, "s3_prefix": None, "server_side_encryption": "AES256", "kms_key_id": None}
    base.update(overrides)
    return base


def test_option_errors_name_the_option():
    assert options.validate_arguments(params()) == []
    assert options.validate_arguments(params(expected=[])) == ["expected is empty: name at least one value, or leave the option out"]
    assert options.validate_arguments(params(formats=["csv", "csv"])) == ["formats repeats a format: csv, csv"]
    assert options.validate_arguments(params(max_missing_percent=100.01)) == ["max_missing_percent must be 0 to 100, got 100.01"]
    assert options.validate_arguments(params(parts_s3_bucket="b" * 64))[0].startswith("parts_s3_bucket")
    assert options.validate_arguments(params(parts_s3_bucket="bucket", parts_s3_prefix="p" * 1024)) == [
        "parts_s3_prefix is too long: an object key is at most 1024 bytes"]
    assert options.s3_base("/nightly") == "nightly/" and options.s3_base(None) == ""


def test_the_s3_output_options_are_checked_as_the_export_checks_them():
    s3_only = dict(dest=None, s3_bucket="org-reports")
    assert options.validate_arguments(params(**s3_only)) == []
    assert options.validate(params(**s3_only, parts_dir="/")) == []
    assert options.validate_arguments(params(s3_bucket="Org_Reports"))[0].startswith("s3_bucket must be an S3 bucket name")
    assert options.validate_arguments(params(s3_bucket=""))[0].startswith("s3_bucket is empty")
    # The longest name, org.html, is the one that must fit: 1,016 + 8 bytes do, 1,017 + 8 do not.
    assert options.validate_arguments(params(**s3_only, s3_prefix="p" * 1015)) == []
    assert options.validate_arguments(params(**s3_only, s3_prefix="p" * 1016)) == ["s3_prefix is too long: the object key would exceed 1024 bytes"]
    assert options.validate_arguments(params(**s3_only, s3_prefix="p" * 900, history={"prefix": "h" * 100})) == [
        "s3_prefix and history.prefix are too long: the history's object keys would exceed 1024 bytes"]
    assert options.validate_arguments(params(**s3_only, kms_key_id="alias/reports")) == ["kms_key_id needs server_side_encryption=aws:kms"]
    assert options.validate_arguments(params(**s3_only, kms_key_id="alias/reports", server_side_encryption="aws:kms")) == []
    assert options.validate_arguments(params(**s3_only, mode="0640")) == ["mode apply to the local report: they need dest"]
    # expected_bucket_owner is the owner of either bucket: the reports' alone is enough, neither is an error.
    assert options.validate_arguments(params(**s3_only, expected_bucket_owner="111122223333")) == []
    assert options.validate_arguments(params(expected_bucket_owner="111122223333")) == [
        "expected_bucket_owner is the account that must own parts_s3_bucket and s3_bucket: it needs one of them"]
    assert options.validate_arguments(params(**s3_only, expected_bucket_owner="1111")) == [
        "expected_bucket_owner must be a 12-digit account id, got '1111'"]
    assert options.report_key(params(s3_prefix="/organization"), "html") == "organization/org.html"
    assert options.report_key(params(), "csv") == "org.csv"
    assert options.dest_directory(params(**s3_only)) is None
