"""Caches for work moto repeats on every request although its inputs never change while serving.

Applied by the server only, after every extension is installed, so the cached method lists include
the sandbox's own actions. moto lists its package directory (a stat per service) to route each
request, and scans the response class with `inspect.getmembers` to find the action's method; both
answers are fixed once the server runs.
"""

import functools

from moto import backends as moto_backends
from moto.core import responses as moto_responses


def apply():
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules

    method_names = moto_responses.method_names_from_class
    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(lambda clazz: frozenset(method_names(clazz)))
    moto_responses.camelcase_to_underscores = functools.lru_cache(maxsize=4096)(moto_responses.camelcase_to_underscores)
