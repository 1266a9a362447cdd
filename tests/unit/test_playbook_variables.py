"""Every variable a playbook reads is documented in its README, with the type, default and choices of the
role option it is, when it is one (a survey built from the README asks exactly what the playbook takes)."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "meta" / "argument_specs.yml").is_file())
# Which README documents which playbooks' variables.
READMES = {PLAYBOOKS / "README.md": sorted(PLAYBOOKS.glob("*.yml")), PLAYBOOKS / "fleet" / "README.md": sorted((PLAYBOOKS / "fleet").glob("*.yml"))}
NOT_PLAYBOOKS = {"inventory.yml", "inventory.example.yml"}


def role_options():
    options = {}
    for role in ROLES:
        spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
        options.update(spec["argument_specs"]["main"]["options"])
    return options


def is_role_variable(name):
    return name.startswith(tuple(f"{role}_" for role in ROLES))


def tables(readme):
    """[(variable, {column: cell})] of every row of every table of the README whose first column is Variable. A row of several
    variables (`a` / `b`) gives each its part of every cell split the same way; `playbooks` is the playbooks
    the row is about: its Playbooks column, else the playbook its section's heading names, else all."""
    rows = []
    header = None
    heading_playbooks = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading_playbooks = re.findall(r"`([a-z_]+\.yml)`", line)
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        if header[0] != "variable" or set("".join(cells)) <= set("-: "):
            continue
        names = re.findall(r"`([a-z_][a-z0-9_.]*)`", cells[0])
        row = dict(zip(header, cells))
        named = re.findall(r"`([a-z_]+\.yml)`", row.get("playbooks", ""))
        playbooks = named or heading_playbooks or None
        if row.get("playbooks", "").startswith("all"):
            playbooks = None
        for index, name in enumerate(names):
            part = {}
            for column, cell in row.items():
                pieces = cell.split(" / ")
                part[column] = pieces[index].strip() if len(names) > 1 and len(pieces) == len(names) else cell
            rows.append((name, {**part, "playbooks": playbooks}))
    return rows


def plays(path):
    return [play for play in yaml.safe_load(path.read_text(encoding="utf-8")) or [] if isinstance(play, dict)]


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def read_variables(path):
    """The variables a user can give a playbook: its plays' vars, its vars_files' keys and what it reads with
    `| default(` (an extra variable with no value of its own), less what it sets itself and the roles' own."""
    text = path.read_text(encoding="utf-8")
    names = set()
    own = set()
    for play in plays(path):
        names |= set(play.get("vars") or {})
        for vars_file in play.get("vars_files") or []:
            names |= set(yaml.safe_load((path.parent / vars_file).read_text(encoding="utf-8")))
        for task in walk(play.get("tasks") or []):
            own |= set(task.get("ansible.builtin.set_fact") or {}) | ({task["register"]} if "register" in task else set())
            if "ansible.builtin.debug" in task or "ansible.builtin.set_fact" in task:
                own |= set(task.get("vars") or {})
    names |= set(re.findall(r"(?<![.\w])([a-z][a-z0-9_]*)\s*\|\s*default\(", text))
    return {name for name in names - own if not name.startswith("_") and not is_role_variable(name)}


CASES = [(readme, path) for readme, paths in READMES.items() for path in paths if path.name not in NOT_PLAYBOOKS]


@pytest.mark.parametrize("readme, playbook", CASES, ids=[f"{case[1].parent.name}/{case[1].name}" for case in CASES])
def test_every_variable_a_playbook_reads_is_documented(readme, playbook):
    documented = {row[0] for row in tables(readme)}
    missing = sorted(read_variables(playbook) - documented)
    assert missing == [], f"{playbook.name} reads {missing}, not in a Variable table of {readme.relative_to(ROOT)}"


def role_values(playbook_paths, name):
    """The values the playbooks give a role variable in include_role vars (what the README's default must say)."""
    values = []
    for path in playbook_paths:
        for play in plays(path):
            for task in walk(play.get("tasks") or []):
                if "ansible.builtin.include_role" in task and name in (task.get("vars") or {}):
                    values.append(task["vars"][name])
    return values


def backticked(cell):
    """The YAML values of a cell's `code` parts."""
    values = []
    for text in re.findall(r"`([^`]*)`", cell):
        try:
            values.append(yaml.safe_load(text))
        except yaml.YAMLError:
            values.append(text)
    return values


@pytest.mark.parametrize("readme", sorted(READMES), ids=lambda path: str(path.relative_to(ROOT)))
def test_documented_role_variables_have_the_argument_specs_type_default_and_choices(readme):
    options = role_options()
    problems = []
    for name, row in tables(readme):
        if name not in options:
            continue
        spec = options[name]
        if not row.get("type", "").startswith(spec["type"]):
            problems.append(f"{name}: type {row.get('type')!r}, the spec says {spec['type']}")
        if "choices" in spec:
            column = row.get("choices / range", "")
            if sorted(map(str, backticked(column))) != sorted(map(str, spec["choices"])):
                problems.append(f"{name}: choices {column!r}, the spec says {spec['choices']}")
        paths = [path for path in READMES[readme] if row["playbooks"] is None or path.name in row["playbooks"]]
        given = role_values(paths, name)
        literal = [value for value in given if not (isinstance(value, str) and "{{" in value)]
        default = row.get("default", "")
        if given:
            # A value the playbook computes ("{{ ... }}") is said in words; a literal one must be there as is.
            if not all(value in backticked(default) for value in literal):
                problems.append(f"{name}: default {default!r}, the playbooks give {literal}")
        elif spec.get("default") is not None and spec["default"] not in backticked(default):
            problems.append(f"{name}: default {default!r}, the spec says {spec['default']!r}")
    assert problems == [], "\n".join(problems)
