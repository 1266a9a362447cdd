"""The real-AWS lane, driven by pytest: on the sandbox inside `make test`, on a real account with
`make test-aws` (CLOUDPATCH_LANE_TARGET=aws, after lane_tools.py's preflight).

`test_lane` is the lane itself and runs on both targets with the same command line and the same
playbook assertions; its finalizer runs the same cleanup `make test-aws-cleanup` runs, for this run's
prefix, and the test fails if that found anything (the playbook's own teardown missed it). The other
tests check the lane's machinery, on the sandbox only: the refusals, the cleanup of what an
interrupted run leaves, that the two targets differ only in the endpoint, and the lane's IAM policy.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml

LANE_DIR = Path(__file__).resolve().parent


def _load(name, path):
    """A helper module by its path: tests/ is no package, and its directories' names may repeat."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lane_tools = _load("aws_lane_tools", LANE_DIR / "lane_tools.py")
REPO_ROOT = LANE_DIR.parents[1]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
TARGET = os.environ.get("CLOUDPATCH_LANE_TARGET", "sandbox")
sandbox_only = pytest.mark.skipif(TARGET != "sandbox", reason="checks the lane's machinery on the sandbox")
ANSIBLE_SETTINGS = {
    "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
    "ANSIBLE_LOCALHOST_WARNING": "False",
    "ANSIBLE_NOCOLOR": "1",
    "ANSIBLE_PIPELINING": "True",
}


class Account:
    """Where the lane runs: the environment its processes get, and the region."""

    def __init__(self, kind, environment, region, sandbox=None):
        self.kind = kind
        self.environment = environment
        self.region = region
        self.sandbox = sandbox

    def run(self, command, timeout):
        return subprocess.run(command, env={**self.environment, **ANSIBLE_SETTINGS}, capture_output=True,
                              text=True, check=False, timeout=timeout, cwd=REPO_ROOT)

    def cleanup(self, prefix=None):
        command = [sys.executable, str(LANE_DIR / "lane_tools.py"), "cleanup"] + (["--prefix", prefix] if prefix else [])
        return self.run(command, timeout=3600)


