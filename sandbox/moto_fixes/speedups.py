"""Shortcuts for work moto 5.2.5 repeats on every request, with the same answers, for fleet-sized tests.

Applied by the server only, after every extension is installed, so the cached method lists include
the sandbox's own actions:
- moto lists its package directory (a stat per service) to route each request, and scans the
  response class with `inspect.getmembers` to find the action's method; both answers are fixed
  once the server runs;
- moto reads one EC2 resource's tags by scanning every tag of the region, so DescribeInstances
  over N tagged instances cost O(N^2) (2.5 s a page of 100 among 1,000 instances); the tags are in
  a dict keyed by resource id, read directly here;
- moto's IAM backend parses its 1.6 MB of AWS managed policies and builds ~1,580 policy objects for
  each of its seven partitions whenever the backend is created, so every reset cost about 2.5 s. The
  sandbox serves the `aws` partition only: the JSON is parsed once, and only that partition gets
  AWS's managed policies (the same objects moto would build);
- moto searches every response body for an XML `<RequestId>` to fill in, with a pattern tried at
  every position of the body; `enrich_response` searches only a body that holds `<RequestId>`.

`bulk_instance_lookups` is not applied globally: seeding uses it for the instances it creates.
`SandboxResult` is the ActionResult of the sandbox's own SSM actions (sandbox.ssm.actions): moto's
serializer looks every member of every structure up through six alias providers, a context object
and a key path each, which made serializing a page of 50 patch states or nodes cost more than
answering it; the handlers' results are plain dicts in the API's member names, serialized here by one
walk of the output shape that writes what moto's JSON serializer writes (anything else goes to moto's).
"""

import calendar
import datetime
import functools
import json
import re
from enum import Enum
from contextlib import contextmanager

from botocore import xform_name
from moto import backends as moto_backends
from moto import settings as moto_settings
from moto.core import responses as moto_responses
from moto.core.serialize import BaseJSONSerializer, TimestampSerializer, XFormedAttributePicker
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix
from moto.iam import models as iam_models

SERVED_PARTITION = "aws"


def ec2_resource_tags(resource):
    """TaggedEC2Resource.get_tags without the scan: the same rows describe_tags gives for one id."""
    if not resource.id:
        return []
    tags = resource.ec2_backend.tags.get(resource.id) or {}
    resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource.id), "")
    return [{"resource_id": resource.id, "key": key, "value": value, "resource_type": resource_type} for key, value in tags.items()]


@functools.lru_cache(maxsize=1)
def _aws_managed_policies_data():
    return json.loads(iam_models.aws_managed_policies_data)


def init_aws_policies(backend):
    """IAMBackend._init_aws_policies, for the served partition only and from JSON parsed once."""
    if not iam_models.load_iam_aws_managed_policies() or backend.region_name != SERVED_PARTITION:
        return []
    return [
        iam_models.AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data)
        for name, data in _aws_managed_policies_data().items()
    ]


class _NotPlain(Exception):
    """A result the shortcut does not serialize itself: moto's serializer does."""


def _json_value(value, shape):
    """`value` as moto's JSON serializer (BaseJSONSerializer) writes it for `shape`, for a result made of
    plain dicts and lists in the API's own member names; _NotPlain for anything else."""
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type or type(value) is not dict:  # pylint: disable=unidiomatic-typecheck
            raise _NotPlain(shape.name)
        return _json_structure(value, shape)
    if kind == "list":
        # A None item is kept, dropped or refused by moto depending on the member's type: moto's case.
        if not isinstance(value, (list, tuple)) or any(item is None for item in value):
            raise _NotPlain(shape.name)
        member = shape.member
        return [_json_value(item, member) for item in value]
    if kind == "map":
        if type(value) is not dict or any(item is None for item in value.values()):  # pylint: disable=unidiomatic-typecheck
            raise _NotPlain(shape.name)
        return {key: _json_value(item, shape.value) for key, item in value.items()}
    if kind == "string":
        if isinstance(value, Enum):
            value = value.value
        return str(value) if value not in [None, {}, []] else value
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("float", "double"):
        return float(value)
    if kind == "timestamp":
        return _timestamp(value, shape)
    if kind == "blob":
        raise _NotPlain(shape.name)
    return value  # boolean and the rest: moto's _default_serialize writes the value as it is


