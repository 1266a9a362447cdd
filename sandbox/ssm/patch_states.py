"""Per-node patch state and compliance, and the SSM read actions over them.

The simulated agent (`sandbox.agent.patch_agent`) stores one `PatchRecord` per node it scanned or
patched: the last operation's metadata, the state of every catalog patch as one byte string, and
the counts. Everything the APIs return is derived from that record when read, so 10,000 scanned
nodes cost a few megabytes. A node never scanned has no record: DescribeInstancePatchStates leaves
it out and it has no compliance item.

Compliance is kept per (resource id, compliance type) in a store other features can write to (State
Manager's `Association` type): `put_compliance(backend, resource_id, compliance_type, items, summary)`.
Patch compliance is a lazy view of the patch record.

Actions: DescribeInstancePatchStates, DescribeInstancePatchStatesForPatchGroup, DescribeInstancePatches,
DescribePatchGroupState, ListComplianceItems, ListResourceComplianceSummaries, ListComplianceSummaries,
DescribeAvailablePatches, DescribeEffectivePatchesForPatchBaseline.
"""

import bisect
import threading

from moto.ssm.exceptions import SSMException

from sandbox.agent import clock
from sandbox.agent.baseline_evaluation import (
    EXPLICIT_APPROVED,
    EXPLICIT_REJECTED,
    LEVEL_RANK,
    NOT_APPROVED,
    PENDING_APPROVAL,
    decide,
)
from sandbox.wire.errors import InvalidFilter, InvalidInstanceId, InvalidResourceId, InvalidResourceType
from sandbox.wire.paging import page_bounds, paginate
from sandbox.ssm.store import backend_state
from sandbox.ssm.patch_baselines import resolve_baseline
from sandbox.wire.request_validation import validation_error
from sandbox.agent.patch_catalog import EPOCH_ZERO, OUTDATED, WINDOWS, load_catalog, installed_time

# --------------------------------------------------------------------------------------------------
# Patch states (one byte per catalog patch in a record)

NONE, INSTALLED, INSTALLED_OTHER, PENDING_REBOOT, INSTALLED_REJECTED, MISSING, NOT_APPLICABLE, FAILED, \
    AVAILABLE_SECURITY_UPDATE = range(9)
STATE_NAMES = {
    INSTALLED: "Installed", INSTALLED_OTHER: "InstalledOther", PENDING_REBOOT: "InstalledPendingReboot",
    INSTALLED_REJECTED: "InstalledRejected", MISSING: "Missing", NOT_APPLICABLE: "NotApplicable",
    FAILED: "Failed", AVAILABLE_SECURITY_UPDATE: "AvailableSecurityUpdate",
}
STATE_CODES = {name: code for code, name in STATE_NAMES.items()}
# What keeps a node from being compliant (AvailableSecurityUpdate only when the baseline says so).
NON_COMPLIANT_STATES = frozenset((PENDING_REBOOT, INSTALLED_REJECTED, MISSING, FAILED))
COUNT_FIELDS = (
    ("InstalledCount", INSTALLED), ("InstalledOtherCount", INSTALLED_OTHER),
    ("InstalledPendingRebootCount", PENDING_REBOOT), ("InstalledRejectedCount", INSTALLED_REJECTED),
    ("MissingCount", MISSING), ("FailedCount", FAILED), ("NotApplicableCount", NOT_APPLICABLE),
    ("AvailableSecurityUpdateCount", AVAILABLE_SECURITY_UPDATE),
)
# CVE ids are reported only for these states (API reference, PatchComplianceData.CVEIds).
CVE_STATES = frozenset((MISSING, FAILED))

# Page sizes: PatchComplianceMaxResults 10-100, compliance MaxResults 1-50, baselines 1-100.
PATCH_STATE_LIMITS = {"default": 10, "minimum": 10, "maximum": 100}
COMPLIANCE_LIMITS = {"default": 10, "minimum": 1, "maximum": 50}
PATCH_LIST_LIMITS = {"default": 100, "minimum": 1, "maximum": 100}


class UnsupportedOperatingSystem(SSMException):
    code = "UnsupportedOperatingSystem"