@pytest.fixture
def account(request):
    if TARGET == "aws":
        try:
            region = lane_tools.preflight(os.environ)
        except lane_tools.Refusal as refusal:
            pytest.exit(str(refusal), returncode=2)
        return Account("aws", lane_tools.aws_environment(os.environ), region)
    if TARGET != "sandbox":
        pytest.exit(f"CLOUDPATCH_LANE_TARGET must be sandbox or aws, got {TARGET!r}", returncode=2)
    sandbox = request.getfixturevalue("clean_sandbox")
    environment = lane_tools.sandbox_environment(os.environ, sandbox.environment())
    for name in ("CLOUDPATCH_TEST_AWS", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        environment.pop(name, None)
    return Account("sandbox", environment, lane_tools.region_of(environment), sandbox)


def test_lane(account, tmp_path):
    prefix = lane_tools.new_prefix()
    report_dir = tmp_path / "reports"
    report_dir.mkdir()
    if account.sandbox:
        account.sandbox.clear_calls()
    try:
        result = account.run(lane_tools.playbook_command(ANSIBLE_PLAYBOOK, prefix, account.region, report_dir),
                             timeout=3600)
    finally:
        leftover = account.cleanup(prefix)
    assert result.returncode == 0, f"the lane failed ({prefix}):\n{result.stdout}\n{result.stderr}"
    assert leftover.returncode == 0, f"cleanup failed:\n{leftover.stdout}\n{leftover.stderr}"
    assert leftover.stdout.strip().splitlines()[-1] == f"cleanup in {account.region}: nothing left by run {prefix}", (
        f"the lane's teardown left things behind:\n{leftover.stdout}")
    assert sorted(path.name for path in report_dir.iterdir()) == [f"{prefix}-report.csv", f"{prefix}-report.json"]
    if account.sandbox:
        _check_lane_policy_grants(account.sandbox.calls())


@sandbox_only
def test_teardown_runs_when_the_lane_fails_half_way(account, tmp_path):
    """The scan is refused (AccessDenied on SendCommand, as for a policy without it): the lane fails
    there, and its always block still removes the group, the baseline, the bucket's objects and the stack."""
    prefix = lane_tools.new_prefix()
    account.sandbox.set_fault("ssm", "SendCommand", access_denied_rate=1.0)
    try:
        result = account.run(lane_tools.playbook_command(ANSIBLE_PLAYBOOK, prefix, account.region, tmp_path),
                             timeout=600)
    finally:
        account.sandbox.clear_faults()
        leftover = account.cleanup(prefix)
    assert result.returncode != 0
    assert "TASK [Scan the patch group, command output to the bucket]" in result.stdout
    assert "AccessDenied" in result.stdout
    recap = result.stdout.split("PLAY RECAP")[-1]
    assert "failed=1" in recap and "ignored=0" in recap, recap
    for step in ("deregister the patch group", "delete the baseline", "empty the log bucket", "delete the stack"):
        assert f"TASK [Teardown: {step}" in result.stdout
    assert leftover.stdout.strip().splitlines() == [f"cleanup in {account.region}: nothing left by run {prefix}"]


# The lane's IAM policy (sandbox only: the call log) -------------------------------------------------

def _iam_policy_module():
    return _load("iam_policy_check", REPO_ROOT / "tests" / "iam_policy" / "test_iam_policy.py")


def _granted(policy_path, iam_policy):
    statements = json.loads(policy_path.read_text(encoding="utf-8"))["Statement"]
    return set().union(*(iam_policy.actions_of(s) for s in statements if not iam_policy.is_on_behalf(s)))


# Operations of the lane's own that tests/iam_policy's mapping does not name (S3's ListBuckets is
# authorised as s3:ListAllMyBuckets: Amazon S3 User Guide, "Actions, resources, and condition keys").
OTHER_NAMES = {"s3:ListBuckets": "s3:ListAllMyBuckets"}


def _check_lane_policy_grants(calls):
    """Every call the lane and its cleanup made is granted by docs/iam-policy.json plus the lane's policy."""
    iam_policy = _iam_policy_module()
    used = {OTHER_NAMES.get(action, action) for action in
            (iam_policy.iam_action(call["service"], call["operation"]) for call in calls)}
    granted = _granted(iam_policy.POLICY, iam_policy) | _granted(LANE_DIR / "iam-policy.json", iam_policy)
    missing = sorted(used - granted)
    assert missing == [], f"called by the lane but granted by neither policy: {missing}"


@sandbox_only
def test_lane_policy_is_well_formed_and_adds_only_what_docs_policy_lacks():
    iam_policy = _iam_policy_module()
    policy = json.loads((LANE_DIR / "iam-policy.json").read_text(encoding="utf-8"))
    assert policy["Version"] == "2012-10-17"
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow" and statement["Resource"]
        assert sorted(statement["Action"]) == statement["Action"], f"{statement['Sid']}: sorted, no duplicates"
        assert not any("*" in action for action in statement["Action"])
    overlap = _granted(LANE_DIR / "iam-policy.json", iam_policy) & _granted(iam_policy.POLICY, iam_policy)
    assert sorted(overlap) == [], "the lane's policy repeats docs/iam-policy.json"


@sandbox_only
def test_lane_stack_needs_no_permission_beyond_docs_policy():
    """CloudFormation creates the lane's stack with the caller's rights: its resource types are the
    workshop template's, whose handler permissions docs/iam-policy.json grants through aws:CalledVia."""
    iam_policy = _iam_policy_module()
    loader = iam_policy._CloudFormationLoader  # pylint: disable=protected-access
    lane = yaml.load((LANE_DIR / "files" / "lane-stack.yml").read_text(encoding="utf-8"), Loader=loader)
    workshop = yaml.load(iam_policy.TEMPLATE.read_text(encoding="utf-8"), Loader=loader)
    lane_types = {resource["Type"] for resource in lane["Resources"].values()}
    assert lane_types <= {resource["Type"] for resource in workshop["Resources"].values()}
    has_ssm_parameter = iam_policy._has_ssm_parameter  # pylint: disable=protected-access
    assert has_ssm_parameter(lane) and has_ssm_parameter(workshop)


# Refusals -----------------------------------------------------------------------------------------

NO_CREDENTIALS = {"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_CONFIG_FILE": "/nonexistent/config",
                  "AWS_EC2_METADATA_DISABLED": "true", "CLOUDPATCH_TEST_AWS": "1", "AWS_REGION": "eu-west-1"}


@pytest.mark.parametrize("environ, message", [
    ({}, "set CLOUDPATCH_TEST_AWS=1"),
    ({"CLOUDPATCH_TEST_AWS": "yes", "AWS_REGION": "us-east-1"}, "set CLOUDPATCH_TEST_AWS=1"),
    ({"CLOUDPATCH_TEST_AWS": "1"}, "no region; set AWS_REGION or AWS_DEFAULT_REGION"),
    ({"CLOUDPATCH_TEST_AWS": "1", "AWS_REGION": "Europe"}, "'Europe' is not a region name"),
    ({"CLOUDPATCH_TEST_AWS": "1", "AWS_REGION": "xx-nowhere-9"}, "botocore knows no SSM region 'xx-nowhere-9'"),
    ({"CLOUDPATCH_TEST_AWS": "1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"},
     "AWS_ENDPOINT_URL is set"),
    (NO_CREDENTIALS, "no AWS credentials found"),
])
def test_preflight_refuses(environ, message, monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "CLOUDPATCH_TEST_AWS":
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(lane_tools.Refusal, match="refusing to run the real-AWS lane") as refusal:
        lane_tools.preflight(environ)
    assert message in str(refusal.value)


def test_preflight_passes_with_consent_region_and_credentials(monkeypatch):
    environ = {**NO_CREDENTIALS, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret"}
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert lane_tools.preflight(environ) == "eu-west-1"
    printed = subprocess.run([sys.executable, str(LANE_DIR / "lane_tools.py"), "preflight"], env={**os.environ},
                             capture_output=True, text=True, check=False)
    assert printed.returncode == 0, printed.stderr
    assert "region eu-west-1, credentials found" in printed.stdout
    assert "AKIDEXAMPLE" not in printed.stdout + printed.stderr
    assert "not-a-real-secret" not in printed.stdout + printed.stderr


@sandbox_only
@pytest.mark.parametrize("target", ["test-aws", "test-aws-cleanup"])
def test_make_refuses_without_consent_and_starts_nothing(target):
    environ = {name: value for name, value in os.environ.items()
               if name != "CLOUDPATCH_TEST_AWS" and not name.startswith("MAKE")}
    result = subprocess.run(["make", "--no-print-directory", target], cwd=REPO_ROOT, env=environ,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode != 0
    assert "refusing to run the real-AWS lane: set CLOUDPATCH_TEST_AWS=1" in result.stderr
    # The refusal is the first command: no layout, no pytest, no ansible-playbook, no cleanup ran.
    assert result.stdout == ""
    assert "pytest" not in result.stderr and "install_amazon_aws" not in result.stderr


@sandbox_only
def test_driver_on_aws_refuses_without_consent_and_starts_no_sandbox():
    """The driver itself (pytest run by hand with CLOUDPATCH_LANE_TARGET=aws) refuses too, and the
    AWS target never sets up the sandbox fixture."""
    environ = {name: value for name, value in os.environ.items()
               if name != "CLOUDPATCH_TEST_AWS" and not name.startswith(("PYTEST", "MAKE"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "--setup-show",
         str(Path(__file__)), "-k", "test_lane and not policy and not stack and not files"],
        cwd=REPO_ROOT, env={**environ, "CLOUDPATCH_LANE_TARGET": "aws"}, capture_output=True, text=True,
        check=False, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refusing to run the real-AWS lane: set CLOUDPATCH_TEST_AWS=1" in result.stdout + result.stderr
    assert "sandbox" not in result.stdout.replace("test_aws_lane.py", "")


@sandbox_only
def test_make_runs_the_preflight_before_anything():
    result = subprocess.run(["make", "-n", "--no-print-directory", "test-aws"], cwd=REPO_ROOT,
                            env={**os.environ, "CLOUDPATCH_TEST_AWS": ""}, capture_output=True, text=True,
                            check=True, timeout=120)
    lines = result.stdout.splitlines()
    assert lines[0].endswith("tests/aws_lane/lane_tools.py preflight --env-only")
    full = next(index for index, line in enumerate(lines) if line.endswith("lane_tools.py preflight"))
    run = next(index for index, line in enumerate(lines) if "pytest" in line)
    assert full < run and lines[run].startswith("CLOUDPATCH_LANE_TARGET=aws ")


# Only the endpoint differs --------------------------------------------------------------------------

@sandbox_only
def test_targets_differ_only_in_endpoint_and_credentials(sandbox, tmp_path):
    base = {"PATH": os.environ.get("PATH", ""), "HOME": "/home/someone", "AWS_PROFILE": "patching"}
    on_aws = lane_tools.aws_environment({**base, "AWS_REGION": "us-east-1"})
    on_sandbox = lane_tools.sandbox_environment(base, sandbox.environment())
    differing = {name for name in set(on_aws) | set(on_sandbox) if on_aws.get(name) != on_sandbox.get(name)}
    assert differing <= set(lane_tools.TARGET_VARIABLES)
    with pytest.raises(ValueError):
        lane_tools.sandbox_environment(base, {"AWS_ENDPOINT_URL": "x", "CLOUDPATCH_SANDBOX_FAST": "1"})
    # One command line for both: the prefix and the region are the run's, nothing names the target.
    command = lane_tools.playbook_command(ANSIBLE_PLAYBOOK, "cptest-20261201t000000z-abcdef", "us-east-1", tmp_path)
    assert sandbox.endpoint not in " ".join(command)


@sandbox_only
def test_lane_files_do_not_know_the_sandbox():
    """The playbook, its stack and inventory name nothing of the sandbox: no endpoint, no dummy
    credentials, no control API, no sandbox-only AMI or account id, no call log."""
    forbidden = ("sandbox", "127.0.0.1", "http://", "endpoint", "testing", "_sandbox", "123456789012",
                 "access_key", "secret_key", "mutating", "calls")
    for path in (lane_tools.PLAYBOOK, lane_tools.INVENTORY, LANE_DIR / "files" / "lane-stack.yml"):
        # Comments may say why the lane is target-neutral; what runs may not name the sandbox.
        text = "\n".join(line for line in path.read_text(encoding="utf-8").lower().splitlines()
                         if not line.lstrip().startswith("#"))
        found = [word for word in forbidden if word in text]
        assert found == [], f"{path.name} names {found}"


@pytest.mark.parametrize("name, prefix, expected", [
    ("cptest-20261201t133200z-abcdef", None, "cptest-20261201t133200z-abcdef"),
    ("cptest-20261201t133200z-abcdef-logs", None, "cptest-20261201t133200z-abcdef"),
    ("cptest-20261201t133200z-abcdef-logs", "cptest-20261201t133200z-abcdef", "cptest-20261201t133200z-abcdef"),
    ("cptest-20261201t133200z-abcdef-logs", "cptest-20261201t133200z-000000", None),
    ("cptest-prod-logs", None, None),
    ("my-cptest-20261201t133200z-abcdef", None, None),
    ("cptest-20261201t133200z-abcdef\n", None, None),
])
def test_run_names(name, prefix, expected):
    assert lane_tools._run_prefix(name, prefix) == expected  # pylint: disable=protected-access


def test_new_prefix_is_a_bucket_name_and_unique():
    prefixes = {lane_tools.new_prefix() for _attempt in range(20)}
    assert len(prefixes) == 20
    for prefix in prefixes:
        assert lane_tools.PREFIX_PATTERN.fullmatch(prefix)
        assert prefix == prefix.lower() and len(prefix + "-node-profile") <= 63


# Cleanup of what an interrupted run left ------------------------------------------------------------

def _leave_a_run(sandbox, prefix, stack=True):
    """What a run interrupted before its teardown leaves: a stack with objects in its bucket, a tagged
    baseline with its patch group, an association, and a bucket of its own."""
    ssm = sandbox.client("ssm")
    s3 = sandbox.client("s3")
    if stack:
        cloudformation = sandbox.client("cloudformation")
        cloudformation.create_stack(
            StackName=prefix, TemplateBody=(LANE_DIR / "files" / "lane-stack.yml").read_text(encoding="utf-8"),
            Parameters=[{"ParameterKey": "RunPrefix", "ParameterValue": prefix}], Capabilities=["CAPABILITY_NAMED_IAM"],
            Tags=[{"Key": lane_tools.TAG_KEY, "Value": prefix}])
        s3.put_object(Bucket=f"{prefix}-logs", Key=f"{prefix}/reports/{prefix}-report.csv", Body=b"x")
        s3.put_object(Bucket=f"{prefix}-logs", Key=f"{prefix}/commands/out/stdout", Body=b"y")
    baseline_id = ssm.create_patch_baseline(
        Name=f"{prefix}-baseline", OperatingSystem="AMAZON_LINUX_2023",
        Tags=[{"Key": lane_tools.TAG_KEY, "Value": prefix}])["BaselineId"]
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=f"{prefix}-group")
    ssm.create_association(Name="AWS-RunPatchBaseline", AssociationName=f"{prefix}-scan",
                           Targets=[{"Key": f"tag:{lane_tools.TAG_KEY}", "Values": [prefix]}],
                           Parameters={"Operation": ["Scan"]})
    s3.create_bucket(Bucket=f"{prefix}-extra")
    s3.put_object(Bucket=f"{prefix}-extra", Key="left.json", Body=b"{}")
    return baseline_id


def _what_is_left(sandbox):
    ssm = sandbox.client("ssm")
    return {
        "stacks": sorted(s["StackName"] for s in sandbox.client("cloudformation").describe_stacks()["Stacks"]
                         if s["StackStatus"] != "DELETE_COMPLETE"),
        "baselines": sorted(b["BaselineName"] for b in ssm.describe_patch_baselines(
            Filters=[{"Key": "OWNER", "Values": ["Self"]}])["BaselineIdentities"]),
        "patch_groups": sorted(g["PatchGroup"] for g in ssm.describe_patch_groups()["Mappings"]),
        "associations": sorted(a.get("AssociationName", "") for a in ssm.list_associations()["Associations"]),
        "buckets": sorted(b["Name"] for b in sandbox.client("s3").list_buckets()["Buckets"]),
        "instances": sorted(i["InstanceId"] for r in sandbox.client("ec2").describe_instances(
            Filters=[{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
            for i in r["Instances"]),
    }


@sandbox_only
def test_cleanup_deletes_what_interrupted_runs_left_and_nothing_else(account):
    sandbox = account.sandbox
    first, second = "cptest-20261201t010000z-aaaaaa", "cptest-20261201t020000z-bbbbbb"
    _leave_a_run(sandbox, first)
    second_baseline = _leave_a_run(sandbox, second, stack=False)
    # Not a test run's: a baseline, a group, a bucket and an association of the account's own.
    ssm = sandbox.client("ssm")
    keep_id = ssm.create_patch_baseline(Name="production-al2023", OperatingSystem="AMAZON_LINUX_2023")["BaselineId"]
    ssm.register_patch_baseline_for_patch_group(BaselineId=keep_id, PatchGroup="cptest-prod")
    ssm.create_association(Name="AWS-RunPatchBaseline", AssociationName="nightly-scan",
                           Targets=[{"Key": "tag:Patch Group", "Values": ["cptest-prod"]}], Parameters={"Operation": ["Scan"]})
    sandbox.client("s3").create_bucket(Bucket="cptest-prod-logs")
    kept = {"stacks": [], "baselines": ["production-al2023"], "patch_groups": ["cptest-prod"],
            "associations": ["nightly-scan"], "buckets": ["cptest-prod-logs"], "instances": []}

    sandbox.clear_calls()
    only_second = account.cleanup(second)
    assert only_second.returncode == 0, only_second.stderr
    _check_lane_policy_grants(sandbox.calls())
    deleted = [line.split(" (")[0] for line in only_second.stdout.splitlines()]
    assert deleted == [
        f"deleted association {second}-scan",
        f"deregistered patch group {second}-group from {second_baseline}",
        f"deleted patch baseline {second}-baseline",
        f"deleted 1 object(s) from bucket {second}-extra",
        f"deleted bucket {second}-extra",
        f"cleanup in {account.region}: 5 deletion(s)",
    ]
    left = _what_is_left(sandbox)
    assert left["stacks"] == [first] and f"{first}-baseline" in left["baselines"]

    sandbox.clear_calls()
    everything = account.cleanup()
    assert everything.returncode == 0, everything.stderr
    _check_lane_policy_grants(sandbox.calls())
    lines = [line.split(" (")[0] for line in everything.stdout.splitlines()]
    assert lines[0] == f"deleted association {first}-scan"
    assert lines[1].startswith(f"deregistered patch group {first}-group from pb-")
    assert lines[2:] == [
        f"deleted patch baseline {first}-baseline",
        f"deleted 2 object(s) from bucket {first}-logs",
        f"deleted stack {first}",
        f"deleted 1 object(s) from bucket {first}-extra",
        f"deleted bucket {first}-extra",
        f"cleanup in {account.region}: 7 deletion(s)",
    ]
    assert _what_is_left(sandbox) == kept

    again = account.cleanup()
    assert again.stdout.splitlines() == [f"cleanup in {account.region}: nothing left by test runs"]
    assert _what_is_left(sandbox) == kept


@sandbox_only
def test_cleanup_goes_on_after_a_refused_deletion_and_says_so(account):
    sandbox = account.sandbox
    prefix = "cptest-20261201t030000z-cccccc"
    _leave_a_run(sandbox, prefix, stack=False)
    sandbox.set_fault("s3", "DeleteBucket", access_denied_rate=1.0)
    try:
        result = account.cleanup(prefix)
    finally:
        sandbox.clear_faults()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"cleanup in {account.region}: incomplete, could not delete bucket {prefix}-extra: ")
    assert "AccessDenied" in result.stderr
    left = _what_is_left(sandbox)
    assert left["buckets"] == [f"{prefix}-extra"] and left["baselines"] == [] and left["associations"] == []
    assert account.cleanup(prefix).stdout.splitlines()[-1] == f"cleanup in {account.region}: 1 deletion(s)"


def test_cleanup_refuses_a_prefix_that_is_not_a_run(tmp_path):
    result = subprocess.run([sys.executable, str(LANE_DIR / "lane_tools.py"), "cleanup", "--prefix", "prod"],
                            env={**os.environ, "AWS_REGION": "us-east-1"}, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "--prefix must be a run prefix" in result.stderr


def test_boto3_session_reads_the_endpoint_from_the_environment(monkeypatch):
    """What makes "only the endpoint differs" true for the cleanup: botocore takes AWS_ENDPOINT_URL
    from the environment, so the same Session(region_name=...) reaches the sandbox or AWS."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert boto3.Session(region_name="us-east-1").client("ssm").meta.endpoint_url == "http://127.0.0.1:9"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    assert boto3.Session(region_name="us-east-1").client("ssm").meta.endpoint_url == "https://ssm.us-east-1.amazonaws.com"
