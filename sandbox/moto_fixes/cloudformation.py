"""CloudFormation as AWS runs it where moto 5.2.5 differs, for stacks like the workshop's.

`roles/prerequisites` creates, updates and deletes `ssm-workshop-resources.yml` (VPC, internet
gateway, subnet, routes, security group, instances, IAM role and profile, S3 bucket) through
amazon.aws.cloudformation. moto creates these resources but not as AWS does; this module patches
moto's classes at install time (sandbox.install), each patch for one difference:

**Creating** (moto's handler runs first, then the properties it ignores are applied):
* `AWS::EC2::Instance` is launched with its `SecurityGroupIds`, its `NetworkInterfaces` (SubnetId,
  GroupSet, AssociatePublicIpAddress, DeviceIndex, DeleteOnTermination...) and, unless told
  otherwise, a public IP when its subnet maps one on launch; moto used only SubnetId.
* `AWS::IAM::Role` gets its `ManagedPolicyArns` attached (AWS managed policies exist because the
  sandbox starts moto with MOTO_IAM_LOAD_MANAGED_POLICIES=true, see sandbox/cli.py).
* `AWS::EC2::VPC` EnableDnsSupport / EnableDnsHostnames, `AWS::EC2::Subnet` MapPublicIpOnLaunch,
  `Tags` of `AWS::EC2::InternetGateway` and `AWS::EC2::RouteTable`, `SecurityGroupEgress` (which
  replaces the default allow-all rule), `AWS::S3::Bucket` PublicAccessBlockConfiguration, and
  `AWS::EC2::SubnetRouteTableAssociation` really associates the route table with the subnet.

**Updating**: an UpdateStack that changes nothing (same template, same parameter values, SSM
parameter types resolving to the same values, same tags) fails with `ValidationError: No updates are
to be performed.`, which amazon.aws.cloudformation turns into `changed: false`; moto reported
UPDATE_COMPLETE whenever a parameter was an SSM parameter type. A DELETE_FAILED stack cannot be
updated.

**Deleting**:
* `AWS::EC2::VPCGatewayAttachment`, `InternetGateway`, `RouteTable`, `Route` and
  `SubnetRouteTableAssociation` are deleted (moto has no delete handler for them: they stayed, and
  the VPC could not go).
* A resource already deleted out of band counts as deleted (AWS's handlers report NotFound, which
  CloudFormation takes as success): moto failed the whole stack on, say, a bucket deleted by hand.
* A bucket that still has objects fails to delete (moto deleted nothing and reported success).
* A stack whose resources cannot all be deleted stays, `DELETE_FAILED`, with the reason AWS gives
  ("The following resource(s) failed to delete: [CommandLogsBucket]. ") and one DELETE_FAILED event
  per resource carrying that resource's error; deleting it again retries the resources left.
  moto raised the error from DeleteStack and forgot the stack while its resources stayed.
* Once a deletion starts, moto's lazy resource map must not create a deleted resource again to
  resolve a Ref (DescribeStacks' outputs, DescribeStackResources): outputs are resolved before
  the first resource goes, and deleted resources are left out of the stack's resource list.

**Change sets** (CreateChangeSet; the API reference, ChangeSetType: "By default, CloudFormation specifies
UPDATE. You can't use the UPDATE type to create a change set for a new stack or the CREATE type to create a
change set for an existing stack"):
* Without ChangeSetType the change set is an UPDATE of the existing stack; moto took CREATE and made a
  second stack of the same name in REVIEW_IN_PROGRESS, which DescribeStacks then returned after the real
  one was deleted (amazon.aws.cloudformation's check mode on an existing stack did this, and the next
  deletion waited on REVIEW_IN_PROGRESS for ever).
* CREATE for a stack that exists (other than one still in REVIEW_IN_PROGRESS) is a ValidationError.
* An UPDATE change set that changes nothing is created FAILED, "The submitted information didn't contain
  changes..." (what amazon.aws.cloudformation's check mode reads as "no change"); moto refused the call
  with UpdateStack's "No updates are to be performed.".

The EC2 side (interfaces deleted with their instance, DeleteSubnet/DeleteVpc dependency checks) is
in sandbox/moto_fixes/ec2_lifecycle.py.
"""

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Event, Stack
from moto.cloudformation.parsing import ResourceMap
from moto.cloudformation.responses import CloudFormationResponse
from moto.ec2.exceptions import InvalidParameterCombination
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.route_tables import Route, RouteTable
from moto.ec2.models.security_groups import SecurityGroup
from moto.ec2.models.subnets import Subnet, SubnetRouteTableAssociation
from moto.ec2.models.vpcs import VPC
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment
from moto.iam.models import Role, iam_backends
from moto.s3.exceptions import BucketNotEmpty
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