class PatchRecord:
    """The last patch operation of one node, as the agent reported it."""

    __slots__ = (
        "instance_id", "operating_system", "catalog_key", "decisions", "states", "codes", "install_times",
        "patch_group", "baseline_id", "snapshot_id", "operation", "start_time", "end_time", "reboot_option",
        "last_no_reboot_time", "install_override_list", "counts", "execution_time", "execution_id",
        "execution_type",
    )

    def __init__(self, **fields):
        for slot in self.__slots__:
            setattr(self, slot, fields.get(slot))

    @property
    def catalog(self):
        return load_catalog(self.catalog_key)

    def to_api(self):
        """The InstancePatchState structure."""
        item = {
            "InstanceId": self.instance_id,
            # "Placeholder information. This field will always be empty in the current release of the
            # service" (API reference, InstancePatchState.OwnerInformation); the AWS CLI's
            # describe-instance-patch-states-for-patch-group.rst shows it as "".
            "OwnerInformation": "",
            # AWS reports an empty patch group for nodes in none.
            "PatchGroup": self.patch_group or "",
            "BaselineId": self.baseline_id,
            "SnapshotId": self.snapshot_id,
            "InstallOverrideList": self.install_override_list,
            **self.counts,
            "UnreportedNotApplicableCount": 0,
            "OperationStartTime": self.start_time,
            "OperationEndTime": self.end_time,
            "Operation": self.operation,
            "LastNoRebootInstallOperationTime": self.last_no_reboot_time,
            "RebootOption": self.reboot_option,
        }
        return {key: value for key, value in item.items() if value is not None}

    def patch_entries(self):
        """(patch, state code) for every patch the node reports, in catalog order."""
        patches = self.catalog.patches
        return [(patches[index], state) for index, state in enumerate(self.states) if state != NONE]

    def installed_time_of(self, patch, state):
        if state in (MISSING, FAILED, NOT_APPLICABLE, AVAILABLE_SECURITY_UPDATE):
            return EPOCH_ZERO
        own = self.install_times.get(patch.index)
        return own if own is not None else installed_time(self.instance_id, patch, self.start_time)

    def title_of(self, patch, state):
        # An installed package the update is not applied to shows its own (older) version.
        if state in (INSTALLED_OTHER, INSTALLED_REJECTED) and self.codes[patch.index] == OUTDATED:
            return patch.installed_title()
        return patch.title


def count_states(states, decisions, catalog):
    """The InstancePatchState counts of a state vector (critical/security/other per the API's words).

    CriticalNonCompliantCount: non-compliant patches whose compliance level is CRITICAL;
    SecurityNonCompliantCount: non-compliant patches classified as security; OtherNonCompliantCount:
    the non-compliant rest. Non-compliant: missing, failed, installed-rejected, pending reboot (and
    available security updates when the Windows baseline reports them as NON_COMPLIANT).
    """
    counts = {field: states.count(code) for field, code in COUNT_FIELDS}
    non_compliant = NON_COMPLIANT_STATES
    if decisions.security_status == "NON_COMPLIANT":
        non_compliant = non_compliant | {AVAILABLE_SECURITY_UPDATE}
    critical = security = other = 0
    patches, levels = catalog.patches, decisions.decisions
    for index, state in enumerate(states):
        if state in non_compliant:
            # Each count stands on its own: a CRITICAL-level security patch is in both.
            is_critical = levels[index].level == "CRITICAL"
            is_security = patches[index].security
            critical += is_critical
            security += is_security
            other += not (is_critical or is_security)
    counts.update(CriticalNonCompliantCount=critical, SecurityNonCompliantCount=security,
                  OtherNonCompliantCount=other)
    return counts


# --------------------------------------------------------------------------------------------------
# State on the backend (lazily created: moto's reset drops the backend and with it this)

class ComplianceTable(dict):
    """{(resource id, compliance type): ComplianceRecord} that keeps its keys in the listings' order
    (resource id, then type) and, per type, its resource ids in order, updated as records come and
    go: a page of ListResourceComplianceSummaries is a slice of these, where sorting every record
    on every page made each call cost the whole fleet. Callers hold the store's lock."""

    def __init__(self):
        super().__init__()
        self.ordered = []   # every key, sorted
        self.by_type = {}   # compliance type -> sorted resource ids

    def __setitem__(self, key, record):
        if key not in self:
            bisect.insort(self.ordered, key)
            bisect.insort(self.by_type.setdefault(key[1], []), key[0])
        super().__setitem__(key, record)

    def __delitem__(self, key):
        super().__delitem__(key)
        del self.ordered[bisect.bisect_left(self.ordered, key)]
        ids = self.by_type[key[1]]
        del ids[bisect.bisect_left(ids, key[0])]
        if not ids:
            del self.by_type[key[1]]

    _MISSING = object()

    def pop(self, key, default=_MISSING):
        if key in self:
            record = self[key]
            del self[key]
            return record
        if default is self._MISSING:
            raise KeyError(key)
        return default

    def _unsupported(self, *_args, **_kwargs):
        raise TypeError("ComplianceTable changes one key at a time (its order index follows each)")

    update = setdefault = popitem = clear = _unsupported

    def keys_of(self, resource_id):
        """The keys of one resource, in order (its compliance types)."""
        ordered = self.ordered
        position = bisect.bisect_left(ordered, (resource_id,))
        keys = []
        while position < len(ordered) and ordered[position][0] == resource_id:
            keys.append(ordered[position])
            position += 1
        return keys


