"""Resource Groups: ListGroupResources, which moto 5.2.5 leaves unimplemented (no route, no method).

Run Command resolves `resource-groups:Name` targets through it, and ssm_patch_run refuses a group
with no managed node before sending anything, so the sandbox needs the call answered.

What AWS documents (Resource Groups API Reference, ListGroupResources; Resource Groups User Guide,
"Types of queries", "Resource types you can use with AWS Resource Groups"):

* `Group` (or the deprecated `GroupName`) is a group name or ARN; a group that does not exist is
  `NotFoundException` (404).
* A tag-based group (`TAG_FILTERS_1_0`) holds the resources of its `ResourceTypeFilters`
  (`AWS::AllSupported` for any type) that carry every tag filter's key with one of its values (any
  value when a filter lists none).
* `Filters` `resource-type` keeps the resources of the listed types; `MaxResults` is 1-50 (the
  model's bounds), pages go on with `NextToken`.
* Each resource is answered as `Resources[].Identifier` {ResourceArn, ResourceType} and, the older
  shape, `ResourceIdentifiers[]`.

The sandbox models the resource types Run Command can target: EC2 instances (every instance that is
not terminated, managed node or not, with its EC2 tags) and hybrid managed nodes
(`AWS::SSM::ManagedInstance`, with their SSM tags). A group of other types, or a
CloudFormation-stack group, lists none of them here, where AWS would list that group's other
resources: no managed node either way.
"""

import json

from moto.ec2.models import ec2_backends
from moto.resourcegroups.exceptions import BadRequestException, NotFoundException
from moto.resourcegroups.models import resourcegroups_backends
from moto.resourcegroups import urls as resourcegroups_urls
from moto.resourcegroups.responses import ResourceGroupsResponse
from moto.ssm.exceptions import SSMException
from moto.ssm.models import ssm_backends

from sandbox.agent.managed_nodes import _hybrid_nodes, _ssm_tags
from sandbox.wire.paging import paginate

EC2_INSTANCE = "AWS::EC2::Instance"
MANAGED_INSTANCE = "AWS::SSM::ManagedInstance"
ALL_SUPPORTED = "AWS::AllSupported"


def _find_group(backend, identifier):
    groups = backend.groups
    if identifier in groups.by_arn:
        return groups.by_arn[identifier]
    if identifier in groups.by_name:
        return groups.by_name[identifier]
    raise NotFoundException(message=f"Cannot find group {identifier}.")


def _tags_match(tags, tag_filters):
    return all(item.get("Key") in tags and (not item.get("Values") or tags[item["Key"]] in item["Values"])
               for item in tag_filters)


def _candidates(account_id, region):
    """(arn, type, tags) of every resource of the modelled types in the account and region."""
    ec2 = ec2_backends[account_id][region]
    for reservation in list(ec2.reservations.values()):
        for instance in list(reservation.instances):
            if instance.state == "terminated":
                continue
            arn = f"arn:aws:ec2:{region}:{account_id}:instance/{instance.id}"
            yield arn, EC2_INSTANCE, ec2.tags.get(instance.id, {})
    ssm = ssm_backends[account_id][region]
    for node_id in list(_hybrid_nodes(ssm)):
        arn = f"arn:aws:ssm:{region}:{account_id}:managed-instance/{node_id}"
        yield arn, MANAGED_INSTANCE, _ssm_tags(ssm, node_id)


def group_resources(account_id, region, group):
    """[(arn, type)] of a group's members, in a stable order."""
    query = group.resource_query or {}
    if query.get("Type") != "TAG_FILTERS_1_0":
        return []
    try:
        body = json.loads(query.get("Query") or "{}")
    except ValueError:
        return []
    types = set(body.get("ResourceTypeFilters") or [ALL_SUPPORTED])
    tag_filters = body.get("TagFilters") or []
    return [(arn, kind) for arn, kind, tags in _candidates(account_id, region)
            if (ALL_SUPPORTED in types or kind in types) and _tags_match(tags, tag_filters)]


def list_group_resources(self):
    param = self._get_param
    identifier = param("Group") or param("GroupName")
    if not identifier:
        raise BadRequestException("Group is required.")
    backend = resourcegroups_backends[self.current_account][self.region]
    group = _find_group(backend, identifier)
    resources = group_resources(self.current_account, self.region, group)
    filters = param("Filters") or []
    for item in filters:
        if item.get("Name") != "resource-type":
            raise BadRequestException(f"Filter name {item.get('Name')} is not valid: use resource-type.")
        wanted = set(item.get("Values") or [])
        resources = [(arn, kind) for arn, kind in resources if kind in wanted]
    try:
        page, token = paginate(resources, param("MaxResults"), param("NextToken"),
                               default=50, minimum=1, maximum=50, context={"g": group.arn, "f": filters})
    except SSMException as exc:
        # The paging helper speaks SSM's errors; Resource Groups answers BadRequestException.
        raise BadRequestException(exc.message) from exc
    identifiers = [{"ResourceArn": arn, "ResourceType": kind} for arn, kind in page]
    result = {"Resources": [{"Identifier": identifier} for identifier in identifiers],
              "ResourceIdentifiers": identifiers, "QueryErrors": []}
    if token:
        result["NextToken"] = token
    return json.dumps(result)


def install():
    # moto routes no /list-group-resources path (the operation's requestUri in the service model).
    resourcegroups_urls.url_paths.setdefault("{0}/list-group-resources$", ResourceGroupsResponse.dispatch)
    ResourceGroupsResponse.list_group_resources = list_group_resources
