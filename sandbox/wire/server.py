"""The sandbox server: moto's WSGI application with the sandbox's extensions and middleware.

Started by sandbox/cli.py (`python -m sandbox`). Around moto's DomainDispatcherApplication sits
`SandboxApp`, which for every AWS request

1. identifies the call (sandbox.wire.call_log.describe_request),
2. applies fault injection (sandbox.wire.faults: injected throttling / 500 / 503, and latency: an answer
   held until its round trip is up),
3. validates SSM and AWS Organizations requests against the botocore service model
   (sandbox.wire.request_validation), answering as each service does (SSM `ValidationException`, Organizations
   `InvalidInputException` with a Reason) before moto sees them,
4. lets moto answer, and records the call (status, error code, injected or not, its duration and the part
   of it held back for latency) in the call log.

Requests under `/_sandbox/` go to the control API (sandbox.wire.control, documented there and in
sandbox/README.md).
"""

import io
import json
import time
import uuid

from moto.core.request import Request as MotoRequest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.ssm.responses import SimpleSystemManagerResponse
from werkzeug.http import HTTP_STATUS_CODES

from sandbox.agent import clock
from sandbox.wire.call_log import CallLog, OperationsRecord, describe_request, error_code_from_response
from sandbox.wire.control import ControlAPI
from sandbox.moto_fixes import speedups
from sandbox.install import install_all
from sandbox.wire.faults import FaultInjector, error_response
from sandbox.wire.request_validation import RequestValidator, SerializationError, format_message

# Services whose requests are validated against their botocore model before moto sees them.
VALIDATED_SERVICES = ("ssm", "organizations")

# AWS Organizations reports a request outside its model as InvalidInputException with a Reason (the
# exception's documentation in botocore's model lists them, each with the text used here), not SSM's
# ValidationException. The first violation names the reason.
_ORGANIZATIONS_REASONS = (
    ("have value less than or equal", "MAX_VALUE_EXCEEDED",
     "You provided a numeric parameter that has a larger value than allowed."),
    ("have value greater than or equal", "MIN_VALUE_EXCEEDED",
     "You provided a numeric parameter that has a smaller value than allowed."),
    ("have length less than or equal", "MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed."),
    ("have length greater than or equal", "MIN_LENGTH_EXCEEDED",
     "You provided a string parameter that is shorter than allowed."),
    ("satisfy regular expression pattern", "INVALID_PATTERN", "You provided a value that doesn't match the required pattern."),
    ("satisfy enum value set", "INVALID_ENUM", "You specified an invalid value."),
    ("not be null", "INPUT_REQUIRED", "You must include a value for all required parameters."),
)


def _json_error(status, code, message, **members):
    body = json.dumps({"__type": code, "message": message, **members}).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        ("Content-Length", str(len(body))),
    ]
    return status, headers, body


def organizations_rejection(violations):
    """The InvalidInputException AWS Organizations answers for a request its model refuses."""
    first = violations[0]
    for constraint, reason, text in _ORGANIZATIONS_REASONS:
        if f"Member must {constraint}" in first:
            return _json_error(400, "InvalidInputException", text, Reason=reason)
    return _json_error(400, "InvalidInputException", "The requested operation failed because you provided invalid values "
                                                     "for one or more of the request parameters.")


class _ServerRequest(MotoRequest):
    # As moto's Flask app marks the requests its server receives.
    from_wsgi_server = True


def dispatch_ssm(environ, start_response):
    """Hand an SSM request straight to moto's SSM response class.

    moto's DomainDispatcherApplication works out the service again (already known from the call
    log's parsing) and goes through a Flask app that adds nothing for SSM's single JSON endpoint;
    skipping both takes about a third off the sandbox's time per call.
    """
    request = _ServerRequest(environ)
    status, headers, body = SimpleSystemManagerResponse.dispatch(request, request.raw_url, dict(request.headers))
    if isinstance(body, str):
        body = body.encode("utf-8")
    response_headers = [(str(key), str(value)) for key, value in headers.items() if key.lower() != "status"]
    if not any(key.lower() == "content-length" for key, _ in response_headers):
        response_headers.append(("Content-Length", str(len(body))))
    start_response(f"{status} {HTTP_STATUS_CODES.get(int(status), 'Unknown')}", response_headers)
    return [body]


_REASONS = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}


def _materialised(result):
    """A WSGI body as a list of its chunks (the iterable closed), once."""
    if isinstance(result, list):
        return result
    chunks = list(result)
    if hasattr(result, "close"):
        result.close()
    return chunks


def _hold(started, latency):
    """Wait until `latency` seconds have passed since `started` (the request's arrival); the seconds waited.

    Injected latency models an AWS round trip, and an AWS round trip includes the service's own work: the
    answer leaves no sooner than `latency` after its request came, the sandbox's work counted within it.
    Added after the work instead, the sandbox's own milliseconds (which AWS does not have) would lengthen
    every modelled round trip."""
    if not latency:
        return 0.0
    remaining = latency - (time.perf_counter() - started)
    if remaining <= 0:
        return 0.0
    time.sleep(remaining)
    return remaining


