"""docs/iam-policy.json is the least privilege for the modules and roles: exactly what they call.

The sandbox records every distinct operation it serves (sandbox.wire.call_log.OperationsRecord); `make
integration`, `make molecule` and `make awx` keep those records under .build/operations/{integration,molecule,awx}.
The calls counted are the ones Ansible made (botocore's user agent names `Ansible/`) with the
credentials of the code under test: test harness steps (molecule prepare/verify, a target's own
checks) sign with the access key `test-harness` and are left out.

docs/iam-policy-runner.json is what the machine that runs a fleet needs for the patch_fleet inventory
(Organizations' listings, sts:AssumeRole into each account's role): the calls signed with
RUNNER_ACCESS_KEY, the key tests/integration/test_patch_fleet_inventory.py gives the inventory. They are
checked against that document alone, exactly (nothing missing, nothing unused); what the inventory does
as each account's role (ec2:DescribeRegions) is signed with the assumed role's keys and belongs to
docs/iam-policy.json, the member-account role's policy, like every module call.

Two kinds of statement in docs/iam-policy.json:
- direct: actions the caller's own requests need. Their union must equal the recorded operations,
  mapped to IAM actions: a missing action fails, and so does one granted but never used.
- on behalf (a Condition on aws:CalledVia, iam:PassedToService or kms:ViaService): actions a service
  performs with the caller's rights, which never reach the call log. CloudFormation's are the
  create/update/delete handler permissions of the resource types in the prerequisites template
  (cloudformation_handler_permissions.json, with the registry schemas they come from).
"""

import json
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY = REPO_ROOT / "docs" / "iam-policy.json"
RUNNER_POLICY = REPO_ROOT / "docs" / "iam-policy-runner.json"
TEMPLATE = REPO_ROOT / "roles" / "prerequisites" / "files" / "ssm-workshop-resources.yml"
HANDLER_PERMISSIONS = Path(__file__).resolve().parent / "cloudformation_handler_permissions.json"
# Where the Makefile's integration, molecule and awx targets have their sandboxes record (OPERATIONS there).
RECORDS = REPO_ROOT / ".build" / "operations"
RUNS = ("integration", "molecule", "awx")
HARNESS_ACCESS_KEY = "test-harness"
# The patch_fleet inventory's runner in tests/integration/test_patch_fleet_inventory.py (RUNNER_ACCESS_KEY there).
RUNNER_ACCESS_KEY = "patch-fleet-runner"
ON_BEHALF_CONDITION_KEYS = {"aws:CalledVia", "iam:PassedToService", "kms:ViaService"}

# What services other than CloudFormation do with the caller's rights, and the option that makes them.
OTHER_ON_BEHALF = {
    "iam:PassRole": ("iam:PassedToService", "ssm_patch_run notification.role_arn: Run Command publishes to SNS as it"),
    "kms:GenerateDataKey": ("kms:ViaService", "ssm_compliance_export server_side_encryption=aws:kms: S3 asks KMS"),
}

# S3's REST operations whose IAM action has another name (the rest are `s3:<Operation>`).
S3_ACTIONS = {
    "HeadObject": "GetObject",
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "DeleteObjects": "DeleteObject",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
}


def iam_action(service, operation):
    if service == "s3":
        return f"s3:{S3_ACTIONS.get(operation, operation)}"
    return f"{service}:{operation}"


def statements(path=POLICY):
    policy = json.loads(path.read_text(encoding="utf-8"))
    assert policy["Version"] == "2012-10-17"
    return policy["Statement"]


def condition_keys(statement):
    return {key for operator in statement.get("Condition", {}).values() for key in operator}


def is_on_behalf(statement):
    return bool(condition_keys(statement) & ON_BEHALF_CONDITION_KEYS)


def actions_of(statement):
    actions = statement["Action"]
    return {actions} if isinstance(actions, str) else set(actions)


def recorded_operations(run):
    directory = RECORDS / run
    files = sorted(directory.glob("operations-*.jsonl")) if directory.is_dir() else []
    if not files:
        pytest.fail(f"no operations recorded in {directory}: run `make {run}` first (make test does)")
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


