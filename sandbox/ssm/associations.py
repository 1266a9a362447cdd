"""State Manager associations: documents applied to managed nodes once or on a schedule, run through
the command engine (`sandbox.ssm.commands`) over simulated time.

moto has no associations. This module adds CreateAssociation, DescribeAssociation, ListAssociations,
UpdateAssociation, DeleteAssociation, StartAssociationsOnce, DescribeAssociationExecutions and
DescribeAssociationExecutionTargets, behaving like AWS:

* **Definition**: a Command document (name or ARN, DocumentVersion) with its Parameters validated as
  the document defines them, Targets (at most 5, resolved anew at every run: `InstanceIds` `*`,
  `tag:KEY`, `tag-key`, `resource-groups:Name`) or a legacy InstanceId (one association per document
  and node: AssociationAlreadyExists), ScheduleExpression, OutputLocation.S3Location, rate controls,
  ComplianceSeverity, SyncCompliance, ApplyOnlyAtCronInterval, ScheduleOffset, Tags (ResourceType
  `Association` for AddTagsToResource / ListTagsForResource). Every UpdateAssociation is a new
  AssociationVersion; DescribeAssociation can show an older one.
* **Schedules** (`parse_schedule`): `cron(...)` (minutes hours day-of-month month day-of-week
  [year], UTC, at least 30 minutes apart), `rate(N minutes|hours|days)` (30 minutes to 30 days) and
  `at(YYYY-MM-DDTHH:MM:SS)`. Nothing runs in the background: whenever a request reaches SSM, the
  runs that fell due since the last request start, each at its exact scheduled time.
* **Runs**: an association runs at creation (and at every update) unless ApplyOnlyAtCronInterval,
  then at its schedule; StartAssociationsOnce runs it again. Each run is an association execution
  that starts a Run Command command (`start_command(..., association_id=...)`); the execution and its
  per-node targets follow that command's invocations (Pending / InProgress / Success / Failed), and
  DescribeAssociationExecutionTargets links each node to the command (OutputSource RunCommand).
* **Compliance**: with SyncCompliance AUTO (the default) each node's result is recorded as
  ComplianceType `Association` (one item per association: Id = association id, Severity =
  ComplianceSeverity) through `sandbox.ssm.patch_states.put_compliance`, and the node's AssociationStatus
  (DescribeInstanceInformation) follows its associations.

Python API for the compliance dashboard: `iter_associations(backend)`,
`association_executions(backend, association_id)`, `is_recurring_patch_task(association)`.
State lives on the SSM backend (`sandbox.ssm.store`, state "associations"), so a moto reset clears it.
"""

import calendar
import copy
import datetime
import re
import threading
import uuid

from moto.ssm.exceptions import InvalidDocument, SSMException

from sandbox.agent import clock
from sandbox.moto_fixes import ssm_tagging
from sandbox.ssm import simulated_time
from sandbox.ssm import commands
from sandbox.ssm import documents as docs
from sandbox.wire.errors import InvalidInstanceId, ValidationException
from sandbox.agent.managed_nodes import get_managed_node, update_managed_node
from sandbox.wire.paging import paginate
from sandbox.ssm.store import backend_state, existing_state
from sandbox.ssm.patch_baselines import check_tag_count, validate_tag_list
from sandbox.ssm.patch_states import put_compliance
from sandbox.ssm.patch_states import store as compliance_store

MAX_ASSOCIATIONS = 2000              # active associations per account and region (AssociationLimitExceeded)
MAX_ASSOCIATION_VERSIONS = 1000      # versions of one association (AssociationVersionLimitExceeded)
MIN_INTERVAL_SECONDS = 30 * 60       # associations run at most every 30 minutes
MAX_RATE_SECONDS = 30 * 24 * 3600    # rate expressions: less than 31 days
MAX_CATCH_UP = 1000                  # scheduled runs started in one go after a long idle time
# Without rate controls an association runs on every target at once and never stops for errors.
UNLIMITED = "100%"
ASSOCIATION_FILTER_KEYS = ("InstanceId", "Name", "AssociationId", "AssociationStatusName", "LastExecutedBefore",
                           "LastExecutedAfter", "AssociationName", "ResourceGroupName", "CloudConnectorId")
_PAGE = {"default": 50, "minimum": 1, "maximum": 50}


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


class InvalidSchedule(SSMException):
    code = "InvalidSchedule"


class InvalidTarget(SSMException):
    code = "InvalidTarget"


class InvalidOutputLocation(SSMException):
    code = "InvalidOutputLocation"


class InvalidTag(SSMException):
    code = "InvalidTag"


class InvalidUpdate(SSMException):
    code = "InvalidUpdate"


# ---------------------------------------------------------------------------------------------
# pure logic: schedule expressions

_WEEKDAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
LAST_YEAR = 2199


