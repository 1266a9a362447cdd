"""The sandbox's shortcuts answer exactly what moto's own code answers."""

import boto3
from moto import mock_aws
from moto.ec2.models import ec2_backends
from moto.iam.models import IAMBackend

from sandbox.moto_fixes.speedups import ec2_resource_tags, init_aws_policies
from sandbox.testing.process import amazon_linux_2_ami


@mock_aws
def test_ec2_resource_tags_match_moto_describe_tags():
    ec2 = boto3.client("ec2", region_name="us-east-1")
    image_id = amazon_linux_2_ami(ec2)
    ids = [item["InstanceId"] for item in ec2.run_instances(ImageId=image_id, MinCount=3, MaxCount=3)["Instances"]]
    ec2.create_tags(Resources=ids[:2], Tags=[{"Key": "Patch Group", "Value": "App"}, {"Key": "Name", "Value": "App"}])
    ec2.create_tags(Resources=[ids[2]], Tags=[{"Key": "Role", "Value": "web"}])
    backend = ec2_backends["123456789012"]["us-east-1"]
    for instance_id in ids + ["i-00000000000000000"]:
        instance = backend.get_instance(instance_id) if instance_id in ids else None
        expected = backend.describe_tags(filters={"resource-id": [instance_id]})
        if instance is not None:
            assert ec2_resource_tags(instance) == expected
    untagged = backend.get_instance(ids[2])
    backend.delete_tags([ids[2]], {"Role": None})
    assert ec2_resource_tags(untagged) == [] == backend.describe_tags(filters={"resource-id": [ids[2]]})


def test_aws_managed_policies_are_moto_s_own_in_the_served_partition_only(monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    served = IAMBackend(region_name="aws", account_id="123456789012")
    ours = init_aws_policies(served)
    assert len(ours) == len(served.aws_managed_policies) > 1000
    assert [(p.arn, p.default_version_id, p.versions[0].document) for p in ours] == [
        (p.arn, p.default_version_id, p.versions[0].document) for p in served.aws_managed_policies]
    assert "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" in {p.arn for p in ours}
    assert init_aws_policies(IAMBackend(region_name="aws-cn", account_id="123456789012")) == []
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    assert init_aws_policies(served) == []

