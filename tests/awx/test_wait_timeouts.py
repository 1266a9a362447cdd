"""Stuck work ends: amazon.aws.cloudformation waits on a stack with no limit of its own, so the prerequisites
role runs it as an async job stopped after prerequisites_wait_timeout, then fails with the stack's status.
Here every DescribeStacks answers late (the sandbox's latency fault), so the deletion cannot end in time.
A deletion that fails (not a timeout) says so with CloudFormation's reason."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
TOPIC_TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
BUCKET_TEMPLATE = json.dumps({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "kept-objects"}}}})
PLAYBOOK = """
- name: Delete a stack
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Delete it
      ansible.builtin.include_role:
        name: cloudpatch.ssm.prerequisites
      vars:
        prerequisites_stack_name: {stack}
        prerequisites_state: absent
        prerequisites_wait_timeout: {timeout}
        prerequisites_empty_bucket: false
"""


def delete_with_the_role(sandbox, tmp_path, stack, timeout):
    (tmp_path / "playbook.yml").write_text(PLAYBOOK.format(stack=stack, timeout=timeout), encoding="utf-8")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                         f"      ansible_python_interpreter: {sys.executable}\n", encoding="utf-8")
    environment = {**os.environ, **sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                   "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_NOCOLOR": "1"}
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
                             str(tmp_path / "playbook.yml")], env=environment, capture_output=True, text=True,
                            check=False, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    return output


def test_a_stack_deletion_that_does_not_end_is_stopped_with_the_stacks_status(clean_sandbox, tmp_path):
    cloudformation = clean_sandbox.client("cloudformation")
    cloudformation.create_stack(StackName="slow-stack", TemplateBody=TOPIC_TEMPLATE)
    clean_sandbox.set_fault("cloudformation", "DescribeStacks", latency_ms=3000)
    try:
        output = delete_with_the_role(clean_sandbox, tmp_path, "slow-stack", timeout=1)
    finally:
        clean_sandbox.clear_faults()
    assert ("The delete of stack slow-stack in us-east-1 did not end within prerequisites_wait_timeout (1 s) and was "
            "stopped; the stack is CREATE_COMPLETE.") in output
    # Stopped before its DeleteStack: the stack is as it was, and nothing else was written.
    assert [call["operation"] for call in clean_sandbox.mutating_calls()] == ["CreateStack"]
    assert cloudformation.describe_stacks(StackName="slow-stack")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


def test_a_stack_deletion_that_fails_says_why(clean_sandbox, tmp_path):
    cloudformation = clean_sandbox.client("cloudformation")
    cloudformation.create_stack(StackName="bucket-stack", TemplateBody=BUCKET_TEMPLATE)
    clean_sandbox.client("s3").put_object(Bucket="kept-objects", Key="report.csv", Body=b"x")
    output = delete_with_the_role(clean_sandbox, tmp_path, "bucket-stack", timeout=300)
    assert "The delete of stack bucket-stack in us-east-1 failed (the stack is DELETE_FAILED): " in output
    assert "did not end within" not in output
    assert "The following resource(s) failed to delete: [Bucket]." in output
