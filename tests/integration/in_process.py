"""The collection's modules run in the test process, exactly as Ansible runs them, minus the process.

AnsibleModule reads its arguments (patch_module_args), the module prints its JSON result and exits;
`run_in_process` gives that result as Ansible would read it. Hundreds of runs then take seconds, not
the minutes a process each (Python, ansible-core and boto3 started again) would. Used by the suites
that run a module many times: the bad inputs, the modules' own in-process cases, the merge.

botocore's data files (the endpoints and partitions, each service's model: megabytes of JSON) are read
once in this process, as one module process reads them once for all the clients of its session:
amazon.aws builds a new boto3 session for every client, so each run here would read and parse them
again, most of a run's cost, which a module's own process pays in its start-up (the part this runner
spares). Each botocore Loader's instance cache is shared by every loader with the same search paths;
botocore already hands the same cached data to every client of a session. Test processes only.
"""

import contextlib
import importlib
import io
import json

import botocore.loaders
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args

_BOTOCORE_DATA = {}


def _shared_loader_cache(loader):
    return _BOTOCORE_DATA.setdefault(tuple(loader.search_paths), {})


def _keep_shared_loader_cache(loader, cache):  # pylint: disable=unused-argument
    """Loader.__init__ sets an empty cache of its own: the shared one stays."""


botocore.loaders.Loader._cache = property(_shared_loader_cache, _keep_shared_loader_cache)  # pylint: disable=protected-access


def run_module(module_name, args, check_mode=False, diff=False):
    """cloudpatch.ssm's `module_name` run with `args`: its result as Ansible would read it. An exception that
    escapes the module (a traceback a user would see) is raised here, traceback and all."""
    module = importlib.import_module(f"ansible_collections.cloudpatch.ssm.plugins.modules.{module_name}")
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    # A module's warnings are kept in module_utils' globals until its process ends: each run here starts
    # without the earlier runs' (which would otherwise come back in its result), as in a process of its own.
    warnings._global_warnings.clear()  # pylint: disable=protected-access
    warnings._global_deprecations.clear()  # pylint: disable=protected-access
    output = io.StringIO()
    try:
        with patch_module_args(args), contextlib.redirect_stdout(output):
            module.main()
    except SystemExit:
        pass
    return json.loads(output.getvalue())


def run_in_process(module_name, args, check_mode=False, diff=False):
    """run_module(), with an escaped exception given as {"uncaught": "<exception>"}: for the suites that
    collect every case's problems before failing."""
    try:
        return run_module(module_name, args, check_mode, diff)
    except Exception as e:  # pylint: disable=broad-except
        return {"uncaught": f"{type(e).__name__}: {e}"}
