# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pure logic of the patch_fleet inventory: its configuration checks, and from accounts and regions
the hosts (one per account x region), their variables and their groups.

Nothing here calls AWS: the checks take their facts from botocore (the Organizations and IAM service
models' patterns, the regions and partitions of its endpoint data).
"""

import functools
import re
import string

try:
    import botocore.session
except ImportError:
    pass  # the inventory plugin reports a missing botocore

from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import anchored
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import blank
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import region_error

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
DEFAULT_HOSTNAME_TEMPLATE = "{account_id}-{region}"
HOSTNAME_FIELDS = ("account_id", "account_name", "region")
# DescribeRegions' OptInStatus of an enabled region (EC2 API reference, RegionInfo).
ENABLED_OPT_IN_STATUSES = ("opt-in-not-required", "opted-in")
ACTIVE = "ACTIVE"
# What a group name may hold: Ansible warns about (and `constructed` replaces) anything else.
GROUP_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
HOSTNAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class FleetConfigError(Exception):
    """A configuration that cannot give an inventory; the message names the configuration key."""


@functools.lru_cache(maxsize=1)
def _session():
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def _pattern(service, shape):
    return anchored(_session().get_service_model(service).shape_for(shape).metadata["pattern"])


def account_id_pattern():
    return _pattern("organizations", "AccountId")


def organizational_unit_id_pattern():
    return _pattern("organizations", "OrganizationalUnitId")


def root_id_pattern():
    return _pattern("organizations", "RootId")


def role_name_pattern():
    return _pattern("iam", "roleNameType")


def partition_of(region):
    return _session().get_partition_for_region(region)


# --- configuration --------------------------------------------------------------------------------


def _account_id_error(option, value):
    # YAML reads unquoted digits as a number: 012345678901 would lose its leading zero, so only a
    # 12-digit number (which lost nothing) is taken as an id.
    if isinstance(value, int) and not isinstance(value, bool) and 10**11 <= value < 10**12:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{option} must be a 12-digit account id in quotes (YAML reads unquoted digits as a number and drops leading zeros), got {value}"
    if not full_match(account_id_pattern(), value):
        return f"{option} must be a 12-digit AWS account id, got {value!r}"
    return None


def _account_entry(option, entry):
    """(account id, name or None, error or None) of one `accounts` item: an id, or a dict with id and name."""
    if isinstance(entry, dict):
        unknown = sorted(set(entry) - {"id", "name"})
        if unknown:
            return None, None, f"{option} has unknown keys {', '.join(map(str, unknown))}: an account is an id or a dict of id and name"
        if "id" not in entry:
            return None, None, f"{option}.id is required"
        error = _account_id_error(f"{option}.id", entry["id"])
        name = entry.get("name")
        if not error and name is not None and (not isinstance(name, str) or blank(name)):
            error = f"{option}.name must be a non-blank string, got {name!r}"
        return (None, None, error) if error else (str(entry["id"]), name, None)
    error = _account_id_error(option, entry)
    return (None, None, error) if error else (str(entry), None, None)


def _list_errors(option, values, check):
    """Errors of a list option: empty, bad items (check(option[i], item) -> error or None), repeats."""
    if values is None:
        return []
    if blank(values):
        return [f"{option} is empty: name at least one value, or leave {option} out"]
    errors, seen = [], set()
    for index, value in enumerate(values):
        error = check(f"{option}[{index}]", value)
        if error:
            errors.append(error)
        elif str(value) in seen:
            errors.append(f"{option}[{index}] repeats {value}")
        seen.add(str(value))
    return errors


def _parent_id_error(option, value):
    if full_match(organizational_unit_id_pattern(), value) or full_match(root_id_pattern(), value):
        return None
    return f"{option} must be an organizational unit id (ou-xxxx-yyyyyyyy) or a root id (r-xxxx), got {value!r}"


def _hostname_template_error(template):
    if not isinstance(template, str) or blank(template):
        return "hostname_template is blank: leave it out for {account_id}-{region}"
    try:
        fields = [field for _literal, field, _spec, _conversion in string.Formatter().parse(template) if field is not None]
    except ValueError as e:
        return f"hostname_template is not a valid template ({e}): {template!r}"
    unknown = [field for field in fields if field not in HOSTNAME_FIELDS]
    if unknown or not fields:
        return f"hostname_template may use {{{'}, {'.join(HOSTNAME_FIELDS)}}} only, and at least one of them, got {template!r}"
    if "region" not in fields:
        return f"hostname_template must use {{region}}: there is a host per account and region, got {template!r}"
    if "account_id" not in fields and "account_name" not in fields:
        return f"hostname_template must use {{account_id}} or {{account_name}}: there is a host per account and region, got {template!r}"
    return None


def check_config(options):
    """The checked configuration (a dict), from the plugin's options; FleetConfigError lists every problem.

    `options`: accounts, organizational_units, organization, exclude_accounts, regions, exclude_regions,
    role_name, hostname_template (None where not set).
    """
    errors = []
    sources = [key for key in ("accounts", "organizational_units") if options.get(key) is not None]
    if options.get("organization"):
        sources.append("organization")
    if not sources:
        errors.append("set one of accounts (a list), organizational_units (OU or root ids) or organization: true: the inventory never guesses every account")
    elif len(sources) > 1:
        errors.append(f"{' and '.join(sources)} are exclusive: the accounts come from one of them")

    accounts = []
    raw_accounts = options.get("accounts")
    if raw_accounts is not None:
        if blank(raw_accounts):
            errors.append("accounts is empty: list at least one account id, or use organizational_units or organization: true")
        seen = {}
        for index, entry in enumerate(raw_accounts or []):
            account_id, name, error = _account_entry(f"accounts[{index}]", entry)
            if error:
                errors.append(error)
            elif account_id in seen:
                errors.append(f"accounts[{index}] repeats account {account_id} (accounts[{seen[account_id]}])")
            else:
                seen[account_id] = index
                accounts.append({"id": account_id, "name": name})

    errors += _list_errors("organizational_units", options.get("organizational_units"), _parent_id_error)
    errors += _list_errors("exclude_accounts", options.get("exclude_accounts"), _account_id_error)
    errors += _list_errors("regions", options.get("regions"), region_error)
    errors += _list_errors("exclude_regions", options.get("exclude_regions"), region_error)
    errors += _partition_errors(options.get("regions"))

    role_name = options.get("role_name")
    if role_name is None or blank(role_name):
        errors.append(f"role_name is blank: name the role to assume in each account (default {DEFAULT_ROLE_NAME})")
    elif not full_match(role_name_pattern(), role_name) or len(role_name) > 64:
        errors.append(f"role_name must be an IAM role name (1-64 of letters, digits and +=,.@_-), got {role_name!r}")

    template = options.get("hostname_template")
    template_error = _hostname_template_error(template)
    if template_error:
        errors.append(template_error)
    elif "{account_name" in template and raw_accounts is not None:
        errors += [f"hostname_template uses {{account_name}} but accounts[{index}] has no name"
                   for index, account in enumerate(accounts) if account["name"] is None]

    if errors:
        raise FleetConfigError("; ".join(errors))
    return {
        "accounts": accounts if raw_accounts is not None else None,
        "organizational_units": list(options.get("organizational_units") or []) or None,
        "organization": bool(options.get("organization")),
        "exclude_accounts": [str(value) for value in options.get("exclude_accounts") or []],
        "regions": list(options.get("regions") or []) or None,
        "exclude_regions": list(options.get("exclude_regions") or []),
        "role_name": role_name,
        "hostname_template": template,
    }


def _partition_errors(regions):
    if not regions or any(region_error("regions", region) for region in regions):
        return []
    partitions = sorted({partition_of(region) for region in regions})
    if len(partitions) > 1:
        return [f"regions mixes partitions {', '.join(partitions)}: an organization's accounts live in one partition"]
    return []


# --- accounts and regions -------------------------------------------------------------------------


def is_active(account):
    """An Organizations Account is ACTIVE: State where AWS gives it, else the older Status."""
    return (account.get("State") or account.get("Status")) == ACTIVE


def excluded(accounts, exclude_accounts):
    """The accounts left once exclude_accounts is applied; FleetConfigError when none is left."""
    left = [account for account in accounts if account["id"] not in set(exclude_accounts)]
    if accounts and not left:
        raise FleetConfigError(f"exclude_accounts leaves no account: it excludes every one of the {len(accounts)} found")
    return left


def enabled_regions(described):
    """Region names DescribeRegions gave whose OptInStatus says enabled, sorted."""
    return sorted(region["RegionName"] for region in described if region.get("OptInStatus", ENABLED_OPT_IN_STATUSES[0]) in ENABLED_OPT_IN_STATUSES)


def account_regions(account_id, regions, exclude_regions):
    """The regions of one account after exclude_regions; FleetConfigError when none is left."""
    if not regions:
        raise FleetConfigError(f"account {account_id}: DescribeRegions listed no enabled region")
    left = [region for region in regions if region not in set(exclude_regions)]
    if not left:
        raise FleetConfigError(f"account {account_id} has no region left once exclude_regions is applied (it has {', '.join(regions)})")
    return left


def role_arn(account_id, role_name, region):
    """The role to assume in the account, in the partition of the host's region."""
    return f"arn:{partition_of(region)}:iam::{account_id}:role/{role_name}"


# --- hosts and groups -----------------------------------------------------------------------------


def group_name(prefix, value):
    return f"{prefix}{GROUP_UNSAFE.sub('_', str(value))}".lower()


def ou_group(ou_id):
    """The group of an OU or root: its id made safe (ou-ab12-cd34ef56 -> ou_ab12_cd34ef56)."""
    return group_name("", ou_id)


def host_name(template, account, region):
    values = {"account_id": account["id"], "account_name": HOSTNAME_UNSAFE.sub("-", account.get("name") or ""), "region": region}
    return template.format(**values)


def build_hosts(accounts, regions_by_account, role_name, template):
    """One host per account x region: [{name, vars, groups}], in account then region order.

    `accounts`: [{id, name, ou_id?, ou_name?, ou_path?, ou_ids?}]; FleetConfigError when two hosts get
    one name (a hostname_template that does not tell them apart).
    """
    hosts, names = [], {}
    for account in accounts:
        for region in regions_by_account[account["id"]]:
            name = host_name(template, account, region)
            if name in names:
                raise FleetConfigError(
                    f"hostname_template {template!r} gives {name!r} to both {names[name]} and {account['id']} {region}: use {{account_id}} and {{region}}")
            names[name] = f"{account['id']} {region}"
            variables = {
                "account_id": account["id"],
                "account_name": account.get("name"),
                "region": region,
                "partition": partition_of(region),
                "role_arn": role_arn(account["id"], role_name, region),
                "ansible_connection": "local",
            }
            groups = [group_name("account_", account["id"]), group_name("region_", region)]
            if account.get("ou_id"):
                variables.update(ou_id=account["ou_id"], ou_name=account["ou_name"], ou_path=account["ou_path"], ou_ids=account["ou_ids"])
                groups.append(ou_group(account["ou_id"]))
            hosts.append({"name": name, "vars": variables, "groups": groups})
    return hosts


def ou_group_edges(hosts):
    """(parent group, child group) for each OU on the hosts' paths: an OU's group holds its child OUs' groups."""
    edges = []
    for host in hosts:
        ids = host["vars"].get("ou_ids") or []
        for parent, child in zip(ids, ids[1:]):
            edge = (ou_group(parent), ou_group(child))
            if edge not in edges:
                edges.append(edge)
    return edges


def walk_organizational_units(parents, list_children, list_accounts):
    """The ACTIVE accounts under each parent (an OU or root, with its name) and under every OU below it.

    `parents`: [(id, name)]; `list_children(parent_id)` / `list_accounts(parent_id)` give the OUs and the
    accounts directly under a parent. Each account gets ou_id and ou_name (its direct parent), ou_ids and
    ou_path (ids and names from the named parent down to it). An OU reached twice (named and also under
    another named one) is walked once.
    """
    accounts, seen_accounts, walked = [], set(), set()
    for parent_id, parent_name in parents:
        pending = [(parent_id, [parent_id], [parent_name])]
        while pending:
            ou_id, ids, names = pending.pop(0)
            if ou_id in walked:
                continue
            walked.add(ou_id)
            for account in list_accounts(ou_id):
                if account["Id"] in seen_accounts or not is_active(account):
                    continue
                seen_accounts.add(account["Id"])
                accounts.append({"id": account["Id"], "name": account.get("Name"), "ou_id": ou_id, "ou_name": names[-1],
                                 "ou_ids": list(ids), "ou_path": "/".join(names)})
            for child in list_children(ou_id):
                pending.append((child["Id"], ids + [child["Id"]], names + [child.get("Name", child["Id"])]))
    return accounts
