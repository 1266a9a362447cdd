"""The simulated agent in process: Scan, Install, reboots, failures, the workshop's two baselines."""

import datetime
import fnmatch

import pytest
from moto.ssm.models import SimpleSystemManagerBackend

from sandbox.agent.managed_nodes import get_managed_node, register_hybrid_node
from sandbox.agent.patch_agent import (
    clear_failing_patches,
    finish_reboot,
    run_patch_baseline,
    set_failing_patches,
)
from sandbox.ssm.patch_baselines import create_baseline, default_baseline_id
from sandbox.agent.patch_catalog import anchor_date
from sandbox.ssm.patch_groups import register_patch_group
from sandbox.ssm.patch_states import STATE_NAMES, patch_record

SNAPSHOT = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
WORKSHOP_BASELINE = {
    "Name": "AmazonLinux2SecAndNonSecBaseline", "OperatingSystem": "AMAZON_LINUX_2",
    "ApprovalRules": {"PatchRules": [
        {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]},
                                               {"Key": "CLASSIFICATION", "Values": ["Security", "Bugfix"]},
                                               {"Key": "SEVERITY", "Values": ["*"]}]},
         "ApproveAfterDays": 0, "ComplianceLevel": "CRITICAL"},
        {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
         "ApproveAfterDays": 0, "ComplianceLevel": "MEDIUM", "EnableNonSecurity": True}]},
    "ApprovedPatches": ["kernel*"], "ApprovedPatchesComplianceLevel": "HIGH",
    "ApprovedPatchesEnableNonSecurity": True,
}


@pytest.fixture
def backend():
    return SimpleSystemManagerBackend("us-east-1", "123456789012")


def node(backend, tags=None, operating_system="AMAZON_LINUX_2", instance_id=None):
    registered = register_hybrid_node(backend, operating_system, tags=tags or {}, instance_id=instance_id)
    return get_managed_node(backend, registered.instance_id if hasattr(registered, "instance_id")
                            else registered["InstanceId"])


def now():
    return datetime.datetime.combine(anchor_date(), datetime.time(12), tzinfo=datetime.timezone.utc)


def states_by_name(backend, node_id):
    record = patch_record(backend, node_id)
    return {patch.name: STATE_NAMES[state] for patch, state in record.patch_entries()}


def test_never_scanned_node_has_no_record(backend):
    assert patch_record(backend, node(backend).instance_id) is None