class _Store:
    def __init__(self):
        self.records = {}  # node id -> PatchRecord
        self.compliance = ComplianceTable()
        self.lock = threading.RLock()


def store(backend):
    return backend_state(backend, "patch_states", _Store)


def patch_record(backend, node_id):
    """The node's PatchRecord, or None when it was never scanned."""
    return store(backend).records.get(node_id)


def save_patch_record(backend, record):
    """Store a node's record and make its Patch compliance the view of it."""
    state = store(backend)
    with state.lock:
        state.records[record.instance_id] = record
        state.compliance[(record.instance_id, "Patch")] = PatchCompliance(record)


# --------------------------------------------------------------------------------------------------
# Compliance


class ComplianceRecord:
    """Compliance items of one type on one resource; subclasses may build items lazily."""

    compliance_type = None

    def __init__(self, resource_id, compliance_type, items, execution_summary, resource_type="ManagedInstance"):
        self.resource_id = resource_id
        self.compliance_type = compliance_type
        self.resource_type = resource_type
        self._items = items
        self._summary = None
        self.execution_summary = execution_summary

    def items(self):
        """ComplianceItem dicts (Id, Title, Status, Severity, Details) without the common fields."""
        return self._items

    def api_items(self):
        common = {"ComplianceType": self.compliance_type, "ResourceType": self.resource_type,
                  "ResourceId": self.resource_id, "ExecutionSummary": self.execution_summary}
        return [{**common, **item} for item in self.items()]

    def summary(self):
        """ResourceComplianceSummaryItem, computed once: a record is replaced, never changed, when the
        resource reports again, and ListResourceComplianceSummaries pages through every record."""
        if self._summary is None:
            self._summary = self._summarize()
        return self._summary

    def statuses(self):
        """(Status, Severity) of every item, in order: all a summary reads of them."""
        return [(item["Status"], item["Severity"]) for item in self.items()]

    def _summarize(self):
        compliant, non_compliant = _severity_counts(), _severity_counts()
        statuses = self.statuses()
        for status, severity in statuses:
            if status == "COMPLIANT":
                compliant[_severity_key(severity)] += 1
            elif status == "NON_COMPLIANT":
                non_compliant[_severity_key(severity)] += 1
        non_compliant_severities = [severity for status, severity in statuses if status == "NON_COMPLIANT"]
        status = "NON_COMPLIANT" if non_compliant_severities else "COMPLIANT"
        return {
            "ComplianceType": self.compliance_type,
            "ResourceType": self.resource_type,
            "ResourceId": self.resource_id,
            "Status": status,
            "OverallSeverity": highest_severity(non_compliant_severities),
            "ExecutionSummary": self.execution_summary,
            "CompliantSummary": {"CompliantCount": sum(compliant.values()), "SeveritySummary": compliant},
            "NonCompliantSummary": {"NonCompliantCount": sum(non_compliant.values()),
                                    "SeveritySummary": non_compliant},
        }


def _severity_counts():
    return {f"{level.title()}Count": 0 for level in LEVEL_RANK}


def _severity_key(severity):
    return f"{severity.title()}Count"


def highest_severity(severities):
    """A node's compliance severity: the highest level among its non-compliant items."""
    severities = list(severities)
    return max(severities, key=LEVEL_RANK.__getitem__) if severities else "UNSPECIFIED"


class PatchCompliance(ComplianceRecord):
    """The Patch compliance of a node: one item per reported patch, derived from its PatchRecord."""

    def __init__(self, record):
        summary = {"ExecutionTime": record.execution_time}
        if record.execution_id:
            summary["ExecutionId"] = record.execution_id
        if record.execution_type:
            summary["ExecutionType"] = record.execution_type
        super().__init__(record.instance_id, "Patch", None, summary)
        self.record = record

    def items(self):
        if self._items is None:
            self._items = patch_compliance_items(self.record)
        return self._items

    def statuses(self):
        # The summary needs each item's Status and Severity only: read from the record without
        # making the items (install times and titles are most of their cost), so the first listing
        # of 10,000 summaries after a scan does not build 10,000 nodes' items.
        if self._items is not None:
            return super().statuses()
        return patch_compliance_statuses(self.record)


def patch_item_status(record, state):
    if state in NON_COMPLIANT_STATES:
        return "NON_COMPLIANT"
    if state == AVAILABLE_SECURITY_UPDATE:
        return record.decisions.security_status
    if state == NOT_APPLICABLE:
        return ""  # AWS: an empty status for Windows patches that aren't applicable
    return "COMPLIANT"


def _reported_entries(record):
    """(patch, state) of every patch the node's compliance has an item for."""
    windows = record.catalog.package_format == WINDOWS
    # Linux reports packages that aren't installed by count only.
    return [(patch, state) for patch, state in record.patch_entries() if windows or state != NOT_APPLICABLE]


