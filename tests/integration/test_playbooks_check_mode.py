"""Every playbook with --check on a fresh sandbox: each passes, says what it would do, and leaves the
account and the disk untouched (no mutating call in the sandbox's log, amazon.aws.cloudformation's
change sets included; no report file written).

One ansible-playbook process runs the six in turn. The same check on an account where the workshop
ran is in tests/awx/test_awx_job.py: one Check job of every playbook after the workshop job (one workshop run
serves both), which reads CHECKED and AFTER_WORKSHOP from here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The layout the root conftest.py links: .build/collections/ansible_collections/cloudpatch/ssm
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
PLAYBOOKS = REPO_ROOT / "playbooks"
# Teardown last: in check mode it deletes nothing, so the ones before it still see the stack.
CHECKED = ("workshop.yml", "scan.yml", "install.yml", "report.yml", "baselines_overview.yml", "teardown.yml")
# What every playbook in check mode says on an account where the workshop ran (tests/awx/test_awx_job.py).
AFTER_WORKSHOP = (
    "ssm-workshop-ep04 exists in us-east-1 (CREATE_COMPLETE); the template, parameters and tags are as given",
    "Scan of 5 node(s) with AWS-RunPatchBaseline: NotSent",  # workshop step 5 and scan.yml
)


def ansible_playbook(sandbox, workdir, playbooks, reports_dir, check):
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(PLAYBOOKS / "inventory.yml"),
               *[str(PLAYBOOKS / name) for name in playbooks], "-e", f"workshop_reports_dir={reports_dir}"]
    if check:
        command.append("--check")
    environment = {**os.environ, **sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                   "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_NOCOLOR": "1"}
    result = subprocess.run(command, env=environment, cwd=workdir, capture_output=True, text=True, check=False,
                            timeout=900)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    recaps = re.findall(r"^localhost\s+: (.*)$", result.stdout, flags=re.MULTILINE)
    assert len(recaps) == len(playbooks), result.stdout
    assert all(" failed=0 " in recap for recap in recaps), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def files_under(path):
    return sorted(str(item.relative_to(path)) for item in path.rglob("*")) if path.exists() else []


def test_every_playbook_in_check_mode_changes_nothing_on_a_fresh_account(clean_sandbox, tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    check_reports = tmp_path / "check-reports"

    # A fresh account: no stack. The workshop says what step 1 would create and skips what needs it.
    clean_sandbox.clear_calls()
    output = ansible_playbook(clean_sandbox, workdir, CHECKED, check_reports, check=True)
    assert clean_sandbox.mutating_calls() == []
    assert "Check mode: stack ssm-workshop-ep04 does not exist in us-east-1; a real run would create it" in output
    assert "steps 3 to 9 need the instances and the bucket of stack ssm-workshop-ep04" in output
    assert output.count("so a real run would fail here; run playbooks/workshop.yml first") == 3  # scan, install, report
    assert "Stack ssm-workshop-ep04 does not exist in us-east-1; nothing to delete." in output  # teardown
    assert ("Nothing to tear down in us-east-1: no window or scan association of ssm-workshop, no patch group App or Web"
            " registered, no baseline AmazonLinux2SecAndNonSecBaseline, no stack ssm-workshop-ep04.") in output
    assert "New patch baseline" in output or "AmazonLinux2SecAndNonSecBaseline" in output
    assert clean_sandbox.operations("cloudformation").count("DescribeStacks") >= 4
    assert files_under(check_reports) == [] and files_under(workdir) == []
