"""Managed nodes: DescribeInstanceInformation over EC2 instances and hybrid nodes, seeding, Python API."""

import datetime
import json

import pytest
from botocore.exceptions import ClientError

from sandbox.agent import managed_nodes
from sandbox.agent.managed_nodes import classify_image, compile_filters, select_nodes

AL2_AMI = "ami-0f8848d57eb4fe2d2"  # moto's latest-AMI data: amzn2-ami-hvm-2.0...-x86_64-gp2
WINDOWS_AMI = "ami-b7e93bce"  # moto's AMI data: Windows_Server-2016-English-Full-Base


def _profile(sandbox, name="ManagedInstanceProfile"):
    iam = sandbox.client("iam")
    iam.create_role(RoleName=name + "Role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name + "Role")
    return name


def _launch(sandbox, image=AL2_AMI, profile=None, count=1, tags=None):
    kwargs = {"ImageId": image, "MinCount": count, "MaxCount": count, "InstanceType": "t3.micro"}
    if profile:
        kwargs["IamInstanceProfile"] = {"Name": profile}
    if tags:
        kwargs["TagSpecifications"] = [{"ResourceType": "instance",
                                        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
    return [i["InstanceId"] for i in sandbox.client("ec2").run_instances(**kwargs)["Instances"]]


def _ids(response):
    return [item["InstanceId"] for item in response["InstanceInformationList"]]


def _all(ssm, **kwargs):
    pages = ssm.get_paginator("describe_instance_information").paginate(**kwargs)
    return [item for page in pages for item in page["InstanceInformationList"]]


def _code(excinfo):
    return excinfo.value.response["Error"]["Code"]


# --------------------------------------------------------------------------- EC2 instances


def test_running_instance_with_profile_is_a_managed_node(clean_sandbox):
    profile = _profile(clean_sandbox)
    managed = _launch(clean_sandbox, profile=profile)[0]
    unmanaged = _launch(clean_sandbox)[0]
    items = _all(clean_sandbox.client("ssm"))
    assert [item["InstanceId"] for item in items] == [managed]
    item = items[0]
    assert item["ResourceType"] == "EC2Instance"
    assert item["PingStatus"] == "Online"
    assert (item["PlatformType"], item["PlatformName"], item["PlatformVersion"]) == ("Linux", "Amazon Linux", "2")
    assert item["ComputerName"].startswith("ip-") and item["ComputerName"].endswith(".ec2.internal")
    ec2_view = clean_sandbox.client("ec2").describe_instances(InstanceIds=[managed])
    assert item["IPAddress"] == ec2_view["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    assert isinstance(item["LastPingDateTime"], datetime.datetime)
    assert item["AgentVersion"] and item["IsLatestVersion"] is True
    assert "Name" not in item and "RegistrationDate" not in item
    assert unmanaged not in [i["InstanceId"] for i in items]


def test_every_instance_of_a_multi_instance_launch_gets_the_profile(clean_sandbox):
    profile = _profile(clean_sandbox)
    launched = _launch(clean_sandbox, profile=profile, count=3)
    assert sorted(_ids(clean_sandbox.client("ssm").describe_instance_information())) == sorted(launched)


def test_stopped_and_terminated_instances_disappear(clean_sandbox):
    profile = _profile(clean_sandbox)
    first, second = _launch(clean_sandbox, profile=profile, count=2)
    ec2, ssm = clean_sandbox.client("ec2"), clean_sandbox.client("ssm")
    ec2.stop_instances(InstanceIds=[first])
    assert _ids(ssm.describe_instance_information()) == [second]
    ec2.start_instances(InstanceIds=[first])
    assert sorted(_ids(ssm.describe_instance_information())) == sorted([first, second])
    ec2.terminate_instances(InstanceIds=[second])
    assert _ids(ssm.describe_instance_information()) == [first]


@pytest.mark.parametrize("image, error", [("ami-0123456789abcdef0", "InvalidAMIID.NotFound"),
                                          ("amazon-linux-2", "InvalidAMIID.Malformed")])
def test_an_ami_that_does_not_exist_is_refused(clean_sandbox, image, error):
    profile = _profile(clean_sandbox)
    with pytest.raises(ClientError) as excinfo:
        _launch(clean_sandbox, image=image, profile=profile)
    assert _code(excinfo) == error
    assert clean_sandbox.client("ec2").describe_instances()["Reservations"] == []
    assert clean_sandbox.nodes() == []


def test_an_image_of_an_instance_keeps_its_system_and_an_unknown_system_is_no_node(clean_sandbox):
    profile = _profile(clean_sandbox)
    ec2 = clean_sandbox.client("ec2")
    [source] = _launch(clean_sandbox, image=WINDOWS_AMI)
    golden = ec2.create_image(InstanceId=source, Name="my-golden-image")["ImageId"]
    appliance = ec2.register_image(Name="vendor-appliance-7", Architecture="x86_64",
                                   RootDeviceName="/dev/xvda")["ImageId"]
    [from_golden] = _launch(clean_sandbox, image=golden, profile=profile)
    [from_appliance] = _launch(clean_sandbox, image=appliance, profile=profile)
    items = _all(clean_sandbox.client("ssm"))
    # The appliance's AMI names no system: no simulated agent runs there, rather than Amazon Linux 2.
    assert [(item["InstanceId"], item["PlatformType"]) for item in items] == [(from_golden, "Windows")]
    assert from_appliance not in [node["instance_id"] for node in clean_sandbox.nodes()]


def test_windows_ami_gives_a_windows_node(clean_sandbox):
    profile = _profile(clean_sandbox)
    node_id = _launch(clean_sandbox, image=WINDOWS_AMI, profile=profile)[0]
    item = clean_sandbox.client("ssm").describe_instance_information()["InstanceInformationList"][0]
    assert item["InstanceId"] == node_id
    assert item["PlatformType"] == "Windows"
    assert item["PlatformName"] == "Microsoft Windows Server 2016 Datacenter"
    assert item["PlatformVersion"] == "10.0.14393"
    assert item["ComputerName"].startswith("EC2AMAZ-")


def test_ec2_tags_are_the_node_tags(clean_sandbox):
    profile = _profile(clean_sandbox)
    app, web = _launch(clean_sandbox, profile=profile, count=2)
    ec2, ssm = clean_sandbox.client("ec2"), clean_sandbox.client("ssm")
    ec2.create_tags(Resources=[app], Tags=[{"Key": "Patch Group", "Value": "App"}])
    ec2.create_tags(Resources=[web], Tags=[{"Key": "Patch Group", "Value": "Web"}, {"Key": "Env", "Value": "x"}])
    assert _ids(ssm.describe_instance_information(Filters=[{"Key": "tag:Patch Group", "Values": ["App"]}])) == [app]
    assert _ids(ssm.describe_instance_information(Filters=[{"Key": "tag-key", "Values": ["Env"]}])) == [web]
    assert sorted(_ids(ssm.describe_instance_information(
        Filters=[{"Key": "tag:Patch Group", "Values": ["App", "Web"]}]))) == sorted([app, web])


# --------------------------------------------------------------------------- hybrid nodes


def test_hybrid_registration_and_deregistration(clean_sandbox):
    node = clean_sandbox.register_node("UBUNTU", name="onprem-db", tags={"Patch Group": "DB"})
    assert managed_nodes.HYBRID_ID.match(node["instance_id"])
    ssm = clean_sandbox.client("ssm")
    item = ssm.describe_instance_information()["InstanceInformationList"][0]
    assert item["InstanceId"] == node["instance_id"]
    assert item["ResourceType"] == "ManagedInstance"
    assert item["Name"] == "onprem-db"
    assert (item["PlatformType"], item["PlatformName"]) == ("Linux", "Ubuntu")
    assert item["IamRole"] and item["ActivationId"] and item["RegistrationDate"]
    assert item["SourceType"] == "AWS::SSM::ManagedInstance"
    assert _ids(ssm.describe_instance_information(Filters=[{"Key": "tag:Patch Group", "Values": ["DB"]}])) == [
        node["instance_id"]
    ]
    ssm.deregister_managed_instance(InstanceId=node["instance_id"])
    assert ssm.describe_instance_information()["InstanceInformationList"] == []
    with pytest.raises(ClientError) as excinfo:
        ssm.deregister_managed_instance(InstanceId=node["instance_id"])
    assert _code(excinfo) == "InvalidInstanceId"


def test_deregistering_a_malformed_id_is_a_validation_error(clean_sandbox):
    with pytest.raises(ClientError) as excinfo:
        clean_sandbox.client("ssm", parameter_validation=False).deregister_managed_instance(
            InstanceId="i-0123456789abcdef0")
    assert _code(excinfo) == "ValidationException"


def test_update_node_ping_status(clean_sandbox):
    node_id = clean_sandbox.register_node("WINDOWS")["instance_id"]
    clean_sandbox.update_node(node_id, ping_status="ConnectionLost")
    ssm = clean_sandbox.client("ssm")
    assert _ids(ssm.describe_instance_information(Filters=[{"Key": "PingStatus", "Values": ["Online"]}])) == []
    assert _ids(ssm.describe_instance_information(
        Filters=[{"Key": "PingStatus", "Values": ["ConnectionLost"]}])) == [node_id]


# --------------------------------------------------------------------------- filters and errors


@pytest.fixture
def mixed_nodes(clean_sandbox):
    linux = clean_sandbox.seed_nodes(3, "AMAZON_LINUX_2", kind="ec2", tags={"Patch Group": "Web"})
    windows = clean_sandbox.seed_nodes(2, "WINDOWS", kind="hybrid", tags={"Role": "dc"}, ping_status="ConnectionLost")
    return clean_sandbox, linux, windows


def test_filters(mixed_nodes):
    sandbox, linux, windows = mixed_nodes
    ssm = sandbox.client("ssm")

    def ids(**kwargs):
        return sorted(item["InstanceId"] for item in _all(ssm, **kwargs))

    assert ids() == sorted(linux + windows)
    assert ids(Filters=[{"Key": "PlatformTypes", "Values": ["Windows"]}]) == sorted(windows)
    assert ids(Filters=[{"Key": "ResourceType", "Values": ["EC2Instance"]}]) == sorted(linux)
    assert ids(Filters=[{"Key": "PingStatus", "Values": ["ConnectionLost"]}]) == sorted(windows)
    assert ids(Filters=[{"Key": "InstanceIds", "Values": [linux[0], windows[0]]}]) == sorted([linux[0], windows[0]])
    assert ids(Filters=[{"Key": "AgentVersion", "Values": [managed_nodes.LATEST_AGENT_VERSION]}]) == sorted(
        linux + windows)
    assert ids(Filters=[{"Key": "tag-key", "Values": ["Role"]}]) == sorted(windows)
    # Several filters all apply.
    assert ids(Filters=[{"Key": "PlatformTypes", "Values": ["Linux"]},
                        {"Key": "InstanceIds", "Values": windows + linux[:1]}]) == linux[:1]
    # The legacy list.
    assert ids(InstanceInformationFilterList=[{"key": "PlatformTypes", "valueSet": ["Linux"]}]) == sorted(linux)
    assert ids(InstanceInformationFilterList=[{"key": "InstanceIds", "valueSet": windows}]) == sorted(windows)
    # A well-formed id that is no node matches nothing.
    assert ids(Filters=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]) == []


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"Filters": [{"Key": "PlatformName", "Values": ["x"]}]}, "InvalidFilterKey"),
        ({"Filters": [{"Key": "tag:", "Values": ["x"]}]}, "InvalidFilterKey"),
        ({"Filters": [{"Key": "PingStatus", "Values": ["Sleeping"]}]}, "InvalidInstanceInformationFilterValue"),
        ({"Filters": [{"Key": "ResourceType", "Values": ["EC2Instance", "ManagedInstance"]}]},
         "InvalidInstanceInformationFilterValue"),
        ({"Filters": [{"Key": "PlatformTypes", "Values": ["Solaris"]}]}, "InvalidInstanceInformationFilterValue"),
        ({"Filters": [{"Key": "InstanceIds", "Values": ["not-an-id"]}]}, "InvalidInstanceId"),
        ({"InstanceInformationFilterList": [{"key": "InstanceIds", "valueSet": ["bogus"]}]}, "InvalidInstanceId"),
        ({"Filters": [{"Key": "PingStatus", "Values": ["Online"]}],
          "InstanceInformationFilterList": [{"key": "PingStatus", "valueSet": ["Online"]}]}, "ValidationException"),
        ({"InstanceInformationFilterList": [{"key": "tag:Name", "valueSet": ["x"]}]}, "ValidationException"),
        ({"MaxResults": 4}, "ValidationException"),
        ({"MaxResults": 51}, "ValidationException"),
        ({"NextToken": "garbage"}, "InvalidNextToken"),
    ],
)
def test_errors(clean_sandbox, kwargs, code):
    ssm = clean_sandbox.client("ssm", parameter_validation=False)
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_instance_information(**kwargs)
    assert _code(excinfo) == code


