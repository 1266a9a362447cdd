"""AWS Organizations as the API reference documents it, where moto 5.2.5 differs (moto/organizations/).

- Who may call: ListAccounts, ListAccountsForParent, ListChildren, ListOrganizationalUnitsForParent, ListRoots,
  ListParents, DescribeAccount and DescribeOrganizationalUnit "You can only call this operation from the
  management account or a member account that is a delegated administrator"; CreateAccount, MoveAccount,
  CreateOrganizationalUnit and CloseAccount "from the management account" (each operation's API reference).
  moto answers a member account with empty lists (or, for ListRoots, the management account's roots), and an
  account in no organization with empty lists too. Here a member account that is not a delegated
  administrator gets `AccessDeniedException`, a delegated administrator is answered from the organization
  (the management account's backend), and an account in no organization gets
  `AWSOrganizationsNotInUseException` (the errors those operations list).
- Paging: ListAccounts pages by `JoinedTimestamp` in moto, so accounts that joined in the same instant (an
  organization seeded in one call) repeat or vanish across pages; here by account id, as
  ListAccountsForParent already does. moto's default page of 100 is more than any caller may ask for
  (MaxResults: 1-20, botocore's model); a page here holds at most 20. moto's ListChildren does not page at
  all; here it pages like the others (MaxResults 1-20, NextToken). A token that is not one the sandbox
  issued is `InvalidInputException` with Reason `INVALID_NEXT_TOKEN` (InvalidInputException's reasons).
- CloseAccount: moto makes the account SUSPENDED at once. The API reference: "While the close account request is
  in progress, Account status will indicate PENDING_CLOSURE. When the close account request completes, the
  status will change to SUSPENDED", after "a few minutes"; the State field's launch note (AWS What's New, "AWS
  Organizations now provides account state information for member accounts") gives PENDING_CLOSURE "for
  in-process closure requests" and CLOSED "for accounts in their 90-day reinstatement window". Here the account
  is PENDING_CLOSURE (Status and State) until CLOSURE_SECONDS of the sandbox clock have passed, then Status
  SUSPENDED and State CLOSED. No AWS source gives the minutes: CLOSURE_SECONDS is the sandbox's choice.
- A moto reset leaves `organizations_backends.master_accounts` (member -> management account) in place, so after a
  reset a former member is still taken for a member and cannot create an organization of its own
  (AlreadyInOrganizationException): here a management account's reset drops its members' entries.
- moto answers `"NextToken": null` on the last page; AWS leaves out a member it has no value for (the
  response check, sandbox/testing/response_shapes.py, refuses nulls): top-level nulls are dropped.
"""

import json

from moto.core.exceptions import InvalidToken
from moto.organizations import models as org_models
from moto.organizations.exceptions import OrganizationsClientError
from moto.organizations.responses import OrganizationsResponse
from moto.organizations.utils import PAGINATION_MODEL

from sandbox.agent import clock
from sandbox.wire import paging
from sandbox.wire.errors import InvalidNextToken

MAX_PAGE = 20
CLOSURE_SECONDS = 300

MANAGEMENT_OR_DELEGATED = frozenset({
    "list_accounts", "list_accounts_for_parent", "list_children", "list_organizational_units_for_parent",
    "list_roots", "list_parents", "describe_account", "describe_organizational_unit",
})
MANAGEMENT_ONLY = frozenset({"create_account", "move_account", "create_organizational_unit", "close_account"})


# Subclasses of moto's OrganizationsClientError: moto finds the service (and its error shapes) from the base class.
class AccessDeniedException(OrganizationsClientError):
    code = "AccessDeniedException"
    # The exception's documentation in botocore's model.
    message = ("You don't have permissions to perform the requested operation. The user or role that is making the "
               "request must have at least one IAM permissions policy attached that grants the required permissions.")


class InvalidInputException(OrganizationsClientError):
    code = "InvalidInputException"

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason

    def __getattr__(self, name):
        # moto's serializer reads the error shape's members (Message, Reason) off the exception.
        if name == "Reason":
            return self.reason
        raise AttributeError(name)


