"""The fleet playbooks (playbooks/fleet/) over 3 accounts x 2 regions of the sandbox's organization.

The inventory is the patch_fleet plugin's, from a list of the seeded accounts (no call to build it). The
runner signs with RUNNER_ACCESS_KEY (tests/iam_policy keeps its calls apart: docs/iam-policy-runner.json),
which the sandbox serves as the management account's root: every member role trusts it. Each host then
works with its assumed role's credentials, which the sandbox serves in the role's account.
"""

import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

# The suite's in-process runner (tests/integration/in_process.py): a module exactly as Ansible runs it, in this process.
from tests.integration.in_process import run_in_process

from sandbox.testing.process import member_account

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
PLAYBOOKS = REPO_ROOT / "playbooks" / "fleet"
# tests/iam_policy/test_iam_policy.py reads the calls signed with this key as the fleet runner's.
RUNNER_ACCESS_KEY = "patch-fleet-runner"
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("us-east-1", "eu-west-1")
NODES = 2
HOSTS = [f"{account}-{region}" for account in ACCOUNTS for region in REGIONS]
# Check mode runs the same tasks on every host: one account's two regions prove it changes nothing (the
# runs over all six hosts are the real ones below).
CHECK_HOSTS = [f"222222222222-{region}" for region in REGIONS]
CHECK_HOSTS_PATTERN = ":".join(CHECK_HOSTS)


@pytest.fixture
def fleet(clean_sandbox):
    """Three member accounts, each with NODES Amazon Linux 2 nodes in each of REGIONS; quick simulated runs."""
    clean_sandbox.seed_organization([member_account(f"acct{index}", regions=REGIONS, nodes=NODES, id=account)
                                     for index, account in enumerate(ACCOUNTS)])
    clean_sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    clean_sandbox.clear_calls()
    yield clean_sandbox
    clean_sandbox.reset_agent()


def write_inventory(tmp_path, accounts=ACCOUNTS, role_name="OrganizationAccountAccessRole"):
    inventory = tmp_path / "fleet.yml"
    listed = "".join(f"  - '{account}'\n" for account in accounts)
    inventory.write_text(f"plugin: cloudpatch.ssm.patch_fleet\naccounts:\n{listed}regions: [{', '.join(REGIONS)}]\n"
                         f"role_name: {role_name}\n", encoding="utf-8")
    return inventory


RUN_PLAYBOOK = """
- name: Run the fleet playbook {playbook}
  ansible.builtin.import_playbook: {playbook}
"""
KEEP_CONNECTIONS = """
# The test's own step: each host's connection as the fleet playbook left it, so that the test can
# look for its keys in the output and use them. One file for every host of the play (hosts that
# failed are out of it): a copy per host would cost two module runs each.
- name: Keep each host's connection for the test
  hosts: all
  gather_facts: false
  tasks:
    - name: Write the connections
      ansible.builtin.copy:
        content: >-
          {{{{ '{{' }}}}{{% for host in ansible_play_hosts if (hostvars[host].cloudpatch_ssm_aws | default({{}})).session_token is defined %}}
          {{{{ host | to_json }}}}: {{{{ hostvars[host].cloudpatch_ssm_aws | to_json }}}}{{{{ '' if loop.last else ',' }}}}{{% endfor %}}{{{{ '}}' }}}}
        dest: "{kept}"
        mode: "0600"
      check_mode: false
      no_log: true
      run_once: true
"""


