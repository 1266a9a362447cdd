# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the fleet's patch compliance with as few calls as the API allows, one page at a time.

For N nodes: ceil(N/1000) DescribeTags (EC2 Name tags) and ceil(N/50) ListResourceComplianceSummaries,
both fleet-wide and in no documented order, go page by page into an on-disk index
(index); for a selection of at most FEW_IDS ids, each node's own Name tag and Patch compliance items
(ListComplianceItems, one id a call, as the API takes them) instead; then page by page ceil(N/50) DescribeInstanceInformation, each page's ids in one
DescribeInstancePatchStates and one index lookup. The process holds one page at a time; no call is
ever made per node.

With read_concurrency above 1 the same calls overlap (parallel.chain_pages): the Name tags, the
summaries and the node pages are three chains read at the same time, and each node page's
DescribeInstancePatchStates runs while the next page of nodes is listed. A node's row needs the
whole index (its summary may be on the last page of summaries), so each page of nodes goes into the
index too, with its patch states; once the Name tags and the summaries are all in, the rows of the
pages kept so far are made in the order the nodes were listed, then each page's as it comes: the
same rows in the same order as one call at a time. The serial chain of DescribeInstanceInformation
pages is the floor.
"""

import contextlib

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.parallel import MAX_WORKERS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.parallel import chain_pages
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import PATCH_COUNTS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import PATCHING_DOCUMENTS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import association_operation
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import association_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import command_operation
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import is_patching_document
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import node_row
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import summary_of_items
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import recent_operations
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import tag_filter_values
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import window_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.index import open_index
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import detail_row
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ec2_calls import describe_name_tags_page
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information_page
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_patch_states
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_tasks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_windows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import first_association_execution_target
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_command
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_kept_command
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_associations
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_non_compliant_patches
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_patch_compliance_items_page
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_patch_compliance_summaries_page
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_recent_commands
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import recent_association_executions

# DescribeInstancePatchStates takes at most 50 ids; DescribeInstanceInformation's InstanceIds filter as many.
IDS_PER_CALL = 50
# DescribeInstanceInformation: at most 100 values a filter.
VALUES_PER_FILTER = 100
# A selection of at most this many instance ids reads its names and compliance id by id (DescribeTags
# filtered on the id; ListComplianceItems, which takes one id) rather than the whole region's.
FEW_IDS = 5
# The modules' read_concurrency: three chains (Name tags, summaries, nodes) and a page's patch states.
DEFAULT_READ_CONCURRENCY = 4
READ_CONCURRENCY_MAX = MAX_WORKERS
# With read_concurrency above 1: the rows of at most this many kept node pages are made between two reads.
ROW_PAGES_A_READ = 2
# What common.node_row() reads of a node and of its patch state: all the index keeps of them.
NODE_INFO_KEYS = ("InstanceId", "Name", "IPAddress", "ComputerName", "ResourceType", "PingStatus", "PlatformType",
                  "PlatformName", "PlatformVersion", "AgentVersion")
PATCH_STATE_KEYS = ("PatchGroup", "BaselineId", "Operation", "OperationEndTime") + tuple(key for key, _ours in PATCH_COUNTS)


def _all_pages(read_page, **kwargs):
    """Each page of a listing in turn; a page is let go before the next is read."""
    token = None
    while True:
        items, token = read_page(next_token=token, **kwargs)
        yield items
        del items
        if not token:
            return


def index_names(ec2, index, instance_ids=None):
    """EC2 instances' Name tags into the index, in pages of 1,000 (hybrid nodes are named by SSM instead)."""
    if instance_ids is not None and len(instance_ids) <= FEW_IDS:
        for node_id in instance_ids:
            if node_id.startswith("i-"):
                for page in _all_pages(describe_name_tags_page, client=ec2, resource_id=node_id):
                    index.add_names(page)
        return
    for page in _all_pages(describe_name_tags_page, client=ec2):
        index.add_names(page)
        del page  # a page of 1,000 is let go before the next is read


