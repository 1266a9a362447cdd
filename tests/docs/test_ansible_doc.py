"""ansible-doc renders every module, every other plugin and every role of the collection, with no warning.

What is documented is found on disk (plugins/<type>/ for each type ansible-doc documents, roles/), not
from a list, so a new module, inventory plugin, filter or role is checked the day it is added. ansible-doc
is run the way a user runs it (text, then --json), one call per plugin type; anything on its stderr (a
warning, an error, a deprecation) fails the test with what it said.
"""

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.constants import DOCUMENTABLE_PLUGINS
from ansible.module_utils.compat.version import StrictVersion

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "cloudpatch.ssm"
# The layout the root conftest.py links: .build/collections/ansible_collections/cloudpatch/ssm
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
ANSIBLE_DOC = str(Path(sys.executable).parent / "ansible-doc")
# Types whose plugins are one file each, named after the plugin (filters and tests are many a file).
ONE_PLUGIN_A_FILE = {"filter", "test"}


def plugin_dir(root, plugin_type):
    return root / "plugins" / ("modules" if plugin_type == "module" else plugin_type)


def plugin_files(root, plugin_type):
    """The plugin sources (and, for filters and tests, documentation files) under plugins/<type>/."""
    directory = plugin_dir(root, plugin_type)
    if not directory.is_dir():
        return []
    suffixes = (".py", ".yml", ".yaml") if plugin_type in ONE_PLUGIN_A_FILE else (".py", ".ps1")
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in suffixes and not p.name.startswith("_"))


def plugin_types(root):
    """Every plugin type ansible-doc documents that this collection has files for (roles apart)."""
    return [t for t in sorted(DOCUMENTABLE_PLUGINS) if t not in ("role", "keyword") and plugin_files(root, t)]


def roles(root):
    return sorted(p.name for p in (root / "roles").iterdir() if p.is_dir()) if (root / "roles").is_dir() else []


