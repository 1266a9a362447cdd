"""pytest plugin: a sandbox server on a free port for the whole session, stopped by PID.

Tests use the `sandbox` fixture (the running server) or `clean_sandbox` (the same, reset first: AWS
state, call log and fault rules); both are a `Sandbox` (sandbox/testing/process.py, which lists
what it drives).

Fixture `frozen_clock`: the sandbox (like `sandbox`) with its clock frozen for the test and running
again afterwards; a test then drives time with `advance_clock` (or `step_clock`, time moving with
each SSM request) instead of sleeping.

Every response a client from `Sandbox.client` receives is checked against botocore's output shape
(sandbox/testing/response_shapes.py); the hooks below fail the sandbox test (its setup, call or
teardown) during which a malformed response arrived, listing each problem with its path: the sandbox's
own tests and the collection's alike. No test can opt out.
"""

import pytest

from sandbox.testing import response_shapes
from sandbox.testing.process import start_sandbox


def _fail_on_shape_problems(item, phase):  # pylint: disable=unused-argument
    """Fail the test (any test of the repository that uses these fixtures) during whose `phase` a
    malformed response arrived."""
    problems = response_shapes.take_problems()
    if not problems:
        return
    listed = "\n  ".join(problems)
    pytest.fail(f"{len(problems)} response(s) in {phase} differ from botocore's output shape:\n  {listed}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    response_shapes.take_problems()  # what an earlier test's teardown left belongs to it, not here
    result = yield
    _fail_on_shape_problems(item, "setup")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    _fail_on_shape_problems(item, "the test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):  # pylint: disable=unused-argument
    result = yield
    _fail_on_shape_problems(item, "teardown")
    return result


@pytest.fixture(scope="session")
def sandbox():
    server = start_sandbox()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def frozen_clock(sandbox):  # pylint: disable=redefined-outer-name
    """The sandbox with its clock frozen for this test (running again afterwards). A reset follows
    the wall clock again, so a test that also takes `clean_sandbox` names it first."""
    sandbox.freeze_clock()
    try:
        yield sandbox
    finally:
        sandbox.step_clock(0)
        sandbox.unfreeze_clock()


@pytest.fixture
def clean_sandbox(sandbox):  # pylint: disable=redefined-outer-name
    sandbox.clear_faults()
    sandbox.reset()
    yield sandbox
    # A test that failed half-way must not leave faults for the next one.
    sandbox.clear_faults()
