"""All-node compliance exports of 1,000 and 10,000 nodes: ssm_compliance_export against a naive export.

    python bench/compliance_export_scale.py [--nodes 1000 10000] [--format csv]

For each fleet size it starts a sandbox (stopped by PID), seeds that many hybrid nodes, scans them all
(one Run Command, MaxConcurrency 1000) and then runs, in this process against the sandbox:
- ours: ssm_compliance_export's own `export()` (the module's code path; boto3 clients instead of
  AnsibleAWSModule's), writing the report to a temporary directory;
- naive: what a per-node script does: list the nodes, then for each node DescribeInstancePatchStates
  with its one id and ListComplianceItems (its non-compliant patches, counted by level), rows kept
  in a list, CSV written at the end.
Each is run twice: once for wall time, once under tracemalloc for the peak of Python allocations.
Calls come from the sandbox's call log. Prints a table; asserts nothing.
Then it times the real module once through ansible-playbook (process start-up included).
"""

import argparse
import collections
import csv
import datetime
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = REPO_ROOT / ".build" / "collections"
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(COLLECTIONS))

from sandbox.testing import start_sandbox  # noqa: E402

from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_compliance_export  # noqa: E402

PLAYBOOK = """
- name: Export every node's compliance
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Export
      cloudpatch.ssm.ssm_compliance_export:
        region: us-east-1
        report_name: bench
        format: {fmt}
        dest: {dest}
"""


class BenchModule:
    """What export() needs of AnsibleAWSModule: params, check_mode, region, client()."""

    def __init__(self, sandbox, params):
        self.params = params
        self.check_mode = False
        self.region = "us-east-1"
        self.sandbox = sandbox

    def client(self, service):
        return self.sandbox.client(service, retries={"mode": "standard", "total_max_attempts": 3})


def scan_all(sandbox):
    ssm = sandbox.client("ssm")
    command_id = ssm.send_command(DocumentName="AWS-RunPatchBaseline", Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
                                  Parameters={"Operation": ["Scan"]}, MaxConcurrency="1000", MaxErrors="1000")["Command"]["CommandId"]
    while ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] in ("Pending", "InProgress"):
        time.sleep(0.5)


def ours(sandbox, workdir, fmt):
    params = {"report_name": "bench", "instance_id": None, "format": fmt, "s3_bucket": None, "s3_prefix": None,
              "server_side_encryption": "AES256", "kms_key_id": None, "expected_bucket_owner": None, "dest": str(workdir),
              "sns_topic_arn": None, "reporting_days": 7}
    _changed, report, _dashboard = ssm_compliance_export.export(BenchModule(sandbox, params), params)
    return report["nodes"]


def naive(sandbox, workdir, fmt):
    ssm = sandbox.client("ssm", retries={"mode": "standard", "total_max_attempts": 3})
    nodes = ssm.get_paginator("describe_instance_information").paginate(PaginationConfig={"PageSize": 50}).build_full_result()["InstanceInformationList"]
    rows = []
    for node in nodes:
        states = ssm.describe_instance_patch_states(InstanceIds=[node["InstanceId"]])["InstancePatchStates"]
        items = ssm.get_paginator("list_compliance_items").paginate(
            ResourceIds=[node["InstanceId"]], ResourceTypes=["ManagedInstance"],
            Filters=[{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"},
                     {"Key": "Status", "Values": ["NON_COMPLIANT"], "Type": "EQUAL"}],
            PaginationConfig={"PageSize": 50}).build_full_result()["ComplianceItems"]
        counts = collections.Counter(f"{item['Severity'].title()}Count" for item in items)
        summary = {"Status": "NON_COMPLIANT" if items else "COMPLIANT", "NonCompliantSummary": {"SeveritySummary": counts}}
        rows.append((node, states[0] if states else {}, summary))
    with open(Path(workdir) / f"naive.{fmt}", "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        for index, (node, state, summary) in enumerate(rows, start=1):
            counts = summary.get("NonCompliantSummary", {}).get("SeveritySummary", {})
            writer.writerow([index, node["InstanceId"], node.get("Name"), node.get("IPAddress"), node.get("PlatformName"),
                             node.get("PlatformVersion"), node.get("AgentVersion"), state.get("BaselineId"), state.get("PatchGroup"),
                             summary.get("Status"), summary.get("OverallSeverity")] + [counts.get(key) for key in sorted(counts)])
    return len(rows)


def measure(sandbox, function, fmt):
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        sandbox.clear_calls()
        started = time.perf_counter()
        results["nodes"] = function(sandbox, workdir, fmt)
        results["seconds"] = time.perf_counter() - started
        log = sandbox.calls()
        results["calls"] = collections.Counter(call["operation"] for call in log)
        results["server_seconds"] = collections.Counter()
        for call in log:
            results["server_seconds"][call["operation"]] += call["duration_ms"] / 1000
    with tempfile.TemporaryDirectory() as workdir:
        tracemalloc.start()
        function(sandbox, workdir, fmt)
        results["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return results


def module_seconds(sandbox, fmt):
    with tempfile.TemporaryDirectory() as workdir:
        playbook = Path(workdir) / "export.yml"
        playbook.write_text(PLAYBOOK.format(fmt=fmt, dest=workdir), encoding="utf-8")
        inventory = Path(workdir) / "inventory.yml"
        inventory.write_text(f"all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                             f"      ansible_python_interpreter: {sys.executable}\n", encoding="utf-8")
        environment = {**os.environ, **sandbox.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
                       "ANSIBLE_LOCALHOST_WARNING": "False"}
        started = time.perf_counter()
        result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(playbook)],
                                env=environment, capture_output=True, text=True, check=False)
        return time.perf_counter() - started, result.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--format", choices=["csv", "json", "html"], default="csv")
    parser.add_argument("--skip-naive", action="store_true", help="only ours (the naive export of 10,000 nodes is slow)")
    args = parser.parse_args()
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}Z  format={args.format}")
    print(f"{'nodes':>6} {'export':>6} {'wall s':>8} {'calls':>7} {'budget':>7} {'peak MiB':>9}  calls by operation")
    for count in args.nodes:
        with start_sandbox() as sandbox:
            sandbox.seed_nodes(count, "AMAZON_LINUX_2", kind="hybrid")
            sandbox.set_agent(seconds_per_node=0.2)
            scan_all(sandbox)
            budget = 3 * -(-count // 50) + -(-count // 1000) + 10
            for name, function in (("ours", ours), ("naive", naive))[:1 if args.skip_naive else 2]:
                result = measure(sandbox, function, args.format)
                calls = result["calls"]
                print(f"{count:>6} {name:>6} {result['seconds']:>8.2f} {sum(calls.values()):>7} {budget:>7} {result['peak_mib']:>9.2f}  "
                      + ", ".join(f"{operation} {number} ({result['server_seconds'][operation]:.1f} s in the sandbox)"
                                  for operation, number in sorted(calls.items())), flush=True)
            seconds, code = module_seconds(sandbox, args.format)
            print(f"{count:>6} module {seconds:>8.2f}  (ansible-playbook, process start-up included; exit {code})", flush=True)


if __name__ == "__main__":
    main()
