"""Shared by every test in the repository.

Makes the checkout importable as `ansible_collections.cloudpatch.ssm` (a symlink under .build, the
layout ansible-playbook and the module_utils imports expect) and loads the sandbox's fixtures.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"


def _link_collection():
    link = COLLECTIONS_PATH / "ansible_collections" / "cloudpatch" / "ssm"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    if str(COLLECTIONS_PATH) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS_PATH))


_link_collection()

pytest_plugins = ["sandbox.testing.plugin"]
