"""The sandbox's own tests: those that reset the sandbox run first.

A reset re-initialises every moto backend that was used since the previous one, in every account
(sandbox/tests/patch_isolation.py): IAM's managed policies in each account an organization test made,
for one. The tests that take `clean_sandbox` (or reset it themselves) go first, in their usual order,
so that the accounts the others make (a test module's own, an organization's members) come after the
last reset and are never re-initialised. Each test still starts from the state it asks for: a reset,
or an account of its own. pytest-xdist hands tests out in this order to each worker.
"""

import inspect
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _resets(item):
    if "clean_sandbox" in getattr(item, "fixturenames", ()):
        return True
    function = getattr(item, "function", None)
    try:
        return function is not None and "sandbox.reset()" in inspect.getsource(function)
    except (OSError, TypeError):
        return False


def pytest_collection_modifyitems(items):
    # Only this directory's tests move (a run of the whole repository keeps the others where they are).
    places = [index for index, item in enumerate(items) if HERE in Path(str(item.path)).parents]
    ours = sorted((items[index] for index in places), key=lambda item: not _resets(item))  # stable
    for index, item in zip(places, ours):
        items[index] = item
