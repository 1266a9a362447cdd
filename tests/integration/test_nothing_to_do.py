"""A job with nothing to do says so and succeeds, and a job over zero nodes still fails.

One ansible-playbook process: targets/nothing_to_do (the patching role's install of compliant nodes, the
patch_schedule role run twice), then playbooks/teardown.yml on an account where the
workshop never ran (nothing to tear down: only reads)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The layout the root conftest.py links: .build/collections/ansible_collections/cloudpatch/ssm
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
TARGET = Path(__file__).resolve().parent / "targets" / "nothing_to_do"
PLAY = """
- name: Run integration target nothing_to_do
  hosts: localhost
  gather_facts: false
  roles:
    - role: {role_path}
"""


def ansible_playbook(sandbox, tmp_path):
    playbook = tmp_path / "nothing_to_do.yml"
    playbook.write_text(PLAY.format(role_path=TARGET), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(REPO_ROOT / "playbooks" / "inventory.yml"),
               str(playbook), str(REPO_ROOT / "playbooks" / "teardown.yml"),
               "-e", json.dumps({"cloudpatch_ssm_aws": {"region": "us-east-1"}, "workshop_region": "us-east-1"})]
    environment = {**os.environ, **sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                   "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(command, env=environment, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=900)


def messages(stdout, start):
    return re.findall(r'"msg": "(' + re.escape(start) + r'[^"]*)"', stdout)


def test_jobs_with_nothing_to_do_say_so_and_succeed(clean_sandbox, tmp_path):
    clean_sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    try:
        for name, group in (("App1", "App"), ("App2", "App"), ("Web1", "Web")):
            clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name, "Patch Group": group})
        clean_sandbox.clear_calls()
        # One simulated second a served SSM request: the installs of two nodes (0.2 s a node, 0.5 s a
        # reboot) are over when the module first polls them, so no run waits out a poll delay.
        clean_sandbox.step_clock(1.0)
        result = ansible_playbook(clean_sandbox, tmp_path)
    finally:
        clean_sandbox.reset_agent()
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
    recaps = re.findall(r"^localhost\s+: (.*)$", result.stdout, flags=re.MULTILINE)
    assert len(recaps) == 2 and all(" failed=0 " in recap for recap in recaps), result.stdout

    # The install: the first two were sent (the second installed nothing and said so); with the skip on, the
    # check-mode runs and the empty group sent nothing.
    assert len(clean_sandbox.calls(service="ssm", operation="SendCommand")) == 2
    assert messages(result.stdout, "Nothing was installed") == [
        "Nothing was installed: 2 of 2 node(s) in patching_patch_groups App (us-east-1) already compliant: the install"
        " found nothing missing, failed or waiting for a reboot."], result.stdout
    assert messages(result.stdout, "Nothing to install") == [
        "Nothing to install: 2 of 2 node(s) compliant in patching_patch_groups App (us-east-1): nothing missing or failed"
        " or waiting for a reboot as of each node's last report, all within 1 day(s); no command sent."], result.stdout

    # The schedule: created, then as given; the teardown's own (ssm-workshop-*) never existed.
    assert messages(result.stdout, "Nothing to change") == [
        "Nothing to change in us-east-1: nothing-app, nothing-scan already exist as given."]
    # (every association the role can make for the rings: one for all of them, one a ring)
    assert messages(result.stdout, "Nothing to delete in us-east-1: no window") == [
        "Nothing to delete in us-east-1: no window or scan association named ssm-workshop-web, ssm-workshop-app,"
        " ssm-workshop-scan, ssm-workshop-web-scan, ssm-workshop-app-scan exists."], result.stdout
    ssm_writes = [call["operation"] for call in clean_sandbox.mutating_calls(service="ssm")]
    assert ssm_writes.count("CreateMaintenanceWindow") == 1 and ssm_writes.count("CreateAssociation") == 1
    assert "DeleteMaintenanceWindow" not in ssm_writes and "DeleteAssociation" not in ssm_writes

    # The teardown on an account without the workshop: it only read, and said so.
    assert messages(result.stdout, "Nothing to tear down") == [
        "Nothing to tear down in us-east-1: no window or scan association of ssm-workshop, no patch group App or Web"
        " registered, no baseline AmazonLinux2SecAndNonSecBaseline, no stack ssm-workshop-ep04."], result.stdout
    assert clean_sandbox.mutating_calls(service="cloudformation") == [] and clean_sandbox.mutating_calls(service="s3") == []
    assert not {"DeregisterPatchBaselineForPatchGroup", "DeletePatchBaseline"} & set(ssm_writes)
