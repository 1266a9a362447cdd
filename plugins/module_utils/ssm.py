# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The SSM calls of cloudpatch.ssm: one function per API call, used by every module.

Each function has the error handler outside (botocore errors become AnsibleSSMError, with
DoesNotExistException meaning "not there" where that is an answer) and the retry inside, so a
throttled call is retried before it is ever reported.
"""

import functools

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import ssm_service_model

# SSM throttles with ThrottlingException ("Rate exceeded"), which AWSRetry does not retry unless told.
SSM_RETRYABLE_ERROR_CODES = ["ThrottlingException", "InternalServerError"]

ssm_retry = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30, catch_extra_error_codes=SSM_RETRYABLE_ERROR_CODES)
# One page of a listing is retried longer than a single call: a listing of 200 pages throttled 80%
# of the time would, with 10 attempts a page (AWSRetry's retries counts every attempt), fail on some
# page almost always (0.8**10 a page); with 50, about 3 listings in 1,000 would.
page_retry = AWSRetry.jittered_backoff(retries=50, delay=1, max_delay=30, catch_extra_error_codes=SSM_RETRYABLE_ERROR_CODES)

# The API's page maxima: asking for the largest page keeps the number of calls down.
PATCH_BASELINES_PAGE_SIZE = 100


@page_retry
def _one_page(method, token_key, next_token, kwargs):
    if next_token:
        kwargs = dict(kwargs, **{token_key: next_token})
    return method(**kwargs)


def all_pages(method, result_key, token_key="NextToken", **kwargs):
    """Every item of a listing, one call a page, each page retried on its own.

    A botocore paginator retried as a whole (around build_full_result()) starts again at page 1
    after a throttle on page 150 of 200, and under heavy throttling a long listing never ends; a
    paginator cannot resume from a page that failed. So the pages are asked for one by one with
    the API's own NextToken, and only the throttled page is asked for again.
    """
    items, next_token = [], None
    while True:
        result = _one_page(method, token_key, next_token, kwargs)
        items.extend(result.get(result_key, []))
        next_token = result.get(token_key)
        if not next_token:
            return items


class AnsibleSSMError(AnsibleAWSError):
    pass


class SSMErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSSMError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("DoesNotExistException")


# --------------------------------------------------------------------------------------------------
# Tags: ListTagsForResource, AddTagsToResource and RemoveTagsFromResource take the resource's type
# (the API's ResourceTypeForTagging) and its id; one function a call serves every type we tag.

# ResourceType -> what a failure calls the resource ("Failed to tag maintenance window").
TAGGED_RESOURCE_TYPES = {
    "PatchBaseline": "patch baseline",
    "ManagedInstance": "managed node",
    "Association": "association",
    "MaintenanceWindow": "maintenance window",
}


class TagErrorHandler(SSMErrorHandler):
    """The error handlers, with a message that names the call's resource type.

    An association's missing is AssociationDoesNotExist (as for its other calls), every other
    type's DoesNotExistException.
    """

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["DoesNotExistException", "AssociationDoesNotExist"])

    @classmethod
    def per_resource_type(cls, handler_name, description, *default):
        """`handler_name` (common_error_handler, list_error_handler) around the call, with
        `description` formatted with the resource type's name; the call's second argument is the type."""

        def wrapper(func):
            handled = dict((resource_type, getattr(cls, handler_name)(description.format(name), *default)(func))
                           for resource_type, name in TAGGED_RESOURCE_TYPES.items())

            @functools.wraps(func)
            def call(client, resource_type, *args, **kwargs):
                if resource_type not in handled:
                    raise ValueError(f"resource_type must be one of {', '.join(TAGGED_RESOURCE_TYPES)}, not {resource_type!r}")
                return handled[resource_type](client, resource_type, *args, **kwargs)

            return call

        return wrapper


@TagErrorHandler.per_resource_type("list_error_handler", "list tags of {}", {})
@ssm_retry
def list_tags_for_resource(client, resource_type, resource_id):
    """The resource's tags as a dict ({} if it does not exist)."""
    result = client.list_tags_for_resource(ResourceType=resource_type, ResourceId=resource_id)
    return boto3_tag_list_to_ansible_dict(result.get("TagList", []))


