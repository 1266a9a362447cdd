"""A report's history: its names, its summary records (written, read back, refused), the trend, and the widget."""

import datetime
import io
import json
import os
from html.parser import HTMLParser

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import history_names
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.export import validate_arguments
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import HistoryTracker
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import dated_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import history_settings
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import parse_record
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import read_local_records
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import read_s3_records
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import record_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import selection_changed_warning
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.history import trend
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import report_writer
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import trend_html

UTC = datetime.timezone.utc
RUN = datetime.datetime(2026, 11, 30, 2, 40, 5, 123456, tzinfo=UTC)


def row(node_id, status, name=None, group=None):
    return {"instance_id": node_id, "status": status, "name": name, "patch_group": group}


def meta(when):
    return {"report_name": "fleet", "generated_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "scope": "all nodes", "region": "us-east-1"}


def a_run(when, rows, previous=None):
    tracker = HistoryTracker(previous)
    for one in rows:
        tracker.add(one)
    return tracker, tracker.record(meta(when), {})


def test_the_run_is_kept_under_its_utc_date_and_time():
    assert dated_name("history", "fleet", "html", RUN) == "history/2026/11/30/fleet-024005.html"
    # A time in another zone is the same run: its UTC date names it.
    paris = RUN.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert dated_name("a/b", "fleet", "csv", paris) == "a/b/2026/11/30/fleet-024005.csv"
    assert record_name("history", "fleet", RUN) == f"history/summaries/fleet/{9999999999 - int(RUN.timestamp()):010d}-20261130T024005Z.json"


def test_newer_records_sort_first_as_s3_lists_keys():
    """S3 lists a general purpose bucket's keys in ascending UTF-8 order: the newest record comes first."""
    runs = [RUN + datetime.timedelta(days=days, seconds=seconds) for days, seconds in ((0, 0), (0, 1), (1, 0), (400, 7))]
    keys = [record_name("history", "fleet", when) for when in runs]
    assert sorted(keys) == list(reversed(keys))


def test_names_in_s3_and_on_disk(tmp_path):
    params = {"report_name": "fleet", "format": "json", "s3_bucket": "reports", "s3_prefix": "/nightly", "dest": f"{tmp_path}/",
              "history": {"enabled": None, "runs": 3, "prefix": "/kept/"}}
    names = history_names(params, RUN)
    assert names["runs"] == 3 and names["prefix"] == "kept"
    assert names["report_s3_key"] == "nightly/kept/2026/11/30/fleet-024005.json"
    assert names["record_s3_key"].startswith("nightly/kept/summaries/fleet/") and names["record_s3_key"].endswith("-20261130T024005Z.json")
    assert names["records_s3_prefix"] == "nightly/kept/summaries/fleet/"
    assert names["report_file"] == str(tmp_path / "kept" / "2026" / "11" / "30" / "fleet-024005.json")
    assert names["records_directory"] == str(tmp_path / "kept" / "summaries" / "fleet")
    assert os.path.dirname(names["record_file"]) == names["records_directory"]


def test_history_left_out_or_disabled_keeps_nothing_and_the_defaults_apply():
    assert history_settings({"history": None}) is None
    assert history_settings({"history": {"enabled": False, "runs": 5, "prefix": None}}) is None
    assert history_settings({"history": {"enabled": True, "runs": None, "prefix": None}}) == {"runs": 10, "prefix": "history"}


@pytest.mark.parametrize("history, message", [
    ({"enabled": None, "runs": None, "prefix": None}, "history is empty"),
    ({"enabled": None, "runs": 1, "prefix": None}, "history.runs must be 2 to 100"),
    ({"enabled": None, "runs": 101, "prefix": None}, "history.runs must be 2 to 100"),
    ({"enabled": None, "runs": None, "prefix": "  "}, "history.prefix is empty"),
    ({"enabled": None, "runs": None, "prefix": "a/../b"}, "history.prefix must be"),
    ({"enabled": None, "runs": None, "prefix": "a//b"}, "history.prefix must be"),
    ({"enabled": None, "runs": None, "prefix": "hist ory"}, "history.prefix must be"),
    ({"enabled": None, "runs": None, "prefix": "history\n"}, "history.prefix must be"),
    ({"enabled": None, "runs": None, "prefix": "h" * 201}, "history.prefix must be 1 to 200"),
])
def test_bad_history_is_named(history, message):
    [error] = history_errors(history)
    assert error.startswith(message)


def test_good_history_has_no_error():
    assert history_errors(None) == []
    assert history_errors({"enabled": True, "runs": None, "prefix": None}) == []
    assert history_errors({"enabled": None, "runs": 100, "prefix": "reports/history-2026.v1"}) == []


def test_keys_too_long_for_s3_are_refused_before_anything():
    params = {"report_name": "fleet", "format": "csv", "s3_bucket": "reports", "s3_prefix": "p" * 900, "dest": None,
              "history": {"enabled": None, "runs": None, "prefix": "h" * 150}, "instance_id": None, "instance_ids": None, "patch_groups": None,
              "tags": None, "kms_key_id": None, "expected_bucket_owner": None, "sns_topic_arn": None, "server_side_encryption": "AES256",
              "reporting_days": 7}
    assert "s3_prefix and history.prefix are too long" in " ".join(validate_arguments(params))


def test_the_nodes_that_got_worse_were_not_non_compliant_before():
    _first, previous = a_run(RUN, [row("i-1", "COMPLIANT"), row("i-2", "NON_COMPLIANT"), row("i-3", "NEVER_REPORTED")])
    assert previous["counts"] == {"compliant": 1, "non_compliant": 1, "never_reported": 1, "total": 3}
    assert previous["non_compliant_ids"] == ["i-2"] and previous["never_reported_ids"] == ["i-3"]
    tracker, _record = a_run(RUN + datetime.timedelta(days=1), [
        row("i-1", "NON_COMPLIANT", "Web1", "Web"),   # compliant before: worse
        row("i-2", "NON_COMPLIANT", "Web2", "Web"),   # non-compliant before: not worse
        row("i-3", "NON_COMPLIANT", "Late", None),    # never reported before: worse
        row("i-4", "NON_COMPLIANT", "New", "App"),    # not in the previous run: worse
        row("i-5", "COMPLIANT"),
    ], previous)
    assert tracker.got_worse == [{"instance_id": "i-1", "name": "Web1", "patch_group": "Web"},
                                 {"instance_id": "i-3", "name": "Late", "patch_group": None},
                                 {"instance_id": "i-4", "name": "New", "patch_group": "App"}]


def test_the_trend_is_oldest_first_with_this_run_last():
    older = a_run(RUN, [row("i-1", "NON_COMPLIANT")])[1]
    newer = a_run(RUN + datetime.timedelta(days=1), [row("i-1", "COMPLIANT")])[1]
    tracker, _record = a_run(RUN + datetime.timedelta(days=2), [row("i-1", "NON_COMPLIANT")], newer)
    result = trend([newer, older], tracker, meta(RUN + datetime.timedelta(days=2)), 10)
    assert [(point["generated_at"], point["compliant"], point["non_compliant"]) for point in result["runs"]] == [
        ("2026-11-30T02:40:05Z", 0, 1), ("2026-12-01T02:40:05Z", 1, 0), ("2026-12-02T02:40:05Z", 0, 1)]
    assert result["previous_run"] == "2026-12-01T02:40:05Z" and [node["instance_id"] for node in result["got_worse"]] == ["i-1"]
    first = trend([], HistoryTracker(None), meta(RUN), 10)
    assert first["previous_run"] is None and first["got_worse"] == [] and len(first["runs"]) == 1


@pytest.mark.parametrize("data", [
    b"not json", b"[]", b'{"format_version": 2}',
    json.dumps({"format_version": 1, "generated_at": "x", "counts": {"compliant": "1", "non_compliant": 0, "never_reported": 0, "total": 1},
                "non_compliant_ids": [], "never_reported_ids": []}).encode(),
    json.dumps({"format_version": 1, "generated_at": "x", "counts": {"compliant": True, "non_compliant": 0, "never_reported": 0, "total": 1},
                "non_compliant_ids": [], "never_reported_ids": []}).encode(),
    json.dumps({"format_version": 1, "generated_at": "x", "counts": {"compliant": 1, "non_compliant": 0, "never_reported": 0, "total": 1},
                "non_compliant_ids": [1], "never_reported_ids": []}).encode(),
])
def test_what_is_not_a_record_is_refused(data):
    assert parse_record(data) is None


def test_local_records_newest_first_limited_and_foreign_files_warned(tmp_path):
    directory = tmp_path / "summaries"
    directory.mkdir()
    records = []
    for day in range(4):
        when = RUN + datetime.timedelta(days=day)
        record = a_run(when, [row("i-1", "COMPLIANT")])[1]
        (directory / os.path.basename(record_name("h", "fleet", when))).write_text(json.dumps(record))
        records.append(record)
    (directory / "notes.txt").write_text("mine")
    (directory / f"{9999999999 - int(RUN.timestamp()) + 1:010d}-20261130T024004Z.json").write_text("{broken")
    warnings = []
    read = read_local_records(str(directory), 3, warnings.append)
    assert [record["generated_at"] for record in read] == [record["generated_at"] for record in reversed(records)][:3]
    assert warnings == []  # the three newest were good; the broken one is older and never read
    read = read_local_records(str(directory), 10, warnings.append)
    assert len(read) == 4 and len(warnings) == 1 and "is not a summary record" in warnings[0]
    assert read_local_records(str(tmp_path / "none"), 3) == []


def test_s3_records_one_listing_one_get_a_record():
    good = a_run(RUN, [row("i-1", "COMPLIANT")])[1]
    prefix = "h/summaries/fleet/"
    key = record_name("h", "fleet", RUN)
    bodies = {key: json.dumps(good).encode(), prefix + "0000000001-20261130T024005Z.json": b"{}", prefix + "stray.txt": b"x"}
    calls = []

    def list_page(bucket, listed_prefix, max_keys):
        calls.append(("list", bucket, listed_prefix, max_keys))
        return sorted(bodies)

    def get_body(bucket, got_key, max_bytes):
        calls.append(("get", got_key))
        return bodies[got_key]

    warnings = []
    assert read_s3_records(list_page, get_body, "reports", prefix, 9, warnings.append) == [good]
    assert calls[0] == ("list", "reports", prefix, 9)
    assert [call for call in calls if call[0] == "get"] == [("get", prefix + "0000000001-20261130T024005Z.json"), ("get", key)]
    assert len(warnings) == 1 and "s3://reports/h/summaries/fleet/0000000001" in warnings[0]


def test_a_changed_selection_is_said():
    previous = {"generated_at": "2026-11-30T02:40:05Z", "selection": {}, "scope": "all nodes"}
    assert selection_changed_warning(previous, {}, "all nodes") is None
    assert "compare different selections" in selection_changed_warning(previous, {"patch_groups": ["Web"]}, "patch groups Web")
    assert selection_changed_warning(None, {"patch_groups": ["Web"]}, "patch groups Web") is None


class Cells(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


HOSTILE = '<img src=x onerror=alert(1)>"\'&'


def test_the_widget_escapes_every_value_from_the_nodes():
    widget = trend_html({"runs_asked": 10, "previous_run": HOSTILE, "runs": [
        {"generated_at": HOSTILE, "compliant": 1, "non_compliant": 2, "never_reported": 0, "total": 3}],
        "got_worse": [{"instance_id": HOSTILE, "name": HOSTILE, "patch_group": HOSTILE}]})
    parser = Cells()
    parser.feed(widget)
    assert "img" not in [tag for tag, _attrs in parser.tags]
    assert not [name for _tag, attrs in parser.tags for name in attrs if name.startswith("on")]
    assert "".join(parser.text).count(HOSTILE) == 5  # run label, previous run, id, name, patch group


def test_the_widget_bars_add_up_and_an_empty_run_has_none():
    widget = trend_html({"runs_asked": 3, "previous_run": "t0", "got_worse": [], "runs": [
        {"generated_at": "t0", "compliant": 1, "non_compliant": 2, "never_reported": 1, "total": 4},
        {"generated_at": "t1", "compliant": 0, "non_compliant": 0, "never_reported": 0, "total": 0}]})
    assert 'data-key="compliant" style="width:25.00%' in widget and 'data-key="non_compliant" style="width:50.00%' in widget
    assert widget.count('class="seg"') == 3
    assert "No node got worse" in widget and "t1 (this run)" in widget


def test_the_json_report_and_the_page_carry_the_trend():
    counts = DashboardCounts()
    dashboard = counts.as_dict()
    dashboard["trend"] = {"runs_asked": 10, "previous_run": None, "got_worse": [],
                          "runs": [{"generated_at": "t0", "compliant": 0, "non_compliant": 0, "never_reported": 0, "total": 0}]}
    stream = io.StringIO()
    writer = report_writer("json", stream, meta(RUN))
    writer.close(dashboard)
    assert json.loads(stream.getvalue())["dashboard"]["trend"] == dashboard["trend"]
    stream = io.StringIO()
    writer = report_writer("html", stream, meta(RUN))
    writer.close(dashboard)
    assert 'id="trend-widget"' in stream.getvalue() and "No previous run in history" in stream.getvalue()
    stream = io.StringIO()
    writer = report_writer("html", stream, meta(RUN))
    writer.close(counts.as_dict())
    assert 'id="trend-widget"' not in stream.getvalue()