def _item_severity(record, patch, state):
    return record.decisions.decisions[patch.index].level if state != INSTALLED_OTHER else "UNSPECIFIED"


def patch_compliance_statuses(record):
    """(Status, Severity) of each item patch_compliance_items(record) makes, in the same order."""
    return [(patch_item_status(record, state), _item_severity(record, patch, state))
            for patch, state in _reported_entries(record)]


def patch_compliance_items(record):
    items = []
    for patch, state in _reported_entries(record):
        installed = record.installed_time_of(patch, state)
        items.append({
            "Id": patch.kb_id,
            "Title": record.title_of(patch, state),
            "Status": patch_item_status(record, state),
            "Severity": _item_severity(record, patch, state),
            "Details": {
                "Classification": patch.classification,
                "CVEIds": ",".join(patch.cve_ids) if state in CVE_STATES else "",
                "InstalledTime": "" if installed == EPOCH_ZERO else installed.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "PatchBaselineId": record.baseline_id,
                "PatchGroup": record.patch_group or "",
                "PatchSeverity": patch.severity,
                "PatchState": STATE_NAMES[state],
            },
        })
    return items


def put_compliance(backend, resource_id, compliance_type, items, execution_summary,
                   resource_type="ManagedInstance"):
    """Replace the compliance of one type on a resource (for State Manager's Association type too).

    `items`: dicts with Id, Title, Status, Severity, Details; `execution_summary`: {ExecutionTime,
    ExecutionId?, ExecutionType?}.
    """
    state = store(backend)
    with state.lock:
        state.compliance[(resource_id, compliance_type)] = ComplianceRecord(
            resource_id, compliance_type, list(items), execution_summary, resource_type)


# --------------------------------------------------------------------------------------------------
# Request checks. The model validator (sandbox.wire.request_validation) has already checked every
# member's shape (instance id patterns, the 50 ids, patch group lengths, filter counts, enums); what
# is left is what the model leaves free: which filter keys and values each action takes.


def _orchestrator_filters(filters, supported):
    """[(key, values)] of a PatchOrchestratorFilter list; InvalidFilter for keys the action lacks
    (the model's key is any 1-128 characters; the API reference page of each action lists its keys)."""
    parsed = []
    for patch_filter in filters or []:
        key, values = patch_filter.get("Key"), patch_filter.get("Values") or []
        if key not in supported:
            raise InvalidFilter(f"Invalid filter key {key}: supported keys are {', '.join(supported)}.")
        parsed.append((key, list(values)))
    return parsed


# --------------------------------------------------------------------------------------------------
# Actions


def describe_instance_patch_states(backend, params):
    ids = params["InstanceIds"]
    records = store(backend).records
    wanted = list(dict.fromkeys(ids))
    rows = [records[node_id].to_api() for node_id in wanted if node_id in records]
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["DescribeInstancePatchStates", wanted], **PATCH_STATE_LIMITS)
    return _with_token({"InstancePatchStates": page}, token)


# DescribeInstancePatchStatesForPatchGroup filter keys (InstancePatchStateFilter.Key).
STATE_FILTER_KEYS = ("InstalledCount", "InstalledOtherCount", "InstalledPendingRebootCount",
                     "InstalledRejectedCount", "MissingCount", "FailedCount", "UnreportedNotApplicableCount",
                     "NotApplicableCount")
_COMPARATORS = {
    "Equal": lambda actual, wanted: actual == wanted,
    "NotEqual": lambda actual, wanted: actual != wanted,
    "LessThan": lambda actual, wanted: actual < wanted,
    "GreaterThan": lambda actual, wanted: actual > wanted,
}


def _state_filters(filters):
    parsed = []
    for state_filter in filters or []:
        key, values, kind = state_filter["Key"], state_filter["Values"], state_filter["Type"]
        # The model's key is any 1-200 characters and its one value any string; the API reference,
        # InstancePatchStateFilter, lists the keys and says the value is an integer.
        if key not in STATE_FILTER_KEYS:
            raise InvalidFilter(f"Invalid filter key {key}: supported keys are {', '.join(STATE_FILTER_KEYS)}.")
        try:
            wanted = int(values[0])
            if wanted < 0 or str(wanted) != str(values[0]).strip():
                raise ValueError(values[0])
        except (TypeError, ValueError) as exc:
            raise InvalidFilter(f"The value {values[0]} for filter {key} must be an integer greater than or "
                                "equal to 0.") from exc
        parsed.append((key, kind, wanted))
    return parsed


def describe_instance_patch_states_for_patch_group(backend, params):
    group = params["PatchGroup"]
    filters = _state_filters(params.get("Filters"))
    rows = []
    for record in sorted(store(backend).records.values(), key=lambda r: r.instance_id):
        if (record.patch_group or "") != group:
            continue
        row = record.to_api()
        if all(_COMPARATORS[kind](row.get(key, 0), wanted) for key, kind, wanted in filters):
            rows.append(row)
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["DescribeInstancePatchStatesForPatchGroup", group, filters],
                           **PATCH_STATE_LIMITS)
    return _with_token({"InstancePatchStates": page}, token)


