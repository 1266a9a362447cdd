"""The sandbox's patch facts against AWS's: the data files name a source for everything, and agree with
the botocore model and the API reference text it carries."""

import json
import re

import botocore.session
import pytest

from sandbox.ssm import patch_baselines, patch_properties
from sandbox.ssm.predefined_baselines import operating_systems, ssm_model_shapes
from sandbox.wire.errors import ValidationException

FILTER_FACTS = json.loads(patch_baselines.FILTER_KEYS_FILE.read_text(encoding="utf-8"))["operating_systems"]
SHAPES = ssm_model_shapes()


def documented_properties():
    """{OS: {property}} from DescribePatchProperties' documentation ("DEBIAN Valid properties: PRODUCT | PRIORITY")."""
    model = botocore.session.get_session().get_service_model("ssm")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", model.operation_model("DescribePatchProperties").documentation))
    found = re.findall(r"([A-Z_0-9]+) Valid properties: ((?:[A-Z_]+ ?\| ?)*[A-Z_]+)", text)
    return {system: {part.strip() for part in properties.split("|")} for system, properties in found}


def test_every_operating_system_has_one_entry_with_sources():
    assert set(FILTER_FACTS) == set(operating_systems())
    for system, facts in FILTER_FACTS.items():
        assert facts["sources"] and all(isinstance(source, str) and source.strip() for source in facts["sources"]), system


def test_every_key_is_one_the_model_knows():
    for system, facts in FILTER_FACTS.items():
        assert set(facts["approval_rule_keys"]) | set(facts["global_filter_keys"]) <= set(SHAPES["PatchFilterKey"]["enum"])


def test_the_module_constants_are_the_files_rows():
    assert patch_baselines.RULE_FILTER_KEYS == {s: tuple(f["approval_rule_keys"]) for s, f in FILTER_FACTS.items()}
    assert patch_baselines.GLOBAL_FILTER_KEYS == {s: tuple(f["global_filter_keys"]) for s, f in FILTER_FACTS.items()}
    assert patch_baselines.NO_APPROVAL_DELAY_SYSTEMS == {"DEBIAN", "UBUNTU", "RASPBIAN"}
    assert patch_baselines.NO_SOURCES_SYSTEMS == {"WINDOWS", "MACOS"}


def test_rows_hold_what_describe_patch_properties_documents_and_name_a_source_for_the_rest():
    documented = documented_properties()
    assert len(documented) == 11
    for system, properties in documented.items():
        keys = set(FILTER_FACTS[system]["approval_rule_keys"])
        assert properties <= keys, system
        extra = keys - properties
        # A key beyond DescribePatchProperties' list must be named by one of the entry's other sources.
        others = " ".join(s for s in FILTER_FACTS[system]["sources"] if "API_DescribePatchProperties" not in s)
        for key in extra:
            assert key in others or key.capitalize() in others, (system, key)


def test_the_rows_the_reference_does_not_name_cite_the_user_guide_page_that_groups_them():
    for system in set(FILTER_FACTS) - set(documented_properties()):
        assert any("patch-manager-linux-rules" in source for source in FILTER_FACTS[system]["sources"]), system


def test_every_property_table_entry_names_its_sources():
    sources = patch_properties.property_sources()
    table = patch_properties.property_table()
    assert set(sources) == set(table)
    for system, sets in table.items():
        for patch_set, properties in sets.items():
            cited = sources[system] if patch_set is None else sources[system][patch_set]
            assert set(cited) == set(properties), (system, patch_set)
            assert all(cited[name] and all(source.strip() for source in cited[name]) for name in cited)


def test_the_properties_of_each_system_are_the_documented_ones():
    for system, properties in documented_properties().items():
        assert set(patch_properties.supported_properties(system)) == properties, system


def test_describe_patch_properties_pages_as_the_model_allows():
    assert (patch_properties.MAX_RESULTS["minimum"], patch_properties.MAX_RESULTS["maximum"]) == (
        SHAPES["MaxResults"]["min"], SHAPES["MaxResults"]["max"])


