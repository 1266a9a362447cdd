# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: patch_fleet
short_description: One host per AWS account and region, to patch a whole fleet in one run
version_added: 0.1.0
description:
  - Yields one host per account x region, so that a play runs the collection's modules and roles on
    every account-region at once (in parallel, by forks; sliced across execution nodes by AWX).
  - The accounts come from a list (O(accounts)), from AWS Organizations (O(organization=true), every
    ACTIVE account of the organization, by ListAccounts), or from given organizational units
    (O(organizational_units), the ACTIVE accounts under each OU or root and every OU below it, by
    ListAccountsForParent and ListOrganizationalUnitsForParent). Exactly one of the three; accounts
    that are not ACTIVE (suspended, pending closure) are left out; O(exclude_accounts) removes more.
  - The regions come from O(regions), or, when it is not set, from each account; the inventory assumes
    the account's role (O(role_name)) and asks EC2 DescribeRegions, which without C(AllRegions) lists the
    regions enabled for the account; only those whose C(OptInStatus) is C(opt-in-not-required) or
    C(opted-in) are kept. O(exclude_regions) removes some. Four accounts are asked at a time.
  - 'Host variables: C(account_id), C(account_name) (null for a listed account without a name),
    C(region), C(partition), C(role_arn) (C(arn:<partition>:iam::<account_id>:role/<role_name>), the
    partition of the host''s region), C(ansible_connection=local) and C(ansible_python_interpreter) set to
    C({{ ansible_playbook_python }}); for accounts found under O(organizational_units) also C(ou_id) and
    C(ou_name) (the account''s direct parent), C(ou_ids) and C(ou_path) (ids, and names joined by C(/),
    from the named OU or root down to that parent).'
  - 'Groups: C(account_<account_id>), C(region_<region>) (C(-) made C(_), so C(region_eu_west_1)), and for
    accounts found under O(organizational_units) a group per OU or root named after its id
    (C(ou-ab12-cd34ef56) -> C(ou_ab12_cd34ef56), C(r-ab12) -> C(r_ab12)), each OU''s group holding the groups of
    the OUs below it. O(compose), O(groups) and O(keyed_groups) add more (see P(ansible.builtin.constructed#inventory)).'
  - The calls the inventory makes with the runner's credentials are organizations:ListAccounts,
    organizations:ListAccountsForParent, organizations:ListOrganizationalUnitsForParent,
    organizations:DescribeOrganizationalUnit, organizations:ListRoots and sts:AssumeRole (C(docs/iam-policy-runner.json));
    ec2:DescribeRegions is made as each account's role (C(docs/iam-policy.json), the member-account role's policy).
    With O(accounts) and O(regions) both given it makes no call at all.
  - A configuration that names nothing is an error, never "every account" (an empty list, a blank
    O(role_name), no accounts found under the OUs, or an exclusion that leaves nothing). Every problem is
    reported at once, each naming its configuration key.
  - The configuration file is a YAML file (C(.yml) or C(.yaml)) whose C(plugin) key is C(cloudpatch.ssm.patch_fleet).
options:
  plugin:
    description: The name of this plugin; it marks the file as this plugin's configuration.
    required: true
    type: str
    choices: ['cloudpatch.ssm.patch_fleet']
  accounts:
    description:
      - The accounts, each a 12-digit account id (quote it in YAML, or a leading zero is lost) or a
        dict with C(id) and an optional C(name).
      - Exclusive with O(organizational_units) and O(organization).
    type: list
    elements: raw
  organizational_units:
    description:
      - Organizational unit ids (C(ou-xxxx-yyyyyyyy)) or root ids (C(r-xxxx)), the ACTIVE accounts under
        each and under every OU below it, with their OU in the host variables and groups.
      - Read with the runner's credentials, which must be those of the management account or of a
        delegated administrator for AWS Organizations.
      - Finding no ACTIVE account under them is an error naming them.
      - Exclusive with O(accounts) and O(organization).
    type: list
    elements: str
  organization:
    description:
      - V(true) for every ACTIVE account of the organization of the runner's account (ListAccounts).
        These hosts carry no OU; name the root in O(organizational_units) for OU variables and groups.
      - Exclusive with O(accounts) and O(organizational_units).
    type: bool
    default: false
  exclude_accounts:
    description: Account ids (12 digits) left out, whichever of the three the accounts came from.
    type: list
    elements: str
  regions:
    description:
      - The regions of every account. Unset, each account's enabled regions are asked (see above).
      - Every region must be one botocore's endpoint data knows, all of one partition.
    type: list
    elements: str
  exclude_regions:
    description: Regions left out of every account (useful with discovered regions).
    type: list
    elements: str
  role_name:
    description:
      - The IAM role to assume in each account, in C(role_arn); the inventory assumes it itself only to
        discover regions.
    type: str
    default: OrganizationAccountAccessRole
  hostname_template:
    description:
      - The host's name, from C({account_id}), C({account_name}) and C({region}) (Python format fields; in the
        name, characters of the account name other than letters, digits, C(_), C(.) and C(-) become C(-)).
      - It must use C({region}) and C({account_id}) or C({account_name}); two hosts of one name are an error.
    type: str
    default: '{account_id}-{region}'