def _json_structure(value, shape):
    serialized = {}
    members = shape.members
    # Kept on the shape object (moto's serializer sets attributes on shapes too): a page's items share
    # one member shape, and moto keeps its service models.
    plan = shape.__dict__.get("_sandbox_plan")
    if plan is None:
        plan = shape._sandbox_plan = _structure_plan(  # pylint: disable=protected-access
            shape.name, tuple((key, member.name, member.type_name, member.serialization.get("name", key))
                              for key, member in members.items()))
    for key, serialized_name, candidates, kind in plan:
        for name in candidates:
            if name in value:
                item = value[name]
                if item is None:
                    break
                # The commonest members inline, as _json_value writes them: a str is its own str(), a
                # boolean is written as it is.
                if (kind == "string" and type(item) is str) or kind == "boolean":  # pylint: disable=unidiomatic-typecheck
                    serialized[serialized_name] = item
                else:
                    serialized[serialized_name] = _json_value(item, members[key])
                break
    return serialized


def _timestamp(value, shape):
    """A timestamp member as moto writes it (parse_to_aware_datetime, then the format). An epoch-seconds
    member holding a datetime is worked out here the same way (moto's `_timestamp_unixtimestamp` of the
    UTC datetime: whole seconds of its time tuple plus its milliseconds, truncated) with the standard
    library's UTC instead of dateutil's tzutc, whose conversions were a third of serializing a page of nodes."""
    timestamp_format = shape.serialization.get("timestampFormat", "unixtimestamp")
    if type(value) is not datetime.datetime or timestamp_format.lower() != "unixtimestamp":  # pylint: disable=unidiomatic-typecheck
        return _TIMESTAMPS._convert_timestamp_to_str(value, timestamp_format)  # pylint: disable=protected-access
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    base_timestamp = calendar.timegm(value.timetuple())
    if value.microsecond:
        return base_timestamp + (value.microsecond // 1000) / 1000.0
    return base_timestamp


@functools.lru_cache(maxsize=None)
def _structure_plan(parent_name, members):
    """[(member, its serialized name, the dict keys moto would try for it, its type)] of a structure shape."""
    siblings = frozenset(key for key, *_rest in members)
    return tuple((key, serialized_name, _dict_keys(parent_name, siblings, key, member_name, member_type, serialized_name), member_type)
                 for key, member_name, member_type, serialized_name in members)


def _dict_keys(parent_name, sibling_names, key, member_name, member_type, serialized_name):
    """The keys moto's XFormedAttributePicker tries, in its order, for member `key` of a structure
    whose value is a plain dict: each alias its providers give (DEFAULT_ALIAS_PROVIDERS: ExplicitAlias
    needs a Meta a dict lacks; ShapeNameAlias; NoAlias; ShapePrefixAlias; ClassPrefixAlias, the class
    being `dict`; ModelAlias), each followed by its snake_case form. moto takes the first one the
    dict holds, even when its value is None."""
    aliases = []
    if member_type in ("list", "structure") and member_name not in sibling_names and key != member_name:
        aliases.append(member_name)
    aliases.append(key)
    if key.lower().startswith(parent_name.lower()) and key[len(parent_name):] not in sibling_names:
        aliases.append(key[len(parent_name):])
    if key.lower().startswith("dict"):
        aliases.append(key[len("dict"):])
    if serialized_name != key:
        aliases.append(serialized_name)
    return tuple(name for alias in aliases for name in (alias, xform_name(alias)))


_TIMESTAMPS = TimestampSerializer(TimestampSerializer.TIMESTAMP_FORMAT_UNIX)


class SandboxResult(moto_responses.ActionResult):
    """The result of one of the sandbox's own SSM actions (sandbox.ssm.actions), serialized as moto's
    ActionResult does, walking the output shape once over the handler's plain dict instead of
    through moto's per-member alias lookups (six alias providers, a context object and a key path
    for every member: most of a page's time). Anything else goes through moto's serializer."""

    def execute_result(self, context):
        transformers = getattr(context.response, "RESPONSE_KEY_PATH_TO_TRANSFORMER", None)
        serializer = context.serializer_class(
            operation_model=context.operation_model,
            pretty_print=moto_settings.PRETTIFY_RESPONSES,
            value_picker=XFormedAttributePicker(response_transformers=transformers),
        )
        shape = context.operation_model.output_shape
        plain = None
        if isinstance(serializer, BaseJSONSerializer) and not transformers and shape is not None \
                and not context.operation_model.has_event_stream_output and type(self.result) is dict:  # pylint: disable=unidiomatic-typecheck
            try:
                plain = _json_structure(self.result, shape)
            except _NotPlain:
                plain = None
        if plain is None:
            serialized = serializer.serialize(self.result)
        else:
            # pylint: disable-next=protected-access
            serialized = serializer._serialized_result_to_response(serializer._create_default_response(), self.result, shape, plain)
        return serialized["status_code"], serialized["headers"], serialized["body"]


@contextmanager
def bulk_instance_lookups(ec2, created):
    """Dictionary lookups, while the sandbox seeds EC2 nodes, for the two linear scans moto 5.2.5 does
    per new instance (get_instance and describe_images walk every reservation and image).

    The replacements answer exactly as moto's methods do (they fall back to them), so a request
    served by another thread meanwhile sees no difference.
    """
    original_get = type(ec2).get_instance
    original_describe = type(ec2).describe_images

    def get_instance(instance_id):
        instance = created.get(instance_id)
        return instance if instance is not None else original_get(ec2, instance_id)

    def describe_images(ami_ids=None, filters=None, exec_users=None, owners=None):
        if not ami_ids and not exec_users and not owners and filters and list(filters) == ["image-id"]:
            image_id = filters["image-id"]
            if isinstance(image_id, str) and image_id in ec2.amis:
                return [ec2.amis[image_id]]
        return original_describe(ec2, ami_ids=ami_ids, filters=filters, exec_users=exec_users, owners=owners)

    ec2.get_instance = get_instance
    ec2.describe_images = describe_images
    try:
        yield
    finally:
        del ec2.get_instance
        del ec2.describe_images


# moto's own, for the tests that compare (taken before apply() replaces it).
MOTO_ENRICH_RESPONSE = moto_responses.BaseResponse.__dict__["_enrich_response"].__func__
_REQUEST_ID_IN_XML = re.compile(r"(?<=<RequestId>).*(?=<\/RequestId>)")


def enrich_response(headers, body):
    """BaseResponse._enrich_response (moto 5.2.5): the status as a string, a request id in the headers
    and in an XML body's <RequestId>. Its pattern (a look-behind on `<RequestId>`) was tried at every
    position of every body, a JSON page of 50 nodes included (~25 KB, half a millisecond); it can only
    match where `<RequestId>` is, so a body without it is left as it is without the search."""
    if "status" in headers:
        headers["status"] = str(headers["status"])
    request_id = moto_responses.gen_amzn_requestid_long(headers)
    if isinstance(body, str) and "<RequestId>" in body:
        body = _REQUEST_ID_IN_XML.sub(request_id, body)
    return headers, body


def apply():
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules

    method_names = moto_responses.method_names_from_class
    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(lambda clazz: frozenset(method_names(clazz)))
    moto_responses.camelcase_to_underscores = functools.lru_cache(maxsize=4096)(moto_responses.camelcase_to_underscores)
    TaggedEC2Resource.get_tags = ec2_resource_tags
    iam_models.IAMBackend._init_aws_policies = init_aws_policies
    moto_responses.BaseResponse._enrich_response = staticmethod(enrich_response)
