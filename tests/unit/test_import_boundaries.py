"""The product and the sandbox share no code: each takes its facts from AWS, never from the other.

A table imported across the line would make the bad-input tests prove the module agrees with itself.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRODUCT_NAMES = ("ansible_collections.cloudpatch.ssm.plugins", "plugins")
SANDBOX_NAMES = ("sandbox",)


def imported_modules(path, source=None):
    """Every module a file imports, by absolute name (relative imports resolved against the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names.append(".".join(base + ([node.module] if node.module else [])))
            else:
                names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
            "import_module", "__import__",
        ) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            names.append(node.args[0].value)
    return names


def crossing(tree_root, forbidden):
    found = []
    for path in sorted((ROOT / tree_root).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_the_walk_finds_files_on_both_sides():
    assert len(list((ROOT / "sandbox").rglob("*.py"))) > 20
    assert len(list((ROOT / "plugins").rglob("*.py"))) > 10


def test_no_sandbox_module_imports_the_product():
    assert crossing("sandbox", PRODUCT_NAMES) == []


def test_no_product_module_imports_the_sandbox():
    assert crossing("plugins", SANDBOX_NAMES) == []


@pytest.mark.parametrize("source, name", [
    ("from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline import facts\n",
     "ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline"),
    ("import sandbox.ssm.patch_baselines as p\n", "sandbox.ssm.patch_baselines"),
    ("from ..module_utils import x\n", "plugins.module_utils"),
    ("importlib.import_module('sandbox.ssm')\n", "sandbox.ssm"),
])
def test_the_parser_sees_each_kind_of_import(source, name):
    assert name in imported_modules(ROOT / "plugins" / "modules" / "probe.py", source)
