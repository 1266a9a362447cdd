"""The association model: an Association with its versions and executions, an AssociationExecution
following the command it started, the status roll-ups AWS shows, and the per-backend store."""

import copy
import datetime
import threading
import uuid

from moto.ssm.exceptions import SSMException

from sandbox.ssm import documents as docs
from sandbox.ssm.store import backend_state

MAX_ASSOCIATIONS = 2000              # active associations per account and region (AssociationLimitExceeded)
MAX_ASSOCIATION_VERSIONS = 1000      # versions of one association (AssociationVersionLimitExceeded)


class AssociationAlreadyExists(SSMException):
    code = "AssociationAlreadyExists"


class AssociationLimitExceeded(SSMException):
    code = "AssociationLimitExceeded"


class AssociationDoesNotExist(SSMException):
    code = "AssociationDoesNotExist"


class AssociationExecutionDoesNotExist(SSMException):
    code = "AssociationExecutionDoesNotExist"


class AssociationVersionLimitExceeded(SSMException):
    code = "AssociationVersionLimitExceeded"


class InvalidAssociationVersion(SSMException):
    code = "InvalidAssociationVersion"


class InvalidTarget(SSMException):
    code = "InvalidTarget"


class InvalidOutputLocation(SSMException):
    code = "InvalidOutputLocation"


class InvalidTag(SSMException):
    code = "InvalidTag"


class InvalidUpdate(SSMException):
    code = "InvalidUpdate"



_PENDING_STATES = ("Pending", "Delayed")
_RUNNING_STATES = ("InProgress", "Cancelling")


def target_status(invocation_status, invocation_details):
    """An association target's (Status, DetailedStatus) from its command invocation: Pending,
    InProgress, Success, or Failed with the invocation's detail (Failed, DeliveryTimedOut,
    Undeliverable, Terminated, Cancelled)."""
    if invocation_status in _PENDING_STATES:
        return ("Pending", invocation_details)
    if invocation_status in _RUNNING_STATES:
        return ("InProgress", "InProgress")
    if invocation_status == "Success":
        return ("Success", "Success")
    return ("Failed", invocation_details or "Failed")


def execution_status(target_statuses, failed_to_start=False):
    """(Status, DetailedStatus) of an execution from its targets' Status values."""
    if failed_to_start:
        return ("Failed", "Failed")
    statuses = list(target_statuses)
    if any(status in ("Pending", "InProgress") for status in statuses):
        if all(status == "Pending" for status in statuses):
            return ("Pending", "Pending")
        return ("InProgress", "InProgress")
    if any(status == "Failed" for status in statuses):
        return ("Failed", "Failed")
    return ("Success", "Success")


def resource_count_by_status(target_statuses):
    """ResourceCountByStatus as AWS writes it: `{Failed=1, Success=2}` (empty: `{}`)."""
    counts = status_counts(target_statuses)
    return "{" + ", ".join(f"{status}={count}" for status, count in sorted(counts.items())) + "}"


def status_counts(target_statuses):
    counts = {}
    for status in target_statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


def overview(execution_statuses, creating=False):
    """An association's Overview (Status, DetailedStatus) from its latest execution's status."""
    if execution_statuses is None:
        return ("Pending", "Creating" if creating else "Associated")
    status, detailed = execution_statuses
    if status in ("Pending", "InProgress"):
        return ("Pending", detailed)
    return (status, detailed)


def check_association_limit(count):
    if count >= MAX_ASSOCIATIONS:
        raise AssociationLimitExceeded(f"You can have at most {MAX_ASSOCIATIONS:,} active associations.")


def utc_datetime(timestamp):
    return None if timestamp is None else datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)


