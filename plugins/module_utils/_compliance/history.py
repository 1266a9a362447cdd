# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A report's history: each run kept under a dated name, one small summary record per run, and the trend.

AWS keeps only a node's latest compliance snapshot; the history is what lets a report say whether a
fleet got better or worse. Per run, two things are kept beside the report (in S3 under s3_prefix,
locally under dest's directory), both under `history.prefix` (P):

- the report itself, at ``P/YYYY/MM/DD/<report_name>-<HHMMSS>.<ext>`` (the run's UTC time);
- a summary record, at ``P/summaries/<report_name>/<inverted>-<YYYYMMDDTHHMMSSZ>.json``, JSON with
  the run's time, its counts (compliant, non-compliant, never reported, total), the ids of the
  non-compliant and never-reported nodes, the selection and FORMAT_VERSION.

`<inverted>` is 9999999999 minus the run's epoch second, ten digits: S3 lists a general purpose
bucket's keys in ascending UTF-8 order, so the newest records come first and one ListObjectsV2 call
with MaxKeys=N finds the last N runs however long the history grows. Reading history reads these
records only (one listing, one GET a record), never anything per node.

Nothing here calls AWS or writes; the reads go through the functions given (s3_calls).
"""

import datetime
import json
import os
import posixpath
import re

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import COMPLIANT
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import NEVER_REPORTED
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import NON_COMPLIANT

FORMAT_VERSION = 1
DEFAULT_RUNS = 10
# The trend shows this run and at most 99 before it: a record is a GET, and a row of the widget.
MIN_RUNS, MAX_RUNS = 2, 100
DEFAULT_PREFIX = "history"
# Path segments of letters, digits, '.', '_' and '-' separated by '/': the same name on S3 and on disk.
PREFIX = re.compile(r"\A[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\Z")
MAX_PREFIX = 200
INVERT_FROM = 9999999999
RECORD_NAME = re.compile(r"\A(\d{10})-(\d{8}T\d{6}Z)\.json\Z")
# A record names every non-compliant node: 10,000 nodes are about 250 KB. Anything far larger is not ours.
MAX_RECORD_BYTES = 16 * 1024 * 1024
SUMMARIES = "summaries"
COUNT_KEYS = ("compliant", "non_compliant", "never_reported", "total")


def history_settings(params):
    """The task's history as {runs, prefix}, or None when it keeps none (left out, or enabled: false)."""
    history = params.get("history")
    if not history or history.get("enabled") is False:
        return None
    runs = history.get("runs")
    prefix = history.get("prefix")
    return {"runs": DEFAULT_RUNS if runs is None else runs, "prefix": DEFAULT_PREFIX if prefix is None else prefix.strip("/")}


def history_errors(history):
    """What is wrong with the `history` option (a dict of enabled, runs, prefix, or None), naming the option."""
    if history is None:
        return []
    if all(value is None for value in history.values()):
        return ["history is empty: give history.enabled (true), history.runs or history.prefix, or leave history out"]
    errors = []
    runs = history.get("runs")
    if runs is not None and not MIN_RUNS <= runs <= MAX_RUNS:
        errors.append(f"history.runs must be {MIN_RUNS} to {MAX_RUNS} (this run and the ones before it that the trend shows), got {runs}")
    prefix = history.get("prefix")
    if prefix is not None:
        stripped = prefix.strip("/")
        if not prefix.strip():
            errors.append("history.prefix is empty: give a prefix such as 'history', or leave it out (history)")
        elif len(stripped) > MAX_PREFIX or not PREFIX.fullmatch(stripped) or ".." in stripped.split("/"):
            errors.append(f"history.prefix must be 1 to {MAX_PREFIX} characters of a-z, A-Z, 0-9, '.', '_', '-' in '/'-separated "
                          f"parts (no '..' and no empty part), got {prefix!r}")
    return errors


def run_stamp(now):
    """The run's UTC time as the names use it: (YYYY, MM, DD, HHMMSS, compact ISO, inverted epoch second)."""
    now = now.astimezone(datetime.timezone.utc)
    second = int(now.timestamp())
    return now.strftime("%Y"), now.strftime("%m"), now.strftime("%d"), now.strftime("%H%M%S"), now.strftime("%Y%m%dT%H%M%SZ"), INVERT_FROM - second


def dated_name(prefix, report_name, extension, now):
    """``P/YYYY/MM/DD/<report_name>-<HHMMSS>.<ext>``: where the run's copy of the report is kept."""
    year, month, day, clock, _compact, _inverted = run_stamp(now)
    return posixpath.join(prefix, year, month, day, f"{report_name}-{clock}.{extension}")


def summaries_prefix(prefix, report_name):
    return posixpath.join(prefix, SUMMARIES, report_name) + "/"


def record_name(prefix, report_name, now):
    _year, _month, _day, _clock, compact, inverted = run_stamp(now)
    return summaries_prefix(prefix, report_name) + f"{inverted:010d}-{compact}.json"


def record_names_newest_first(names):
    """The summary record names among `names` (base names), newest first; anything else is left out."""
    return sorted(name for name in names if RECORD_NAME.fullmatch(name))


class HistoryTracker:
    """Fed each row of the report as it streams: this run's counts and ids, and the nodes that got worse.

    A node got worse when it is non-compliant now and was not in the previous run's non-compliant
    ids (it was compliant, never reported, or not in that run). Holds the non-compliant and
    never-reported ids (for the record) and the previous run's non-compliant ids: strings only.
    """

    def __init__(self, previous=None):
        self.counts = dict((key, 0) for key in COUNT_KEYS)
        self.non_compliant, self.never_reported, self.got_worse = [], [], []
        self.previous = previous
        self._before = set(previous["non_compliant_ids"]) if previous else None

    def add(self, row):
        self.counts["total"] += 1
        node_id = row["instance_id"]
        if row["status"] == COMPLIANT:
            self.counts["compliant"] += 1
        elif row["status"] == NON_COMPLIANT:
            self.counts["non_compliant"] += 1
            self.non_compliant.append(node_id)
            if self._before is not None and node_id not in self._before:
                self.got_worse.append({"instance_id": node_id, "name": row.get("name"), "patch_group": row.get("patch_group")})
        elif row["status"] == NEVER_REPORTED:
            self.counts["never_reported"] += 1
            self.never_reported.append(node_id)

    def record(self, meta, selection):
        """This run's summary record (a dict to write as JSON)."""
        return {
            "format_version": FORMAT_VERSION,
            "report_name": meta["report_name"],
            "generated_at": meta["generated_at"],
            "region": meta.get("region"),
            "scope": meta["scope"],
            "selection": selection,
            "counts": dict(self.counts),
            "non_compliant_ids": list(self.non_compliant),
            "never_reported_ids": list(self.never_reported),
        }


def _is_ids(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def parse_record(data):
    """A summary record as written by HistoryTracker.record, or None when it is not one (bad JSON, another
    format version, a count that is not a number): a record in a bucket others may write to is data."""
    try:
        record = json.loads(data)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("format_version") != FORMAT_VERSION or not isinstance(record.get("generated_at"), str):
        return None
    counts = record.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(counts.get(key), int) and not isinstance(counts.get(key), bool) for key in COUNT_KEYS):
        return None
    if not _is_ids(record.get("non_compliant_ids")) or not _is_ids(record.get("never_reported_ids")):
        return None
    return record


def trend_point(record):
    point = dict((key, record["counts"][key]) for key in COUNT_KEYS)
    point["generated_at"] = record["generated_at"]
    return point


def trend(previous_records, tracker, meta, runs):
    """The dashboard's trend: the runs oldest first (this one last), the nodes that got worse since the
    previous run, and that run's time (None for the first run kept)."""
    current = {"generated_at": meta["generated_at"], **tracker.counts}
    previous = previous_records[0] if previous_records else None
    return {
        "runs_asked": runs,
        "runs": [trend_point(record) for record in reversed(previous_records)] + [current],
        "previous_run": previous["generated_at"] if previous else None,
        "got_worse": list(tracker.got_worse) if previous else [],
    }


def read_local_records(directory, limit, warn=None):
    """The newest `limit` summary records under `directory` (a local history's summaries), newest first."""
    if not os.path.isdir(directory):
        return []
    records = []
    for name in record_names_newest_first(os.listdir(directory)):
        if len(records) == limit:
            break
        path = os.path.join(directory, name)
        try:
            if os.path.getsize(path) > MAX_RECORD_BYTES:
                raise ValueError("too large")
            with open(path, "rb") as handle:
                record = parse_record(handle.read())
        except (OSError, ValueError):
            record = None
        if record is None:
            if warn:
                warn(f"history: {path} is not a summary record this module wrote; the trend leaves it out")
            continue
        records.append(record)
    return records


def read_s3_records(list_page, get_body, bucket, prefix, limit, warn=None):
    """The newest `limit` summary records under `prefix` in `bucket`, newest first: one listing call
    (list_page(bucket, prefix, max_keys) -> keys in S3's ascending order) and one get_body(bucket, key) a record."""
    keys = list_page(bucket, prefix, limit)
    records = []
    for key in keys:
        if not RECORD_NAME.fullmatch(key[len(prefix):]):
            continue
        body = get_body(bucket, key, MAX_RECORD_BYTES)
        record = parse_record(body) if len(body) <= MAX_RECORD_BYTES else None
        if record is None:
            if warn:
                warn(f"history: s3://{bucket}/{key} is not a summary record this module wrote; the trend leaves it out")
            continue
        records.append(record)
    return records


def selection_changed_warning(previous, selection, scope):
    if previous and previous.get("selection") != selection:
        return (f"history: the previous run ({previous['generated_at']}) selected {previous.get('scope')!r}, this one {scope!r}: "
                "the trend and the nodes that got worse compare different selections")
    return None
