"""Bad inputs to the seven roles (roles_bad_input/cases.yml), all in one ansible-playbook run.

Each case includes its role with its variables inside a block whose rescue records the failure.
Every case must fail with a message holding the case's `error` and naming a variable of its role,
with no traceback; across the whole run the sandbox must see no mutating call and no local file
may be written (the report directory the cases point at stays empty).
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


def playbook(cases, results_file):
    tasks = [{"name": "Start the record", "ansible.builtin.set_fact": {"bad_input_results": []}}]
    for index, case in enumerate(cases):
        record = ("{{ bad_input_results + [{'case': %d, 'failed': %s, 'msg': %s, 'exception': %s, 'task': %s}] }}")
        tasks.append({
            "name": f"Case {index}: {case['role']}",
            "block": [
                {"name": f"Include {case['role']} (case {index})",
                 "ansible.builtin.include_role": {"name": f"cloudpatch.ssm.{case['role']}"},
                 "vars": case["vars"]},
                {"name": f"Record that case {index} passed",
                 "ansible.builtin.set_fact": {"bad_input_results": record % (index, "false", "''", "''", "''")}},
            ],
            "rescue": [
                {"name": f"Record how case {index} failed",
                 "ansible.builtin.set_fact": {"bad_input_results": record % (
                     index, "true", "ansible_failed_result.msg | default('') | string",
                     "ansible_failed_result.exception | default('') | string", "ansible_failed_task.name")}},
            ],
        })
    tasks.append({"name": "Keep the record", "ansible.builtin.copy": {
        "content": "{{ bad_input_results | to_json }}", "dest": str(results_file), "mode": "0600"}})
    return [{"name": "Bad inputs to the roles", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


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
    playbook_file.write_text(yaml.safe_dump(playbook(cases, results_file), sort_keys=False), encoding="utf-8")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                         f"      ansible_python_interpreter: {sys.executable}\n", encoding="utf-8")
    environment = {**os.environ, **world.environment(), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                   "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_NOCOLOR": "1"}
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(playbook_file)],
                            env=environment, cwd=workdir, capture_output=True, text=True, check=False, timeout=900)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr

    records = json.loads(results_file.read_text(encoding="utf-8"))
    assert [record["case"] for record in records] == list(range(len(cases)))
    problems = []
    for case, record in zip(cases, records):
        label = f"case {record['case']} ({case['role']} {case['vars']})"
        if not record["failed"]:
            problems.append(f"{label}: did not fail")
            continue
        message = record["msg"]
        # ansible-core 2.19 puts "(traceback unavailable)" in every failed result's `exception`.
        if "Traceback" in record["exception"] + message:
            problems.append(f"{label}: traceback: {record['exception']} {message}")
        if case["error"] not in message:
            problems.append(f"{label}: {case['error']!r} not in {message!r}")
        if not re.search(rf"\b{case['role']}_\w+", message):
            problems.append(f"{label}: the message names no variable of the role: {message!r}")
    assert problems == [], "\n".join(problems)

    assert world.mutating_calls() == []
    assert files_under(report_dir) == []
    assert files_under(workdir) == []
