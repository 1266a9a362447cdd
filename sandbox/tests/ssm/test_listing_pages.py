"""The fleet-wide listings answer a page by its own work, not the fleet's, with the same answers.

ListResourceComplianceSummaries and DescribeInstanceInformation are read a page of 50 at a time by
the compliance export (200 pages at 10,000 nodes). Each page is checked here against the listing's
definition (every record, in order, filtered, then the page and NextToken `paginate` gives), written
out in the test the way the handlers computed it before their indexes; and the work done for one page
(summaries made, node views made) is counted at two fleet sizes. The serializer shortcut of the
sandbox's own actions (sandbox.moto_fixes.speedups.SandboxResult) gives moto's bytes.
"""

import datetime
import enum
from types import SimpleNamespace

import pytest
from dateutil.tz import tzoffset, tzutc
from moto import mock_aws
from moto.core.responses import ActionContext, ActionResult
from moto.core.serialize import get_serializer_class
from moto.core.utils import get_service_model
from moto.ssm.models import ssm_backends

from sandbox.agent import clock, managed_nodes
from sandbox.agent.managed_nodes import (
    deregister_hybrid_node,
    describe_instance_information,
    iter_managed_nodes,
    register_hybrid_node,
    seed_nodes,
)
from sandbox.agent.patch_agent import run_patch_baseline
from sandbox.install import install_all
from sandbox.moto_fixes.speedups import MOTO_ENRICH_RESPONSE, SandboxResult, enrich_response
from sandbox.ssm import patch_states
from sandbox.ssm.patch_states import (
    COMPLIANCE_LIMITS,
    LEVEL_RANK,
    RESOURCE_SUMMARY_FILTER_KEYS,
    ComplianceRecord,
    _compliance_filters,
    _filter_context,
    _passes,
    list_compliance_items,
    list_resource_compliance_summaries,
    put_compliance,
    store,
)
from sandbox.ssm.patch_baselines import create_baseline
from sandbox.ssm.patch_groups import register_patch_group
from sandbox.tests.agent.test_patch_agent import SNAPSHOT, WORKSHOP_BASELINE
from sandbox.tests.patch_isolation import new_account_id
from sandbox.wire.errors import InvalidNextToken
from sandbox.wire.paging import paginate