INSTANCE_PATCH_FILTER_KEYS = ("Classification", "KBId", "Severity", "State")


def describe_instance_patches(backend, params):
    from sandbox.agent.managed_nodes import get_managed_node  # pylint: disable=import-outside-toplevel

    node_id = params["InstanceId"]
    filters = _orchestrator_filters(params.get("Filters"), INSTANCE_PATCH_FILTER_KEYS)
    for key, values in filters:
        unknown = [value for value in values if key == "State" and value not in STATE_CODES]
        if unknown:
            raise InvalidFilter(f"Invalid value {unknown[0]} for filter State: valid values are "
                                f"{', '.join(STATE_CODES)}.")
    record = patch_record(backend, node_id)
    if record is None and get_managed_node(backend, node_id) is None:
        raise InvalidInstanceId(f"Instance Id {node_id} is not valid.")
    rows = []
    windows = record is not None and record.catalog.package_format == WINDOWS
    for patch, state in (record.patch_entries() if record else ()):
        # A Windows update the baseline does not cover, found installed, is listed by its KB and
        # install time alone: Title, Classification and Severity "" (the AWS CLI's
        # describe-instance-patches.rst, Example 1: KB4481031, InstalledOther).
        unknown = windows and state == INSTALLED_OTHER
        row = {
            "Title": "" if unknown else record.title_of(patch, state),
            "KBId": patch.kb_id,
            "Classification": "" if unknown else patch.classification,
            "Severity": "" if unknown else patch.severity,
            "State": STATE_NAMES[state],
            "InstalledTime": record.installed_time_of(patch, state),
        }
        if state in CVE_STATES and patch.cve_ids:
            row["CVEIds"] = ",".join(patch.cve_ids)
        if all(row[key] in values for key, values in filters if values):
            rows.append(row)
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["DescribeInstancePatches", node_id, filters], **PATCH_STATE_LIMITS)
    return _with_token({"Patches": page}, token)


def describe_patch_group_state(backend, params):
    group = params["PatchGroup"]
    records = [record for record in store(backend).records.values() if (record.patch_group or "") == group]

    def with_any(field):
        return sum(1 for record in records if record.counts.get(field, 0) > 0)

    return {
        "Instances": len(records),
        "InstancesWithInstalledPatches": with_any("InstalledCount"),
        "InstancesWithInstalledOtherPatches": with_any("InstalledOtherCount"),
        "InstancesWithInstalledPendingRebootPatches": with_any("InstalledPendingRebootCount"),
        "InstancesWithInstalledRejectedPatches": with_any("InstalledRejectedCount"),
        "InstancesWithMissingPatches": with_any("MissingCount"),
        "InstancesWithFailedPatches": with_any("FailedCount"),
        "InstancesWithNotApplicablePatches": with_any("NotApplicableCount"),
        "InstancesWithUnreportedNotApplicablePatches": 0,
        "InstancesWithCriticalNonCompliantPatches": with_any("CriticalNonCompliantCount"),
        "InstancesWithSecurityNonCompliantPatches": with_any("SecurityNonCompliantCount"),
        "InstancesWithOtherNonCompliantPatches": with_any("OtherNonCompliantCount"),
        "InstancesWithAvailableSecurityUpdates": with_any("AvailableSecurityUpdateCount"),
    }


# ComplianceStringFilter. The model lets a Key be any 1-200 characters and the API reference pages
# of the three listings name no keys; the keys accepted are those AWS's examples use, each with its
# source, and any other is InvalidFilter (the error each listing's API reference page documents:
# "The filter name isn't valid").
_SEVERITY_KEYS = ("Severity", "OverallSeverity")
_STATUSES = ("COMPLIANT", "NON_COMPLIANT")


def _detail(name):
    return lambda backend, row: (row.get("Details") or {}).get(name)


def _execution(name):
    return lambda backend, row: (row.get("ExecutionSummary") or {}).get(name)


def _member(name):
    return lambda backend, row: row.get(name)


def _platform_type(backend, row):
    from sandbox.agent.managed_nodes import get_managed_node  # pylint: disable=import-outside-toplevel

    node = get_managed_node(backend, row["ResourceId"])
    return node.platform_type if node is not None else None


def _patch_group(backend, row):
    from sandbox.agent.managed_nodes import get_managed_node  # pylint: disable=import-outside-toplevel
    from sandbox.agent.patch_agent import patch_group_of  # pylint: disable=import-outside-toplevel

    node = get_managed_node(backend, row["ResourceId"])
    return (patch_group_of(node) or "") if node is not None else None


