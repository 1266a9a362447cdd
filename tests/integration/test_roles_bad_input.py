"""Bad inputs to the seven roles (roles_bad_input/cases.yml), all in one ansible-playbook run.

Each case is a host of the run's inventory (local connection) whose host variables are the case's;
one task includes each host's role. Every case must fail (the run's own stats) with a message holding
the case's `error` and naming a variable of its role, with no traceback; across the whole run the
sandbox must see no mutating call and no local file may be written (the report directory the cases
point at stays empty). roles_bad_input/callback_plugins/record_failures.py records how each host
failed: no rescue task per case (a worker process each), and each role is loaded once for all its
cases instead of once a case.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# The layout the root conftest.py links: .build/collections/ansible_collections/cloudpatch/ssm
COLLECTIONS_PATH = Path(__file__).resolve().parents[2] / ".build" / "collections"
CASES_FILE = Path(__file__).resolve().parent / "roles_bad_input" / "cases.yml"
CALLBACKS = CASES_FILE.parent / "callback_plugins"
ROLES = ("prerequisites", "patch_baseline", "patch_groups", "patching", "compliance_report", "patch_schedule", "fleet_credentials")


def load_cases(report_dir):
    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    assert sorted(cases) == sorted(ROLES)
    flat = []
    for role in ROLES:
        for case in cases[role]:
            text = json.dumps(case["vars"]).replace("{report_dir}", str(report_dir))
            flat.append({"role": role, "vars": json.loads(text), "error": case["error"]})
    return flat


def host_name(index):
    return f"case{index:03d}"


def inventory(cases):
    """One host a case: the case's variables and the role to include are its host variables."""
    hosts = {}
    for index, case in enumerate(cases):
        hosts[host_name(index)] = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                                   "bad_input_role": case["role"], **case["vars"]}
    return {"all": {"hosts": hosts}}


PLAYBOOK = [{
    "name": "Bad inputs to the roles, one host a case",
    "hosts": "all",
    "gather_facts": False,
    "tasks": [{"name": "Include the case's role", "ansible.builtin.include_role": {"name": "cloudpatch.ssm.{{ bad_input_role }}"}}],
}]


def files_under(path):
    return sorted(str(item.relative_to(path)) for item in path.rglob("*"))


@pytest.fixture
def world(clean_sandbox):
    """Two nodes, App1 and App2, in patch group App: enough for a selection to match some and not others."""
    for name in ("App1", "App2"):
        clean_sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name, "Patch Group": "App"})
    clean_sandbox.clear_calls()
    return clean_sandbox


def test_every_bad_input_to_a_role_fails_naming_its_variable_and_changes_nothing(world, tmp_path):
    report_dir = tmp_path / "reports"
    workdir = tmp_path / "work"
    report_dir.mkdir()
    workdir.mkdir()
    cases = load_cases(report_dir)
    assert len(cases) >= 40
    results_file = tmp_path / "results.json"
    playbook_file = tmp_path / "bad_inputs.yml"
    playbook_file.write_text(yaml.safe_dump(PLAYBOOK, sort_keys=False), encoding="utf-8")
    inventory_file = tmp_path / "inventory.yml"
    inventory_file.write_text(yaml.safe_dump(inventory(cases), sort_keys=False), encoding="utf-8")
    environment = {**os.environ, **world.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                   "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_NOCOLOR": "1",
                   "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS), "ANSIBLE_CALLBACKS_ENABLED": "record_failures",
                   "BAD_INPUT_RESULTS": str(results_file)}
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory_file), str(playbook_file)],
                            env=environment, cwd=workdir, capture_output=True, text=True, check=False, timeout=900)
    # 2: the run went through and some host failed (every host must, below).
    assert result.returncode == 2, f"{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr

    records = json.loads(results_file.read_text(encoding="utf-8"))
    assert sorted(records) == [host_name(index) for index in range(len(cases))]
    problems = []
    for index, case in enumerate(cases):
        record = records[host_name(index)]
        label = f"case {index} ({case['role']} {case['vars']})"
        if not record["failed"]:
            problems.append(f"{label}: did not fail")
            continue
        message = record["msg"]
        # ansible-core 2.19 puts "(traceback unavailable)" in every failed result's `exception`.
        if "Traceback" in record["exception"] + message:
            problems.append(f"{label}: traceback: {record['exception']} {message}")
        if case["error"] not in message:
            problems.append(f"{label}: {case['error']!r} not in {message!r} (task {record['task']!r})")
        if not re.search(rf"\b{case['role']}_\w+", message):
            problems.append(f"{label}: the message names no variable of the role: {message!r}")
    assert problems == [], "\n".join(problems)

    assert world.mutating_calls() == []
    assert files_under(report_dir) == []
    assert files_under(workdir) == []
