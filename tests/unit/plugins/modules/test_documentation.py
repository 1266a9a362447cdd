"""Every module's DOCUMENTATION and RETURN are complete: what ansible-doc shows, and validate-modules does not check.

validate-modules (make sanity) checks the docs' schema and that documented options match the argument
spec. It accepts a contained RETURN key without `returned:`, an empty `seealso`, no `attributes`, and
choices that drift from the API's enum as long as the spec drifts with them. These tests do not.
"""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest
import yaml
from ansible.module_utils.basic import FILE_COMMON_ARGUMENTS

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils import modules as cloudpatch_modules

REPO = Path(__file__).resolve().parents[4]
MODULE_DIR = REPO / "plugins" / "modules"
MODULES = sorted(path.stem for path in MODULE_DIR.glob("*.py") if path.stem != "__init__")
COLLECTIONS = REPO / ".build" / "collections"
RETURN_TYPES = ("bool", "complex", "dict", "float", "int", "list", "raw", "str")
# The attributes every module declares, and the support levels ansible-core defines for them.
ATTRIBUTES = ("check_mode", "diff_mode", "platform")
SUPPORT_LEVELS = ("full", "partial", "none")
AWS_DOCS = re.compile(r"\Ahttps://docs\.aws\.amazon\.com/\S+\.html\Z")


def module_of(name):
    return importlib.import_module(f"ansible_collections.cloudpatch.ssm.plugins.modules.{name}")


def documentation(name):
    return yaml.safe_load(module_of(name).DOCUMENTATION)


def return_doc(name):
    return yaml.safe_load(module_of(name).RETURN)


def return_problems(keys, path="", top_level=True):
    """What is missing from RETURN entries (a key's description, type, returned), at every depth, by key path."""
    problems = []
    for key, entry in (keys or {}).items():
        where = f"{path}{key}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if not entry.get("description"):
            problems.append(f"{where}: no description")
        if entry.get("type") not in RETURN_TYPES:
            problems.append(f"{where}: type {entry.get('type')!r} is not one of {', '.join(RETURN_TYPES)}")
        returned = entry.get("returned")
        if not isinstance(returned, str) or not returned.strip():
            problems.append(f"{where}: no returned{' (top level)' if top_level else ''}")
        if "contains" in entry:
            if entry.get("type") == "list" and entry.get("elements") != "dict":
                problems.append(f"{where}: a list with contains needs elements: dict")
            if not entry["contains"]:
                problems.append(f"{where}: empty contains")
            inner = f"{where}[]." if entry.get("type") == "list" else f"{where}."
            problems.extend(return_problems(entry["contains"], inner, top_level=False))
    return problems


def returned_lines(text):
    """(line number, indent) of each `returned:` line of a RETURN string."""
    lines = text.split("\n")
    return [(index, len(line) - len(line.lstrip())) for index, line in enumerate(lines) if line.strip().startswith("returned:")]


class Captured(BaseException):
    """Raised where a module would build its AnsibleModule: carries the keyword arguments it was given."""

    def __init__(self, kwargs):
        super().__init__("captured")
        self.kwargs = kwargs


def module_kwargs(name, monkeypatch):
    """The keyword arguments (argument_spec, supports_check_mode...) a module's main() gives AnsibleAWSModule."""

    def capture(self, **kwargs):
        raise Captured(kwargs)

    monkeypatch.setattr(AnsibleAWSModule, "__init__", capture)
    # No module arguments in a unit test: the raw parameters the shape check reads are none.
    monkeypatch.setattr(cloudpatch_modules, "_load_params", dict)
    with pytest.raises(Captured) as captured:
        module_of(name).main()
    return captured.value.kwargs


