"""Every module's EXAMPLES are tasks a user can paste: parsed, named, FQCN, valid, and clean under ansible-lint.

Each example of a module runs in-process up to the moment it would make its first AWS call (the
client is replaced by a stop): the argument spec and every check the module makes before calling
AWS must accept it. ansible-lint (production profile) then checks reserved variable names
(`register: groups`), Jinja and YAML style, as it does for the collection's roles and playbooks.
"""

import contextlib
import datetime
import importlib
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

REPO = Path(__file__).resolve().parents[4]
MODULE_DIR = REPO / "plugins" / "modules"
MODULES = sorted(path.stem for path in MODULE_DIR.glob("*.py") if path.stem != "__init__")
FQCN_PREFIXES = ("cloudpatch.ssm.", "ansible.builtin.", "amazon.aws.")


def examples_of(module_name):
    module = importlib.import_module(f"ansible_collections.cloudpatch.ssm.plugins.modules.{module_name}")
    return module.EXAMPLES


class ReachedAWS(BaseException):
    """Raised where the module would create its first client: everything before it accepted the arguments."""


class ExampleValue(jinja2.Undefined):
    """What a variable of an example renders as: a word that fits a name, a bucket or a path segment."""

    def __str__(self):
        return "example"

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        # lookup('file', ...) and other calls in an example render as the same word.
        return self


def now(utc=False, fmt=None):
    """Ansible's now() in templates."""
    moment = datetime.datetime.now(datetime.timezone.utc if utc else None)
    return moment.strftime(fmt) if fmt else moment


def rendered(value, facts=None):
    if isinstance(value, str):
        return jinja2.Environment(undefined=ExampleValue).from_string(value).render(now=now, **(facts or {}))
    if isinstance(value, list):
        return [rendered(item, facts) for item in value]
    if isinstance(value, dict):
        return dict((key, rendered(item, facts)) for key, item in value.items())
    return value


def example_tasks(module_name):
    """(name, arguments) of each task of the module, rendered with the facts the examples' set_fact tasks before it set."""
    facts = {}
    for task in yaml.safe_load(examples_of(module_name)):
        facts.update(rendered(task.get("ansible.builtin.set_fact") or {}, facts))
        arguments = task.get(f"cloudpatch.ssm.{module_name}")
        if arguments is not None:
            yield task["name"], rendered(arguments, facts)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_example_passes_the_modules_own_checks(module_name, monkeypatch):
    module = importlib.import_module(f"ansible_collections.cloudpatch.ssm.plugins.modules.{module_name}")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")

    def stop(self, *args, **kwargs):
        raise ReachedAWS()

    monkeypatch.setattr(AnsibleAWSModule, "client", stop)
    for name, arguments in example_tasks(module_name):
        output = io.StringIO()
        with patch_module_args(dict(arguments, _ansible_check_mode=True)), contextlib.redirect_stdout(output):
            with pytest.raises((ReachedAWS, SystemExit)) as stopped:
                module.main()
        if stopped.type is SystemExit:
            result = json.loads(output.getvalue())
            assert not result.get("failed"), f"{module_name}: example {name!r} is refused: {result.get('msg')}"


@pytest.mark.parametrize("module_name", MODULES)
def test_examples_are_named_tasks_with_fqcns(module_name):
    tasks = yaml.safe_load(examples_of(module_name))
    assert isinstance(tasks, list) and tasks, f"{module_name}: EXAMPLES holds no task"
    uses_itself = False
    for task in tasks:
        assert task.get("name"), f"{module_name}: an example without a name: {task}"
        actions = [key for key in task if "." in key]
        assert len(actions) == 1 and actions[0].startswith(FQCN_PREFIXES), f"{module_name}: {task['name']}: no FQCN action"
        uses_itself = uses_itself or actions[0] == f"cloudpatch.ssm.{module_name}"
    assert uses_itself, f"{module_name}: no example calls the module"


def test_examples_pass_ansible_lint(tmp_path):
    plays = ["---"]
    for module_name in MODULES:
        plays.append(f"- name: Examples of {module_name}\n  hosts: localhost\n  gather_facts: false\n  tasks:")
        plays.append(textwrap.indent(examples_of(module_name).strip("\n"), "    "))
    (tmp_path / "examples.yml").write_text("\n".join(plays) + "\n", encoding="utf-8")
    (tmp_path / ".ansible-lint").write_text("profile: production\noffline: true\n", encoding="utf-8")
    environment = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"),
        XDG_CACHE_HOME=str(REPO / ".build" / "cache"),
        NO_COLOR="1",
    )
    lint = Path(sys.executable).parent / "ansible-lint"
    result = subprocess.run([str(lint), "--nocolor", "examples.yml"], cwd=tmp_path, env=environment,
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
