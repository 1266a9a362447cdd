"""STS AssumeRole checks the role's trust policy, as AWS does; moto 5.2.5 hands out credentials for any role ARN.

moto's `STSBackend.assume_role` (moto/sts/models.py) makes a temporary access key in the IAM backend of the
account the role ARN names (`_create_access_key`), and every later request signed with that key is served in
that account: `BaseResponse.get_current_account` (moto/core/responses.py) asks `get_account_id_from`
(moto/iam/models.py), which finds the key among that account's `access_keys`. That mapping is right and kept.
What moto does not do is ask whether the caller may assume the role at all: it does not even need the role to
exist. This patch puts, before moto's `TokenResponse.assume_role`, the check AWS makes (IAM User Guide, "Grant a
user permissions to switch roles" and "AWS JSON policy elements: Principal"): the role exists and its trust policy
(AssumeRolePolicyDocument) has a statement with Effect Allow for the action `sts:AssumeRole` whose Principal
matches the caller, and no statement with Effect Deny matches ("an explicit deny overrides any allow", IAM User
Guide, "Policy evaluation logic"). Otherwise AWS answers HTTP 403 `AccessDenied` with the text
"User: <caller ARN> is not authorized to perform: sts:AssumeRole on resource: <role ARN>" (AWS re:Post Knowledge
Center, "iam-assume-role-error"; the same answer for a role that does not exist).

Principals (IAM User Guide, "AWS JSON policy elements: Principal"):
- `"*"` or `{"AWS": "*"}`: everyone;
- an account, `"111122223333"` or `"arn:aws:iam::111122223333:root"`: "delegates authority to the account": any
  principal of that account (its users, roles and role sessions);
- a role ARN: the sessions of that role (a caller signing with credentials AssumeRole gave for it);
- a user ARN: that user; an assumed-role session ARN (`arn:aws:sts::A:assumed-role/R/S`): that session.
Who the caller is: an IAM user's access key is that user; a key AssumeRole returned is that role's session;
any other key (the sandbox's default `testing` credentials) is the root of the account moto serves it in
(`x-moto-account-id`, else moto's default account), as moto itself treats it.

Conditions: the sandbox evaluates `StringEquals` / `StringLike` on `sts:ExternalId` (the one request value a
trust policy commonly tests; IAM User Guide, "Access to AWS accounts owned by third parties"). A statement with
any other condition cannot be evaluated here, so it fails closed: such an Allow does not apply, such a Deny does.
The caller's own identity policy (which AWS also requires for a cross-account AssumeRole) is not evaluated: moto
does not evaluate identity policies unless its IAM authorization is switched on.
"""

import fnmatch
import json
import re
import uuid
from urllib.parse import unquote
from xml.sax.saxutils import escape

from moto.iam.models import iam_backends
from moto.sts.models import STSBackend
from moto.sts.responses import TokenResponse
from werkzeug.exceptions import HTTPException

_ROLE_ARN = re.compile(r"\Aarn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)\Z")
_ACCOUNT_ID = re.compile(r"\A\d{12}\Z")
_ROOT_ARN = re.compile(r"\Aarn:aws[a-z-]*:iam::(\d{12}):root\Z")


