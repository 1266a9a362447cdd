"""The fleet playbooks over 20 account-regions of 500 nodes (10,000 in all), with forks 1 and forks 10.

    nice -n 10 python bench/fleet_scale.py [--accounts 10] [--regions us-east-1 eu-west-1] [--nodes 500]
                                           [--forks 1 10] [--latency-ms 30] [--seconds-per-node 0.01 60]

Starts its own sandbox (stopped by PID) and seeds an organization: --accounts member accounts, each with
--nodes hybrid Amazon Linux 2 nodes in each of --regions, each account's OrganizationAccountAccessRole
trusting the management account (the runner). Every call the sandbox serves is first delayed by
--latency-ms (the sandbox's latency injection), to model AWS round trips. Then, for each --seconds-per-node
value (the simulated agent's time on each node, on the sandbox's clock, which runs with the wall clock
here) and each --forks value in turn, in the same sandbox: playbooks/fleet/scan.yml (every host assumes
its role and scans its nodes), and for the first --seconds-per-node value playbooks/fleet/report.yml
(every host exports its part, then one merge: it sends no command, so the agent's time is nothing to it
and it is measured once, its time added to every model's scan), each through ansible-playbook with the
patch_fleet inventory (the accounts listed: no call to build it), timed from process start to end.
Prints each run's wall time, calls and CPU (ansible-playbook with its workers, and the sandbox), for
each model the ratio of the first --forks value's scan + export time to each other's with the ceiling
that run's CPU spread over this machine's cores puts on it, and the load average before and after.

The default models: 0.01 s a node, a scan that waits for nothing, so what forks gain is bounded by
Ansible's CPU on this machine; and 60 s a node, a model of a scan that takes time as scans do (the
figure bench/patch_run_scale.py uses; a model, not a measured AWS figure): the 500 nodes of a host run at
once (Patch now's concurrency for a scan is 1,000), so each host's scan waits about a minute, which forks
overlap.

Last, the merge's peak of Python allocations (tracemalloc) over the parts of the last run: 2
account-regions, then all of them, through ssm_compliance_merge's own functions (the module's code path
without Ansible around it), and their ratio. Asserts nothing: the call budgets and flat memory are the
tests' (tests/integration/test_ssm_compliance_merge.py).
"""

import argparse
import collections
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = REPO_ROOT / ".build" / "collections"
PLAYBOOKS = REPO_ROOT / "playbooks" / "fleet"
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(COLLECTIONS))

from sandbox.testing.process import member_account, start_sandbox  # noqa: E402

# The runner's key (moto serves an unknown key in its default account, the organization's management account).
RUNNER_ACCESS_KEY = "patch-fleet-runner"


def write_inventory(directory, accounts, regions):
    inventory = Path(directory) / "fleet.yml"
    listed = "".join(f"  - '{account}'\n" for account in accounts)
    inventory.write_text(f"plugin: cloudpatch.ssm.patch_fleet\naccounts:\n{listed}regions: [{', '.join(regions)}]\n", encoding="utf-8")
    return inventory


