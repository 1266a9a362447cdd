"""The association engine: runs started through the command engine (at creation, on update, on
schedule, by StartAssociationsOnce), node results recorded as compliance and AssociationStatus, and
the create / update / delete / find operations over the per-backend store."""

import copy
import uuid

from moto.ssm.exceptions import SSMException

from sandbox.agent import clock
from sandbox.agent.managed_nodes import get_managed_node, update_managed_node
from sandbox.moto_fixes import ssm_tagging
from sandbox.ssm import documents as docs
from sandbox.ssm import run_command
from sandbox.ssm.associations.model import (
    MAX_ASSOCIATION_VERSIONS, Association, AssociationAlreadyExists, AssociationDoesNotExist, AssociationExecution,
    AssociationVersionLimitExceeded, InvalidAssociationVersion, InvalidUpdate, association_store,
    check_association_limit, utc_datetime,
)
from sandbox.ssm.associations.validation import config_from, normalized_targets, validate_config, validate_tags
from sandbox.ssm.patch_states import put_compliance
from sandbox.ssm.patch_states import store as compliance_store
from sandbox.ssm.store import existing_state

MAX_CATCH_UP = 1000                  # scheduled runs started in one go after a long idle time
# Without rate controls an association runs on every target at once and never stops for errors.
UNLIMITED = "100%"


