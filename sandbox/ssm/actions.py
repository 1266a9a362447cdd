"""Every SSM action the sandbox answers itself: one table {operation: handler} and one adapter.

A handler is a plain function `handler(backend, params) -> dict`: `backend` is the request's moto
SSM backend, `params` the request's JSON body (the operation's input members, as the service model
names them), and the dict is the operation's output. Before a handler runs, the backend is brought
up to the sandbox clock's present (sandbox.ssm.simulated_time). `install()` sets each one on moto's
SimpleSystemManagerResponse under the method name moto's dispatcher looks up for that operation
(CamelCase to snake_case, as moto's `call_action` does), so moto's server and `mock_aws` both reach it.
"""

import json

from moto.core.utils import camelcase_to_underscores
from moto.ssm.responses import SimpleSystemManagerResponse

from sandbox.agent import managed_nodes
from sandbox.moto_fixes.speedups import SandboxResult
from sandbox.ssm import (
    compliance_items,
    maintenance_windows,
    patch_baselines,
    patch_groups,
    patch_states,
    simulated_time,
)
from sandbox.ssm.associations import handlers as associations
from sandbox.ssm.maintenance_window_executions import handlers as window_executions
from sandbox.ssm.run_command import handlers as commands
from sandbox.wire.errors import ValidationException

