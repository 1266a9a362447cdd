"""Shortcuts for work moto repeats on every request, with the same answers, for fleet-sized tests.

Applied by the server only, after every extension is installed, so the cached method lists include
the sandbox's own actions:
- moto lists its package directory (a stat per service) to route each request, and scans the
  response class with `inspect.getmembers` to find the action's method; both answers are fixed
  once the server runs;
- moto reads one EC2 resource's tags by scanning every tag of the region, so DescribeInstances
  over N tagged instances cost O(N^2) (2.5 s a page of 100 among 1,000 instances); the tags are in
  a dict keyed by resource id, read directly here.
"""

import functools

from moto import backends as moto_backends
from moto.core import responses as moto_responses
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix


def ec2_resource_tags(resource):
    """TaggedEC2Resource.get_tags without the scan: the same rows describe_tags gives for one id."""
    if not resource.id:
        return []
    tags = resource.ec2_backend.tags.get(resource.id) or {}
    resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource.id), "")
    return [{"resource_id": resource.id, "key": key, "value": value, "resource_type": resource_type} for key, value in tags.items()]


def apply():
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules

    method_names = moto_responses.method_names_from_class
    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(lambda clazz: frozenset(method_names(clazz)))
    moto_responses.camelcase_to_underscores = functools.lru_cache(maxsize=4096)(moto_responses.camelcase_to_underscores)
    TaggedEC2Resource.get_tags = ec2_resource_tags
