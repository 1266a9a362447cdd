"""CloudFormation on the sandbox through boto3: the workshop stack (roles/prerequisites' real template)
created, updated and deleted as AWS does it, and the template features it relies on.
"""

import json

import pytest
from botocore.exceptions import ClientError

from sandbox.testing.process import REPO_ROOT, amazon_linux_2_ami

TEMPLATE = (REPO_ROOT / "roles/prerequisites/files/ssm-workshop-resources.yml").read_text(encoding="utf-8")
STACK = "ssm-workshop-ep04"
ACCOUNT = "123456789012"
BUCKET = f"ssm-command-logs-us-east-1-{ACCOUNT}"
ROLE = "AmazonSSMManagedInstanceCore-us-east-1"
PROFILE = "ManagedInstanceProfile-us-east-1"
CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
LINUX_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
# Instance Name tag -> the stack output with its id.
INSTANCE_OUTPUTS = {"App1": "App1InstanceId", "App2": "App2InstanceId", "Web1": "Web1InstanceId",
                    "Web2": "Web2InstanceId", "WindowsServer": "WindowsInstanceId"}
INSTANCES = tuple(INSTANCE_OUTPUTS)
NOTHING_TO_UPDATE = "No updates are to be performed."


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def windows_ami(ec2):
    """As roles/prerequisites chooses it: the newest Amazon Windows Server English Full Base AMI."""
    images = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": ["Windows_Server-*-English-Full-Base-*"]}])["Images"]
    return max(images, key=lambda image: (image["CreationDate"], image["ImageId"]))["ImageId"]


def workshop_parameters(ec2):
    return [
        {"ParameterKey": "LinuxAmiId", "ParameterValue": LINUX_AMI_PARAMETER},
        {"ParameterKey": "WindowsAmiId", "ParameterValue": windows_ami(ec2)},
        {"ParameterKey": "LinuxInstanceType", "ParameterValue": "t3.micro"},
        {"ParameterKey": "WindowsInstanceType", "ParameterValue": "t3.medium"},
    ]


def describe(cloudformation, stack=STACK):
    return cloudformation.describe_stacks(StackName=stack)["Stacks"][0]


def outputs_of(stack):
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def tags_of(item):
    return {tag["Key"]: tag["Value"] for tag in item.get("Tags", []) if not tag["Key"].startswith("aws:")}


class Workshop:
    """The clients a test needs and the stack's outputs once created."""

    def __init__(self, sandbox):
        self.cloudformation = sandbox.client("cloudformation")
        self.ec2 = sandbox.client("ec2")
        self.iam = sandbox.client("iam")
        self.s3 = sandbox.client("s3")
        self.ssm = sandbox.client("ssm")
        self.parameters = workshop_parameters(self.ec2)
        self.outputs = {}

    def create(self):
        self.cloudformation.create_stack(
            StackName=STACK, TemplateBody=TEMPLATE, Parameters=self.parameters,
            Capabilities=["CAPABILITY_NAMED_IAM"], Tags=[{"Key": "Workshop", "Value": "patch-management"}])
        stack = describe(self.cloudformation)
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        self.outputs = outputs_of(stack)
        return stack

    def update(self, **overrides):
        request = {"StackName": STACK, "TemplateBody": TEMPLATE, "Parameters": self.parameters,
                   "Capabilities": ["CAPABILITY_NAMED_IAM"],
                   "Tags": [{"Key": "Workshop", "Value": "patch-management"}], **overrides}
        if overrides.get("UsePreviousTemplate"):
            del request["TemplateBody"]
        return self.cloudformation.update_stack(**request)

    def instances(self):
        ids = [self.outputs[output] for output in INSTANCE_OUTPUTS.values()]
        reservations = self.ec2.describe_instances(InstanceIds=ids)["Reservations"]
        return {tags_of(instance)["Name"]: instance
                for reservation in reservations for instance in reservation["Instances"]}

    def stack_vpc_resources(self):
        """What is left in the stack's VPC (or of it): VPC, subnets, gateways, route tables, interfaces."""
        vpc_id = self.outputs["VpcId"]
        in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
        return {
            "vpcs": [vpc["VpcId"] for vpc in self.ec2.describe_vpcs()["Vpcs"] if vpc["VpcId"] == vpc_id],
            "subnets": [subnet["SubnetId"] for subnet in self.ec2.describe_subnets(Filters=in_vpc)["Subnets"]],
            "internet_gateways": [gateway["InternetGatewayId"]
                                  for gateway in self.ec2.describe_internet_gateways()["InternetGateways"]],
            "route_tables": [table["RouteTableId"]
                             for table in self.ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]],
            "security_groups": [group["GroupId"]
                                for group in self.ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]],
            "network_interfaces": [interface["NetworkInterfaceId"]
                                   for interface in self.ec2.describe_network_interfaces()["NetworkInterfaces"]],
        }

    def assert_everything_but_the_bucket_is_gone(self):
        assert self.stack_vpc_resources() == {
            "vpcs": [], "subnets": [], "internet_gateways": [], "route_tables": [], "security_groups": [],
            "network_interfaces": []}
        assert {name: instance["State"]["Name"] for name, instance in self.instances().items()} == {
            name: "terminated" for name in INSTANCES}
        assert self.ssm.describe_instance_information()["InstanceInformationList"] == []
        for call in (lambda: self.iam.get_role(RoleName=ROLE),
                     lambda: self.iam.get_instance_profile(InstanceProfileName=PROFILE)):
            with pytest.raises(ClientError) as excinfo:
                call()
            assert error_of(excinfo)[0] == "NoSuchEntity"

    def bucket_names(self):
        return [bucket["Name"] for bucket in self.s3.list_buckets()["Buckets"]]