ACTIONS = {
    # Patch baselines and tags (patch_baselines.py)
    "CreatePatchBaseline": patch_baselines.create_patch_baseline_action,
    "GetPatchBaseline": patch_baselines.get_patch_baseline_action,
    "UpdatePatchBaseline": patch_baselines.update_patch_baseline_action,
    "DeletePatchBaseline": patch_baselines.delete_patch_baseline_action,
    "DescribePatchBaselines": patch_baselines.describe_patch_baselines_action,
    "RegisterDefaultPatchBaseline": patch_baselines.register_default_patch_baseline_action,
    "GetDefaultPatchBaseline": patch_baselines.get_default_patch_baseline_action,
    "DescribePatchProperties": patch_baselines.describe_patch_properties_action,
    "AddTagsToResource": patch_baselines.add_tags_to_resource_action,
    # Patch groups (patch_groups.py)
    "RegisterPatchBaselineForPatchGroup": patch_groups.register_patch_baseline_for_patch_group_action,
    "DeregisterPatchBaselineForPatchGroup": patch_groups.deregister_patch_baseline_for_patch_group_action,
    "GetPatchBaselineForPatchGroup": patch_groups.get_patch_baseline_for_patch_group_action,
    "DescribePatchGroups": patch_groups.describe_patch_groups,
    # Patch states and compliance (patch_states.py)
    "DescribeInstancePatchStates": patch_states.describe_instance_patch_states,
    "DescribeInstancePatchStatesForPatchGroup": patch_states.describe_instance_patch_states_for_patch_group,
    "DescribeInstancePatches": patch_states.describe_instance_patches,
    "DescribePatchGroupState": patch_states.describe_patch_group_state,
    "ListComplianceItems": patch_states.list_compliance_items,
    "ListResourceComplianceSummaries": patch_states.list_resource_compliance_summaries,
    "ListComplianceSummaries": patch_states.list_compliance_summaries,
    "DescribeAvailablePatches": patch_states.describe_available_patches,
    "DescribeEffectivePatchesForPatchBaseline": patch_states.describe_effective_patches,
    # Managed nodes (sandbox/agent/managed_nodes.py)
    "DescribeInstanceInformation": managed_nodes.describe_instance_information,
    "DeregisterManagedInstance": managed_nodes.deregister_managed_instance,
    # Compliance a caller registers (compliance_items.py)
    "PutComplianceItems": compliance_items.put_compliance_items,
    # Run Command (run_command/handlers.py)
    "SendCommand": commands.send_command,
    "ListCommands": commands.list_commands,
    "ListCommandInvocations": commands.list_command_invocations,
    "GetCommandInvocation": commands.get_command_invocation,
    "CancelCommand": commands.cancel_command_action,
    # State Manager associations (associations/handlers.py)
    "CreateAssociation": associations.create_association_action,
    "DescribeAssociation": associations.describe_association_action,
    "ListAssociations": associations.list_associations_action,
    "UpdateAssociation": associations.update_association_action,
    "DeleteAssociation": associations.delete_association_action,
    "StartAssociationsOnce": associations.start_associations_once_action,
    "DescribeAssociationExecutions": associations.describe_association_executions_action,
    "DescribeAssociationExecutionTargets": associations.describe_association_execution_targets_action,
    # Maintenance windows (maintenance_windows.py)
    "DescribeMaintenanceWindowTasks": maintenance_windows.describe_maintenance_window_tasks,
    "DescribeMaintenanceWindowTargets": maintenance_windows.describe_maintenance_window_targets,
    "GetMaintenanceWindowTask": maintenance_windows.get_maintenance_window_task,
    "CreateMaintenanceWindow": maintenance_windows.create_maintenance_window,
    "GetMaintenanceWindow": maintenance_windows.get_maintenance_window,
    "DescribeMaintenanceWindows": maintenance_windows.describe_maintenance_windows,
    "UpdateMaintenanceWindow": maintenance_windows.update_maintenance_window,
    "RegisterTargetWithMaintenanceWindow": maintenance_windows.register_target_with_maintenance_window,
    "RegisterTaskWithMaintenanceWindow": maintenance_windows.register_task_with_maintenance_window,
    "UpdateMaintenanceWindowTarget": maintenance_windows.update_maintenance_window_target,
    "UpdateMaintenanceWindowTask": maintenance_windows.update_maintenance_window_task,
    "DeleteMaintenanceWindow": maintenance_windows.delete_maintenance_window,
    "DeregisterTargetFromMaintenanceWindow": maintenance_windows.deregister_target_from_maintenance_window,
    "DeregisterTaskFromMaintenanceWindow": maintenance_windows.deregister_task_from_maintenance_window,
    "DescribeMaintenanceWindowSchedule": maintenance_windows.describe_maintenance_window_schedule,
    "DescribeMaintenanceWindowsForTarget": maintenance_windows.describe_maintenance_windows_for_target,
    # Maintenance window executions (maintenance_window_executions/handlers.py)
    "DescribeMaintenanceWindowExecutions": window_executions.describe_maintenance_window_executions,
    "GetMaintenanceWindowExecution": window_executions.get_maintenance_window_execution,
    "CancelMaintenanceWindowExecution": window_executions.cancel_maintenance_window_execution,
    "DescribeMaintenanceWindowExecutionTasks": window_executions.describe_maintenance_window_execution_tasks,
    "GetMaintenanceWindowExecutionTask": window_executions.get_maintenance_window_execution_task,
    "DescribeMaintenanceWindowExecutionTaskInvocations":
        window_executions.describe_maintenance_window_execution_task_invocations,
    "GetMaintenanceWindowExecutionTaskInvocation": window_executions.get_maintenance_window_execution_task_invocation,
}


def request_params(response):
    """The JSON request body, parsed once (moto's _get_param re-parses it for every member)."""
    body = response.body
    if not body:
        return {}
    try:
        params = json.loads(body)
    except ValueError as exc:
        raise ValidationException("The request body isn't valid JSON.") from exc
    if not isinstance(params, dict):
        raise ValidationException("The request body must be a JSON object.")
    return params


def response_method(handler):
    """`handler(backend, params) -> dict` as a method of moto's SimpleSystemManagerResponse, answering
    from a backend brought up to the clock's present first (commands and schedules move on)."""

    def action(self):
        backend = self.ssm_backend
        simulated_time.advance_all(backend)
        return SandboxResult(handler(backend, request_params(self)))

    action.__name__ = handler.__name__
    action.handler = handler
    return action


def method_name(operation):
    return camelcase_to_underscores(operation)


def install():
    for operation, handler in ACTIONS.items():
        setattr(SimpleSystemManagerResponse, method_name(operation), response_method(handler))
