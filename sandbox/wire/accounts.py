"""Accounts, roles and a whole organization, seeded in one control call (`/_sandbox/organization`,
`/_sandbox/accounts/{id}/roles`; sandbox/wire/control.py routes them).

Everything is made through moto's own models, as the API calls would make it: the organization, its OUs and
accounts through moto's OrganizationsBackend (CreateOrganization, CreateOrganizationalUnit, CreateAccount,
MoveAccount), roles through the member account's IAMBackend (what IAM CreateRole does when a client reaches that
account, e.g. with moto's documented server-mode header `x-moto-account-id`), nodes through
sandbox.agent.managed_nodes per account and region. The whole body is checked before anything is made: a
bad body changes nothing.

Body of POST /_sandbox/organization:

    {"management_account_id": "123456789012",            (default moto's default account)
     "ous": {"Prod": {"Web": {}}, "Dev": {}},              (nested names; an account names its OU by path "Prod/Web")
     "accounts": [{"id": "111111111111",                   (optional; else moto picks one)
                   "name": "web-prod", "email": ...,       (email defaults to <name>@example.com)
                   "ou": "Prod/Web",                       (default "": the root)
                   "status": "ACTIVE",                     (ACTIVE | SUSPENDED | PENDING_CLOSURE)
                   "state": "CLOSED",                      (optional; the same as status, or CLOSED for SUSPENDED)
                   "role_name": "CloudPatchMember",        (default OrganizationAccountAccessRole, as CreateAccount)
                   "trusted_principal": "arn:aws:iam::123456789012:root",   (or a list; default the management root)
                   "regions": {"us-east-1": {"nodes": 3, "os": "AMAZON_LINUX_2", "kind": "hybrid", "tags": {...}}}}],
     "management_regions": {"us-east-1": {"nodes": 1}}}    (nodes in the management account itself)

Answer: {"organization_id", "root_id", "management_account_id", "ous": {"Prod": "ou-...", "Prod/Web": ...},
"accounts": [{"id", "name", "ou", "ou_id", "status", "state", "role_arn", "nodes": {"us-east-1": [ids]}}]}.
An organization the management account already has is reused (new OUs and accounts are added to it).
"""

import json
import re
import threading

import botocore.session
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends
from moto.organizations import utils as org_utils
from moto.organizations.models import organizations_backends
from moto.ssm.models import ssm_backends

from sandbox.agent import managed_nodes

DEFAULT_ROLE = "OrganizationAccountAccessRole"
# Organizations API reference, Account: Status "ACTIVE | SUSPENDED | PENDING_CLOSURE"; State has the same three
# among its values, and CLOSED, an account closed and "in their 90-day reinstatement window" (AWS What's New on
# the State field), whose Status is SUSPENDED (CloseAccount: "the status will change to SUSPENDED"). No AWS
# source pairs PENDING_ACTIVATION with a Status, so it cannot be seeded.
STATUSES = ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE")
STATES = {"ACTIVE": ("ACTIVE",), "SUSPENDED": ("SUSPENDED", "CLOSED"), "PENDING_CLOSURE": ("PENDING_CLOSURE",)}
_ACCOUNT_ID = re.compile(r"\A\d{12}\Z")
# IAM API reference, CreateRole RoleName: [\w+=,.@-]+, 1-64 characters.
_ROLE_NAME = re.compile(r"\A[\w+=,.@-]{1,64}\Z")
_PRINCIPAL = re.compile(r"\A(\*|\d{12}|arn:aws:(iam::\d{12}:(root|user/.+|role/.+)|sts::\d{12}:assumed-role/.+))\Z")
_NODE_OPTIONS = ("nodes", "os", "kind", "tags", "name_prefix", "ping_status")
_ACCOUNT_KEYS = ("id", "name", "email", "ou", "status", "state", "role_name", "trusted_principal", "regions")

_REGIONS = frozenset(botocore.session.get_session().get_available_regions("ssm"))

# moto's FakeAccount draws its id from organizations.utils.make_random_account_id; a chosen id is given to it by
# replacing that generator for the one creation, under this lock.
_ID_LOCK = threading.Lock()


class SeedError(ValueError):
    """A body the seeding refuses (the control API answers 400 with it)."""