@TagErrorHandler.per_resource_type("common_error_handler", "tag {}")
@ssm_retry
def add_tags_to_resource(client, resource_type, resource_id, tags):
    """Add or overwrite `tags` (a dict) on the resource."""
    client.add_tags_to_resource(ResourceType=resource_type, ResourceId=resource_id, Tags=ansible_dict_to_boto3_tag_list(tags))


@TagErrorHandler.per_resource_type("common_error_handler", "untag {}")
@ssm_retry
def remove_tags_from_resource(client, resource_type, resource_id, tag_keys):
    """Remove the tags of those keys from the resource."""
    client.remove_tags_from_resource(ResourceType=resource_type, ResourceId=resource_id, TagKeys=list(tag_keys))


@SSMErrorHandler.common_error_handler("describe patch baselines")
def describe_patch_baselines(client, filters=None):
    """Every baseline identity matching the filters (a list of {Key, Values}), all pages."""
    return all_pages(client.describe_patch_baselines, "BaselineIdentities", Filters=filters or [], MaxResults=PATCH_BASELINES_PAGE_SIZE)


@SSMErrorHandler.list_error_handler("get patch baseline", None)
@ssm_retry
def get_patch_baseline(client, baseline_id):
    """The full definition of one baseline (with its PatchGroups), or None if it does not exist."""
    result = client.get_patch_baseline(BaselineId=baseline_id)
    result.pop("ResponseMetadata", None)
    return result


def ssm_enum(shape_name):
    """The values the SSM API accepts for an enum shape (OperatingSystem, PatchComplianceLevel...).

    Read from the installed botocore service model, so a new value AWS adds needs no release of ours.
    """
    return list(ssm_service_model().shape_for(shape_name).enum)


@SSMErrorHandler.common_error_handler("create patch baseline")
@ssm_retry
def create_patch_baseline(client, **kwargs):
    return client.create_patch_baseline(**kwargs)["BaselineId"]


@SSMErrorHandler.common_error_handler("update patch baseline")
@ssm_retry
def update_patch_baseline(client, baseline_id, **kwargs):
    return client.update_patch_baseline(BaselineId=baseline_id, **kwargs)


@SSMErrorHandler.deletion_error_handler("delete patch baseline")
@ssm_retry
def delete_patch_baseline(client, baseline_id):
    client.delete_patch_baseline(BaselineId=baseline_id)
    return True


@SSMErrorHandler.common_error_handler("get default patch baseline")
@ssm_retry
def get_default_patch_baseline(client, operating_system):
    return client.get_default_patch_baseline(OperatingSystem=operating_system)["BaselineId"]


@SSMErrorHandler.common_error_handler("register default patch baseline")
@ssm_retry
def register_default_patch_baseline(client, baseline_id):
    return client.register_default_patch_baseline(BaselineId=baseline_id)["BaselineId"]


@SSMErrorHandler.common_error_handler("register patch baseline for patch group")
@ssm_retry
def register_patch_baseline_for_patch_group(client, baseline_id, patch_group):
    client.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=patch_group)


@SSMErrorHandler.deletion_error_handler("deregister patch baseline for patch group")
@ssm_retry
def deregister_patch_baseline_for_patch_group(client, baseline_id, patch_group):
    client.deregister_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=patch_group)
    return True


@SSMErrorHandler.common_error_handler("describe patch groups")
def describe_patch_groups(client, filters=None):
    """Every {PatchGroup, BaselineIdentity} mapping matching the filters, all pages."""
    return all_pages(client.describe_patch_groups, "Mappings", Filters=filters or [], MaxResults=PATCH_BASELINES_PAGE_SIZE)