ITEM_FILTER_KEYS = {
    # awscli/examples/ssm/list-compliance-items.rst, second example: ComplianceType and Id, EQUAL.
    "ComplianceType": _member("ComplianceType"),
    "Id": _member("Id"),
    # list-compliance-items.rst, third example: ExecutionTime GREATER_THAN 2019-02-18T16:00:00Z.
    "ExecutionTime": _execution("ExecutionTime"),
    # User Guide, "Configuration Compliance walkthrough (AWS CLI)" (sysman-compliance-walk.md):
    # Key=DocumentName,Values=AWS-RunPowerShellScript Key=Status,Values=NON_COMPLIANT
    # Key=Id,Values=... Key=Severity,Values=UNSPECIFIED.
    "DocumentName": _detail("DocumentName"),
    "Status": _member("Status"),
    "Severity": _member("Severity"),
}
RESOURCE_SUMMARY_FILTER_KEYS = {
    # awscli/examples/ssm/list-resource-compliance-summaries.rst, second example.
    "ComplianceType": _member("ComplianceType"),
    # User Guide, sysman-compliance-walk.md: Key=OverallSeverity,Values=UNSPECIFIED
    # Key=ComplianceType,Values=Association Key=InstanceId,Values=i-02573cafcfEXAMPLE;
    # Key=ExecutionType,Values=Command; Key=AWS:InstanceInformation.PlatformType,Values=Windows.
    "OverallSeverity": _member("OverallSeverity"),
    "InstanceId": _member("ResourceId"),
    "ExecutionType": _execution("ExecutionType"),
    "AWS:InstanceInformation.PlatformType": _platform_type,
}
COMPLIANCE_SUMMARY_FILTER_KEYS = {
    # awscli/examples/ssm/list-compliance-summaries.rst, second example.
    "ComplianceType": _member("ComplianceType"),
    # User Guide, sysman-compliance-walk.md: Key=AWS:InstanceInformation.PlatformType,Values=Windows
    # with Key=PatchGroup,Values=TestGroup, or with Key=ExecutionId,Values=4adf0526-...
    "AWS:InstanceInformation.PlatformType": _platform_type,
    "PatchGroup": _patch_group,
    "ExecutionId": _execution("ExecutionId"),
}


def _as_time(value):
    """An ExecutionTime as a UTC datetime: stored ones are datetimes; a filter value is ISO 8601
    (list-compliance-items.rst: 2019-02-18T16:00:00Z)."""
    import datetime  # pylint: disable=import-outside-toplevel

    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def _compare_string(actual, wanted, kind, key):
    if actual is None:
        return kind == "NOT_EQUAL"
    if key == "ExecutionTime":
        actual, wanted = _as_time(actual), [_as_time(value) for value in wanted]
    if kind in (None, "EQUAL"):
        return actual in wanted
    if kind == "NOT_EQUAL":
        return actual not in wanted
    if kind == "BEGIN_WITH":
        return any(str(actual).startswith(str(value)) for value in wanted)
    # LESS_THAN / GREATER_THAN: severities by rank, times as times, anything else as text.
    if key in _SEVERITY_KEYS:
        rank = lambda value: LEVEL_RANK.get(value, -1)  # noqa: E731
    elif key == "ExecutionTime":
        rank = lambda value: value  # noqa: E731
    else:
        rank = str
    if kind == "LESS_THAN":
        return any(rank(actual) < rank(value) for value in wanted)
    return any(rank(actual) > rank(value) for value in wanted)


def _compliance_filters(filters, supported):
    """[(key, values, type, getter)] of a ComplianceStringFilter list; InvalidFilter for a key the
    listing does not document or a value its key cannot hold."""
    if filters is None:
        return []
    parsed = []
    for compliance_filter in filters:
        key, values, kind = compliance_filter.get("Key"), compliance_filter.get("Values"), compliance_filter.get("Type")
        if key not in supported:
            raise InvalidFilter(f"The filter name {key} isn't valid: supported keys are {', '.join(supported)}.")
        if not values:
            raise InvalidFilter(f"The filter {key} needs at least one value.")
        if key in _SEVERITY_KEYS and any(value not in LEVEL_RANK for value in values):
            raise InvalidFilter(f"Invalid value for filter {key}: valid values are {', '.join(LEVEL_RANK)}.")
        if key == "Status" and any(value not in _STATUSES for value in values):
            raise InvalidFilter(f"Invalid value for filter Status: valid values are {', '.join(_STATUSES)}.")
        if key == "ExecutionTime":
            try:
                [_as_time(value) for value in values]
            except ValueError as exc:
                raise InvalidFilter("Invalid value for filter ExecutionTime: a date and time such as "
                                    "2019-02-18T16:00:00Z.") from exc
        parsed.append((key, list(values), kind, supported[key]))
    return parsed


