"""ssm_patch_compliance_info's checks: bounds, a selection of nothing, and never a silent pass on zero nodes."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_compliance_info as module_under_test

from doc_options import documented_options  # pylint: disable=import-error  # beside this file


def params(**overrides):
    base = {"instance_ids": None, "patch_groups": None, "tags": None, "instances": False, "reporting_days": 7, "operations_limit": 10}
    base.update(overrides)
    return base


def dashboard(nodes):
    return {"patch_states": {"managed_nodes": nodes}}


@pytest.mark.parametrize("overrides, message", [
    ({"reporting_days": 0}, "reporting_days must be 1-3650 days, got 0"),
    ({"reporting_days": 10_000_000_000}, "reporting_days must be 1-3650 days, got 10000000000"),
    ({"operations_limit": 0}, "operations_limit must be 1-50, got 0"),
    ({"operations_limit": 51}, "operations_limit must be 1-50, got 51"),
    ({"instance_ids": []}, "instance_ids is empty"),
    ({"patch_groups": []}, "patch_groups is empty"),
    ({"tags": {}}, "tags is empty"),
    ({"instance_ids": ["i-0123456789abcdef0\n"]}, "instance_ids[0] must be an i- or mi- node id"),
])
def test_validation_names_the_option(overrides, message):
    assert any(message in error for error in module_under_test.validate(params(**overrides)))


def test_the_bounds_themselves_are_valid():
    assert module_under_test.validate(params(reporting_days=3650, operations_limit=50)) == []
    assert module_under_test.validate(params(reporting_days=1, operations_limit=1)) == []


def test_zero_matched_nodes_are_said_with_the_region():
    assert module_under_test.selection_warnings(params(patch_groups=["Nobody"]), dashboard(0), set(), "eu-west-1") == [
        "0 nodes in eu-west-1 matched patch groups Nobody: every count is zero"]
    assert module_under_test.selection_warnings(params(), dashboard(0), set(), "us-east-1") == [
        "there is no managed node in us-east-1: every count is zero"]
    assert module_under_test.selection_warnings(params(patch_groups=["App"]), dashboard(2), set(), "us-east-1") == []


def test_listed_ids_that_are_not_managed_nodes_are_named():
    wanted = params(instance_ids=["i-00000001", "i-00000002"])
    assert module_under_test.selection_warnings(wanted, dashboard(1), {"i-00000001"}, "us-east-1") == [
        "instance_ids[1] i-00000002 is not a managed node in us-east-1"]
    # With a group or tags as well, an id outside them is filtered out on purpose: no warning.
    assert module_under_test.selection_warnings(dict(wanted, patch_groups=["App"]), dashboard(1), {"i-00000001"}, "us-east-1") == []


def test_every_example_is_valid_for_the_module():
    import yaml  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel

    options = documented_options(module_under_test)
    spec = dict((name, {"type": option.get("type", "str"), **({"elements": option["elements"]} if "elements" in option else {})})
                for name, option in options.items())
    tasks = [task for task in yaml.safe_load(module_under_test.EXAMPLES) if "cloudpatch.ssm.ssm_patch_compliance_info" in task]
    assert len(tasks) >= 3
    for task in tasks:
        assert task.get("name") and task.get("register") not in ("groups", "hostvars", "vars", "environment")
        args = task["cloudpatch.ssm.ssm_patch_compliance_info"] or {}
        assert not ArgumentSpecValidator(spec).validate(args).error_messages, task["name"]
        assert module_under_test.validate(params(**args)) == [], task["name"]
