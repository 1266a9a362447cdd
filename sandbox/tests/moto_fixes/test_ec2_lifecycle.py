"""EC2 through boto3: interfaces created at launch go with the instance, and what blocks DeleteSubnet/DeleteVpc."""

import pytest
from botocore.exceptions import ClientError

from sandbox.testing.process import amazon_linux_2_ami


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def network(clean_sandbox):
    """A VPC with one subnet; the EC2 client and an AMI to launch."""
    ec2 = clean_sandbox.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    image_id = amazon_linux_2_ami(ec2)
    return ec2, vpc_id, subnet_id, image_id


def interfaces_in(ec2, subnet_id):
    interfaces = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])
    return {interface["NetworkInterfaceId"]: interface for interface in interfaces["NetworkInterfaces"]}


def test_the_primary_interface_is_deleted_with_the_instance(network):
    ec2, _, subnet_id, image_id = network
    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, SubnetId=subnet_id)["Instances"][0]
    (interface,) = instance["NetworkInterfaces"]
    assert interface["Attachment"]["DeleteOnTermination"] is True
    assert interfaces_in(ec2, subnet_id)[interface["NetworkInterfaceId"]]["Status"] == "in-use"

    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    assert interfaces_in(ec2, subnet_id) == {}
    # Terminating it again is no error and changes nothing, as on AWS.
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    state = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]["State"]
    assert state["Name"] == "terminated"


def test_launch_interfaces_follow_their_delete_on_termination(network):
    ec2, _, subnet_id, image_id = network
    kept = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": subnet_id, "DeleteOnTermination": False},
        {"DeviceIndex": 1, "NetworkInterfaceId": kept},
        {"DeviceIndex": 2, "SubnetId": subnet_id},
    ])["Instances"][0]
    by_index = {interface["Attachment"]["DeviceIndex"]: interface for interface in instance["NetworkInterfaces"]}
    assert {index: interface["Attachment"]["DeleteOnTermination"] for index, interface in by_index.items()} == {
        0: False, 1: False, 2: True}

    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    assert sorted(interfaces_in(ec2, subnet_id)) == sorted([by_index[0]["NetworkInterfaceId"], kept])


def test_delete_subnet_is_refused_while_interfaces_remain(network):
    ec2, _, subnet_id, _ = network
    interface_id = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_subnet(SubnetId=subnet_id)
    assert error_of(excinfo) == (
        "DependencyViolation", f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
    ec2.delete_network_interface(NetworkInterfaceId=interface_id)
    ec2.delete_subnet(SubnetId=subnet_id)


def test_delete_vpc_is_refused_while_an_internet_gateway_is_attached(network):
    ec2, vpc_id, subnet_id, _ = network
    ec2.delete_subnet(SubnetId=subnet_id)
    gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc_id)
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_of(excinfo) == ("DependencyViolation", f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    ec2.detach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc_id)
    ec2.delete_vpc(VpcId=vpc_id)
    assert vpc_id not in [vpc["VpcId"] for vpc in ec2.describe_vpcs()["Vpcs"]]


def test_every_instance_run_together_gets_the_instance_profile(clean_sandbox):
    # RunInstances "IamInstanceProfile: The name or Amazon Resource Name (ARN) of an IAM instance
    # profile" applies to each instance launched (EC2 API reference, RunInstances).
    iam, ec2 = clean_sandbox.client("iam"), clean_sandbox.client("ec2")
    iam.create_instance_profile(InstanceProfileName="FleetProfile")
    ids = [item["InstanceId"] for item in ec2.run_instances(
        ImageId=amazon_linux_2_ami(ec2), MinCount=3, MaxCount=3, IamInstanceProfile={"Name": "FleetProfile"})["Instances"]]
    associations = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
    assert sorted(a["InstanceId"] for a in associations if a["IamInstanceProfile"]["Arn"].endswith("/FleetProfile")) == sorted(ids)


def test_platform_is_windows_or_absent(clean_sandbox):
    # EC2 API reference, Image.Platform: "set to windows for Windows AMIs; otherwise, it is blank".
    ec2 = clean_sandbox.client("ec2")
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    assert {image.get("Platform") for image in images} == {"windows", None}
    ami = amazon_linux_2_ami(ec2)
    [instance] = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1)["Instances"]
    assert "Platform" not in instance
