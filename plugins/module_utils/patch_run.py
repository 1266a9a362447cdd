# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Patch runs: what ssm_patch_run uses, and the only module_utils file it imports it from.

The pieces live in the private package ``_patch_run``: ``request`` (targets, documents and their
parameters, rate controls, the checks of a run's options, polling) and ``results`` (each node's
row, the run's summary, status and outcome) and ``schedule`` (the rate controls of a run of several
commands: each command's MaxConcurrency and MaxErrors, and when it may be sent); no AWS call.
"""

from ._patch_run.request import PENDING_STATUSES
from ._patch_run.request import TARGET_OPTIONS
from ._patch_run.request import command_targets
from ._patch_run.request import describe_targets
from ._patch_run.request import document_for
from ._patch_run.request import document_parameters
from ._patch_run.request import node_filters
from ._patch_run.request import node_ids_of_arns
from ._patch_run.request import patch_now_rate_controls
from ._patch_run.request import poll_delays
from ._patch_run.request import validate_run
from ._patch_run.schedule import command_concurrency
from ._patch_run.schedule import errors_left
from ._patch_run.schedule import sendable
from ._patch_run.results import failure_reasons
from ._patch_run.results import node_row
from ._patch_run.results import overall_status
from ._patch_run.results import predicted_changes
from ._patch_run.results import run_outcome
from ._patch_run.results import summarize
from ._patch_run.results import zero_target_commands

__all__ = [
    "PENDING_STATUSES",
    "TARGET_OPTIONS",
    "command_concurrency",
    "command_targets",
    "describe_targets",
    "document_for",
    "document_parameters",
    "errors_left",
    "failure_reasons",
    "node_filters",
    "node_ids_of_arns",
    "node_row",
    "overall_status",
    "patch_now_rate_controls",
    "poll_delays",
    "predicted_changes",
    "run_outcome",
    "sendable",
    "summarize",
    "validate_run",
    "zero_target_commands",
]