class AssumeRoleAccessDenied(HTTPException):
    """HTTP 403 in STS's query-protocol error form. Not a moto ServiceException: STS's model has no AccessDenied
    shape, so moto's serializer would answer it with 400."""

    code = 403

    def __init__(self, caller_arn, role_arn):
        super().__init__()
        self.message = f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        self.description = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>AccessDenied</Code><Message>{escape(self.message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )

    def get_headers(self, *args, **kwargs):
        return [("Content-Type", "text/xml"), ("X-Amzn-ErrorType", "AccessDenied")]


class Caller:
    """Who signs a request: `arn` as AWS names it in messages, `account`, and the role ARN for a role session."""

    def __init__(self, account, arn, role_arn=None):
        self.account = account
        self.arn = arn
        self.role_arn = role_arn


def identify_caller(access_key_id, current_account):
    """The principal behind an access key, looked up where moto's own `get_account_id_from` looks."""
    # dict's own views throughout: BackendDict's [] would create backends for the accounts and partitions it is asked for.
    for account_id, account in list(dict.items(iam_backends)):
        for backend in list(dict.values(account)):
            key = backend.access_keys.get(access_key_id)
            if key is None:
                continue
            role_arn = getattr(key, "role_arn", None)
            if role_arn:
                return Caller(account_id, _session_arn(account_id, access_key_id) or role_arn, role_arn)
            user = backend.users.get(key.user_name) if key.user_name else None
            if user is not None:
                return Caller(account_id, user.arn)
    return Caller(current_account, f"arn:aws:iam::{current_account}:root")


def _session_arn(account_id, access_key_id):
    from moto.sts.models import sts_backends  # pylint: disable=import-outside-toplevel

    for backend in list(dict.values(dict.get(sts_backends, account_id) or {})):
        session = backend.get_assumed_role_from_access_key(access_key_id)
        if session is not None:
            return session.arn
    return None


def principal_matches(value, caller):
    """Whether one `Principal.AWS` value designates `caller` (IAM User Guide, "AWS JSON policy elements: Principal")."""
    if value == "*":
        return True
    account = value if _ACCOUNT_ID.match(value) else None
    root = _ROOT_ARN.match(value)
    if root:
        account = root.group(1)
    if account is not None:
        return account == caller.account
    return value in (caller.arn, caller.role_arn)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals_match(principal, caller):
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return any(principal_matches(value, caller) for value in _as_list(principal.get("AWS")))


def _action_matches(patterns, action="sts:AssumeRole"):
    # Action names are case-insensitive and take * and ? (IAM User Guide, "IAM JSON policy elements: Action").
    return any(fnmatch.fnmatchcase(action.lower(), str(pattern).lower()) for pattern in patterns)


def _condition_holds(condition, external_id):
    """True / False when the sandbox can evaluate `condition`, None when it cannot."""
    for operator, tests in condition.items():
        if operator not in ("StringEquals", "StringLike") or not isinstance(tests, dict):
            return None
        for key, expected in tests.items():
            if key.lower() != "sts:externalid":
                return None
            if external_id is None:
                return False
            values = [str(item) for item in _as_list(expected)]
            if operator == "StringEquals" and external_id not in values:
                return False
            if operator == "StringLike" and not any(fnmatch.fnmatchcase(external_id, item) for item in values):
                return False
    return True


def _statement_applies(statement, caller, external_id, effect):
    if not isinstance(statement, dict) or statement.get("Effect") != effect:
        return False
    if "Action" in statement and not _action_matches(_as_list(statement["Action"])):
        return False
    if "NotAction" in statement and _action_matches(_as_list(statement["NotAction"])):
        return False
    if "Action" not in statement and "NotAction" not in statement:
        return False
    if "Principal" in statement:
        if not _principals_match(statement["Principal"], caller):
            return False
    elif "NotPrincipal" in statement:
        if _principals_match(statement["NotPrincipal"], caller):
            return False
    else:
        return False
    if statement.get("Condition"):
        holds = _condition_holds(statement["Condition"], external_id)
        if holds is None:
            return effect == "Deny"
        return holds
    return True


def trust_allows(document, caller, external_id=None):
    """Whether the trust policy `document` (JSON text, possibly URL-encoded, or a dict) lets `caller` assume the role."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            try:
                document = json.loads(unquote(document))
            except ValueError:
                # IAM refuses to store a trust policy that is not JSON; moto does not. It trusts no one.
                return False
    statements = _as_list(document.get("Statement")) if isinstance(document, dict) else []
    if any(_statement_applies(statement, caller, external_id, "Deny") for statement in statements):
        return False
    return any(_statement_applies(statement, caller, external_id, "Allow") for statement in statements)


def find_role(role_arn):
    match = _ROLE_ARN.match(role_arn or "")
    if not match:
        return None
    partition, account_id = match.group(1), match.group(2)
    backend = dict.get(dict.get(iam_backends, account_id) or {}, partition)
    if backend is None:
        return None
    return next((role for role in list(backend.roles.values()) if role.arn == role_arn), None)


_moto_assume_role = TokenResponse.assume_role


def _assume_role(self):
    role_arn = self._get_param("RoleArn")
    caller = identify_caller(self.get_access_key(), self.current_account)
    role = find_role(role_arn)
    if role is None or not trust_allows(role.assume_role_policy_document, caller, self._get_param("ExternalId")):
        raise AssumeRoleAccessDenied(caller.arn, role_arn)
    return _moto_assume_role(self)


_moto_get_caller_identity = STSBackend.get_caller_identity


def _get_caller_identity(self, access_key_id, region):
    """moto answers a key it does not know as `arn:aws:sts::A:user/moto`; the sandbox takes such a caller for the
    account's root (as the trust check does), which AWS names `arn:aws:iam::A:root` with the account id as its
    UserId (IAM User Guide, "IAM JSON policy elements reference": the `aws:userid` of the AWS account root user)."""
    user_id, arn, account = _moto_get_caller_identity(self, access_key_id, region)
    if arn == f"arn:{self.partition}:sts::{account}:user/moto":
        return account, f"arn:{self.partition}:iam::{account}:root", account
    return user_id, arn, account


def install():
    TokenResponse.assume_role = _assume_role
    STSBackend.get_caller_identity = _get_caller_identity
