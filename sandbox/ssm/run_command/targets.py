"""Which managed nodes a command runs on: Targets (tag:, tag-key, resource-groups:, InstanceIds) and
InstanceIds resolved at send time, and the platforms a document runs on."""

import json

from sandbox.agent.managed_nodes import ANY_NODE_ID, get_managed_node, iter_managed_nodes
from sandbox.ssm import documents as docs
from sandbox.ssm.run_command.model import DuplicateInstanceId
from sandbox.wire.errors import InvalidInstanceId, ValidationException


def is_instance_ids_key(key):
    """The key `InstanceIds` in any case: the AWS CLI's own examples send `Key=instanceids`
    (send-command.rst Example 1, create-association.rst Examples 2 and 3) and AWS runs them,
    answering the key as `InstanceIds` (create-association.rst's outputs). Issue 14 listed
    accepting the lower-case key as a difference; AWS's examples are the source, and they accept it."""
    return isinstance(key, str) and key.lower() == "instanceids"


def _refuse_every_node():
    # API reference, Target: "InstanceIds=*" (every node) is for State Manager associations,
    # Automation and Change Manager only; Run Command and maintenance windows take explicit ids,
    # tag:, tag-key and resource-groups:Name. The error code for it is not documented: the
    # service's InvalidParameters is what it answers for targets it does not support on
    # SendCommand ("Specifying multiple target filters is not supported yet", aws/aws-cli#2670).
    raise docs.InvalidParameters(
        "Targets InstanceIds=* (every managed node) is not supported by Run Command: name the instance "
        "ids, or target tag:<key>, tag-key or resource-groups:Name.")

def _tag_match(tags, key, values):
    return key in tags and (not values or tags[key] in values)


def _resource_group_predicate(backend, group_name):
    """Nodes in a tag-based resource group (TAG_FILTERS_1_0 query); an unknown group matches nothing."""
    from moto.resourcegroups.models import resourcegroups_backends  # pylint: disable=import-outside-toplevel

    groups = resourcegroups_backends[backend.account_id][backend.region_name].groups
    if group_name not in groups:
        return lambda node: False
    query = groups[group_name].resource_query or {}
    if query.get("Type") != "TAG_FILTERS_1_0":
        return lambda node: False
    try:
        body = json.loads(query.get("Query") or "{}")
    except ValueError:
        return lambda node: False
    types = body.get("ResourceTypeFilters") or ["AWS::AllSupported"]
    if not {"AWS::AllSupported", "AWS::EC2::Instance", "AWS::SSM::ManagedInstance"} & set(types):
        return lambda node: False
    filters = [(item.get("Key"), item.get("Values") or []) for item in body.get("TagFilters") or []]
    return lambda node: all(_tag_match(node._tags, key, values) for key, values in filters)


def _target_predicate(backend, target, every_node_allowed):
    key, values = target.get("Key"), list(target.get("Values") or [])
    # The model requires neither Key nor Values and lets Values be empty: the service's own check.
    if not key or not values:
        raise ValidationException("Each target needs a Key and at least one value.")
    if is_instance_ids_key(key):
        if "*" in values:
            if not every_node_allowed:
                _refuse_every_node()
            if values == ["*"]:
                return lambda node: True
        malformed = [value for value in values if not ANY_NODE_ID.match(value)]
        if malformed:
            raise InvalidInstanceId(f"Invalid instance id(s): {', '.join(malformed)}")
        wanted = frozenset(values)
        return lambda node: node.instance_id in wanted
    if key.startswith("tag:") and len(key) > 4:
        tag_key, wanted = key[4:], frozenset(values)
        return lambda node: node._tags.get(tag_key) in wanted
    if key == "tag-key":
        keys = frozenset(values)
        return lambda node: not keys.isdisjoint(node._tags)
    if key == "resource-groups:Name":
        if len(values) != 1:
            raise ValidationException("resource-groups:Name takes exactly one resource group name.")
        return _resource_group_predicate(backend, values[0])
    if key == "resource-groups:ResourceTypeFilters":
        allowed = {"AWS::EC2::Instance", "AWS::SSM::ManagedInstance"}
        kinds = set(values)
        if not kinds <= allowed:
            raise ValidationException(f"resource-groups:ResourceTypeFilters takes {', '.join(sorted(allowed))}.")
        return lambda node: ("AWS::SSM::ManagedInstance" if node.resource_type == "ManagedInstance"
                             else "AWS::EC2::Instance") in kinds
    raise ValidationException(
        f"Target key {key} is not valid: use InstanceIds, tag:<key>, tag-key or resource-groups:Name."
    )


def resolve_targets(backend, targets, every_node_allowed=False):
    """Managed node ids matching every target (targets are ANDed), in the order nodes are listed.
    `every_node_allowed`: InstanceIds=* (State Manager's, not Run Command's: see _refuse_every_node)."""
    # At most 5 targets, 50 instance ids: the service model's list sizes, checked by the server.
    targets = list(targets or [])
    predicates = [_target_predicate(backend, target, every_node_allowed) for target in targets]
    if not predicates:
        return []
    return [node.instance_id for node in iter_managed_nodes(backend)
            if all(predicate(node) for predicate in predicates)]


def resolve_instance_ids(backend, instance_ids):
    seen = set()
    for instance_id in instance_ids:
        if instance_id in seen:
            raise DuplicateInstanceId("Instance Id is duplicated in the request.")
        seen.add(instance_id)
    unknown = [instance_id for instance_id in instance_ids
               if not isinstance(instance_id, str) or not ANY_NODE_ID.match(instance_id)
               or get_managed_node(backend, instance_id) is None]
    if unknown:
        raise InvalidInstanceId(
            f"Instances [{', '.join(f'[{instance_id}]' for instance_id in unknown)}] not in a valid state for account "
            f"{backend.account_id}"
        )
    return list(instance_ids)


def document_platforms(document):
    """The platforms a Command document runs on: AWS's list for its own, else what its steps allow."""
    if document.owner == docs.AWS_OWNER:
        return set(docs.AWS_DOCUMENT_PLATFORMS.get(document.name, ("Windows", "Linux", "MacOS")))
    platforms = set()
    for spec in docs.plugins_of(document):
        allowed = set(docs.ACTION_PLATFORMS.get(spec.action, ("Windows", "Linux", "MacOS")))
        platforms |= allowed & {spec.platform} if spec.platform else allowed
    return platforms or {"Windows", "Linux", "MacOS"}

