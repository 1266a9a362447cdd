"""Baseline evaluation rule by rule, on hand-made patches with hand-computed expectations."""

import datetime

import pytest

from sandbox.agent.baseline_evaluation import (
    APPROVED,
    EXPLICIT_APPROVED,
    EXPLICIT_REJECTED,
    NOT_APPROVED,
    PENDING_APPROVAL,
    decide_patch,
)
from sandbox.agent.patch_catalog import DEB, RPM, WINDOWS, Patch, patch_matches_entry

AL2 = ("AmazonLinux2", "AmazonLinux2.0")
UTC = datetime.timezone.utc


def rpm_patch(name="kernel", classification="Security", severity="Important", released=(2024, 1, 10),
              advisory="ALAS2-2024-2400", **extra):
    fields = dict(
        index=0, kb_id=f"{name}.x86_64", title=f"{name}.x86_64:0:4.14.340-1.amzn2", name=name, arch="x86_64",
        epoch=0, version="4.14.340", release="1.amzn2", classification=classification, severity=severity,
        advisory_ids=(advisory,) if advisory else (), cve_ids=("CVE-2024-1086",), bugzilla_ids=("2261234",),
        release_date=datetime.datetime(*released, tzinfo=UTC) if released else None, repository="amzn2-core",
        security=classification == "Security", has_notice=advisory is not None,
    )
    fields.update(extra)
    return Patch(**fields)


def rule(days=0, level="UNSPECIFIED", non_security=False, until=None, **filters):
    stored = {"PatchFilterGroup": {"PatchFilters": [{"Key": key, "Values": values} for key, values in filters.items()]},
              "ComplianceLevel": level, "EnableNonSecurity": non_security}
    stored.update({"ApproveUntilDate": until} if until else {"ApproveAfterDays": days})
    return stored


def baseline(*rules, **fields):
    return {"OperatingSystem": "AMAZON_LINUX_2", "ApprovalRules": {"PatchRules": list(rules)}, **fields}


def decide(patch, base, today=(2024, 1, 20), products=AL2, package_format=RPM):
    return decide_patch(patch, base, products, package_format, datetime.date(*today))


@pytest.mark.parametrize("today, status", [((2024, 1, 16), PENDING_APPROVAL), ((2024, 1, 17), APPROVED)])
def test_approve_after_days_counts_utc_days_from_release(today, status):
    # Released 2024-01-10 with a 7-day delay: approved on 2024-01-17, not the day before.
    decision = decide(rpm_patch(), baseline(rule(days=7, level="HIGH", PRODUCT=["*"])), today=today)
    assert (decision.status, decision.level, decision.approval_date) == (status, "HIGH", datetime.date(2024, 1, 17))


@pytest.mark.parametrize("until, status", [("2024-01-10", APPROVED), ("2024-01-09", NOT_APPROVED)])
def test_approve_until_date_includes_its_day(until, status):
    assert decide(rpm_patch(), baseline(rule(until=until, PRODUCT=["*"]))).status == status


def test_classification_and_severity_exact_values_and_star():
    patch = rpm_patch(classification="Security", severity="Medium")
    assert decide(patch, baseline(rule(CLASSIFICATION=["Security"], SEVERITY=["Critical", "Important"]))).status \
        == NOT_APPROVED
    assert decide(patch, baseline(rule(CLASSIFICATION=["Security"], SEVERITY=["*"]))).status == APPROVED
    assert decide(patch, baseline(rule(CLASSIFICATION=["Bugfix"]))).status == NOT_APPROVED


def test_product_filter_compares_the_node_product():
    patch = rpm_patch()
    assert decide(patch, baseline(rule(PRODUCT=["AmazonLinux2.0"]))).status == APPROVED
    assert decide(patch, baseline(rule(PRODUCT=["AmazonLinux2023"]))).status == NOT_APPROVED


def test_updates_without_notice_need_enable_non_security():
    plain = rpm_patch(name="vim-minimal", classification="", severity="", advisory=None)
    assert decide(plain, baseline(rule(PRODUCT=["*"]))).status == NOT_APPROVED
    assert decide(plain, baseline(rule(PRODUCT=["*"], non_security=True))).status == APPROVED
    # A Bugfix advisory is in updateinfo.xml: no EnableNonSecurity needed (the AWS default baseline).
    assert decide(rpm_patch(classification="Bugfix", severity=""),
                  baseline(rule(CLASSIFICATION=["Bugfix"]))).status == APPROVED


def test_global_filters_exclude_before_rules():
    base = baseline(rule(PRODUCT=["*"]), GlobalFilters={"PatchFilters": [{"Key": "SEVERITY", "Values": ["Critical"]}]})
    assert decide(rpm_patch(severity="Important"), base).status == NOT_APPROVED
    assert decide(rpm_patch(severity="Critical"), base).status == APPROVED


def test_highest_level_among_approving_rules():
    base = baseline(rule(level="MEDIUM", PRODUCT=["*"], non_security=True),
                    rule(level="CRITICAL", CLASSIFICATION=["Security", "Bugfix"]))
    assert decide(rpm_patch(), base).level == "CRITICAL"
    # A rule whose delay has not passed does not raise the level of an approved patch.
    base = baseline(rule(level="LOW", PRODUCT=["*"]), rule(days=30, level="CRITICAL", PRODUCT=["*"]))
    assert (decide(rpm_patch(), base).status, decide(rpm_patch(), base).level) == (APPROVED, "LOW")