ACCOUNT = "123456789012"
WHEN = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)
PATCH = {"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}


def _fleet(backend, count, windows=0, app=0):
    """`count` Amazon Linux 2 nodes (the first `app` in patch group App), `windows` Windows nodes, scanned."""
    ids = [register_hybrid_node(backend, "AMAZON_LINUX_2", instance_id=f"mi-{index:017x}",
                                tags={"Patch Group": "App"} if index <= app else None).instance_id
           for index in range(1, count + 1)]
    ids += [register_hybrid_node(backend, "WINDOWS", instance_id=f"mi-{index:017x}").instance_id
            for index in range(count + 1, count + windows + 1)]
    # Scanned in another order than registered: the table's order is its own, not insertion order.
    for node_id in reversed(ids):
        run_patch_baseline(backend, node_id, operation="Scan", snapshot_id=SNAPSHOT, execution_id="cmd-scan")
    return ids


@pytest.fixture(scope="module")
def mocked():
    """One moto for the module (a mock_aws inside another would reset the outer one's backends);
    each test that changes a fleet has an account of its own."""
    install_all()
    with mock_aws():
        yield


def fresh_backend():
    return ssm_backends[new_account_id()]["us-east-1"]


@pytest.fixture(scope="module")
def world(mocked):  # pylint: disable=unused-argument
    backend = ssm_backends[ACCOUNT]["us-east-1"]
    # The workshop's baseline gives its patches levels (AWS's defaults leave them UNSPECIFIED).
    register_patch_group(backend, create_baseline(backend, WORKSHOP_BASELINE), "App")
    ids = _fleet(backend, 9, windows=3, app=4)
    # Other types beside Patch: the listings interleave them by resource id, then type.
    for node_id in ids[::3]:
        put_compliance(backend, node_id, "Custom:AV", [
            {"Id": "av", "Title": "AV", "Status": "NON_COMPLIANT", "Severity": "HIGH", "Details": {}}],
            {"ExecutionTime": WHEN, "ExecutionType": "Command"})
    for node_id in ids[1::4]:
        put_compliance(backend, node_id, "Association", [
            {"Id": "a", "Title": "A", "Status": "COMPLIANT", "Severity": "UNSPECIFIED", "Details": {}}],
            {"ExecutionTime": WHEN, "ExecutionId": "exec-1", "ExecutionType": "Command"})
    never = register_hybrid_node(backend, "AMAZON_LINUX_2", instance_id="mi-0000000000000ffff").instance_id
    yield {"backend": backend, "ids": ids, "never": never}


def reference_summary(record):
    """A ResourceComplianceSummaryItem made from the record's items (the handler's way before it read
    the statuses from the patch record)."""
    def counts():
        return {f"{level.title()}Count": 0 for level in LEVEL_RANK}

    compliant, non_compliant = counts(), counts()
    for item in record.items():
        if item["Status"] == "COMPLIANT":
            compliant[f"{item['Severity'].title()}Count"] += 1
        elif item["Status"] == "NON_COMPLIANT":
            non_compliant[f"{item['Severity'].title()}Count"] += 1
    bad = [item["Severity"] for item in record.items() if item["Status"] == "NON_COMPLIANT"]
    return {
        "ComplianceType": record.compliance_type, "ResourceType": record.resource_type, "ResourceId": record.resource_id,
        "Status": "NON_COMPLIANT" if bad else "COMPLIANT",
        "OverallSeverity": max(bad, key=LEVEL_RANK.__getitem__) if bad else "UNSPECIFIED",
        "ExecutionSummary": record.execution_summary,
        "CompliantSummary": {"CompliantCount": sum(compliant.values()), "SeveritySummary": compliant},
        "NonCompliantSummary": {"NonCompliantCount": sum(non_compliant.values()), "SeveritySummary": non_compliant},
    }


def reference_summary_pages(backend, filters, max_results):
    """Every page of the listing by its definition: all records sorted, summarized, filtered, paginated."""
    parsed = _compliance_filters(filters, RESOURCE_SUMMARY_FILTER_KEYS)
    records = sorted(store(backend).compliance.values(), key=lambda c: (c.resource_id, c.compliance_type))
    rows = [row for row in (reference_summary(record) for record in records) if _passes(backend, row, parsed)]
    return walk(lambda token: paginate(rows, max_results, token, context=["ListResourceComplianceSummaries",
                                                                           _filter_context(parsed)], **COMPLIANCE_LIMITS))


def walk(read):
    pages, token = [], None
    while True:
        page, token = read(token)
        pages.append((page, token))
        if not token:
            return pages


def handler_summary_pages(backend, filters, max_results):
    def read(token):
        params = {"Filters": filters, "MaxResults": max_results, **({"NextToken": token} if token else {})}
        result = list_resource_compliance_summaries(backend, params)
        return result["ResourceComplianceSummaryItems"], result.get("NextToken")
    return walk(read)


def test_a_summary_read_from_the_patch_record_is_the_one_its_items_give(world):
    backend = world["backend"]
    records = list(store(backend).compliance.values())
    assert {record.compliance_type for record in records} == {"Patch", "Custom:AV", "Association"}
    for record in records:
        fresh = type(record).__new__(type(record))
        fresh.__dict__.update(record.__dict__)
        fresh._summary = None
        if isinstance(record, patch_states.PatchCompliance):
            fresh._items = None   # the summary made without the items
        assert fresh.summary() == reference_summary(record), record.resource_id
    patch = [record for record in records if record.compliance_type == "Patch"]
    # Compliant and non-compliant items of several levels, and Windows' empty statuses, are compared.
    assert all(record.summary()["CompliantSummary"]["CompliantCount"] > 0 for record in patch)
    assert {record.summary()["OverallSeverity"] for record in patch} >= {"CRITICAL", "UNSPECIFIED"}
    assert any(item["Status"] == "" for record in patch for item in record.items())


@pytest.mark.parametrize("filters", [
    None,
    [PATCH],
    [{"Key": "ComplianceType", "Values": ["Patch"]}],
    [{"Key": "ComplianceType", "Values": ["Association"], "Type": "EQUAL"}],
    [{"Key": "ComplianceType", "Values": ["Patch", "Custom:AV"], "Type": "EQUAL"}],
    [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "NOT_EQUAL"}],
    [{"Key": "ComplianceType", "Values": ["Custom"], "Type": "BEGIN_WITH"}],
    [{"Key": "ComplianceType", "Values": ["Nothing"], "Type": "EQUAL"}],
    [PATCH, {"Key": "OverallSeverity", "Values": ["UNSPECIFIED"], "Type": "EQUAL"}],
    [{"Key": "InstanceId", "Values": ["mi-00000000000000004"], "Type": "EQUAL"}],
    [{"Key": "ExecutionType", "Values": ["Command"], "Type": "EQUAL"},
     {"Key": "AWS:InstanceInformation.PlatformType", "Values": ["Windows"], "Type": "EQUAL"}],
], ids=lambda filters: ",".join(f"{f['Key']}{f.get('Type', '')}{'|'.join(f['Values'])}" for f in filters or []) or "none")
@pytest.mark.parametrize("max_results", [1, 4, 50])
def test_summary_pages_and_tokens_are_the_definition_s(world, filters, max_results):
    backend = world["backend"]
    assert handler_summary_pages(backend, filters, max_results) == reference_summary_pages(backend, filters, max_results)