@pytest.fixture
def workshop(clean_sandbox):
    return Workshop(clean_sandbox)


# --------------------------------------------------------------------------- create


def test_create_builds_the_network_as_the_template_says(workshop):
    workshop.create()
    ec2, outputs = workshop.ec2, workshop.outputs
    vpc_id, subnet_id = outputs["VpcId"], outputs["PublicSubnetId"]

    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert tags_of(vpc) == {"Name": f"{STACK}-vpc", "Workshop": "patch-management"}
    for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)[key] == {"Value": True}

    gateways = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    gateway = gateways["InternetGateways"][0]
    assert gateway["Attachments"] == [{"State": "available", "VpcId": vpc_id}]
    assert tags_of(gateway) == {"Name": f"{STACK}-igw", "Workshop": "patch-management"}

    subnet = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
    assert (subnet["VpcId"], subnet["CidrBlock"], subnet["AvailabilityZone"]) == (vpc_id, "10.0.0.0/24", "us-east-1a")
    assert subnet["MapPublicIpOnLaunch"] is True

    in_subnet = [{"Name": "association.subnet-id", "Values": [subnet_id]}]
    tables = ec2.describe_route_tables(Filters=in_subnet)["RouteTables"]
    assert len(tables) == 1 and tags_of(tables[0]) == {"Name": f"{STACK}-public", "Workshop": "patch-management"}
    assert {(route["DestinationCidrBlock"], route["GatewayId"]) for route in tables[0]["Routes"]} == {
        ("10.0.0.0/16", "local"), ("0.0.0.0/0", gateway["InternetGatewayId"])}

    group = ec2.describe_security_groups(GroupIds=[outputs["SecurityGroupId"]])["SecurityGroups"][0]
    assert group["VpcId"] == vpc_id and group["IpPermissions"] == []
    # SecurityGroupEgress replaces the default allow-all rule.
    assert sorted((rule["IpProtocol"], rule["FromPort"], rule["ToPort"], rule["IpRanges"][0]["CidrIp"])
                  for rule in group["IpPermissionsEgress"]) == [("tcp", 80, 80, "0.0.0.0/0"),
                                                                ("tcp", 443, 443, "0.0.0.0/0")]


