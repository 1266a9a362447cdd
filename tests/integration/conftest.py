"""Integration tests: ansible-playbook runs a target (a role under targets/) against the sandbox.

Each target is a role whose tasks assert the module's behaviour; a pytest test prepares the sandbox
through boto3 when needed, runs the target with extra vars, and checks the sandbox's call log.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TARGETS = Path(__file__).resolve().parent / "targets"
# The layout the root conftest.py links: .build/collections/ansible_collections/cloudpatch/ssm
COLLECTIONS_PATH = Path(__file__).resolve().parents[2] / ".build" / "collections"
PLAYBOOK_TEMPLATE = """
- name: Run integration target {target}
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudpatch.ssm.patch_manager:
      region: "{{{{ aws_region }}}}"
  roles:
    - role: {role_path}
"""


class TargetRunner:
    def __init__(self, sandbox, tmp_path):
        self.sandbox = sandbox
        self.tmp_path = tmp_path

    def __call__(self, target, extra_vars=None, check=False, expect_failure=False):
        playbook = self.tmp_path / f"{target}.yml"
        playbook.write_text(PLAYBOOK_TEMPLATE.format(target=target, role_path=TARGETS / target), encoding="utf-8")
        inventory = self.tmp_path / "inventory.yml"
        inventory.write_text(
            "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
            f"      ansible_python_interpreter: {sys.executable}\n",
            encoding="utf-8",
        )
        variables = {"aws_region": "us-east-1", **(extra_vars or {})}
        command = [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i", str(inventory),
            str(playbook),
            "-e", json.dumps(variables),
        ]
        if check:
            command.append("--check")
        environment = {
            **os.environ,
            **self.sandbox.environment(),
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_NOCOLOR": "1",
        }
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=600)
        succeeded = result.returncode == 0
        if succeeded == expect_failure:
            pytest.fail(f"ansible-playbook exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def run_target(clean_sandbox, tmp_path):
    return TargetRunner(clean_sandbox, tmp_path)