class AssociationExecution:
    """One run of an association: the command it started, or why it could not start."""

    def __init__(self, association, created, command=None, error=None, failed_nodes=()):
        self.execution_id = str(uuid.uuid4())
        self.association_id = association.association_id
        self.association_version = association.version
        self.created = created
        self.command = command
        self.error = error
        self.failed_nodes = list(failed_nodes)   # nodes that failed without a command (legacy InstanceId)
        self.synced = set()                      # node ids whose result was recorded
        self.finished = False

    def targets(self):
        """[(node id, Status, DetailedStatus, last execution time, command id or None)]."""
        rows = []
        if self.command is not None:
            for invocation in self.command.invocations:
                status, detailed = target_status(invocation.status, invocation.status_details)
                when = invocation.end or invocation.start or self.command.requested
                rows.append((invocation.instance_id, status, detailed, when, self.command.command_id))
        for node_id in self.failed_nodes:
            rows.append((node_id, "Failed", "Failed", self.created, None))
        return rows

    @property
    def status_pair(self):
        return execution_status([row[1] for row in self.targets()],
                                failed_to_start=self.command is None and self.error is not None)

    @property
    def status(self):
        return self.status_pair[0]

    @property
    def last_execution_date(self):
        times = [row[3] for row in self.targets() if row[1] not in ("Pending", "InProgress")]
        return max(times) if times else self.created

    def to_api(self):
        status, detailed = self.status_pair
        return {
            "AssociationId": self.association_id,
            "AssociationVersion": str(self.association_version),
            "ExecutionId": self.execution_id,
            "Status": status,
            "DetailedStatus": detailed,
            "CreatedTime": utc_datetime(self.created),
            "LastExecutionDate": utc_datetime(self.last_execution_date),
            "ResourceCountByStatus": resource_count_by_status(row[1] for row in self.targets()),
        }


