"""The catalogs: data consistent with DescribePatchProperties, relative dates, derived installed sets."""

import datetime
import json
import re
import subprocess
import sys

import pytest

from sandbox.agent.patch_catalog import (
    ABSENT,
    CATALOG_DIR,
    CURRENT,
    OUTDATED,
    anchor_date,
    catalog_for,
    installed_codes,
    load_catalog,
)
from sandbox.ssm.patch_properties import patch_properties

FAMILIES = {"amazon_linux_2": "AMAZON_LINUX_2", "amazon_linux_2023": "AMAZON_LINUX_2023",
            "redhat_enterprise_linux": "REDHAT_ENTERPRISE_LINUX", "ubuntu": "UBUNTU", "windows": "WINDOWS"}


@pytest.mark.parametrize("key", sorted(FAMILIES))
def test_each_family_has_a_few_hundred_distinct_patches(key):
    catalog = load_catalog(key)
    assert 200 <= len(catalog) <= 400
    assert len({patch.kb_id for patch in catalog.patches}) == len(catalog)
    assert catalog_for(FAMILIES[key]) is catalog


@pytest.mark.parametrize("key", ["amazon_linux_2", "amazon_linux_2023", "redhat_enterprise_linux"])
def test_rpm_values_are_the_ones_patch_filters_accept(key):
    operating_system = FAMILIES[key]
    classifications = {entry["Name"] for entry in patch_properties(operating_system, "CLASSIFICATION")}
    severities = {entry["Name"] for entry in patch_properties(operating_system, "SEVERITY")}
    for patch in load_catalog(key).patches:
        assert patch.classification in classifications | {""}
        assert patch.severity in severities | {""}
        assert bool(patch.advisory_ids) == patch.has_notice
        assert (patch.severity != "") == (patch.classification == "Security")


def test_windows_values_are_the_ones_patch_filters_accept():
    classifications = {entry["Name"] for entry in patch_properties("WINDOWS", "CLASSIFICATION")}
    severities = {entry["Name"] for entry in patch_properties("WINDOWS", "MSRC_SEVERITY")}
    for patch in load_catalog("windows").patches:
        assert patch.kb_id.startswith("KB") and patch.kb_id in patch.title
        assert patch.classification in classifications and patch.msrc_severity in severities


def test_newest_patches_are_dated_from_the_anchor_day():
    """7-day and 0-day baselines must always disagree: some security updates are 0-6 days old."""
    recent = [patch for patch in load_catalog("amazon_linux_2").patches
              if patch.release_day and (anchor_date() - patch.release_day).days < 7]
    assert {"kernel", "openssl", "sudo"} <= {patch.name for patch in recent}
    assert all(patch.release_date.tzinfo == datetime.timezone.utc for patch in recent)
    kernel = next(patch for patch in recent if patch.name == "kernel")
    assert kernel.reboot and kernel.security and (anchor_date() - kernel.release_day).days == 2


def test_installed_set_is_derived_from_the_node_id():
    catalog = load_catalog("amazon_linux_2")
    first = installed_codes("i-0123456789abcdef0", catalog)
    assert installed_codes("i-0123456789abcdef0", catalog) == first
    assert installed_codes("i-0123456789abcdef1", catalog) != first
    # Base-system packages are always there; dozens of updates are left available.
    for patch in catalog.patches:
        if patch.presence == 1.0:
            assert first[patch.index] != ABSENT
    assert 20 <= first.count(OUTDATED) <= 90 and first.count(CURRENT) > 50


def test_windows_os_patches_apply_to_the_node_product_only():
    catalog = load_catalog("windows")
    codes = installed_codes("i-0123456789abcdef0", catalog, ("WindowsServer2022",))
    for patch in catalog.patches:
        if patch.patch_set == "OS" and patch.product != "WindowsServer2022":
            assert codes[patch.index] == ABSENT


def test_generator_reproduces_the_committed_files(tmp_path):
    script = CATALOG_DIR / "generate_catalogs.py"
    source = script.read_text(encoding="utf-8").replace(
        "OUT = Path(__file__).resolve().parent", f"OUT = Path({str(tmp_path)!r})")
    copy = tmp_path / "generate.py"
    copy.write_text(source, encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    for key in FAMILIES:
        assert json.loads((tmp_path / f"{key}.json").read_text()) == json.loads((CATALOG_DIR / f"{key}.json").read_text())


def test_windows_patches_in_the_api_carry_msrc_number_and_the_kb_article_link():
    # As the AWS CLI's describe-available-patches.rst shows them: MsrcNumber "" when Microsoft gave
    # none, ContentUrl https://support.microsoft.com/en-us/kb/<number>.
    windows = load_catalog("windows")
    for patch in windows.patches[:50]:
        item = patch.to_api()
        assert item["MsrcNumber"] == (patch.msrc_number or "")
        assert item["ContentUrl"] == f"https://support.microsoft.com/en-us/kb/{patch.kb_id[2:]}"
    linux = load_catalog("amazon_linux_2").patches[0].to_api()
    assert "MsrcNumber" not in linux and "KbNumber" not in linux


def test_windows_patches_carry_aws_ids_not_kb_numbers():
    # API reference, Patch.Id: "This ID isn't the same as the Microsoft Knowledge Base ID"; the AWS
    # CLI's describe-available-patches.rst shows UUIDs, with the KB as KbNumber.
    patches = [patch.to_api() for patch in load_catalog("windows").patches]
    ids = [item["Id"] for item in patches]
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", id_) for id_ in ids)
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"KB\d+", item["KbNumber"]) and item["Id"] != item["KbNumber"] for item in patches)
    documented = next(item for item in patches if item["KbNumber"] == "KB4480979")
    assert documented["Id"] == "680861e3-fb75-432e-818e-d72e5f2be719"  # describe-available-patches.rst