def run_playbooks(sandbox, tmp_path, inventory, playbooks, extra_vars=None, check=False, expect_failure=False, forks=6):
    """One ansible-playbook -v run of fleet playbooks in turn, each followed by a play that keeps each host's
    connection; (output, [connections after each playbook], [when each was kept: the real time after every call
    that playbook made and before any the next one made])."""
    # Each run its own directory: a test that runs several playbooks sees only this run's connections.
    keep_dir = Path(tempfile.mkdtemp(prefix="connections-", dir=tmp_path))
    kept = [keep_dir / f"connections-{index}.json" for index in range(len(playbooks))]
    wrapper = keep_dir / "run.yml"
    wrapper.write_text("---" + "".join(RUN_PLAYBOOK.format(playbook=PLAYBOOKS / playbook) + KEEP_CONNECTIONS.format(kept=path)
                                       for playbook, path in zip(playbooks, kept)), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-v", "-i", str(inventory), str(wrapper),
               "--forks", str(forks), "-e", json.dumps({"ansible_python_interpreter": sys.executable, **(extra_vars or {})})]
    if check:
        command.append("--check")
    environment = {
        **os.environ,
        **sandbox.environment(),
        "AWS_ACCESS_KEY_ID": RUNNER_ACCESS_KEY,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
        "ANSIBLE_INVENTORY_ENABLED": "cloudpatch.ssm.patch_fleet",
        "ANSIBLE_NOCOLOR": "1",
    }
    result = subprocess.run(command, env=environment, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=900)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    if (result.returncode != 0) != expect_failure:
        pytest.fail(f"ansible-playbook exited {result.returncode}\n{output}")
    runs = [json.loads(path.read_text(encoding="utf-8")) if path.exists() else {} for path in kept]
    for connections in runs:
        for connection in connections.values():
            for key in ("secret_key", "session_token"):
                assert len(connection[key]) >= 16
                assert connection[key] not in output, f"the {key} of a host was printed"
    return output, runs, [path.stat().st_mtime if path.exists() else None for path in kept]


def run_playbook(sandbox, tmp_path, inventory, playbook, extra_vars=None, check=False, expect_failure=False, forks=6):
    """ansible-playbook -v on a fleet playbook, then a play that keeps each host's connection; (output, connections)."""
    output, runs, _kept_at = run_playbooks(sandbox, tmp_path, inventory, [playbook], extra_vars, check, expect_failure, forks)
    return output, runs[0]


def recap(output):
    """PLAY RECAP: account-region host -> {ok, changed, failed, ...} (the last recap of the run; not the
    controller's localhost, where playbooks/fleet/hosts_check.yml runs when the inventory has no host)."""
    hosts = {}
    for line in output.split("PLAY RECAP")[-1].splitlines():
        match = re.fullmatch(r"(\S+)\s+:\s+(.*?)\s*", line)
        if match and match.group(1) != "localhost":
            hosts[match.group(1)] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(2))}
    return hosts


def test_install_rings_stop_when_a_ring_fails_more_than_max_fail_percentage(fleet, tmp_path):
    """Hosts in inventory order: 111111111111's two regions, then 222222222222's, then 333333333333's."""
    fleet.put_role("111111111111", "OrganizationAccountAccessRole", trusted_principal="111122223333")
    inventory = write_inventory(tmp_path)

    def install(batch, percentage):
        fleet.clear_calls()
        output, connections = run_playbook(fleet, tmp_path, inventory, "install.yml",
                                           {"fleet_batch": batch, "fleet_max_fail_percentage": percentage}, expect_failure=True)
        sent = fleet.calls(service="ssm", operation="SendCommand")
        assert all(call["parameters"]["Parameters"]["Operation"] == ["Install"] for call in sent)
        return output, sorted(call["account_id"] for call in sent)

    # Rings of 3: the first loses 2 of 3 hosts (67 %). Over 50 %: the ring's third host is stopped too, and no ring follows.
    output, sent = install(3, 50)
    assert sent == []
    assert sorted(recap(output)) == ["111111111111-eu-west-1", "111111111111-us-east-1", "222222222222-us-east-1"]
    assert "NO MORE HOSTS LEFT" in output
    # Within 70 %: the first ring's third host installs, and so does the next ring.
    output, sent = install(3, 70)
    assert sent == ["222222222222"] * 2 + ["333333333333"] * 2
    assert sorted(host for host, count in recap(output).items() if count["failed"]) == ["111111111111-eu-west-1", "111111111111-us-east-1"]
    # A ring whose every host failed ends the play whatever the percentage (ansible-core's playbook executor).
    output, sent = install(2, 100)
    assert sent == []
    assert sorted(recap(output)) == ["111111111111-eu-west-1", "111111111111-us-east-1"]


