"""Stuck work ends: amazon.aws.cloudformation waits on a stack with no limit of its own, so the prerequisites
role runs it as an async job stopped after prerequisites_wait_timeout, then fails with the stack's status.
Here every DescribeStacks answers late (the sandbox's latency fault), so the deletion cannot end in time."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
TOPIC_TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
PLAYBOOK = """
- name: Delete a stack that does not answer in time
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Delete it
      ansible.builtin.include_role:
        name: cloudpatch.ssm.prerequisites
      vars:
        prerequisites_stack_name: slow-stack
        prerequisites_state: absent
        prerequisites_wait_timeout: 1
"""


def test_a_stack_deletion_that_does_not_end_is_stopped_with_the_stacks_status(clean_sandbox, tmp_path):
    cloudformation = clean_sandbox.client("cloudformation")
    cloudformation.create_stack(StackName="slow-stack", TemplateBody=TOPIC_TEMPLATE)
    (tmp_path / "playbook.yml").write_text(PLAYBOOK, encoding="utf-8")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                         f"      ansible_python_interpreter: {sys.executable}\n", encoding="utf-8")
    environment = {**os.environ, **clean_sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                   "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_NOCOLOR": "1"}
    clean_sandbox.set_fault("cloudformation", "DescribeStacks", latency_ms=3000)
    try:
        result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
                                 str(tmp_path / "playbook.yml")], env=environment, capture_output=True, text=True,
                                check=False, timeout=300)
    finally:
        clean_sandbox.clear_faults()
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert ("The delete of stack slow-stack in us-east-1 did not end within prerequisites_wait_timeout (1 s) and was "
            "stopped; the stack is CREATE_COMPLETE.") in output
    assert "Traceback" not in output
    # Stopped before its DeleteStack: the stack is as it was, and nothing else was written.
    assert [call["operation"] for call in clean_sandbox.mutating_calls()] == ["CreateStack"]
    assert cloudformation.describe_stacks(StackName="slow-stack")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
