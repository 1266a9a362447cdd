"""The real-AWS test lane's own tools: the preflight that refuses without consent, the run prefix, the
ansible-playbook command line, and the cleanup of whatever a run left.

    python tests/aws_lane/lane_tools.py preflight [--env-only]   exit 2 with a message when the lane must not run
    python tests/aws_lane/lane_tools.py cleanup [--prefix P]      delete what test runs left, listing each deletion

The same functions serve both targets: against the sandbox the environment carries its endpoint and
dummy credentials, against AWS it carries none (boto3's normal chain), and nothing else differs.
Credentials are never printed: only their source ("env", "shared-credentials-file", ...).
"""

import argparse
import json
import os
import re
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path

LANE_DIR = Path(__file__).resolve().parent
PLAYBOOK = LANE_DIR / "lane.yml"
INVENTORY = LANE_DIR / "inventory.yml"
TAG_KEY = "cloudpatch-test-run"
PREFIX_PATTERN = re.compile(r"cptest-[0-9]{8}t[0-9]{6}z-[0-9a-f]{6}")
# Any name a run gives: the prefix, then nothing or "-<what>" (the stack is named the prefix itself).
RUN_NAME = re.compile(rf"(?P<prefix>{PREFIX_PATTERN.pattern})(-[-a-z0-9]+)?")
# The variables that point boto3 somewhere else than AWS: the lane on AWS refuses when one is set.
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_S3",
                      "AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS")
# What the sandbox's environment sets (sandbox.testing.process.Sandbox.environment): the only
# variables in which the two targets' environments may differ.
TARGET_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION")

CONSENT_MESSAGE = (
    "refusing to run the real-AWS lane: set CLOUDPATCH_TEST_AWS=1 to run it against the account of your "
    "credentials. It creates a CloudFormation stack with 2 t3.micro Amazon Linux 2023 instances, an IAM role "
    "and instance profile, an S3 bucket, a patch baseline and a patch group, all named cptest-..., and deletes "
    "them again (tests/aws_lane/README.md: cost, duration, permissions)."
)


class Refusal(Exception):
    """The lane must not run as asked; the message says why and what to do."""


def new_prefix(now=None, token=None):
    """cptest-<UTC timestamp>-<random>: lower case, so that it is a valid bucket name as it is."""
    now = now or datetime.now(timezone.utc)
    token = token or secrets.token_hex(3)
    prefix = f"cptest-{now.astimezone(timezone.utc).strftime('%Y%m%dt%H%M%Sz')}-{token}"
    if not PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(f"not a run prefix: {prefix}")
    return prefix


def region_of(environ):
    return environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or ""


def preflight_environment(environ):
    """The checks that need no boto3: consent, region, no endpoint override. Returns the region."""
    if environ.get("CLOUDPATCH_TEST_AWS") != "1":
        raise Refusal(CONSENT_MESSAGE)
    region = region_of(environ)
    if not region:
        raise Refusal("refusing to run the real-AWS lane: no region; set AWS_REGION or AWS_DEFAULT_REGION "
                      "(for example AWS_REGION=us-east-1)")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]", region):
        raise Refusal(f"refusing to run the real-AWS lane: AWS_REGION/AWS_DEFAULT_REGION {region!r} is not a region name")
    overrides = sorted(name for name in ENDPOINT_VARIABLES if environ.get(name))
    if overrides:
        raise Refusal(f"refusing to run the real-AWS lane: {', '.join(overrides)} is set, so the lane would not "
                      "talk to AWS; unset it (the sandbox run is `make test`)")
    return region


def preflight(environ):
    """Everything `make test-aws` checks before it starts anything. Returns the region.

    Credentials are looked up through boto3's normal chain (environment, AWS_PROFILE and the config
    files, container and instance roles) without calling AWS and without printing them."""
    region = preflight_environment(environ)
    import boto3  # pylint: disable=import-outside-toplevel

    session = boto3.Session(region_name=region)
    if region not in session.get_available_regions("ssm"):
        raise Refusal(f"refusing to run the real-AWS lane: botocore knows no SSM region {region!r} "
                      "(AWS_REGION/AWS_DEFAULT_REGION)")
    if session.get_credentials() is None:
        raise Refusal("refusing to run the real-AWS lane: no AWS credentials found (boto3's chain: AWS_ACCESS_KEY_ID "
                      "and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, a container or instance role)")
    return region