def test_workshop_app_and_web_baselines_differ_on_recent_patches(backend):
    custom = create_baseline(backend, WORKSHOP_BASELINE)
    register_patch_group(backend, custom, "App")
    app = node(backend, {"Patch Group": "App"}, instance_id="mi-0123456789abcdef0")
    web = node(backend, {"Patch Group": "Web"}, instance_id="mi-0123456789abcdef1")
    app_run = run_patch_baseline(backend, app, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    web_run = run_patch_baseline(backend, web, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    assert (app_run.baseline_id, app_run.patch_group) == (custom, "App")
    assert (web_run.baseline_id, web_run.patch_group) == (default_baseline_id(backend, "AMAZON_LINUX_2"), "Web")
    # Both nodes lack kernel and openssl (their outdated ratio is 0.97; checked by the asserts):
    # released 2 and 1 days ago, approved at once by the custom baseline, not yet by the 7-day default.
    app_states, web_states = states_by_name(backend, app.instance_id), states_by_name(backend, web.instance_id)
    assert app_states["kernel"] == "Missing" and app_states["openssl"] == "Missing"
    assert web_states["kernel"] == "InstalledOther" and web_states["openssl"] == "InstalledOther"
    # glibc (9 days old, Security Important) is approved by both.
    assert app_states["glibc"] == web_states["glibc"] == "Missing"
    app_record = patch_record(backend, app.instance_id)
    kernel = next(p for p in app_record.catalog.patches if p.name == "kernel")
    assert app_record.decisions.decisions[kernel.index].level == "CRITICAL"   # rule 1 beats the list's HIGH
    assert app_record.counts["InstalledOtherCount"] == 0   # rule 2 approves everything
    assert patch_record(backend, web.instance_id).counts["InstalledOtherCount"] > 20
    assert app_run.missing == app_record.counts["MissingCount"] > web_run.missing > 0


def test_patchgroup_tag_is_the_fallback_and_keys_are_case_sensitive(backend):
    custom = create_baseline(backend, WORKSHOP_BASELINE)
    register_patch_group(backend, custom, "App")
    assert run_patch_baseline(backend, node(backend, {"PatchGroup": "App"}), operation="Scan",
                              snapshot_id=SNAPSHOT).baseline_id == custom
    lower = run_patch_baseline(backend, node(backend, {"patch group": "App"}), operation="Scan", snapshot_id=SNAPSHOT)
    assert (lower.patch_group, lower.baseline_id) == (None, default_baseline_id(backend, "AMAZON_LINUX_2"))
    assert patch_record(backend, lower_id(backend, lower)).to_api()["PatchGroup"] == ""


def lower_id(backend, result):
    from sandbox.ssm.patch_states import store  # pylint: disable=import-outside-toplevel
    return next(r.instance_id for r in store(backend).records.values() if r.patch_group is None)


def test_install_with_reboot_if_needed_then_finish_reboot(backend):
    target = node(backend)
    scan = run_patch_baseline(backend, target, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    install = run_patch_baseline(backend, target, operation="Install", snapshot_id=SNAPSHOT, now=now(),
                                 execution_id="cmd-1")
    assert (install.status, install.response_code, install.failed) == ("Success", 0, 0)
    assert install.installed == scan.missing and install.missing == 0
    record = patch_record(backend, target.instance_id)
    # The run installed kernel-like patches: they wait for the reboot the caller now performs.
    assert install.reboot_required and install.pending_reboot == record.counts["InstalledPendingRebootCount"] > 0
    assert record.operation == "Install" and record.last_no_reboot_time is None
    assert record.end_time > record.start_time
    assert finish_reboot(backend, target, now=now()) == install.pending_reboot
    after = patch_record(backend, target.instance_id)
    assert after.counts["InstalledPendingRebootCount"] == 0
    assert after.counts["InstalledCount"] == record.counts["InstalledCount"] + install.pending_reboot
    assert finish_reboot(backend, target) == 0
    rescan = run_patch_baseline(backend, target, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    assert rescan.missing == 0 and rescan.pending_reboot == 0


def test_no_reboot_leaves_patches_pending_across_scans(backend):
    target = node(backend)
    install = run_patch_baseline(backend, target, operation="Install", snapshot_id=SNAPSHOT,
                                 reboot_option="NoReboot", now=now())
    assert install.pending_reboot > 0 and not install.reboot_required
    record = patch_record(backend, target.instance_id)
    assert record.last_no_reboot_time == now() and record.reboot_option == "NoReboot"
    later = now() + datetime.timedelta(hours=1)
    run_patch_baseline(backend, target, operation="Scan", snapshot_id=SNAPSHOT, now=later)
    rescanned = patch_record(backend, target.instance_id)
    assert rescanned.counts["InstalledPendingRebootCount"] == install.pending_reboot
    assert rescanned.last_no_reboot_time == now()   # kept from the NoReboot install
    assert rescanned.counts["SecurityNonCompliantCount"] + rescanned.counts["OtherNonCompliantCount"] > 0


def test_failing_patches_fail_the_run_then_recover(backend):
    # The node of the workshop test above, which lacks glibc (a random id may already have it).
    target = node(backend, instance_id="mi-0123456789abcdef0")
    set_failing_patches(backend, target.instance_id, ["glibc*"])
    run = run_patch_baseline(backend, target, operation="Install", snapshot_id=SNAPSHOT, now=now())
    failed = sorted(name for name, state in states_by_name(backend, target.instance_id).items() if state == "Failed")
    assert (run.status, run.response_code) == ("Failed", 1)
    # Every patch the pattern matches fails, and nothing else does.
    assert "glibc" in failed and all(fnmatch.fnmatchcase(name, "glibc*") for name in failed)
    assert run.failed == len(failed)
    assert "glibc" in run.error_output and "[ERROR]" in run.output
    # A scan does not retry: the failed patch is missing again.
    run_patch_baseline(backend, target, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    assert states_by_name(backend, target.instance_id)["glibc"] == "Missing"
    clear_failing_patches(backend, target.instance_id)
    assert run_patch_baseline(backend, target, operation="Install", snapshot_id=SNAPSHOT, now=now()).status == "Success"


def test_rejected_block_reports_installed_rejected(backend):
    blocking = create_baseline(backend, {**WORKSHOP_BASELINE, "Name": "blocking", "ApprovedPatches": [],
                                         "RejectedPatches": ["bash", "kernel*"], "RejectedPatchesAction": "BLOCK"})
    allowing = create_baseline(backend, {**WORKSHOP_BASELINE, "Name": "allowing", "ApprovedPatches": [],
                                         "RejectedPatches": ["bash", "kernel*"]})
    register_patch_group(backend, blocking, "Block")
    register_patch_group(backend, allowing, "Allow")
    blocked, allowed = node(backend, {"Patch Group": "Block"}), node(backend, {"Patch Group": "Allow"})
    for target in (blocked, allowed):
        run_patch_baseline(backend, target, operation="Install", snapshot_id=SNAPSHOT, now=now())
    assert states_by_name(backend, blocked.instance_id)["bash"] == "InstalledRejected"
    assert states_by_name(backend, allowed.instance_id)["bash"] == "InstalledOther"
    assert patch_record(backend, allowed.instance_id).counts["InstalledRejectedCount"] == 0
    # Rejected patches are never installed: the old kernel stays.
    assert states_by_name(backend, blocked.instance_id)["kernel"] == "InstalledRejected"


def test_install_override_list_installs_only_listed_patches(backend):
    target = node(backend)
    scan = run_patch_baseline(backend, target, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    before = states_by_name(backend, target.instance_id)
    run = run_patch_baseline(backend, target, operation="Install", snapshot_id=SNAPSHOT, now=now(),
                             install_override_list="patches:\n  - id: 'openssl*'\n")
    assert 1 <= run.installed < scan.missing
    states = states_by_name(backend, target.instance_id)
    # openssl (a day old, not approved by the 7-day default) is installed anyway; every patch the
    # list does not name (glibc, whether this node lacked it or not) is as the scan found it.
    assert states["openssl"] == "InstalledOther"
    assert states["glibc"] == before["glibc"]
    assert [name for name in states if states[name] != before[name] and not name.startswith("openssl")] == []


def test_windows_node_reports_kb_ids(backend):
    target = node(backend, operating_system="WINDOWS")
    run = run_patch_baseline(backend, target, operation="Scan", snapshot_id=SNAPSHOT, now=now())
    record = patch_record(backend, target.instance_id)
    assert run.baseline_id == default_baseline_id(backend, "WINDOWS")
    assert all(patch.kb_id.startswith("KB") for patch, _ in record.patch_entries())
    assert record.counts["NotApplicableCount"] > 0 and "Patch Summary for" in run.output

