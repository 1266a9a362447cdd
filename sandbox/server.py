"""The sandbox server: moto's WSGI application with the sandbox's extensions and middleware.

moto's own `moto_server` command does not load extensions, so the sandbox has this entry point:

    python -m sandbox --port N [--pid-file F] [--faults JSON-or-FILE]

It binds to 127.0.0.1 only and writes its PID to a file when asked, so that whoever started it can
stop it by PID. Around moto's DomainDispatcherApplication sits `SandboxApp`, which for every AWS request

1. identifies the call (sandbox.call_log.describe_request),
2. applies fault injection (sandbox.faults: added latency, injected throttling / 500 / 503),
3. validates SSM requests against the botocore service model (sandbox.request_validation), answering
   `ValidationException` as AWS does before moto sees them,
4. lets moto answer, and records the call (status, error code, injected or not) in the call log.

Requests under `/_sandbox/` go to the control API (sandbox.control, documented there and in
sandbox/README.md).
"""

import argparse
import io
import json
import logging
import os
import signal
import sys
import time
import uuid

from werkzeug.serving import make_server

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

from sandbox.call_log import CallLog, describe_request, error_code_from_response
from sandbox.control import ControlAPI
from sandbox.extensions import install_all
from sandbox.faults import FaultInjector, error_response
from sandbox.request_validation import RequestValidator, SerializationError, format_message

# Services whose requests are validated against their botocore model before moto sees them.
VALIDATED_SERVICES = ("ssm",)


def _json_error(status, code, message):
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        ("Content-Length", str(len(body))),
    ]
    return status, headers, body


class KeepAliveRequestHandler(MotoRequestHandler):
    """HTTP/1.1, so boto3 reuses its connections: werkzeug's HTTP/1.0 default costs a TCP connection
    and a server thread per call, most of the sandbox's per-call time."""

    protocol_version = "HTTP/1.1"


_REASONS = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}


class SandboxApp:
    """WSGI middleware: call log, fault injection, request validation and the control API."""

    def __init__(self, inner, call_log=None, faults=None, validated_services=VALIDATED_SERVICES):
        self.inner = inner
        self.call_log = call_log or CallLog()
        self.faults = faults or FaultInjector()
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
            return result
        return self._aws_call(environ, start_response)

    def _aws_call(self, environ, start_response):
        started = time.perf_counter()
        body = self._buffer_body(environ)
        info = describe_request(environ, body)
        fault, latency = self.faults.decide(info.service, info.operation)
        if latency:
            time.sleep(latency)
        if fault is not None:
            status, headers, payload, code = error_response(info.service, info.protocol, fault)
            return self._answer(start_response, info, started, status, headers, payload, code, injected=True)
        rejection = self._validate(info)
        if rejection is not None:
            status, headers, payload = rejection
            code = json.loads(payload)["__type"]
            return self._answer(start_response, info, started, status, headers, payload, code, injected=False)

        captured = {}

        def capture(status_line, headers, exc_info=None):
            captured["status"] = int(status_line.split(" ", 1)[0])
            captured["headers"] = headers
            return start_response(status_line, headers, exc_info)

        result = self.inner(environ, capture)
        if "status" not in captured:
            # start_response may legally come with the first chunk; materialise to see it.
            result = list(result)
        status = captured.get("status", 500)
        code = None
        if status >= 400:
            chunks = list(result)
            if hasattr(result, "close"):
                result.close()
            result = chunks
            code = error_code_from_response(status, captured.get("headers", []), b"".join(chunks))
        self.call_log.record(info, status, code, False, time.perf_counter() - started)
        return result

    def _answer(self, start_response, info, started, status, headers, payload, code, injected):
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        self.call_log.record(info, status, code, injected, time.perf_counter() - started)
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
        if errors:
            return _json_error(400, "ValidationException", format_message(errors))
        return None

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


def load_faults(value):
    """The --faults argument: inline JSON or the path of a JSON file."""
    if value is None:
        return None
    text = value if value.lstrip().startswith("{") else open(value, encoding="utf-8").read()
    return json.loads(text)


def build_app(faults=None):
    install_all()
    return SandboxApp(DomainDispatcherApplication(create_backend_app), faults=FaultInjector(faults))


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5000, help="TCP port on 127.0.0.1")
    parser.add_argument("--pid-file", help="write the server's PID here once it listens")
    parser.add_argument("--faults", help="fault injection rules: inline JSON or a JSON file (see sandbox/faults.py)")
    parser.add_argument("--access-log", action="store_true", help="log every request on stderr (werkzeug)")
    return parser.parse_args(argv)


def main(argv=None):
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    # The workshop's instance role attaches AmazonSSMManagedInstanceCore, which moto only knows
    # when told to load AWS managed policies.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = build_app(load_faults(args.faults))
    if not args.access_log:
        # One log line per request costs throughput; the call log records them anyway.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=KeepAliveRequestHandler)
    if args.pid_file:
        with open(args.pid_file, "w", encoding="utf-8") as handle:
            handle.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"sandbox listening on http://127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