def aws_environment(environ):
    """The environment of a run against AWS: the caller's, as it is (preflight refused endpoints)."""
    return dict(environ)


def sandbox_environment(environ, sandbox_variables):
    """The environment of a run against the sandbox: the caller's plus the sandbox's endpoint and
    dummy credentials (only TARGET_VARIABLES)."""
    unexpected = sorted(set(sandbox_variables) - set(TARGET_VARIABLES))
    if unexpected:
        raise ValueError(f"the sandbox sets more than endpoint, credentials and region: {unexpected}")
    return {**environ, **sandbox_variables}


def playbook_command(ansible_playbook, prefix, region, report_dir, wait_retries=40, wait_delay=15):
    """The one ansible-playbook command line of the lane, whatever the target."""
    variables = {
        "lane_prefix": prefix,
        "lane_region": region,
        "lane_report_dir": str(report_dir),
        "lane_wait_retries": wait_retries,
        "lane_wait_delay": wait_delay,
    }
    return [str(ansible_playbook), "-i", str(INVENTORY), str(PLAYBOOK), "-e", json.dumps(variables)]


# cleanup ------------------------------------------------------------------------------------------

def _run_prefix(name, prefix):
    """The run prefix a name carries, when it is a test run's name (and of `prefix`, when given)."""
    match = RUN_NAME.fullmatch(name or "")
    if not match or (prefix and match.group("prefix") != prefix):
        return None
    return match.group("prefix")


def _tagged(tags, prefix):
    value = {tag["Key"]: tag["Value"] for tag in tags or []}.get(TAG_KEY)
    return value is not None and PREFIX_PATTERN.fullmatch(value) is not None and (not prefix or value == prefix)


def _pages(client, operation, key, **kwargs):
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def _empty_bucket(s3, bucket, report):
    """Every object (and version, and delete marker) of the bucket, 1,000 a DeleteObjects call."""
    keys = []
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            keys += [{"Key": item["Key"], "VersionId": item["VersionId"]}
                     for item in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    except s3.exceptions.NoSuchBucket:
        return
    for start in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[start:start + 1000], "Quiet": True})
    if keys:
        report(f"deleted {len(keys)} object(s) from bucket {bucket}")


class CleanupFailed(Exception):
    """Some deletions failed; the others were done. The message lists each failure."""