def test_create_launches_the_instances_in_the_subnet_with_the_group_and_profile(workshop):
    workshop.create()
    outputs = workshop.outputs
    instances = workshop.instances()
    assert sorted(instances) == sorted(INSTANCES)
    linux_ami = workshop.ssm.get_parameter(Name=LINUX_AMI_PARAMETER)["Parameter"]["Value"]
    windows_ami_id = workshop.parameters[1]["ParameterValue"]
    for name, instance in instances.items():
        assert instance["State"]["Name"] == "running"
        assert (instance["SubnetId"], instance["VpcId"]) == (outputs["PublicSubnetId"], outputs["VpcId"])
        assert [group["GroupId"] for group in instance["SecurityGroups"]] == [outputs["SecurityGroupId"]]
        assert instance["IamInstanceProfile"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/{PROFILE}"
        # The subnet maps a public IP on launch.
        assert instance.get("PublicIpAddress")
        (interface,) = instance["NetworkInterfaces"]
        assert interface["SubnetId"] == outputs["PublicSubnetId"]
        assert [group["GroupId"] for group in interface["Groups"]] == [outputs["SecurityGroupId"]]
        assert interface["Attachment"]["DeleteOnTermination"] is True
        expected = ("t3.medium", windows_ami_id) if name == "WindowsServer" else ("t3.micro", linux_ami)
        assert (instance["InstanceType"], instance["ImageId"]) == expected
        assert tags_of(instance)["Workshop"] == "patch-management"
    assert {name: tags_of(instance).get("Patch") for name, instance in instances.items()} == {
        "App1": "true", "App2": "true", "Web1": "true", "Web2": "true", "WindowsServer": None}
    # Running instances with an instance profile are the SSM managed nodes the workshop patches.
    nodes = workshop.ssm.describe_instance_information()["InstanceInformationList"]
    assert sorted(node["InstanceId"] for node in nodes) == sorted(
        instance["InstanceId"] for instance in instances.values())


def test_create_makes_the_role_with_its_managed_policy_the_profile_and_the_bucket(workshop):
    workshop.create()
    iam, s3 = workshop.iam, workshop.s3
    assert workshop.outputs["InstanceRoleName"] == ROLE
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == [
        {"PolicyName": "AmazonSSMManagedInstanceCore", "PolicyArn": CORE_POLICY}]
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["WriteCommandLogs"]
    trust = iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    profile = iam.get_instance_profile(InstanceProfileName=PROFILE)["InstanceProfile"]
    assert [role["RoleName"] for role in profile["Roles"]] == [ROLE]

    assert workshop.outputs["CommandLogsBucketName"] == BUCKET
    assert workshop.bucket_names() == [BUCKET]
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


# --------------------------------------------------------------------------- update


def test_update_with_nothing_changed_is_refused(workshop):
    workshop.create()
    with pytest.raises(ClientError) as excinfo:
        workshop.update()
    assert error_of(excinfo) == ("ValidationError", NOTHING_TO_UPDATE)
    # The same through UsePreviousTemplate and UsePreviousValue, and with a default given explicitly.
    previous_values = [{"ParameterKey": parameter["ParameterKey"], "UsePreviousValue": True}
                       for parameter in workshop.parameters]
    default_given = workshop.parameters + [{"ParameterKey": "VpcCidr", "ParameterValue": "10.0.0.0/16"}]
    for overrides in ({"UsePreviousTemplate": True}, {"Parameters": previous_values}, {"Parameters": default_given}):
        with pytest.raises(ClientError) as excinfo:
            workshop.update(**overrides)
        assert error_of(excinfo) == ("ValidationError", NOTHING_TO_UPDATE), overrides
    assert describe(workshop.cloudformation)["StackStatus"] == "CREATE_COMPLETE"


def test_update_with_new_tags_proceeds(workshop):
    workshop.create()
    workshop.update(Tags=[{"Key": "Workshop", "Value": "episode-4"}])
    stack = describe(workshop.cloudformation)
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert stack["Tags"] == [{"Key": "Workshop", "Value": "episode-4"}]
    with pytest.raises(ClientError) as excinfo:
        workshop.update(Tags=[{"Key": "Workshop", "Value": "episode-4"}])
    assert error_of(excinfo) == ("ValidationError", NOTHING_TO_UPDATE)


SSM_PARAMETER_TEMPLATE = json.dumps({
    "Parameters": {"Source": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/sandbox/source"}},
    "Resources": {"Copy": {"Type": "AWS::SSM::Parameter",
                           "Properties": {"Name": "/sandbox/copy", "Type": "String", "Value": {"Ref": "Source"}}}},
})


def test_update_after_an_ssm_parameter_type_changed_value_proceeds(clean_sandbox):
    """AWS resolves SSM parameter types again at each update: a new value under the same parameter
    name (a newer AMI, say) is a change, although the stack's parameter values are the same."""
    cloudformation, ssm = clean_sandbox.client("cloudformation"), clean_sandbox.client("ssm")
    ssm.put_parameter(Name="/sandbox/source", Value="first", Type="String")
    cloudformation.create_stack(StackName="resolved", TemplateBody=SSM_PARAMETER_TEMPLATE)
    with pytest.raises(ClientError) as excinfo:
        cloudformation.update_stack(StackName="resolved", TemplateBody=SSM_PARAMETER_TEMPLATE)
    assert error_of(excinfo) == ("ValidationError", NOTHING_TO_UPDATE)
    ssm.put_parameter(Name="/sandbox/source", Value="second", Type="String", Overwrite=True)
    cloudformation.update_stack(StackName="resolved", TemplateBody=SSM_PARAMETER_TEMPLATE)
    assert describe(cloudformation, "resolved")["StackStatus"] == "UPDATE_COMPLETE"


# --------------------------------------------------------------------------- delete


def test_delete_removes_every_resource(workshop):
    stack_id = workshop.create()["StackId"]
    workshop.cloudformation.delete_stack(StackName=STACK)
    with pytest.raises(ClientError) as excinfo:
        describe(workshop.cloudformation)
    assert error_of(excinfo) == ("ValidationError", f"Stack with id {STACK} does not exist")
    assert describe(workshop.cloudformation, stack_id)["StackStatus"] == "DELETE_COMPLETE"
    summaries = workshop.cloudformation.list_stacks()["StackSummaries"]
    assert [(summary["StackName"], summary["StackStatus"]) for summary in summaries] == [(STACK, "DELETE_COMPLETE")]
    workshop.assert_everything_but_the_bucket_is_gone()
    assert workshop.bucket_names() == []
    # Deleting a stack that is gone is no error, as on AWS.
    workshop.cloudformation.delete_stack(StackName=STACK)


def test_delete_after_the_bucket_was_deleted_out_of_band_completes(workshop):
    workshop.create()
    workshop.s3.delete_bucket(Bucket=BUCKET)
    stack_id = describe(workshop.cloudformation)["StackId"]
    workshop.cloudformation.delete_stack(StackName=STACK)
    assert describe(workshop.cloudformation, stack_id)["StackStatus"] == "DELETE_COMPLETE"
    workshop.assert_everything_but_the_bucket_is_gone()


def test_delete_with_objects_in_the_bucket_fails_keeps_the_stack_and_can_be_retried(workshop):
    workshop.create()
    workshop.s3.put_object(Bucket=BUCKET, Key="run-command/output.txt", Body=b"patched")
    workshop.cloudformation.delete_stack(StackName=STACK)

    stack = describe(workshop.cloudformation)
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert stack["StackStatusReason"] == "The following resource(s) failed to delete: [CommandLogsBucket]. "
    assert outputs_of(stack) == workshop.outputs
    events = workshop.cloudformation.describe_stack_events(StackName=STACK)["StackEvents"]
    failed = [(event["LogicalResourceId"], event.get("ResourceStatusReason")) for event in events
              if event["ResourceStatus"] == "DELETE_FAILED"]
    assert failed == [(STACK, stack["StackStatusReason"]),
                      ("CommandLogsBucket", "The bucket you tried to delete is not empty")]
    resources = workshop.cloudformation.describe_stack_resources(StackName=STACK)["StackResources"]
    assert [(resource["LogicalResourceId"], resource["PhysicalResourceId"]) for resource in resources] == [
        ("CommandLogsBucket", BUCKET)]
    workshop.assert_everything_but_the_bucket_is_gone()
    assert workshop.bucket_names() == [BUCKET]
    with pytest.raises(ClientError) as excinfo:
        workshop.update()
    assert error_of(excinfo) == (
        "ValidationError", f"Stack:{stack['StackId']} is in DELETE_FAILED state and can not be updated.")

    workshop.s3.delete_object(Bucket=BUCKET, Key="run-command/output.txt")
    workshop.cloudformation.delete_stack(StackName=STACK)
    assert describe(workshop.cloudformation, stack["StackId"])["StackStatus"] == "DELETE_COMPLETE"
    assert workshop.bucket_names() == []


# --------------------------------------------------------------------------- template features


INSTANCE_TEMPLATE = {
    "Parameters": {"ImageId": {"Type": "String"}, "AssociatePublicIp": {"Type": "String", "Default": "true"}},
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.1.1.0/24"}},
        "Group": {"Type": "AWS::EC2::SecurityGroup",
                  "Properties": {"GroupDescription": "instance", "VpcId": {"Ref": "Vpc"}}},
        "Server": {"Type": "AWS::EC2::Instance", "Properties": {
            "ImageId": {"Ref": "ImageId"},
            "InstanceType": "t3.micro",
            "NetworkInterfaces": [{"DeviceIndex": "0", "SubnetId": {"Ref": "Subnet"},
                                   "GroupSet": [{"Ref": "Group"}],
                                   "AssociatePublicIpAddress": {"Ref": "AssociatePublicIp"}}]}},
    },
    "Outputs": {"Server": {"Value": {"Ref": "Server"}}, "Subnet": {"Value": {"Ref": "Subnet"}},
                "Group": {"Value": {"Ref": "Group"}}},
}


@pytest.mark.parametrize("associate_public_ip", ["true", "false"])
def test_instance_network_interfaces_give_subnet_groups_and_public_ip(clean_sandbox, associate_public_ip):
    cloudformation, ec2 = clean_sandbox.client("cloudformation"), clean_sandbox.client("ec2")
    image_id = amazon_linux_2_ami(ec2)
    cloudformation.create_stack(StackName="interfaces", TemplateBody=json.dumps(INSTANCE_TEMPLATE), Parameters=[
        {"ParameterKey": "ImageId", "ParameterValue": image_id},
        {"ParameterKey": "AssociatePublicIp", "ParameterValue": associate_public_ip}])
    outputs = outputs_of(describe(cloudformation, "interfaces"))
    instance = ec2.describe_instances(InstanceIds=[outputs["Server"]])["Reservations"][0]["Instances"][0]
    assert instance["SubnetId"] == outputs["Subnet"]
    assert [group["GroupId"] for group in instance["SecurityGroups"]] == [outputs["Group"]]
    (interface,) = instance["NetworkInterfaces"]
    assert (interface["SubnetId"], interface["Attachment"]["DeviceIndex"]) == (outputs["Subnet"], 0)
    assert interface["Attachment"]["DeleteOnTermination"] is True
    # The subnet does not map public IPs: only AssociatePublicIpAddress gives one.
    assert ("PublicIpAddress" in instance) is (associate_public_ip == "true")

    cloudformation.delete_stack(StackName="interfaces")
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    assert outputs["Subnet"] not in [subnet["SubnetId"] for subnet in ec2.describe_subnets()["Subnets"]]


def test_instance_network_interfaces_exclude_an_instance_level_subnet(clean_sandbox):
    cloudformation, ec2 = clean_sandbox.client("cloudformation"), clean_sandbox.client("ec2")
    template = json.loads(json.dumps(INSTANCE_TEMPLATE))
    template["Resources"]["Server"]["Properties"]["SubnetId"] = {"Ref": "Subnet"}
    image_id = amazon_linux_2_ami(ec2)
    with pytest.raises(ClientError) as excinfo:
        cloudformation.create_stack(StackName="both", TemplateBody=json.dumps(template), Parameters=[
            {"ParameterKey": "ImageId", "ParameterValue": image_id}])
    assert error_of(excinfo) == (
        "InvalidParameterCombination",
        "Network interfaces and an instance-level subnet ID may not be specified on the same request")


ROLE_TEMPLATE = {
    "Parameters": {"PolicyArn": {"Type": "String"}},
    "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "managed-policies",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "ManagedPolicyArns": [{"Ref": "PolicyArn"}]}}},
}


def test_role_managed_policy_arns_follow_updates_and_go_with_the_role(clean_sandbox):
    cloudformation, iam = clean_sandbox.client("cloudformation"), clean_sandbox.client("iam")

    def attached():
        policies = iam.list_attached_role_policies(RoleName="managed-policies")["AttachedPolicies"]
        return [policy["PolicyArn"] for policy in policies]

    def parameters(arn):
        return [{"ParameterKey": "PolicyArn", "ParameterValue": arn}]

    read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    cloudformation.create_stack(StackName="role", TemplateBody=json.dumps(ROLE_TEMPLATE),
                                Parameters=parameters(CORE_POLICY), Capabilities=["CAPABILITY_NAMED_IAM"])
    assert attached() == [CORE_POLICY]
    cloudformation.update_stack(StackName="role", TemplateBody=json.dumps(ROLE_TEMPLATE),
                                Parameters=parameters(read_only), Capabilities=["CAPABILITY_NAMED_IAM"])
    assert attached() == [read_only]
    cloudformation.delete_stack(StackName="role")
    (summary,) = cloudformation.list_stacks()["StackSummaries"]
    assert summary["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName="managed-policies")
    assert error_of(excinfo)[0] == "NoSuchEntity"


TOPIC_TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
TWO_TOPICS_TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"},
                                                "Other": {"Type": "AWS::SNS::Topic"}}})


