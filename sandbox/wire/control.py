"""The sandbox's control API: JSON over HTTP under `/_sandbox/`, beside the AWS endpoints.

    GET    /_sandbox/health                      {"status": "ok", "moto_version": ..., "calls": N}
    GET    /_sandbox/calls?service=&operation=&region=&account_id=&mutating=true|false&since=SEQ
                                                 {"calls": [{seq, time, service, operation, region,
                                                   account_id, parameters, status, error_code,
                                                   injected, mutating, duration_ms,
                                                   held_ms}, ...]}
                                                 (oldest first; account_id: the account moto served
                                                 the call in, see call_log.request_account)
    DELETE /_sandbox/calls                       {"cleared": N}
    GET    /_sandbox/faults                      {"seed": ..., "rules": [...]}
    PUT    /_sandbox/faults                      body: {"seed": 1, "rules": [{"service": "ssm",
                                                   "operation": "*", "throttle_rate": 1.0,
                                                   "error_500_rate": 0, "error_503_rate": 0,
                                                   "latency_ms": 0}]}  -> the normalized config
    DELETE /_sandbox/faults                      no faults any more
    POST   /_sandbox/reset                       moto's reset (all AWS state) + the call log, and the
                                                 clock follows the wall clock again; fault rules and
                                                 agent settings stay (they are configuration)
    GET    /_sandbox/clock                       {"now": <epoch seconds>, "frozen": true|false}
    POST   /_sandbox/clock                       body: {"freeze": true} (simulated time stops),
                                                 {"freeze": false} (runs again at the wall's pace from
                                                 where it is), or {"advance_seconds": N} (jumps N >= 0
                                                 seconds, frozen or not, and brings every backend's
                                                 commands and associations up to the new now),
                                                 or {"advance_per_request": N} (every SSM request
                                                 served from now on first moves the clock N seconds;
                                                 0 stops it; a reset clears it)
                                                 -> {"now", "frozen"[, "advance_per_request"]}
    GET    /_sandbox/nodes?region=&account_id=   {"nodes": [{instance_id, resource_type,
                                                   operating_system, platform_type, platform_name,
                                                   platform_version, ping_status, tags, ...}]}
    POST   /_sandbox/nodes/seed                  body: {"count": 10000, "operating_system":
                                                   "AMAZON_LINUX_2", "kind": "ec2"|"hybrid",
                                                   "tags": {...}, "name_prefix": "web-",
                                                   "ping_status": "Online", "region": ...,
                                                   "instance_type": "t3.micro",
                                                   "instance_profile": name}
                                                 -> {"instance_ids": [...], "count": N, "seconds": t}
    POST   /_sandbox/nodes/register              body: {"operating_system", "name", "tags",
                                                   "ping_status", "ip_address", "computer_name",
                                                   "iam_role", "agent_version", "instance_id",
                                                   "region"} -> the node (a hybrid mi- node)
    PATCH  /_sandbox/nodes/{id}                  body: {"ping_status", "agent_version",
                                                   "operating_system", "association_status",
                                                   "region"} -> the node
    DELETE /_sandbox/nodes/{id}?region=          deregister a hybrid node -> {"deregistered": id}

    GET    /_sandbox/agent                       the simulated agent's timing {"seconds_per_node": 1.0,
                                                   "reboot_seconds": 2.0, "delivery_timeout_scale": 1.0}
    PUT    /_sandbox/agent                       body: any of those -> the settings (they stay across
                                                   resets, like fault rules)
    DELETE /_sandbox/agent                       back to the defaults
    PUT    /_sandbox/nodes/{id}/failing-patches  body: {"patterns": ["kernel*"]}: installing a matching
                                                   patch fails on that node (sandbox.agent.patch_agent)
    DELETE /_sandbox/nodes/{id}/failing-patches  no failing patches any more
    GET    /_sandbox/commands?region=            {"commands": [{command_id, document_name, status,
                                                   status_details, target_count, completed_count,
                                                   error_count, requested}]} (advanced to now)

    POST   /_sandbox/organization                body: {"management_account_id", "ous": {"Prod":
                                                   {"Web": {}}}, "accounts": [{"id", "name", "ou":
                                                   "Prod/Web", "status": "ACTIVE"|"SUSPENDED"|
                                                   "PENDING_CLOSURE", "state" (CLOSED for a closed
                                                   SUSPENDED one), "role_name", "trusted_principal",
                                                   "regions": {"us-east-1": {"nodes": N, "os", "kind",
                                                   "tags"}}}], "management_regions": {...}}: an
                                                   organization with its OUs, accounts (each with a
                                                   role its trusted principal may assume) and nodes
                                                   per account and region, in one call
                                                 -> {"organization_id", "root_id", "ous": {path: id},
                                                   "accounts": [{"id", "name", "ou", "ou_id", "status",
                                                   "role_arn", "nodes": {region: [ids]}}],
                                                   "management_nodes": {region: [ids]}}
                                                   (sandbox/wire/accounts.py has the details)
    POST   /_sandbox/accounts/{id}/roles         body: {"role_name", "trusted_principal": ARN or id or
                                                   list} or {"role_name", "trust_policy": {...}}: the
                                                   role made (or its trust policy replaced) in that
                                                   account, as IAM CreateRole sent with moto's
                                                   `x-moto-account-id: {id}` header would
                                                 -> {"account_id", "role_name", "role_arn"}

Every request body and query may name `region` (default us-east-1) and `account_id` (default moto's
123456789012): nodes, agent failures and commands are per account and region. Errors: HTTP 400 or 404 with {"error": "..."}.
`POST /moto-api/reset` (moto's own) also clears the call log and resets the clock.
"""