@pytest.fixture(scope="module")
def used_actions():
    used = {}
    for run in RUNS:
        for record in recorded_operations(run):
            if "Ansible/" in record["user_agent"] and record["access_key_id"] not in (HARNESS_ACCESS_KEY, RUNNER_ACCESS_KEY):
                used.setdefault(iam_action(record["service"], record["operation"]), set()).add(run)
    return used


@pytest.fixture(scope="module")
def runner_actions():
    return {
        iam_action(record["service"], record["operation"])
        for record in recorded_operations("integration")
        if "Ansible/" in record["user_agent"] and record["access_key_id"] == RUNNER_ACCESS_KEY
    }


@pytest.mark.parametrize("path", [POLICY, RUNNER_POLICY], ids=lambda path: path.name)
def test_policy_statements_are_well_formed(path):
    sids = [statement["Sid"] for statement in statements(path)]
    assert len(sids) == len(set(sids)), "each statement has its own Sid"
    for statement in statements(path):
        assert statement["Effect"] == "Allow"
        assert statement["Resource"]
        actions = sorted(actions_of(statement))
        assert actions == sorted(statement["Action"]), f"{statement['Sid']}: actions sorted, no duplicates"
        assert not any("*" in action for action in actions), f"{statement['Sid']}: no wildcard actions"


def test_direct_statements_grant_exactly_what_the_runs_called(used_actions):
    granted = set().union(*(actions_of(s) for s in statements() if not is_on_behalf(s)))
    missing = sorted(set(used_actions) - granted)
    unused = sorted(granted - set(used_actions))
    assert missing == [], f"called but not in {POLICY.name}: {missing}"
    assert unused == [], f"in {POLICY.name} but never called by an integration or molecule run: {unused}"


def test_runner_statements_grant_exactly_what_the_inventory_called(runner_actions):
    assert not any(is_on_behalf(statement) for statement in statements(RUNNER_POLICY))
    granted = set().union(*(actions_of(s) for s in statements(RUNNER_POLICY)))
    missing = sorted(runner_actions - granted)
    unused = sorted(granted - runner_actions)
    assert missing == [], f"called by the patch_fleet inventory's runner but not in {RUNNER_POLICY.name}: {missing}"
    assert unused == [], f"in {RUNNER_POLICY.name} but never called by the inventory in an integration run: {unused}"


def test_other_on_behalf_statements_are_the_documented_ones():
    granted = {}
    for statement in statements():
        keys = condition_keys(statement)
        if is_on_behalf(statement) and "aws:CalledVia" not in keys:
            for action in actions_of(statement):
                granted[action] = sorted(keys & ON_BEHALF_CONDITION_KEYS)
    assert granted == {action: [key] for action, (key, _why) in OTHER_ON_BEHALF.items()}


def test_cloudformation_statement_is_what_the_template_needs():
    template = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CloudFormationLoader)
    resource_types = {resource["Type"] for resource in template["Resources"].values()}
    handlers = json.loads(HANDLER_PERMISSIONS.read_text(encoding="utf-8"))
    assert resource_types <= set(handlers), f"no handler permissions for {sorted(resource_types - set(handlers))}"
    needed = set(handlers["_template_parameters"]["actions"]) if _has_ssm_parameter(template) else set()
    for resource_type in resource_types:
        for handler in ("create", "update", "delete"):
            needed.update(handlers[resource_type][handler])
    [statement] = [s for s in statements() if "aws:CalledVia" in condition_keys(s)]
    assert statement["Condition"] == {"ForAnyValue:StringEquals": {"aws:CalledVia": ["cloudformation.amazonaws.com"]}}
    assert sorted(actions_of(statement)) == sorted(needed)


def _has_ssm_parameter(template):
    return any(str(parameter.get("Type", "")).startswith("AWS::SSM::Parameter::Value")
               for parameter in template.get("Parameters", {}).values())


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsic functions (!Ref, !Sub, !GetAtt ...)."""


def _intrinsic(loader, tag_suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)
    return {tag_suffix: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)