def _run(backend, association, when):
    """Start one execution of the association at simulated time `when`."""
    config = association.config
    s3 = (config.get("OutputLocation") or {}).get("S3Location") or {}
    try:
        command = run_command.start_command(
            backend,
            document_name=config["Name"],     # a name, or an ARN (another account's shared document)
            document_version=config.get("DocumentVersion"),
            parameters=config.get("Parameters") or {},
            instance_ids=[association.instance_id] if association.instance_id else None,
            targets=None if association.instance_id else normalized_targets(association.targets),
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
    """Start the run a create or update left for after its instant, then every scheduled run that fell
    due up to `now`, each at its own time."""
    started = 0
    if association.pending_run is not None and association.pending_run < now:
        _run(backend, association, association.pending_run)
        association.pending_run = None
        started += 1
    while association.next_run is not None and association.next_run <= now:
        when = association.next_run
        if started >= MAX_CATCH_UP:
            association.schedule_next(now)
            break
        _run(backend, association, when)
        started += 1
        association.schedule_next(when)
    return started


def _ran_version(association, execution_id):
    """The document version a run ran: list-compliance-items.rst shows an Association item's
    Details.DocumentVersion as the version number ("1"), not the association's "$DEFAULT"."""
    for execution in reversed(association.executions):
        if execution.execution_id == execution_id and execution.command is not None:
            return execution.command.document.document_version
    return association.config.get("DocumentVersion") or "$DEFAULT"


def _association_item(association, result):
    status, _detailed, when, execution_id = result
    return {
        "Id": association.association_id,
        "Title": association.association_name or "",
        "Status": "COMPLIANT" if status == "Success" else "NON_COMPLIANT",
        "Severity": association.config.get("ComplianceSeverity") or "UNSPECIFIED",
        "Details": {"DocumentName": association.document_name,
                    "DocumentVersion": _ran_version(association, execution_id)},
        "_when": when,
        "_execution": execution_id,
    }


def _refresh_node(backend, store, node_id):
    """Rebuild a node's Association compliance and AssociationStatus from every association's latest
    result on it."""
    results = [(association, association.node_results[node_id]) for association in store.associations.values()
               if node_id in association.node_results]
    synced = [_association_item(association, result) for association, result in results
              if association.sync_compliance == "AUTO"]
    if synced:
        latest = max(synced, key=lambda item: item["_when"])
        summary = {"ExecutionTime": utc_datetime(latest["_when"]), "ExecutionId": latest["_execution"],
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
        run_command.advance_commands(backend, now)
        started = sum(_fire_due(backend, association, now) for association in list(store.associations.values()))
        if started:
            run_command.advance_commands(backend, now)
        changed = set()
        for association in store.associations.values():
            changed |= _sync_results(backend, store, association)
        for node_id in sorted(changed):
            _refresh_node(backend, store, node_id)


def iter_associations(backend, now=None):
    """Every association of the backend (advanced to now), in creation order."""
    advance_associations(backend, now)
    return list(association_store(backend).associations.values())


def get_association(backend, association_id, now=None):
    advance_associations(backend, now)
    association = association_store(backend).associations.get(association_id)
    if association is None:
        raise AssociationDoesNotExist(f"Association {association_id} does not exist.")
    return association


def association_executions(backend, association_id, now=None):
    """The association's executions, newest first."""
    return list(reversed(get_association(backend, association_id, now).executions))


def is_recurring_patch_task(association):
    """A recurring patching task of the dashboard: a scheduled association running a patching document."""
    schedule = association.schedule
    return schedule is not None and schedule.kind != "at" and association.document_name in docs.PATCH_DOCUMENTS


def create_association(backend, params, now=None):
    now = clock.now() if now is None else now
    config = config_from(params)
    tags = validate_tags(params.get("Tags"))
    store = association_store(backend)
    with store.lock:
        schedule = validate_config(backend, config, now)
        if config.get("InstanceId"):
            for other in store.associations.values():
                if other.instance_id == config["InstanceId"] and other.document_name == docs.document_name_from(
                        config["Name"]):
                    raise AssociationAlreadyExists("The specified association already exists.")
        check_association_limit(len(store.associations))
        association = Association(str(uuid.uuid4()), config, schedule, now)
        association.expected_targets = _target_count(backend, config)
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


def _target_count(backend, config):
    if config.get("InstanceId"):
        return 1
    return len(run_command.resolve_targets(backend, normalized_targets(config.get("Targets")), every_node_allowed=True))


def _start_after_change(backend, association, now):
    """After a create or an update: run at this instant unless ApplyOnlyAtCronInterval (seen by the
    reads after it: Association.pending_run), then follow the schedule."""
    association.pending_run = None if association.config.get("ApplyOnlyAtCronInterval") else now
    association.schedule_next(now)


_KEPT_ON_UPDATE = ("Name", "InstanceId", "Targets")


def update_association(backend, params, now=None):
    now = clock.now() if now is None else now
    store = association_store(backend)
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
        # API reference, UpdateAssociation: "the system removes all optional parameters from the
        # request and overwrites the association with null values for those parameters. This is by
        # design. You must specify all optional parameters in the call, even if you are not changing
        # the parameters." What the association runs and where stays: update-association.rst's two
        # examples give neither Name nor Targets and answer both as they were (and the second its
        # DocumentVersion back at $DEFAULT, the first no ScheduleExpression or Parameters).
        kept = {key: copy.deepcopy(association.config[key]) for key in _KEPT_ON_UPDATE
                if association.config.get(key) is not None}
        config = {**kept, **config_from(params)}
        schedule = validate_config(backend, config, now)
        association.config = config
        association.schedule = schedule
        association.version += 1
        association.updated = now
        association.versions[association.version] = (copy.deepcopy(config), now)
        association.expected_targets = _target_count(backend, config)
        _start_after_change(backend, association, now)
        # As CreateAssociation: the new version is being created (update-association.rst, both examples).
        return association.to_api(creating=True)


def delete_association(backend, association_id=None, name=None, instance_id=None, now=None):
    store = association_store(backend)
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
    for association in association_store(backend).associations.values():
        if association.instance_id == instance_id and association.document_name == wanted:
            return association
    raise AssociationDoesNotExist(f"No association of document {name} with instance {instance_id}.")


def start_associations_once(backend, association_ids, now=None):
    now = clock.now() if now is None else now
    store = association_store(backend)
    with store.lock:
        associations = [get_association(backend, association_id, now) for association_id in association_ids]
        for association in associations:
            _run(backend, association, now)


ssm_tagging.register_taggable(
    "Association", lambda backend, association_id: association_id in association_store(backend).associations,
    "Association {resource_id} doesn't exist.")