def index_summaries(ssm, index, instance_ids=None):
    """The Patch compliance summary of every node that has reported, into the index, in pages of 50."""
    if instance_ids is not None and len(instance_ids) <= FEW_IDS:
        # ListResourceComplianceSummaries has no documented per-resource filter; a node's Patch items
        # (ListComplianceItems with ResourceIds, API reference) give the same summary.
        for node_id in instance_ids:
            items = []
            for page in _all_pages(list_patch_compliance_items_page, client=ssm, resource_id=node_id):
                items.extend(page)
            summary = summary_of_items(node_id, items)
            if summary:
                index.add_summaries([summary])
        return
    for page in _all_pages(list_patch_compliance_summaries_page, client=ssm):
        index.add_summaries(page)
        del page


def node_filter_sets(instance_ids=None, patch_groups=None, tags=None):
    """The DescribeInstanceInformation filter lists whose union is the selection (ANDed within a list)."""
    base = [{"Key": f"tag:{key}", "Values": tag_filter_values(value)} for key, value in (tags or {}).items()]
    ids = list(dict.fromkeys(instance_ids)) if instance_ids else None
    id_sets = [[{"Key": "InstanceIds", "Values": batch}] for batch in chunks(ids, IDS_PER_CALL)] if ids else [[]]
    groups = list(dict.fromkeys(patch_groups)) if patch_groups else None
    group_sets = [[{"Key": f"tag:{key}", "Values": batch}] for key in PATCH_GROUP_TAG_KEYS
                  for batch in chunks(groups, VALUES_PER_FILTER)] if groups else [[]]
    return [base + id_set + group_set for id_set in id_sets for group_set in group_sets]


def iter_node_pages(ssm, filter_sets, index):
    """Pages of managed nodes for the union of the filter sets, each node once (the index remembers
    which were listed when the sets may overlap: a node tagged both `Patch Group` and `PatchGroup`)."""
    for filters in filter_sets:
        for page in _all_pages(describe_instance_information_page, client=ssm, filters=filters):
            if len(filter_sets) > 1:
                fresh = set(index.first_seen(node["InstanceId"] for node in page))
                page = [node for node in page if node["InstanceId"] in fresh]
            if page:
                yield page


def _rows(ssm, index, now, days, filter_sets):
    for page in iter_node_pages(ssm, filter_sets, index):
        ids = [node["InstanceId"] for node in page]
        states = dict((state["InstanceId"], state) for state in describe_instance_patch_states(ssm, ids))
        names, summaries = index.names(ids), index.summaries(ids)
        for info in page:
            node_id = info["InstanceId"]
            yield node_row(info, states.get(node_id), summaries.get(node_id), names.get(node_id), now, days)


def _kept(record, keys):
    """What node_row() reads of a DescribeInstanceInformation node or a patch state: what the index keeps."""
    return dict((key, record[key]) for key in keys if key in record) if record is not None else None


def _read_chains(ssm, ec2, ids, filter_sets):
    """The chains of pages the rows need, in the order one call at a time reads them:
    [(kind, subject, read_page(next_token))], kind "names", "items" (one node's compliance items),
    "summaries" or "nodes" (last: the filter sets one after another, as iter_node_pages lists them)."""
    chains = []
    if ids is not None and len(ids) <= FEW_IDS:
        chains.extend(("names", node_id, _paged(describe_name_tags_page, client=ec2, resource_id=node_id))
                      for node_id in ids if node_id.startswith("i-"))
        chains.extend(("items", node_id, _paged(list_patch_compliance_items_page, client=ssm, resource_id=node_id))
                      for node_id in ids)
    else:
        chains.append(("names", None, _paged(describe_name_tags_page, client=ec2)))
        chains.append(("summaries", None, _paged(list_patch_compliance_summaries_page, client=ssm)))
    chains.append(("nodes", None, _node_pages(ssm, filter_sets)))
    return chains


def _paged(read_page, **kwargs):
    return lambda token: read_page(next_token=token, **kwargs)


def _node_pages(ssm, filter_sets):
    """DescribeInstanceInformation over the filter sets in turn as one chain: its token is (set, NextToken)."""
    def read_page(token):
        position, next_token = token or (0, None)
        page, next_token = describe_instance_information_page(client=ssm, filters=filter_sets[position], next_token=next_token)
        if next_token:
            return page, (position, next_token)
        return page, ((position + 1, None) if position + 1 < len(filter_sets) else None)
    return read_page