@pytest.fixture(scope="module")
def rendered():
    """Every module's documentation as ansible-doc renders it, doc fragments merged (one ansible-doc run)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS))
    ansible_doc = Path(sys.executable).with_name("ansible-doc")
    result = subprocess.run(
        [str(ansible_doc), "--json"] + [f"cloudpatch.ssm.{name}" for name in MODULES],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def operating_systems():
    return list(botocore.session.get_session().get_service_model("ssm").shape_for("OperatingSystem").enum)


@pytest.mark.parametrize("name", MODULES)
def test_documentation_and_return_parse(name):
    doc = documentation(name)
    assert doc["module"] == name
    assert doc["short_description"] and doc["description"]
    returns = return_doc(name)
    assert isinstance(returns, dict) and returns, f"{name}: RETURN documents nothing"


@pytest.mark.parametrize("name", MODULES)
def test_every_returned_key_has_description_type_and_returned(name):
    assert return_problems(return_doc(name)) == []


@pytest.mark.parametrize("name", MODULES)
def test_removing_any_returned_line_is_caught(name):
    text = module_of(name).RETURN
    lines = text.split("\n")
    positions = returned_lines(text)
    assert any(indent > 2 for _index, indent in positions), f"{name}: no contained key says when it is returned"
    for index, _indent in positions:
        without = "\n".join(lines[:index] + lines[index + 1:])
        problems = return_problems(yaml.safe_load(without))
        assert len(problems) == 1 and "no returned" in problems[0], (lines[index], problems)


def test_the_check_names_the_path_of_a_nested_key():
    keys = {
        "result": {
            "description": "x", "returned": "always", "type": "list", "elements": "dict",
            "contains": {"rows": {"description": "y", "type": "dict", "contains": {"n": {"description": "z", "type": "int"}}}},
        },
    }
    assert return_problems(keys) == ["result[].rows: no returned", "result[].rows.n: no returned"]


@pytest.mark.parametrize("name", MODULES)
def test_attributes_are_declared_with_an_honest_support_level(name, rendered, monkeypatch):
    doc = documentation(name)
    assert "ansible.builtin.action_common_attributes" in doc["extends_documentation_fragment"]
    attributes = rendered[f"cloudpatch.ssm.{name}"]["doc"]["attributes"]
    assert set(ATTRIBUTES) <= set(attributes)
    for attribute in ATTRIBUTES:
        assert attributes[attribute]["description"], f"{attribute} has no description (the fragment was not applied)"
    for attribute in ("check_mode", "diff_mode"):
        support = attributes[attribute]["support"]
        assert support in SUPPORT_LEVELS
        if support == "partial":
            assert attributes[attribute].get("details"), f"{attribute}: partial support says what is missing"
    assert attributes["platform"]["platforms"]

    kwargs = module_kwargs(name, monkeypatch)
    check_mode_claimed = attributes["check_mode"]["support"] != "none"
    assert check_mode_claimed == bool(kwargs.get("supports_check_mode"))
    # A module that never passes a diff to exit_json cannot claim diff support, and one that does must say so.
    source = (MODULE_DIR / f"{name}.py").read_text()
    assert (attributes["diff_mode"]["support"] != "none") == ("diff=" in source)


@pytest.mark.parametrize("name", MODULES)
def test_seealso_names_sibling_modules_and_aws_documentation(name):
    seealso = documentation(name).get("seealso") or []
    assert seealso, f"{name}: empty seealso"
    modules = [entry["module"] for entry in seealso if "module" in entry]
    links = [entry for entry in seealso if "link" in entry]
    assert modules and links
    for reference in modules:
        collection, short = reference.rsplit(".", 1)
        if collection == "cloudpatch.ssm":
            assert short in MODULES, f"{reference} is no module of the collection"
            assert short != name
        else:
            assert collection == "ansible.builtin", reference
    for entry in links:
        assert AWS_DOCS.fullmatch(entry["link"]), entry["link"]
        assert entry["name"] and entry["description"]
    twin = name[:-len("_info")] if name.endswith("_info") else f"{name}_info"
    if twin in MODULES:
        assert f"cloudpatch.ssm.{twin}" in modules, f"{name} does not point to its twin {twin}"


def options_with_choices(spec):
    """{option path: choices} of an argument spec or of a DOCUMENTATION options mapping, suboptions included."""
    found = {}
    for option, entry in (spec or {}).items():
        if entry.get("choices") is not None:
            found[option] = sorted(entry["choices"])
        for path, choices in options_with_choices(entry.get("options") or entry.get("suboptions")).items():
            found[f"{option}.{path}"] = choices
    return found


@pytest.mark.parametrize("name", MODULES)
def test_documented_choices_are_the_argument_specs(name, rendered, monkeypatch):
    spec = module_kwargs(name, monkeypatch)["argument_spec"]
    # As rendered: an option documented once in plugins/doc_fragments/ counts for each module that extends it.
    documented = options_with_choices(rendered[f"cloudpatch.ssm.{name}"]["doc"]["options"])
    assert documented == options_with_choices(spec)


OS_MODULES = [name for name in MODULES if "operating_system" in (documentation(name).get("options") or {})]


def test_the_operating_system_check_covers_the_baseline_module():
    # The parametrized test below would pass vacuously if the option vanished from every module.
    assert "ssm_patch_baseline" in OS_MODULES


@pytest.mark.parametrize("name", OS_MODULES)
def test_operating_system_choices_are_the_api_enum(name, monkeypatch):
    expected = operating_systems()
    documented = documentation(name)["options"]["operating_system"]["choices"]
    assert len(documented) == len(set(documented))
    assert sorted(documented) == sorted(expected)
    spec_choices = module_kwargs(name, monkeypatch)["argument_spec"]["operating_system"]["choices"]
    assert sorted(spec_choices) == sorted(expected)


FRAGMENT_DIR = REPO / "plugins" / "doc_fragments"
FRAGMENTS = sorted(path.stem for path in FRAGMENT_DIR.glob("*.py") if path.stem != "__init__")


def fragment_options(fragment):
    module = importlib.import_module(f"ansible_collections.cloudpatch.ssm.plugins.doc_fragments.{fragment}")
    return yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION).get("options") or {}


@pytest.mark.parametrize("fragment", [fragment for fragment in FRAGMENTS if fragment_options(fragment)])
def test_a_shared_option_is_the_same_option_in_every_module_that_extends_its_fragment(fragment, monkeypatch):
    users = [name for name in MODULES if f"cloudpatch.ssm.{fragment}" in documentation(name)["extends_documentation_fragment"]]
    assert users, f"no module extends cloudpatch.ssm.{fragment}"
    for name in users:
        kwargs = module_kwargs(name, monkeypatch)
        # mode, owner, group... come with add_file_common_args, as AnsibleModule adds them.
        spec = dict(FILE_COMMON_ARGUMENTS if kwargs.get("add_file_common_args") else {}, **kwargs["argument_spec"])
        for option, entry in fragment_options(fragment).items():
            assert option not in documentation(name)["options"], f"{name} documents {option} itself as well as {fragment}"
            assert option in spec, f"{name} extends {fragment} but takes no {option}"
            for key in ("type", "default", "choices", "aliases"):
                assert spec[option].get(key) == entry.get(key), (name, option, key)
