"""The patch_fleet inventory's pure logic: configuration checks, hosts, variables, groups, role ARNs."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils import fleet_inventory
from ansible_collections.cloudpatch.ssm.plugins.module_utils.fleet_inventory import FleetConfigError

DEFAULTS = {"role_name": "OrganizationAccountAccessRole", "hostname_template": "{account_id}-{region}", "organization": False}


def config(**options):
    return fleet_inventory.check_config(dict(DEFAULTS, **options))


def config_error(**options):
    with pytest.raises(FleetConfigError) as raised:
        config(**options)
    return str(raised.value)


def test_a_listed_account_is_an_id_or_a_dict_of_id_and_name():
    checked = config(accounts=["111111111111", {"id": "222222222222", "name": "payments"}, 333333333333], regions=["us-east-1"])
    assert checked["accounts"] == [
        {"id": "111111111111", "name": None}, {"id": "222222222222", "name": "payments"}, {"id": "333333333333", "name": None}]
    assert checked["regions"] == ["us-east-1"]
    assert checked["exclude_accounts"] == [] and checked["exclude_regions"] == []


@pytest.mark.parametrize("options, message", [
    ({}, "set one of accounts (a list), organizational_units (OU or root ids) or organization: true"),
    ({"organization": False}, "set one of accounts"),
    ({"accounts": []}, "accounts is empty: list at least one account id"),
    ({"accounts": ["111111111111"], "organization": True}, "accounts and organization are exclusive"),
    ({"accounts": ["111111111111"], "organizational_units": ["r-ab12"]}, "accounts and organizational_units are exclusive"),
    ({"organizational_units": ["r-ab12"], "organization": True}, "organizational_units and organization are exclusive"),
    ({"accounts": ["11111111111"]}, "accounts[0] must be a 12-digit AWS account id, got '11111111111'"),
    ({"accounts": ["111111111111\n"]}, "accounts[0] must be a 12-digit AWS account id"),
    ({"accounts": ["1111111111112"]}, "accounts[0] must be a 12-digit AWS account id"),
    ({"accounts": [12345678901]}, "accounts[0] must be a 12-digit account id in quotes (YAML reads unquoted digits as a number"),
    ({"accounts": [True]}, "accounts[0] must be a 12-digit AWS account id, got True"),
    ({"accounts": ["111111111111", "222222222222", "111111111111"]}, "accounts[2] repeats account 111111111111 (accounts[0])"),
    ({"accounts": [{"name": "x"}]}, "accounts[0].id is required"),
    ({"accounts": [{"id": "111111111111", "email": "x"}]}, "accounts[0] has unknown keys email"),
    ({"accounts": [{"id": "111111111111", "name": " "}]}, "accounts[0].name must be a non-blank string"),
    ({"accounts": [{"id": "1111"}]}, "accounts[0].id must be a 12-digit AWS account id"),
    ({"organizational_units": []}, "organizational_units is empty"),
    ({"organizational_units": ["ou-ab12"]},
     "organizational_units[0] must be an organizational unit id (ou-xxxx-yyyyyyyy) or a root id (r-xxxx), got 'ou-ab12'"),
    ({"organizational_units": ["r-AB12"]}, "organizational_units[0] must be an organizational unit id"),
    ({"organizational_units": ["ou-ab12-cd34ef56\n"]}, "organizational_units[0] must be an organizational unit id"),
    ({"organizational_units": ["r-ab12", "r-ab12"]}, "organizational_units[1] repeats r-ab12"),
    ({"organization": True, "exclude_accounts": []}, "exclude_accounts is empty"),
    ({"organization": True, "exclude_accounts": ["12"]}, "exclude_accounts[0] must be a 12-digit AWS account id"),
    ({"organization": True, "regions": []}, "regions is empty"),
    ({"organization": True, "regions": ["us-est-1"]}, "regions[0] must be an AWS region such as us-east-1, got 'us-est-1'"),
    ({"organization": True, "regions": ["us-east-1", "us-east-1"]}, "regions[1] repeats us-east-1"),
    ({"organization": True, "regions": ["us-east-1", "cn-north-1"]}, "regions mixes partitions aws, aws-cn"),
    ({"organization": True, "exclude_regions": ["mars-1"]}, "exclude_regions[0] must be an AWS region"),
    ({"organization": True, "role_name": ""}, "role_name is blank"),
    ({"organization": True, "role_name": None}, "role_name is blank"),
    ({"organization": True, "role_name": "my role"}, "role_name must be an IAM role name"),
    ({"organization": True, "role_name": "r" * 65}, "role_name must be an IAM role name"),
    ({"organization": True, "hostname_template": " "}, "hostname_template is blank"),
    ({"organization": True, "hostname_template": "{account_id}"}, "hostname_template must use {region}"),
    ({"organization": True, "hostname_template": "fleet-{region}"}, "hostname_template must use {account_id} or {account_name}"),
    ({"organization": True, "hostname_template": "{account}-{region}"}, "hostname_template may use {account_id}, {account_name}, {region} only"),
    ({"organization": True, "hostname_template": "{account_id-{region}"}, "hostname_template is not a valid template"),
    ({"accounts": ["111111111111"], "hostname_template": "{account_name}-{region}"}, "hostname_template uses {account_name} but accounts[0] has no name"),
])
def test_bad_configuration_names_the_key(options, message):
    assert message in config_error(**options)


def test_every_problem_is_reported_at_once():
    message = config_error(accounts=["1"], regions=["nowhere"], role_name="")
    assert "accounts[0]" in message and "regions[0]" in message and "role_name is blank" in message


def test_only_active_accounts_count_state_first_then_status():
    assert fleet_inventory.is_active({"State": "ACTIVE", "Status": "ACTIVE"})
    assert not fleet_inventory.is_active({"State": "SUSPENDED", "Status": "SUSPENDED"})
    assert not fleet_inventory.is_active({"State": "PENDING_CLOSURE"})
    assert not fleet_inventory.is_active({"State": "CLOSED", "Status": "SUSPENDED"})
    assert fleet_inventory.is_active({"Status": "ACTIVE"})


def test_an_exclusion_that_leaves_nothing_is_an_error():
    accounts = [{"id": "111111111111"}, {"id": "222222222222"}]
    assert fleet_inventory.excluded(accounts, ["222222222222", "999999999999"]) == [{"id": "111111111111"}]
    with pytest.raises(FleetConfigError, match="exclude_accounts leaves no account: it excludes every one of the 2 found"):
        fleet_inventory.excluded(accounts, ["111111111111", "222222222222"])
    with pytest.raises(FleetConfigError, match="account 111111111111 has no region left once exclude_regions is applied"):
        fleet_inventory.account_regions("111111111111", ["us-east-1"], ["us-east-1"])
    assert fleet_inventory.account_regions("111111111111", ["us-east-1", "eu-west-1"], ["us-east-1"]) == ["eu-west-1"]
    with pytest.raises(FleetConfigError, match="account 111111111111: DescribeRegions listed no enabled region"):
        fleet_inventory.account_regions("111111111111", [], [])


def test_enabled_regions_are_those_not_needing_or_having_opted_in():
    described = [
        {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "af-south-1", "OptInStatus": "opted-in"},
        {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"},
    ]
    assert fleet_inventory.enabled_regions(described) == ["af-south-1", "us-east-1"]


@pytest.mark.parametrize("region, arn", [
    ("us-east-1", "arn:aws:iam::111111111111:role/Patch"),
    ("cn-north-1", "arn:aws-cn:iam::111111111111:role/Patch"),
    ("us-gov-west-1", "arn:aws-us-gov:iam::111111111111:role/Patch"),
])
def test_role_arn_is_in_the_partition_of_the_region(region, arn):
    assert fleet_inventory.role_arn("111111111111", "Patch", region) == arn


def test_a_host_per_account_and_region_with_its_variables_and_groups():
    accounts = [{"id": "111111111111", "name": "pay ments"}, {"id": "222222222222", "name": None}]
    hosts = fleet_inventory.build_hosts(accounts, {"111111111111": ["us-east-1", "eu-west-1"], "222222222222": ["us-east-1"]},
                                        "Patch", "{account_id}-{region}")
    assert [host["name"] for host in hosts] == ["111111111111-us-east-1", "111111111111-eu-west-1", "222222222222-us-east-1"]
    assert hosts[1]["vars"] == {
        "account_id": "111111111111", "account_name": "pay ments", "region": "eu-west-1", "partition": "aws",
        "role_arn": "arn:aws:iam::111111111111:role/Patch", "ansible_connection": "local"}
    assert hosts[1]["groups"] == ["account_111111111111", "region_eu_west_1"]
    assert fleet_inventory.ou_group_edges(hosts) == []


def test_account_names_in_host_names_are_made_safe_and_names_must_differ():
    hosts = fleet_inventory.build_hosts([{"id": "111111111111", "name": "pay ments/EU"}], {"111111111111": ["us-east-1"]},
                                        "Patch", "{account_name}.{region}")
    assert hosts[0]["name"] == "pay-ments-EU.us-east-1"
    accounts = [{"id": "111111111111", "name": "web"}, {"id": "222222222222", "name": "web"}]
    with pytest.raises(FleetConfigError, match="gives 'web-us-east-1' to both 111111111111 us-east-1 and 222222222222 us-east-1"):
        fleet_inventory.build_hosts(accounts, {"111111111111": ["us-east-1"], "222222222222": ["us-east-1"]}, "Patch", "{account_name}-{region}")


def fake_organization():
    """r-ab12 (Root) > ou-ab12-prod0001 (Prod) > ou-ab12-web00001 (Web); r-ab12 > ou-ab12-dev00001 (Dev)."""
    children = {"r-ab12": [{"Id": "ou-ab12-prod0001", "Name": "Prod"}, {"Id": "ou-ab12-dev00001", "Name": "Dev"}],
                "ou-ab12-prod0001": [{"Id": "ou-ab12-web00001", "Name": "Web"}], "ou-ab12-web00001": [], "ou-ab12-dev00001": []}
    accounts = {
        "r-ab12": [{"Id": "999999999999", "Name": "management", "State": "ACTIVE"}],
        "ou-ab12-prod0001": [{"Id": "111111111111", "Name": "prod", "State": "ACTIVE"},
                             {"Id": "444444444444", "Name": "closed", "State": "SUSPENDED", "Status": "SUSPENDED"}],
        "ou-ab12-web00001": [{"Id": "222222222222", "Name": "web", "State": "ACTIVE"}],
        "ou-ab12-dev00001": [{"Id": "333333333333", "Name": "dev", "Status": "ACTIVE"}],
    }
    walked = []

    def list_accounts(parent_id):
        walked.append(parent_id)
        return accounts[parent_id]

    return children.__getitem__, list_accounts, walked


def test_the_walk_finds_active_accounts_under_the_named_ous_and_below():
    list_children, list_accounts, walked = fake_organization()
    found = fleet_inventory.walk_organizational_units([("ou-ab12-prod0001", "Prod")], list_children, list_accounts)
    assert found == [
        {"id": "111111111111", "name": "prod", "ou_id": "ou-ab12-prod0001", "ou_name": "Prod", "ou_ids": ["ou-ab12-prod0001"], "ou_path": "Prod"},
        {"id": "222222222222", "name": "web", "ou_id": "ou-ab12-web00001", "ou_name": "Web",
         "ou_ids": ["ou-ab12-prod0001", "ou-ab12-web00001"], "ou_path": "Prod/Web"},
    ]
    assert walked == ["ou-ab12-prod0001", "ou-ab12-web00001"]


def test_an_ou_named_twice_or_under_another_named_one_is_walked_once():
    list_children, list_accounts, walked = fake_organization()
    found = fleet_inventory.walk_organizational_units([("r-ab12", "Root"), ("ou-ab12-web00001", "Web")], list_children, list_accounts)
    assert [account["id"] for account in found] == ["999999999999", "111111111111", "333333333333", "222222222222"]
    assert sorted(walked) == sorted(set(walked))
    assert found[3]["ou_path"] == "Root/Prod/Web"


def test_ou_groups_nest_as_the_ous_do():
    list_children, list_accounts, _walked = fake_organization()
    accounts = fleet_inventory.walk_organizational_units([("r-ab12", "Root")], list_children, list_accounts)
    hosts = fleet_inventory.build_hosts(accounts, dict((account["id"], ["us-east-1"]) for account in accounts), "Patch", "{account_id}-{region}")
    web = [host for host in hosts if host["vars"]["account_id"] == "222222222222"][0]
    assert web["groups"] == ["account_222222222222", "region_us_east_1", "ou_ab12_web00001"]
    assert web["vars"]["ou_path"] == "Root/Prod/Web" and web["vars"]["ou_ids"] == ["r-ab12", "ou-ab12-prod0001", "ou-ab12-web00001"]
    assert fleet_inventory.ou_group_edges(hosts) == [
        ("r_ab12", "ou_ab12_prod0001"), ("r_ab12", "ou_ab12_dev00001"), ("ou_ab12_prod0001", "ou_ab12_web00001")]