# Error codes meaning "that resource is not there any more" (EC2 uses `<Thing>.NotFound`).
_ALREADY_GONE_CODES = frozenset({"NoSuchBucket", "NoSuchEntity", "Gateway.NotAttached"})


def _cfn_bool(value):
    """Template booleans arrive as YAML booleans or as the strings "true" / "false"."""
    return value if isinstance(value, bool) else str(value).lower() == "true"


def _ec2(account_id, region_name):
    return ec2_backends[account_id][region_name]


def _iam(account_id, region_name):
    return iam_backends[account_id][get_partition(region_name)]


def _s3(account_id, region_name):
    return s3_backends[account_id][get_partition(region_name)]


# ---------------------------------------------------------------------------------------------
# Creating: AWS::EC2::Instance


def _interface_spec(interface, primary):
    """A CloudFormation NetworkInterfaces entry as moto's RunInstances takes it (`Groups`, not `GroupSet`).

    The primary interface's groups go to the instance instead (moto gives an instance's groups to
    its interfaces, and DescribeInstances shows the instance's).
    """
    spec = {"DeviceIndex": int(interface["DeviceIndex"])}
    for key in ("SubnetId", "NetworkInterfaceId", "PrivateIpAddress", "Description"):
        if interface.get(key):
            spec[key] = interface[key]
    for key in ("AssociatePublicIpAddress", "DeleteOnTermination"):
        if key in interface:
            spec[key] = _cfn_bool(interface[key])
    if not primary and interface.get("GroupSet"):
        spec["Groups"] = list(interface["GroupSet"])
    return spec


def create_instance(cls, resource_name, cloudformation_json, account_id, region_name, **_kwargs):
    """AWS::EC2::Instance with the network properties moto's handler ignores."""
    properties = cloudformation_json["Properties"]
    ec2 = _ec2(account_id, region_name)
    interfaces = properties.get("NetworkInterfaces") or []
    if interfaces and properties.get("SubnetId"):
        raise InvalidParameterCombination(
            "Network interfaces and an instance-level subnet ID may not be specified on the same request")
    if interfaces and (properties.get("SecurityGroupIds") or properties.get("SecurityGroups")):
        raise InvalidParameterCombination(
            "Network interfaces and an instance-level security groups may not be specified on the same request")
    primary = next((interface for interface in interfaces if int(interface["DeviceIndex"]) == 0), {})
    launch = {
        "instance_type": properties.get("InstanceType", "m1.small"),
        "is_instance_type_default": not properties.get("InstanceType"),
        "region_name": region_name,
        "placement": properties.get("AvailabilityZone"),
        "subnet_id": properties.get("SubnetId"),
        "key_name": properties.get("KeyName"),
        "private_ip": properties.get("PrivateIpAddress"),
        "security_group_ids": list(properties.get("SecurityGroupIds") or primary.get("GroupSet") or []),
        "nics": [_interface_spec(interface, interface is primary) for interface in interfaces],
        # None, not moto's False: the subnet's MapPublicIpOnLaunch decides, as on AWS.
        "associate_public_ip": None,
    }
    if properties.get("BlockDeviceMappings"):
        launch["block_device_mappings"] = properties["BlockDeviceMappings"]
    reservation = ec2.run_instances(
        properties["ImageId"], 1, properties.get("UserData"), properties.get("SecurityGroups", []), **launch)
    instance = reservation.instances[0]
    for tag in properties.get("Tags", []):
        instance.add_tag(tag["Key"], tag["Value"])
    if properties.get("IamInstanceProfile"):
        ec2.associate_iam_instance_profile(
            instance_id=instance.id, iam_instance_profile_name=properties["IamInstanceProfile"])
    return instance