@SSMErrorHandler.common_error_handler("describe patch group state")
@ssm_retry
def describe_patch_group_state(client, patch_group):
    result = client.describe_patch_group_state(PatchGroup=patch_group)
    result.pop("ResponseMetadata", None)
    return result


@SSMErrorHandler.common_error_handler("describe managed nodes")
def describe_instance_information(client, filters=None):
    """Every managed node matching the filters, in pages of 50 (the API's largest)."""
    return all_pages(client.describe_instance_information, "InstanceInformationList", Filters=filters or [], MaxResults=50)


@SSMErrorHandler.common_error_handler("send command")
@ssm_retry
def send_command(client, **kwargs):
    return client.send_command(**kwargs)["Command"]


@SSMErrorHandler.list_error_handler("get command", None)
@ssm_retry
def get_command(client, command_id):
    """The command (ListCommands with its id: one call), or None."""
    commands = client.list_commands(CommandId=command_id).get("Commands", [])
    return commands[0] if commands else None


class KeptCommandErrorHandler(SSMErrorHandler):
    """"Run Command stores the command history for 30 days" (the Run Command chapter of the User Guide,
    first in the EC2 User Guide's "Manage Amazon EC2 Instances Remotely"); after that ListCommands
    answers InvalidCommandId (its documented error for an id it does not know, API reference
    ListCommands, Errors) or DoesNotExistException: the command is gone, not the call failed."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["InvalidCommandId", "DoesNotExistException"])


@KeptCommandErrorHandler.list_error_handler("get command", None)
@ssm_retry
def get_kept_command(client, command_id):
    """The command (ListCommands with its id: one call), or None once Run Command no longer keeps it."""
    commands = client.list_commands(CommandId=command_id).get("Commands", [])
    return commands[0] if commands else None


@SSMErrorHandler.common_error_handler("list command invocations")
def list_command_invocations(client, command_id, details):
    """Every node's invocation of a command, in pages of 50 (the API's largest): ceil(N/50) calls."""
    return all_pages(client.list_command_invocations, "CommandInvocations", CommandId=command_id, Details=details, MaxResults=50)


@SSMErrorHandler.common_error_handler("describe patch states")
def describe_instance_patch_states(client, instance_ids):
    """Patch states of at most 50 nodes (the API's limit), all pages."""
    return all_pages(client.describe_instance_patch_states, "InstancePatchStates", InstanceIds=list(instance_ids), MaxResults=50)


@SSMErrorHandler.list_error_handler("describe document", None)
@ssm_retry
def describe_document(client, name):
    try:
        return client.describe_document(Name=name)["Document"]
    except client.exceptions.InvalidDocument:
        return None


@SSMErrorHandler.common_error_handler("create association")
@ssm_retry
def create_association(client, **kwargs):
    return client.create_association(**kwargs)["AssociationDescription"]


@SSMErrorHandler.common_error_handler("describe association executions")
def describe_association_executions(client, association_id):
    return all_pages(client.describe_association_executions, "AssociationExecutions", AssociationId=association_id, MaxResults=50)


@SSMErrorHandler.common_error_handler("describe association execution targets")
def describe_association_execution_targets(client, association_id, execution_id):
    return all_pages(
        client.describe_association_execution_targets, "AssociationExecutionTargets",
        AssociationId=association_id, ExecutionId=execution_id, MaxResults=50,
    )


# --------------------------------------------------------------------------------------------------
# Compliance reads for ssm_patch_compliance_info and ssm_compliance_export.
#
# The fleet-wide listings are read one page a call (the caller streams the rows on), each page with
# its own retry: a paginator cannot resume after a throttled page, and keeping every page of a
# 10,000-node fleet in memory is what the export must not do.

# ListResourceComplianceSummaries, ListComplianceItems, DescribeInstanceInformation: 50 at most a page.
COMPLIANCE_PAGE_SIZE = 50


def _page(result, key):
    return result.get(key, []), result.get("NextToken")


@SSMErrorHandler.common_error_handler("describe managed nodes")
@page_retry
def describe_instance_information_page(client, filters=None, next_token=None):
    """One page (up to 50) of managed nodes: (nodes, next token or None)."""
    kwargs = {"Filters": filters or [], "MaxResults": COMPLIANCE_PAGE_SIZE}
    if next_token:
        kwargs["NextToken"] = next_token
    return _page(client.describe_instance_information(**kwargs), "InstanceInformationList")


@SSMErrorHandler.common_error_handler("list resource compliance summaries")
@page_retry
def list_patch_compliance_summaries_page(client, next_token=None):
    """One page (up to 50) of the region's Patch compliance summaries: (items, next token or None).

    Filtered on ComplianceType only, as the AWS CLI's list-resource-compliance-summaries example
    does (awscli/examples/ssm/list-resource-compliance-summaries.rst): no AWS source documents a
    ResourceId filter on this call.
    """
    kwargs = {"Filters": [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}], "MaxResults": COMPLIANCE_PAGE_SIZE}
    if next_token:
        kwargs["NextToken"] = next_token
    return _page(client.list_resource_compliance_summaries(**kwargs), "ResourceComplianceSummaryItems")