notes:
  - With O(organization=true) the management account is one of the accounts; it has no
    C(OrganizationAccountAccessRole) of its own (AWS Organizations creates that role in the accounts it
    creates), so exclude it or give it such a role when regions are discovered or the playbook assumes C(role_arn).
  - Region discovery fails the whole inventory, naming each account whose role could not be assumed or
    whose regions could not be read. With O(regions) given, such an account still has its hosts, and the
    run that assumes C(role_arn) on each host reports it as the one that failed, not as one silently absent.
  - O(region) is where the runner's calls go (Organizations, STS, and DescribeRegions as each account's role);
    unset, the first of O(regions), else C(us-east-1).
  - The runner's credentials are the usual amazon.aws ones (O(profile), O(access_key)..., the environment);
    O(assume_role_arn) first assumes a role with them (for instance into the management account).
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
author:
  - cloudpatch.ssm developers (@cloudpatch)
"""

EXAMPLES = r"""
# fleet.yml: two listed accounts in two regions (4 hosts, no AWS call to build them)
plugin: cloudpatch.ssm.patch_fleet
accounts:
  - "111111111111"
  - id: "222222222222"
    name: payments
regions:
  - us-east-1
  - eu-west-1
role_name: PatchManagerRole

---
# org.yml: every ACTIVE account under two OUs (and their child OUs), in each account's enabled
# regions but one, named after the account; a group per OU name too; cached for an hour
plugin: cloudpatch.ssm.patch_fleet
organizational_units:
  - ou-ab12-cd34ef56
  - ou-ab12-9z8y7x6w
exclude_accounts:
  - "333333333333"
exclude_regions:
  - ap-east-1
hostname_template: "{account_name}-{region}"
keyed_groups:
  - key: ou_name
    prefix: ou_name
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/cloudpatch-fleet
cache_timeout: 3600

---
# whole.yml: every ACTIVE account of the organization but the management account (which has no
# OrganizationAccountAccessRole of its own), read through a role in the management account
plugin: cloudpatch.ssm.patch_fleet
organization: true
exclude_accounts:
  - "999999999999"
assume_role_arn: arn:aws:iam::999999999999:role/FleetInventoryReader
regions:
  - us-east-1
"""

import concurrent.futures
import getpass
import re

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19 templates inventory strings as they are

    def trust_as_template(value):
        return value


from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.cloudpatch.ssm.plugins.module_utils import fleet_calls
from ansible_collections.cloudpatch.ssm.plugins.module_utils import fleet_inventory
from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_NAME
from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_VERSION
from ansible_collections.cloudpatch.ssm.plugins.module_utils.fleet_inventory import FleetConfigError

CONFIG_KEYS = ("accounts", "organizational_units", "organization", "exclude_accounts", "regions", "exclude_regions",
               "role_name", "hostname_template")
DEFAULT_CALL_REGION = "us-east-1"
# Accounts whose regions are asked at once: each is an AssumeRole and a DescribeRegions round trip.
DISCOVERY_WORKERS = 4
USER_AGENT_EXTRA = f"{CLOUDPATCH_SSM_COLLECTION_NAME}/{CLOUDPATCH_SSM_COLLECTION_VERSION} inventory/patch_fleet"
SESSION_NAME_UNSAFE = re.compile(r"[^\w+=,.@-]")


def session_name():
    """A RoleSessionName (2-64 of \\w+=,.@-) that says who ran the inventory."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return SESSION_NAME_UNSAFE.sub("-", f"cloudpatch-fleet-{user}")[:64]


