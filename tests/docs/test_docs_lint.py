"""`make docs-lint`'s antsibull-docs lint, with the Makefile's own flags, fails on a broken documentation.

The flags are read from the Makefile's docs-lint recipe, so that what is proven here is what `make test`
runs: a reference to a module that does not exist, in this collection or in amazon.aws, an option the
module does not have, and broken markup are each reported, and nothing else is.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
BIN = Path(sys.executable).parent

MODULE = '''DOCUMENTATION = r"""
module: sample
short_description: A sample module
version_added: 1.0.0
description:
  - {description}
author: [cptest]
options:
  name:
    description: [The name.]
    type: str
"""
EXAMPLES = r"""
- name: Run it
  cptest.docs.sample:
    name: x
"""
RETURN = r"""
name:
  description: The name.
  returned: always
  type: str
  sample: x
"""
'''


def lint_flags():
    """The options the Makefile's docs-lint gives `antsibull-docs lint-collection-docs`."""
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^docs-lint:.*?antsibull-docs lint-collection-docs (.+?) \.$", makefile, re.MULTILINE | re.DOTALL)
    assert match, "the Makefile's docs-lint does not run antsibull-docs lint-collection-docs"
    return shlex.split(match.group(1))


def lint(tmp_path, description):
    collection = tmp_path / "ansible_collections" / "cptest" / "docs"
    (collection / "plugins" / "modules").mkdir(parents=True)
    (collection / "meta").mkdir()
    (collection / "galaxy.yml").write_text(
        "namespace: cptest\nname: docs\nversion: 1.0.0\nreadme: README.md\nauthors: [cptest]\n"
        "dependencies:\n  amazon.aws: '>=10.0.0'\n", encoding="utf-8")
    (collection / "meta" / "runtime.yml").write_text("requires_ansible: '>=2.17'\n", encoding="utf-8")
    (collection / "plugins" / "modules" / "sample.py").write_text(MODULE.format(description=description), encoding="utf-8")
    environment = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": f"{tmp_path}{os.pathsep}{COLLECTIONS_PATH}",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    result = subprocess.run([str(BIN / "antsibull-docs"), "lint-collection-docs", *lint_flags(), str(collection)], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, check=False, timeout=300)
    return result.returncode, result.stdout + result.stderr


def test_the_makefile_lints_plugin_docs_and_every_reference():
    flags = lint_flags()
    assert "--plugin-docs" in flags and "--disallow-unknown-collection-refs" in flags
    assert flags[flags.index("--validate-collection-refs") + 1] == "all"


# Each line is one description entry of the sample module, with the message the lint must give for it.
BROKEN = {
    "See M(cptest.docs.nothing).": "there is no module cptest.docs.nothing",
    "See M(amazon.aws.nothing).": "there is no module amazon.aws.nothing",
    "Set O(nothing).": "O(nothing): option name does not reference to an existing option",
    "See I(unclosed.": "Cannot find closing",
}


def test_a_broken_doc_fails_the_lint_with_one_message_a_problem(tmp_path):
    # One run for all four (the lint loads every installed collection: about 15 s a run). The fixture
    # is otherwise clean: the lint reports exactly these four, and a valid reference to amazon.aws
    # and to the module's own option passes.
    valid = "Uses M(amazon.aws.ec2_instance) and O(name)."
    returncode, output = lint(tmp_path, "\n  - ".join([valid, *BROKEN]))
    assert returncode != 0, output
    messages = [line for line in output.splitlines() if line.strip()]
    assert len(messages) == len(BROKEN), output
    for entry, reported in BROKEN.items():
        assert any(reported in message for message in messages), f"{entry!r} not reported:\n{output}"
