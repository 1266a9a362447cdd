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
  AWS's managed policies (the same objects moto would build).

`bulk_instance_lookups` is not applied globally: seeding uses it for the instances it creates.
`SandboxResult` is the ActionResult of the sandbox's own SSM actions (sandbox.ssm.actions): moto's
serializer looks every member of every structure up through six alias providers, a context object
and a key path each, which made serializing a page of 50 patch states or nodes cost more than
answering it; for a member a plain dict holds under its own name (the handlers' dicts are in the
API's form) the picker takes it at once, as moto's picker would, and asks moto's for anything else.
"""

import functools
import json
from contextlib import contextmanager

from botocore import xform_name
from moto import backends as moto_backends
from moto import settings as moto_settings
from moto.core import responses as moto_responses
from moto.core.serialize import XFormedAttributePicker
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


class DictMemberPicker(XFormedAttributePicker):
    """XFormedAttributePicker with a shortcut for a plain dict holding the member under its own name.

    moto's picker tries, in order, ExplicitAlias (objects with a Meta; a dict has none), ShapeNameAlias
    (a list or structure member whose shape's name differs from the member's and is no sibling
    member: the shape's name and its snake_case form), then the member's own name: so a dict's own
    value is moto's answer unless the shape-name alias applies and the dict holds that key, and then,
    as whenever the member is missing or a response transformer is set, moto's picker answers."""

    def __call__(self, context):
        obj, key = context.obj, context.key
        if type(obj) is dict and key in obj and not self.response_transformers and not _shape_alias_held(context, obj):
            return obj[key]
        return super().__call__(context)


def _shape_alias_held(context, obj):
    shape = context.shape
    if shape is None or shape.type_name not in ("list", "structure") or shape.name == context.key:
        return False
    parent = getattr(shape, "parent", None)
    if parent is not None and shape.name in parent.members:
        return False
    return shape.name in obj or xform_name(shape.name) in obj


class SandboxResult(moto_responses.ActionResult):
    """moto's ActionResult.execute_result with DictMemberPicker as the value picker."""

    def execute_result(self, context):
        serializer = context.serializer_class(
            operation_model=context.operation_model,
            pretty_print=moto_settings.PRETTIFY_RESPONSES,
            value_picker=DictMemberPicker(
                response_transformers=getattr(context.response, "RESPONSE_KEY_PATH_TO_TRANSFORMER", None)),
        )
        serialized = serializer.serialize(self.result)
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


def apply():
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules

    method_names = moto_responses.method_names_from_class
    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(lambda clazz: frozenset(method_names(clazz)))
    moto_responses.camelcase_to_underscores = functools.lru_cache(maxsize=4096)(moto_responses.camelcase_to_underscores)
    TaggedEC2Resource.get_tags = ec2_resource_tags
    iam_models.IAMBackend._init_aws_policies = init_aws_policies
