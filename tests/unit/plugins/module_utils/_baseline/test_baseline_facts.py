"""The baseline facts against their sources: botocore's SSM model, and the AWS pages the key table cites."""

import gzip
import json
import pathlib
import re

import botocore
import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline import facts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._baseline.definition import validate_fields

# Read the model file itself, not through botocore's loader that facts.py uses.
MODEL_DIR = pathlib.Path(botocore.__file__).parent / "data" / "ssm"
_VERSION_DIR = sorted(MODEL_DIR.iterdir())[-1]
_RAW = (_VERSION_DIR / "service-2.json").read_bytes() if (_VERSION_DIR / "service-2.json").exists() else gzip.decompress(
    (_VERSION_DIR / "service-2.json.gz").read_bytes()
)
SHAPES = json.loads(_RAW)["shapes"]


def plain(documentation):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", documentation))


@pytest.mark.parametrize("name, shape", sorted(facts.LIMIT_SHAPES.items()))
def test_each_limit_is_the_models_maximum(name, shape):
    assert facts.limit(name) == SHAPES[shape]["max"]


def test_the_limits_are_the_ones_create_patch_baseline_has():
    """Every limit names a shape CreatePatchBaseline's members reach (a typo would pick another limit)."""
    reached, todo = set(), ["CreatePatchBaselineRequest"]
    while todo:
        shape = SHAPES[todo.pop()]
        for child in [m["shape"] for m in shape.get("members", {}).values()] + [shape.get("member", {}).get("shape")]:
            if child and child not in reached:
                reached.add(child)
                todo.append(child)
    assert set(facts.LIMIT_SHAPES.values()) - reached == set()


def test_patterns_and_enums_come_from_the_model():
    assert "^" + facts.shape_pattern("BaselineName") + "$" == SHAPES["BaselineName"]["pattern"]
    assert facts.pattern_length("PatchSourceName") == tuple(
        int(n) for n in re.search(r"\{(\d+),(\d+)\}", SHAPES["PatchSourceName"]["pattern"]).groups()
    )
    assert facts.shape_enum("PatchSet") == tuple(SHAPES["PatchSet"]["enum"])


def test_the_table_covers_every_operating_system_of_the_api():
    assert set(facts.FILTER_KEYS) == set(SHAPES["OperatingSystem"]["enum"])


def test_every_key_is_a_patch_filter_key_of_the_api():
    assert {key for keys in facts.FILTER_KEYS.values() for key in keys} <= set(SHAPES["PatchFilterKey"]["enum"])


def describe_patch_properties_rows():
    """{OS: (property, ...)} from the operation's documentation ("AMAZON_LINUX Valid properties: A | B")."""
    import botocore.session

    text = plain(botocore.session.get_session().get_service_model("ssm").operation_model("DescribePatchProperties").documentation)
    return {
        system: tuple(part.strip() for part in properties.split("|"))
        for system, properties in re.findall(r"([A-Z_0-9]+) Valid properties: ((?:[A-Z_]+ ?\| ?)*[A-Z_]+)", text)
    }


# Keys a row has from a page other than DescribePatchProperties (the comments of facts.FILTER_KEYS).
FROM_OTHER_PAGES = {"DEBIAN": {"SECTION"}, "UBUNTU": {"SECTION"}, "WINDOWS": {"PATCH_SET"}}
# Systems DescribePatchProperties does not name, and the system the User Guide groups each with.
GROUPED_WITH = {
    "AMAZON_LINUX_2022": "AMAZON_LINUX_2023", "ROCKY_LINUX": "REDHAT_ENTERPRISE_LINUX",
    "ALMA_LINUX": "REDHAT_ENTERPRISE_LINUX", "RASPBIAN": "DEBIAN",
}


def test_rows_are_what_describe_patch_properties_documents():
    documented = describe_patch_properties_rows()
    assert len(documented) == 11, documented  # the reference names eleven systems
    assert set(documented) | set(GROUPED_WITH) == set(facts.FILTER_KEYS)
    for system, properties in documented.items():
        assert set(facts.FILTER_KEYS[system]) - FROM_OTHER_PAGES.get(system, set()) == set(properties), system


def test_grouped_systems_take_their_groups_keys():
    for system, group in GROUPED_WITH.items():
        assert facts.FILTER_KEYS[system] == facts.FILTER_KEYS[group], system


def test_windows_keys_are_the_ones_the_patch_filter_page_names():
    import botocore.session

    text = plain(botocore.session.get_session().get_service_model("ssm").shape_for("PatchFilter").documentation)
    named = re.search(r"available filter keys for WINDOWS are (.*?)\.", text).group(1)
    assert set(re.findall(r"[A-Z_]{3,}", named)) == set(facts.FILTER_KEYS["WINDOWS"])


@pytest.mark.parametrize("shape, field, too_many", [
    ("PatchFilterList", "global_filters", {"PRODUCT": "*", "CLASSIFICATION": "*", "SEVERITY": "*", "PRIORITY": "*", "SECTION": "*"}),
    ("PatchIdList", "approved_patches", ["p"] * (SHAPES["PatchIdList"]["max"] + 1)),
    ("PatchSourceList", "sources", [{"name": f"src{i}", "products": ["x"], "configuration": "y"}
                                    for i in range(SHAPES["PatchSourceList"]["max"] + 1)]),
])
def test_validation_refuses_one_more_than_the_model_allows(shape, field, too_many):
    desired = {field: too_many}
    errors = validate_fields(desired, "AMAZON_LINUX_2", SHAPES["OperatingSystem"]["enum"])
    assert any(error.startswith(field) and str(SHAPES[shape]["max"]) in error for error in errors), errors
