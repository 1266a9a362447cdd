"""Scans of 1,000 and 10,000 nodes: the sandbox agent alone, then through ssm_patch_run.

    python bench/patch_run_scale.py [--nodes 1000 10000] [--seconds-per-node 1.0]

For each fleet size it starts a sandbox (stopped by PID), seeds that many hybrid nodes, and prints:
- the sandbox's own time for a Scan run with boto3 as the console's Patch now does (one association
  on InstanceIds=*, MaxConcurrency 1000), from CreateAssociation until its execution is over;
- the wall time of `cloudpatch.ssm.ssm_patch_run` scanning every node (ansible-playbook, waiting for
  the result), and the API calls it made, by operation, from the sandbox's call log.
Prints figures; asserts nothing.
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sandbox.testing.process import start_sandbox  # noqa: E402

PLAYBOOK = """
- name: Scan every managed node
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Scan
      cloudpatch.ssm.ssm_patch_run:
        region: us-east-1
        operation: scan
        all_instances: true
        wait_timeout: 1800
      register: bench_scan
    - name: Summary
      ansible.builtin.debug:
        var: bench_scan.summary
"""


def agent_scan_seconds(sandbox):
    """One association on every node, as the console's Patch now scans: State Manager takes
    InstanceIds=* (the API reference's Target page), Run Command does not."""
    ssm = sandbox.client("ssm")
    started = time.perf_counter()
    association_id = ssm.create_association(
        Name="AWS-RunPatchBaseline",
        Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
        Parameters={"Operation": ["Scan"]},
        MaxConcurrency="1000",
        MaxErrors="1000",
    )["AssociationDescription"]["AssociationId"]
    while True:
        executions = ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
        if executions and executions[0]["Status"] not in ("Pending", "InProgress"):
            ssm.delete_association(AssociationId=association_id)
            return time.perf_counter() - started, executions[0]
        time.sleep(0.5)


def module_scan(sandbox, workdir):
    playbook = Path(workdir) / "scan.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    inventory = Path(workdir) / "inventory.yml"
    inventory.write_text(
        f"all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: {sys.executable}\n",
        encoding="utf-8",
    )
    environment = {
        **os.environ,
        **sandbox.environment(),
        "ANSIBLE_COLLECTIONS_PATH": str(REPO_ROOT / ".build" / "collections"),
        "ANSIBLE_LOCALHOST_WARNING": "False",
    }
    sandbox.clear_calls()
    started = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(playbook)],
        env=environment, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-2000:])
    calls = collections.Counter(call["operation"] for call in sandbox.calls())
    return elapsed, calls, result.returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seconds-per-node", type=float, default=1.0)
    args = parser.parse_args(argv)
    (REPO_ROOT / ".build" / "collections" / "ansible_collections" / "cloudpatch").mkdir(parents=True, exist_ok=True)
    link = REPO_ROOT / ".build" / "collections" / "ansible_collections" / "cloudpatch" / "ssm"
    if not link.exists():
        link.symlink_to(REPO_ROOT, target_is_directory=True)

    for count in args.nodes:
        with start_sandbox() as sandbox, tempfile.TemporaryDirectory() as workdir:
            sandbox.set_agent(seconds_per_node=args.seconds_per_node)
            sandbox.seed_nodes(count, "AMAZON_LINUX_2", kind="hybrid")
            seconds, execution = agent_scan_seconds(sandbox)
            print(f"{count} nodes: sandbox agent Scan (association, MaxConcurrency 1000, {args.seconds_per_node} s a node): "
                  f"{seconds:.1f} s, status {execution['Status']} {execution.get('ResourceCountByStatus', '')}")
            elapsed, calls, returncode = module_scan(sandbox, workdir)
            total = sum(calls.values())
            print(f"{count} nodes: ssm_patch_run scan, all instances: {elapsed:.1f} s wall, {total} API calls"
                  f"{'' if returncode == 0 else f' (FAILED, exit {returncode})'}")
            for operation, number in sorted(calls.items()):
                print(f"    {operation:36} {number}")


if __name__ == "__main__":
    main()
