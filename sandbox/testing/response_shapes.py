"""Every response a sandbox client receives, checked against botocore's output shape.

Request validation (sandbox/wire/request_validation.py) proves the sandbox refuses what AWS refuses;
nothing proved that what it answers has the shape AWS answers with. `watch(client)` registers a
botocore `after-call` handler on a client: each successful response is checked against the
operation's `output_shape` (required members, types, enum values, and, for the JSON protocol SSM
speaks, the wire body itself: member names the model does not have, timestamps as epoch numbers as
the awsJson protocol sends them: for that protocol the body is what is checked). Problems are collected per process in `PROBLEMS`; the pytest
plugin (sandbox/testing/plugin.py) fails the test during which they were collected.

The parsed response alone would hide two kinds of mistake, which is why the JSON body is read too:
botocore's parser drops members it does not know (a misspelt `CommandID` would look merely absent)
and accepts ISO date strings where AWS sends epoch seconds.
"""

import datetime
import json
import threading

# Members botocore adds to every parsed response; not part of any output shape.
_BOTOCORE_ADDED = frozenset({"ResponseMetadata"})

# Enum values AWS itself answers although botocore's enum lacks them, each with where AWS shows it.
# Nothing else outside an enum passes.
DOCUMENTED_ENUM_EXCEPTIONS = {
    # awscli/examples/ssm/send-command.rst, list-commands.rst and list-command-invocations.rst: a
    # command sent without notifications answers NotificationConfig.NotificationType "".
    ("NotificationType", ""),
    # EC2 Image.Platform and Instance.Platform: "This value is set to windows for Windows AMIs;
    # otherwise, it is blank" (the API reference's words, also in botocore's ec2 model), where the
    # enum PlatformValues spells it "Windows".
    ("PlatformValues", "windows"),
    # EC2 InternetGatewayAttachment.State: "For an internet gateway, the state is available when
    # attached to a VPC" (API reference and botocore's model), not one of AttachmentStatus's values.
    ("AttachmentStatus", "available"),
    # awscli/examples/ssm/create-association.rst (Examples 1-3) and describe-association.rst (Example 2):
    # an association of one node that has not run yet answers Status.Name "Associated" ("Associated
    # with AWS-UpdateSSMAgent"), outside AssociationStatusName's Pending, Success and Failed.
    ("AssociationStatusName", "Associated"),
}

# Enums AWS answers in another spelling than botocore's: the enum's value in CamelCase.
# awscli/examples/ssm/describe-instance-patches.rst answers PatchComplianceData.State "Installed",
# "InstalledOther" and "Missing" where botocore's enum has INSTALLED, INSTALLED_OTHER and MISSING;
# the other values are taken to follow the same spelling.
CAMEL_CASE_ENUMS = frozenset({"PatchComplianceDataState"})


def _camel(value):
    return "".join(part.capitalize() for part in value.split("_"))

_LOCK = threading.Lock()
PROBLEMS = []


def _type_name(value):
    return type(value).__name__


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar_problem(shape, value, wire):
    """Why `value` is not a valid `shape` scalar, or None."""
    kind = shape.type_name
    if kind == "string":
        if not wire and shape.name == "policyDocumentType" and isinstance(value, (dict, list)):
            # botocore itself decodes IAM's policy documents into dicts after parsing
            # (botocore/handlers.py, json_decode_policies, registered on after-call.iam).
            return None
        if not isinstance(value, str):
            return f"expected a string, got {_type_name(value)} {value!r}"
        enum = shape.enum
        if shape.name in CAMEL_CASE_ENUMS:
            enum = [_camel(item) for item in enum]
        if enum and value not in enum and (shape.name, value) not in DOCUMENTED_ENUM_EXCEPTIONS:
            return f"{value!r} is not one of the enum values {sorted(enum)}"
        return None
    if kind in ("integer", "long"):
        return None if _is_int(value) else f"expected an integer, got {_type_name(value)} {value!r}"
    if kind in ("float", "double"):
        ok = _is_int(value) or isinstance(value, float)
        return None if ok else f"expected a number, got {_type_name(value)} {value!r}"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"expected a boolean, got {_type_name(value)} {value!r}"
    if kind == "timestamp":
        if wire:
            # awsJson 1.1 serialises timestamps as epoch seconds (botocore's default for the json
            # protocol when the shape names no timestampFormat).
            fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
            if fmt == "unixTimestamp":
                ok = _is_int(value) or isinstance(value, float)
                return None if ok else f"expected epoch seconds (a number), got {_type_name(value)} {value!r}"
            return None if isinstance(value, str) else f"expected a {fmt} string, got {_type_name(value)} {value!r}"
        return None if isinstance(value, datetime.datetime) else f"expected a datetime, got {_type_name(value)} {value!r}"
    if kind == "blob":
        ok = isinstance(value, (str, bytes, bytearray)) or hasattr(value, "read")
        return None if ok else f"expected a blob, got {_type_name(value)} {value!r}"
    return None