# ---------------------------------------------------------------------------------------------
# Creating: properties moto's handlers ignore, applied to what they created


def _apply_dns_attributes(vpc, properties, account_id, region_name):
    for cfn_name, attribute in (("EnableDnsSupport", "enable_dns_support"),
                                ("EnableDnsHostnames", "enable_dns_hostnames")):
        if cfn_name in properties:
            _ec2(account_id, region_name).modify_vpc_attribute(vpc.id, attribute, _cfn_bool(properties[cfn_name]))


def _apply_map_public_ip(subnet, properties, account_id, region_name):
    if "MapPublicIpOnLaunch" in properties:
        _ec2(account_id, region_name).modify_subnet_attribute(
            subnet.id, "map_public_ip_on_launch", _cfn_bool(properties["MapPublicIpOnLaunch"]))


def _apply_tags(resource, properties, account_id, region_name):
    for tag in properties.get("Tags", []):
        resource.add_tag(tag["Key"], tag["Value"])


def _apply_egress_rules(group, properties, account_id, region_name):
    """SecurityGroupEgress replaces the default allow-all egress rule (AWS removes it)."""
    rules = properties.get("SecurityGroupEgress")
    if not rules:
        return
    ec2 = _ec2(account_id, region_name)
    ec2.revoke_security_group_egress(
        group.id, None, None, None, [], security_rule_ids=[rule.id for rule in group.egress_rules],
        vpc_id=group.vpc_id)
    for rule in rules:
        description = {"Description": rule["Description"]} if rule.get("Description") else {}
        ip_ranges = [{key: rule[key], **description} for key in ("CidrIp", "CidrIpv6") if rule.get(key)]
        source_groups = ([{"GroupId": rule["DestinationSecurityGroupId"], **description}]
                         if rule.get("DestinationSecurityGroupId") else [])
        prefix_lists = ([{"PrefixListId": rule["DestinationPrefixListId"], **description}]
                        if rule.get("DestinationPrefixListId") else [])
        ec2.authorize_security_group_egress(
            group.id, str(rule["IpProtocol"]), rule.get("FromPort"), rule.get("ToPort"), ip_ranges,
            source_groups=source_groups, prefix_list_ids=prefix_lists, vpc_id=group.vpc_id)


def _associate_route_table(association, properties, account_id, region_name):
    """moto only records the association; the route table must list it, as DescribeRouteTables shows."""
    association.association_id = _ec2(account_id, region_name).associate_route_table(
        association.route_table_id, subnet_id=association.subnet_id)


def _attach_managed_policies(role, properties, account_id, region_name):
    iam = _iam(account_id, region_name)
    for policy_arn in properties.get("ManagedPolicyArns", []):
        iam.attach_role_policy(policy_arn, role.name)


def _apply_public_access_block(bucket, properties, account_id, region_name):
    if properties.get("PublicAccessBlockConfiguration"):
        _s3(account_id, region_name).put_public_access_block(
            bucket.name, properties["PublicAccessBlockConfiguration"])


CREATE_COMPLETIONS = {
    VPC: _apply_dns_attributes,
    Subnet: _apply_map_public_ip,
    InternetGateway: _apply_tags,
    RouteTable: _apply_tags,
    SecurityGroup: _apply_egress_rules,
    SubnetRouteTableAssociation: _associate_route_table,
    Role: _attach_managed_policies,
    FakeBucket: _apply_public_access_block,
}


