"""playbooks/workshop.yml as AWX / Automation Platform runs it, against the sandbox.

The project as a project sync leaves it: a checkout of the repository (its tracked files) with the collections
of collections/requirements.yml installed offline, as AWX runs that file (in the checkout), into the job's
requirements_collections; amazon.aws, which AWX would take from Galaxy, installed beforehand from the local copy.
Then ansible-runner on a private data dir laid out as AWX writes it (project/, inventory/, env/extravars,
env/envvars, env/cmdline for a Check job): the job, a Check job of every playbook on the account it left, and
the teardown; each is checked by its status and its job events, and the sandbox's call log proves the Check job
wrote nothing.
(Every playbook's check mode on a fresh account: tests/integration/test_playbooks_check_mode.py.)"""

import json
import os
import shutil
import sys

import importlib.util

import yaml

from awx_commands import AMAZON_AWS, BIN, REPO_ROOT, run  # pylint: disable=import-error  # beside this file

STACK = "ssm-workshop-ep04"


def _check_mode_expectations():
    """CHECKED (every playbook, teardown last) and AFTER_WORKSHOP (what each says on the account the workshop
    left) of tests/integration/test_playbooks_check_mode.py, the one list of both."""
    spec = importlib.util.spec_from_file_location(
        "playbooks_check_mode", REPO_ROOT / "tests" / "integration" / "test_playbooks_check_mode.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CHECKED, module.AFTER_WORKSHOP


CHECKED, AFTER_WORKSHOP = _check_mode_expectations()
WORKSHOP_STEPS = (
    "1. Prerequisites: the CloudFormation stack",
    "2. Patch baseline",
    "3. Patch groups: App on the custom baseline, Web on the default",
    "4. Dashboard before the scan (every node never reported)",
    "5. Scan: Patch now, all instances, command logs to the bucket",
    "6. Dashboard after the scan",
    "7. Export the compliance report for all instances",
    "8. Install: Patch now, scan and install, reboot if needed, all instances",
    "9. Dashboard after the install",
)
# A survey's answers, as AWX writes them to env/extravars.
SURVEY = {"workshop_region": "us-east-1", "workshop_local_reports": False}


def checkout(destination):
    """The repository's files as a git clone gives them (tracked, and new ones not ignored), links kept."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)


def controller_environment():
    """What the job's process gets besides env/envvars: no path into this checkout or its .build."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("AWS_", "ANSIBLE_")) and name != "PYTHONPATH"}
    environment.update({"PATH": f"{BIN}{os.pathsep}{environment.get('PATH', '/usr/bin:/bin')}",
                        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False", "ANSIBLE_NOCOLOR": "1"})
    return environment


class Job:
    def __init__(self, private_data_dir, environment):
        self.private_data_dir = private_data_dir
        self.environment = environment

    def __call__(self, ident, playbook, check=False):
        cmdline = self.private_data_dir / "env" / "cmdline"
        if check:
            cmdline.write_text("--check", encoding="utf-8")
        elif cmdline.exists():
            cmdline.unlink()
        run([BIN / "ansible-runner", "run", self.private_data_dir, "--ident", ident, "-p", playbook],
            env=self.environment)
        artifacts = self.private_data_dir / "artifacts" / ident
        events = [json.loads(path.read_text(encoding="utf-8")) for path in (artifacts / "job_events").glob("*.json")]
        events.sort(key=lambda event: event["counter"])
        return (artifacts / "status").read_text(encoding="utf-8"), events


def failed_events(events):
    return [event for event in events if event["event"] in ("runner_on_failed", "runner_on_unreachable")
            and not event["event_data"].get("ignore_errors")]


def task_names(events):
    return [event["event_data"]["task"] for event in events if event["event"] == "playbook_on_task_start"]


def said(events):
    """Every debug message of the job."""
    return [str(event["event_data"]["res"].get("msg", "")) for event in events
            if event["event"] == "runner_on_ok" and event["event_data"].get("task_action") == "ansible.builtin.debug"]


def test_project_sync_then_check_job_job_and_teardown_through_ansible_runner(clean_sandbox, tmp_path):
    version = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    private_data_dir = tmp_path / "job"
    project = private_data_dir / "project"
    checkout(project)
    environment = controller_environment()

    # The project sync: collections/requirements.yml installed from the checkout into requirements_collections.
    collections = private_data_dir / "requirements_collections"
    galaxy = {**environment, "ANSIBLE_COLLECTIONS_PATH": str(collections)}
    run([BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections, AMAZON_AWS], env=galaxy)
    synced = run([BIN / "ansible-galaxy", "collection", "install", "--offline", "-r", "collections/requirements.yml",
                  "-p", collections], env=galaxy, cwd=project)
    assert f"cloudpatch.ssm:{version} was installed successfully" in synced.stdout
    listed = yaml.safe_load(run([BIN / "ansible-galaxy", "collection", "list", "--format", "yaml"], env=galaxy).stdout)
    assert listed[str(collections / "ansible_collections")] == {"amazon.aws": {"version": "10.1.2"},
                                                                "cloudpatch.ssm": {"version": version}}
    installed = collections / "ansible_collections" / "cloudpatch" / "ssm"
    assert not (installed / "sandbox").exists() and (installed / "roles" / "prerequisites").is_dir()

    # The private data dir as AWX writes it: the inventory (localhost), the survey's answers, the credential's
    # and the job's environment (here the sandbox's endpoint and dummy keys in place of an AWS credential).
    (private_data_dir / "inventory").mkdir()
    (private_data_dir / "inventory" / "hosts").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}), encoding="utf-8")
    (private_data_dir / "env").mkdir()
    (private_data_dir / "env" / "extravars").write_text(yaml.safe_dump(SURVEY), encoding="utf-8")
    (private_data_dir / "env" / "envvars").write_text(yaml.safe_dump({
        **clean_sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_LOCALHOST_WARNING": "False",
        # As make test runs every play (AWX: the settings' extra environment, AWX_TASK_ENV): no temporary
        # file round trip per task.
        "ANSIBLE_PIPELINING": "True"}), encoding="utf-8")
    job = Job(private_data_dir, environment)

    clean_sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    try:
        status, events = job("workshop", "playbooks/workshop.yml")
    finally:
        clean_sandbox.reset_agent()
    assert status == "successful", status
    assert failed_events(events) == []
    names = task_names(events)
    assert [name for name in names if name in WORKSHOP_STEPS] == list(WORKSHOP_STEPS)
    assert f"Create or update the stack {STACK}" in names
    (recap,) = [event for event in events if event["event"] == "playbook_on_stats"]
    assert recap["event_data"]["failures"] == {} and recap["event_data"]["ok"]["localhost"] > 0
    assert len(clean_sandbox.calls(service="ssm", operation="SendCommand")) == 2  # the scan and the install

    # The reports are in the bucket only: the survey said no local copy (the job's disk goes with it).
    s3 = clean_sandbox.client("s3")
    (bucket,) = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert {"ssm-workshop.csv", "dashboard.html"} <= keys
    assert not (project / "reports").exists()

    # AWX's Check job type on the account the job left (where amazon.aws.cloudformation's own check mode would
    # make a change set), every playbook in one Check job: a playbook that imports each in turn (CHECKED,
    # teardown last), as tests/integration/test_playbooks_check_mode.py runs them in one ansible-playbook; one
    # ansible-runner and ansible-playbook start rather than one a playbook. Each play runs and succeeds, each
    # playbook predicts, and nothing is written.
    clean_sandbox.clear_calls()
    (project / "playbooks" / "check_every_playbook.yml").write_text(yaml.safe_dump(
        [{"name": f"Check job: {playbook}", "ansible.builtin.import_playbook": playbook} for playbook in CHECKED],
        sort_keys=False), encoding="utf-8")
    status, events = job("check", "playbooks/check_every_playbook.yml", check=True)
    failures = [(event["event_data"].get("play"), event["event_data"].get("task")) for event in failed_events(events)]
    assert status == "successful" and failures == [], (status, failures)
    plays = [play["name"] for playbook in CHECKED
             for play in yaml.safe_load((project / "playbooks" / playbook).read_text(encoding="utf-8"))]
    assert [event["event_data"]["play"] for event in events if event["event"] == "playbook_on_play_start"] == plays
    messages = said(events)
    assert clean_sandbox.mutating_calls() == []
    for expected in AFTER_WORKSHOP:
        assert any(expected in message for message in messages), expected
    assert not (project / "reports").exists()

    # The teardown after it ends (no stack of the name left waiting in REVIEW_IN_PROGRESS) and leaves no stack.
    status, events = job("teardown", "playbooks/teardown.yml")
    assert status == "successful" and failed_events(events) == []
    cloudformation = clean_sandbox.client("cloudformation")
    statuses = [summary["StackStatus"] for summary in cloudformation.list_stacks()["StackSummaries"]
                if summary["StackName"] == STACK]
    assert statuses == ["DELETE_COMPLETE"]
