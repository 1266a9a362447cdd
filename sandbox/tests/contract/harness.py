"""What every contract test does: put the sandbox's own ids into an example's request, and assert
that the answer has the example's members, types and formats (compare.py)."""

import botocore.session

from sandbox.tests.contract.compare_parsed import differences

SSM_MODEL = botocore.session.get_session().get_service_model("ssm")


def substitute(value, mapping):
    """`value` with every string that is a key of `mapping` (an example's id) replaced by its value
    (the id the sandbox gave the seeded resource)."""
    if isinstance(value, dict):
        return {key: substitute(item, mapping) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, mapping) for item in value]
    if isinstance(value, str):
        return mapping.get(value, value)
    return value


def assert_documented(example, answered, by_type=()):
    """The answer agrees with the example's output, or the assertion lists every difference."""
    shape = SSM_MODEL.operation_model(example["operation"]).output_shape if "operation" in example else None
    found = differences(example["output"], answered, by_type=by_type, shape=shape)
    assert not found, f"{example['source']}: the sandbox's answer differs:\n  " + "\n  ".join(found)