def shape_problems(shape, value, path="", wire=False):
    """Every way `value` differs from botocore `shape`, as "path: problem" strings.

    `wire=True`: `value` is the decoded JSON body (serialised names, epoch timestamps, and members
    the model does not name are reported); otherwise it is botocore's parsed response.
    """
    problems = []
    _walk(shape, value, path, wire, problems)
    return problems


def _walk(shape, value, path, wire, problems):
    where = path or "(response)"
    if value is None:
        # JSON null: AWS omits a member it has no value for rather than sending null.
        problems.append(f"{where}: null where the model has a {shape.type_name}")
        return
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a structure, got {_type_name(value)} {value!r}")
            return
        members = shape.members
        by_key = {}
        for name, member in members.items():
            key = member.serialization.get("name", name) if wire else name
            by_key[key] = (name, member)
        for required in shape.required_members:
            member = members[required]
            key = member.serialization.get("name", required) if wire else required
            if key not in value:
                problems.append(f"{_join(path, key)}: required member missing")
        for key, item in value.items():
            if key in by_key:
                _walk(by_key[key][1], item, _join(path, key), wire, problems)
            elif not (path == "" and key in _BOTOCORE_ADDED):
                problems.append(f"{_join(path, key)}: not a member of {shape.name}")
        return
    if kind == "list":
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, got {_type_name(value)} {value!r}")
            return
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{index}]", wire, problems)
        return
    if kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a map, got {_type_name(value)} {value!r}")
            return
        for key, item in value.items():
            key_problem = _scalar_problem(shape.key, key, wire)
            if key_problem:
                problems.append(f"{where} key {key!r}: {key_problem}")
            _walk(shape.value, item, f"{path}[{key!r}]", wire, problems)
        return
    problem = _scalar_problem(shape, value, wire)
    if problem:
        problems.append(f"{where}: {problem}")


def _join(path, key):
    return f"{path}.{key}" if path else key


def response_problems(operation_model, http_response, parsed):
    """Problems of one successful response: for the json protocol the body itself (it is the output
    structure, and it shows what parsing hides), otherwise botocore's parsed response."""
    shape = operation_model.output_shape
    if shape is None:
        return []
    protocol = operation_model.metadata.get("protocol")
    if protocol != "json" or operation_model.has_streaming_output:
        return shape_problems(shape, parsed)
    body = http_response.content
    try:
        decoded = json.loads(body) if body else {}
    except ValueError:
        return [f"(response): body is not JSON: {body[:200]!r}"]
    return shape_problems(shape, decoded, wire=True)


def _after_call(http_response, parsed, model, **_kwargs):
    if http_response is None or http_response.status_code >= 300:
        return
    problems = response_problems(model, http_response, parsed)
    if problems:
        service = model.service_model.service_name
        with _LOCK:
            PROBLEMS.extend(f"{service}.{model.name} {problem}" for problem in problems)


def watch(client):
    """Check every response `client` receives; returns the client."""
    client.meta.events.register("after-call", _after_call, unique_id="sandbox-response-shapes")
    return client


def take_problems():
    """The problems collected since the last take, emptied."""
    with _LOCK:
        taken = list(PROBLEMS)
        PROBLEMS.clear()
    return taken