@SSMErrorHandler.common_error_handler("list compliance items")
@page_retry
def list_patch_compliance_items_page(client, resource_id, next_token=None):
    """One page (up to 50) of one node's Patch compliance items: (items, next token or None).

    ListComplianceItems takes one id in ResourceIds and a ComplianceType filter, as the API
    reference (ListComplianceItems) and the AWS CLI's list-compliance-items example document.
    """
    kwargs = {
        "ResourceIds": [resource_id],
        "ResourceTypes": ["ManagedInstance"],
        "Filters": [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}],
        "MaxResults": COMPLIANCE_PAGE_SIZE,
    }
    if next_token:
        kwargs["NextToken"] = next_token
    return _page(client.list_compliance_items(**kwargs), "ComplianceItems")


@SSMErrorHandler.common_error_handler("list compliance items")
def list_non_compliant_patches(client, resource_id):
    """One node's NON_COMPLIANT Patch compliance items, all pages (ListComplianceItems takes one id a call).

    Filtered on ComplianceType (the AWS CLI's list-compliance-items.rst, second example) and Status
    (the User Guide's "Configuration Compliance walkthrough (AWS CLI)": Key=Status,Values=NON_COMPLIANT).
    """
    return all_pages(
        client.list_compliance_items,
        "ComplianceItems",
        ResourceIds=[resource_id],
        ResourceTypes=["ManagedInstance"],
        Filters=[
            {"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"},
            {"Key": "Status", "Values": ["NON_COMPLIANT"], "Type": "EQUAL"},
        ],
        MaxResults=COMPLIANCE_PAGE_SIZE,
    )


@SSMErrorHandler.common_error_handler("list commands")
@ssm_retry
def list_recent_commands(client, document_name, max_results):
    """The newest commands (one page, at most 50) that ran a document."""
    result = client.list_commands(Filters=[{"key": "DocumentName", "value": document_name}], MaxResults=max_results)
    return result.get("Commands", [])


@SSMErrorHandler.common_error_handler("list associations")
def list_associations(client, document_name):
    """Every association that runs a document, all pages."""
    return all_pages(client.list_associations, "Associations", AssociationFilterList=[{"key": "Name", "value": document_name}], MaxResults=50)


@SSMErrorHandler.common_error_handler("describe association executions")
@ssm_retry
def recent_association_executions(client, association_id, max_results):
    """The newest executions of an association (one page)."""
    result = client.describe_association_executions(AssociationId=association_id, MaxResults=max_results)
    return result.get("AssociationExecutions", [])