def test_the_order_follows_records_that_come_and_go(world):
    backend = world["backend"]
    table = store(backend).compliance
    node_id = world["ids"][1]
    with store(backend).lock:
        removed = table.pop((node_id, "Association"))
    try:
        assert table.ordered == sorted(table) and (node_id, "Association") not in table
        assert table.by_type["Association"] == sorted(key[0] for key in table if key[1] == "Association")
        assert handler_summary_pages(backend, None, 5) == reference_summary_pages(backend, None, 5)
        assert table.pop((node_id, "Association"), None) is None
        with pytest.raises(KeyError):
            table.pop((node_id, "Association"))
        with pytest.raises(TypeError):
            table.update({})
    finally:
        with store(backend).lock:
            table[(node_id, "Association")] = removed
    assert table.ordered == sorted(table)
    assert {kind: ids for kind, ids in table.by_type.items()} == {
        kind: sorted(key[0] for key in table if key[1] == kind) for kind in {key[1] for key in table}}


def test_a_token_of_other_filters_is_still_refused(world):
    backend = world["backend"]
    token = list_resource_compliance_summaries(backend, {"Filters": [PATCH], "MaxResults": 2})["NextToken"]
    with pytest.raises(InvalidNextToken):
        list_resource_compliance_summaries(backend, {"MaxResults": 2, "NextToken": token})


def test_compliance_items_of_one_resource_are_all_its_types_in_order(world):
    backend = world["backend"]
    node_id = world["ids"][0]
    items = list_compliance_items(backend, {"ResourceIds": [node_id], "MaxResults": 50})["ComplianceItems"]
    expected = [item for record in sorted(store(backend).compliance.values(), key=lambda c: (c.resource_id, c.compliance_type))
                if record.resource_id == node_id for item in record.api_items()][:50]
    assert items == expected and {item["ComplianceType"] for item in items} == {"Custom:AV", "Patch"}
    assert list_compliance_items(backend, {"ResourceIds": [world["never"]]})["ComplianceItems"] == []


def reference_node_pages(backend, params):
    return walk(lambda token: paginate([node.to_api() for node in iter_managed_nodes(backend)], params.get("MaxResults"),
                                       token, default=50, minimum=5, maximum=50,
                                       context={"filters": params.get("Filters"), "legacy": None}))


def handler_node_pages(backend, params):
    def read(token):
        result = describe_instance_information(backend, {**params, **({"NextToken": token} if token else {})})
        return result["InstanceInformationList"], result.get("NextToken")
    return walk(read)


@pytest.fixture
def still_clock():
    """The in-process clock frozen (an Online node's LastPingDateTime is the clock's now)."""
    was_frozen = clock.CLOCK.frozen
    clock.CLOCK.freeze()
    yield
    if not was_frozen:
        clock.CLOCK.unfreeze()


@pytest.mark.parametrize("params", [{"MaxResults": 5}, {"MaxResults": 7, "Filters": []}, {}])
def test_node_pages_of_ec2_and_hybrid_nodes_are_the_definition_s(mocked, still_clock, params):  # pylint: disable=unused-argument
    backend = fresh_backend()
    seed_nodes(backend, 4, "AMAZON_LINUX_2", kind="ec2", tags={"Patch Group": "App"})
    hybrids = seed_nodes(backend, 9, "WINDOWS", kind="hybrid", tags={"Patch Group": "Web"})
    deregister_hybrid_node(backend, hybrids[3])
    seed_nodes(backend, 2, "UBUNTU", kind="hybrid")
    pages = handler_node_pages(backend, params)
    assert pages == reference_node_pages(backend, params)
    assert sum(len(page) for page, _token in pages) == 14