class Association:
    """An association, its versions and executions. `config` holds the request fields as the API
    shows them (Name, DocumentVersion, Targets, Parameters, ScheduleExpression...)."""

    def __init__(self, association_id, config, schedule, created):
        self.association_id = association_id
        self.config = config
        self.schedule = schedule
        self.created = created
        self.updated = created
        self.version = 1
        self.versions = {1: (copy.deepcopy(config), created)}
        self.executions = []
        self.next_run = None
        # The run a create or update starts at its own instant, seen by the reads after it (as a
        # command's first delivery is): create-association.rst answers Overview Creating and
        # describe-association.rst Example 2, read right after, Associated with every node Pending.
        self.pending_run = None
        self.expected_targets = 0    # nodes the targets resolved to at the last create or update
        self.node_results = {}   # node id -> (Status, DetailedStatus, time, execution id)

    @property
    def name(self):
        return self.config["Name"]

    @property
    def document_name(self):
        return docs.document_name_from(self.config["Name"])

    @property
    def instance_id(self):
        return self.config.get("InstanceId")

    @property
    def single_node(self):
        """The node of an association of one node: InstanceId, or Targets naming one instance id
        (create-association.rst Example 2 answers its InstanceId and legacy Status too)."""
        if self.instance_id:
            return self.instance_id
        targets = self.targets
        if len(targets) == 1 and targets[0].get("Key") == "InstanceIds" and len(targets[0].get("Values") or []) == 1:
            value = targets[0]["Values"][0]
            return None if value == "*" else value
        return None

    @property
    def api_targets(self):
        """Targets as AWS answers them: an InstanceId association's node as an InstanceIds target
        (create-association.rst Example 1, describe-association.rst Example 2)."""
        if self.instance_id:
            return [{"Key": "InstanceIds", "Values": [self.instance_id]}]
        return self.targets

    @property
    def association_name(self):
        return self.config.get("AssociationName")

    @property
    def targets(self):
        return self.config.get("Targets") or []

    @property
    def sync_compliance(self):
        return self.config.get("SyncCompliance", "AUTO")

    @property
    def latest_execution(self):
        return self.executions[-1] if self.executions else None

    @property
    def last_execution_date(self):
        return self.executions[-1].created if self.executions else None

    @property
    def last_successful_execution_date(self):
        for execution in reversed(self.executions):
            if execution.status == "Success":
                return execution.created
        return None

    def overview(self, creating=False):
        if creating:
            # What CreateAssociation and UpdateAssociation answer, whatever ran before (the examples of
            # both show these two members only).
            return {"Status": "Pending", "DetailedStatus": "Creating"}
        latest = self.latest_execution
        status, detailed = overview(latest.status_pair if latest else None, creating)
        if latest:
            counts = status_counts(row[1] for row in latest.targets())
        else:
            # Before the first run every target is Pending (describe-association.rst Example 2,
            # list-associations.rst Example 1: {"Pending": 1}).
            counts = {"Pending": self.expected_targets} if self.expected_targets else {}
        return {"Status": status, "DetailedStatus": detailed, "AssociationStatusAggregatedCount": counts}

    def schedule_next(self, after):
        """The next scheduled run after `after` (rate schedules count from the association's creation
        or last update)."""
        self.next_run = None if self.schedule is None else self.schedule.next_after(after, self.updated)

    def summary_to_api(self):
        """ListAssociations' Association."""
        item = {
            "Name": self.name,
            "AssociationId": self.association_id,
            "AssociationVersion": str(self.version),
            "DocumentVersion": self.config.get("DocumentVersion") or "$DEFAULT",
            "Targets": self.api_targets,
            "Overview": self.overview(),
        }
        if self.single_node:
            item["InstanceId"] = self.single_node
        for key in ("ScheduleExpression", "AssociationName", "ScheduleOffset", "Duration"):
            if self.config.get(key) is not None:
                item[key] = self.config[key]
        if self.last_execution_date is not None:
            item["LastExecutionDate"] = utc_datetime(self.last_execution_date)
        return item

    def to_api(self, version=None, creating=False):
        """AssociationDescription (of the latest version, or of `version`)."""
        config, date = self.versions[version] if version is not None else (self.config, self.updated)
        item = {
            "Name": config["Name"],
            "AssociationVersion": str(version or self.version),
            "Date": utc_datetime(self.created),
            "LastUpdateAssociationDate": utc_datetime(date),
            "Overview": self.overview(creating),
            "DocumentVersion": config.get("DocumentVersion") or "$DEFAULT",
            "Parameters": config.get("Parameters") or {},
            "AssociationId": self.association_id,
            "Targets": self.api_targets if version is None else (
                config.get("Targets") or [{"Key": "InstanceIds", "Values": [config["InstanceId"]]}]),
            "SyncCompliance": config.get("SyncCompliance", "AUTO"),
            "ApplyOnlyAtCronInterval": bool(config.get("ApplyOnlyAtCronInterval", False)),
        }
        for key in ("ScheduleExpression", "OutputLocation", "AssociationName", "MaxErrors",
                    "MaxConcurrency", "ComplianceSeverity", "ScheduleOffset", "Duration", "CalendarNames",
                    "AlarmConfiguration", "AutomationTargetParameterName", "AssociationDispatchAssumeRole"):
            if config.get(key) is not None:
                item[key] = config[key]
        if self.single_node:
            item["InstanceId"] = self.single_node
            item["Status"] = self._legacy_status(item["Overview"])
        if self.last_execution_date is not None:
            item["LastExecutionDate"] = utc_datetime(self.last_execution_date)
        if self.last_successful_execution_date is not None:
            item["LastSuccessfulExecutionDate"] = utc_datetime(self.last_successful_execution_date)
        return item

    def _legacy_status(self, overview_item):
        """The per-node Status of an association of one node. Before its first run AWS answers it
        Associated ("Associated with <document>": create-association.rst, describe-association.rst
        Example 2), a name outside botocore's AssociationStatusName enum (see
        sandbox/testing/response_shapes.py, DOCUMENTED_ENUM_EXCEPTIONS)."""
        if not self.executions:
            return {"Date": utc_datetime(self.updated), "Name": "Associated", "Message": f"Associated with {self.name}"}
        status = overview_item["Status"]
        return {"Date": utc_datetime(self.last_execution_date or self.updated),
                "Name": status if status in ("Pending", "Success", "Failed") else "Pending",
                "Message": overview_item["DetailedStatus"]}


class AssociationStore:
    def __init__(self):
        # Taken before the command engine's lock, never after it.
        self.lock = threading.RLock()
        self.associations = {}   # association id -> Association, in creation order


def association_store(backend):
    return backend_state(backend, "associations", AssociationStore)

