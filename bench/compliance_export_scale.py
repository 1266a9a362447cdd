"""All-node compliance exports of 1,000 and 10,000 nodes: ssm_compliance_export against a naive export.

    python bench/compliance_export_scale.py [--nodes 1000 10000] [--format csv] [--naive-limit-seconds 900]
        [--read-concurrency 4] [--latency-ms 0] [--skip-naive] [--skip-trace] [--skip-module]

The figure of issue 16 (reads in parallel, 30 ms a call as an AWS round trip):

    nice -n 10 python bench/compliance_export_scale.py --nodes 10000 --latency-ms 30 --read-concurrency 1 4 \
        --skip-naive --skip-trace --skip-module

and the same reads against a model of the service instead of the sandbox (no sandbox started):

    python bench/compliance_export_scale.py --model --nodes 10000 --latency-ms 30 --read-concurrency 1 4

For each fleet size it starts a sandbox (stopped by PID), seeds that many hybrid nodes, scans them all
(one Run Command, MaxConcurrency 1000) and then runs, each in a fresh Python process against the sandbox:
- ours: ssm_compliance_export's own `ensure_exported()` (the module's code path, with the clients
  AnsibleAWSModule makes, made before the timing starts as the module makes them before its export),
  writing the report to a temporary directory, once for each --read-concurrency;
- naive: what a per-node script does: list the nodes, then for each node DescribeInstancePatchStates
  with its one id and ListComplianceItems (its non-compliant patches, counted by level), rows kept
  in a list, CSV written at the end.
Before them, every compliance summary is read once (the sandbox works each node's compliance out on
the first read after the scan; AWS has it ready). Each variant runs twice, each time in its own process: once for wall time, calls and peak RSS (the
process's high-water mark, SQLite's page cache and every C allocation included; also shown over the
RSS measured just before the export, i.e. after imports), once under tracemalloc for the peak of
Python allocations (tracemalloc slows Python down, so that run is not timed). Calls come from the
sandbox's call log. A naive run still going after --naive-limit-seconds is stopped, and the line says
how far it got and what that bounds. Prints a table; asserts nothing.
Then it times the real module once through ansible-playbook (process start-up included).

With --latency-ms, every AWS call the exports make takes at least that long in the sandbox, a round trip
with the sandbox's own work counted within it, as the service's is on AWS (its fault rules' latency_ms,
sandbox/wire/faults.py), set after the warm-up; each line of ours then also shows
its wall time against the serial floor, ceil(N/50) DescribeInstanceInformation round trips of that
latency (a page of nodes needs the previous page's NextToken). The sandbox serves --sandbox-threads requests
at a time (default: its own, sandbox/cli.py's --threads, 16) and works each one out on one Python interpreter;
each line says how long its own work took a call (its call log's durations less the time each answer was
held for the latency, `held_ms`). --model reads
through fleet_rows() (the rows of the export, no report written) from the unit tests' FakeFleet
(tests/unit/plugins/module_utils/_compliance/test_compliance_fleet.py), each call answered after
--latency-ms and any number at once: the code's own overhead over the floor, without the sandbox's.
--links also prints where each link of the chain of DescribeInstanceInformation pages goes (medians and
means over the links): botocore's events on the export's SSM client time the client's steps, the
sandbox's call log (matched by NextToken) its arrival and answer.
"""

import argparse
import collections
import csv
import datetime
import json
import os
import resource
import subprocess
import sys
import statistics
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = REPO_ROOT / ".build" / "collections"
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(COLLECTIONS))

from sandbox.testing.process import Sandbox, start_sandbox  # noqa: E402

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
    """What ensure_exported() needs of AnsibleAWSModule besides its clients (export_clients): params,
    check_mode, region, tmpdir and AnsibleModule's file operations (atomic_move,
    set_fs_attributes_if_different), from a real one."""

    def __init__(self, params, tmpdir):
        from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel
        from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel

        self.params = params
        self.check_mode = False
        self.region = "us-east-1"
        self.tmpdir = tmpdir
        with patch_module_args({}):
            self._files = AnsibleModule(argument_spec={}, add_file_common_args=True)

    def __getattr__(self, name):
        return getattr(self._files, name)


