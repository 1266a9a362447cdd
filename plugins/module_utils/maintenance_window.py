# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Maintenance windows: what ssm_maintenance_window and ssm_maintenance_window_info use, and the only
module_utils file they import it from.

The pieces live in the private package ``_maintenance_window``: ``schedule`` (cron/rate/at, dates,
time zones and the window's own checks), ``window`` (the window's members), ``targets`` and ``tasks``
(the module's shape to the API's and back, their checks and comparison), ``plan`` (what a task
registers, updates, replaces and deregisters, and the diff), ``executions`` (the info module's
executions and next runs) and ``lookup`` (finding and reading a window through ssm.py's calls).
"""

from ._maintenance_window.executions import WINDOW_ID
from ._maintenance_window.executions import execution_to_ansible
from ._maintenance_window.executions import invocation_to_ansible
from ._maintenance_window.executions import newest_executions
from ._maintenance_window.executions import task_execution_to_ansible
from ._maintenance_window.executions import validate_info_parameters
from ._maintenance_window.lookup import describe_window
from ._maintenance_window.lookup import find_window
from ._maintenance_window.lookup import read_window
from ._maintenance_window.lookup import windows_named
from ._maintenance_window.plan import change_summary
from ._maintenance_window.plan import has_changes
from ._maintenance_window.plan import plan_targets
from ._maintenance_window.plan import plan_tasks
from ._maintenance_window.plan import shared_names
from ._maintenance_window.plan import window_diff
from ._maintenance_window.schedule import window_errors
from ._maintenance_window.targets import choose_patch_group_key
from ._maintenance_window.targets import desired_target
from ._maintenance_window.targets import name_error
from ._maintenance_window.targets import patch_group_key_of
from ._maintenance_window.targets import target_errors
from ._maintenance_window.tasks import desired_task
from ._maintenance_window.tasks import hook_documents
from ._maintenance_window.tasks import task_errors
from ._maintenance_window.tasks import task_request
from ._maintenance_window.window import changed_window_fields
from ._maintenance_window.window import create_missing
from ._maintenance_window.window import create_request
from ._maintenance_window.window import predicted_window
from ._maintenance_window.window import tag_errors
from ._maintenance_window.window import window_request

__all__ = [
    "WINDOW_ID",
    "change_summary",
    "changed_window_fields",
    "choose_patch_group_key",
    "create_missing",
    "create_request",
    "describe_window",
    "desired_target",
    "desired_task",
    "execution_to_ansible",
    "find_window",
    "has_changes",
    "hook_documents",
    "invocation_to_ansible",
    "name_error",
    "newest_executions",
    "patch_group_key_of",
    "plan_targets",
    "plan_tasks",
    "predicted_window",
    "read_window",
    "shared_names",
    "tag_errors",
    "target_errors",
    "task_errors",
    "task_execution_to_ansible",
    "task_request",
    "validate_info_parameters",
    "window_diff",
    "window_errors",
    "window_request",
    "windows_named",
]
