"""pytest plugin: a sandbox server on a free port for the whole session, stopped by PID.

Tests use the `sandbox` fixture (the running server) or `clean_sandbox` (the same, reset first: AWS
state, call log and fault rules); both are a `Sandbox` (sandbox/testing/process.py, which lists
what it drives).

Fixture `frozen_clock`: the sandbox (like `sandbox`) with its clock frozen for the test and running
again afterwards; a test then drives time with `advance_clock` (or `step_clock`, time moving with
each SSM request) instead of sleeping.
"""

import pytest

from sandbox.testing.process import start_sandbox


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