def _aws_weekday(day):
    """Day of week as AWS cron numbers it: 1 = Sunday ... 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _number(text, low, high, names, field):
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise InvalidSchedule(f"Invalid value {text} in the {field} field of the cron expression.")
        value = int(text)
    if not low <= value <= high:
        raise InvalidSchedule(f"The {field} field of the cron expression takes values {low}-{high}, not {text}.")
    return value


def _value_set(text, low, high, field, names=None):
    """The values a plain cron field allows: `*`, `N`, `N-M`, `A,B`, `*/S`, `N/S`, `N-M/S`."""
    values = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise InvalidSchedule(f"Invalid step {step_text} in the {field} field of the cron expression.")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, low, high, names, field), _number(last, low, high, names, field)
            if start > end:
                raise InvalidSchedule(f"Invalid range {part} in the {field} field of the cron expression.")
        else:
            start = _number(part, low, high, names, field)
            end = high if step > 1 else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _day_of_month_predicates(text):
    """Predicates over a date for the day-of-month field (numbers, ranges, `L`, `NW`, `LW`)."""
    predicates = []
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            predicates.append(lambda day: day.day == calendar.monthrange(day.year, day.month)[1])
        elif upper == "LW":
            predicates.append(lambda day: day == _nearest_weekday(day, calendar.monthrange(day.year, day.month)[1]))
        elif upper.endswith("W") and upper[:-1].isdigit():
            wanted = _number(upper[:-1], 1, 31, None, "day-of-month")
            predicates.append(lambda day, n=wanted: day == _nearest_weekday(day, n))
        else:
            allowed = _value_set(part, 1, 31, "day-of-month")
            predicates.append(lambda day, days=allowed: day.day in days)
    return predicates


def _nearest_weekday(day, wanted):
    """The weekday (Monday-Friday) nearest to day `wanted` of `day`'s month, within that month."""
    last = calendar.monthrange(day.year, day.month)[1]
    if wanted > last:
        return None
    target = day.replace(day=wanted)
    if target.weekday() == 5:  # Saturday: the Friday before, or the Monday after on the 1st
        target = target - datetime.timedelta(days=1) if wanted > 1 else target + datetime.timedelta(days=2)
    elif target.weekday() == 6:  # Sunday: the Monday after, or the Friday before on the last day
        target = target + datetime.timedelta(days=1) if wanted < last else target - datetime.timedelta(days=2)
    return target