def export_clients(sandbox, region="us-east-1"):
    """The SSM and EC2 clients AnsibleAWSModule.client() makes (amazon.aws's boto3_conn), made before the
    export is timed, as the module makes them before its export. Not Sandbox.client(): that one checks every
    answer against botocore's output shape, tests' instrumentation that cost the export's process about as
    much CPU as botocore's own parsing."""
    from ansible_collections.amazon.aws.plugins.module_utils.botocore import boto3_conn  # pylint: disable=import-outside-toplevel
    from sandbox.testing.process import CREDENTIALS  # pylint: disable=import-outside-toplevel

    return {service: boto3_conn(None, conn_type="client", resource=service, region=region, endpoint=sandbox.endpoint, **CREDENTIALS)
            for service in ("ssm", "ec2")}


def scan_all(sandbox):
    """One association scanning every node: State Manager takes InstanceIds=* (the API reference's
    Target page), Run Command does not (the sandbox refuses it on SendCommand as AWS documents)."""
    ssm = sandbox.client("ssm")
    association_id = ssm.create_association(
        Name="AWS-RunPatchBaseline", Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
        Parameters={"Operation": ["Scan"]}, MaxConcurrency="1000", MaxErrors="1000")["AssociationDescription"]["AssociationId"]
    while True:
        executions = ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
        if executions and executions[0]["Status"] not in ("Pending", "InProgress"):
            break
        time.sleep(0.5)
    ssm.delete_association(AssociationId=association_id)


def warm_up(sandbox):
    """Read every compliance summary once: the sandbox works out a node's compliance items lazily, on the
    first read after a scan, so that whichever export ran first would pay for all of it. Returns seconds."""
    started = time.perf_counter()
    pages = sandbox.client("ssm").get_paginator("list_resource_compliance_summaries").paginate(
        Filters=[{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}], PaginationConfig={"PageSize": 50})
    for _page in pages:
        pass
    return time.perf_counter() - started


class LinkTimes:
    """When each DescribeInstanceInformation call of one client reaches each step, by botocore's events
    (a call runs on one thread from its start to its after-call)."""

    OPERATION = "DescribeInstanceInformation"
    STEPS = (("provide-client-params", "start"), ("before-send", "send"), ("before-parse", "received"),
             ("response-received", "parsed"))

    def __init__(self, client):
        self.calls = []
        self._current = threading.local()
        events = client.meta.events
        events.register(f"provide-client-params.ssm.{self.OPERATION}", self._start)
        for event, step in self.STEPS[1:]:
            events.register(f"{event}.ssm.{self.OPERATION}", self._marker(step))
        events.register(f"after-call.ssm.{self.OPERATION}", self._after_call)

    def _start(self, params, **_event):
        self._current.call = {"token": params.get("NextToken"), "start": time.time()}
        self.calls.append(self._current.call)

    def _marker(self, step):
        def mark(**_event):
            self._current.call[step] = time.time()
        return mark

    def _after_call(self, parsed, **_event):
        self._current.call.update(done=time.time(), next=parsed.get("NextToken"))


LINK_PARTS = (
    ("client: botocore serializes and signs", "start", "send"),
    ("localhost and waitress until the sandbox has it", "send", "arrival"),
    ("the sandbox: injected latency and its own work", "arrival", "answer"),
    ("waitress and localhost until the client has read it", "answer", "received"),
    ("client: botocore parses the page", "received", "parsed"),
    ("client: parsed to after-call", "parsed", "done"),
    ("module turn: after-call to the next page's start", "done", "next_start"),
    ("whole link", "start", "next_start"),
)


def link_lines(timed, log):
    """Medians and means of each part of a link, from the client's LinkTimes and the sandbox's call log,
    and what the export did before the chain's first call and after its last."""
    calls = timed["calls"]
    served = {entry["parameters"].get("NextToken"): entry for entry in log if entry["operation"] == LinkTimes.OPERATION}
    links = []
    for number, call in enumerate(calls):
        entry = served.get(call["token"])
        if entry is None or "received" not in call:
            continue
        link = dict(call, arrival=entry["time"] - entry["duration_ms"] / 1000, answer=entry["time"])
        following = calls[number + 1] if number + 1 < len(calls) else None
        if following is not None and following["token"] == call.get("next"):
            link["next_start"] = following["start"]
        links.append(link)
    lines = [f"links of the DescribeInstanceInformation chain timed: {len(links)} of {len(calls)} calls"]
    for label, first, second in LINK_PARTS:
        values = [(link[second] - link[first]) * 1000 for link in links if second in link]
        if values:
            lines.append(f"  {label:<54} median {statistics.median(values):7.2f} ms  mean {statistics.mean(values):7.2f} ms")
    if calls:
        lines.append(f"  the export before the chain's first call {(calls[0]['start'] - timed['began']) * 1000:.0f} ms, "
                     f"after its last {(timed['ended'] - max(call.get('done', call['start']) for call in calls)) * 1000:.0f} ms")
    return lines


