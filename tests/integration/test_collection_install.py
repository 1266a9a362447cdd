"""The collection as users get it: `ansible-galaxy collection build`, installed offline into an empty
collections path beside amazon.aws, and a playbook run from the installed copy (not from this checkout)
against the sandbox. The workshop from an installed copy, and every playbook in check mode on the
account it left, run as AWX jobs in tests/awx/test_awx_job.py."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

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


def test_built_collection_installs_offline_and_runs_from_the_installed_copy(clean_sandbox, tmp_path):
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

    # A read-only playbook of the installed copy, run for real: its modules, module_utils and action group load
    # from there. (The workshop runs from an installed copy in tests/awx, as an AWX job: the project sync
    # installs collections/requirements.yml; and every playbook's check mode on the account it left is there too.)
    installed_copy = collections / "ansible_collections" / "cloudpatch" / "ssm"
    clean_sandbox.clear_calls()
    result = run([BIN / "ansible-playbook", "-i", installed_copy / "playbooks" / "inventory.yml",
                  installed_copy / "playbooks" / "baselines_overview.yml"], env=environment, cwd=tmp_path)
    assert " failed=0 " in result.stdout and "AWS-AmazonLinux2DefaultPatchBaseline" in result.stdout
    assert clean_sandbox.mutating_calls() == []
    assert {call["operation"] for call in clean_sandbox.calls(service="ssm")} >= {"DescribePatchBaselines"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["collections", "dist"]