def stacks_named(cloudformation, name):
    return [(summary["StackId"], summary["StackStatus"]) for summary in cloudformation.list_stacks()["StackSummaries"]
            if summary["StackName"] == name]


def test_change_set_without_a_type_updates_the_existing_stack_and_makes_no_second_one(clean_sandbox):
    # The API reference, CreateChangeSet's ChangeSetType: "By default, CloudFormation specifies UPDATE."
    cloudformation = clean_sandbox.client("cloudformation")
    stack_id = cloudformation.create_stack(StackName="topics", TemplateBody=TOPIC_TEMPLATE)["StackId"]
    change_set = cloudformation.create_change_set(StackName="topics", ChangeSetName="more-topics",
                                                  TemplateBody=TWO_TOPICS_TEMPLATE)
    assert change_set["StackId"] == stack_id
    described = cloudformation.describe_change_set(ChangeSetName=change_set["Id"])
    assert (described["StackId"], described["Status"]) == (stack_id, "CREATE_COMPLETE")
    assert stacks_named(cloudformation, "topics") == [(stack_id, "CREATE_COMPLETE")]
    cloudformation.delete_change_set(ChangeSetName=change_set["Id"])

    # The check mode of amazon.aws.cloudformation, then a deletion: nothing of that name is left behind.
    cloudformation.delete_stack(StackName="topics")
    with pytest.raises(ClientError) as excinfo:
        cloudformation.describe_stacks(StackName="topics")
    assert error_of(excinfo) == ("ValidationError", "Stack with id topics does not exist")
    assert stacks_named(cloudformation, "topics") == [(stack_id, "DELETE_COMPLETE")]