# One ansible-playbook run, three playbooks in check mode in turn (on an account nothing changes, so each
# sees the fresh world): the calls of each are those before the connections it left were kept.
def test_scan_install_and_report_in_check_mode_assume_the_roles_and_change_nothing(fleet, tmp_path):
    reports = tmp_path / "reports"
    # The report's variables as an AWX Check job of the S3-only report gives them (fleet_reports_dir null); scan and install read none.
    extra_vars = {"fleet_reports_dir": None, "fleet_report_s3_bucket": "org-reports", "fleet_parts_dir": str(reports / "parts"),
                  "fleet_hosts": CHECK_HOSTS_PATTERN}
    playbooks = ["scan.yml", "install.yml", "report.yml"]
    output, runs, kept_at = run_playbooks(fleet, tmp_path, write_inventory(tmp_path), playbooks, extra_vars, check=True)
    calls = fleet.calls()
    assert None not in kept_at and calls and calls[-1]["time"] < kept_at[-1]
    for playbook, connections, start, end in zip(playbooks, runs, [0.0] + kept_at, kept_at):
        made = [call for call in calls if start < call["time"] < end]
        assert sorted(connections) == sorted(CHECK_HOSTS), playbook
        assert [(call["service"], call["operation"]) for call in made if call["mutating"]] == [("sts", "AssumeRole")] * len(CHECK_HOSTS), playbook
        if playbook != "report.yml":
            # Each host still read its own account-region's nodes to predict its run.
            listed = [call for call in made if call["operation"] == "DescribeInstanceInformation"]
            assert sorted((call["account_id"], call["region"]) for call in listed) == sorted(tuple(host.split("-", 1)) for host in CHECK_HOSTS), playbook
    # The report: no local copy, nothing put, and it says why the merge is skipped.
    assert not reports.exists()
    assert ("Check mode: no part was written, so the merge of 2 account-region(s) into s3://org-reports/fleet-reports/organization.* is not run"
            in " ".join(output.split()))


def test_a_host_pattern_that_matches_no_host_fails_before_any_call(fleet, tmp_path):
    fleet.clear_calls()
    output, connections = run_playbook(fleet, tmp_path, write_inventory(tmp_path), "scan.yml", {"fleet_hosts": "account_999999999999"},
                                       expect_failure=True)
    assert connections == {} and fleet.calls() == []
    assert ("fleet_hosts account_999999999999 matches no host of the inventory: nothing would run." in " ".join(output.split())), output


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def part_rows(parts_dir):
    """(account, region) -> the node rows of that account-region's part, as the export wrote them."""
    rows = {}
    for path in sorted(parts_dir.glob("*.jsonl")):
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        header = lines[0]["header"] if "header" in lines[0] else lines[0]
        rows[(header["account_id"], header["region"])] = [line["node"] for line in lines if "node" in line]
    return rows


