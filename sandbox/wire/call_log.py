"""Which AWS call a request is, and the in-memory log of every call the sandbox served.

Tests assert on this log ("check mode made no mutating call", "the module paginated"), so each
entry says what a CloudTrail record would: service (from the SigV4 credential scope), operation
(`X-Amz-Target` for JSON protocols, `Action` for query protocols, a name derived from method, path and
sub-resource for S3's REST API, the operation whose HTTP method and request URI in botocore's model
match for other REST services, else `METHOD /path`), region, the caller (access
key id and user agent), the decoded parameters, the HTTP status, the error code and whether the
sandbox injected that error.

`OperationsRecord` keeps, on disk, every distinct (service, operation, caller) the sandbox served: it
outlives resets and the process, so tests/iam_policy can compare what whole test runs called with the
IAM policy the README documents.
"""

import collections
import itertools
import json
import os
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, parse_qsl, unquote

import botocore.session
from botocore.exceptions import UnknownServiceError

from sandbox.agent import clock

DEFAULT_CAPACITY = 100_000

READ_ONLY_PREFIXES = (
    "Describe",
    "Get",
    "List",
    "Head",
    "Search",
    "Lookup",
    "Select",
    "Scan",
    "Query",
    "BatchGet",
    "Check",
    "Validate",
    "Estimate",
    "Preview",
    "Simulate",
)

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_XML_CODE = re.compile(rb"<Code>([^<]+)</Code>")


def is_mutating(operation):
    """Whether an operation changes state (by AWS's naming convention for read-only calls)."""
    return bool(operation) and not operation.startswith(READ_ONLY_PREFIXES)


@dataclass
class RequestInfo:
    service: str
    operation: str
    region: str
    protocol: str  # json, query, rest-xml (S3), rest-json (anything else)
    parameters: dict = field(default_factory=dict)
    params_error: bool = False  # body was not what the protocol says (left to the service to reject)
    access_key_id: str = ""
    user_agent: str = ""
    account_id: str = ""


def _flatten_form(body):
    return {key: value for key, value in parse_qsl(body, keep_blank_values=True)}


def _s3_operation(method, path, query, headers):
    """Name an S3 REST call after the API operation it maps to."""
    parts = path.lstrip("/").split("/", 1)
    bucket = unquote(parts[0]) if parts[0] else None
    key = unquote(parts[1]) if len(parts) > 1 and parts[1] else None
    host = headers.get("HTTP_HOST", "")
    host_bucket = re.match(r"^(.+)\.s3[.-]", host)
    if host_bucket and not host.startswith("s3."):
        # virtual-hosted style: the path is the key
        key = unquote(path.lstrip("/")) or None
        bucket = host_bucket.group(1)
    params = {}
    if bucket:
        params["Bucket"] = bucket
    if key:
        params["Key"] = key
    for name, values in query.items():
        params[name] = values[0] if len(values) == 1 else values
    if bucket is None:
        return ("ListBuckets" if method == "GET" else f"{method} /"), params
    if key is None:
        return _s3_bucket_operation(method, query), params
    return _s3_object_operation(method, query, headers), params


_S3_BUCKET_SUBRESOURCES = {
    "tagging": "BucketTagging",
    "policy": "BucketPolicy",
    "versioning": "BucketVersioning",
    "acl": "BucketAcl",
    "lifecycle": "BucketLifecycleConfiguration",
    "encryption": "BucketEncryption",
    "notification": "BucketNotificationConfiguration",
    "publicAccessBlock": "PublicAccessBlock",
    "ownershipControls": "BucketOwnershipControls",
    "cors": "BucketCors",
    "website": "BucketWebsite",
    "logging": "BucketLogging",
    "replication": "BucketReplication",
    "accelerate": "BucketAccelerateConfiguration",
    "requestPayment": "BucketRequestPayment",
    "object-lock": "ObjectLockConfiguration",
    "policyStatus": "BucketPolicyStatus",
}
_VERB = {"GET": "Get", "PUT": "Put", "DELETE": "Delete"}


