"""EC2 DescribeRegions per account, as the EC2 API reference documents it (sandbox/moto_fixes/ec2_regions.py):
the enabled Regions by default, all with AllRegions, the filters, and opt-in Regions enabled per account."""

import pytest
from botocore.exceptions import ClientError

from sandbox.testing.process import member_account
from sandbox.tests.patch_isolation import new_account_id

OPT_IN_REGION = "ap-east-1"      # one moto marks not-opted-in


def _names(answer):
    return {region["RegionName"] for region in answer["Regions"]}


def test_by_default_only_enabled_regions_of_the_partition(sandbox):
    ec2 = sandbox.client("ec2", account_id=new_account_id())
    enabled = ec2.describe_regions()["Regions"]
    assert {region["OptInStatus"] for region in enabled} == {"opt-in-not-required"}
    assert "us-east-1" in _names({"Regions": enabled})
    everything = ec2.describe_regions(AllRegions=True)
    assert OPT_IN_REGION in _names(everything) and OPT_IN_REGION not in _names({"Regions": enabled})
    assert not any(name.startswith(("us-gov-", "cn-")) for name in _names(everything))


def test_filters_and_names(sandbox):
    ec2 = sandbox.client("ec2", account_id=new_account_id())
    assert _names(ec2.describe_regions(RegionNames=["eu-west-1", OPT_IN_REGION], AllRegions=True)) == {"eu-west-1", OPT_IN_REGION}
    assert _names(ec2.describe_regions(RegionNames=["eu-west-1", OPT_IN_REGION])) == {"eu-west-1"}
    disabled = ec2.describe_regions(AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": ["not-opted-in"]}])
    assert OPT_IN_REGION in _names(disabled) and "us-east-1" not in _names(disabled)
    assert _names(ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["us-west-2"]}])) == {"us-west-2"}
    assert _names(ec2.describe_regions(Filters=[{"Name": "endpoint", "Values": ["ec2.eu-west-1.amazonaws.com"]}])) == {
        "eu-west-1"}
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_regions(Filters=[{"Name": "colour", "Values": ["blue"]}])
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_nodes_seeded_in_an_opt_in_region_enable_it_for_that_account_only(sandbox):
    seeded = sandbox.seed_organization([member_account("hk", regions=[OPT_IN_REGION], nodes=1)],
                                       management_account_id=new_account_id())
    member = seeded["accounts"][0]
    ec2 = sandbox.role_client("ec2", member["role_arn"], account_id=seeded["management_account_id"])
    [hong_kong] = [region for region in ec2.describe_regions()["Regions"] if region["RegionName"] == OPT_IN_REGION]
    assert hong_kong["OptInStatus"] == "opted-in"
    other = sandbox.client("ec2", account_id=seeded["management_account_id"])
    assert OPT_IN_REGION not in _names(other.describe_regions())