class AssociationErrorHandler(SSMErrorHandler):
    """DescribeAssociation, UpdateAssociation and DeleteAssociation answer AssociationDoesNotExist
    for an id they do not know (API reference, their Errors): the association is not there."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["AssociationDoesNotExist", "DoesNotExistException"])


@SSMErrorHandler.common_error_handler("list associations")
def list_associations_named(client, association_name):
    """Every association of exactly that AssociationName (ListAssociations' AssociationName filter), all pages.

    The API reference does not say whether the filter matches the whole name: the listing is
    narrowed to the whole name here, so that daily-scan never finds daily-scan-old.
    """
    associations = all_pages(client.list_associations, "Associations",
                             AssociationFilterList=[{"key": "AssociationName", "value": association_name}], MaxResults=50)
    return [association for association in associations if association.get("AssociationName") == association_name]


@AssociationErrorHandler.list_error_handler("describe association", None)
@ssm_retry
def describe_association(client, association_id):
    """The whole definition of an association (its latest version), or None if it does not exist."""
    return client.describe_association(AssociationId=association_id)["AssociationDescription"]


@AssociationErrorHandler.common_error_handler("update association")
@ssm_retry
def update_association(client, **kwargs):
    return client.update_association(**kwargs)["AssociationDescription"]


@AssociationErrorHandler.deletion_error_handler("delete association")
@ssm_retry
def delete_association(client, association_id):
    client.delete_association(AssociationId=association_id)
    return True


@SSMErrorHandler.common_error_handler("describe maintenance windows")
def describe_maintenance_windows(client, filters=None):
    """Every window identity (matching the filters, such as Name), all pages."""
    kwargs = {"Filters": filters} if filters else {}
    return all_pages(client.describe_maintenance_windows, "WindowIdentities", MaxResults=50, **kwargs)


@SSMErrorHandler.common_error_handler("describe maintenance window tasks")
def describe_maintenance_window_tasks(client, window_id):
    return all_pages(client.describe_maintenance_window_tasks, "Tasks", WindowId=window_id, MaxResults=100)


@SSMErrorHandler.common_error_handler("describe association execution targets")
@ssm_retry
def first_association_execution_target(client, association_id, execution_id):
    """One target of an execution (one call whatever the fleet's size): its OutputSource names the command."""
    result = client.describe_association_execution_targets(AssociationId=association_id, ExecutionId=execution_id, MaxResults=1)
    targets = result.get("AssociationExecutionTargets", [])
    return targets[0] if targets else None


@SSMErrorHandler.common_error_handler("cancel command")
@ssm_retry
def cancel_command(client, command_id):
    client.cancel_command(CommandId=command_id)


@SSMErrorHandler.common_error_handler("describe patch properties")
def describe_patch_properties(client, operating_system, property_name, patch_set=None):
    """Every value name DescribePatchProperties lists for one property of an OS (and Windows patch set), each page retried on its own."""
    kwargs = {"OperatingSystem": operating_system, "Property": property_name, "MaxResults": 50}
    if patch_set is not None:
        kwargs["PatchSet"] = patch_set
    return [entry["Name"] for entry in all_pages(client.describe_patch_properties, "Properties", **kwargs) if entry.get("Name")]


# --------------------------------------------------------------------------------------------------
# Maintenance windows (ssm_maintenance_window, ssm_maintenance_window_info). Listings take the API's
# largest page: 100 for a window's targets and tasks and for executions (MaxResults 10-100).

WINDOW_PAGE_SIZE = 100


@SSMErrorHandler.common_error_handler("create maintenance window")
@ssm_retry
def create_maintenance_window(client, **kwargs):
    return client.create_maintenance_window(**kwargs)["WindowId"]


@SSMErrorHandler.list_error_handler("get maintenance window", None)
@ssm_retry
def get_maintenance_window(client, window_id):
    """The window (GetMaintenanceWindow), or None if it does not exist."""
    result = client.get_maintenance_window(WindowId=window_id)
    result.pop("ResponseMetadata", None)
    return result


@SSMErrorHandler.common_error_handler("update maintenance window")
@ssm_retry
def update_maintenance_window(client, window_id, **kwargs):
    return client.update_maintenance_window(WindowId=window_id, **kwargs)


@SSMErrorHandler.deletion_error_handler("delete maintenance window")
@ssm_retry
def delete_maintenance_window(client, window_id):
    client.delete_maintenance_window(WindowId=window_id)
    return True


@SSMErrorHandler.common_error_handler("describe maintenance window targets")
def describe_maintenance_window_targets(client, window_id):
    return all_pages(client.describe_maintenance_window_targets, "Targets", WindowId=window_id, MaxResults=WINDOW_PAGE_SIZE)


@SSMErrorHandler.common_error_handler("register target with maintenance window")
@ssm_retry
def register_target_with_maintenance_window(client, **kwargs):
    return client.register_target_with_maintenance_window(**kwargs)["WindowTargetId"]


@SSMErrorHandler.common_error_handler("update maintenance window target")
@ssm_retry
def update_maintenance_window_target(client, **kwargs):
    return client.update_maintenance_window_target(**kwargs)


@SSMErrorHandler.deletion_error_handler("deregister target from maintenance window")
@ssm_retry
def deregister_target_from_maintenance_window(client, window_id, window_target_id):
    client.deregister_target_from_maintenance_window(WindowId=window_id, WindowTargetId=window_target_id)
    return True


@SSMErrorHandler.list_error_handler("get maintenance window task", None)
@ssm_retry
def get_maintenance_window_task(client, window_id, window_task_id):
    """One task with its TaskInvocationParameters (which DescribeMaintenanceWindowTasks leaves out), or None."""
    result = client.get_maintenance_window_task(WindowId=window_id, WindowTaskId=window_task_id)
    result.pop("ResponseMetadata", None)
    return result


@SSMErrorHandler.common_error_handler("register task with maintenance window")
@ssm_retry
def register_task_with_maintenance_window(client, **kwargs):
    return client.register_task_with_maintenance_window(**kwargs)["WindowTaskId"]


@SSMErrorHandler.common_error_handler("update maintenance window task")
@ssm_retry
def update_maintenance_window_task(client, **kwargs):
    return client.update_maintenance_window_task(**kwargs)


@SSMErrorHandler.deletion_error_handler("deregister task from maintenance window")
@ssm_retry
def deregister_task_from_maintenance_window(client, window_id, window_task_id):
    client.deregister_task_from_maintenance_window(WindowId=window_id, WindowTaskId=window_task_id)
    return True


@SSMErrorHandler.common_error_handler("describe maintenance window schedule")
@ssm_retry
def describe_maintenance_window_schedule(client, window_id, max_results):
    """The window's next `max_results` runs (one page: the first runs are the next ones)."""
    result = client.describe_maintenance_window_schedule(WindowId=window_id, MaxResults=max_results)
    return result.get("ScheduledWindowExecutions", [])


@SSMErrorHandler.common_error_handler("describe maintenance window executions")
def describe_maintenance_window_executions(client, window_id):
    return all_pages(client.describe_maintenance_window_executions, "WindowExecutions", WindowId=window_id, MaxResults=WINDOW_PAGE_SIZE)


@SSMErrorHandler.common_error_handler("describe maintenance window execution tasks")
def describe_maintenance_window_execution_tasks(client, window_execution_id):
    return all_pages(client.describe_maintenance_window_execution_tasks, "WindowExecutionTaskIdentities",
                     WindowExecutionId=window_execution_id, MaxResults=WINDOW_PAGE_SIZE)


@SSMErrorHandler.common_error_handler("describe maintenance window execution task invocations")
def describe_maintenance_window_execution_task_invocations(client, window_execution_id, task_id):
    return all_pages(client.describe_maintenance_window_execution_task_invocations, "WindowExecutionTaskInvocationIdentities",
                     WindowExecutionId=window_execution_id, TaskId=task_id, MaxResults=WINDOW_PAGE_SIZE)