def test_a_page_s_online_nodes_pinged_at_the_instant_of_the_call(mocked, monkeypatch):  # pylint: disable=unused-argument
    backend = fresh_backend()
    seed_nodes(backend, 2, "AMAZON_LINUX_2", kind="ec2")
    seed_nodes(backend, 3, "WINDOWS", kind="hybrid")
    lost = seed_nodes(backend, 1, "UBUNTU", kind="hybrid", ping_status="ConnectionLost")[0]
    # A clock that moves at every reading: the call reads it once, whatever the page's length.
    later = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
    readings = iter(later + datetime.timedelta(seconds=second) for second in range(1000))
    monkeypatch.setattr(managed_nodes, "_now", lambda: next(readings))
    nodes = describe_instance_information(backend, {"MaxResults": 50})["InstanceInformationList"]
    pings = {node["InstanceId"]: node["LastPingDateTime"] for node in nodes}
    # The node that lost its connection keeps the ping it had when it did.
    last_ping = pings.pop(lost)
    assert len(pings) == 5 and set(pings.values()) == {later}
    assert last_ping < later and next(readings) == later + datetime.timedelta(seconds=1)


def _count_calls(monkeypatch, owner, name):
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _middle_page_work(monkeypatch, count):
    """([summaries made for page 1, for page 2], compliance items made, node views made for page 2 of
    DescribeInstanceInformation) in a fleet of `count` scanned nodes."""
    backend = fresh_backend()
    _fleet(backend, count)
    items = _count_calls(monkeypatch, patch_states, "patch_compliance_items")
    summaries = _count_calls(monkeypatch, ComplianceRecord, "_summarize")
    views = _count_calls(monkeypatch, managed_nodes, "_hybrid_view")
    first = list_resource_compliance_summaries(backend, {"Filters": [PATCH], "MaxResults": 50})
    made = [len(summaries)]
    middle = list_resource_compliance_summaries(backend, {"Filters": [PATCH], "MaxResults": 50,
                                                          "NextToken": first["NextToken"]})
    assert len(middle["ResourceComplianceSummaryItems"]) == 50
    made.append(len(summaries) - made[0])
    token = describe_instance_information(backend, {"MaxResults": 50})["NextToken"]
    views.clear()
    assert len(describe_instance_information(backend, {"MaxResults": 50, "NextToken": token})["InstanceInformationList"]) == 50
    return made, len(items), len(views)


@pytest.mark.parametrize("count", [150, 1500])
def test_a_page_costs_the_page_whatever_the_fleet(mocked, monkeypatch, count):  # pylint: disable=unused-argument
    summaries, items, views = _middle_page_work(monkeypatch, count)
    # 50 summaries for each page of 50 (the first page no longer summarizes the fleet), no
    # compliance item made for a summary, 50 node views: the same at 150 nodes and at 1,500.
    assert (summaries, items, views) == ([50, 50], 0, 50)


def _answer(result_class, operation, result):
    service = get_service_model("ssm")
    context = ActionContext(service, service.operation_model(operation), get_serializer_class("ssm", "json"),
                            SimpleNamespace())
    return result_class(result).execute_result(context)


