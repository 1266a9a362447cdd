"""Scans of 1,000 and 10,000 nodes: the sandbox agent alone, then through ssm_patch_run.

    python bench/patch_run_scale.py [--nodes 1000 10000] [--seconds-per-node 60] [--step 10]

For each fleet size it starts a sandbox (stopped by PID), seeds that many hybrid nodes, freezes the
sandbox's clock, and prints:
- the wall time the sandbox takes for a Scan run with boto3 as the console's Patch now does (one
  association on InstanceIds=*, MaxConcurrency 1000), the clock advanced by the run's whole
  simulated length (nodes / 1000 waves of --seconds-per-node, a minute a node by default, as real
  scans take): the time the agent's work costs, not the run's simulated minutes;
- the wall time of `cloudpatch.ssm.ssm_patch_run` scanning every node (ansible-playbook, waiting for
  the result) with the clock moving --step seconds on each SSM request, and the API calls it made,
  by operation, from the sandbox's call log.
Prints figures; asserts nothing.
"""

import argparse
import collections
import math
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


def agent_scan_seconds(sandbox, count, seconds_per_node):
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
    sandbox.advance_clock(math.ceil(count / 1000) * seconds_per_node + 1)
    executions = ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
    ssm.delete_association(AssociationId=association_id)
    return time.perf_counter() - started, executions[0] if executions else {"Status": "no execution"}


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
    parser.add_argument("--seconds-per-node", type=float, default=60.0)
    parser.add_argument("--step", type=float, default=10.0, help="simulated seconds each SSM request moves the clock")
    args = parser.parse_args(argv)
    (REPO_ROOT / ".build" / "collections" / "ansible_collections" / "cloudpatch").mkdir(parents=True, exist_ok=True)
    link = REPO_ROOT / ".build" / "collections" / "ansible_collections" / "cloudpatch" / "ssm"
    if not link.exists():
        link.symlink_to(REPO_ROOT, target_is_directory=True)

    for count in args.nodes:
        with start_sandbox() as sandbox, tempfile.TemporaryDirectory() as workdir:
            sandbox.set_agent(seconds_per_node=args.seconds_per_node)
            sandbox.seed_nodes(count, "AMAZON_LINUX_2", kind="hybrid")
            sandbox.freeze_clock()
            simulated = math.ceil(count / 1000) * args.seconds_per_node
            seconds, execution = agent_scan_seconds(sandbox, count, args.seconds_per_node)
            print(f"{count} nodes: sandbox agent Scan (association, MaxConcurrency 1000, {args.seconds_per_node} s a node): "
                  f"{simulated:.0f} s simulated in {seconds:.1f} s wall, status {execution['Status']} "
                  f"{execution.get('ResourceCountByStatus', '')}")
            sandbox.step_clock(args.step)
            elapsed, calls, returncode = module_scan(sandbox, workdir)
            sandbox.step_clock(0)
            total = sum(calls.values())
            print(f"{count} nodes: ssm_patch_run scan, all instances: {elapsed:.1f} s wall, {total} API calls"
                  f"{'' if returncode == 0 else f' (FAILED, exit {returncode})'}")
            for operation, number in sorted(calls.items()):
                print(f"    {operation:36} {number}")


if __name__ == "__main__":
    main()
