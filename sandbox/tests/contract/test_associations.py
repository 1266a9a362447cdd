"""State Manager as the AWS CLI's examples document it (examples_associations.py; the source of each
on its test), against the sandbox with its clock frozen: one test per example.

The examples associate documents the sandbox does not have (AWS-UpdateSSMAgent,
AWS-GatherSoftwareInventory, the Automation runbook AWS-HelloWorld): the tests associate AWS-Noop
(no parameters, as AWS-UpdateSSMAgent is used there) or AWS-RunPatchBaseline (where the example
shows parameters) instead, and compare by type only the members that name the document.
"""

import pytest

from sandbox.tests.contract.examples_associations import example
from sandbox.tests.contract.harness import assert_documented, substitute

NAMED = ("*.Name", "*.Status.Message")  # "Associated with AWS-UpdateSSMAgent"


def nodes(sandbox, account, count=1, tags=None):
    return sandbox.seed_nodes(count, "AMAZON_LINUX_2", kind="ec2", tags=tags, account_id=account)


def as_noop(request):
    return substitute(request, {"AWS-UpdateSSMAgent": "AWS-Noop"})


# awscli/examples/ssm/create-association.rst, Example 1: --instance-id.
def test_create_association_example_1_instance_id(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    entry = example("create-association#1")
    answered = ssm.create_association(**as_noop(substitute(entry["request"], {"i-0cb2b964d3e14fd9f": node})))
    assert_documented(entry, answered, by_type=NAMED)


# awscli/examples/ssm/create-association.rst, Example 2: --targets Key=instanceids (lower case, as
# the example writes it).
def test_create_association_example_2_targets(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    entry = example("create-association#2")
    answered = ssm.create_association(**as_noop(substitute(entry["request"], {"i-0cb2b964d3e14fd9f": node})))
    assert_documented(entry, answered, by_type=NAMED)


# awscli/examples/ssm/create-association.rst, Example 3: at() with --apply-only-at-cron-interval.
def test_create_association_example_3_at_schedule_runs_once(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    entry = example("create-association#3")
    answered = ssm.create_association(**as_noop(substitute(entry["request"], {"i-0cb2b964d3e14fd9f": node})))
    assert_documented(entry, answered, by_type=NAMED)


def inventory_like(sandbox, account, ssm):
    """describe-association example 1's association: every node (InstanceIds=*), rate(24 hours),
    named, two nodes, one successful run."""
    nodes(sandbox, account, count=2)
    created = ssm.create_association(Name="AWS-RunPatchBaseline", Parameters={"Operation": ["Scan"]},
                                     Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
                                     ScheduleExpression="rate(24 hours)", AssociationName="Inventory-Association")
    sandbox.advance_clock(600)
    return created["AssociationDescription"]["AssociationId"]


# awscli/examples/ssm/describe-association.rst, Example 1: by association id.
def test_describe_association_example_1_by_id(agent_world):
    sandbox, account, ssm = agent_world
    association_id = inventory_like(sandbox, account, ssm)
    entry = example("describe-association#1")
    answered = ssm.describe_association(**substitute(entry["request"], {entry["request"]["AssociationId"]: association_id}))
    assert_documented(entry, answered, by_type=NAMED + ("AssociationDescription.Parameters",))


# awscli/examples/ssm/describe-association.rst, Example 2: by instance id and document name.
def test_describe_association_example_2_by_instance_and_name(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    ssm.create_association(Name="AWS-Noop", InstanceId=node)
    entry = example("describe-association#2")
    answered = ssm.describe_association(**as_noop(substitute(entry["request"], {"i-1234567890abcdef0": node})))
    assert_documented(entry, answered, by_type=NAMED)


# awscli/examples/ssm/list-associations.rst, Example 1: filter AssociationName. The association
# presupposed: weekly 7-field cron, one node, not run yet.
def test_list_associations_example_1_by_association_name(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    ssm.create_association(Name="AWS-Noop", InstanceId=node, ScheduleExpression="cron(0 00 12 ? * SUN *)",
                           AssociationName="UpdateSSMAgent")
    entry = example("list-associations#1")
    answered = ssm.list_associations(**entry["request"])
    assert_documented(entry, answered, by_type=NAMED)


# awscli/examples/ssm/list-associations.rst, Example 2: filter Name (the document); two
# associations that have each run once, successfully.
def test_list_associations_example_2_by_document(agent_world):
    sandbox, account, ssm = agent_world
    first, second = sorted(nodes(sandbox, account, count=2))
    ssm.create_association(Name="AWS-Noop", InstanceId=first, ScheduleExpression="cron(0 00 12 ? * SUN *)",
                           AssociationName="UpdateSSMAgent")
    ssm.create_association(Name="AWS-Noop", InstanceId=second)
    sandbox.advance_clock(600)
    entry = example("list-associations#2")
    answered = ssm.list_associations(**as_noop(entry["request"]))
    answered["Associations"].sort(key=lambda association: "AssociationName" not in association)
    assert_documented(entry, answered, by_type=NAMED)


# awscli/examples/ssm/update-association.rst, Example 1: a new document version; the association
# (tag:Name=Linux) has run once, successfully.
def test_update_association_example_1_document_version(agent_world):
    sandbox, account, ssm = agent_world
    nodes(sandbox, account, tags={"Name": "Linux"})
    created = ssm.create_association(Name="AWS-Noop", Targets=[{"Key": "tag:Name", "Values": ["Linux"]}])
    sandbox.advance_clock(600)
    entry = example("update-association#1")
    association_id = created["AssociationDescription"]["AssociationId"]
    answered = ssm.update_association(**substitute(entry["request"], {entry["request"]["AssociationId"]: association_id}))
    assert_documented(entry, answered, by_type=NAMED)


# awscli/examples/ssm/update-association.rst, Example 2: a 7-field cron schedule. The example's
# association runs the Automation runbook AWS-HelloWorld on aws:NoOpAutomationTag, which the
# sandbox does not run; AWS-Noop on a node instead, its Targets compared by type.
def test_update_association_example_2_schedule(agent_world):
    sandbox, account, ssm = agent_world
    (node,) = nodes(sandbox, account)
    created = ssm.create_association(Name="AWS-Noop", Targets=[{"Key": "InstanceIds", "Values": [node]}])
    sandbox.advance_clock(600)
    entry = example("update-association#2")
    association_id = created["AssociationDescription"]["AssociationId"]
    answered = ssm.update_association(**substitute(entry["request"], {entry["request"]["AssociationId"]: association_id}))
    assert_documented(entry, answered, by_type=NAMED + ("AssociationDescription.Targets",))


# awscli/examples/ssm/start-associations-once.rst: no output; the association runs again at once.
def test_start_associations_once_example(agent_world):
    sandbox, account, ssm = agent_world
    association_id = inventory_like(sandbox, account, ssm)
    before = len(ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"])
    entry = example("start-associations-once#1")
    answered = ssm.start_associations_once(**substitute(entry["request"], {entry["request"]["AssociationIds"][0]: association_id}))
    assert_documented(entry, answered)
    sandbox.advance_clock(600)
    after = ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
    assert len(after) == before + 1


def two_runs(sandbox, account, ssm):
    """describe-association-executions' association: one node, two successful runs."""
    (node,) = nodes(sandbox, account)
    created = ssm.create_association(Name="AWS-Noop", Targets=[{"Key": "InstanceIds", "Values": [node]}])
    association_id = created["AssociationDescription"]["AssociationId"]
    sandbox.advance_clock(300)
    ssm.start_associations_once(AssociationIds=[association_id])
    sandbox.advance_clock(300)
    return association_id, node


# awscli/examples/ssm/describe-association-executions.rst, Example 1: every execution.
def test_describe_association_executions_example_1_all(agent_world):
    sandbox, account, ssm = agent_world
    association_id, _ = two_runs(sandbox, account, ssm)
    entry = example("describe-association-executions#1")
    answered = ssm.describe_association_executions(
        **substitute(entry["request"], {entry["request"]["AssociationId"]: association_id}))
    assert_documented(entry, answered)


# awscli/examples/ssm/describe-association-executions.rst, Example 2: CreatedTime GREATER_THAN
# (the example's 2019 date: every execution here is later).
def test_describe_association_executions_example_2_created_after(agent_world):
    sandbox, account, ssm = agent_world
    association_id, _ = two_runs(sandbox, account, ssm)
    entry = example("describe-association-executions#2")
    answered = ssm.describe_association_executions(
        **substitute(entry["request"], {entry["request"]["AssociationId"]: association_id}))
    assert_documented(entry, answered)


# awscli/examples/ssm/describe-association-execution-targets.rst: one execution's targets.
def test_describe_association_execution_targets_example(agent_world):
    sandbox, account, ssm = agent_world
    association_id, node = two_runs(sandbox, account, ssm)
    execution_id = ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"][-1]["ExecutionId"]
    entry = example("describe-association-execution-targets#1")
    mapping = {entry["request"]["AssociationId"]: association_id, entry["request"]["ExecutionId"]: execution_id}
    answered = ssm.describe_association_execution_targets(**substitute(entry["request"], mapping))
    assert_documented(entry, answered)
    assert answered["AssociationExecutionTargets"][0]["ResourceId"] == node