def _rows_in_parallel(ssm, ec2, index, ids, filter_sets, now, days, workers):
    """The rows of _rows(), the same in the same order, from every chain read `workers` calls at a time.

    Each page of nodes goes into the index with its patch states; once the Name tags and the
    summaries are all in, the rows of the pages kept so far are made, then each page's as it comes.
    """
    chains = _read_chains(ssm, ec2, ids, filter_sets)
    nodes = len(chains) - 1
    index_chains = nodes  # the chains still being read that the rows need whole

    def fresh(number, page):
        # On the iterating thread, in page order, before the page's patch states are asked for: each
        # node once when the sets may overlap, as iter_node_pages (and no call for a page of repeats).
        if number != nodes or len(filter_sets) == 1:
            return page
        first = set(index.first_seen(node["InstanceId"] for node in page))
        return [node for node in page if node["InstanceId"] in first]

    def patch_states(number, page):
        return describe_instance_patch_states(ssm, [node["InstanceId"] for node in page])

    items = dict((subject, []) for kind, subject, _read in chains if kind == "items")
    kept = made = 0
    pages = chain_pages([read_page for _kind, _subject, read_page in chains], workers, follow=patch_states, keep=fresh, followed={nodes})
    with contextlib.closing(pages):
        for number, page, states, last in pages:
            kind, subject = chains[number][0], chains[number][1]
            if kind == "names":
                index.add_names(page)
            elif kind == "summaries":
                index.add_summaries(page)
            elif kind == "items":
                items[subject].extend(page)
                summary = summary_of_items(subject, items.pop(subject)) if last else None
                if summary:
                    index.add_summaries([summary])
            elif page:
                by_id = dict((state["InstanceId"], state) for state in states)
                index.add_listed(kept, [(_kept(info, NODE_INFO_KEYS), _kept(by_id.get(info["InstanceId"]), PATCH_STATE_KEYS)) for info in page])
                kept += 1
            del page, states
            if last and number != nodes:
                index_chains -= 1
            # A few kept pages' rows at a time: the pages read are taken, and their patch states asked for,
            # only when this loop asks chain_pages for more, and a chain stops parallel.AHEAD pages ahead of
            # that, so making every kept page's rows at once would hold the node listing up.
            for _page in range(ROW_PAGES_A_READ if index_chains == 0 else 0):
                if made == kept:
                    break
                yield from _listed_rows(index, made, now, days)
                made += 1
    while made < kept:
        yield from _listed_rows(index, made, now, days)
        made += 1


def _listed_rows(index, number, now, days):
    page = index.listed(number)
    node_ids = [info["InstanceId"] for info, _state in page]
    names, summaries = index.names(node_ids), index.summaries(node_ids)
    for info, state in page:
        node_id = info["InstanceId"]
        yield node_row(info, state, summaries.get(node_id), names.get(node_id), now, days)


@contextlib.contextmanager
def fleet_rows(ssm, ec2, now, days, instance_ids=None, patch_groups=None, tags=None, workdir=None, read_concurrency=1):
    """Every selected node's row (common.node_row), streamed: 3 x ceil(N/50) + ceil(N/1000) calls.

    A context manager giving an iterator of rows; the index (a temporary file in `workdir`) is removed
    when the block ends, however it ends. read_concurrency: at most this many calls at a time (1: one
    after another, each page's rows made as it is read; more: parallel.chain_pages, the first row
    once the Name tags and the summaries are all in).
    """
    ids = list(dict.fromkeys(instance_ids)) if instance_ids else None
    index = open_index(workdir, small=ids is not None and len(ids) <= FEW_IDS)
    rows = None
    try:
        filter_sets = node_filter_sets(ids, patch_groups, tags)
        if read_concurrency > 1:
            rows = _rows_in_parallel(ssm, ec2, index, ids, filter_sets, now, days, read_concurrency)
        else:
            index_names(ec2, index, ids)
            index_summaries(ssm, index, ids)
            rows = _rows(ssm, index, now, days, filter_sets)
        yield rows
    finally:
        # A block that ends before the last row: the reads still running end (no thread is left) before the index goes.
        try:
            if rows is not None:
                rows.close()
        finally:
            index.close()