def _passes(backend, row, filters):
    return all(_compare_string(getter(backend, row), values, kind, key) for key, values, kind, getter in filters)


def _filter_context(filters):
    """What of the filters goes into a paging token's context (the getters do not)."""
    return [[key, values, kind] for key, values, kind, _getter in filters]


def _sorted_compliance(backend):
    state = store(backend)
    with state.lock:
        table = state.compliance
        return [table[key] for key in table.ordered]


# Filter keys answered from a record's key (resource id, type), without its summary.
_KEY_FILTERS = frozenset(("ComplianceType", "InstanceId"))


def _key_row(key):
    return {"ResourceId": key[0], "ComplianceType": key[1]}


def _summary_page(backend, filters, max_results, next_token, context):
    """(records of the page, next token) of ListResourceComplianceSummaries: the page of
    [summaries in (resource id, type) order that pass the filters], worked out without making the
    summary of a record the filters reject on its key, and as a slice of the table's order when the
    filters are on the compliance type alone (the export's one filter, ComplianceType EQUAL Patch)."""
    state = store(backend)
    with state.lock:
        table = state.compliance
        only_type = len(filters) == 1 and filters[0][0] == "ComplianceType" and filters[0][2] in (None, "EQUAL") \
            and len(set(filters[0][1])) == 1
        if not filters or only_type:
            if only_type:
                compliance_type = filters[0][1][0]
                ids = table.by_type.get(compliance_type, ())
                start, end, token = page_bounds(len(ids), max_results, next_token, context=context, **COMPLIANCE_LIMITS)
                return [table[(resource_id, compliance_type)] for resource_id in ids[start:end]], token
            start, end, token = page_bounds(len(table.ordered), max_results, next_token, context=context,
                                            **COMPLIANCE_LIMITS)
            return [table[key] for key in table.ordered[start:end]], token
        keys = list(table.ordered)
        records = [table[key] for key in keys]
    key_filters = [entry for entry in filters if entry[0] in _KEY_FILTERS]
    other_filters = [entry for entry in filters if entry[0] not in _KEY_FILTERS]
    passing = [record for key, record in zip(keys, records)
               if _passes(backend, _key_row(key), key_filters) and _passes(backend, record.summary(), other_filters)]
    return paginate(passing, max_results, next_token, context=context, **COMPLIANCE_LIMITS)


def list_compliance_items(backend, params):
    resource_ids = params.get("ResourceIds")
    # The model makes ResourceIds optional (at least one id when given): the sandbox keeps compliance
    # per resource and, like the API reference ("Currently, you can only specify one resource ID per
    # call"), reads one resource a call, so an absent list is answered as an empty one would be.
    if resource_ids is None:
        raise validation_error(None, "resourceIds", "have length greater than or equal to 1")
    if len(resource_ids) > 1:
        raise InvalidResourceId("Currently, you can only specify one resource ID per call.")
    resource_types = params.get("ResourceTypes") or ["ManagedInstance"]
    if any(resource_type != "ManagedInstance" for resource_type in resource_types):
        raise InvalidResourceType("The resource type isn't supported: ManagedInstance is the only supported type.")
    filters = _compliance_filters(params.get("Filters"), ITEM_FILTER_KEYS)
    resource_id = resource_ids[0]
    state = store(backend)
    with state.lock:
        records = [state.compliance[key] for key in state.compliance.keys_of(resource_id)]
    rows = []
    for record in records:
        rows.extend(item for item in record.api_items() if _passes(backend, item, filters))
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["ListComplianceItems", resource_id, _filter_context(filters)],
                           **COMPLIANCE_LIMITS)
    return _with_token({"ComplianceItems": page}, token)


def list_resource_compliance_summaries(backend, params):
    filters = _compliance_filters(params.get("Filters"), RESOURCE_SUMMARY_FILTER_KEYS)
    records, token = _summary_page(backend, filters, params.get("MaxResults"), params.get("NextToken"),
                                   ["ListResourceComplianceSummaries", _filter_context(filters)])
    return _with_token({"ResourceComplianceSummaryItems": [record.summary() for record in records]}, token)


def list_compliance_summaries(backend, params):
    """Per compliance type: how many resources are compliant / not, by their overall severity."""
    filters = _compliance_filters(params.get("Filters"), COMPLIANCE_SUMMARY_FILTER_KEYS)
    by_type = {}
    for record in _sorted_compliance(backend):
        summary = record.summary()
        if not _passes(backend, summary, filters):
            continue
        entry = by_type.setdefault(record.compliance_type, {
            "ComplianceType": record.compliance_type,
            "CompliantSummary": {"CompliantCount": 0, "SeveritySummary": _severity_counts()},
            "NonCompliantSummary": {"NonCompliantCount": 0, "SeveritySummary": _severity_counts()},
        })
        if summary["Status"] == "COMPLIANT":
            part, counter = entry["CompliantSummary"], "CompliantCount"
            severity = highest_severity(item["Severity"] for item in record.items() if item["Status"] == "COMPLIANT")
        else:
            part, counter, severity = entry["NonCompliantSummary"], "NonCompliantCount", summary["OverallSeverity"]
        part[counter] += 1
        part["SeveritySummary"][_severity_key(severity)] += 1
    rows = sorted(by_type.values(), key=lambda entry: entry["ComplianceType"])
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["ListComplianceSummaries", _filter_context(filters)], **COMPLIANCE_LIMITS)
    return _with_token({"ComplianceSummaryItems": page}, token)