# One world, four runs in turn (each a run the fleet's users make): a scan as a job template gives it, the
# report of that scan, then with one account's role no longer trusting the runner, the report (missing data)
# and a scan (that account fails alone). Each run's results and calls are checked before the next starts.
def test_scan_and_report_then_an_account_whose_role_cannot_be_assumed_fails_alone_and_is_missing(fleet, tmp_path):
    inventory = write_inventory(tmp_path)

    # 1. The scan. The runner's connection given whole (as a job template would): its keys sign AssumeRole only,
    # its endpoint stays, its region gives way to each host's. AWX names the user who launched the job.
    runner = {"endpoint_url": fleet.endpoint, "access_key": RUNNER_ACCESS_KEY, "secret_key": "testing", "region": "ap-south-1"}
    output, connections = run_playbook(fleet, tmp_path, inventory, "scan.yml", {"fleet_aws": runner, "awx_user_name": "Jane Doe (ops)"})
    assert sorted(connections) == sorted(HOSTS)
    assert all(counts["failed"] == 0 for counts in recap(output).values())
    for host, connection in connections.items():
        account, region = host.split("-", 1)
        assert sorted(connection) == ["access_key", "endpoint_url", "region", "secret_key", "session_token"]
        assert (connection["region"], connection["endpoint_url"]) == (region, fleet.endpoint)
        assert connection["access_key"] != RUNNER_ACCESS_KEY
        identity = fleet.client("sts", credentials={"AccessKeyId": connection["access_key"], "SecretAccessKey": connection["secret_key"],
                                                    "SessionToken": connection["session_token"]}).get_caller_identity()
        assert identity["Account"] == account
        assert identity["Arn"] == f"arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/cloudpatch-Jane-Doe--ops--{host}"
    # Once per host, in its region, signed by the runner (served in the management account), named after who ran it and the host.
    assumed = fleet.calls(service="sts", operation="AssumeRole")
    assert sorted((call["parameters"]["RoleArn"], call["region"]) for call in assumed) == sorted(
        (f"arn:aws:iam::{host[:12]}:role/OrganizationAccountAccessRole", host[13:]) for host in HOSTS)
    assert {call["account_id"] for call in assumed} == {"123456789012"}
    assert all(call["status"] == 200 and call["parameters"]["DurationSeconds"] == "3600" for call in assumed)
    assert sorted(call["parameters"]["RoleSessionName"] for call in assumed) == sorted(f"cloudpatch-Jane-Doe--ops--{host}" for host in HOSTS)
    # Each account-region scanned its own nodes with its own credentials: one command each, in that account and region.
    sent = fleet.calls(service="ssm", operation="SendCommand")
    assert sorted((call["account_id"], call["region"]) for call in sent) == sorted(tuple(host.split("-", 1)) for host in HOSTS)
    for host in HOSTS:
        account, region = host.split("-", 1)
        nodes = [node["instance_id"] for node in fleet.nodes(region=region, account_id=account)]
        call = next(call for call in sent if (call["account_id"], call["region"]) == (account, region))
        assert call["parameters"]["Targets"] == [{"Key": "InstanceIds", "Values": call["parameters"]["Targets"][0]["Values"]}]
        assert sorted(call["parameters"]["Targets"][0]["Values"]) == sorted(nodes) and len(nodes) == NODES

    # 2. The report of that scan: one report of every account-region.
    reports = tmp_path / "reports"
    # The runner's connection (its account, 123456789012) puts the reports in its bucket too.
    s3 = fleet.client("s3", account_id="123456789012")
    s3.create_bucket(Bucket="org-reports")
    output, connections = run_playbook(fleet, tmp_path, inventory, "report.yml", {"fleet_reports_dir": str(reports), "fleet_report_s3_bucket": "org-reports"})
    assert sorted(connections) == sorted(HOSTS)
    assert s3.get_object(Bucket="org-reports", Key="fleet-reports/organization.csv")["Body"].read() == (reports / "organization.csv").read_bytes()
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="org-reports", Prefix="fleet-reports/history/summaries/organization/")["Contents"]]
    assert len(keys) == 1 and keys[0].endswith("Z.json")
    assert "in s3://org-reports/fleet-reports/organization.csv, s3://org-reports/fleet-reports/organization.json" in " ".join(output.split())
    parts = part_rows(reports / "parts")
    assert sorted(parts) == sorted(tuple(host.split("-", 1)) for host in HOSTS)
    rows = read_csv(reports / "organization.csv")
    assert rows[0][:4] == ["Index", "Account ID", "Region", "Instance ID"]
    by_pair = {}
    for cells in rows[1:]:
        by_pair.setdefault((cells[1], cells[2]), []).append(cells)
    for (account, region), nodes in parts.items():
        sandbox_nodes = sorted(node["instance_id"] for node in fleet.nodes(region=region, account_id=account))
        assert sorted(node["instance_id"] for node in nodes) == sandbox_nodes
        assert [cells[3] for cells in by_pair[(account, region)]] == [node["instance_id"] for node in nodes]
        # Every node was scanned: each has patch data in its own account-region's part.
        assert all(node["last_operation"] == "Scan" and node["status"] in ("COMPLIANT", "NON_COMPLIANT") for node in nodes)
    assert len(rows) == 1 + len(HOSTS) * NODES
    document = json.loads((reports / "organization.json").read_text(encoding="utf-8"))
    assert document["missing"] == []
    assert sum(document["dashboard"]["compliance_summary"].values()) == len(HOSTS) * NODES
    assert "Every expected account-region is in the report" in (reports / "organization.html").read_text(encoding="utf-8")
    assert "12 node(s) of 6 of 6 account-region(s)" in output and "missing: none" in output

    # 3. 333333333333's role no longer trusts the runner: that account is missing from the report.
    fleet.put_role("333333333333", "OrganizationAccountAccessRole", trusted_principal="111122223333")
    reports = tmp_path / "reports-with-missing"
    # The part the report above wrote for 333333333333-us-east-1, minutes old (well within fleet_max_part_age_hours),
    # left where this run's would go: it must not pass for this run's.
    (reports / "parts").mkdir(parents=True)
    earlier_part = reports / "parts" / "part-333333333333-us-east-1.jsonl"
    shutil.copy(tmp_path / "reports" / "parts" / earlier_part.name, earlier_part)
    earlier_generated_at = json.loads(earlier_part.read_text(encoding="utf-8").splitlines()[0])["generated_at"]

    # Up to half may be missing: the report is written, the two account-regions listed as missing data; the
    # earlier run's part is stale (generated before this run began: the merge's not_before, from report.yml).
    run_started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    output, _connections = run_playbook(fleet, tmp_path, inventory, "report.yml",
                                        {"fleet_reports_dir": str(reports), "fleet_max_missing_percent": 50}, expect_failure=True)
    assert sorted(host for host, count in recap(output).items() if count["failed"]) == ["333333333333-eu-west-1", "333333333333-us-east-1"]
    assert sorted(path.name for path in (reports / "parts").iterdir()) == sorted(
        f"part-{host}.jsonl" for host in HOSTS if not host.startswith("333333333333-eu-west-1"))
    document = json.loads((reports / "organization.json").read_text(encoding="utf-8"))
    assert sorted((entry["account_id"], entry["region"], entry["reason"]) for entry in document["missing"]) == [
        ("333333333333", "eu-west-1", "no part"), ("333333333333", "us-east-1", "stale")]
    stale = next(entry for entry in document["missing"] if entry["reason"] == "stale")
    assert stale["detail"].startswith(f"its part was generated at {earlier_generated_at}, before not_before "), stale
    assert stale["detail"].endswith("(an earlier run's)") and stale["detail"].split("not_before ")[1][:20] >= run_started, stale
    rows = read_csv(reports / "organization.csv")
    assert sorted({(cells[1], cells[2]) for cells in rows[1:]}) == sorted(
        tuple(host.split("-", 1)) for host in HOSTS if not host.startswith("333333333333"))
    page = (reports / "organization.html").read_text(encoding="utf-8")
    assert "333333333333" in page and "no part" in page and "stale" in page
    assert "8 node(s) of 4 of 6 account-region(s)" in output
    assert "missing: 333333333333-eu-west-1, 333333333333-us-east-1" in output or "missing: 333333333333-us-east-1, 333333333333-eu-west-1" in output

    # By default (report.yml's fleet_max_missing_percent 0) the merge of these parts fails on 2 missing of 6 and
    # writes nothing: the playbook's merge task, its module run in-process with the arguments the play gives it
    # (a second ansible-playbook run would export the same four parts again to get here).
    play_vars = yaml.safe_load((PLAYBOOKS / "report.yml").read_text(encoding="utf-8"))[1]["vars"]
    assert play_vars["fleet_max_missing_percent"] == 0
    refused_dir = tmp_path / "reports-refused"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**fleet.environment(), "AWS_ACCESS_KEY_ID": RUNNER_ACCESS_KEY}.items():
            patch.setenv(name, value)
        refused = run_in_process("ssm_compliance_merge", {
            "report_name": play_vars["fleet_report_name"],
            # The play's hosts (their names are ACCOUNT_ID-REGION), the failed ones too.
            "expected": HOSTS,
            "max_missing_percent": play_vars["fleet_max_missing_percent"],
            "max_part_age_hours": play_vars["fleet_max_part_age_hours"],
            # The play's is its own start, a little after this.
            "not_before": run_started,
            "parts_dir": str(reports / "parts"),
            "dest": str(refused_dir),
            "formats": play_vars["fleet_report_formats"],
            "history": play_vars["fleet_report_history"],
        })
    assert "uncaught" not in refused and refused.get("failed"), refused
    assert "2 of 6" in refused["msg"] and "333333333333" in refused["msg"], refused["msg"]
    assert not refused_dir.exists() or list(refused_dir.iterdir()) == []

    # 4. A scan now: that account fails alone, the others scan.
    fleet.clear_calls()
    output, connections = run_playbook(fleet, tmp_path, inventory, "scan.yml", expect_failure=True)
    counts = recap(output)
    assert sorted(host for host, count in counts.items() if count["failed"]) == ["333333333333-eu-west-1", "333333333333-us-east-1"]
    assert sorted(connections) == sorted(host for host in HOSTS if not host.startswith("333333333333"))
    for region in REGIONS:
        assert (f"fleet_credentials_role_arn arn:aws:iam::333333333333:role/OrganizationAccountAccessRole could not be "
                f"assumed in {region}") in " ".join(output.split())
    assert "AccessDenied" in output
    sent = fleet.calls(service="ssm", operation="SendCommand")
    assert sorted(call["account_id"] for call in sent) == ["111111111111"] * 2 + ["222222222222"] * 2


