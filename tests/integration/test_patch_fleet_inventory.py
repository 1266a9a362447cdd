"""The patch_fleet inventory through `ansible-inventory --list`, against the sandbox's Organizations, STS and EC2.

The inventory signs as the runner (RUNNER_ACCESS_KEY: tests/iam_policy checks docs/iam-policy-runner.json
against what was called with it); the organization is seeded through boto3 with the sandbox's default key.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COLLECTIONS_PATH = Path(__file__).resolve().parents[2] / ".build" / "collections"
# tests/iam_policy/test_iam_policy.py reads the calls signed with this key as the inventory runner's.
RUNNER_ACCESS_KEY = "patch-fleet-runner"
ENABLED = ("opt-in-not-required", "opted-in")


def unwrap(value):
    """ansible-inventory's legacy --list marks strings from plugins as {"__ansible_unsafe": ...}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((key, unwrap(item)) for key, item in value.items())
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def run_inventory(sandbox, tmp_path, config, expect_failure=False):
    source = tmp_path / "fleet.yml"
    source.write_text("plugin: cloudpatch.ssm.patch_fleet\n" + config, encoding="utf-8")
    environment = {
        **os.environ,
        **sandbox.environment(),
        "AWS_ACCESS_KEY_ID": RUNNER_ACCESS_KEY,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
        # Only the plugin reads the file, and a configuration it refuses fails the command.
        "ANSIBLE_INVENTORY_ENABLED": "auto",
        "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True",
        "ANSIBLE_NOCOLOR": "1",
    }
    command = [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(source), "--list"]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr
    if (result.returncode != 0) != expect_failure:
        pytest.fail(f"ansible-inventory exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    if expect_failure:
        return " ".join(result.stderr.split())
    return unwrap(json.loads(result.stdout))


def hosts_of(inventory, group):
    return sorted(inventory.get(group, {}).get("hosts", []))


@pytest.fixture
def organization(clean_sandbox):
    """Root > Prod (prod, and closed: suspended) > Web (web); Root > Dev (dev); Root > Empty; the management account at the root."""
    org = clean_sandbox.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]

    def unit(parent, name):
        return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    def account(name, parent):
        account_id = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=parent)
        return account_id

    prod = unit(root, "Prod")
    web = unit(prod, "Web")
    dev = unit(root, "Dev")
    empty = unit(root, "Empty")
    ids = {"root": root, "prod": prod, "web": web, "dev": dev, "empty": empty,
           "prod_account": account("prod", prod), "closed": account("closed", prod), "web_account": account("web", web),
           "dev_account": account("dev", dev)}
    org.close_account(AccountId=ids["closed"])
    ids["management"] = org.describe_organization()["Organization"]["MasterAccountId"]
    clean_sandbox.clear_calls()
    return ids


def runner_calls(sandbox):
    return [call for call in sandbox.calls() if call["service"] in ("organizations", "sts", "ec2")]


