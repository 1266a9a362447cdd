"""The patch_fleet inventory's documentation and examples: complete, and every example a configuration it accepts."""

import yaml

from ansible_collections.cloudpatch.ssm.plugins.inventory import patch_fleet
from ansible_collections.cloudpatch.ssm.plugins.module_utils import fleet_inventory
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

PLUGIN_DOC = yaml.safe_load(patch_fleet.DOCUMENTATION)
OPTIONS = PLUGIN_DOC["options"]
# The options the documentation fragments add (inventory_cache, constructed, amazon.aws's).
FRAGMENT_OPTIONS = {"cache", "cache_plugin", "cache_connection", "cache_timeout", "cache_prefix", "compose", "groups", "keyed_groups",
                    "strict", "leading_separator", "use_extra_vars", "access_key", "secret_key", "session_token", "profile",
                    "endpoint_url", "region", "assume_role_arn"}


def test_every_option_has_a_description_and_a_type_and_the_checked_ones_are_documented():
    for name, option in OPTIONS.items():
        assert option.get("description"), name
        assert option.get("type") in ("str", "bool", "list"), name
        if option["type"] == "list":
            assert option.get("elements") in ("str", "raw"), name
    assert set(patch_fleet.CONFIG_KEYS) <= set(OPTIONS)
    assert OPTIONS["role_name"]["default"] == fleet_inventory.DEFAULT_ROLE_NAME
    assert OPTIONS["hostname_template"]["default"] == fleet_inventory.DEFAULT_HOSTNAME_TEMPLATE
    assert OPTIONS["plugin"]["choices"] == [patch_fleet.InventoryModule.NAME]
    assert set(PLUGIN_DOC["extends_documentation_fragment"]) >= {"constructed", "inventory_cache", "amazon.aws.common.plugins"}


def test_every_example_is_a_configuration_the_plugin_accepts():
    examples = list(yaml.safe_load_all(patch_fleet.EXAMPLES))
    assert len(examples) == 3
    for example in examples:
        assert example["plugin"] == "cloudpatch.ssm.patch_fleet"
        assert set(example) <= set(OPTIONS) | FRAGMENT_OPTIONS, sorted(set(example) - set(OPTIONS) - FRAGMENT_OPTIONS)
        options = dict((key, option.get("default")) for key, option in OPTIONS.items())
        options.update(example)
        fleet_inventory.check_config(options)


def test_the_session_name_says_who_and_fits_sts():
    name = patch_fleet.session_name()
    assert name.startswith("cloudpatch-fleet-")
    assert 2 <= len(name) <= 64
    assert full_match(r"[\w+=,.@-]+", name)