def _create_then_complete(model, complete):
    create = model.create_from_cloudformation_json  # bound to `model`

    def create_and_complete(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        resource = create(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        complete(resource, cloudformation_json["Properties"], account_id, region_name)
        return resource

    return classmethod(create_and_complete)


# ---------------------------------------------------------------------------------------------
# Updating


_original_role_update = Role.update_from_cloudformation_json


def update_role(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    """moto's update, then ManagedPolicyArns made the template's list (attach new, detach removed)."""
    role = _original_role_update(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
    iam = _iam(account_id, region_name)
    wanted = set(cloudformation_json["Properties"].get("ManagedPolicyArns", []))
    for policy_arn in set(role.managed_policies) - wanted:
        iam.detach_role_policy(policy_arn, role.name)
    for policy_arn in wanted - set(role.managed_policies):
        iam.attach_role_policy(policy_arn, role.name)
    return role


def _effective_parameters(stack, inputs):
    """Every template parameter's value: the input given, else the template's default."""
    slots = stack.template_dict.get("Parameters") or {}
    return {name: inputs.get(name, slot.get("Default")) for name, slot in slots.items()}


def _update_changes_nothing(backend, stack, template, parameters, tags):
    if template is None or not stack.has_template(template):
        return False
    if tags is not None and tags != stack.tags:
        return False
    current = _effective_parameters(stack, stack.parameters)
    wanted = _effective_parameters(stack, backend._resolve_update_parameters(stack, parameters))
    if wanted != current:
        return False
    # AWS resolves SSM parameter types again at every update: a new value in Parameter Store is a change.
    slots = stack.template_dict.get("Parameters") or {}
    for name, slot in slots.items():
        value_type = slot.get("Type", "")
        if value_type.startswith("AWS::SSM::Parameter::Value") and wanted[name] is not None:
            latest = stack.resource_map.parse_ssm_parameter(wanted[name], value_type)
            if latest != stack.resource_map.resolved_parameters.get(name):
                return False
    return True


_original_update_stack = CloudFormationBackend.update_stack


def update_stack(self, name, template, role_arn, parameters, tags):
    stack = self.get_stack(name)
    if stack.status == "DELETE_FAILED":
        raise ValidationError(
            stack.stack_id, message=f"Stack:{stack.stack_id} is in DELETE_FAILED state and can not be updated.")
    if _update_changes_nothing(self, stack, template, parameters, tags):
        raise ValidationError(stack.name, message="No updates are to be performed.")
    return _original_update_stack(self, name, template, role_arn, parameters, tags)


# ---------------------------------------------------------------------------------------------
# Deleting: the resources moto cannot delete. moto's CloudFormation deletes a resource by calling
# its `delete(account_id, region_name)` when it has one, else the class's
# delete_from_cloudformation_json; these classes have neither.


def _detach_gateway(attachment, account_id, region_name):
    ec2 = _ec2(account_id, region_name)
    if attachment.gateway_id:  # an internet gateway: moto records which one
        ec2.detach_internet_gateway(attachment.gateway_id, attachment.vpc_id)
        return
    for vpn_gateway in ec2.vpn_gateways.values():  # a VPN gateway: moto keeps the attachment object there
        if vpn_gateway.attachments.get(attachment.vpc_id) is attachment:
            ec2.detach_vpn_gateway(vpn_gateway.id, attachment.vpc_id)


def _delete_internet_gateway(gateway, account_id, region_name):
    _ec2(account_id, region_name).delete_internet_gateway(gateway.id)


def _delete_route_table(route_table, account_id, region_name):
    _ec2(account_id, region_name).delete_route_table(route_table.id)


def _delete_route(route, account_id, region_name):
    _ec2(account_id, region_name).delete_route(
        route.route_table.id, route.destination_cidr_block,
        destination_ipv6_cidr_block=route.destination_ipv6_cidr_block,
        destination_prefix_list_id=route.destination_prefix_list.id if route.destination_prefix_list else None)


def _disassociate_route_table(association, account_id, region_name):
    ec2 = _ec2(account_id, region_name)
    ec2.disassociate_route_table(association.association_id)
    ec2.subnet_associations.pop(f"{association.route_table_id}:{association.subnet_id}", None)


DELETE_METHODS = {
    VPCGatewayAttachment: _detach_gateway,
    InternetGateway: _delete_internet_gateway,
    RouteTable: _delete_route_table,
    Route: _delete_route,
    SubnetRouteTableAssociation: _disassociate_route_table,
}


_original_role_delete = Role.delete_from_cloudformation_json


def delete_role(cls, resource_name, cloudformation_json, account_id, region_name):
    """CloudFormation detaches the role's managed policies first; IAM refuses to delete it otherwise."""
    iam = _iam(account_id, region_name)
    role = iam.get_role(resource_name)
    for policy_arn in list(role.managed_policies):
        iam.detach_role_policy(policy_arn, role.name)
    _original_role_delete(resource_name, cloudformation_json, account_id, region_name)


def delete_bucket(cls, resource_name, cloudformation_json, account_id, region_name):
    """moto's S3 backend returns None, deleting nothing, for a bucket with objects: that is BucketNotEmpty."""
    if _s3(account_id, region_name).delete_bucket(resource_name) is None:
        raise BucketNotEmpty(resource_name)


# ---------------------------------------------------------------------------------------------
# Deleting: the stack


def _error_code(error):
    # moto's older REST errors keep the code in error_type (their `code` is the HTTP status).
    return getattr(error, "error_type", None) or getattr(error, "code", None)


def _error_message(error):
    return getattr(error, "message", None) or str(error)


def _is_already_gone(error):
    code = _error_code(error)
    return isinstance(code, str) and (code in _ALREADY_GONE_CODES or code.endswith(".NotFound"))


_original_delete_resource = ResourceMap._delete_resource


def delete_resource(self, parsed_resource, resource_json):
    """moto's per-resource delete, with a resource already gone taken as deleted and each failure kept.

    moto's ResourceMap.delete retries failed resources while others succeed and raises only the last
    error; the errors kept here (ResourceMap.delete_errors, by logical id) give each resource's
    reason in the DELETE_FAILED events.
    """
    errors = self.__dict__.setdefault("delete_errors", {})
    try:
        _original_delete_resource(self, parsed_resource, resource_json)
    except Exception as error:  # pylint: disable=broad-exception-caught
        if not _is_already_gone(error):
            errors[parsed_resource.logical_resource_id] = error
            raise
    errors.pop(parsed_resource.logical_resource_id, None)


_original_getitem = ResourceMap.__getitem__


def resource_or_none_once_deleting(self, key):
    """moto creates a resource the first time it is looked up; once deletion started, a resource
    that is not there was deleted and must not come back (to resolve a Ref, for instance)."""
    absent = key in self._resource_json_map and key not in self._parsed_resources
    if absent and getattr(self, "deletion_started", False):
        return None
    return _original_getitem(self, key)


def _stack_resources(self):
    """Stack.stack_resources (DescribeStackResources...) without the resources a deletion removed."""
    return [resource for resource in self.resource_map.values() if resource is not None]


def _remaining_resources(resource_map):
    """Logical ids of the resources a failed deletion left (moto drops each one it deleted)."""
    return [
        logical_id for logical_id, resource_json in resource_map._resource_json_map.items()
        if resource_json.get("DeletionPolicy") != "Retain"
        and resource_map._parsed_resources.get(logical_id) is not None
        and not isinstance(resource_map._parsed_resources[logical_id], str)
    ]


def _record_delete_failure(stack, error):
    resource_map = stack.resource_map
    remaining = _remaining_resources(resource_map)
    errors = getattr(resource_map, "delete_errors", {})
    failed = [logical_id for logical_id in remaining if logical_id in errors] or remaining
    for logical_id in failed:
        resource = resource_map._parsed_resources[logical_id]
        stack.add_resource_event(
            logical_id, resource, "DELETE_FAILED", _error_message(errors.get(logical_id, error)))
    stack.status = "DELETE_FAILED"
    stack.stack_status_reason = f"The following resource(s) failed to delete: [{', '.join(sorted(failed))}]. "
    stack._add_stack_event("DELETE_FAILED", resource_status_reason=stack.stack_status_reason)


def add_resource_event(self, logical_id, resource, status, reason):
    """A stack event about one resource (moto's Stack only records events about the stack itself)."""
    event = Event(
        stack_id=self.stack_id,
        stack_name=self.name,
        logical_resource_id=logical_id,
        physical_resource_id=getattr(resource, "physical_resource_id", None),
        resource_type=getattr(resource, "cf_resource_type", None),
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=None,
    )
    event.sendToSns(self.account_id, self.region_name, self.notification_arns)
    self.events.append(event)


def delete_stack_resources(self):
    """Stack.delete: DELETE_COMPLETE, or DELETE_FAILED with the stack kept. True when all went."""
    self._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    # Resolve the outputs (moto caches them) while the resources they refer to still exist.
    _ = self.outputs
    self.resource_map.deletion_started = True
    try:
        self.resource_map.delete()
    except Exception as error:  # pylint: disable=broad-exception-caught
        _record_delete_failure(self, error)
        return False
    self.stack_status_reason = None
    self._add_stack_event("DELETE_COMPLETE")
    self.status = "DELETE_COMPLETE"
    return True


def delete_stack(self, name_or_stack_id):
    """DeleteStack: a stack that cannot be deleted stays (DELETE_FAILED), as on AWS; a stack that
    does not exist is no error. moto removed the stack before deleting its resources and raised."""
    stack = self.stacks.get(name_or_stack_id) or next(
        (stack for stack in self.stacks.values() if stack.name == name_or_stack_id), None)
    if stack is None:
        return
    export_names = [export.name for export in stack.exports]
    if not stack.delete():
        return
    del self.stacks[stack.stack_id]
    self.deleted_stacks[stack.stack_id] = stack
    for export_name in export_names:
        self.exports.pop(export_name, None)


# ---------------------------------------------------------------------------------------------
# Change sets


_original_create_change_set = CloudFormationResponse.create_change_set


def _live_stack(backend, name):
    return next((stack for stack in backend.stacks.values()
                 if stack.name == name and stack.status != "DELETE_COMPLETE"), None)


def _no_different_update_check(*_args):
    """In place of moto's check that an update changes something, for change sets only."""


def create_change_set(self):
    """CreateChangeSet with AWS's default type (UPDATE) and its refusal of CREATE for an existing stack."""
    change_set_type = self._get_param("ChangeSetType")
    stack_name = self._get_param("StackName")
    if change_set_type is None:
        self.params["ChangeSetType"] = change_set_type = "UPDATE"
    if change_set_type == "CREATE":
        existing = _live_stack(self.cloudformation_backend, stack_name)
        if existing is not None and existing.status != "REVIEW_IN_PROGRESS":
            # The rule is the API reference's (above); the wording is the one CloudFormation answers with.
            raise ValidationError(
                stack_name, message=f"Stack [{stack_name}] already exists and cannot be created again with the "
                                    f"changeSet [{self._get_param('ChangeSetName')}].")
    if change_set_type == "UPDATE":
        # The backend marks a change set that changes nothing FAILED, as AWS does; moto's response
        # layer refused it first with UpdateStack's error.
        self._validate_different_update = _no_different_update_check
    return _original_create_change_set(self)


def install():
    CloudFormationResponse.create_change_set = create_change_set
    Instance.create_from_cloudformation_json = classmethod(create_instance)
    for model, complete in CREATE_COMPLETIONS.items():
        model.create_from_cloudformation_json = _create_then_complete(model, complete)
    Role.update_from_cloudformation_json = classmethod(update_role)
    CloudFormationBackend.update_stack = update_stack
    for model, delete in DELETE_METHODS.items():
        model.delete = delete  # called as resource.delete(account_id, region_name)
    Role.delete_from_cloudformation_json = classmethod(delete_role)
    FakeBucket.delete_from_cloudformation_json = classmethod(delete_bucket)
    ResourceMap._delete_resource = delete_resource
    ResourceMap.__getitem__ = resource_or_none_once_deleting
    Stack.stack_resources = property(_stack_resources)
    Stack.add_resource_event = add_resource_event
    Stack.delete = delete_stack_resources
    CloudFormationBackend.delete_stack = delete_stack
