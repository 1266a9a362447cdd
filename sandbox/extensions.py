"""Everything the sandbox adds to moto, applied once before moto serves a request.

Each extension module has an `install()` that sets response methods on moto's
SimpleSystemManagerResponse (and backend methods where moto's own are wrong). Both moto's server
and `mock_aws` look actions up by name on each request, so the same install serves both modes.
"""

import importlib

EXTENSION_MODULES = (
    "sandbox.patch_baselines",
    "sandbox.patch_groups",
    "sandbox.agent.managed_nodes",
    "sandbox.patch_states",
    "sandbox.documents",
    "sandbox.commands",
    "sandbox.associations",
    "sandbox.moto_fixes.s3_integrity",
    "sandbox.moto_fixes.ec2_lifecycle",
    "sandbox.moto_fixes.cloudformation",
    "sandbox.maintenance_windows",
    "sandbox.resource_groups",
)

_installed = False


def install_all():
    global _installed  # pylint: disable=global-statement
    if _installed:
        return
    for name in EXTENSION_MODULES:
        importlib.import_module(name).install()
    _installed = True
