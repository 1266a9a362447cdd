"""DescribePatchProperties: the values patch filters can take, per operating system and property.

The values live in `data/patch_properties.json` (one entry per OS; Windows split by patch set,
OS or APPLICATION), whose `sources` member names the AWS page or CLI example behind each OS and
property's values, or says which values are the sandbox's own. They are loaded once.
"""

import functools
import json
from pathlib import Path

from sandbox.ssm.predefined_baselines import ssm_model_shapes
from sandbox.wire.errors import ValidationException
from sandbox.wire.paging import paginate

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "patch_properties.json"
DEFAULT_PATCH_SET = "OS"
# DescribePatchProperties' MaxResults is the model's generic MaxResults shape; with none given, a
# page is as long as the shape allows.
_MAX_RESULTS_SHAPE = ssm_model_shapes()["MaxResults"]
MAX_RESULTS = {"default": _MAX_RESULTS_SHAPE["max"], "minimum": _MAX_RESULTS_SHAPE["min"], "maximum": _MAX_RESULTS_SHAPE["max"]}


@functools.lru_cache(maxsize=1)
def property_sources():
    """{operating system: {property: [source, ...]}} (Windows: {patch set: {property: [...]}})."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["sources"]


def _entries(values):
    return tuple(value if isinstance(value, dict) else {"Name": value} for value in values)


@functools.lru_cache(maxsize=1)
def property_table():
    """{operating system: {patch set or None: {property: (entry, ...)}}}, entries are API maps."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    shared = raw["shared"]

    def resolve(properties):
        return {
            name: _entries(shared[values] if isinstance(values, str) else values)
            for name, values in properties.items()
        }

    table = {}
    for operating_system, properties in raw["operating_systems"].items():
        if operating_system == "WINDOWS":
            table[operating_system] = {patch_set: resolve(props) for patch_set, props in properties.items()}
        else:
            table[operating_system] = {None: resolve(properties)}
    return table


def supported_properties(operating_system):
    """The properties DescribePatchProperties knows for an operating system."""
    sets = property_table().get(operating_system, {})
    return sorted({name for props in sets.values() for name in props})


def patch_properties(operating_system, property_name, patch_set=None):
    """The property entries for an OS (and Windows patch set); ValidationException when unsupported."""
    sets = property_table().get(operating_system)
    if sets is None:
        raise ValidationException(f"Operating system {operating_system} is not supported.")
    # PatchSet only means something for Windows; AWS ignores it for the other systems.
    key = (patch_set or DEFAULT_PATCH_SET) if operating_system == "WINDOWS" else None
    properties = sets[key]
    if property_name not in properties:
        raise ValidationException(
            f"Property {property_name} is not supported for operating system {operating_system}. "
            f"Supported properties: {', '.join(sorted(properties))}."
        )
    return properties[property_name]


def describe_patch_properties(params):
    """The whole DescribePatchProperties call on a parsed request: {Properties, NextToken?}."""
    # OperatingSystem and Property are required and, like PatchSet, enums in the model: the model
    # validator has checked them. Which properties an operating system has is the semantic part.
    operating_system = params["OperatingSystem"]
    property_name = params["Property"]
    patch_set = params.get("PatchSet")
    entries = patch_properties(operating_system, property_name, patch_set)
    page, token = paginate(
        entries,
        params.get("MaxResults"),
        params.get("NextToken"),
        context=["DescribePatchProperties", operating_system, property_name, patch_set],
        **MAX_RESULTS,
    )
    result = {"Properties": [dict(entry) for entry in page]}
    if token:
        result["NextToken"] = token
    return result
