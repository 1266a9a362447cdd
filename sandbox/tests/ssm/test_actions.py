"""The one table of SSM actions: every entry is an SSM operation, and moto dispatches it to the table's handler."""

import types

import botocore.session
import pytest
from botocore import xform_name
from moto.ssm.responses import SimpleSystemManagerResponse

from sandbox.install import install_all
from sandbox.ssm import actions, simulated_time
from sandbox.wire.errors import ValidationException

SSM_OPERATIONS = set(botocore.session.get_session().get_service_model("ssm").operation_names)


@pytest.fixture(scope="module", autouse=True)
def installed():
    install_all()


@pytest.mark.parametrize("operation", sorted(actions.ACTIONS))
def test_every_entry_is_an_ssm_operation_served_by_its_handler(operation):
    assert operation in SSM_OPERATIONS
    # moto's call_action looks the method up by the operation's snake_case name; no other
    # install may have replaced what the table set there.
    method = getattr(SimpleSystemManagerResponse, actions.method_name(operation))
    assert method.handler is actions.ACTIONS[operation]
    assert actions.method_name(operation) == xform_name(operation)


def test_handlers_get_the_backend_and_the_parsed_body():
    calls = []

    class Request:
        ssm_backend = types.SimpleNamespace()
        body = '{"BaselineId": "pb-0123456789abcdef0", "MaxResults": 5}'

    method = actions.response_method(lambda backend, params: calls.append((backend, params)) or {"Answer": 1})
    result = method(Request())
    assert calls == [(Request.ssm_backend, {"BaselineId": "pb-0123456789abcdef0", "MaxResults": 5})]
    assert result.result == {"Answer": 1}


def test_the_backend_is_brought_to_the_present_before_the_handler_reads_it(monkeypatch):
    order = []
    monkeypatch.setattr(simulated_time, "_advancers", [lambda backend: order.append(("advanced", backend))])

    class Request:
        ssm_backend = types.SimpleNamespace()
        body = "{}"

    actions.response_method(lambda backend, params: order.append(("handled", backend)) or {})(Request())
    assert order == [("advanced", Request.ssm_backend), ("handled", Request.ssm_backend)]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_a_validation_error(body):
    class Request:
        ssm_backend = types.SimpleNamespace()

    Request.body = body
    method = actions.response_method(lambda backend, params: pytest.fail("handler called on a bad body"))
    with pytest.raises(ValidationException):
        method(Request())


def test_an_empty_body_is_no_parameters():
    class Request:
        ssm_backend = types.SimpleNamespace()
        body = ""

    assert actions.response_method(lambda backend, params: {"Params": params})(Request()).result == {"Params": {}}


def test_served_end_to_end(sandbox):
    ssm = sandbox.client("ssm")
    assert ssm.get_default_patch_baseline(OperatingSystem="AMAZON_LINUX_2")["OperatingSystem"] == "AMAZON_LINUX_2"
