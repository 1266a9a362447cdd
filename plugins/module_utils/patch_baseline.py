# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Patch baselines: what the modules use, and the only module_utils file they import it from.

The pieces live in the private package ``_baseline`` (as amazon.aws keeps ``_autoscaling`` behind
``autoscaling.py``), so they can be split or renamed without touching a module:
``definition`` (the API's shape to the collection's and back, checks of one definition),
``checks`` (checks across a task's options, before any write) and ``lookup`` (finding a baseline
by name, id, ARN or "the AWS default", through ssm.py's calls).
"""

from ._baseline.checks import aws_owned_error
from ._baseline.checks import baseline_operating_system
from ._baseline.checks import missing_id_warnings
from ._baseline.checks import missing_ids
from ._baseline.checks import present_error
from ._baseline.checks import validate_info_parameters
from ._baseline.checks import validate_parameters
from ._baseline.definition import baseline_arn
from ._baseline.definition import baseline_to_ansible
from ._baseline.definition import changed_fields
from ._baseline.definition import client_token
from ._baseline.definition import default_baselines_by_os
from ._baseline.definition import fields_to_api
from ._baseline.definition import filter_value_errors
from ._baseline.definition import is_aws_owned
from ._baseline.definition import masked
from ._baseline.definition import masked_diff
from ._baseline.definition import property_lookups
from ._baseline.definition import select_identities
from ._baseline.lookup import aws_default_baseline_id
from ._baseline.lookup import find_baseline
from ._baseline.lookup import owned_by_aws
from ._baseline.lookup import resolve_baseline

__all__ = [
    "aws_default_baseline_id",
    "aws_owned_error",
    "baseline_arn",
    "baseline_operating_system",
    "baseline_to_ansible",
    "changed_fields",
    "client_token",
    "default_baselines_by_os",
    "fields_to_api",
    "filter_value_errors",
    "find_baseline",
    "is_aws_owned",
    "masked",
    "masked_diff",
    "missing_id_warnings",
    "missing_ids",
    "owned_by_aws",
    "present_error",
    "property_lookups",
    "resolve_baseline",
    "select_identities",
    "validate_info_parameters",
    "validate_parameters",
]