def test_pagination(clean_sandbox):
    seeded = clean_sandbox.seed_nodes(12, "DEBIAN", kind="hybrid", name_prefix="deb-")
    ssm = clean_sandbox.client("ssm")
    first = ssm.describe_instance_information(MaxResults=5)
    assert len(first["InstanceInformationList"]) == 5 and first["NextToken"]
    second = ssm.describe_instance_information(MaxResults=5, NextToken=first["NextToken"])
    third = ssm.describe_instance_information(MaxResults=5, NextToken=second["NextToken"])
    assert len(third["InstanceInformationList"]) == 2 and "NextToken" not in third
    assert _ids(first) + _ids(second) + _ids(third) == seeded
    # A token only works with the filters it was issued for.
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_instance_information(MaxResults=5, NextToken=first["NextToken"],
                                          Filters=[{"Key": "PingStatus", "Values": ["Online"]}])
    assert _code(excinfo) == "InvalidNextToken"
    paged = ssm.get_paginator("describe_instance_information").paginate(PaginationConfig={"PageSize": 5})
    assert [item["InstanceId"] for item in paged.build_full_result()["InstanceInformationList"]] == seeded
    assert [item["Name"] for item in third["InstanceInformationList"]] == ["deb-00011", "deb-00012"]
    assert {item["PlatformName"] for item in _all(ssm)} == {"Debian GNU/Linux"}


