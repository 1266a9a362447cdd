"""playbooks/fleet/hosts_check.yml, which every fleet playbook imports first: a run whose fleet_hosts and --limit
leave no account-region host fails, naming them, instead of "skipping: no hosts matched" and exit 0.

A static inventory shaped as the patch_fleet plugin's groups (no sandbox, no AWS call: the check reads only the
inventory). --limit matters most: an AWX job template's Limit field is one, and it need not name localhost.
"""

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
INVENTORY = """
all:
  children:
    account_111111111111: {hosts: {111111111111-eu-west-1: {}}}
    account_222222222222: {hosts: {222222222222-eu-west-1: {}}}
    account_333333333333: {hosts: {333333333333-us-east-1: {}}}
    region_us_east_1: {hosts: {333333333333-us-east-1: {}}}
    region_eu_west_1: {hosts: {111111111111-eu-west-1: {}, 222222222222-eu-west-1: {}}}
"""


def ansible_playbook(tmp_path, playbook, *arguments, inventory=INVENTORY):
    inventory_file = tmp_path / "inventory.yml"
    inventory_file.write_text(inventory, encoding="utf-8")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory_file), str(REPO_ROOT / "playbooks" / "fleet" / playbook),
               "-e", f"ansible_python_interpreter={sys.executable}", *arguments]
    # No AWS_* variable: a task that got as far as a call would fail for want of a region or credentials.
    environment = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(tmp_path),
                   "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH), "ANSIBLE_NOCOLOR": "1"}
    result = subprocess.run(command, env=environment, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    return result.returncode, " ".join(output.split())


@pytest.mark.parametrize("arguments, described", [
    # The limit's hosts are all outside fleet_hosts; the check play itself would be skipped if it ran on localhost only.
    (["-e", "fleet_hosts=region_us_east_1", "--limit", "account_111111111111"], "fleet_hosts region_us_east_1 with --limit account_111111111111"),
    # A limit of two patterns, both outside fleet_hosts: a union, not the first one intersected and the second added.
    (["-e", "fleet_hosts=region_us_east_1", "--limit", "account_111111111111,region_eu_west_1"],
     "fleet_hosts region_us_east_1 with --limit account_111111111111,region_eu_west_1"),
    (["-e", "fleet_hosts=account_999999999999"], "fleet_hosts account_999999999999"),
])
def test_no_host_left_fails_naming_the_pattern_and_the_limit(tmp_path, arguments, described):
    returncode, output = ansible_playbook(tmp_path, "hosts_check.yml", *arguments)
    assert returncode != 0
    assert f"{described} matches no host of the inventory: nothing would run." in output, output


def test_an_inventory_without_hosts_fails(tmp_path):
    returncode, output = ansible_playbook(tmp_path, "hosts_check.yml", inventory="all: {}\n")
    assert returncode != 0
    assert "fleet_hosts all matches no host of the inventory: nothing would run." in output, output


# The check runs once, on the first host the run has (inventory order).
@pytest.mark.parametrize("arguments, checked_on", [
    ([], "111111111111-eu-west-1"),
    (["-e", "fleet_hosts=region_us_east_1", "--limit", "account_222222222222,account_333333333333"], "222222222222-eu-west-1"),
    (["-e", "fleet_hosts=region_eu_west_1", "--limit", "!111111111111-eu-west-1"], "222222222222-eu-west-1"),
])
def test_hosts_left_pass_the_check_once(tmp_path, arguments, checked_on):
    returncode, output = ansible_playbook(tmp_path, "hosts_check.yml", *arguments)
    assert returncode == 0, output
    assert f"ok: [{checked_on}]" in output and output.count("ok: [") == 1, output


def test_the_scan_playbook_stops_at_the_check_under_a_limit_outside_fleet_hosts(tmp_path):
    returncode, output = ansible_playbook(tmp_path, "scan.yml", "-e", "fleet_hosts=region_us_east_1", "--limit", "account_111111111111")
    assert returncode != 0
    assert "fleet_hosts region_us_east_1 with --limit account_111111111111 matches no host of the inventory" in output, output
    assert "Take the account-region's credentials" not in output