# DescribeAvailablePatches: AWS lists Windows, Amazon Linux and Amazon Linux 2 patches only.
_AVAILABLE_CATALOGS = {"AmazonLinux2": "amazon_linux_2", "AmazonLinux2.0": "amazon_linux_2"}
_WINDOWS_KEYS = ("PATCH_SET", "PRODUCT", "PRODUCT_FAMILY", "MSRC_SEVERITY", "CLASSIFICATION", "PATCH_ID")
_LINUX_KEYS = ("PRODUCT", "NAME", "CLASSIFICATION", "SEVERITY", "EPOCH", "VERSION", "RELEASE", "ARCH",
               "REPOSITORY", "ADVISORY_ID", "CVE_ID", "BUGZILLA_ID")


def describe_available_patches(backend, params):  # pylint: disable=unused-argument
    from sandbox.agent.baseline_evaluation import filter_matches  # pylint: disable=import-outside-toplevel

    filters = _orchestrator_filters(params.get("Filters"), tuple(dict.fromkeys(_WINDOWS_KEYS + _LINUX_KEYS)))
    products = next((values for key, values in filters if key == "PRODUCT"), None)
    linux_only = [key for key, _ in filters if key not in _WINDOWS_KEYS]
    linux_products = [product for product in products or () if product.startswith("AmazonLinux")]
    # A cross-member rule the model cannot state: the API reference, DescribeAvailablePatches.Filters,
    # lists separate keys for Windows and for Linux patches; the Linux ones only mean something with
    # the PRODUCT whose catalog they search. What AWS answers without it no AWS page says: the sandbox
    # refuses rather than guess a catalog.
    if linux_only and not linux_products:
        raise validation_error(None, "filters", "include a PRODUCT filter (for example PRODUCT=AmazonLinux2.0) "
                               "with Linux patch filters")
    if linux_products:
        keys = [_AVAILABLE_CATALOGS[p] for p in linux_products if p in _AVAILABLE_CATALOGS]
        catalog = load_catalog(keys[0]) if keys else None
        catalog_products = linux_products
    else:
        catalog, catalog_products = load_catalog("windows"), ()
    rows = []
    for patch in catalog.patches if catalog else ():
        if all(filter_matches(patch, key, values, catalog_products, catalog.package_format)
               for key, values in filters if values):
            rows.append(patch.to_api())
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["DescribeAvailablePatches", filters], **PATCH_LIST_LIMITS)
    return _with_token({"Patches": page}, token)


def describe_effective_patches(backend, params):
    baseline = resolve_baseline(backend, params.get("BaselineId"))
    if baseline["OperatingSystem"] != "WINDOWS":
        # AWS: "Applies to patch baselines for Windows only" (Linux evaluates on the node).
        raise UnsupportedOperatingSystem(
            f"The operating system {baseline['OperatingSystem']} isn't supported for this operation: "
            "effective patches are available for Windows patch baselines only.")
    catalog = load_catalog("windows")
    today = clock.today()
    rows, listed = [], set()
    for product in catalog.products:
        decisions = decide(baseline, catalog, (product,), today)
        for patch, decision in zip(catalog.patches, decisions.decisions):
            if patch.product != product and patch.patch_set == "OS":
                continue
            if decision.status == NOT_APPROVED or patch.index in listed:
                continue
            listed.add(patch.index)
            status = {"ApprovalDate": _midnight(decision.approval_date)} if decision.approval_date else {}
            rows.append({"Patch": patch.to_api(), "PatchStatus": {
                "DeploymentStatus": decision.status, "ComplianceLevel": decision.level, **status}})
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"),
                           context=["DescribeEffectivePatchesForPatchBaseline", baseline["BaselineId"]],
                           **PATCH_LIST_LIMITS)
    return _with_token({"EffectivePatches": page}, token)


def _midnight(day):
    import datetime  # pylint: disable=import-outside-toplevel

    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)


def _with_token(result, token):
    if token:
        result["NextToken"] = token
    return result


__all__ = ["PatchRecord", "patch_record", "save_patch_record", "put_compliance", "count_states", "store",
           "STATE_NAMES", "EXPLICIT_APPROVED", "EXPLICIT_REJECTED", "PENDING_APPROVAL"]
