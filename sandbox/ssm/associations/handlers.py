"""The State Manager association actions, handler(backend, params) -> output dict (the table is
sandbox/ssm/actions.py), with the filters of ListAssociations, DescribeAssociationExecutions and
DescribeAssociationExecutionTargets."""

import datetime

from moto.ssm.exceptions import SSMException

from sandbox.ssm import documents as docs
from sandbox.ssm import run_command
from sandbox.ssm import simulated_time
from sandbox.ssm.associations.engine import (
    association_executions, create_association, delete_association, find_association, iter_associations,
    start_associations_once, update_association,
)
from sandbox.ssm.associations.model import (
    AssociationExecutionDoesNotExist, InvalidAssociationVersion, association_store, utc_datetime,
)
from sandbox.ssm.associations.validation import normalized_targets
from sandbox.wire.errors import ValidationException
from sandbox.wire.paging import paginate

_PAGE = {"default": 50, "minimum": 1, "maximum": 50}


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
        return node_id in run_command.resolve_targets(backend, normalized_targets(association.targets),
                                                      every_node_allowed=True)
    except SSMException:
        return False


def association_predicates(backend, filters):
    """Predicates over associations for ListAssociations' AssociationFilterList (ANDed)."""
    predicates = []
    for item in filters or []:
        key, value = item.get("key"), item.get("value")
        # The key is an enum of the service model (AssociationFilterKey), checked by the server.
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
        else:  # CreatedTime: the key is an enum of the service model, checked by the server
            moment = _parse_time(value, key)
            # Which Type goes with which Key the model cannot say.
            if kind == "LESS_THAN":
                predicates.append(lambda e, t=moment: e.created < t)
            elif kind == "GREATER_THAN":
                predicates.append(lambda e, t=moment: e.created > t)
            else:
                raise ValidationException("The filter CreatedTime takes the type LESS_THAN or GREATER_THAN.")
    return predicates


_TARGET_FILTER_FIELDS = {"Status": 1, "ResourceId": 0, "ResourceType": None}


def target_predicates(filters):
    predicates = []
    for item in filters or []:
        key, value = item.get("Key"), item.get("Value")
        # The key is an enum of the service model (AssociationExecutionTargetsFilterKey), checked by the server.
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
        "LastExecutionDate": utc_datetime(when),
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
_locked = simulated_time.under_lock(association_store)


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