def test_the_role_run_again_on_a_host_renews_the_session_as_the_runner_and_its_name_keeps_the_host(fleet, tmp_path):
    """The second run signs with the runner's connection again, not with the first session's keys (which the role does not trust).
    A long user name is cut so that cloudpatch-<who>-<host> fits in 64 characters with the whole host name."""
    playbook = tmp_path / "twice.yml"
    include = {"name": "Take the credentials", "ansible.builtin.include_role": {"name": "cloudpatch.ssm.fleet_credentials"}}
    playbook.write_text(json.dumps([{"name": "Twice", "hosts": "all", "gather_facts": False, "tasks": [include, include]}]), encoding="utf-8")
    _output, connections = run_playbook(fleet, tmp_path, write_inventory(tmp_path, accounts=ACCOUNTS[:1]), str(playbook),
                                        {"awx_user_name": "a.very.long.name@example.com/" + "x" * 40})
    assert sorted(connections) == ["111111111111-eu-west-1", "111111111111-us-east-1"]
    assumed = fleet.calls(service="sts", operation="AssumeRole")
    assert [(call["status"], call["account_id"]) for call in assumed] == [(200, "123456789012")] * 4
    names = sorted(call["parameters"]["RoleSessionName"] for call in assumed)
    who = ("cloudpatch-a.very.long.name@example.com-" + "x" * 40)[:63 - len("111111111111-us-east-1")]
    assert names == sorted(f"{who}-111111111111-{region}" for region in REGIONS for _run in range(2))
    assert all(len(name) == 64 for name in names)