def test_default_page_size_is_50(clean_sandbox):
    clean_sandbox.seed_nodes(51, "AMAZON_LINUX_2023", kind="hybrid")
    page = clean_sandbox.client("ssm").describe_instance_information()
    assert len(page["InstanceInformationList"]) == 50 and page["NextToken"]


# --------------------------------------------------------------------------- seeding


def test_seed_10000_ec2_nodes(clean_sandbox):
    ids = clean_sandbox.seed_nodes(10_000, "AMAZON_LINUX_2", kind="ec2", tags={"Patch Group": "Fleet"},
                                   name_prefix="fleet-")
    assert len(ids) == len(set(ids)) == 10_000
    nodes = clean_sandbox.nodes()
    assert len(nodes) == 10_000
    assert {node["operating_system"] for node in nodes} == {"AMAZON_LINUX_2"}
    assert nodes[0]["tags"] == {"Patch Group": "Fleet", "Name": "fleet-00001"}
    ssm = clean_sandbox.client("ssm", read_timeout=120)
    page = ssm.describe_instance_information(Filters=[{"Key": "tag:Name", "Values": ["fleet-10000"]}])
    assert _ids(page) == [ids[-1]]
    # They are real EC2 instances: EC2's own API pages through them and can tag them.
    ec2 = clean_sandbox.client("ec2", read_timeout=120)
    described = ec2.describe_instances(MaxResults=5)
    assert len([i for r in described["Reservations"] for i in r["Instances"]]) == 5
    ec2.create_tags(Resources=[ids[0]], Tags=[{"Key": "Patch Group", "Value": "Canary"}])
    page = ssm.describe_instance_information(Filters=[{"Key": "tag:Patch Group", "Values": ["Canary"]}])
    assert _ids(page) == [ids[0]]