def test_listed_accounts_and_regions_give_a_host_each_without_a_call(clean_sandbox, tmp_path):
    inventory = run_inventory(clean_sandbox, tmp_path, (
        "accounts:\n  - '111111111111'\n  - {id: '222222222222', name: payments}\n"
        "regions: [us-east-1, eu-west-1]\nrole_name: PatchManagerRole\n"
        "keyed_groups:\n  - key: account_name | default('unnamed', true)\n    prefix: name\n"))
    hostvars = inventory["_meta"]["hostvars"]
    assert sorted(hostvars) == ["111111111111-eu-west-1", "111111111111-us-east-1", "222222222222-eu-west-1", "222222222222-us-east-1"]
    assert hostvars["222222222222-eu-west-1"] == {
        "account_id": "222222222222", "account_name": "payments", "region": "eu-west-1", "partition": "aws",
        "role_arn": "arn:aws:iam::222222222222:role/PatchManagerRole", "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    assert hosts_of(inventory, "account_111111111111") == ["111111111111-eu-west-1", "111111111111-us-east-1"]
    assert hosts_of(inventory, "region_eu_west_1") == ["111111111111-eu-west-1", "222222222222-eu-west-1"]
    assert hosts_of(inventory, "name_payments") == ["222222222222-eu-west-1", "222222222222-us-east-1"]
    assert hosts_of(inventory, "name_unnamed") == ["111111111111-eu-west-1", "111111111111-us-east-1"]
    assert clean_sandbox.calls() == []


def test_accounts_under_an_ou_and_its_child_ous_active_only(organization, clean_sandbox, tmp_path):
    inventory = run_inventory(clean_sandbox, tmp_path, f"organizational_units: [{organization['prod']}]\nregions: [us-east-1, eu-west-1]\n")
    hostvars = inventory["_meta"]["hostvars"]
    prod, web = organization["prod_account"], organization["web_account"]
    assert sorted(hostvars) == sorted(f"{account}-{region}" for account in (prod, web) for region in ("us-east-1", "eu-west-1"))
    assert organization["closed"] not in {host["account_id"] for host in hostvars.values()}
    web_host = hostvars[f"{web}-us-east-1"]
    assert (web_host["account_name"], web_host["ou_id"], web_host["ou_name"], web_host["ou_path"], web_host["ou_ids"]) == (
        "web", organization["web"], "Web", "Prod/Web", [organization["prod"], organization["web"]])
    assert hostvars[f"{prod}-eu-west-1"]["ou_path"] == "Prod"
    prod_group, web_group = (organization[key].replace("-", "_") for key in ("prod", "web"))
    assert hosts_of(inventory, prod_group) == [f"{prod}-eu-west-1", f"{prod}-us-east-1"]
    assert inventory[prod_group]["children"] == [web_group]
    assert hosts_of(inventory, web_group) == [f"{web}-eu-west-1", f"{web}-us-east-1"]
    operations = sorted(call["operation"] for call in runner_calls(clean_sandbox))
    assert operations == ["DescribeOrganizationalUnit"] + ["ListAccountsForParent"] * 2 + ["ListOrganizationalUnitsForParent"] * 2
    assert {call["access_key_id"] for call in runner_calls(clean_sandbox)} == {RUNNER_ACCESS_KEY}


def test_the_root_or_the_whole_organization_leaves_suspended_accounts_out(organization, clean_sandbox, tmp_path):
    active = sorted(organization[key] for key in ("management", "prod_account", "web_account", "dev_account"))
    by_root = run_inventory(clean_sandbox, tmp_path, f"organizational_units: [{organization['root']}]\nregions: [us-east-1]\n")
    assert sorted(host["account_id"] for host in by_root["_meta"]["hostvars"].values()) == active
    assert by_root["_meta"]["hostvars"][f"{organization['dev_account']}-us-east-1"]["ou_path"] == "Root/Dev"
    assert [call["operation"] for call in runner_calls(clean_sandbox)].count("ListRoots") == 1

    clean_sandbox.clear_calls()
    whole = run_inventory(clean_sandbox, tmp_path, f"organization: true\nexclude_accounts: ['{organization['management']}']\nregions: [us-east-1]\n")
    hostvars = whole["_meta"]["hostvars"]
    assert sorted(host["account_id"] for host in hostvars.values()) == [account for account in active if account != organization["management"]]
    assert all("ou_id" not in host for host in hostvars.values())
    assert [call["operation"] for call in runner_calls(clean_sandbox)] == ["ListAccounts"]


def test_regions_enabled_for_each_account_are_read_as_its_role(organization, clean_sandbox, tmp_path):
    described = clean_sandbox.client("ec2").describe_regions(AllRegions=True)["Regions"]
    enabled = sorted(region["RegionName"] for region in described if region["OptInStatus"] in ENABLED)
    assert 0 < len(enabled) < len(described)
    accounts = [organization["prod_account"], organization["dev_account"]]
    for account in accounts:
        clean_sandbox.put_role(account, "PatchRole", trusted_principal=organization["management"])
    clean_sandbox.clear_calls()
    inventory = run_inventory(clean_sandbox, tmp_path, f"accounts: {json.dumps(accounts)}\nexclude_regions: [us-west-1]\nrole_name: PatchRole\n")
    expected = sorted(f"{account}-{region}" for account in accounts for region in enabled if region != "us-west-1")
    assert sorted(inventory["_meta"]["hostvars"]) == expected
    calls = runner_calls(clean_sandbox)
    assumed = [call for call in calls if call["operation"] == "AssumeRole"]
    assert sorted(call["parameters"]["RoleArn"] for call in assumed) == sorted(f"arn:aws:iam::{account}:role/PatchRole" for account in accounts)
    assert all(call["parameters"]["RoleSessionName"].startswith("cloudpatch-fleet-") for call in assumed)
    assert {call["access_key_id"] for call in assumed} == {RUNNER_ACCESS_KEY}
    regions_calls = [call for call in calls if call["operation"] == "DescribeRegions"]
    assert len(regions_calls) == 2 and RUNNER_ACCESS_KEY not in {call["access_key_id"] for call in regions_calls}
    assert len(calls) == 4


@pytest.mark.parametrize("config, message", [
    ("accounts: []\n", "accounts is empty: list at least one account id"),
    ("accounts: ['12345678901']\nregions: [us-east-1]\n", "accounts[0] must be a 12-digit AWS account id, got '12345678901'"),
    ("accounts: ['111111111111']\nregions: [us-est-1]\n", "regions[0] must be an AWS region such as us-east-1, got 'us-est-1'"),
    ("accounts: ['111111111111']\nregions: [us-east-1]\nrole_name: ''\n", "role_name is blank"),
    ("accounts: ['111111111111']\norganization: true\n", "accounts and organization are exclusive"),
    ("organizational_units: [ou-12]\n", "organizational_units[0] must be an organizational unit id (ou-xxxx-yyyyyyyy) or a root id (r-xxxx)"),
    ("regions: [us-east-1]\n", "set one of accounts (a list), organizational_units (OU or root ids) or organization: true"),
])
def test_a_bad_configuration_fails_naming_its_key_before_any_call(clean_sandbox, tmp_path, config, message):
    output = run_inventory(clean_sandbox, tmp_path, config, expect_failure=True)
    assert message in output
    assert clean_sandbox.calls() == []


def test_ous_that_do_not_exist_or_hold_no_active_account_are_errors(organization, clean_sandbox, tmp_path):
    missing = "ou-" + organization["prod"].split("-")[1] + "-zzzzzzzz"
    output = run_inventory(clean_sandbox, tmp_path, f"organizational_units: [{organization['prod']}, {missing}]\nregions: [us-east-1]\n",
                           expect_failure=True)
    assert f"organizational_units[1] {missing}: not found in the organization of the runner's account" in output
    output = run_inventory(clean_sandbox, tmp_path, f"organizational_units: [{organization['empty']}]\nregions: [us-east-1]\n", expect_failure=True)
    assert f"organizational_units: no ACTIVE account under {organization['empty']} or the OUs below them" in output
    output = run_inventory(clean_sandbox, tmp_path, f"organization: true\nexclude_accounts: ['{organization['management']}', '{organization['prod_account']}',"
                           f" '{organization['web_account']}', '{organization['dev_account']}']\nregions: [us-east-1]\n", expect_failure=True)
    assert "exclude_accounts leaves no account: it excludes every one of the 4 found" in output
    assert clean_sandbox.mutating_calls() == []


def test_an_account_whose_role_cannot_be_assumed_fails_the_discovery_naming_it(organization, clean_sandbox, tmp_path):
    prod, dev = organization["prod_account"], organization["dev_account"]
    # prod's role trusts another account only; dev keeps the role Organizations made, trusting the management account.
    clean_sandbox.put_role(prod, "OrganizationAccountAccessRole", trusted_principal="111122223333")
    clean_sandbox.clear_calls()
    output = run_inventory(clean_sandbox, tmp_path, f"accounts: ['{prod}', '{dev}']\n", expect_failure=True)
    assert "could not list the enabled regions of 1 account(s) (set regions to skip this)" in output
    assert f"account {prod}: Failed to assume the member account's role: An error occurred (AccessDenied)" in output
    assert f"(role arn:aws:iam::{prod}:role/OrganizationAccountAccessRole)" in output
    assert f"account {dev}" not in output
    assert sorted(call["operation"] for call in runner_calls(clean_sandbox)) == ["AssumeRole", "AssumeRole", "DescribeRegions"]


def test_a_cached_inventory_is_built_again_without_a_call(organization, clean_sandbox, tmp_path):
    config = (f"organizational_units: [{organization['dev']}]\nregions: [us-east-1]\n"
              f"cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {tmp_path / 'cache'}\n")
    first = run_inventory(clean_sandbox, tmp_path, config)
    assert len(runner_calls(clean_sandbox)) == 3
    clean_sandbox.clear_calls()
    second = run_inventory(clean_sandbox, tmp_path, config)
    assert second["_meta"]["hostvars"] == first["_meta"]["hostvars"] == {
        f"{organization['dev_account']}-us-east-1": second["_meta"]["hostvars"][f"{organization['dev_account']}-us-east-1"]}
    assert second[organization["dev"].replace("-", "_")] == first[organization["dev"].replace("-", "_")]
    assert runner_calls(clean_sandbox) == []


def test_a_play_runs_on_every_host_locally_with_the_playbook_python(clean_sandbox, tmp_path):
    source = tmp_path / "fleet.yml"
    source.write_text("plugin: cloudpatch.ssm.patch_fleet\naccounts: ['111111111111', '222222222222']\nregions: [us-east-1, eu-west-1]\n", encoding="utf-8")
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- name: Every account-region\n  hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - name: Runs here, with the playbook's python (the inventory's template is trusted)\n"
        "      ansible.builtin.command: \"{{ ansible_python_interpreter }} -c 'import sys; print(sys.executable)'\"\n"
        "      register: fleet_python\n      changed_when: false\n"
        "    - name: The interpreter ran is the playbook's\n      ansible.builtin.assert:\n        that:\n"
        "          - fleet_python.stdout == ansible_playbook_python\n          - ansible_connection == 'local'\n"
        "          - role_arn == 'arn:aws:iam::' ~ account_id ~ ':role/OrganizationAccountAccessRole'\n", encoding="utf-8")
    environment = {**os.environ, **clean_sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH), "ANSIBLE_NOCOLOR": "1",
                   "ANSIBLE_INVENTORY_ENABLED": "auto", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True"}
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(source), str(playbook)]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok=2 " in result.stdout and result.stdout.count("ok=2 ") == 4


def test_an_organizations_error_is_a_message_not_a_traceback(organization, clean_sandbox, tmp_path):
    clean_sandbox.set_fault("organizations", "ListAccounts", access_denied_rate=1.0)
    output = run_inventory(clean_sandbox, tmp_path, "organization: true\nregions: [us-east-1]\n", expect_failure=True)
    assert "fleet.yml: Failed to list the accounts of the organization: An error occurred (AccessDenied" in output
    assert [call["operation"] for call in runner_calls(clean_sandbox)] == ["ListAccounts"]