def trust_policy(principals):
    """A role trust policy letting `principals` (AWS principal values) call sts:AssumeRole."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": principals if len(principals) > 1 else principals[0]},
                       "Action": "sts:AssumeRole"}],
    }


def _principals(value, where):
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(item, str) and _PRINCIPAL.match(item) for item in values):
        raise SeedError(f"{where}: a principal is an account id, an account root, user, role or assumed-role ARN, "
                        f"or \"*\" (or a non-empty list of them), got {value!r}")
    return values


def _check_role_name(value, where):
    if not isinstance(value, str) or not _ROLE_NAME.match(value):
        raise SeedError(f"{where}: a role name is 1-64 characters of letters, digits and +=,.@_-, got {value!r}")
    return value


def put_role(account_id, role_name, principals=None, document=None):
    """Create (or give a new trust policy to) role `role_name` in `account_id`; returns its ARN."""
    policy = json.dumps(document if document is not None else trust_policy(principals))
    iam = iam_backends[account_id]["aws"]
    existing = next((role for role in iam.roles.values() if role.name == role_name), None)
    if existing is not None:
        iam.update_assume_role_policy(role_name, policy)
        return existing.arn
    role = iam.create_role(role_name=role_name, assume_role_policy_document=policy, path="/", permissions_boundary=None,
                           description="", tags=[], max_session_duration="3600")
    return role.arn


def role_request(account_id, body):
    """POST /_sandbox/accounts/{id}/roles: {"role_name", "trusted_principal" (or "trust_policy": a document)}."""
    if not isinstance(account_id, str) or not _ACCOUNT_ID.match(account_id):
        raise SeedError(f"account id must be 12 digits, got {account_id!r}")
    unknown = sorted(set(body) - {"role_name", "trusted_principal", "trust_policy"})
    if unknown:
        raise SeedError(f"unknown keys {unknown}: role_name, trusted_principal, trust_policy")
    role_name = _check_role_name(body.get("role_name"), "role_name")
    if ("trusted_principal" in body) == ("trust_policy" in body):
        raise SeedError("give one of trusted_principal or trust_policy")
    if "trust_policy" in body:
        if not isinstance(body["trust_policy"], dict):
            raise SeedError("trust_policy must be a policy document (a JSON object)")
        arn = put_role(account_id, role_name, document=body["trust_policy"])
    else:
        arn = put_role(account_id, role_name, _principals(body["trusted_principal"], "trusted_principal"))
    return {"account_id": account_id, "role_name": role_name, "role_arn": arn}


def _ou_paths(tree, where="ous", prefix=""):
    if not isinstance(tree, dict):
        raise SeedError(f"{where} must be an object of OU names")
    paths = []
    for name, children in tree.items():
        # Organizations API reference, CreateOrganizationalUnit Name: 1-128 characters.
        if not isinstance(name, str) or not 1 <= len(name) <= 128 or "/" in name:
            raise SeedError(f"{where}: an OU name is 1-128 characters without '/', got {name!r}")
        path = f"{prefix}{name}"
        paths.append(path)
        paths.extend(_ou_paths(children if children is not None else {}, f"{where}.{name}", path + "/"))
    return paths


def _regions(value, where):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be an object {{region: {{\"nodes\": N, \"os\": ...}}}}")
    plans = {}
    for region, plan in value.items():
        if region not in _REGIONS:
            raise SeedError(f"{where}: {region!r} is not a region")
        plan = plan or {}
        if not isinstance(plan, dict) or set(plan) - set(_NODE_OPTIONS):
            raise SeedError(f"{where}.{region}: the keys are {', '.join(_NODE_OPTIONS)}")
        count = plan.get("nodes", 0)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise SeedError(f"{where}.{region}.nodes must be a non-negative integer, got {count!r}")
        operating_system = plan.get("os", "AMAZON_LINUX_2")
        if operating_system not in managed_nodes.OPERATING_SYSTEMS:
            raise SeedError(f"{where}.{region}.os: {operating_system!r} is not one of {sorted(managed_nodes.OPERATING_SYSTEMS)}")
        kind = plan.get("kind", "ec2")
        if kind not in ("ec2", "hybrid"):
            raise SeedError(f"{where}.{region}.kind must be ec2 or hybrid, got {kind!r}")
        options = {"operating_system": operating_system, "kind": kind, "tags": plan.get("tags") or None,
                   "name_prefix": plan.get("name_prefix"), "ping_status": plan.get("ping_status", "Online")}
        if options["ping_status"] not in managed_nodes.PING_STATUSES:
            raise SeedError(f"{where}.{region}.ping_status must be one of {sorted(managed_nodes.PING_STATUSES)}")
        plans[region] = (count, options)
    return plans


def _check_accounts(accounts, management, ou_paths, existing_ids):
    if not isinstance(accounts, list):
        raise SeedError("accounts must be a list")
    checked, seen = [], set()
    for index, account in enumerate(accounts):
        where = f"accounts[{index}]"
        if not isinstance(account, dict):
            raise SeedError(f"{where} must be an object")
        unknown = sorted(set(account) - set(_ACCOUNT_KEYS))
        if unknown:
            raise SeedError(f"{where}: unknown keys {unknown}; the keys are {', '.join(_ACCOUNT_KEYS)}")
        account_id = account.get("id")
        if account_id is not None:
            if not isinstance(account_id, str) or not _ACCOUNT_ID.match(account_id):
                raise SeedError(f"{where}.id must be 12 digits, got {account_id!r}")
            if account_id == management or account_id in existing_ids or account_id in seen:
                raise SeedError(f"{where}.id {account_id} is already an account of the organization")
            if account_id in organizations_backends.master_accounts or organizations_backends[account_id]["aws"].org:
                raise SeedError(f"{where}.id {account_id} already belongs to an organization")
            seen.add(account_id)
        name = account.get("name")
        # Organizations API reference, CreateAccount AccountName: 1-50 characters.
        if not isinstance(name, str) or not 1 <= len(name) <= 50:
            raise SeedError(f"{where}.name must be 1-50 characters, got {name!r}")
        email = account.get("email") or re.sub(r"[^A-Za-z0-9._-]+", "-", name) + "@example.com"
        if not isinstance(email, str) or not re.fullmatch(r"[^\s@]+@[^\s@]+\.[^\s@]+", email) or not 6 <= len(email) <= 64:
            raise SeedError(f"{where}.email is not an email address of 6-64 characters: {email!r}")
        ou = account.get("ou", "")
        if ou not in ("", *ou_paths):
            raise SeedError(f"{where}.ou {ou!r} is not one of the OUs {sorted(ou_paths)} (\"\" is the root)")
        status = account.get("status", "ACTIVE")
        if status not in STATUSES:
            raise SeedError(f"{where}.status must be one of {', '.join(STATUSES)}, got {status!r}")
        state = account.get("state", status)
        if state not in STATES[status]:
            raise SeedError(f"{where}.state with status {status} must be one of {', '.join(STATES[status])}, got {state!r}")
        role_name = _check_role_name(account.get("role_name", DEFAULT_ROLE), f"{where}.role_name")
        principals = _principals(account.get("trusted_principal", f"arn:aws:iam::{management}:root"),
                                 f"{where}.trusted_principal")
        checked.append({"id": account_id, "name": name, "email": email, "ou": ou, "status": status, "state": state,
                        "role_name": role_name, "principals": principals,
                        "regions": _regions(account.get("regions"), f"{where}.regions")})
    return checked


def _create_account(backend, spec):
    request = {"AccountName": spec["name"], "Email": spec["email"], "RoleName": spec["role_name"]}
    if spec["id"] is None:
        return backend.create_account(**request)["CreateAccountStatus"]["AccountId"]
    with _ID_LOCK:
        drawn = org_utils.make_random_account_id
        org_utils.make_random_account_id = lambda: spec["id"]
        try:
            return backend.create_account(**request)["CreateAccountStatus"]["AccountId"]
        finally:
            org_utils.make_random_account_id = drawn


def _seed_regions(account_id, plans):
    return {region: managed_nodes.seed_nodes(ssm_backends[account_id][region], count, **options)
            for region, (count, options) in plans.items()}


def seed_organization(body):
    """POST /_sandbox/organization (the module docstring gives the body and the answer)."""
    unknown = sorted(set(body) - {"management_account_id", "ous", "accounts", "management_regions"})
    if unknown:
        raise SeedError(f"unknown keys {unknown}: management_account_id, ous, accounts, management_regions")
    management = body.get("management_account_id", DEFAULT_ACCOUNT_ID)
    if not isinstance(management, str) or not _ACCOUNT_ID.match(management):
        raise SeedError(f"management_account_id must be 12 digits, got {management!r}")
    if management in organizations_backends.master_accounts:
        raise SeedError(f"management_account_id {management} is a member account of another organization")
    backend = organizations_backends[management]["aws"]
    ou_paths = _ou_paths(body.get("ous") or {})
    existing_ids = {account.id for account in backend.accounts}
    accounts = _check_accounts(body.get("accounts", []), management, ou_paths, existing_ids)
    management_plans = _regions(body.get("management_regions"), "management_regions")

    if backend.org is None:
        backend.create_organization(region="us-east-1", FeatureSet="ALL")
    root_id = backend.org.root_id
    ou_ids = _ensure_ous(backend, root_id, ou_paths)
    answered = []
    for spec in accounts:
        account_id = _create_account(backend, spec)
        parent = ou_ids[spec["ou"]] if spec["ou"] else root_id
        if parent != root_id:
            backend.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent)
        account = backend.get_account_by_id(account_id)
        account.status, account.state = spec["status"], spec["state"]
        role_arn = put_role(account_id, spec["role_name"], spec["principals"])
        answered.append({"id": account_id, "name": spec["name"], "ou": spec["ou"], "ou_id": parent,
                         "status": spec["status"], "state": spec["state"], "role_arn": role_arn,
                         "nodes": _seed_regions(account_id, spec["regions"])})
    return {"organization_id": backend.org.id, "root_id": root_id, "management_account_id": management,
            "ous": {path: ou_ids[path] for path in ou_paths}, "accounts": answered,
            "management_nodes": _seed_regions(management, management_plans)}


def _ensure_ous(backend, root_id, paths):
    ids = {}
    for path in paths:  # parents come before their children (_ou_paths' order)
        parent_path, name = path.rpartition("/")[::2]
        parent = ids[parent_path] if parent_path else root_id
        existing = next((ou for ou in backend.ou if ou.parent_id == parent and getattr(ou, "name", None) == name), None)
        ids[path] = existing.id if existing is not None else backend.create_organizational_unit(
            ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
    return ids
