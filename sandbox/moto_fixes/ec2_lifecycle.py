"""EC2 as AWS runs it where moto 5.2.5 differs: what goes away with an instance, what blocks a deletion.

* **Network interfaces created at launch are deleted with the instance.** On AWS an interface that
  RunInstances creates (the primary one made from SubnetId, or a `NetworkInterfaces` entry without a
  NetworkInterfaceId) has DeleteOnTermination=true unless the request says false. moto makes it
  false, so every terminated instance left an `in-use` interface in its subnet and the subnet and
  VPC could never be deleted (the workshop stack's DeleteStack failed on this).
* **Terminating a terminated instance changes nothing**, as on AWS. moto would run the termination
  again, and deleting the already-deleted interfaces would now fail.
* **DeleteSubnet refuses while network interfaces remain in the subnet, DeleteVpc while an internet
  gateway is attached** (`DependencyViolation`, AWS's messages). moto deleted both regardless (its
  DeleteVpc has a TODO for the gateway), which hid exactly the leftovers above.

* **RunInstances refuses an AMI that does not exist**: `InvalidAMIID.Malformed` for an id not of
  the form ami-..., `InvalidAMIID.NotFound` for one no image has ("Error codes for the Amazon EC2
  API", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). moto launches
  from any id unless its own setting `ENABLE_AMI_VALIDATION` is on (then its RunInstances describes
  the image first); the sandbox turns it on, so an instance always runs an AMI the sandbox can read
  its system from (sandbox.agent.managed_nodes). A CloudFormation instance with a wrong image fails too,
  though from CreateStack itself, as the sandbox's other resource errors do, not as CREATE_FAILED.
* **RunInstances gives its instance profile to every instance it launches**, as AWS does; moto
  associates it with the first instance only.
* **An image's and an instance's Platform is `windows` or absent**: "This value is set to windows for
  Windows AMIs; otherwise, it is blank" (EC2 API reference, Image.Platform; Instance.Platform alike).
  moto's own AMI data gives 9 Linux images `Linux/UNIX` there (what AWS puts in PlatformDetails).

Installed by `install()` (sandbox.install); the patches are on moto's model classes, so the API,
CloudFormation and the managed-node seeding all get them.
"""

import copy

from moto import settings as moto_settings
from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models.amis import Ami
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ec2.models.subnets import SubnetBackend
from moto.ec2.models.vpcs import VPCBackend

_original_prep_nics = Instance.prep_nics
_original_terminate = Instance.terminate
_original_delete_subnet = SubnetBackend.delete_subnet
_original_delete_vpc = VPCBackend.delete_vpc
_original_ami_init = Ami.__init__


def _keeps_interface_on_termination(spec):
    """An interface the launch request attached (NetworkInterfaceId) or said to keep."""
    return bool(spec.get("NetworkInterfaceId")) or spec.get("DeleteOnTermination") in (False, "false")


def prep_nics_deleted_on_termination(self, nic_spec, *args, **kwargs):
    """moto's prep_nics, then DeleteOnTermination=true on every interface the launch created."""
    kept_device_indexes = {int(spec["DeviceIndex"]) for spec in nic_spec if _keeps_interface_on_termination(spec)}
    _original_prep_nics(self, nic_spec, *args, **kwargs)
    for device_index, interface in self.nics.items():
        if device_index not in kept_device_indexes:
            interface.delete_on_termination = True


def terminate_once(self):
    if self._state.name == "terminated":
        return copy.copy(self._state)
    return _original_terminate(self)


def delete_subnet_without_interfaces(self, subnet_id):
    if any(interface.subnet.id == subnet_id for interface in self.enis.values()):
        raise DependencyViolationError(f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
    return _original_delete_subnet(self, subnet_id)


def delete_vpc_without_gateway(self, vpc_id):
    if any(gateway.vpc is not None and gateway.vpc.id == vpc_id for gateway in self.internet_gateways.values()):
        raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    return _original_delete_vpc(self, vpc_id)


_original_run_instances = InstanceBackend.run_instances


def _run_instances_with_profile_for_all(self, image_id, count, user_data, security_group_names, **kwargs):
    """moto associates RunInstances' instance profile with the first instance only; AWS gives it to all.

    moto's response handler associates the first one after this returns, so this does the rest.
    """
    reservation = _original_run_instances(self, image_id, count, user_data, security_group_names, **kwargs)
    name = kwargs.get("iam_instance_profile_name")
    arn = kwargs.get("iam_instance_profile_arn")
    if name or arn:
        for instance in reservation.instances[1:]:
            self.associate_iam_instance_profile(
                instance_id=instance.id, iam_instance_profile_name=name, iam_instance_profile_arn=arn
            )
    return reservation


def ami_platform_windows_or_blank(self, *args, **kwargs):
    _original_ami_init(self, *args, **kwargs)
    if self.platform != "windows":
        self.platform = None


def install():
    moto_settings.ENABLE_AMI_VALIDATION = True
    Ami.__init__ = ami_platform_windows_or_blank
    Instance.prep_nics = prep_nics_deleted_on_termination
    Instance.terminate = terminate_once
    SubnetBackend.delete_subnet = delete_subnet_without_interfaces
    VPCBackend.delete_vpc = delete_vpc_without_gateway
    InstanceBackend.run_instances = _run_instances_with_profile_for_all