PLAIN = {"TagList": [{"Key": "k", "Value": "v"}], "NextToken": None}
SERIALIZED_CASES = [
    # A dict holding a member's shape name too: moto takes that one (ShapeNameAlias comes first).
    ("DescribeInstancePatchStates", lambda states: {"InstancePatchStates": states[:1], "InstancePatchStateList": states}),
    # Members held under their snake_case names only, None values, a None list item, an Enum.
    ("DescribeInstanceInformation", lambda states: {
        "instance_information_list": [{"instance_id": "mi-00000000000000001", "PingStatus": PingStatus.ONLINE}],
        "NextToken": None}),
    ("DescribeInstancePatchStates", lambda states: {"InstancePatchStates": [states[0], None]}),
    # A map, epoch-second timestamps, a structure member that is no dict.
    ("ListTagsForResource", lambda states: PLAIN),
    ("GetDocument", lambda states: {"Name": "d", "CreatedDate": 1700000000.5, "AttachmentsContent": [{"Name": "a", "Size": 3}],
                                    "ReviewStatus": "APPROVED", "Requires": [{"Name": "r", "Version": "1"}]}),
    ("GetMaintenanceWindowExecutionTask", lambda states: {"TaskParameters": [{"p": {"Values": ["1"]}}],
                                                          "StartTime": states[0]["OperationStartTime"]}),
    ("DescribeInstancePatchStates", lambda states: {"InstancePatchStates": [SimpleNamespace(**states[0])]}),
    # Timestamps (epoch seconds, milliseconds truncated) of every kind of datetime: naive (taken as UTC),
    # the standard library's UTC, dateutil's, an offset, whole seconds, under a millisecond, a subclass.
    ("DescribeInstanceInformation", lambda states: {"InstanceInformationList": [
        {"InstanceId": "mi-00000000000000001", "LastPingDateTime": when, "RegistrationDate": WHEN, "IsLatestVersion": False}
        for when in (datetime.datetime(2026, 11, 30, 12, 0, 1, 999999), WHEN.replace(microsecond=123456),
                     WHEN.replace(tzinfo=tzutc()), datetime.datetime(2026, 11, 30, 23, 59, 59, 999, tzinfo=tzoffset(None, -3600)),
                     datetime.datetime(2026, 11, 30, 14, 0, 0, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
                     Moment(2026, 11, 30, 12, 0, 0, 4000, tzinfo=datetime.timezone.utc))]}),
    # A str subclass and a boolean that is no bool, both written as moto writes them.
    ("DescribeInstanceInformation", lambda states: {"InstanceInformationList": [
        {"InstanceId": Name("mi-00000000000000001"), "IsLatestVersion": 1, "Name": "<RequestId>a</RequestId>"}]}),
]


class Moment(datetime.datetime):
    pass


class Name(str):
    pass


class PingStatus(enum.Enum):
    ONLINE = "Online"


def test_the_serializer_shortcut_gives_moto_s_bytes(world, monkeypatch):
    backend = world["backend"]
    moto_serialized = _count_calls(monkeypatch, get_serializer_class("ssm", "json"), "serialize")
    states = patch_states.describe_instance_patch_states(backend, {"InstanceIds": world["ids"][:5], "MaxResults": 50})
    real = [("DescribeInstancePatchStates", states),
            ("DescribeInstanceInformation", describe_instance_information(backend, {"MaxResults": 5})),
            ("ListResourceComplianceSummaries", list_resource_compliance_summaries(backend, {"MaxResults": 5})),
            ("ListComplianceItems", list_compliance_items(backend, {"ResourceIds": [world["ids"][0]], "MaxResults": 5})),
            ("DescribeInstancePatches", patch_states.describe_instance_patches(backend, {"InstanceId": world["ids"][-1]}))]
    crafted = [(operation, make(states["InstancePatchStates"])) for operation, make in SERIALIZED_CASES]
    for operation, result in real + crafted:
        before = len(moto_serialized)
        ours = _answer(SandboxResult, operation, result)
        # The handlers' own results take the shortcut; the crafted ones may go to moto's serializer.
        assert len(moto_serialized) == before or (operation, result) in crafted
        assert ours == _answer(ActionResult, operation, result), operation
        assert ours[0] == 200 and len(ours[2]) > 10
    assert 0 < len(moto_serialized) - len(real + crafted) < len(crafted)


@pytest.mark.parametrize("body", ['{"InstanceInformationList": []}', '{"Name": "<RequestId>x</RequestId>"}',
                                  '<Response><RequestId>old</RequestId></Response>', b"<RequestId>x</RequestId>", None])
def test_the_request_id_goes_where_moto_puts_it(monkeypatch, body):
    monkeypatch.setattr("moto.core.responses.gen_amzn_requestid_long", lambda headers: headers.update(
        {"x-amzn-requestid": "REQ"}) or "REQ")
    assert enrich_response({"status": 200}, body) == MOTO_ENRICH_RESPONSE({"status": 200}, body)
    assert enrich_response({}, body)[0] == {"x-amzn-requestid": "REQ"}