def ansible_doc(*args, collections_path=COLLECTIONS_PATH):
    """ansible-doc's (returncode, stdout, stderr), with nothing that would hide a warning."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    environment.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DEPRECATION_WARNINGS": "True",
        "ANSIBLE_SYSTEM_WARNINGS": "True",
    })
    result = subprocess.run([ANSIBLE_DOC, *args], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=False,
                            timeout=300)
    return result.returncode, result.stdout, result.stderr


def rendering_problems(plugin_type, names, collections_path=COLLECTIONS_PATH):
    """What is wrong when ansible-doc renders these plugins as text: a failure, anything on stderr, a missing page."""
    returncode, stdout, stderr = ansible_doc("-t", plugin_type, *names, collections_path=collections_path)
    problems = []
    if returncode != 0:
        problems.append(f"ansible-doc -t {plugin_type} exited {returncode}")
    if stderr.strip():
        problems.append(f"ansible-doc -t {plugin_type} said on stderr:\n{stderr.strip()}")
    for name in names:
        # "> MODULE cloudpatch.ssm.x (path)", "> ROLE: *cloudpatch.ssm.x* (path)" (bold without colour)
        if not re.search(rf"^> [A-Z ]+:? \*?{re.escape(name)}\*? \(", stdout, re.MULTILINE):
            problems.append(f"ansible-doc -t {plugin_type} printed no page for {name}")
    return problems


@functools.lru_cache(maxsize=None)
def listed(plugin_type, collections_path=COLLECTIONS_PATH):
    returncode, stdout, stderr = ansible_doc("-t", plugin_type, "--list", COLLECTION, "--json", collections_path=collections_path)
    assert returncode == 0 and not stderr.strip(), f"ansible-doc -t {plugin_type} --list {COLLECTION}: {returncode}\n{stderr}"
    return tuple(sorted(json.loads(stdout)))


@functools.lru_cache(maxsize=None)
def json_docs(plugin_type, names):
    # Cached (the tests only read it), so each plugin type costs one ansible-doc --json.
    returncode, stdout, stderr = ansible_doc("-t", plugin_type, "--json", *names)
    assert returncode == 0 and not stderr.strip(), f"ansible-doc -t {plugin_type} --json: {returncode}\n{stderr}"
    return json.loads(stdout)


def test_the_collection_has_something_to_document():
    # A discovery that found nothing would make every check below pass over zero plugins.
    assert "module" in plugin_types(REPO_ROOT)
    assert roles(REPO_ROOT)


@pytest.mark.parametrize("plugin_type", plugin_types(REPO_ROOT))
def test_every_plugin_on_disk_is_listed_and_renders_without_warning(plugin_type):
    names = listed(plugin_type)
    assert names, f"ansible-doc lists no {plugin_type} of {COLLECTION}, but {plugin_dir(REPO_ROOT, plugin_type)} has files"
    files = plugin_files(REPO_ROOT, plugin_type)
    if plugin_type in ONE_PLUGIN_A_FILE:
        # A .py file may hold several filters or tests: only the documentation files name one.
        files = [path for path in files if path.suffix != ".py"]
    on_disk = {f"{COLLECTION}.{path.stem}" for path in files}
    missing = sorted(on_disk - set(names))
    assert not missing, f"ansible-doc does not list {missing} (not loadable, or no documentation)"
    problems = rendering_problems(plugin_type, names)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("plugin_type", plugin_types(REPO_ROOT))
def test_every_plugin_has_its_documentation_examples_and_return(plugin_type):
    docs = json_docs(plugin_type, listed(plugin_type))
    incomplete = {}
    for name, entry in docs.items():
        doc = entry.get("doc") or {}
        lacks = [key for key in ("short_description", "description", "author") if not doc.get(key)]
        if not (entry.get("examples") or "").strip():
            lacks.append("EXAMPLES")
        if plugin_type in ("module", "filter", "test", "lookup") and not entry.get("return"):
            lacks.append("RETURN")
        if lacks:
            incomplete[name] = lacks
    assert not incomplete, f"incomplete documentation: {incomplete}"


@pytest.mark.parametrize("plugin_type", plugin_types(REPO_ROOT))
def test_no_plugin_is_added_in_a_version_after_the_collections(plugin_type):
    # The changelog lists a plugin as new in the release of its version_added: one newer than
    # galaxy.yml's version would be left out of the release that ships it.
    galaxy_version = str(yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    version = StrictVersion(galaxy_version)
    docs = json_docs(plugin_type, listed(plugin_type))
    wrong = {name: entry["doc"].get("version_added") for name, entry in docs.items()
             if not entry["doc"].get("version_added") or StrictVersion(str(entry["doc"]["version_added"])) > version}
    assert not wrong, f"version_added missing or after galaxy.yml's {galaxy_version}: {wrong}"


def test_every_role_has_an_argument_spec_and_renders_without_warning():
    without_spec = [role for role in roles(REPO_ROOT) if not (REPO_ROOT / "roles" / role / "meta" / "argument_specs.yml").is_file()]
    assert not without_spec, f"roles without meta/argument_specs.yml (ansible-doc has nothing to show): {without_spec}"
    names = [f"{COLLECTION}.{role}" for role in roles(REPO_ROOT)]
    assert tuple(sorted(names)) == listed("role")
    problems = rendering_problems("role", names)
    assert not problems, "\n".join(problems)
    docs = json_docs("role", tuple(names))
    undocumented = []
    for name, entry in docs.items():
        for entry_point, spec in entry["entry_points"].items():
            undocumented += [f"{name} {entry_point}: {key}" for key in ("short_description", "description") if not spec.get(key)]
            undocumented += [f"{name} {entry_point}: {option}" for option, option_spec in (spec.get("options") or {}).items()
                             if not option_spec.get("description")]
    assert not undocumented, f"undocumented: {undocumented}"


def _fixture_collection(tmp_path, runtime):
    collection = tmp_path / "ansible_collections" / "cptest" / "docs"
    (collection / "plugins" / "modules").mkdir(parents=True)
    (collection / "meta").mkdir()
    (collection / "galaxy.yml").write_text("namespace: cptest\nname: docs\nversion: 1.0.0\n", encoding="utf-8")
    (collection / "meta" / "runtime.yml").write_text(runtime, encoding="utf-8")
    (collection / "plugins" / "modules" / "fine.py").write_text(
        'DOCUMENTATION = r"""\nmodule: fine\nshort_description: Fine\ndescription: [Fine.]\nauthor: [x]\n"""\n', encoding="utf-8")
    return tmp_path


def test_a_warning_fails_the_check(tmp_path):
    # ansible-doc exits 0 and prints the page when a collection does not support this ansible-core:
    # only its stderr says so, and that alone must fail the check.
    root = _fixture_collection(tmp_path, 'requires_ansible: "<2.0"\n')
    problems = rendering_problems("module", ["cptest.docs.fine"], collections_path=root)
    assert len(problems) == 1 and "does not support Ansible version" in problems[0]


def test_a_missing_page_fails_the_check(tmp_path):
    root = _fixture_collection(tmp_path, 'requires_ansible: ">=2.17"\n')
    problems = rendering_problems("module", ["cptest.docs.fine", "cptest.docs.absent"], collections_path=root)
    assert any("cptest.docs.absent" in problem for problem in problems)


def test_a_clean_page_passes_the_check(tmp_path):
    root = _fixture_collection(tmp_path, 'requires_ansible: ">=2.17"\n')
    assert rendering_problems("module", ["cptest.docs.fine"], collections_path=root) == []