class SandboxApp:
    """WSGI middleware: call log, fault injection, request validation and the control API."""

    def __init__(self, inner, call_log=None, faults=None, validated_services=VALIDATED_SERVICES):
        self.inner = inner
        # `is None`, not `or`: an empty CallLog is falsy (it has a length).
        self.call_log = call_log if call_log is not None else CallLog()
        self.faults = faults if faults is not None else FaultInjector()
        self.validators = {service: RequestValidator(service) for service in validated_services}
        self.control = ControlAPI(self.call_log, self.faults)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_sandbox/"):
            return self.control(environ, start_response)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            result = self.inner(environ, start_response)
            if path.rstrip("/") == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
                self.call_log.clear()
                clock.CLOCK.reset()
            return result
        return self._aws_call(environ, start_response)

    def _aws_call(self, environ, start_response):
        started = time.perf_counter()
        body = self._buffer_body(environ)
        info = describe_request(environ, body)
        fault, latency = self.faults.decide(info.service, info.operation)
        if fault is not None:
            status, headers, payload, code = error_response(info.service, info.protocol, fault, info.account_id)
            return self._answer(start_response, info, started, latency, status, headers, payload, code, injected=True)
        rejection = self._validate(info)
        if rejection is not None:
            status, headers, payload = rejection
            code = json.loads(payload)["__type"]
            return self._answer(start_response, info, started, latency, status, headers, payload, code, injected=False)

        captured = {}

        def capture(status_line, headers, exc_info=None):
            captured["status"] = int(status_line.split(" ", 1)[0])
            captured["headers"] = headers
            return start_response(status_line, headers, exc_info)

        if info.service == "ssm":
            clock.CLOCK.tick()
            inner = dispatch_ssm
        else:
            inner = self.inner
        result = inner(environ, capture)
        if "status" not in captured or latency:
            # start_response may legally come with the first chunk; materialise to see it. With latency
            # the answer is held whole until its round trip is up (_hold).
            result = _materialised(result)
        status = captured.get("status", 500)
        code = None
        if status >= 400:
            result = _materialised(result)
            code = error_code_from_response(status, captured.get("headers", []), b"".join(result))
        held = _hold(started, latency)
        self.call_log.record(info, status, code, False, time.perf_counter() - started, held)
        return result

    def _answer(self, start_response, info, started, latency, status, headers, payload, code, injected):
        held = _hold(started, latency)
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        self.call_log.record(info, status, code, injected, time.perf_counter() - started, held)
        return [payload]

    def _validate(self, info):
        validator = self.validators.get(info.service)
        if validator is None or info.protocol != "json":
            return None
        if info.params_error or not isinstance(info.parameters, dict):
            return _json_error(400, "SerializationException", "Request body is not a valid JSON object")
        try:
            errors = validator.validate(info.operation, info.parameters)
        except SerializationError as exc:
            return _json_error(400, "SerializationException", str(exc))
        if not errors:
            return None
        if info.service == "organizations":
            return organizations_rejection(errors)
        return _json_error(400, "ValidationException", format_message(errors))

    @staticmethod
    def _buffer_body(environ):
        """Read the request body once and put it back for moto; streaming uploads are left alone."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return b""
        if length <= 0:
            return b""
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body


def build_app(faults=None, operations_dir=None):
    install_all()
    speedups.apply()
    operations_record = OperationsRecord(operations_dir) if operations_dir else None
    return SandboxApp(
        DomainDispatcherApplication(create_backend_app),
        call_log=CallLog(operations_record=operations_record),
        faults=FaultInjector(faults),
    )


# What warm_up() serves: (service, content type, body, X-Amz-Target or None).
_WARM_UP_CALLS = (
    ("ssm", "application/x-amz-json-1.1", b'{"OperatingSystem": "WINDOWS"}', "AmazonSSM.GetDefaultPatchBaseline"),
    ("ec2", "application/x-www-form-urlencoded; charset=utf-8", b"Action=DescribeTags&Version=2016-11-15&MaxResults=5", None),
)


def warm_up(app):
    """Serve one SSM and one EC2 call in-process before listening: moto builds the IAM data (with AWS's
    managed policies), the SSM backend, and (on the first EC2 call) the EC2 backend with its ~1,300 AMIs
    and Flask's EC2 routes. Otherwise the first real request of each would take 0.1 to over 1 s of the
    one interpreter every request shares, holding up the calls served at the same time: the first
    DescribeTags of a timed export took 130-300 ms, a cold start AWS does not have. A reset
    (/moto-api/reset) drops the backends, so the first calls after one build them again.
    A warm-up call that fails stops the start (RuntimeError): the sandbox would not answer it either."""
    for service, content_type, body, target in _WARM_UP_CALLS:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "0",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
            "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=warmup/20000101/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host, Signature=0",
        }
        if target:
            environ["HTTP_X_AMZ_TARGET"] = target
        statuses = []
        answer = b"".join(_materialised(app.inner(environ, lambda status, headers, exc_info=None: statuses.append(status))))
        if not statuses or not statuses[0].startswith("200"):
            raise RuntimeError(f"the sandbox's warm-up {service} call failed: {statuses[:1]} {answer[:300]!r}")