import datetime
import json
import time
from urllib.parse import parse_qs

import moto
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ssm.models import ssm_backends

from sandbox.agent import clock, managed_nodes
from sandbox.wire import accounts
from sandbox.ssm import run_command
from sandbox.ssm import simulated_time
from sandbox.wire.faults import FaultConfigError

DEFAULT_REGION = "us-east-1"

_STATUS_TEXT = {200: "200 OK", 400: "400 Bad Request", 404: "404 Not Found", 405: "405 Method Not Allowed"}


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def reset_moto():
    from moto.moto_api._internal.models import moto_api_backend  # pylint: disable=import-outside-toplevel

    moto_api_backend.reset()


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def node_to_json(node):
    return {
        "instance_id": node.instance_id,
        "resource_type": node.resource_type,
        "operating_system": node.operating_system,
        "platform_type": node.platform_type,
        "platform_name": node.platform_name,
        "platform_version": node.platform_version,
        "ping_status": node.ping_status,
        "agent_version": node.agent_version,
        "name": node.name,
        "ip_address": node.ip_address,
        "computer_name": node.computer_name,
        "tags": node.tags,
    }


def _truthy(value):
    return value.lower() in ("1", "true", "yes")


class ControlAPI:
    def __init__(self, call_log, faults):
        self.call_log = call_log
        self.faults = faults

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")[len("/_sandbox/"):].strip("/")
        query = {key: values[-1] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            body = self._body(environ)
            status, payload = self.dispatch(method, path.split("/") if path else [], query, body)
        except ControlError as exc:
            status, payload = exc.status, {"error": str(exc)}
        except (FaultConfigError, ValueError, TypeError, KeyError) as exc:
            status, payload = 400, {"error": f"{type(exc).__name__}: {exc}"}
        data = json.dumps(payload, default=_json_default).encode()
        start_response(
            _STATUS_TEXT.get(status, f"{status} Error"),
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    @staticmethod
    def _body(environ):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ControlError(400, f"body is not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        return body

    @staticmethod
    def _backend(source):
        return ssm_backends[source.get("account_id", DEFAULT_ACCOUNT_ID)][source.get("region", DEFAULT_REGION)]

    def dispatch(self, method, parts, query, body):
        route = (method, parts[0] if parts else "")
        if route == ("GET", "health"):
            return 200, {"status": "ok", "moto_version": moto.__version__, "calls": len(self.call_log)}
        if parts[:1] == ["calls"]:
            return self._calls(method, query)
        if parts[:1] == ["faults"]:
            return self._faults(method, body)
        if route == ("POST", "reset"):
            reset_moto()
            clock.CLOCK.reset()
            cleared = self.call_log.clear()
            return 200, {"status": "ok", "calls_cleared": cleared}
        if parts[:1] == ["nodes"]:
            return self._nodes(method, parts[1:], query, body)
        if parts == ["agent"]:
            return self._agent(method, body)
        if parts == ["clock"]:
            return self._clock(method, body)
        if route == ("GET", "commands") and len(parts) == 1:
            return self._commands(query)
        try:
            if route == ("POST", "organization") and len(parts) == 1:
                return 200, accounts.seed_organization(body)
            if method == "POST" and len(parts) == 3 and parts[0] == "accounts" and parts[2] == "roles":
                return 200, accounts.role_request(parts[1], body)
        except accounts.SeedError as exc:
            raise ControlError(400, str(exc)) from exc
        raise ControlError(404, f"no control route {method} /_sandbox/{'/'.join(parts)}")

    def _calls(self, method, query):
        if method == "GET":
            mutating = query.get("mutating")
            since = query.get("since")
            calls = self.call_log.query(
                service=query.get("service"),
                operation=query.get("operation"),
                region=query.get("region"),
                account_id=query.get("account_id"),
                mutating=None if mutating is None else _truthy(mutating),
                since=None if since is None else int(since),
            )
            return 200, {"calls": calls}
        if method == "DELETE":
            return 200, {"cleared": self.call_log.clear()}
        raise ControlError(405, "calls: GET or DELETE")

    def _faults(self, method, body):
        if method == "GET":
            return 200, self.faults.config()
        if method == "PUT":
            return 200, self.faults.configure(body)
        if method == "DELETE":
            return 200, self.faults.configure(None)
        raise ControlError(405, "faults: GET, PUT or DELETE")

    @staticmethod
    def _agent(method, body):
        if method == "GET":
            return 200, run_command.agent_settings()
        if method == "PUT":
            return 200, run_command.configure_agent(**body)
        if method == "DELETE":
            return 200, run_command.reset_agent()
        raise ControlError(405, "agent: GET, PUT or DELETE")

    @staticmethod
    def _clock(method, body):
        if method == "GET":
            return 200, clock.CLOCK.state()
        if method != "POST":
            raise ControlError(405, "clock: GET or POST")
        actions = {key: body[key] for key in ("freeze", "advance_seconds", "advance_per_request") if key in body}
        unknown = sorted(set(body) - {"freeze", "advance_seconds", "advance_per_request"})
        if unknown or len(actions) != 1:
            raise ControlError(400, 'clock: the body is one of {"freeze": true|false}, {"advance_seconds": N} '
                                    'or {"advance_per_request": N}')
        if "freeze" in actions:
            if not isinstance(actions["freeze"], bool):
                raise ControlError(400, "freeze must be true or false")
            if actions["freeze"]:
                clock.CLOCK.freeze()
            else:
                clock.CLOCK.unfreeze()
        elif "advance_per_request" in actions:
            try:
                clock.CLOCK.set_step(actions["advance_per_request"])
            except ValueError as exc:
                raise ControlError(400, str(exc)) from exc
        else:
            clock.CLOCK.advance(actions["advance_seconds"])
            # What the jump passed over happens now, not at the next SSM request: a command's S3
            # output, say, is read through S3, which runs no advancer.
            simulated_time.advance_every_backend()
        return 200, clock.CLOCK.state()

    def _commands(self, query):
        backend = self._backend(query)
        # Every advancer, not the command engine's alone: an association's run at creation starts
        # its command only once time has moved past the creation (sandbox/ssm/associations).
        simulated_time.advance_all(backend)
        listed = run_command.list_all_commands(backend)
        return 200, {"commands": [
            {"command_id": command.command_id, "document_name": command.document_name,
             "status": command.status, "status_details": command.status_details,
             "target_count": command.target_count, "completed_count": command.counts["completed"],
             "error_count": command.counts["errors"], "requested": command.requested}
            for command in listed
        ]}

    def _failing_patches(self, method, node_id, body):
        from sandbox.agent import patch_agent  # pylint: disable=import-outside-toplevel

        backend = self._backend(body)
        if managed_nodes.get_managed_node(backend, node_id) is None:
            raise ControlError(404, f"no managed node {node_id}")
        if method == "PUT":
            patterns = body.get("patterns")
            if not isinstance(patterns, list) or not all(isinstance(item, str) for item in patterns):
                raise ControlError(400, "patterns must be a list of strings")
            patch_agent.set_failing_patches(backend, node_id, patterns)
            return 200, {"instance_id": node_id, "failing_patches": patterns}
        if method == "DELETE":
            patch_agent.clear_failing_patches(backend, node_id)
            return 200, {"instance_id": node_id, "failing_patches": []}
        raise ControlError(405, "failing-patches: PUT or DELETE")

    def _nodes(self, method, parts, query, body):
        if len(parts) == 2 and parts[1] == "failing-patches":
            return self._failing_patches(method, parts[0], {**query, **body})
        if method == "GET" and not parts:
            backend = self._backend(query)
            # A node rebooting for a patch run (a command's or an association's) shows ConnectionLost
            # only while the command runs.
            simulated_time.advance_all(backend)
            return 200, {"nodes": [node_to_json(node) for node in managed_nodes.iter_managed_nodes(backend)]}
        if method == "POST" and parts == ["seed"]:
            return self._seed(body)
        if method == "POST" and parts == ["register"]:
            backend = self._backend(body)
            options = {key: value for key, value in body.items() if key not in ("region", "account_id")}
            node = managed_nodes.register_hybrid_node(backend, **options)
            return 200, node_to_json(node)
        if len(parts) == 1 and method == "PATCH":
            backend = self._backend(body)
            fields = {key: value for key, value in body.items() if key not in ("region", "account_id")}
            # A node's change happens at the clock's now: what fell due before it saw the node as
            # it was, and a command waiting for the node sees the change at once.
            simulated_time.advance_all(backend)
            try:
                node = managed_nodes.update_managed_node(backend, parts[0], **fields)
            except KeyError as exc:
                raise ControlError(404, f"no managed node {parts[0]}") from exc
            simulated_time.advance_all(backend)
            return 200, node_to_json(node)
        if len(parts) == 1 and method == "DELETE":
            backend = self._backend(query)
            simulated_time.advance_all(backend)
            if not managed_nodes.deregister_hybrid_node(backend, parts[0]):
                raise ControlError(404, f"no hybrid node {parts[0]}")
            simulated_time.advance_all(backend)
            return 200, {"deregistered": parts[0]}
        raise ControlError(404, f"no control route {method} /_sandbox/nodes/{'/'.join(parts)}")

    def _seed(self, body):
        backend = self._backend(body)
        options = {key: value for key, value in body.items() if key not in ("region", "account_id", "count")}
        if "count" not in body:
            raise ControlError(400, "count is required")
        started = time.perf_counter()
        ids = managed_nodes.seed_nodes(backend, body["count"], **options)
        return 200, {"instance_ids": ids, "count": len(ids), "seconds": round(time.perf_counter() - started, 3)}