class InventoryModule(AWSInventoryBase):
    NAME = "cloudpatch.ssm.patch_fleet"

    class TemplatedOptions(AWSInventoryBase.TemplatedOptions):
        # amazon.aws templates every item of a list option with `disable_lookups`, which ansible-core 2.19
        # deprecates (a warning on every run); this plugin's `regions` are plain region names.
        TEMPLATABLE_OPTIONS = tuple(option for option in AWSInventoryBase.TemplatedOptions.TEMPLATABLE_OPTIONS if option not in ("regions", "filters"))

    def __init__(self):
        super().__init__()
        self.fleet_config = None

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith((".yml", ".yaml"))

    def _do_fail(self, message):
        raise AnsibleParserError(message)

    def _read_config_data(self, path):
        # Checked before AWSInventoryBase.parse assumes assume_role_arn: bad input makes no call.
        config = super()._read_config_data(path)
        try:
            self.fleet_config = fleet_inventory.check_config({key: self.get_option(key) for key in CONFIG_KEYS})
        except FleetConfigError as e:
            raise AnsibleParserError(f"{path}: {e}") from None
        return config

    def parse(self, inventory, loader, path, cache=True):  # pylint: disable=arguments-differ
        super().parse(inventory, loader, path, cache=cache)
        found, hosts = self.get_cached_result(path, cache)
        if not found:
            try:
                hosts = self._fleet_hosts()
            except FleetConfigError as e:
                raise AnsibleParserError(f"{path}: {e}") from None
            except AnsibleAWSError as e:
                raise AnsibleParserError(f"{path}: {to_native(e)}") from None
        self.update_cached_result(path, cache, hosts)
        self._populate(hosts)

    # --- AWS ------------------------------------------------------------------------------------

    def _call_region(self):
        return self.get_option("region") or (self.fleet_config["regions"] or [DEFAULT_CALL_REGION])[0]

    def _client(self, service, **credentials):
        return self.client(service, region=self._call_region(), config={"user_agent_extra": USER_AGENT_EXTRA}, **credentials)

    def _fleet_hosts(self):
        config = self.fleet_config
        accounts = self._accounts()
        accounts = fleet_inventory.excluded(accounts, config["exclude_accounts"])
        if config["regions"]:
            regions = {account["id"]: fleet_inventory.account_regions(account["id"], config["regions"], config["exclude_regions"])
                       for account in accounts}
        else:
            regions = self._discovered_regions(accounts)
        return fleet_inventory.build_hosts(accounts, regions, config["role_name"], config["hostname_template"])

    def _accounts(self):
        config = self.fleet_config
        if config["accounts"] is not None:
            return config["accounts"]
        client = self._client("organizations")
        if config["organization"]:
            accounts = [{"id": account["Id"], "name": account.get("Name")}
                        for account in fleet_calls.list_accounts(client) if fleet_inventory.is_active(account)]
            if not accounts:
                raise FleetConfigError("organization: the organization has no ACTIVE account")
            return accounts
        parents = self._named_parents(client, config["organizational_units"])

        def listing(call, parent_id):
            found = call(client, parent_id)
            if found is None:
                raise FleetConfigError(f"organizational_units: {parent_id} disappeared from the organization while it was read")
            return found

        accounts = fleet_inventory.walk_organizational_units(
            parents,
            lambda parent_id: listing(fleet_calls.list_organizational_units_for_parent, parent_id),
            lambda parent_id: listing(fleet_calls.list_accounts_for_parent, parent_id),
        )
        if not accounts:
            raise FleetConfigError(
                f"organizational_units: no ACTIVE account under {', '.join(config['organizational_units'])} or the OUs below them")
        return accounts

    @staticmethod
    def _named_parents(client, parent_ids):
        """(id, name) of each OU or root named; FleetConfigError naming every one the organization does not have."""
        roots = None
        parents, missing = [], []
        for index, parent_id in enumerate(parent_ids):
            if parent_id.startswith("r-"):
                if roots is None:
                    roots = {root["Id"]: root.get("Name", root["Id"]) for root in fleet_calls.list_roots(client)}
                name = roots.get(parent_id)
            else:
                unit = fleet_calls.describe_organizational_unit(client, parent_id)
                name = unit.get("Name", parent_id) if unit else None
            if name is None:
                missing.append(f"organizational_units[{index}] {parent_id}")
            parents.append((parent_id, name))
        if missing:
            raise FleetConfigError(f"{', '.join(missing)}: not found in the organization of the runner's account")
        return parents

    def _discovered_regions(self, accounts):
        config = self.fleet_config
        sts = self._client("sts")
        name = session_name()
        partition_region = self._call_region()

        def regions_of(account):
            arn = fleet_inventory.role_arn(account["id"], config["role_name"], partition_region)
            try:
                credentials = fleet_calls.assume_role(sts, arn, name)
                described = fleet_calls.describe_regions(self._client("ec2", profile_name=None, **credentials))
            except AnsibleAWSError as e:
                return None, f"account {account['id']}: {to_native(e)} (role {arn})"
            return fleet_inventory.enabled_regions(described), None

        with concurrent.futures.ThreadPoolExecutor(max_workers=min(DISCOVERY_WORKERS, len(accounts))) as pool:
            answers = list(pool.map(regions_of, accounts))
        failures = [error for _found, error in answers if error]
        if failures:
            raise FleetConfigError(f"could not list the enabled regions of {len(failures)} account(s) (set regions to skip this): {'; '.join(failures)}")
        return {account["id"]: fleet_inventory.account_regions(account["id"], found, config["exclude_regions"])
                for account, (found, _error) in zip(accounts, answers)}

    # --- inventory ------------------------------------------------------------------------------

    def _populate(self, hosts):
        strict = self.get_option("strict")
        for host in hosts:
            name = host["name"]
            self.inventory.add_host(name)
            variables = dict(host["vars"], ansible_python_interpreter=trust_as_template("{{ ansible_playbook_python }}"))
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            for group in host["groups"]:
                self.inventory.add_group(group)
                self.inventory.add_child(group, name)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)
        for parent, child in fleet_inventory.ou_group_edges(hosts):
            self.inventory.add_group(parent)
            self.inventory.add_group(child)
            self.inventory.add_child(parent, child)