def run_playbook(sandbox, inventory, playbook, forks, extra_vars, workdir):
    environment = {
        **os.environ,
        **sandbox.environment(),
        "AWS_ACCESS_KEY_ID": RUNNER_ACCESS_KEY,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_INVENTORY_ENABLED": "cloudpatch.ssm.patch_fleet",
        "ANSIBLE_NOCOLOR": "1",
    }
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(PLAYBOOKS / playbook),
               "--forks", str(forks), "-e", json.dumps({"ansible_python_interpreter": sys.executable, **extra_vars})]
    sandbox.clear_calls()
    sandbox_cpu_before = process_cpu_seconds(sandbox.process.pid)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=environment, cwd=workdir, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ansible-playbook waits for its workers and the modules they run, so their CPU is in its children's.
    cpu = {"ansible": (children_after.ru_utime - children_before.ru_utime) + (children_after.ru_stime - children_before.ru_stime),
           "sandbox": process_cpu_seconds(sandbox.process.pid) - sandbox_cpu_before}
    calls = collections.Counter(call["operation"] for call in sandbox.calls())
    if result.returncode != 0:
        print(f"  {playbook} with forks {forks} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    return elapsed, calls, result.returncode, cpu


def process_cpu_seconds(pid):
    """User + system CPU seconds a running process has used so far (/proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def merge_peak(parts, workdir):
    """Peak of Python allocations while ssm_compliance_merge's functions merge these part files: (peak, nodes).

    tests/integration/test_ssm_compliance_merge.py asserts its figures with this same function, on parts
    written as the export writes them."""
    # pylint: disable=import-outside-toplevel
    from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_merge import (
        check_enough, expected_pairs, organization_dashboard, scan_parts, write_reports)
    names = [path.stem[len("part-"):] for path in parts]
    expected = expected_pairs(names)[0]
    dest = Path(tempfile.mkdtemp(prefix=f"merge-{len(parts)}-", dir=workdir))
    now = datetime.datetime.now(datetime.timezone.utc)
    meta = {"report_name": "org", "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "expected": len(parts), "missing_percent": 0.0}
    sources = [(str(path), str(path)) for path in parts]
    tracemalloc.start()
    try:
        scanned = scan_parts(sources, expected, now, 24)
        check_enough(scanned, expected, 0, "parts")
        dashboard = organization_dashboard(scanned)
        with open(dest / "org.csv", "w", encoding="utf-8", newline="") as csv_file, \
                open(dest / "org.json", "w", encoding="utf-8") as json_file, open(dest / "org.html", "w", encoding="utf-8") as html_file:
            nodes, _dashboard = write_reports(scanned, {"csv": csv_file, "json": json_file, "html": html_file}, meta,
                                              lambda tracker: dashboard, str(dest))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, nodes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--regions", nargs="+", default=["us-east-1", "eu-west-1"])
    parser.add_argument("--nodes", type=int, default=500, help="nodes in each account-region")
    parser.add_argument("--forks", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--latency-ms", type=int, default=30, help="latency injected on every call")
    parser.add_argument("--seconds-per-node", type=float, nargs="+", default=[0.01, 60.0],
                        help="the simulated agent's time on each node (sandbox clock, with the wall clock here), one model each")
    parser.add_argument("--sandbox-threads", type=int, default=16,
                        help="requests the sandbox serves at once (its --threads): AWS answers many calls at once")
    args = parser.parse_args(argv)
    accounts = [f"{100000000001 + index}" for index in range(args.accounts)]
    pairs = len(accounts) * len(args.regions)
    print(f"{pairs} account-regions ({args.accounts} accounts x {len(args.regions)} regions) of {args.nodes} nodes: "
          f"{pairs * args.nodes} nodes; {args.latency_ms} ms latency on every call")
    load_before = os.getloadavg()
    with start_sandbox(extra_args=("--threads", str(args.sandbox_threads))) as sandbox, tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        sandbox.seed_organization([member_account(f"bench{index}", regions=args.regions, nodes=args.nodes, id=account)
                                   for index, account in enumerate(accounts)])
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        if args.latency_ms:
            sandbox.set_fault("*", "*", latency_ms=args.latency_ms)
        inventory = write_inventory(workdir, accounts, args.regions)
        cores = len(os.sched_getaffinity(0))
        first = args.forks[0]
        exports = {}
        last_parts = None
        for model, seconds_per_node in enumerate(args.seconds_per_node):
            sandbox.set_agent(seconds_per_node=seconds_per_node, reboot_seconds=0.1, delivery_timeout_scale=0.05)
            print(f"simulated agent: {seconds_per_node:g} s a node")
            totals = {}
            cpu_totals = {}
            for forks in args.forks:
                scan_seconds, scan_calls, scan_rc, scan_cpu = run_playbook(sandbox, inventory, "scan.yml", forks, {}, workdir)
                if model == 0:
                    reports = Path(workdir) / f"reports-forks{forks}"
                    exports[forks] = run_playbook(sandbox, inventory, "report.yml", forks, {"fleet_reports_dir": str(reports)}, workdir)
                    last_parts = sorted((reports / "parts").glob("*.jsonl"))
                report_seconds, report_calls, report_rc, report_cpu = exports[forks]
                totals[forks] = scan_seconds + report_seconds
                cpu_totals[forks] = {key: scan_cpu[key] + report_cpu[key] for key in scan_cpu}
                print(f"  forks {forks:>2}: scan {scan_seconds:7.1f} s ({sum(scan_calls.values())} calls, rc {scan_rc}, "
                      f"CPU {scan_cpu['ansible']:.1f} s + sandbox {scan_cpu['sandbox']:.1f} s), "
                      f"export + merge {report_seconds:7.1f} s ({sum(report_calls.values())} calls, rc {report_rc}"
                      f"{'' if model == 0 else ', measured with the first model'}), total {totals[forks]:7.1f} s; "
                      f"CPU: ansible-playbook and its workers {cpu_totals[forks]['ansible']:.1f} s, sandbox {cpu_totals[forks]['sandbox']:.1f} s")
            for forks in args.forks[1:]:
                # However the waits overlap, the CPU the run needs is spread over this machine's cores at best.
                cpu_floor = sum(cpu_totals[forks].values()) / cores
                print(f"  {seconds_per_node:g} s a node: forks {forks} against forks {first}: {totals[first] / totals[forks]:.2f}x faster "
                      f"(target >= 5x with 10); its CPU over {cores} cores is {cpu_floor:.1f} s, so at most "
                      f"{totals[first] / cpu_floor:.2f}x here")
        sandbox.clear_faults()
        load_after = os.getloadavg()
        print("load average (1, 5, 15 min) before: " + ", ".join(f"{value:.2f}" for value in load_before)
              + "; after: " + ", ".join(f"{value:.2f}" for value in load_after))
        if last_parts and len(last_parts) >= 2:
            try:
                # Once unmeasured: the first merge pays for one-time imports and caches, not for its parts.
                merge_peak(last_parts[:2], workdir)
                small, small_nodes = merge_peak(last_parts[:2], workdir)
                large, large_nodes = merge_peak(last_parts, workdir)
            except (ImportError, TypeError) as error:
                print(f"merge peak memory: not measured ({error})")
            else:
                print(f"merge peak of Python allocations: {small / 1024:.0f} KiB for 2 account-regions ({small_nodes} nodes), "
                      f"{large / 1024:.0f} KiB for {len(last_parts)} ({large_nodes} nodes): {large / small:.2f}x (target within 1.2x)")
        else:
            print(f"merge peak memory: not measured ({len(last_parts or [])} part(s) written)")


if __name__ == "__main__":
    main()