@pytest.mark.parametrize("system", ["UBUNTU", "REDHAT_ENTERPRISE_LINUX", "WINDOWS", "ROCKY_LINUX", "AMAZON_LINUX_2023"])
def test_seeded_ec2_nodes_run_an_ami_of_their_system(clean_sandbox, system):
    node_id = clean_sandbox.seed_nodes(1, system, kind="ec2")[0]
    instance = clean_sandbox.client("ec2").describe_instances(InstanceIds=[node_id])["Reservations"][0]["Instances"][0]
    image = clean_sandbox.client("ec2").describe_images(ImageIds=[instance["ImageId"]])["Images"][0]
    assert classify_image(image["Name"], image.get("Description"), image.get("Platform"))[0] == system
    assert instance["IamInstanceProfile"]["Arn"].endswith(managed_nodes.SANDBOX_INSTANCE_PROFILE)
    assert clean_sandbox.nodes()[0]["operating_system"] == system


def test_seed_rejects_unknown_system(clean_sandbox):
    with pytest.raises(Exception) as excinfo:
        clean_sandbox.seed_nodes(1, "BEOS")
    assert excinfo.value.code == 400


# --------------------------------------------------------------------------- Python API and pure functions


@pytest.mark.parametrize(
    "name, description, platform, expected",
    [
        ("amzn2-ami-hvm-2.0.20180810-x86_64-gp2", "", None, ("AMAZON_LINUX_2", "Linux", "Amazon Linux", "2")),
        ("al2023-ami-2023.12.20260930.0-kernel-6.1-x86_64", "", None,
         ("AMAZON_LINUX_2023", "Linux", "Amazon Linux", "2023")),
        ("amzn-ami-hvm-2018.03.0.20231218.0-x86_64-gp2", "", None,
         ("AMAZON_LINUX", "Linux", "Amazon Linux AMI", "2018.03")),
        ("Windows_Server-2012-R2_RTM-English-64Bit-SQL_2016_SP1_Web", "", "windows",
         ("WINDOWS", "Windows", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600")),
        ("ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-20170721", "", None,
         ("UBUNTU", "Linux", "Ubuntu", "16.04")),
        ("RHEL-7.4_HVM_GA-20170808-x86_64-2-Hourly2-GP2", "", None,
         ("REDHAT_ENTERPRISE_LINUX", "Linux", "Red Hat Enterprise Linux", "7.4")),
        ("suse-sles-12-sp3-v20170907-hvm-ssd-x86_64", "", None, ("SUSE", "Linux", "SLES", "12.3")),
        ("my-golden-image", "", None, None),       # nothing names the system: not taken for Amazon Linux 2
    ],
)
def test_classify_image(name, description, platform, expected):
    assert classify_image(name, description, platform) == expected


def test_every_operating_system_has_a_platform():
    for system in managed_nodes.OPERATING_SYSTEMS:
        platform_type, platform_name, _ = managed_nodes.platform_for(system)
        assert platform_type in managed_nodes.PLATFORM_TYPES and platform_name


def test_python_api_in_process():
    from moto.ssm.models import ssm_backends  # pylint: disable=import-outside-toplevel

    backend = ssm_backends["111122223333"]["eu-west-1"]
    node = managed_nodes.register_hybrid_node(backend, "SUSE", tags={"Patch Group": "Db"})
    assert backend._resource_tags["ManagedInstance"][node.instance_id] == {"Patch Group": "Db"}
    found = managed_nodes.get_managed_node(backend, node.instance_id)
    assert (found.resource_type, found.operating_system, found.tags) == ("ManagedInstance", "SUSE", {"Patch Group": "Db"})
    ec2_ids = managed_nodes.seed_nodes(backend, 2, "WINDOWS", kind="ec2", tags={"Env": "prod"})
    ec2_node = managed_nodes.get_managed_node(backend, ec2_ids[0])
    assert (ec2_node.resource_type, ec2_node.operating_system, ec2_node.platform_type) == (
        "EC2Instance", "WINDOWS", "Windows")
    assert ec2_node.tags == {"Env": "prod"}
    assert [n.instance_id for n in managed_nodes.iter_managed_nodes(backend)] == ec2_ids + [node.instance_id]
    assert managed_nodes.get_managed_node(backend, "mi-00000000000000000") is None
    assert managed_nodes.get_managed_node(backend, "i-00000000000000000") is None
    nodes = list(managed_nodes.iter_managed_nodes(backend))
    assert select_nodes(nodes, compile_filters([{"Key": "tag:Env", "Values": ["prod"]}], None)) == [
        n for n in nodes if n.instance_id in ec2_ids]
    assert managed_nodes.deregister_hybrid_node(backend, node.instance_id)
    assert node.instance_id not in backend._resource_tags.get("ManagedInstance", {})
