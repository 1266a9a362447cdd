"""Fault injection: throttling, 500s, 503s, access denied and latency per service and operation.

Configuration (the body of `PUT /_sandbox/faults` and of `--faults`):

    {"seed": 42,
     "rules": [{"service": "ssm", "operation": "DescribeInstanceInformation",
                "throttle_rate": 0.5, "error_500_rate": 0.0, "error_503_rate": 0.0,
                "access_denied_rate": 0.0, "latency_ms": 0}]}

`service` and `operation` default to "*" (any). The most specific rule wins: service+operation, then
service+"*", then "*"+operation, then "*"+"*". Each request draws one number from a generator seeded
with `seed`, so a sequential run is reproducible: below throttle_rate it is throttled, then the 500
band, the 503 band and the access-denied band (rates must add up to at most 1). Latency applies to
every matching request, injected error or not, as a round trip: the answer leaves no sooner than
`latency_ms` after the request came, the sandbox's own work counted within it (an AWS round trip includes
the service's work; the sandbox's milliseconds, which AWS does not spend, are not added to it). The call
log's `held_ms` says how long an answer was held back for it.

Injected errors look exactly like the service's own, so botocore parses them into the right
ClientError code: JSON protocols (SSM) answer 400 `ThrottlingException` "Rate exceeded", AWS Organizations
`TooManyRequestsException`; EC2 answers `RequestLimitExceeded`; other query services (STS) `Throttling`; S3
`SlowDown` (503). Access denied is the
error no client retries (permissions taken away half-way through a run): 400 `AccessDeniedException`
(JSON), 403 `UnauthorizedOperation` (EC2), 403 `AccessDenied` (S3 and query services).
"""

import json
import random
import threading
import uuid

RATE_FIELDS = ("throttle_rate", "error_500_rate", "error_503_rate", "access_denied_rate")

# Throttling code and HTTP status by service, for the services that do not use the JSON default.
_THROTTLE = {
    "ec2": ("RequestLimitExceeded", 503, "Request limit exceeded."),
    "s3": ("SlowDown", 503, "Please reduce your request rate."),
    # AWS Organizations throttles with TooManyRequestsException (each operation's errors in botocore's model,
    # its text the exception's documentation); botocore retries it as a throttling error.
    "organizations": ("TooManyRequestsException", 400, "You have sent too many requests in too short a period of time."),
}
_QUERY_THROTTLE = ("Throttling", 400, "Rate exceeded")
_JSON_THROTTLE = ("ThrottlingException", 400, "Rate exceeded")
_SERVER_ERRORS = {
    # (protocol family, status) -> code
    ("json", 500): "InternalServerError",
    ("json", 503): "ServiceUnavailable",
    ("ec2", 500): "InternalError",
    ("ec2", 503): "Unavailable",
    ("query", 500): "InternalFailure",
    ("query", 503): "ServiceUnavailable",
    ("s3", 500): "InternalError",
    ("s3", 503): "ServiceUnavailable",
}
_SERVER_MESSAGES = {500: "An internal error occurred.", 503: "The service is unavailable. Please try again later."}
_ACCESS_DENIED = {"json": ("AccessDeniedException", 400), "ec2": ("UnauthorizedOperation", 403),
                  "s3": ("AccessDenied", 403), "query": ("AccessDenied", 403)}


class FaultConfigError(ValueError):
    pass


def normalize_rule(rule):
    """Validate one rule and fill its defaults."""
    if not isinstance(rule, dict):
        raise FaultConfigError("each rule must be an object")
    unknown = set(rule) - {"service", "operation", "latency_ms", *RATE_FIELDS}
    if unknown:
        raise FaultConfigError(f"unknown rule fields: {sorted(unknown)}")
    normalized = {"service": str(rule.get("service", "*")), "operation": str(rule.get("operation", "*"))}
    for name in RATE_FIELDS:
        value = float(rule.get(name, 0.0))
        if not 0.0 <= value <= 1.0:
            raise FaultConfigError(f"{name} must be between 0 and 1")
        normalized[name] = value
    if sum(normalized[name] for name in RATE_FIELDS) > 1.0 + 1e-9:
        raise FaultConfigError("throttle_rate + error_500_rate + error_503_rate + access_denied_rate must not exceed 1")
    latency = float(rule.get("latency_ms", 0))
    if latency < 0:
        raise FaultConfigError("latency_ms must not be negative")
    normalized["latency_ms"] = latency
    return normalized


def normalize_config(config):
    if config is None:
        return {"seed": None, "rules": []}
    if not isinstance(config, dict):
        raise FaultConfigError("fault configuration must be an object")
    rules = config.get("rules", [])
    if not isinstance(rules, list):
        raise FaultConfigError("rules must be a list")
    return {"seed": config.get("seed"), "rules": [normalize_rule(rule) for rule in rules]}


def choose_fault(rule, draw):
    """Which error (None, 'throttle', 500, 503, 'denied') a draw in [0, 1) selects under a rule."""
    if rule is None:
        return None
    threshold = rule["throttle_rate"]
    if draw < threshold:
        return "throttle"
    threshold += rule["error_500_rate"]
    if draw < threshold:
        return 500
    threshold += rule["error_503_rate"]
    if draw < threshold:
        return 503
    threshold += rule["access_denied_rate"]
    if draw < threshold:
        return "denied"
    return None


def _family(service, protocol):
    if protocol == "json" or protocol == "rest-json":
        return "json"
    if service == "ec2":
        return "ec2"
    if service == "s3":
        return "s3"
    return "query"


def error_response(service, protocol, fault, account_id="123456789012"):
    """(status, headers, body) of an injected error in the service's own wire format; an access denied names a
    principal of `account_id`, the account the request is served in."""
    family = _family(service, protocol)
    if fault == "throttle":
        default = _JSON_THROTTLE if family == "json" else _QUERY_THROTTLE
        code, status, message = _THROTTLE.get(service, default)
    elif fault == "denied":
        code, status = _ACCESS_DENIED[family]
        message = f"User: arn:aws:iam::{account_id}:user/sandbox is not authorized to perform this operation"
    else:
        status = fault
        code = _SERVER_ERRORS[(family, status)]
        message = _SERVER_MESSAGES[status]
    request_id = str(uuid.uuid4())
    if family == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-RequestId", request_id),
            ("x-amzn-ErrorType", code),
        ]
    elif family == "ec2":
        body = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>"
            f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
        headers = [("Content-Type", "text/xml;charset=UTF-8")]
    elif family == "s3":
        body = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    else:
        kind = "Sender" if status < 500 else "Receiver"
        body = (
            f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body, code


class FaultInjector:
    """The current fault rules and the seeded generator, shared by all request threads."""

    def __init__(self, config=None):
        self._lock = threading.Lock()
        self.configure(config)

    def configure(self, config):
        normalized = normalize_config(config)
        with self._lock:
            self._config = normalized
            self._random = random.Random(normalized["seed"])
            self._index = {(rule["service"], rule["operation"]): rule for rule in normalized["rules"]}
        return normalized

    def config(self):
        with self._lock:
            return json.loads(json.dumps(self._config))

    def rule_for(self, service, operation):
        index = self._index
        if not index:
            return None
        for key in ((service, operation), (service, "*"), ("*", operation), ("*", "*")):
            rule = index.get(key)
            if rule is not None:
                return rule
        return None

    def decide(self, service, operation):
        """(fault or None, latency seconds) for one request."""
        rule = self.rule_for(service, operation)
        if rule is None:
            return None, 0.0
        with self._lock:
            draw = self._random.random()
        return choose_fault(rule, draw), rule["latency_ms"] / 1000.0
