"""Reading the fleet page by page: the call budget, the join of unordered fleet-wide reads, flat memory.

FakeFleet answers the compliance reads for N nodes computed on the fly (it stores nothing per node),
so that what grows with N in a measurement can only be the code under test. The compliance summaries
come back in a scrambled order, as nothing in the API promises theirs.
"""

import datetime
import gc
import json
import math
import threading
import tracemalloc

import pytest

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance import common
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance import fleet as compliance_fleet
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance import index as compliance_index
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.fleet import dashboard_activity
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.fleet import fleet_rows
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.fleet import node_filter_sets
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_compliance_export

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)
SCANNED = datetime.datetime(2026, 11, 30, 2, 31, tzinfo=datetime.timezone.utc)
LEVELS = ("Critical", "High", "Medium", "Low", "Informational", "Unspecified")


def node_id(number):
    # Even nodes are EC2 instances (named by their Name tag), odd ones hybrid nodes (named by SSM).
    return f"i-{number:017x}" if number % 2 == 0 else f"mi-{number:017x}"


def number_of(resource_id):
    return int(resource_id.split("-", 1)[1], 16)


def reported(number):
    return number % 7 != 3


def non_compliant(number):
    return number % 3 == 0


class FakeFleet:
    """SSM and EC2 for `size` nodes, answering each page from the page's offset; counts every call."""

    def __init__(self, size, unmanaged_named=0, tag_page=None):
        self.size = size
        self.tag_page = tag_page  # DescribeTags may answer fewer than MaxResults
        self.unmanaged_named = unmanaged_named  # EC2 instances with a Name tag that are not managed nodes
        self.calls = {}
        self.order = []  # operations in the order they were called
        self._lock = threading.Lock()  # read_concurrency > 1 calls from several threads
        # A step coprime with the fleet's size scrambles the summaries' order.
        self.step = next(step for step in range(size // 2 + 1, size + 2) if math.gcd(step, max(size, 1)) == 1)

    def _count(self, operation):
        with self._lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1
            self.order.append(operation)

    # EC2 -------------------------------------------------------------------------------------------
    def describe_tags(self, Filters, MaxResults, NextToken=None):
        self._count("DescribeTags")
        wanted = next((f["Values"] for f in Filters if f["Name"] == "resource-id"), None)
        if wanted is not None:
            tags = [{"ResourceId": rid, "Key": "Name", "Value": f"node-{number_of(rid)}"} for rid in wanted
                    if rid.startswith("i-") and number_of(rid) < self.size]
            return {"Tags": tags}
        named = (self.size + 1) // 2  # nodes 0, 2, 4...
        everything = named + self.unmanaged_named
        start = int(NextToken or 0)
        MaxResults = min(MaxResults, self.tag_page or MaxResults)
        tags = []
        for position in range(start, min(start + MaxResults, everything)):
            if position < named:
                tags.append({"ResourceId": node_id(2 * position), "Key": "Name", "Value": f"node-{2 * position}"})
            else:
                tags.append({"ResourceId": f"i-{(10**9 + position):017x}", "Key": "Name", "Value": "not-managed"})
        end = start + MaxResults
        return {"Tags": tags, **({"NextToken": str(end)} if end < everything else {})}

    # SSM -------------------------------------------------------------------------------------------
    @staticmethod
    def summary(number):
        bad = non_compliant(number)
        counts = dict((f"{level}Count", (number % 5 + 1 if level == "Critical" else number % 2) if bad else 0) for level in LEVELS)
        return {"ResourceId": node_id(number), "ResourceType": "ManagedInstance", "Status": "NON_COMPLIANT" if bad else "COMPLIANT",
                "OverallSeverity": "CRITICAL" if bad else "UNSPECIFIED", "ExecutionSummary": {"ExecutionTime": SCANNED},
                "CompliantSummary": {}, "NonCompliantSummary": {"SeveritySummary": counts}}

    def list_resource_compliance_summaries(self, Filters, MaxResults, NextToken=None):
        self._count("ListResourceComplianceSummaries")
        # Only the filter key AWS's examples use (no source documents a ResourceId filter here).
        assert [f["Key"] for f in Filters] == ["ComplianceType"]
        position, items = int(NextToken or 0), []
        while position < self.size and len(items) < MaxResults:
            number = (position * self.step) % self.size
            if reported(number):
                items.append(self.summary(number))
            position += 1
        return {"ResourceComplianceSummaryItems": items, **({"NextToken": str(position)} if position < self.size else {})}

    @staticmethod
    def compliance_items(number):
        """The node's Patch items that add up to summary(number): its non-compliant patches by level, 3 compliant ones."""
        counts = FakeFleet.summary(number)["NonCompliantSummary"]["SeveritySummary"]
        bad = [(level.upper(), "NON_COMPLIANT") for level in LEVELS for _copy in range(counts[f"{level}Count"])]
        return [{"ComplianceType": "Patch", "ResourceType": "ManagedInstance", "ResourceId": node_id(number), "Id": f"KB{index}",
                 "Severity": severity, "Status": status, "ExecutionSummary": {"ExecutionTime": SCANNED}}
                for index, (severity, status) in enumerate(bad + [("UNSPECIFIED", "COMPLIANT")] * 3)]

    def list_compliance_items(self, ResourceIds, ResourceTypes, Filters, MaxResults, NextToken=None):
        self._count("ListComplianceItems")
        assert len(ResourceIds) == 1 and ResourceTypes == ["ManagedInstance"] and [f["Key"] for f in Filters] == ["ComplianceType"]
        number = number_of(ResourceIds[0])
        items = self.compliance_items(number) if number < self.size and reported(number) else []
        start = int(NextToken or 0)
        end = start + MaxResults
        return {"ComplianceItems": items[start:end], **({"NextToken": str(end)} if end < len(items) else {})}

    def _selected(self, number, filters):
        for node_filter in filters:
            key, values = node_filter["Key"], node_filter["Values"]
            if key == "InstanceIds" and node_id(number) not in values:
                return False
            if key == "tag:Patch Group" and not ("App" in values and number % 4 == 0):
                return False
            if key == "tag:PatchGroup" and not ("App" in values and number % 8 == 0):  # both tags on some nodes
                return False
            if key == "tag:Env" and "prod" not in values:
                return False
        return True

    def describe_instance_information(self, Filters, MaxResults, NextToken=None):
        self._count("DescribeInstanceInformation")
        ids = next((f["Values"] for f in Filters if f["Key"] == "InstanceIds"), None)
        candidates = sorted(number_of(rid) for rid in ids if number_of(rid) < self.size) if ids else None
        count = len(candidates) if candidates is not None else self.size
        position, nodes = int(NextToken or 0), []
        while position < count and len(nodes) < MaxResults:
            number = candidates[position] if candidates is not None else position
            if self._selected(number, Filters):
                nodes.append({"InstanceId": node_id(number), "PingStatus": "Online", "PlatformType": "Linux",
                              "PlatformName": "Amazon Linux", "PlatformVersion": "2", "AgentVersion": "3.3.1142.0",
                              "IPAddress": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
                              "ResourceType": "EC2Instance" if number % 2 == 0 else "ManagedInstance",
                              **({} if number % 2 == 0 else {"Name": f"hybrid-{number}"})})
            position += 1
        return {"InstanceInformationList": nodes, **({"NextToken": str(position)} if position < count else {})}

    def describe_instance_patch_states(self, InstanceIds, MaxResults, NextToken=None):
        assert len(InstanceIds) <= 50 and NextToken is None
        self._count("DescribeInstancePatchStates")
        return {"InstancePatchStates": [
            {"InstanceId": rid, "PatchGroup": "App", "BaselineId": "pb-0123456789abcdef0", "Operation": "Scan",
             "MissingCount": 1 if non_compliant(number_of(rid)) else 0, "InstalledCount": 5,
             "OperationEndTime": SCANNED} for rid in InstanceIds if reported(number_of(rid))]}

    def list_associations(self, **kwargs):
        self._count("ListAssociations")
        return {}

    def describe_maintenance_windows(self, **kwargs):
        self._count("DescribeMaintenanceWindows")
        return {}

    def list_commands(self, **kwargs):
        self._count("ListCommands")
        return {"Commands": []}

    # S3 --------------------------------------------------------------------------------------------
    def put_object(self, Body, **kwargs):
        self._count("PutObject")
        while Body.read(1 << 16):
            pass
        return {"ETag": '"x"'}


def budget(size):
    return 3 * math.ceil(size / 50) + math.ceil(size / 1000) + 10


def expected_row(number):
    row = {"instance_id": node_id(number), "name": f"node-{number}" if number % 2 == 0 else f"hybrid-{number}"}
    if not reported(number):
        return dict(row, status="NEVER_REPORTED", severity=None, non_compliant_counts=None, reporting_age="never")
    summary = FakeFleet.summary(number)
    counts = dict((level.lower(), summary["NonCompliantSummary"]["SeveritySummary"][f"{level}Count"]) for level in LEVELS)
    return dict(row, status=summary["Status"], severity="CRITICAL" if non_compliant(number) else None,
                non_compliant_counts=counts, reporting_age="within")


def read(fleet, read_concurrency=1, **selection):
    with fleet_rows(fleet, fleet, NOW, 7, read_concurrency=read_concurrency, **selection) as rows:
        return [dict((key, row[key]) for key in ("instance_id", "name", "status", "severity", "non_compliant_counts", "reporting_age"))
                for row in rows]


@pytest.mark.parametrize("read_concurrency", [1, 4])
@pytest.mark.parametrize("size", [1, 49, 50, 51, 999, 1000, 1001, 2345])
def test_every_node_joined_right_within_the_call_budget(size, read_concurrency):
    fleet = FakeFleet(size, unmanaged_named=size // 10)
    rows = read(fleet, read_concurrency)
    assert rows == [expected_row(number) for number in range(size)]
    pages = math.ceil(size / 50)
    assert fleet.calls["DescribeInstanceInformation"] == pages
    assert fleet.calls["DescribeInstancePatchStates"] == pages
    assert fleet.calls["ListResourceComplianceSummaries"] == max(1, math.ceil(sum(map(reported, range(size))) / 50))
    assert fleet.calls["DescribeTags"] == max(1, math.ceil((len(range(0, size, 2)) + size // 10) / 1000))
    assert sum(fleet.calls.values()) <= budget(size)


def test_the_all_node_export_stays_within_the_call_budget(tmp_path):
    size = 2345
    fleet = FakeFleet(size)
    wanted = export_params(tmp_path, s3_bucket="reports")
    changed, report, _dashboard = export(FleetModule(wanted, fleet), wanted)
    assert changed and report["nodes"] == size
    assert fleet.calls["PutObject"] == 1
    assert sum(fleet.calls.values()) <= budget(size)


@pytest.mark.parametrize("read_concurrency", [1, 4])
def test_a_few_instance_ids_read_their_own_summaries_and_names(read_concurrency):
    fleet = FakeFleet(5000)
    ids = [node_id(0), node_id(3), node_id(6), node_id(0)]
    rows = read(fleet, read_concurrency, instance_ids=ids)
    assert rows == [expected_row(0), expected_row(3), expected_row(6)]
    # One call an id (EC2 ids only for the names; ListComplianceItems, one page of items each), not the
    # whole region's 100 pages of summaries.
    assert fleet.calls == {"DescribeTags": 2, "ListComplianceItems": 3, "DescribeInstanceInformation": 1,
                           "DescribeInstancePatchStates": 1}


@pytest.mark.parametrize("read_concurrency", [1, 4])
def test_a_few_instance_ids_page_through_their_compliance_items_and_a_silent_node_has_no_summary(read_concurrency):
    fleet = FakeFleet(50)
    rows = read(fleet, read_concurrency, instance_ids=[node_id(3), node_id(9)])
    # Node 3 never reported (no items: no summary, no state); node 9 has 3+1x5+3 items over pages of 2.
    assert rows == [expected_row(3), expected_row(9)]
    real = fleet.list_compliance_items
    fleet.list_compliance_items = lambda **kwargs: real(**dict(kwargs, MaxResults=2))
    fleet.calls.clear()
    assert read(fleet, read_concurrency, instance_ids=[node_id(9)]) == [expected_row(9)]
    assert fleet.calls["ListComplianceItems"] == math.ceil(len(FakeFleet.compliance_items(9)) / 2)


@pytest.mark.parametrize("read_concurrency", [1, 4])
def test_patch_groups_list_a_node_tagged_both_ways_once(read_concurrency):
    fleet = FakeFleet(200)
    rows = read(fleet, read_concurrency, patch_groups=["App"])
    # Nodes 0, 4, 8...: `Patch Group: App`; 0, 8, 16...: also `PatchGroup: App`.
    assert [row["instance_id"] for row in rows] == [node_id(number) for number in range(0, 200, 4)]
    # `Patch Group` in two pages (50 nodes, then an empty last page), then `PatchGroup` in one, all of
    # them repeats: only the first page has its patch states read (no call for a page of nothing new).
    assert fleet.calls["DescribeInstanceInformation"] == 3 and fleet.calls["DescribeInstancePatchStates"] == 1


def test_filters_combine_ids_groups_and_tags():
    sets = node_filter_sets(["i-1", "i-2", "i-1"], ["App", "Web"], {"Env": ["prod", "test"], "Tier": 1})
    assert sets == [
        [{"Key": "tag:Env", "Values": ["prod", "test"]}, {"Key": "tag:Tier", "Values": ["1"]},
         {"Key": "InstanceIds", "Values": ["i-1", "i-2"]}, {"Key": f"tag:{key}", "Values": ["App", "Web"]}]
        for key in ("Patch Group", "PatchGroup")
    ]


@pytest.mark.parametrize("read_concurrency", [1, 4])
def test_the_index_is_removed_however_the_read_ends(tmp_path, monkeypatch, read_concurrency):
    fleet = FakeFleet(120)
    with fleet_rows(fleet, fleet, NOW, 7, workdir=str(tmp_path), read_concurrency=read_concurrency) as rows:
        assert len(list(tmp_path.iterdir())) == 1
        next(rows)
    assert list(tmp_path.iterdir()) == []
    assert [thread for thread in threading.enumerate() if thread.name.startswith("cloudpatch-read")] == []

    def broken(*args, **kwargs):
        raise RuntimeError("patch states failed")

    monkeypatch.setattr(FakeFleet, "describe_instance_patch_states", broken)
    with pytest.raises(RuntimeError, match="patch states failed"):
        read_with_workdir(fleet, tmp_path, read_concurrency)
    assert list(tmp_path.iterdir()) == []
    assert [thread for thread in threading.enumerate() if thread.name.startswith("cloudpatch-read")] == []


def read_with_workdir(fleet, workdir, read_concurrency=1):
    with fleet_rows(fleet, fleet, NOW, 7, workdir=str(workdir), read_concurrency=read_concurrency) as rows:
        return list(rows)


def test_without_sqlite_the_rows_are_the_same(monkeypatch):
    expected = read(FakeFleet(321))
    monkeypatch.setattr(compliance_index, "sqlite3", None)
    assert read(FakeFleet(321)) == expected
    assert read(FakeFleet(321), read_concurrency=4) == expected


# Reads in parallel --------------------------------------------------------------------------------

def full_rows(fleet, read_concurrency, **selection):
    with fleet_rows(fleet, fleet, NOW, 7, read_concurrency=read_concurrency, **selection) as rows:
        return list(rows)


@pytest.mark.parametrize("selection", [{}, {"patch_groups": ["App"]}, {"instance_ids": [node_id(number) for number in range(0, 700, 3)]},
                                       {"tags": {"Env": "prod"}}])
def test_in_parallel_the_rows_and_calls_are_the_same_as_one_call_at_a_time(selection):
    serial, parallel = FakeFleet(1234, unmanaged_named=60), FakeFleet(1234, unmanaged_named=60)
    expected = full_rows(serial, 1, **selection)
    assert expected and full_rows(parallel, 4, **selection) == expected
    assert parallel.calls == serial.calls


def test_in_parallel_the_three_listings_overlap_and_each_page_is_asked_after_the_one_before():
    # The first page of the Name tags, of the summaries and of the nodes wait for each other: one
    # call at a time they would never meet.
    barrier = threading.Barrier(3, timeout=30)
    fleet = FakeFleet(500)
    tokens = {}
    for method in ("describe_tags", "list_resource_compliance_summaries", "describe_instance_information"):
        def meeting(real=getattr(fleet, method), name=method, **kwargs):
            tokens.setdefault(name, []).append(kwargs.get("NextToken"))
            if kwargs.get("NextToken") is None:
                barrier.wait()
            return real(**kwargs)
        setattr(fleet, method, meeting)
    assert [row["instance_id"] for row in full_rows(fleet, 3)] == [node_id(number) for number in range(500)]
    # A chain's next page is asked for with the token its previous page gave, one page after the other.
    assert tokens["describe_instance_information"] == [None] + [str(50 * page) for page in range(1, 10)]


def test_in_parallel_rows_come_once_the_summaries_are_in_while_nodes_are_still_listed():
    fleet = FakeFleet(1000)
    first_row = threading.Event()
    real = fleet.describe_instance_information

    def gated(**kwargs):
        # The node pages from 500 on wait for the first row: made only after the last node page, it never comes.
        if kwargs.get("NextToken") == "500":
            assert first_row.wait(30), "no row before the last page of nodes"
        return real(**kwargs)

    fleet.describe_instance_information = gated
    got = []
    with fleet_rows(fleet, fleet, NOW, 7, read_concurrency=4) as rows:
        for row in rows:
            first_row.set()
            got.append(row["instance_id"])
    assert got == [node_id(number) for number in range(1000)]


def test_what_the_index_keeps_of_a_node_makes_the_same_row():
    info = {"InstanceId": "i-0123456789abcdef0", "PingStatus": "Online", "LastPingDateTime": SCANNED, "AgentVersion": "3.3.1142.0",
            "IsLatestVersion": True, "PlatformType": "Linux", "PlatformName": "Amazon Linux", "PlatformVersion": "2",
            "ResourceType": "EC2Instance", "IPAddress": "10.0.0.1", "ComputerName": "ip-10-0-0-1.ec2.internal", "Name": "web",
            "AssociationStatus": "Success", "SourceId": "i-0123456789abcdef0", "SourceType": "AWS::EC2::Instance"}
    state = {"InstanceId": info["InstanceId"], "PatchGroup": "App", "BaselineId": "pb-0123456789abcdef0", "SnapshotId": "x",
             "OwnerInformation": "o", "InstalledCount": 5, "InstalledOtherCount": 1, "InstalledPendingRebootCount": 1,
             "InstalledRejectedCount": 0, "MissingCount": 2, "FailedCount": 1, "UnreportedNotApplicableCount": 0,
             "NotApplicableCount": 9, "OperationStartTime": SCANNED,
             "OperationEndTime": SCANNED.replace(microsecond=123456), "Operation": "Scan", "RebootOption": "NoReboot",
             "CriticalNonCompliantCount": 1, "SecurityNonCompliantCount": 1, "OtherNonCompliantCount": 0}
    index = compliance_index.open_index()
    try:
        index.add_listed(0, [(compliance_fleet._kept(info, compliance_fleet.NODE_INFO_KEYS), compliance_fleet._kept(state, compliance_fleet.PATCH_STATE_KEYS)),
                             (compliance_fleet._kept(info, compliance_fleet.NODE_INFO_KEYS), None)])
        (kept_info, kept_state), (_info, no_state) = index.listed(0)
    finally:
        index.close()
    assert no_state is None
    for summary in (None, ("NON_COMPLIANT", "CRITICAL", SCANNED, 1, 0, 0, 0, 0, 0)):
        for days in (1, 7):
            assert common.node_row(kept_info, kept_state, summary, "named", NOW, days) == common.node_row(info, state, summary, "named", NOW, days)


# Memory -------------------------------------------------------------------------------------------

def _ansible_module():
    """A real AnsibleModule for the file operations (atomic_move, set_fs_attributes_if_different...)."""
    with patch_module_args({}):
        return AnsibleModule(argument_spec={}, add_file_common_args=True)


class FleetModule:
    def __init__(self, params, fleet, check_mode=False, tmpdir=None):
        self.params = params
        self.check_mode = check_mode
        self.region = "us-east-1"
        self.warnings = []
        self._files = _ansible_module()
        self.fleet = fleet
        self.tmpdir = tmpdir

    def client(self, service):
        return self.fleet

    def warn(self, message):
        self.warnings.append(message)

    def __getattr__(self, name):
        return getattr(self._files, name)


def export(module, wanted):
    """ensure_exported as ssm_compliance_export's main() calls it, with the fake module's pieces."""
    changed, result = ssm_compliance_export.ensure_exported(
        dict.fromkeys(("ssm", "ec2", "s3", "sns"), module.fleet), wanted, module.check_mode, module.region,
        ssm_compliance_export.ReportFiles(module._files), module.tmpdir, module.warn,
    )
    return changed, result["report"], result["dashboard"]


def export_params(tmp_path, **overrides):
    params = {"report_name": "fleet", "instance_id": None, "instance_ids": None, "patch_groups": None, "tags": None,
              "format": "csv", "s3_bucket": None, "s3_prefix": None, "server_side_encryption": "AES256", "kms_key_id": None,
              "expected_bucket_owner": None, "dest": str(tmp_path), "sns_topic_arn": None, "reporting_days": 7}
    params.update(overrides)
    return params


def export_peak(tmp_path, size, fmt, read_concurrency=1):
    """Peak of Python allocations (tracemalloc) while exporting `size` nodes to a local file."""
    wanted = export_params(tmp_path, format=fmt, read_concurrency=read_concurrency)
    module = FleetModule(wanted, FakeFleet(size, tag_page=100), tmpdir=str(tmp_path / "scratch"))
    tracemalloc.start()
    try:
        _changed, report, _dashboard = export(module, wanted)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report["nodes"] == size
    return peak


@pytest.mark.skipif(compliance_index.sqlite3 is None, reason="the on-disk index needs sqlite3")
@pytest.mark.parametrize("fmt", ["csv", "json", "html"])
def test_export_memory_does_not_grow_with_the_fleet(tmp_path, fmt):
    (tmp_path / "scratch").mkdir()
    # Warm-up: imports and caches, and CPython's free lists (up to 2,000 freed tuples of each size
    # are kept for reuse, which tracemalloc counts as allocated until a gc.collect() clears them).
    gc.collect()
    export_peak(tmp_path, 2500, fmt)
    # From 200 nodes on, every page is full (here DescribeTags answers 100 Name tags a page).
    small = export_peak(tmp_path, 1000, fmt)
    large = export_peak(tmp_path, 4000, fmt)
    # Keeping as little as 50 bytes a node would add 150 KB here.
    assert large - small < 48 * 1024, (small, large)
    assert list((tmp_path / "scratch").iterdir()) == []
    document = (tmp_path / f"fleet.{fmt}").read_bytes().decode("utf-8")
    if fmt == "json":
        assert len(json.loads(document)["nodes"]) == 4000
    elif fmt == "html":
        assert document.count("<tr data-node=") == 4000
    else:
        assert document.count("\r\n") == 4001


@pytest.mark.skipif(compliance_index.sqlite3 is None, reason="the on-disk index needs sqlite3")
def test_export_memory_in_parallel_does_not_grow_with_the_fleet(tmp_path):
    (tmp_path / "scratch").mkdir()
    gc.collect()
    export_peak(tmp_path, 2500, "csv", read_concurrency=4)
    # The peak is the most pages held at one time (at most parallel.AHEAD a chain, read but not yet
    # taken, and their follow-ups), which depends on how the threads ran: a longer export has more
    # chances to meet the bound. From 1,000 nodes it still rose by up to 170 KB to 9,000 under load
    # (CI), so both sizes are past the first few thousand nodes, where it levels off: measured 4,000
    # against 16,000 nodes, it differed by at most 120 KB, quiet or with three busy processes on two cores.
    small = export_peak(tmp_path, 4000, "csv", read_concurrency=4)
    large = export_peak(tmp_path, 16000, "csv", read_concurrency=4)
    # Keeping as little as 50 bytes a node would add 600 KB here.
    assert large - small < 300 * 1024, (small, large)
    assert list((tmp_path / "scratch").iterdir()) == []
    assert (tmp_path / "fleet.csv").read_bytes().count(b"\r\n") == 16001


# The dashboard's activity ------------------------------------------------------------------------

class ActivityFake:
    """A patch-now association (no schedule) that ran once, a nightly one that never ran, a window task."""

    def __init__(self):
        patch_now = {"AssociationId": "a-now", "AssociationName": "AWS-PatchNowAssociation", "Name": "AWS-RunPatchBaseline",
                     "Targets": [{"Key": "InstanceIds", "Values": ["*"]}], "LastExecutionDate": SCANNED}
        nightly = {"AssociationId": "a-nightly", "AssociationName": "nightly-scan", "Name": "AWS-RunPatchBaseline",
                   "ScheduleExpression": "cron(0 2 ? * * *)", "Targets": [{"Key": "tag:Patch Group", "Values": ["App"]}]}
        self.associations = {"AWS-RunPatchBaseline": [patch_now, nightly], "AWS-RunPatchBaselineWithHooks": []}

    def list_associations(self, AssociationFilterList, **kwargs):
        return {"Associations": self.associations[AssociationFilterList[0]["value"]]}

    def describe_maintenance_windows(self, **kwargs):
        return {"WindowIdentities": [{"WindowId": "mw-1", "Name": "weekend", "Schedule": "cron(0 4 ? * SUN *)"}]}

    def describe_maintenance_window_tasks(self, **kwargs):
        return {"Tasks": [
            {"WindowTaskId": "t-1", "Name": "install", "Type": "RUN_COMMAND", "TaskArn": "AWS-RunPatchBaseline",
             "Targets": [{"Key": "WindowTargetIds", "Values": ["wt-1"]}]},
            {"WindowTaskId": "t-2", "Name": "inventory", "Type": "RUN_COMMAND", "TaskArn": "AWS-GatherSoftwareInventory"}]}

    def list_commands(self, Filters=None, MaxResults=None, CommandId=None):
        # Run Command no longer lists the command the association started (e.g. it aged out): asked by id.
        if CommandId == "c-now":
            return {"Commands": [{"CommandId": "c-now", "DocumentName": "AWS-RunPatchBaseline",
                                  "Parameters": {"Operation": ["Scan"]}, "Status": "Success"}]}
        return {"Commands": []}

    def describe_association_executions(self, AssociationId, MaxResults):
        assert AssociationId == "a-now"  # the association that never ran is not asked
        return {"AssociationExecutions": [{"AssociationId": "a-now", "ExecutionId": "e-1", "Status": "Success",
                                           "CreatedTime": SCANNED, "LastExecutionDate": SCANNED}]}

    def describe_association_execution_targets(self, AssociationId, ExecutionId, MaxResults):
        return {"AssociationExecutionTargets": [{"OutputSource": {"OutputSourceId": "c-now", "OutputSourceType": "RunCommand"}}]}


def test_recurring_tasks_are_the_patching_associations_and_window_tasks_as_on_the_console():
    operations, tasks = dashboard_activity(ActivityFake(), 10)
    assert [(task["name"], task["type"], task["schedule"]) for task in tasks] == [
        ("AWS-PatchNowAssociation", "Association", None),  # the console lists it, schedule "-"
        ("nightly-scan", "Association", "cron(0 2 ? * * *)"),
        ("install", "Maintenance window", "cron(0 4 ? * SUN *)"),
    ]
    assert [(row["operation"], row["mechanism"], row["id"], row["status"], row["targets"]) for row in operations] == [
        ("Scan", "Association", "e-1", "Success", "InstanceIds: *")]