def test_approved_list_wildcards_level_and_non_security_flag():
    plain_kernel = rpm_patch(name="kernel-tools", classification="", severity="", advisory=None,
                             kb_id="kernel-tools.x86_64")
    base = baseline(ApprovedPatches=["kernel*"], ApprovedPatchesComplianceLevel="HIGH")
    assert decide(plain_kernel, base).status == NOT_APPROVED
    base["ApprovedPatchesEnableNonSecurity"] = True
    decision = decide(plain_kernel, base)
    assert (decision.status, decision.level) == (EXPLICIT_APPROVED, "HIGH")
    # Explicit approval has no delay: released yesterday, approved today.
    assert decide(rpm_patch(released=(2024, 1, 19)), base).status == EXPLICIT_APPROVED
    assert decide(rpm_patch(name="openssl"), base).status == NOT_APPROVED


def test_rejected_patches_override_rules_and_approved_list():
    base = baseline(rule(PRODUCT=["*"]), ApprovedPatches=["kernel"], RejectedPatches=["kernel.x86_64"])
    assert decide(rpm_patch(), base).status == EXPLICIT_REJECTED


@pytest.mark.parametrize("entry, matches", [
    ("kernel", True), ("kernel.x86_64", True), ("kernel-4.14.340", True), ("kernel-4.14.340-1.amzn2", True),
    ("kernel-4.14.340-1.amzn2.x86_64", True), ("kernel-0:4.14.340-1.amzn2", True),
    ("0:kernel-4.14.340-1.amzn2.x86_64", True), ("kernel.x86_64:0:4.14.340-1.amzn2", True),
    ("kernel*", True), ("kernel-4.14.3*", True), ("kern", False), ("Kernel", False), ("kernel.aarch64", False),
    ("CVE-2024-1086", True), ("CVE-2024-9999", False), ("ALAS2-2024-2400", True), ("2261234", True),
    ("1111111", False), ("kernel-tools*", False),
])
def test_linux_package_name_formats(entry, matches):
    assert patch_matches_entry(rpm_patch(), entry, RPM) is matches


def windows_patch(patch_set="OS", classification="SecurityUpdates", msrc="Critical", product="WindowsServer2022"):
    return Patch(index=0, kb_id="KB5031364", title="Cumulative Update (KB5031364)", name="KB5031364",
                 classification=classification, severity=msrc, msrc_severity=msrc, product=product,
                 product_family="Windows", patch_set=patch_set, advisory_ids=(), cve_ids=(), bugzilla_ids=(),
                 release_date=datetime.datetime(2024, 1, 9, tzinfo=UTC), security=True, has_notice=True)


def test_windows_rules_cover_os_patches_unless_patch_set_says_otherwise():
    base = {"OperatingSystem": "WINDOWS", "ApprovalRules": {"PatchRules": [
        rule(PRODUCT=["*"], CLASSIFICATION=["SecurityUpdates"], MSRC_SEVERITY=["Critical", "Important"])]}}
    assert decide(windows_patch(), base, package_format=WINDOWS, products=()).status == APPROVED
    assert decide(windows_patch(patch_set="APPLICATION"), base, package_format=WINDOWS, products=()).status \
        == NOT_APPROVED
    base["ApprovalRules"]["PatchRules"].append(rule(PATCH_SET=["APPLICATION"], PRODUCT=["*"]))
    assert decide(windows_patch(patch_set="APPLICATION"), base, package_format=WINDOWS, products=()).status == APPROVED
    assert decide(windows_patch(msrc="Low"), base, package_format=WINDOWS, products=()).status == NOT_APPROVED


def test_windows_product_is_the_patch_product_and_kb_ids_are_exact():
    base = {"OperatingSystem": "WINDOWS", "ApprovalRules": {"PatchRules": [rule(PRODUCT=["WindowsServer2019"])]}}
    assert decide(windows_patch(), base, package_format=WINDOWS, products=()).status == NOT_APPROVED
    assert patch_matches_entry(windows_patch(), "KB5031364", WINDOWS)
    assert not patch_matches_entry(windows_patch(), "KB503136*", WINDOWS)


def test_debian_family_has_no_dates_and_security_pocket_gating():
    security = Patch(index=0, kb_id="openssl", title="openssl:3.0.2-0ubuntu1.15", name="openssl", arch="amd64",
                     version="3.0.2-0ubuntu1.15", priority="Important", section="utils", severity="Important",
                     classification="", advisory_ids=(), cve_ids=(), bugzilla_ids=(), release_date=None,
                     security=True, has_notice=True)
    base = {"OperatingSystem": "UBUNTU", "ApprovalRules": {"PatchRules": [
        {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRIORITY", "Values": ["Required", "Important"]}]},
         "ComplianceLevel": "UNSPECIFIED", "EnableNonSecurity": False}]}}
    assert decide(security, base, products=("Ubuntu22.04",), package_format=DEB).status == APPROVED
    security.has_notice = False
    assert decide(security, base, products=("Ubuntu22.04",), package_format=DEB).status == NOT_APPROVED
    assert patch_matches_entry(security, "openssl:amd64", DEB) and patch_matches_entry(security, "open*", DEB)
