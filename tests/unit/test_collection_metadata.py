"""The collection's metadata agrees with itself: version, action group, dependencies."""

from pathlib import Path

import yaml

from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_NAME
from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_VERSION

ROOT = Path(__file__).resolve().parents[2]


def load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_user_agent_names_the_collection_and_version_of_galaxy_yml():
    galaxy = load("galaxy.yml")
    assert CLOUDPATCH_SSM_COLLECTION_NAME == f"{galaxy['namespace']}.{galaxy['name']}"
    assert CLOUDPATCH_SSM_COLLECTION_VERSION == galaxy["version"]


def test_depends_on_amazon_aws_10():
    assert load("galaxy.yml")["dependencies"] == {"amazon.aws": ">=10.0.0"}


def test_action_group_lists_every_module_and_extends_amazon_aws():
    group = load("meta/runtime.yml")["action_groups"]["patch_manager"]
    metadata = [entry for entry in group if isinstance(entry, dict)]
    assert metadata == [{"metadata": {"extend_group": ["amazon.aws.aws"]}}]
    listed = sorted(entry for entry in group if isinstance(entry, str))
    modules = sorted(path.stem for path in (ROOT / "plugins/modules").glob("*.py"))
    assert listed == modules
