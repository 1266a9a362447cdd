"""DescribePatchProperties through boto3, and the property table itself."""

import pytest
from botocore.exceptions import ClientError

from sandbox.ssm.patch_properties import property_table, supported_properties
from sandbox.ssm.predefined_baselines import operating_systems


@pytest.fixture
def ssm(sandbox):
    # DescribePatchProperties reads static data: the shared sandbox needs no reset.
    return sandbox.client("ssm")


def names(ssm, **params):
    pages = ssm.get_paginator("describe_patch_properties").paginate(**params)
    return [entry["Name"] for page in pages for entry in page["Properties"]]


def test_amazon_linux_2_classifications_and_severities(ssm):
    assert names(ssm, OperatingSystem="AMAZON_LINUX_2", Property="CLASSIFICATION") == [
        "Security", "Bugfix", "Enhancement", "Recommended", "Newpackage"]
    assert names(ssm, OperatingSystem="AMAZON_LINUX_2", Property="SEVERITY") == [
        "Critical", "Important", "Medium", "Low"]
    assert "AmazonLinux2" in names(ssm, OperatingSystem="AMAZON_LINUX_2", Property="PRODUCT")


def test_windows_properties_by_patch_set(ssm):
    assert names(ssm, OperatingSystem="WINDOWS", Property="MSRC_SEVERITY") == [
        "Critical", "Important", "Moderate", "Low", "Unspecified"]
    assert "SecurityUpdates" in names(ssm, OperatingSystem="WINDOWS", Property="CLASSIFICATION")
    os_products = names(ssm, OperatingSystem="WINDOWS", Property="PRODUCT")
    assert "WindowsServer2019" in os_products and "Office 2016" not in os_products
    applications = ssm.describe_patch_properties(
        OperatingSystem="WINDOWS", Property="PRODUCT", PatchSet="APPLICATION", MaxResults=50)["Properties"]
    office = next(entry for entry in applications if entry["Name"] == "Office 2016")
    assert office["ProductFamily"] == "Office"
    assert "Office" in names(ssm, OperatingSystem="WINDOWS", Property="PRODUCT_FAMILY", PatchSet="APPLICATION")


def test_debian_family_priorities(ssm):
    for operating_system in ("DEBIAN", "UBUNTU"):
        assert names(ssm, OperatingSystem=operating_system, Property="PRIORITY") == [
            "Required", "Important", "Standard", "Optional", "Extra"]


def test_pagination(ssm):
    pages = list(ssm.get_paginator("describe_patch_properties").paginate(
        OperatingSystem="WINDOWS", Property="CLASSIFICATION", PaginationConfig={"PageSize": 4}))
    assert [len(page["Properties"]) for page in pages] == [4, 4, 2]
    first = ssm.describe_patch_properties(OperatingSystem="WINDOWS", Property="CLASSIFICATION", MaxResults=4)
    second = ssm.describe_patch_properties(
        OperatingSystem="WINDOWS", Property="CLASSIFICATION", MaxResults=4, NextToken=first["NextToken"])
    assert second["Properties"] == pages[1]["Properties"]
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_patch_properties(OperatingSystem="UBUNTU", Property="PRIORITY", NextToken=first["NextToken"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidNextToken"


@pytest.mark.parametrize("operating_system, prop", [
    ("AMAZON_LINUX_2", "MSRC_SEVERITY"), ("UBUNTU", "CLASSIFICATION"), ("MACOS", "SEVERITY"),
    ("WINDOWS", "PRIORITY"),
])
def test_property_not_supported_for_the_os(ssm, operating_system, prop):
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_patch_properties(OperatingSystem=operating_system, Property=prop)
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_max_results_limits(sandbox):
    raw = sandbox.client("ssm", parameter_validation=False)
    for bad in (0, 51):
        with pytest.raises(ClientError) as excinfo:
            raw.describe_patch_properties(OperatingSystem="WINDOWS", Property="PRODUCT", MaxResults=bad)
        assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_every_operating_system_of_the_model_has_properties():
    table = property_table()
    assert set(table) == set(operating_systems())
    for operating_system in operating_systems():
        assert "PRODUCT" in supported_properties(operating_system), operating_system
        for sets in table[operating_system].values():
            assert all(entries for entries in sets.values()), operating_system