def _day_of_week_predicates(text):
    """Predicates for the day-of-week field (1-7 or SUN-SAT, ranges, `NL` last N of the month, `N#K`)."""
    predicates = []
    for part in text.split(","):
        upper = part.upper()
        if "#" in upper:
            weekday_text, nth_text = upper.split("#", 1)
            weekday = _number(weekday_text, 1, 7, _WEEKDAYS, "day-of-week")
            if not nth_text.isdigit() or not 1 <= int(nth_text) <= 5:
                raise InvalidSchedule(f"Invalid occurrence {nth_text} in the day-of-week field (1-5 after #).")
            nth = int(nth_text)
            predicates.append(lambda day, w=weekday, k=nth: _aws_weekday(day) == w and (day.day - 1) // 7 + 1 == k)
        elif upper.endswith("L") and len(upper) > 1:
            weekday = _number(upper[:-1], 1, 7, _WEEKDAYS, "day-of-week")
            predicates.append(lambda day, w=weekday: _aws_weekday(day) == w
                              and day.day + 7 > calendar.monthrange(day.year, day.month)[1])
        elif upper == "L":
            predicates.append(lambda day: _aws_weekday(day) == 7)
        else:
            allowed = _value_set(part, 1, 7, "day-of-week", _WEEKDAYS)
            predicates.append(lambda day, days=allowed: _aws_weekday(day) in days)
    return predicates


class Schedule:
    """A parsed ScheduleExpression. `next_after(t, anchor)`: the first run strictly after t (epoch
    seconds), or None when the schedule never runs again; rate schedules count from `anchor`."""

    def __init__(self, expression, kind, *, interval=None, at=None, minutes=None, hours=None, day_checks=None,
                 years=None):
        self.expression = expression
        self.kind = kind
        self.interval = interval
        self.at = at
        self.minutes = sorted(minutes or ())
        self.hours = sorted(hours or ())
        self.day_checks = day_checks
        self.years = years
        self.offset_days = 0

    @property
    def is_cron(self):
        return self.kind == "cron"

    def next_after(self, after, anchor=None):
        if self.kind == "rate":
            anchor = after if anchor is None else anchor
            if after < anchor:
                return anchor
            return anchor + (int((after - anchor) // self.interval) + 1) * self.interval
        if self.kind == "at":
            return self.at if self.at > after else None
        offset = self.offset_days * 86400
        found = self._next_cron(after - offset)
        return None if found is None else found + offset

    def _next_cron(self, after):
        start = datetime.datetime.fromtimestamp(after, datetime.timezone.utc).replace(second=0, microsecond=0)
        start += datetime.timedelta(minutes=1)
        day = start.date()
        while day.year <= LAST_YEAR:
            if self.years is not None and day.year not in self.years:
                later = [year for year in self.years if year > day.year]
                if not later:
                    return None
                day = datetime.date(min(later), 1, 1)
                continue
            if all(check(day) for check in self.day_checks):
                for hour in self.hours:
                    for minute in self.minutes:
                        moment = datetime.datetime(day.year, day.month, day.day, hour, minute,
                                                   tzinfo=datetime.timezone.utc)
                        if moment >= start:
                            return moment.timestamp()
            day += datetime.timedelta(days=1)
        return None

    def upcoming(self, after, count, anchor=None):
        runs = []
        moment = after
        while len(runs) < count:
            moment = self.next_after(moment, anchor)
            if moment is None:
                break
            runs.append(moment)
        return runs


def _parse_cron(expression, body):
    fields = body.split()
    if len(fields) not in (5, 6):
        raise InvalidSchedule(
            f"Cron expression {expression} must have the fields minutes, hours, day-of-month, month, "
            "day-of-week and optionally year."
        )
    minute_text, hour_text, dom_text, month_text, dow_text = fields[:5]
    year_text = fields[5] if len(fields) == 6 else "*"
    if (dom_text == "?") == (dow_text == "?"):
        raise InvalidSchedule(f"Cron expression {expression}: use ? in exactly one of day-of-month and day-of-week.")
    # State Manager does not support months in association cron expressions.
    if month_text != "*":
        raise InvalidSchedule(f"Cron expression {expression}: associations do not support a month; use * there.")
    minutes = _value_set(minute_text, 0, 59, "minutes")
    hours = _value_set(hour_text, 0, 23, "hours")
    day_checks = []
    if dom_text not in ("?", "*"):
        day_checks.append(_any_of(_day_of_month_predicates(dom_text)))
    if dow_text not in ("?", "*"):
        day_checks.append(_any_of(_day_of_week_predicates(dow_text)))
    years = None if year_text == "*" else _value_set(year_text, 1970, LAST_YEAR, "year")
    return Schedule(expression, "cron", minutes=minutes, hours=hours, day_checks=day_checks, years=years)


def _any_of(predicates):
    return lambda day: any(predicate(day) for predicate in predicates)


def parse_schedule(expression, now=None):
    """Parse and check an association's ScheduleExpression; InvalidSchedule as AWS answers it."""
    text = (expression or "").strip()
    now = clock.now() if now is None else now
    match = _RATE.match(text)
    if match:
        value, unit = int(match.group(1)), match.group(2)
        if value == 0 or (value == 1) != (not unit.endswith("s")):
            raise InvalidSchedule(f"Rate expression {text}: use a positive value, singular unit for 1 (rate(1 day)) "
                                  "and plural otherwise (rate(2 days)).")
        interval = value * _RATE_UNITS[unit.rstrip("s")]
        if not MIN_INTERVAL_SECONDS <= interval <= MAX_RATE_SECONDS:
            raise InvalidSchedule(f"Rate expression {text}: an association's rate is between 30 minutes and "
                                  "30 days.")
        return Schedule(text, "rate", interval=interval)
    match = _AT.match(text)
    if match:
        try:
            moment = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
        except ValueError as exc:
            raise InvalidSchedule(f"{text} is not a valid date and time.") from exc
        return Schedule(text, "at", at=moment.replace(tzinfo=datetime.timezone.utc).timestamp())
    match = _CRON.match(text)
    if match:
        schedule = _parse_cron(text, match.group(1))
        runs = schedule.upcoming(now, 100)
        if not runs:
            raise InvalidSchedule(f"Cron expression {text} never runs.")
        if any(later - earlier < MIN_INTERVAL_SECONDS for earlier, later in zip(runs, runs[1:])):
            raise InvalidSchedule(f"Cron expression {text}: associations run every 30 minutes at most.")
        return schedule
    raise InvalidSchedule(f"Schedule expression {text} is not valid: use cron(...), rate(...) or at(...).")


# ---------------------------------------------------------------------------------------------
# pure logic: statuses


# Invocation (Status, StatusDetails) -> (association target Status, DetailedStatus).
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


# ---------------------------------------------------------------------------------------------
# model


def _dt(timestamp):
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
            "CreatedTime": _dt(self.created),
            "LastExecutionDate": _dt(self.last_execution_date),
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
        latest = self.latest_execution
        status, detailed = overview(latest.status_pair if latest else None, creating)
        counts = status_counts(row[1] for row in latest.targets()) if latest else {}
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
            "Targets": self.targets,
            "Overview": self.overview(),
        }
        for key in ("InstanceId", "ScheduleExpression", "AssociationName", "ScheduleOffset", "Duration"):
            if self.config.get(key) is not None:
                item[key] = self.config[key]
        if self.last_execution_date is not None:
            item["LastExecutionDate"] = _dt(self.last_execution_date)
        return item

    def to_api(self, version=None, creating=False):
        """AssociationDescription (of the latest version, or of `version`)."""
        config, date = self.versions[version] if version is not None else (self.config, self.updated)
        item = {
            "Name": config["Name"],
            "AssociationVersion": str(version or self.version),
            "Date": _dt(self.created),
            "LastUpdateAssociationDate": _dt(date),
            "Overview": self.overview(creating),
            "DocumentVersion": config.get("DocumentVersion") or "$DEFAULT",
            "Parameters": config.get("Parameters") or {},
            "AssociationId": self.association_id,
            "Targets": config.get("Targets") or [],
            "SyncCompliance": config.get("SyncCompliance", "AUTO"),
            "ApplyOnlyAtCronInterval": bool(config.get("ApplyOnlyAtCronInterval", False)),
        }
        for key in ("InstanceId", "ScheduleExpression", "OutputLocation", "AssociationName", "MaxErrors",
                    "MaxConcurrency", "ComplianceSeverity", "ScheduleOffset", "Duration", "CalendarNames",
                    "AlarmConfiguration", "AutomationTargetParameterName", "AssociationDispatchAssumeRole"):
            if config.get(key) is not None:
                item[key] = config[key]
        if self.instance_id:
            # The legacy per-node status of an InstanceId association.
            item["Status"] = {"Date": _dt(self.last_execution_date or self.updated),
                              "Name": item["Overview"]["Status"]
                              if item["Overview"]["Status"] in ("Pending", "Success", "Failed") else "Pending",
                              "Message": item["Overview"]["DetailedStatus"]}
        if self.last_execution_date is not None:
            item["LastExecutionDate"] = _dt(self.last_execution_date)
        if self.last_successful_execution_date is not None:
            item["LastSuccessfulExecutionDate"] = _dt(self.last_successful_execution_date)
        return item


class AssociationStore:
    def __init__(self):
        # Taken before the command engine's lock, never after it.
        self.lock = threading.RLock()
        self.associations = {}   # association id -> Association, in creation order


def _store(backend):
    return backend_state(backend, "associations", AssociationStore)


# ---------------------------------------------------------------------------------------------
# validation


def _normalized_targets(targets):
    """Targets as the command engine resolves them (AWS takes the key `instanceids` in any case)."""
    return [dict(target, Key="InstanceIds") if str(target.get("Key", "")).lower() == "instanceids" else target
            for target in targets or []]


def _validate_targets(backend, targets):
    for target in targets:
        if not target.get("Values"):
            raise InvalidTarget(f"Target {target.get('Key')} needs at least one value.")
    try:
        commands.resolve_targets(backend, _normalized_targets(targets))
    except (ValidationException, InvalidInstanceId) as exc:
        raise InvalidTarget(exc.message) from exc


def _validate_output_location(location):
    if location is None:
        return
    s3 = location.get("S3Location")
    if not s3 or not s3.get("OutputS3BucketName"):
        raise InvalidOutputLocation("The output location needs an S3Location with an OutputS3BucketName.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", s3["OutputS3BucketName"]):
        raise InvalidOutputLocation(f"{s3['OutputS3BucketName']} is not a valid S3 bucket name.")
    region = s3.get("OutputS3Region")
    if region is not None and not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        raise InvalidOutputLocation(f"{region} is not a valid AWS Region.")


def _validate_tags(tags):
    tags = validate_tag_list(tags or [])
    reserved = [key for key in tags if key.lower().startswith("aws:")]
    if reserved:
        raise InvalidTag(f"Tag keys starting with aws: are reserved: {', '.join(reserved)}.")
    check_tag_count({}, tags, "Association")
    return tags


def validate_config(backend, config, now):
    """Check a whole association definition; returns its parsed Schedule (or None)."""
    document = docs.resolve_document(backend, config["Name"], config.get("DocumentVersion"))
    if document.document_type != "Command":
        raise InvalidDocument(f"Document {document.name} is of type {document.document_type}: the sandbox's "
                              "associations run Command documents only.")
    docs.validate_parameters(document, config.get("Parameters") or {})
    instance_id, targets = config.get("InstanceId"), config.get("Targets")
    if instance_id and targets:
        raise InvalidTarget("Specify either InstanceId or Targets, not both.")
    if not instance_id and not targets:
        raise InvalidTarget("Specify the targets of the association (Targets or InstanceId).")
    platforms = commands.document_platforms(document)
    if instance_id:
        node = get_managed_node(backend, instance_id)
        if node is None:
            raise InvalidInstanceId(f"Instance {instance_id} is not a managed node of account {backend.account_id}.")
        if node.platform_type not in platforms:
            raise commands.UnsupportedPlatformType(
                f"The document {document.name} does not support the platform type of {instance_id}.")
    else:
        _validate_targets(backend, targets)
    _validate_output_location(config.get("OutputLocation"))
    expression = config.get("ScheduleExpression")
    schedule = parse_schedule(expression, now) if expression else None
    apply_only = bool(config.get("ApplyOnlyAtCronInterval"))
    if apply_only and (schedule is None or not schedule.is_cron):
        raise InvalidSchedule("ApplyOnlyAtCronInterval needs a cron ScheduleExpression (it is not supported for "
                              "rate expressions).")
    offset = config.get("ScheduleOffset")
    if offset is not None:
        if schedule is None or not schedule.is_cron or not apply_only:
            raise InvalidSchedule("ScheduleOffset needs a cron ScheduleExpression and ApplyOnlyAtCronInterval.")
        schedule.offset_days = int(offset)
    return schedule


_CONFIG_KEYS = ("Name", "DocumentVersion", "InstanceId", "Parameters", "Targets", "ScheduleExpression",
                "OutputLocation", "AssociationName", "AutomationTargetParameterName", "MaxErrors", "MaxConcurrency",
                "ComplianceSeverity", "SyncCompliance", "ApplyOnlyAtCronInterval", "CalendarNames", "ScheduleOffset",
                "Duration", "AlarmConfiguration", "AssociationDispatchAssumeRole")


def _config_from(params):
    config = {key: copy.deepcopy(params[key]) for key in _CONFIG_KEYS if params.get(key) is not None}
    if "Parameters" in config:
        config["Parameters"] = {name: [values] if isinstance(values, str) else list(values)
                                for name, values in config["Parameters"].items()}
    config.setdefault("SyncCompliance", "AUTO")
    config.setdefault("ApplyOnlyAtCronInterval", False)
    return config


# ---------------------------------------------------------------------------------------------
# running


def _run(backend, association, when):
    """Start one execution of the association at simulated time `when`."""
    config = association.config
    s3 = (config.get("OutputLocation") or {}).get("S3Location") or {}
    try:
        command = commands.start_command(
            backend,
            document_name=association.document_name,
            document_version=config.get("DocumentVersion"),
            parameters=config.get("Parameters") or {},
            instance_ids=[association.instance_id] if association.instance_id else None,
            targets=None if association.instance_id else _normalized_targets(association.targets),
            max_concurrency=config.get("MaxConcurrency") or UNLIMITED,
            max_errors=config.get("MaxErrors") or UNLIMITED,
            output_s3_bucket=s3.get("OutputS3BucketName"),
            output_s3_prefix=s3.get("OutputS3KeyPrefix"),
            output_s3_region=s3.get("OutputS3Region"),
            association_id=association.association_id,
            now=when,
        )
        execution = AssociationExecution(association, when, command=command)
    except SSMException as exc:
        # The document was deleted, the node deregistered...: the run fails, the association stays.
        failed = [association.instance_id] if association.instance_id else []
        execution = AssociationExecution(association, when, error=exc.message, failed_nodes=failed)
    association.executions.append(execution)
    return execution


def _fire_due(backend, association, now):
    """Start every scheduled run that fell due up to `now`, each at its own scheduled time."""
    started = 0
    while association.next_run is not None and association.next_run <= now:
        when = association.next_run
        if started >= MAX_CATCH_UP:
            association.schedule_next(now)
            break
        _run(backend, association, when)
        started += 1
        association.schedule_next(when)
    return started


def _ran_version(backend, association):
    """The version number of the document the association runs: its compliance item names the
    version that ran ("DocumentVersion": "1" in the AWS CLI's list-compliance-items.rst), not
    `$DEFAULT` or `$LATEST`."""
    wanted = association.config.get("DocumentVersion")
    try:
        return docs.resolve_document(backend, association.document_name, wanted).document_version
    except SSMException:  # the document went away since it ran: what the association asked for
        return wanted or "$DEFAULT"


def _association_item(backend, association, result):
    status, _detailed, when, execution_id = result
    return {
        "Id": association.association_id,
        "Title": association.association_name or "",
        "Status": "COMPLIANT" if status == "Success" else "NON_COMPLIANT",
        "Severity": association.config.get("ComplianceSeverity") or "UNSPECIFIED",
        "Details": {"DocumentName": association.document_name,
                    "DocumentVersion": _ran_version(backend, association)},
        "_when": when,
        "_execution": execution_id,
    }


def _refresh_node(backend, store, node_id):
    """Rebuild a node's Association compliance and AssociationStatus from every association's latest
    result on it."""
    results = [(association, association.node_results[node_id]) for association in store.associations.values()
               if node_id in association.node_results]
    synced = [_association_item(backend, association, result) for association, result in results
              if association.sync_compliance == "AUTO"]
    if synced:
        latest = max(synced, key=lambda item: item["_when"])
        summary = {"ExecutionTime": _dt(latest["_when"]), "ExecutionId": latest["_execution"],
                   "ExecutionType": "Command"}
        items = [{key: value for key, value in item.items() if not key.startswith("_")} for item in synced]
        put_compliance(backend, node_id, "Association", items, summary)
    else:
        state = compliance_store(backend)
        with state.lock:
            state.compliance.pop((node_id, "Association"), None)
    if get_managed_node(backend, node_id) is None:
        return
    statuses = {result[0] for _association, result in results}
    node_status = "Failed" if "Failed" in statuses else ("Success" if statuses else None)
    if node_status is not None:
        update_managed_node(backend, node_id, association_status=node_status)


def _sync_results(backend, store, association):
    """Record the results of nodes whose invocation ended since the last look; returns their ids."""
    changed = set()
    for execution in association.executions:
        if execution.finished:
            continue
        for node_id, status, detailed, when, _command_id in execution.targets():
            if status in ("Pending", "InProgress") or node_id in execution.synced:
                continue
            execution.synced.add(node_id)
            previous = association.node_results.get(node_id)
            if previous is None or previous[2] <= when:
                association.node_results[node_id] = (status, detailed, when, execution.execution_id)
                changed.add(node_id)
        execution.finished = execution.command is None or execution.command.finished
    return changed


def advance_associations(backend, now=None):
    """Bring the backend's associations to `now`: start scheduled runs that fell due, then record
    node results of finished invocations (compliance, node AssociationStatus)."""
    store = existing_state(backend, "associations")
    if store is None or not store.associations:
        return
    now = clock.now() if now is None else now
    with store.lock:
        commands.advance_commands(backend, now)
        started = sum(_fire_due(backend, association, now) for association in list(store.associations.values()))
        if started:
            commands.advance_commands(backend, now)
        changed = set()
        for association in store.associations.values():
            changed |= _sync_results(backend, store, association)
        for node_id in sorted(changed):
            _refresh_node(backend, store, node_id)


# ---------------------------------------------------------------------------------------------
# Python API


def iter_associations(backend, now=None):
    """Every association of the backend (advanced to now), in creation order."""
    advance_associations(backend, now)
    return list(_store(backend).associations.values())


def get_association(backend, association_id, now=None):
    advance_associations(backend, now)
    association = _store(backend).associations.get(association_id)
    if association is None:
        raise AssociationDoesNotExist(f"Association {association_id} does not exist.")
    return association


def association_executions(backend, association_id, now=None):
    """The association's executions, newest first."""
    return list(reversed(get_association(backend, association_id, now).executions))


def is_recurring_patch_task(association):
    """A recurring patching task of the dashboard: a scheduled association running a patching document."""
    return association.schedule is not None and association.document_name in docs.PATCH_DOCUMENTS


def create_association(backend, params, now=None):
    now = clock.now() if now is None else now
    config = _config_from(params)
    tags = _validate_tags(params.get("Tags"))
    store = _store(backend)
    with store.lock:
        schedule = validate_config(backend, config, now)
        if config.get("InstanceId"):
            for other in store.associations.values():
                if other.instance_id == config["InstanceId"] and other.document_name == docs.document_name_from(
                        config["Name"]):
                    raise AssociationAlreadyExists("The specified association already exists.")
        check_association_limit(len(store.associations))
        association = Association(str(uuid.uuid4()), config, schedule, now)
        store.associations[association.association_id] = association
        if tags:
            _association_tags(backend)[association.association_id] = dict(tags)
        # AWS answers before the first run shows: the new association is still being created.
        described = association.to_api(creating=True)
        _start_after_change(backend, association, now)
    return described


def _association_tags(backend):
    """Tags by association id, where moto's AddTagsToResource / ListTagsForResource keep them."""
    return backend._resource_tags["Association"]  # pylint: disable=protected-access


def _start_after_change(backend, association, now):
    """After a create or an update: run now unless ApplyOnlyAtCronInterval, then follow the schedule."""
    if not association.config.get("ApplyOnlyAtCronInterval"):
        _run(backend, association, now)
    association.schedule_next(now)


def update_association(backend, params, now=None):
    now = clock.now() if now is None else now
    store = _store(backend)
    with store.lock:
        association = get_association(backend, params.get("AssociationId"), now)
        wanted_version = params.get("AssociationVersion")
        if wanted_version not in (None, "$LATEST") and wanted_version != str(association.version):
            raise InvalidAssociationVersion(
                f"Association version {wanted_version} is not the latest ({association.version}).")
        if association.version >= MAX_ASSOCIATION_VERSIONS:
            raise AssociationVersionLimitExceeded(
                f"An association can have at most {MAX_ASSOCIATION_VERSIONS:,} versions.")
        if association.instance_id and params.get("Targets"):
            raise InvalidUpdate("An association of a single node (InstanceId) cannot be given Targets.")
        changes = _config_from(params)
        for key in ("SyncCompliance", "ApplyOnlyAtCronInterval"):
            if params.get(key) is None:
                changes.pop(key)
        config = {**copy.deepcopy(association.config), **changes}
        schedule = validate_config(backend, config, now)
        association.config = config
        association.schedule = schedule
        association.version += 1
        association.updated = now
        association.versions[association.version] = (copy.deepcopy(config), now)
        _start_after_change(backend, association, now)
        return association.to_api()


def delete_association(backend, association_id=None, name=None, instance_id=None, now=None):
    store = _store(backend)
    with store.lock:
        association = find_association(backend, association_id, name, instance_id, now)
        del store.associations[association.association_id]
        _association_tags(backend).pop(association.association_id, None)
        for node_id in sorted(association.node_results):
            _refresh_node(backend, store, node_id)


def find_association(backend, association_id=None, name=None, instance_id=None, now=None):
    """By AssociationId, or by document Name and InstanceId (a legacy single-node association)."""
    if association_id:
        return get_association(backend, association_id, now)
    if not name or not instance_id:
        raise AssociationDoesNotExist("Specify an AssociationId, or a Name and an InstanceId.")
    advance_associations(backend, now)
    wanted = docs.document_name_from(name)
    for association in _store(backend).associations.values():
        if association.instance_id == instance_id and association.document_name == wanted:
            return association
    raise AssociationDoesNotExist(f"No association of document {name} with instance {instance_id}.")


def start_associations_once(backend, association_ids, now=None):
    now = clock.now() if now is None else now
    store = _store(backend)
    with store.lock:
        associations = [get_association(backend, association_id, now) for association_id in association_ids]
        for association in associations:
            _run(backend, association, now)


# ---------------------------------------------------------------------------------------------
# filters


def _parse_time(value, what):
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationException(f"{what} {value} is not a valid date and time (ISO 8601, e.g. "
                                  "2024-01-31T00:00:00Z).") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def _targets_node(backend, association, node_id):
    if association.instance_id:
        return association.instance_id == node_id
    if node_id in association.node_results:
        return True
    try:
        return node_id in commands.resolve_targets(backend, _normalized_targets(association.targets))
    except SSMException:
        return False


def association_predicates(backend, filters):
    """Predicates over associations for ListAssociations' AssociationFilterList (ANDed)."""
    predicates = []
    for item in filters or []:
        key, value = item.get("key"), item.get("value")
        if key not in ASSOCIATION_FILTER_KEYS:
            raise ValidationException(f"The filter key {key} is not valid.")
        if key == "Name":
            wanted = docs.document_name_from(value)
            predicates.append(lambda a, w=wanted: a.document_name == w)
        elif key == "AssociationId":
            predicates.append(lambda a, w=value: a.association_id == w)
        elif key == "AssociationName":
            predicates.append(lambda a, w=value: a.association_name == w)
        elif key == "AssociationStatusName":
            predicates.append(lambda a, w=value: a.overview()["Status"] == w)
        elif key == "InstanceId":
            predicates.append(lambda a, w=value: _targets_node(backend, a, w))
        elif key == "ResourceGroupName":
            predicates.append(lambda a, w=value: any(
                target.get("Key") == "resource-groups:Name" and w in (target.get("Values") or [])
                for target in a.targets))
        elif key == "LastExecutedBefore":
            moment = _parse_time(value, key)
            predicates.append(lambda a, t=moment: a.last_execution_date is not None and a.last_execution_date < t)
        elif key == "LastExecutedAfter":
            moment = _parse_time(value, key)
            predicates.append(lambda a, t=moment: a.last_execution_date is not None and a.last_execution_date > t)
        else:  # CloudConnectorId: Azure connectors do not exist here
            predicates.append(lambda a: False)
    return predicates


def execution_predicates(filters):
    """Predicates over executions for DescribeAssociationExecutions' Filters (ANDed)."""
    predicates = []
    for item in filters or []:
        key, value, kind = item.get("Key"), item.get("Value"), item.get("Type")
        if key in ("ExecutionId", "Status"):
            if kind != "EQUAL":
                raise ValidationException(f"The filter {key} takes the type EQUAL only.")
            if key == "ExecutionId":
                predicates.append(lambda e, w=value: e.execution_id == w)
            else:
                predicates.append(lambda e, w=value: e.status == w)
        elif key == "CreatedTime":
            moment = _parse_time(value, key)
            if kind == "LESS_THAN":
                predicates.append(lambda e, t=moment: e.created < t)
            elif kind == "GREATER_THAN":
                predicates.append(lambda e, t=moment: e.created > t)
            else:
                raise ValidationException("The filter CreatedTime takes the type LESS_THAN or GREATER_THAN.")
        else:
            raise ValidationException(f"The filter key {key} is not valid.")
    return predicates


_TARGET_FILTER_FIELDS = {"Status": 1, "ResourceId": 0, "ResourceType": None}


def target_predicates(filters):
    predicates = []
    for item in filters or []:
        key, value = item.get("Key"), item.get("Value")
        if key not in _TARGET_FILTER_FIELDS:
            raise ValidationException(f"The filter key {key} is not valid.")
        if key == "ResourceType":
            predicates.append(lambda row, w=value: w == "ManagedInstance")
        else:
            predicates.append(lambda row, w=value, i=_TARGET_FILTER_FIELDS[key]: row[i] == w)
    return predicates


def execution_target_to_api(execution, row):
    node_id, status, detailed, when, command_id = row
    item = {
        "AssociationId": execution.association_id,
        "AssociationVersion": str(execution.association_version),
        "ExecutionId": execution.execution_id,
        "ResourceId": node_id,
        "ResourceType": "ManagedInstance",
        "Status": status,
        "DetailedStatus": detailed,
        "LastExecutionDate": _dt(when),
    }
    if command_id is not None:
        item["OutputSource"] = {"OutputSourceId": command_id, "OutputSourceType": "RunCommand"}
    return item


# ---------------------------------------------------------------------------------------------
# SSM action handlers, handler(backend, params) -> output dict (the table is sandbox/ssm/actions.py)


def _with_token(result, token):
    if token:
        result["NextToken"] = token
    return result


# Actions answer under the association store's lock, always taken before the command engine's.
_locked = simulated_time.under_lock(_store)


@_locked
def create_association_action(backend, params):
    return {"AssociationDescription": create_association(backend, params)}


@_locked
def describe_association_action(backend, params):
    association = find_association(backend, params.get("AssociationId"), params.get("Name"),
                                   params.get("InstanceId"))
    version = params.get("AssociationVersion")
    if version in (None, "$LATEST"):
        return {"AssociationDescription": association.to_api()}
    if not version.isdigit() or int(version) not in association.versions:
        raise InvalidAssociationVersion(f"Association version {version} does not exist.")
    return {"AssociationDescription": association.to_api(int(version))}


@_locked
def list_associations_action(backend, params):
    filters = params.get("AssociationFilterList")
    predicates = association_predicates(backend, filters)
    rows = [association for association in iter_associations(backend)
            if all(predicate(association) for predicate in predicates)]
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"), **_PAGE,
                           context=["ListAssociations", filters])
    return _with_token({"Associations": [association.summary_to_api() for association in page]}, token)


@_locked
def update_association_action(backend, params):
    return {"AssociationDescription": update_association(backend, params)}


@_locked
def delete_association_action(backend, params):
    delete_association(backend, params.get("AssociationId"), params.get("Name"), params.get("InstanceId"))
    return {}


@_locked
def start_associations_once_action(backend, params):
    start_associations_once(backend, params.get("AssociationIds") or [])
    return {}


@_locked
def describe_association_executions_action(backend, params):
    association_id = params.get("AssociationId")
    filters = params.get("Filters")
    predicates = execution_predicates(filters)
    rows = [execution for execution in association_executions(backend, association_id)
            if all(predicate(execution) for predicate in predicates)]
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"), **_PAGE,
                           context=["DescribeAssociationExecutions", association_id, filters])
    return _with_token({"AssociationExecutions": [execution.to_api() for execution in page]}, token)


@_locked
def describe_association_execution_targets_action(backend, params):
    association_id, execution_id = params.get("AssociationId"), params.get("ExecutionId")
    executions = association_executions(backend, association_id)
    execution = next((item for item in executions if item.execution_id == execution_id), None)
    if execution is None:
        raise AssociationExecutionDoesNotExist(f"Execution {execution_id} of association {association_id} "
                                               "does not exist.")
    filters = params.get("Filters")
    predicates = target_predicates(filters)
    rows = [row for row in execution.targets() if all(predicate(row) for predicate in predicates)]
    page, token = paginate(rows, params.get("MaxResults"), params.get("NextToken"), **_PAGE,
                           context=["DescribeAssociationExecutionTargets", association_id, execution_id, filters])
    return _with_token({"AssociationExecutionTargets": [execution_target_to_api(execution, row) for row in page]},
                       token)


ssm_tagging.register_taggable(
    "Association", lambda backend, association_id: association_id in _store(backend).associations,
    "Association {resource_id} doesn't exist.")


def install():
    simulated_time.register_advancer(advance_associations, before=commands.advance_commands)
