"""Everything the sandbox adds to moto, applied once before moto serves a request.

Every SSM action the sandbox answers is registered on moto's SimpleSystemManagerResponse from one
table, sandbox.ssm.actions.ACTIONS; the other extension modules' `install()` replace backend methods
where moto's own are wrong, register simulated-time advancers, or serve other services. Both moto's server
and `mock_aws` look actions up by name on each request, so the same install serves both modes.
"""

import importlib

EXTENSION_MODULES = (
    "sandbox.ssm.actions",
    "sandbox.ssm.patch_baselines",
    "sandbox.agent.managed_nodes",
    "sandbox.ssm.documents",
    "sandbox.ssm.commands",
    "sandbox.ssm.associations",
    "sandbox.moto_fixes.s3_integrity",
    "sandbox.moto_fixes.ec2_lifecycle",
    "sandbox.moto_fixes.cloudformation",
    "sandbox.ssm.resource_groups",
)

_installed = False


def install_all():
    global _installed  # pylint: disable=global-statement
    if _installed:
        return
    for name in EXTENSION_MODULES:
        importlib.import_module(name).install()
    _installed = True