def cleanup(session, prefix=None, report=print, stack_delay=15, stack_attempts=80):
    """Delete what test runs left in the session's region (one run's with `prefix`): associations,
    patch groups and baselines, stack buckets' objects, stacks (waiting for each), then buckets.
    Finds them by the cloudpatch-test-run tag or a run's name. Returns what it deleted, as lines;
    raises CleanupFailed, after trying everything else, when a deletion failed."""
    from botocore.exceptions import BotoCoreError, ClientError  # pylint: disable=import-outside-toplevel

    deleted, failures = [], []

    def note(line):
        deleted.append(line)
        report(line)

    def attempt(what, action):
        """One deletion; a failure is listed and the cleanup goes on with the next one."""
        try:
            action()
            return True
        except (BotoCoreError, ClientError) as error:
            failures.append(f"could not {what}: {error}")
            report(failures[-1])
            return False

    region = session.region_name
    ssm = session.client("ssm")
    cloudformation = session.client("cloudformation")
    s3 = session.client("s3")

    for association in _pages(ssm, "list_associations", "Associations"):
        name, association_id = association.get("AssociationName"), association["AssociationId"]
        if _run_prefix(name, prefix) and attempt(f"delete association {name}",
                                                 lambda: ssm.delete_association(AssociationId=association_id)):
            note(f"deleted association {name} ({association_id})")

    for group in _pages(ssm, "describe_patch_groups", "Mappings"):
        name, baseline_id = group["PatchGroup"], group["BaselineIdentity"]["BaselineId"]
        if _run_prefix(name, prefix) and attempt(
                f"deregister patch group {name}",
                lambda: ssm.deregister_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=name)):
            note(f"deregistered patch group {name} from {baseline_id}")

    own = [{"Key": "OWNER", "Values": ["Self"]}]
    for baseline in _pages(ssm, "describe_patch_baselines", "BaselineIdentities", Filters=own):
        baseline_id = baseline["BaselineId"]
        named = _run_prefix(baseline["BaselineName"], prefix)
        tags = ssm.list_tags_for_resource(ResourceType="PatchBaseline", ResourceId=baseline_id).get("TagList")
        if not named and not _tagged(tags, prefix):
            continue
        for group in ssm.get_patch_baseline(BaselineId=baseline_id).get("PatchGroups", []):
            if attempt(f"deregister patch group {group}",
                       lambda: ssm.deregister_patch_baseline_for_patch_group(BaselineId=baseline_id, PatchGroup=group)):
                note(f"deregistered patch group {group} from {baseline_id}")
        if attempt(f"delete patch baseline {baseline['BaselineName']}",
                   lambda: ssm.delete_patch_baseline(BaselineId=baseline_id)):
            note(f"deleted patch baseline {baseline['BaselineName']} ({baseline_id})")

    stacks = [stack for stack in _pages(cloudformation, "describe_stacks", "Stacks")
              if stack["StackStatus"] != "DELETE_COMPLETE"
              and (_run_prefix(stack["StackName"], prefix) or _tagged(stack.get("Tags"), prefix))]
    deleting = []
    for stack in stacks:
        for resource in _pages(cloudformation, "list_stack_resources", "StackResourceSummaries", StackName=stack["StackId"]):
            if resource["ResourceType"] == "AWS::S3::Bucket" and resource.get("PhysicalResourceId") \
                    and resource["ResourceStatus"] != "DELETE_COMPLETE":
                attempt(f"empty bucket {resource['PhysicalResourceId']}",
                        lambda bucket=resource["PhysicalResourceId"]: _empty_bucket(s3, bucket, note))
        if attempt(f"delete stack {stack['StackName']}", lambda: cloudformation.delete_stack(StackName=stack["StackId"])):
            deleting.append(stack)
    waiter = cloudformation.get_waiter("stack_delete_complete")
    for stack in deleting:
        if attempt(f"delete stack {stack['StackName']} (waited {stack_delay * stack_attempts} s)",
                   lambda: waiter.wait(StackName=stack["StackId"],
                                       WaiterConfig={"Delay": stack_delay, "MaxAttempts": stack_attempts})):
            note(f"deleted stack {stack['StackName']}")

    # ListBuckets answers every region's buckets unless BucketRegion says which (API reference, ListBuckets).
    for bucket in _pages(s3, "list_buckets", "Buckets", Prefix="cptest-", BucketRegion=region):
        name = bucket["Name"]
        if _run_prefix(name, prefix) and attempt(f"empty bucket {name}", lambda: _empty_bucket(s3, name, note)) \
                and attempt(f"delete bucket {name}", lambda: s3.delete_bucket(Bucket=name)):
            note(f"deleted bucket {name}")
    if failures:
        raise CleanupFailed("; ".join(failures))
    return deleted


def main(argv):
    parser = argparse.ArgumentParser(prog="lane_tools.py", description=__doc__.split("\n\n", maxsplit=1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("preflight", help="refuse (exit 2) unless the real-AWS lane may run")
    check.add_argument("--env-only", action="store_true", help="only the checks that need no boto3")
    clean = commands.add_parser("cleanup", help="delete what test runs left (all runs, or one with --prefix)")
    clean.add_argument("--prefix", help="only this run's resources (cptest-...)")
    args = parser.parse_args(argv)

    if args.command == "preflight":
        try:
            region = (preflight_environment if args.env_only else preflight)(os.environ)
        except Refusal as refusal:
            print(refusal, file=sys.stderr)
            return 2
        if not args.env_only:
            print(f"real-AWS lane: region {region}, credentials found; nothing printed of them")
        return 0

    if args.prefix and not PREFIX_PATTERN.fullmatch(args.prefix):
        print(f"--prefix must be a run prefix cptest-<yyyymmdd>t<hhmmss>z-<6 hex digits>, got {args.prefix!r}",
              file=sys.stderr)
        return 2
    region = region_of(os.environ)
    if not region:
        print("no region: set AWS_REGION or AWS_DEFAULT_REGION", file=sys.stderr)
        return 2
    import boto3  # pylint: disable=import-outside-toplevel

    try:
        deleted = cleanup(boto3.Session(region_name=region), prefix=args.prefix)
    except CleanupFailed as failed:
        print(f"cleanup in {region}: incomplete, {failed}", file=sys.stderr)
        return 1
    scope = f"run {args.prefix}" if args.prefix else "test runs"
    print(f"cleanup in {region}: {len(deleted)} deletion(s)" if deleted
          else f"cleanup in {region}: nothing left by {scope}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
