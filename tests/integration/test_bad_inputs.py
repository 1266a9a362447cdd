"""Every module's bad inputs, run in-process against the sandbox: hundreds of cases in one process.

Each module has a case file, `bad_inputs/<module>.yml`: a list of `{args, error}` (and optionally
`check_mode: true`). Every case must fail with a message containing `error` (which names the option),
with no traceback and no exception, make no mutating call (the sandbox's call log), and write no
local file. The module runs exactly as Ansible runs it (AnsibleModule reads its arguments, prints
its JSON result and exits: tests/integration/in_process.py), minus the process start-up that would make
250 cases take minutes.

`{report_dir}` in an argument is the (empty) directory a case may name as a destination.
"""

import json
from pathlib import Path

import pytest
import yaml

from tests.integration.in_process import run_in_process

CASES = Path(__file__).resolve().parent / "bad_inputs"
MODULES = sorted(path.stem for path in CASES.glob("*.yml"))
HOOK_DOCUMENT = {
    "schemaVersion": "2.2",
    "description": "a hook that succeeds",
    "mainSteps": [{"action": "aws:runShellScript", "name": "hook", "inputs": {"runCommand": ["exit 0"]}}],
}


def seed_world(sandbox):
    """What the cases may refer to: the workshop's four nodes in App and Web, baselines, a hook, a bucket."""
    ssm, ec2 = sandbox.client("ssm"), sandbox.client("ec2")
    nodes = {name: sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in ("App1", "App2", "Web1", "Web2")}
    for group in ("App", "Web"):
        ec2.create_tags(Resources=[nodes[f"{group}1"], nodes[f"{group}2"]], Tags=[{"Key": "Patch Group", "Value": group}])
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0}
    existing = ssm.create_patch_baseline(Name="Existing", OperatingSystem="AMAZON_LINUX_2", ApprovalRules={"PatchRules": [rule]})
    ssm.register_patch_baseline_for_patch_group(BaselineId=existing["BaselineId"], PatchGroup="App")
    ssm.create_patch_baseline(Name="Twin", OperatingSystem="AMAZON_LINUX_2")
    ssm.create_patch_baseline(Name="Twin", OperatingSystem="AMAZON_LINUX_2")
    ssm.create_document(Name="GoodHook", DocumentType="Command", DocumentFormat="JSON", Content=json.dumps(HOOK_DOCUMENT))
    sandbox.client("s3").create_bucket(Bucket="reports-bucket")
    return nodes


def load_cases(module_name):
    cases = yaml.safe_load((CASES / f"{module_name}.yml").read_text(encoding="utf-8"))
    assert isinstance(cases, list) and cases, f"{module_name}.yml holds no case"
    return cases


def substitute(value, names):
    if isinstance(value, str):
        return value.format(**names) if "{" in value and "{{" not in value else value
    if isinstance(value, list):
        return [substitute(item, names) for item in value]
    if isinstance(value, dict):
        return dict((key, substitute(item, names)) for key, item in value.items())
    return value


@pytest.fixture
def world(clean_sandbox, tmp_path, monkeypatch):
    nodes = seed_world(clean_sandbox)
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    workdir = tmp_path / "cwd"
    report_dir = tmp_path / "reports"
    workdir.mkdir()
    report_dir.mkdir()
    monkeypatch.chdir(workdir)
    names = {"report_dir": str(report_dir), **{f"node_{name}": node_id for name, node_id in nodes.items()}}
    return clean_sandbox, names, (workdir, report_dir)


@pytest.mark.parametrize("module_name", MODULES)
def test_each_bad_input_fails_naming_the_option_and_changes_nothing(world, module_name):
    sandbox, names, directories = world
    problems = []
    for number, case in enumerate(load_cases(module_name)):
        args = substitute(case["args"], names)
        label = f"{module_name} case {number} ({case['error']!r})"
        sandbox.clear_calls()
        result = run_in_process(module_name, args, case.get("check_mode", False))
        mutating = [call["operation"] for call in sandbox.mutating_calls()]
        message = str(result.get("msg", ""))
        if "uncaught" in result:
            problems.append(f"{label}: a traceback escaped: {result['uncaught']}")
        elif not result.get("failed"):
            problems.append(f"{label}: did not fail: {result}")
        elif case["error"] not in message:
            problems.append(f"{label}: message does not say it: {message!r}")
        elif "Traceback" in message or result.get("exception"):
            problems.append(f"{label}: carries a traceback: {message!r}")
        if mutating:
            problems.append(f"{label}: made mutating calls {mutating}")
        written = [str(path) for directory in directories for path in directory.rglob("*")]
        if written:
            problems.append(f"{label}: wrote {written}")
    assert not problems, "\n".join(problems)