def _s3_bucket_operation(method, query):
    if "location" in query and method == "GET":
        return "GetBucketLocation"
    if "uploads" in query and method == "GET":
        return "ListMultipartUploads"
    if "versions" in query and method == "GET":
        return "ListObjectVersions"
    if "delete" in query and method == "POST":
        return "DeleteObjects"
    for name, suffix in _S3_BUCKET_SUBRESOURCES.items():
        if name in query and method in _VERB:
            return _VERB[method] + suffix
    if method == "GET":
        return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
    return {"PUT": "CreateBucket", "DELETE": "DeleteBucket", "HEAD": "HeadBucket"}.get(method, f"{method} Bucket")


def _s3_object_operation(method, query, headers):
    if "uploads" in query and method == "POST":
        return "CreateMultipartUpload"
    if "uploadId" in query:
        if method == "PUT":
            return "UploadPartCopy" if "HTTP_X_AMZ_COPY_SOURCE" in headers else "UploadPart"
        return {"POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload", "GET": "ListParts"}.get(
            method, f"{method} Object"
        )
    for name, suffix in (("tagging", "ObjectTagging"), ("acl", "ObjectAcl"), ("retention", "ObjectRetention")):
        if name in query and method in _VERB:
            return _VERB[method] + suffix
    if method == "PUT":
        return "CopyObject" if "HTTP_X_AMZ_COPY_SOURCE" in headers else "PutObject"
    return {"GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}.get(method, f"{method} Object")


def describe_request(environ, body):
    """Identify the AWS call in a WSGI request whose body has already been read (bytes)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = _CREDENTIAL_SCOPE.search(auth)
    access_key_id, region, service = scope.groups() if scope else ("", "us-east-1", "unknown")
    info = _describe_call(environ, body, service, region)
    info.access_key_id = access_key_id
    info.user_agent = environ.get("HTTP_USER_AGENT", "")
    info.account_id = request_account(environ, access_key_id)
    return info


def request_account(environ, access_key_id):
    """The account moto serves a request in, found as `BaseResponse.get_current_account` (moto 5.2.5,
    moto/core/responses.py) finds it: MOTO_ACCOUNT_ID, the `x-moto-account-id` header, the account whose IAM
    holds the access key (an IAM user's, or the one STS AssumeRole made in the role's account), else moto's
    default account."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if header:
        return header
    from moto.core import DEFAULT_ACCOUNT_ID  # pylint: disable=import-outside-toplevel
    from moto.iam.models import iam_backends  # pylint: disable=import-outside-toplevel

    # dict's own views: BackendDict's [] would create a backend for every account and partition it is asked for.
    for account_id, account in list(dict.items(iam_backends)):
        if any(access_key_id in backend.access_keys for backend in list(dict.values(account))):
            return account_id
    return DEFAULT_ACCOUNT_ID


def _describe_call(environ, body, service, region):
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    target = environ.get("HTTP_X_AMZ_TARGET")
    content_type = environ.get("CONTENT_TYPE", "")
    if target:
        operation = target.rsplit(".", 1)[-1]
        info = RequestInfo(service, operation, region, "json")
        if body:
            try:
                info.parameters = json.loads(body)
            except ValueError:
                info.params_error = True
        return info
    form = None
    if content_type.startswith("application/x-www-form-urlencoded") and body:
        form = _flatten_form(body.decode("utf-8", errors="replace"))
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if form is None and "Action" in query and service != "s3":
        form = {key: values[0] for key, values in query.items()}
    if form is not None and "Action" in form:
        operation = form.pop("Action")
        form.pop("Version", None)
        return RequestInfo(service, operation, region, "query", form)
    if service == "s3":
        operation, params = _s3_operation(method, path, query, environ)
        return RequestInfo(service, operation, region, "rest-xml", params)
    params = {name: values[0] if len(values) == 1 else values for name, values in query.items()}
    if body and content_type.startswith("application/json"):
        try:
            params.update(json.loads(body))
        except (ValueError, TypeError):
            pass
    return RequestInfo(service, rest_operation(service, method, path) or f"{method} {path}", region, "rest-json", params)


_REST_ROUTES = {}


def _uri_pattern(uri):
    """A request URI template as a whole-path pattern: {label} is one segment, {label+} the rest."""
    parts = []
    for segment in uri.split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(".+")
        elif segment.startswith("{") and segment.endswith("}"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile(r"\A" + "/".join(parts) + r"/?\Z")


def _rest_routes(service):
    """[(method, path pattern, operation)] of a REST service, from botocore's model (cached)."""
    routes = _REST_ROUTES.get(service)
    if routes is None:
        routes = []
        try:
            model = botocore.session.get_session().get_service_model(service)
        except UnknownServiceError:
            model = None
        for name in model.operation_names if model else ():
            http = model.operation_model(name).http
            uri = http.get("requestUri", "/").split("?", 1)[0]
            routes.append((http.get("method", "POST"), _uri_pattern(uri), name))
        _REST_ROUTES[service] = routes
    return routes


def rest_operation(service, method, path):
    """The operation of a REST request (`POST /list-group-resources` is ListGroupResources), or None."""
    for route_method, pattern, name in _rest_routes(service):
        if route_method == method and pattern.match(path):
            return name
    return None


def error_code_from_response(status, headers, body):
    """The AWS error code in an error response (JSON `__type`, header, or XML `<Code>`)."""
    if status < 400:
        return None
    for name, value in headers:
        if name.lower() == "x-amzn-errortype":
            return value.split(":", 1)[0]
    stripped = body.lstrip()
    if stripped.startswith(b"{"):
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        code = data.get("__type") or data.get("code") or data.get("Code")
        if code:
            return str(code).rsplit("#", 1)[-1]
    match = _XML_CODE.search(body)
    if match:
        return match.group(1).decode(errors="replace")
    return f"HTTP{status}"


class CallLog:
    """A bounded, thread-safe, ordered record of calls."""

    def __init__(self, capacity=DEFAULT_CAPACITY, operations_record=None):
        self._entries = collections.deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)
        self._operations_record = operations_record

    def record(self, info, status, error_code, injected, duration, held=0.0):
        entry = {
            "seq": next(self._sequence),
            "time": clock.wall(),  # when the request really arrived, not simulated time
            "service": info.service,
            "operation": info.operation,
            "region": info.region,
            "account_id": info.account_id,
            "access_key_id": info.access_key_id,
            "user_agent": info.user_agent,
            "parameters": info.parameters,
            "status": status,
            "error_code": error_code,
            "injected": injected,
            "mutating": is_mutating(info.operation),
            "duration_ms": round(duration * 1000, 3),
            # Of duration_ms, the time the answer was held back for injected latency (sandbox.wire.server):
            # the rest is the sandbox's own work on the call.
            "held_ms": round(held * 1000, 3),
        }
        with self._lock:
            self._entries.append(entry)
        if self._operations_record is not None:
            self._operations_record.note(entry)
        return entry

    def query(self, service=None, operation=None, region=None, mutating=None, since=None, account_id=None):
        with self._lock:
            entries = list(self._entries)
        return [
            entry
            for entry in entries
            if (service is None or entry["service"] == service)
            and (operation is None or entry["operation"] == operation)
            and (region is None or entry["region"] == region)
            and (account_id is None or entry["account_id"] == account_id)
            and (mutating is None or entry["mutating"] == mutating)
            and (since is None or entry["seq"] > since)
        ]

    def clear(self):
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
        return count

    def __len__(self):
        return len(self._entries)


# The account tells a runner's calls (the management account) from those made with a member account's role.
_OPERATION_FIELDS = ("service", "operation", "access_key_id", "user_agent", "account_id")


class OperationsRecord:
    """Appends each distinct (service, operation, access key id, user agent, account) to a JSON-lines file.

    One file per sandbox process (`operations-<pid>.jsonl` in `directory`), so parallel test workers
    never write to the same file; a line is written the first time a combination is seen, so the file
    stays small however many calls a run makes.
    """

    def __init__(self, directory):
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, f"operations-{os.getpid()}.jsonl")
        self._seen = set()
        self._lock = threading.Lock()

    def note(self, entry):
        key = tuple(entry[name] for name in _OPERATION_FIELDS)
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
            line = json.dumps(dict(zip(_OPERATION_FIELDS, key)))
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")


def read_operations(directory):
    """Every record the sandboxes that wrote to `directory` left there."""
    records = []
    for name in sorted(os.listdir(directory)):
        if name.startswith("operations-") and name.endswith(".jsonl"):
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                records.extend(json.loads(line) for line in handle if line.strip())
    return records
