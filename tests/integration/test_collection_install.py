"""The collection as users get it: `ansible-galaxy collection build`, installed offline into an empty
collections path beside amazon.aws, and playbooks/workshop.yml run from the installed copy (not from
this checkout) against the sandbox; then every playbook of the installed copy in check mode on that
account changes nothing."""

import csv
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml
from test_playbooks_check_mode import AFTER_WORKSHOP
from test_playbooks_check_mode import CHECKED
from test_playbooks_check_mode import files_under

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# `make venv` installs amazon.aws here from the `ansible` package's wheel (tools/install_amazon_aws.py).
AMAZON_AWS = REPO_ROOT / ".build" / "collections" / "ansible_collections" / "amazon" / "aws"
# What galaxy.yml's build_ignore keeps out of the artifact: the project's own tooling.
NOT_SHIPPED = ("sandbox/", "bench/", "tools/", "tests/", "extensions/", ".venv/", ".build/", ".git/", ".ci/",
               "reports/", "Makefile", "conftest.py")


def run(command, **kwargs):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False,
                            timeout=900, **kwargs)
    assert result.returncode == 0, f"{command[0]} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def isolated_environment(collections, sandbox):
    """Only the installed copies: no PYTHONPATH into the checkout, no collections from site-packages."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("PYTHONPATH", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS")}
    environment.update(sandbox.environment())
    environment.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "False",
    })
    return environment


def test_built_collection_installs_offline_and_runs_the_workshop(clean_sandbox, tmp_path):
    galaxy = BIN / "ansible-galaxy"
    version = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]

    run([galaxy, "collection", "build", "--output-path", tmp_path / "dist", REPO_ROOT])
    tarball = tmp_path / "dist" / f"cloudpatch-ssm-{version}.tar.gz"
    with tarfile.open(tarball) as archive:
        shipped = archive.getnames()
    assert {"MANIFEST.json", "playbooks/workshop.yml", "roles/prerequisites/files/ssm-workshop-resources.yml",
            "plugins/modules/ssm_compliance_export.py", "meta/runtime.yml"} <= set(shipped)
    assert [name for name in shipped if name.startswith(NOT_SHIPPED)] == []
    # The facades import the private packages behind them (_baseline/, _compliance/...): every file ships.
    module_utils = {path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / "plugins" / "module_utils").rglob("*.py")}
    assert "plugins/module_utils/_compliance/__init__.py" in module_utils
    assert sorted(module_utils - set(shipped)) == []

    collections = tmp_path / "collections"
    environment = isolated_environment(collections, clean_sandbox)
    run([galaxy, "collection", "install", "--offline", "-p", collections, AMAZON_AWS], env=environment)
    run([galaxy, "collection", "install", "--offline", "-p", collections, tarball], env=environment)
    listed = run([galaxy, "collection", "list", "--format", "yaml"], env=environment).stdout
    installed = yaml.safe_load(listed)[str(collections / "ansible_collections")]
    assert installed == {"amazon.aws": {"version": "10.1.2"}, "cloudpatch.ssm": {"version": version}}

    installed_copy = collections / "ansible_collections" / "cloudpatch" / "ssm"
    reports = tmp_path / "reports"
    clean_sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    try:
        result = run([BIN / "ansible-playbook", "-i", installed_copy / "playbooks" / "inventory.yml",
                      installed_copy / "playbooks" / "workshop.yml", "-e", f"workshop_reports_dir={reports}"],
                     env=environment, cwd=tmp_path)
    finally:
        clean_sandbox.reset_agent()
    assert "failed=0" in result.stdout

    with (reports / "ssm-workshop.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Index", "Instance ID", "Instance name"]
    assert sorted(row[2] for row in rows[1:] if row[2] in ("App1", "App2", "Web1", "Web2")) == [
        "App1", "App2", "Web1", "Web2"]
    assert "<svg" in (reports / "dashboard.html").read_text(encoding="utf-8")
    calls = clean_sandbox.calls(service="ssm", operation="SendCommand")
    assert len(calls) == 2  # the scan and the install

    # Every playbook in check mode on the account the workshop left: no call that changes anything.
    check_reports = tmp_path / "check-reports"
    clean_sandbox.clear_calls()
    result = run([BIN / "ansible-playbook", "-i", installed_copy / "playbooks" / "inventory.yml",
                  *[installed_copy / "playbooks" / name for name in CHECKED],
                  "-e", f"workshop_reports_dir={check_reports}", "--check"], env=environment, cwd=tmp_path)
    output = result.stdout
    assert output.count(" failed=0 ") == len(CHECKED) and "Traceback" not in output + result.stderr
    assert clean_sandbox.mutating_calls() == []
    for said in AFTER_WORKSHOP:
        assert said in output
    assert "5 of the 5 node(s)" not in output  # no gate asked for
    assert files_under(check_reports) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["collections", "dist", "reports"]