def test_change_set_that_changes_nothing_is_created_failed(clean_sandbox):
    cloudformation = clean_sandbox.client("cloudformation")
    cloudformation.create_stack(StackName="topics", TemplateBody=TOPIC_TEMPLATE)
    change_set = cloudformation.create_change_set(StackName="topics", ChangeSetName="same", TemplateBody=TOPIC_TEMPLATE)
    described = cloudformation.describe_change_set(ChangeSetName=change_set["Id"])
    assert described["Status"] == "FAILED"
    assert described["StatusReason"].startswith("The submitted information didn't contain changes.")
    assert len(stacks_named(cloudformation, "topics")) == 1


def test_create_change_set_for_an_existing_stack_is_refused_and_for_a_new_one_reviews(clean_sandbox):
    # "You can't use ... the CREATE type to create a change set for an existing stack"; a new stack is
    # created "with a unique stack ID, but no template or resources ... in the REVIEW_IN_PROGRESS state".
    cloudformation = clean_sandbox.client("cloudformation")
    stack_id = cloudformation.create_stack(StackName="topics", TemplateBody=TOPIC_TEMPLATE)["StackId"]
    with pytest.raises(ClientError) as excinfo:
        cloudformation.create_change_set(StackName="topics", ChangeSetName="again", TemplateBody=TWO_TOPICS_TEMPLATE,
                                         ChangeSetType="CREATE")
    assert error_of(excinfo) == (
        "ValidationError", "Stack [topics] already exists and cannot be created again with the changeSet [again].")
    assert stacks_named(cloudformation, "topics") == [(stack_id, "CREATE_COMPLETE")]

    change_set = cloudformation.create_change_set(StackName="fresh", ChangeSetName="first", TemplateBody=TOPIC_TEMPLATE,
                                                  ChangeSetType="CREATE")
    assert describe(cloudformation, "fresh")["StackStatus"] == "REVIEW_IN_PROGRESS"
    assert stacks_named(cloudformation, "fresh") == [(change_set["StackId"], "REVIEW_IN_PROGRESS")]