def logs_url(ssm, row, items):
    """(where the agent wrote the output of the node's last patching command if it wrote it to S3,
    the id of that command when Run Command no longer keeps it: its history lasts 30 days)."""
    summary = next((item.get("ExecutionSummary") for item in items if item.get("ExecutionSummary")), None) or {}
    if summary.get("ExecutionType") != "Command" or not summary.get("ExecutionId"):
        return None, None
    command = get_kept_command(ssm, summary["ExecutionId"])
    if command is None:
        return None, summary["ExecutionId"]
    if not command.get("OutputS3BucketName"):
        return None, None
    step = {"Windows": "awsrunPowerShellScript/PatchWindows", "MacOS": "awsrunShellScript/PatchMacOS"}.get(
        row["platform_type"], "awsrunShellScript/PatchLinux")
    prefix = "/".join(part for part in (command.get("OutputS3KeyPrefix", "").strip("/"), command["CommandId"], row["instance_id"], step) if part)
    return f"s3://{command['OutputS3BucketName']}/{prefix}/stdout", None


def node_details(ssm, row):
    """(one node's non-compliant patches (ListComplianceItems) as detail rows, the id of the command
    that wrote their logs when Run Command no longer keeps it, else None)."""
    items = list_non_compliant_patches(ssm, row["instance_id"])
    url, expired = logs_url(ssm, row, items)
    return [detail_row(row, item, url, logs_expired=expired is not None) for item in items], expired


def dashboard_activity(ssm, limit):
    """(recent patch operations, recurring patching tasks): calls independent of the fleet's size.

    ListCommands and ListAssociations once a patching document, DescribeAssociationExecutions once an
    association that has run, then for the `limit` newest executions one DescribeAssociationExecutionTargets
    (MaxResults 1: the command the run started) and, when Run Command did not list that command, one
    ListCommands for it (ListAssociations has no Parameters: the operation is the command's);
    DescribeMaintenanceWindows, then DescribeMaintenanceWindowTasks once a window.
    """
    commands = [command_operation(command) for document in PATCHING_DOCUMENTS for command in list_recent_commands(ssm, document, limit)]
    associations = [association for document in PATCHING_DOCUMENTS for association in list_associations(ssm, document)]
    executions = []
    for association in associations:
        if association.get("LastExecutionDate") is None:
            continue
        for execution in recent_association_executions(ssm, association["AssociationId"], limit):
            executions.append((association, execution))
    executions.sort(key=lambda pair: pair[1].get("CreatedTime"), reverse=True)
    executions = executions[:limit]
    by_command = dict((row["id"], row) for row in commands)
    association_rows, association_command_ids = [], set()
    for association, execution in executions:
        target = first_association_execution_target(ssm, association["AssociationId"], execution["ExecutionId"]) or {}
        command_id = (target.get("OutputSource") or {}).get("OutputSourceId")
        command_ids = [command_id] if command_id else []
        association_command_ids.update(command_ids)
        row = association_operation(association, execution)
        # The association's own Parameters are not in ListAssociations: take the operation from the
        # command the run started (when Run Command lists it) or the association's document.
        started = next((by_command[command_id] for command_id in command_ids if command_id in by_command), None)
        if started is None and command_ids:
            command = get_command(ssm, command_ids[0])
            started = command_operation(command) if command else None
        row["operation"] = started["operation"] if started else None
        association_rows.append(row)
    operations = recent_operations(commands, association_rows, association_command_ids, limit)

    # As the console's Recurring Patching Tasks: every association running a patching document, with
    # its schedule or none (AWS-PatchNowAssociation shows with schedule "-"), and window tasks.
    tasks = [association_task(association) for association in associations]
    for window in describe_maintenance_windows(ssm):
        for task in describe_maintenance_window_tasks(ssm, window["WindowId"]):
            if task.get("Type") == "RUN_COMMAND" and is_patching_document(task.get("TaskArn")):
                tasks.append(window_task(window, task))
    return operations, tasks
