"""The sandbox's answer as it goes over the wire: the raw JSON body of one call, beside botocore's
parsed dict. botocore parses an ISO string and an epoch number into the same datetime, so only the
raw body shows which one the sandbox sent."""

import json

from sandbox.tests.contract.compare import differences
from sandbox.tests.contract.examples import EXAMPLES


def call(client, operation, **params):
    """(raw JSON body, parsed response) of `operation` (CamelCase, as the model names it)."""
    captured = {}

    def keep_body(http_response, **_kwargs):
        captured["body"] = http_response.content

    event = f"after-call.{client.meta.service_model.service_id.hyphenize()}.{operation}"
    client.meta.events.register(event, keep_body)
    try:
        parsed = getattr(client, _snake(operation))(**params)
    finally:
        client.meta.events.unregister(event, keep_body)
    body = captured["body"]
    return (json.loads(body) if body else {}), parsed


def output_shape(client, operation):
    return client.meta.service_model.operation_model(operation).output_shape


def compare(client, example, actual, **options):
    """Differences between the example's transcribed output and the sandbox's raw answer."""
    return differences(example["output"], actual, output_shape(client, example["operation"]), **options)


def assert_matches(client, example, actual, **options):
    """Fail with every difference, one a line, and the example's source."""
    found = compare(client, example, actual, **options)
    assert not found, f"{example['source']} ({example['operation']}):\n" + "\n".join(found)


def run(ssm, name, **substitutions):
    """(example, raw answer) of the transcribed example `name`, its request changed by `substitutions`."""
    example = EXAMPLES[name]
    raw, _ = call(ssm, example["operation"], **{**example["request"], **substitutions})
    return example, raw


def shape_only(ssm, example, raw):
    """An example that shows no output: every member the sandbox sends must be in the output shape,
    with its timestamps on the wire as AWS sends them."""
    return differences({}, raw, output_shape(ssm, example["operation"]))


def _snake(operation):
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in operation).lstrip("_")
