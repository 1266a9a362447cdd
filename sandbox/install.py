"""Everything the sandbox adds to moto, applied once before moto serves a request.

Every SSM action the sandbox answers is registered on moto's SimpleSystemManagerResponse from one
table, sandbox.ssm.actions.ACTIONS; the run-command, association and maintenance window engines register their
simulated-time advancers; every other change to moto is a module of sandbox.moto_fixes, each saying
which moto version it patches and why. Both moto's server
and `mock_aws` look actions up by name on each request, so the same install serves both modes.
"""

import importlib

EXTENSION_MODULES = (
    "sandbox.ssm.actions",
    "sandbox.moto_fixes.ssm_documents",
    "sandbox.moto_fixes.ssm_tagging",
    "sandbox.ssm.run_command",
    "sandbox.ssm.associations",
    "sandbox.ssm.maintenance_window_executions",
    "sandbox.moto_fixes.s3_integrity",
    "sandbox.moto_fixes.ec2_lifecycle",
    "sandbox.moto_fixes.cloudformation",
    "sandbox.moto_fixes.resource_groups",
    "sandbox.moto_fixes.kms_defaults",
)

_installed = False


def install_all():
    global _installed  # pylint: disable=global-statement
    if _installed:
        return
    for name in EXTENSION_MODULES:
        importlib.import_module(name).install()
    _installed = True