def ours(sandbox, workdir, fmt, progress, read_concurrency=4, links=None, *, clients):
    from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_compliance_export  # pylint: disable=import-outside-toplevel

    params = {"report_name": "bench", "instance_id": None, "instance_ids": None, "patch_groups": None, "tags": None,
              "format": fmt, "s3_bucket": None, "s3_prefix": None, "server_side_encryption": "AES256", "kms_key_id": None,
              "expected_bucket_owner": None, "dest": str(workdir), "sns_topic_arn": None, "reporting_days": 7,
              "csv_escape_formulas": True, "mode": None, "owner": None, "group": None, "unsafe_writes": False,
              "read_concurrency": read_concurrency}
    module = BenchModule(params, str(workdir))
    if links is not None:
        links.append(LinkTimes(clients["ssm"]))
    _changed, result = ssm_compliance_export.ensure_exported(clients, params, False, module.region,
                                                             ssm_compliance_export.ReportFiles(module._files), module.tmpdir)
    return result["report"]["nodes"]


def naive(sandbox, workdir, fmt, progress, read_concurrency=1, links=None, *, clients=None):  # pylint: disable=unused-argument
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
        progress(len(rows))
    with open(Path(workdir) / f"naive.{fmt}", "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        for index, (node, state, summary) in enumerate(rows, start=1):
            counts = summary.get("NonCompliantSummary", {}).get("SeveritySummary", {})
            writer.writerow([index, node["InstanceId"], node.get("Name"), node.get("IPAddress"), node.get("PlatformName"),
                             node.get("PlatformVersion"), node.get("AgentVersion"), state.get("BaselineId"), state.get("PatchGroup"),
                             summary.get("Status"), summary.get("OverallSeverity")] + [counts.get(key) for key in sorted(counts)])
    return len(rows)


VARIANTS = {"ours": ours, "naive": naive}


def child(args):
    """One measured run in this (fresh) process; prints one JSON line."""
    sandbox = Sandbox(args.port, None)
    function = VARIANTS[args.child]
    progress_file = Path(args.progress) if args.progress else None

    def progress(done):
        if progress_file is not None and done % 100 == 0:
            progress_file.write_text(str(done), encoding="utf-8")

    # Everything a run loads is loaded first (the module, botocore's SSM and EC2 models), so that the
    # RSS before the export is the baseline; then the parent clears the call log and says go.
    from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_compliance_export  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    for service in ("ssm", "ec2"):
        sandbox.client(service)
    clients = export_clients(sandbox) if args.child == "ours" else None
    print("ready", flush=True)
    sys.stdin.readline()
    with tempfile.TemporaryDirectory() as workdir:
        result = {}
        if args.trace:
            tracemalloc.start()
            result["nodes"] = function(sandbox, workdir, args.format, progress, args.read_concurrency[0], clients=clients)
            result["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        else:
            links = [] if args.links else None
            result["rss_before_mib"] = rss_now_mib()
            started, began = time.perf_counter(), time.time()
            result["nodes"] = function(sandbox, workdir, args.format, progress, args.read_concurrency[0], links=links, clients=clients)
            result["seconds"] = time.perf_counter() - started
            result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            if links:
                result["links"] = {"calls": links[0].calls, "began": began, "ended": time.time()}
    print(json.dumps(result), flush=True)


def rss_now_mib():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(sandbox, name, fmt, trace, limit, read_concurrency=4, links=False):
    """Run one variant in a child process; (result dict or None if stopped, seconds, nodes done when stopped).

    The call log is cleared once the child has loaded everything, just before it starts the export."""
    with tempfile.TemporaryDirectory() as scratch:
        progress = Path(scratch) / "progress"
        command = [sys.executable, __file__, "--child", name, "--port", str(sandbox.port), "--format", fmt,
                   "--progress", str(progress), "--read-concurrency", str(read_concurrency)] + (["--trace"] if trace else []) \
            + (["--links"] if links else [])
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
        if process.stdout.readline().strip() != "ready":
            process.kill()
            process.communicate()
            raise RuntimeError(f"{name} did not start")
        sandbox.clear_calls()
        started = time.perf_counter()
        process.stdin.write("go\n")
        process.stdin.flush()
        try:
            output, _ = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            process.kill()  # our own child, by its handle
            process.communicate()
            done = int(progress.read_text(encoding="utf-8")) if progress.exists() else 0
            return None, time.perf_counter() - started, done
        if process.returncode != 0:
            raise RuntimeError(f"{name} exited {process.returncode}")
        return json.loads(output.strip().splitlines()[-1]), time.perf_counter() - started, None


def measure(sandbox, name, fmt, limit, read_concurrency=4, trace=True, links=False):
    timed, seconds, done = run_child(sandbox, name, fmt, trace=False, limit=limit, read_concurrency=read_concurrency, links=links)
    log = sandbox.calls()
    link_report = link_lines(timed.pop("links"), log) if timed is not None and "links" in timed else None
    calls = collections.Counter(call["operation"] for call in log)
    server_seconds = collections.Counter()
    for call in log:
        # The sandbox's own work: a call's duration less the time its answer was held for latency.
        server_seconds[call["operation"]] += (call["duration_ms"] - call["held_ms"]) / 1000
    if timed is None:
        return {"stopped": True, "seconds": seconds, "done": done, "calls": calls, "server_seconds": server_seconds}
    traced = None
    if trace:
        traced, _seconds, _done = run_child(sandbox, name, fmt, trace=True, limit=limit * 3 if limit else None,
                                            read_concurrency=read_concurrency)
    return {"stopped": False, **timed, "peak_mib": traced["peak_mib"] if traced else None, "calls": calls,
            "server_seconds": server_seconds, "link_lines": link_report}


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


def line(count, name, budget, result):
    calls = result["calls"]
    by_operation = ", ".join(f"{operation} {number} ({result['server_seconds'][operation]:.1f} s in the sandbox)"
                             for operation, number in sorted(calls.items()))
    if result["stopped"]:
        # Each node costs the naive export at least two calls; what it did in the time bounds the rest.
        rate = result["done"] / result["seconds"] if result["seconds"] else 0
        estimate = f"~{count / rate:.0f} s at that rate" if rate else "unknown"
        return (f"{count:>6} {name:>6} {'>' + format(result['seconds'], '.0f'):>8} {'>' + str(sum(calls.values())):>7} {budget:>7} "
                f"{'-':>9} {'-':>9} {'-':>9}  STOPPED after {result['seconds']:.0f} s with {result['done']} of {count} nodes read "
                f"(a full run: at least {2 * count + -(-count // 50)} calls, {estimate}); {by_operation}")
    peak = f"{result['peak_mib']:.2f}" if result.get("peak_mib") is not None else "-"
    return (f"{count:>6} {name:>6} {result['seconds']:>8.2f} {sum(calls.values()):>7} {budget:>7} {peak:>9} "
            f"{result['peak_rss_mib']:>9.1f} {result['peak_rss_mib'] - result['rss_before_mib']:>9.1f}  {by_operation}")


def model(args):
    """fleet_rows() over a FakeFleet whose every call waits --latency-ms: wall time against the floor."""
    sys.path.insert(0, str(REPO_ROOT / "tests" / "unit" / "plugins" / "module_utils" / "_compliance"))
    import test_compliance_fleet as fake  # pylint: disable=import-outside-toplevel,import-error

    latency = args.latency_ms / 1000

    class SlowFleet(fake.FakeFleet):
        """Each fleet read answered after the latency; calls from several threads wait at the same time."""

    for method in ("describe_tags", "list_resource_compliance_summaries", "describe_instance_information",
                   "describe_instance_patch_states"):
        def slow(self, *positional, _read=getattr(fake.FakeFleet, method), **kwargs):
            time.sleep(latency)
            return _read(self, *positional, **kwargs)
        setattr(SlowFleet, method, slow)
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}Z  model: FakeFleet, {args.latency_ms:g} ms a call, "
          f"any number at once  cpus={os.cpu_count()}  load={os.getloadavg()[0]:.1f}")
    for count in args.nodes:
        floor = -(-count // 50) * latency
        for concurrency in args.read_concurrency:
            fleet = SlowFleet(count)
            started = time.perf_counter()
            with fake.fleet_rows(fleet, fleet, fake.NOW, 7, read_concurrency=concurrency) as rows:
                nodes = sum(1 for _row in rows)
            seconds = time.perf_counter() - started
            calls = sum(fleet.calls.values())
            print(f"{count:>6} read_concurrency {concurrency:>2}: {nodes} rows, wall {seconds:.2f} s = {seconds / floor:.2f} x the "
                  f"serial floor ({floor:.2f} s); calls {calls} (budget {3 * -(-count // 50) + -(-count // 1000) + 10}): "
                  + ", ".join(f"{operation} {number}" for operation, number in sorted(fleet.calls.items())), flush=True)


def floor_line(count, result, latency_ms, budget):
    """Wall time against the serial floor (the chain of DescribeInstanceInformation pages), calls against the budget."""
    floor = -(-count // 50) * latency_ms / 1000
    calls = sum(result["calls"].values())
    # What the sandbox spent on the calls (its call log's durations less the time held for latency, which
    # the work is counted within): one interpreter works them out, so above one call at a time this
    # includes calls waiting for each other.
    own = sum(result["server_seconds"].values())
    per_call = ", ".join(f"{operation} {result['server_seconds'][operation] / number * 1000:.1f} ms"
                         for operation, number in sorted(result["calls"].items()))
    return (f"{count:>6}   wall {result['seconds']:.2f} s = {result['seconds'] / floor:.2f} x the serial floor "
            f"({-(-count // 50)} x {latency_ms:g} ms = {floor:.2f} s; target <= 1.3 x); calls {calls} of a budget of {budget}; "
            f"the sandbox's own time on them {own:.1f} s, a call: {per_call}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--format", choices=["csv", "json", "html"], default="csv")
    parser.add_argument("--skip-naive", action="store_true", help="only ours")
    parser.add_argument("--naive-limit-seconds", type=float, default=900, help="stop a naive run still going after this long")
    parser.add_argument("--read-concurrency", type=int, nargs="+", default=[4], help="ours once for each (1: one call at a time)")
    parser.add_argument("--sandbox-threads", type=int,
                        help="requests the sandbox serves at once (its --threads; default: the sandbox's own)")
    parser.add_argument("--latency-ms", type=float, default=0, help="latency the sandbox adds to every AWS call of the exports")
    parser.add_argument("--skip-trace", action="store_true", help="no tracemalloc run (peak py not measured)")
    parser.add_argument("--skip-module", action="store_true", help="no run of the module through ansible-playbook")
    parser.add_argument("--model", action="store_true", help="fleet_rows() against an in-process model of the service, no sandbox")
    parser.add_argument("--links", action="store_true",
                        help="ours: also where each link of the DescribeInstanceInformation chain goes")
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--progress", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.model:
        model(args)
        return
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}Z  format={args.format}  cpus={os.cpu_count()}"
          f"  latency={args.latency_ms:g} ms a call  load={os.getloadavg()[0]:.1f}")
    print("peak py: tracemalloc peak of Python allocations; peak RSS: the process's high-water mark; over base: peak RSS"
          " minus the RSS after imports, just before the export")
    print(f"{'nodes':>6} {'export':>6} {'wall s':>8} {'calls':>7} {'budget':>7} {'peak py':>9} {'peak RSS':>9} {'over base':>9}"
          "  calls by operation (MiB)")
    for count in args.nodes:
        with start_sandbox(extra_args=("--threads", str(args.sandbox_threads)) if args.sandbox_threads else ()) as sandbox:
            sandbox.seed_nodes(count, "AMAZON_LINUX_2", kind="hybrid")
            sandbox.set_agent(seconds_per_node=0.2)
            scan_all(sandbox)
            print(f"{count:>6} warm-up: every compliance summary read once in {warm_up(sandbox):.1f} s "
                  "(the sandbox evaluates each node's compliance on its first read)", flush=True)
            budget = 3 * -(-count // 50) + -(-count // 1000) + 10
            if args.latency_ms:
                sandbox.set_faults([{"service": "*", "operation": "*", "latency_ms": args.latency_ms}])
            runs = [("ours", concurrency) for concurrency in args.read_concurrency] + ([] if args.skip_naive else [("naive", 1)])
            for name, concurrency in runs:
                limit = args.naive_limit_seconds if name == "naive" else None
                result = measure(sandbox, name, args.format, limit, concurrency, trace=not args.skip_trace,
                                 links=args.links and name == "ours")
                label = f"{name}/{concurrency}" if name == "ours" else name
                print(line(count, label, budget, result), flush=True)
                if name == "ours" and args.latency_ms and not result["stopped"]:
                    print(floor_line(count, result, args.latency_ms, budget), flush=True)
                if result.get("link_lines"):
                    print("\n".join(result["link_lines"]), flush=True)
            if not args.skip_module:
                seconds, code = module_seconds(sandbox, args.format)
                print(f"{count:>6} module {seconds:>8.2f}  (ansible-playbook, process start-up included; exit {code})", flush=True)


if __name__ == "__main__":
    main()
