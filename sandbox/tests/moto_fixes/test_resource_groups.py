"""Resource Groups' ListGroupResources, as the Resource Groups API Reference documents it."""

import json

import pytest
from botocore.exceptions import ClientError

from sandbox.testing.process import amazon_linux_2_ami


def tag_group(client, name, tag_filters, types=("AWS::AllSupported",)):
    query = {"ResourceTypeFilters": list(types), "TagFilters": tag_filters}
    return client.create_group(Name=name, ResourceQuery={"Type": "TAG_FILTERS_1_0", "Query": json.dumps(query)})["Group"]


def arns(client, **kwargs):
    pages = client.get_paginator("list_group_resources").paginate(**kwargs)
    return [resource["Identifier"]["ResourceArn"] for page in pages for resource in page["Resources"]]


def test_a_tag_group_lists_its_instances_managed_or_not_and_hybrid_nodes(clean_sandbox):
    groups, ec2 = clean_sandbox.client("resource-groups"), clean_sandbox.client("ec2")
    managed = clean_sandbox.seed_nodes(2, "AMAZON_LINUX_2", tags={"Team": "db"})
    other = clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Team": "web"})
    hybrid = clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", kind="hybrid", tags={"Team": "db"})
    # An instance without an instance profile is not a managed node, but it is in the group.
    plain = ec2.run_instances(ImageId=amazon_linux_2_ami(ec2), MinCount=1, MaxCount=1,
                              TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Team", "Value": "db"}]}])
    plain_id = plain["Instances"][0]["InstanceId"]
    group = tag_group(groups, "db", [{"Key": "Team", "Values": ["db"]}])

    listed = arns(groups, Group="db")
    ids = sorted(arn.rsplit("/", 1)[1] for arn in listed)
    assert ids == sorted(managed + hybrid + [plain_id])
    assert other[0] not in ids
    assert f"arn:aws:ssm:us-east-1:123456789012:managed-instance/{hybrid[0]}" in listed
    # By ARN too, and filtered by resource type.
    assert sorted(arns(groups, Group=group["GroupArn"])) == sorted(listed)
    only_hybrid = arns(groups, Group="db", Filters=[{"Name": "resource-type", "Values": ["AWS::SSM::ManagedInstance"]}])
    assert [arn.rsplit("/", 1)[1] for arn in only_hybrid] == hybrid


def test_pages_of_at_most_50_and_the_response_shapes(clean_sandbox):
    groups = clean_sandbox.client("resource-groups")
    clean_sandbox.seed_nodes(3, "AMAZON_LINUX_2", kind="hybrid", tags={"Team": "db"})
    tag_group(groups, "db", [{"Key": "Team", "Values": []}], types=["AWS::SSM::ManagedInstance"])
    first = groups.list_group_resources(Group="db", MaxResults=2)
    assert len(first["Resources"]) == 2 and first["NextToken"]
    assert [item["Identifier"] for item in first["Resources"]] == first["ResourceIdentifiers"]
    second = groups.list_group_resources(Group="db", MaxResults=2, NextToken=first["NextToken"])
    assert len(second["Resources"]) == 1 and "NextToken" not in second
    with pytest.raises(ClientError) as error:
        groups.list_group_resources(Group="db", MaxResults=51)
    assert error.value.response["Error"]["Code"] == "BadRequestException"


def test_an_empty_group_and_a_group_of_other_types_list_nothing(clean_sandbox):
    groups = clean_sandbox.client("resource-groups")
    clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Team": "db"})
    tag_group(groups, "nobody", [{"Key": "Team", "Values": ["nobody"]}])
    tag_group(groups, "buckets", [{"Key": "Team", "Values": ["db"]}], types=["AWS::S3::Bucket"])
    assert arns(groups, Group="nobody") == []
    assert arns(groups, Group="buckets") == []


def test_a_missing_group_is_not_found_and_the_call_log_names_the_operation(clean_sandbox):
    groups = clean_sandbox.client("resource-groups")
    clean_sandbox.clear_calls()
    with pytest.raises(ClientError) as error:
        groups.list_group_resources(Group="no-such-group")
    assert error.value.response["Error"]["Code"] == "NotFoundException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    # A REST call is named from botocore's model, so it counts as the read it is.
    assert clean_sandbox.operations(service="resource-groups") == ["ListGroupResources"]
    assert clean_sandbox.mutating_calls() == []