def invalid_next_token():
    # InvalidInputException's documented reason text for INVALID_NEXT_TOKEN.
    return InvalidInputException(
        "INVALID_NEXT_TOKEN",
        "Get the value for the NextToken parameter from the response to a previous call of the operation.")


def management_backend(account_id, partition):
    """The backend holding the organization `account_id` belongs to, or None; and whether it may read it."""
    backends = org_models.organizations_backends
    own = backends[account_id][partition]
    if own.org is not None:
        return own, "management"
    owner = backends.master_accounts.get(account_id)
    if owner is None:
        return None, None
    master = backends[owner[0]][owner[1]]
    delegated = any(admin.account.id == account_id for admin in master.admins)
    return master, "delegated" if delegated else "member"


_moto_backend = OrganizationsResponse.organizations_backend


def _organizations_backend(self):
    backend, role = management_backend(self.current_account, self.partition)
    if role == "delegated":
        return backend
    return _moto_backend.fget(self)


def _guard(name, method):
    def answer(self):
        if name in MANAGEMENT_OR_DELEGATED or name in MANAGEMENT_ONLY:
            role = management_backend(self.current_account, self.partition)[1]
            if role is None:
                raise org_models.AWSOrganizationsNotInUseException
            if role == "member" or (role == "delegated" and name in MANAGEMENT_ONLY):
                raise AccessDeniedException()
        try:
            body = method(self)
        except (InvalidToken, InvalidNextToken) as exc:
            raise invalid_next_token() from exc
        return _without_nulls(body)

    answer.__name__ = name
    return answer


def _without_nulls(body):
    if not isinstance(body, str) or not body.startswith("{"):
        return body
    answer = json.loads(body)
    if not isinstance(answer, dict) or all(value is not None for value in answer.values()):
        return body
    return json.dumps({key: value for key, value in answer.items() if value is not None})


def _list_children(self):
    params = self.request_params
    children = self.organizations_backend.list_children(ParentId=params.get("ParentId"),
                                                        ChildType=params.get("ChildType"))["Children"]
    page, token = paging.paginate(
        children, params.get("MaxResults"), params.get("NextToken"), default=MAX_PAGE, minimum=1, maximum=MAX_PAGE,
        context={"operation": "ListChildren", "parent": params.get("ParentId"), "type": params.get("ChildType")},
    )
    answer = {"Children": page}
    if token:
        answer["NextToken"] = token
    return json.dumps(answer)


def _close(self):
    if self.status == "SUSPENDED":
        raise org_models.AccountAlreadyClosedException
    if self.status != "PENDING_CLOSURE":
        self.status = self.state = "PENDING_CLOSURE"
        self.closes_at = clock.now() + CLOSURE_SECONDS


_moto_reset = org_models.OrganizationsBackend.reset


def _reset(self):
    members = org_models.organizations_backends.master_accounts
    for member, owner in list(members.items()):
        if owner[0] == self.account_id:
            members.pop(member, None)
    _moto_reset(self)


_moto_describe_account = org_models.FakeAccount.describe


def _describe_account(self):
    closes_at = getattr(self, "closes_at", None)
    if closes_at is not None and self.status == "PENDING_CLOSURE" and clock.now() >= closes_at:
        self.status, self.state = "SUSPENDED", "CLOSED"
    return _moto_describe_account(self)


def install():
    org_models.OrganizationsBackend.reset = _reset
    org_models.FakeAccount.close = _close
    org_models.FakeAccount.describe = _describe_account
    PAGINATION_MODEL["list_accounts"]["unique_attribute"] = "Id"
    for name in ("list_accounts", "list_accounts_for_parent", "list_organizational_units_for_parent"):
        PAGINATION_MODEL[name]["limit_default"] = min(PAGINATION_MODEL[name].get("limit_default") or MAX_PAGE, MAX_PAGE)
    OrganizationsResponse.organizations_backend = property(_organizations_backend)
    OrganizationsResponse.list_children = _list_children
    for name in sorted(MANAGEMENT_OR_DELEGATED | MANAGEMENT_ONLY | {"describe_organization", "list_policies"}):
        setattr(OrganizationsResponse, name, _guard(name, getattr(OrganizationsResponse, name)))
