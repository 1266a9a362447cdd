"""The simulated SSM agent's AWS-RunPatchBaseline: Scan and Install on one managed node.

The command engine calls `run_patch_baseline` per node (and `finish_reboot` after rebooting a node
the run asked to reboot); tests and the control plane inject failures with `set_failing_patches`.

A run:
1. finds the node's patch group (tag `Patch Group`, else `PatchGroup`; case-sensitive) and the
   effective baseline (`baseline_for_patch_group`: the group's baseline for the node's OS, else the
   OS default), or takes the BaselineOverride document's baseline for the node's OS;
2. evaluates it against the node's catalog (`baseline_evaluation.decide`, cached per baseline,
   catalog, node products and UTC day);
3. Install: installs the approved missing patches (or the InstallOverrideList's patches); patches
   matching the node's failing patterns fail; reboot-needing ones stay InstalledPendingReboot until
   `finish_reboot` (RebootIfNeeded, after the caller reboots) or a later reboot (NoReboot);
4. records the node's PatchRecord (patch states) and its Patch compliance (`sandbox.ssm.patch_states`).

A node's software: its installed set derives from its id (`patch_catalog.installed_codes`), kept
per node once scanned, and changed by installs. Everything lives on the SSM backend (reset clears it).
"""

import datetime
import fnmatch
import json
import operator
import re
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import yaml

from sandbox.agent import clock
from sandbox.ssm.store import backend_state
from sandbox.agent.baseline_evaluation import (
    CLASS_APPROVED,
    CLASS_OTHER,
    CLASS_REJECTED,
    CLASS_UNAPPROVED_SECURITY,
    decide,
)
from sandbox.ssm.patch_baselines import baseline_for_patch_group, get_baseline
from sandbox.agent.patch_catalog import (
    ABSENT,
    CURRENT,
    OUTDATED,
    WINDOWS,
    catalog_for,
    installed_codes,
    node_products,
    patch_matches_entry,
)
from sandbox.ssm.patch_states import (
    FAILED,
    INSTALLED,
    INSTALLED_OTHER,
    INSTALLED_REJECTED,
    MISSING,
    NONE,
    NOT_APPLICABLE,
    PENDING_REBOOT,
    AVAILABLE_SECURITY_UPDATE,
    PatchRecord,
    count_states,
    patch_record,
    save_patch_record,
)

PATCH_GROUP_TAGS = ("Patch Group", "PatchGroup")
OPERATIONS = ("Scan", "Install")
REBOOT_OPTIONS = ("RebootIfNeeded", "NoReboot")
# How long the agent takes (simulated seconds): yum/dnf/apt metadata or Windows Update search, then
# each install. The command engine may use `operation_duration` for its clock.
SCAN_SECONDS = 18
INSTALL_SECONDS_PER_PATCH = 4


@dataclass
class PatchRunResult:
    status: str            # "Success" or "Failed" (a patch failed to install)
    response_code: int     # 0, or non-zero on failure
    output: str            # stdout of the PatchLinux/PatchWindows step (untruncated)
    error_output: str
    baseline_id: str
    patch_group: str | None
    installed: int         # patches installed by this run
    failed: int
    missing: int           # still missing after the run
    pending_reboot: int    # InstalledPendingReboot after the run
    reboot_required: bool  # the caller should reboot the node now (RebootIfNeeded with patches pending)


def operation_duration(operation, installed):
    """Seconds a run takes on a node: a scan, plus each patch an install applies."""
    return SCAN_SECONDS + (INSTALL_SECONDS_PER_PATCH * installed if operation == "Install" else 0)


# --------------------------------------------------------------------------------------------------
# The state table: patch state from (installed code, baseline class), per package format and
# RejectedPatchesAction. Linux: a package at an older version is itself installed (InstalledOther
# when its update is not approved); Windows: an absent KB is simply not reported, unless it is a
# security update the baseline has not approved yet (AvailableSecurityUpdate).

def _state_for(code, patch_class, windows, block):
    if code == ABSENT:
        return NOT_APPLICABLE if patch_class == CLASS_APPROVED else NONE
    if patch_class == CLASS_APPROVED:
        return MISSING if code == OUTDATED else INSTALLED
    if code == OUTDATED and windows:
        return AVAILABLE_SECURITY_UPDATE if patch_class == CLASS_UNAPPROVED_SECURITY else NONE
    if patch_class == CLASS_REJECTED and block:
        return INSTALLED_REJECTED
    return INSTALLED_OTHER


_CLASSES = (CLASS_OTHER, CLASS_APPROVED, CLASS_REJECTED, CLASS_UNAPPROVED_SECURITY)
STATE_TABLES = {
    (windows, block): bytes(
        _state_for(key // 4, key % 4, windows, block) if key < 12 and key % 4 in _CLASSES else NONE
        for key in range(256))
    for windows in (False, True) for block in (False, True)
}
_TIMES_FOUR = bytes((value * 4) % 256 for value in range(256))


def patch_states(codes, decisions, windows, pending=(), failed=()):
    """One state byte per catalog patch for a node's installed codes under a baseline's decisions."""
    keys = bytes(map(operator.add, bytes(codes).translate(_TIMES_FOUR), decisions.classes))
    states = bytearray(keys.translate(STATE_TABLES[(windows, decisions.block_rejected)]))
    for index in pending:
        if codes[index] == CURRENT:
            states[index] = PENDING_REBOOT
    for index in failed:
        states[index] = FAILED
    return bytes(states)


# --------------------------------------------------------------------------------------------------
# Per-node agent state


class NodeSoftware:
    """What is installed on one node: codes per catalog patch, install times, pending reboots."""

    __slots__ = ("catalog_key", "codes", "install_times", "pending")

    def __init__(self, catalog_key, codes):
        self.catalog_key = catalog_key
        self.codes = codes
        self.install_times = {}
        self.pending = set()


class _AgentState:
    def __init__(self):
        self.software = {}  # node id -> NodeSoftware
        self.failing = {}   # node id -> (pattern, ...)
        self.lock = threading.RLock()


def agent_state(backend):
    return backend_state(backend, "patch_agent", _AgentState)


def node_software(backend, node, catalog, products):
    """The node's NodeSoftware, derived from its id on first use (and when its OS changed)."""
    state = agent_state(backend)
    software = state.software.get(node.instance_id)
    if software is None or software.catalog_key != catalog.key:
        software = NodeSoftware(catalog.key, installed_codes(node.instance_id, catalog, products))
        state.software[node.instance_id] = software
    return software


def set_failing_patches(backend, node_id, patterns):
    """Node fault: patches matching these patterns (KB id, name, name.arch, title; wildcards) fail."""
    if isinstance(patterns, str):
        patterns = [patterns]
    agent_state(backend).failing[node_id] = tuple(patterns)


def clear_failing_patches(backend, node_id):
    agent_state(backend).failing.pop(node_id, None)


def _fails(patch, patterns):
    candidates = (patch.kb_id, patch.name, patch.title)
    return any(fnmatch.fnmatchcase(candidate, pattern) for pattern in patterns for candidate in candidates)


def patch_group_of(node):
    """The node's patch group: tag `Patch Group`, else `PatchGroup` (keys are case-sensitive)."""
    tags = node.tags
    for key in PATCH_GROUP_TAGS:
        if tags.get(key):
            return tags[key]
    return None


# --------------------------------------------------------------------------------------------------
# Documents the run reads: BaselineOverride (JSON) and InstallOverrideList (YAML), by URL or parsed


class DocumentError(Exception):
    pass


_S3_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$")
_S3_PATH_HOST = re.compile(r"^s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$")


def _s3_location(url):
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        return parsed.netloc, unquote(parsed.path.lstrip("/"))
    if parsed.scheme == "https":
        virtual = _S3_VIRTUAL_HOST.match(parsed.netloc)
        if virtual:
            return virtual["bucket"], unquote(parsed.path.lstrip("/"))
        if _S3_PATH_HOST.match(parsed.netloc):
            bucket, _, key = parsed.path.lstrip("/").partition("/")
            return bucket, unquote(key)
    raise DocumentError(f"Cannot download {url}: only S3 locations are reachable from the sandbox.")


def read_document(backend, url):
    """The bytes of an S3 object of the node's account (what the agent downloads)."""
    from moto.s3.models import s3_backends  # pylint: disable=import-outside-toplevel

    bucket, key = _s3_location(url)
    try:
        s3 = s3_backends[backend.account_id][backend.partition if hasattr(backend, "partition") else "aws"]
        return s3.get_object(bucket, key).value
    except Exception as exc:  # pylint: disable=broad-except
        raise DocumentError(f"Failed to download {url}: {exc.__class__.__name__}") from exc


def _baseline_from_override(backend, override, operating_system):
    if isinstance(override, (str, bytes)) and not str(override).lstrip().startswith(("[", "{")):
        override = read_document(backend, override)
    if isinstance(override, (str, bytes)):
        try:
            override = json.loads(override)
        except ValueError as exc:
            raise DocumentError("The BaselineOverride document isn't valid JSON.") from exc
    baselines = override if isinstance(override, list) else [override]
    for baseline in baselines:
        if isinstance(baseline, dict) and baseline.get("OperatingSystem", "WINDOWS") == operating_system:
            return baseline
    return None


def _override_entries(backend, override):
    """InstallOverrideList patches as [(id, version or None)]."""
    if isinstance(override, str) and override.startswith(("s3://", "https://")):
        override = read_document(backend, override)
    if isinstance(override, (str, bytes)):
        try:
            override = yaml.safe_load(override)
        except yaml.YAMLError as exc:
            raise DocumentError("The InstallOverrideList document isn't valid YAML.") from exc
    if isinstance(override, dict):
        override = override.get("patches") or []
    entries = []
    for item in override or []:
        if isinstance(item, dict) and item.get("id"):
            entries.append((str(item["id"]), str(item["version"]) if item.get("version") else None))
        elif isinstance(item, str):
            entries.append((item, None))
    return entries


def _override_matches(patch, entries, package_format):
    for entry, version in entries:
        if patch_matches_entry(patch, entry, package_format) and (version is None or version == patch.version):
            return True
    return False


# --------------------------------------------------------------------------------------------------
# The run


def _resolve_node(backend, node):
    if isinstance(node, str):
        from sandbox.agent.managed_nodes import get_managed_node  # pylint: disable=import-outside-toplevel

        found = get_managed_node(backend, node)
        if found is None:
            raise ValueError(f"{node} is not a managed node")
        return found
    return node


def run_patch_baseline(backend, node, *, operation, snapshot_id, reboot_option="RebootIfNeeded",
                       install_override_list=None, baseline_override=None, now=None, until=None,
                       execution_id=None, execution_type="Command"):
    """Scan or Install on one node; records its patch states and Patch compliance.

    `install_override_list` / `baseline_override`: the AWS-RunPatchBaseline parameters, as an S3 URL
    (s3:// or https S3 form, read from the node's account) or already parsed. `now`: when the
    operation starts on the simulated clock (UTC datetime), default the sandbox's clock
    (`sandbox.agent.clock.utcnow()`). `until`: when the document step running it ends, if the caller
    times the step; the operation then ends with the step, since AWS's patch state times are those
    of the operation on the node (API reference, InstancePatchState: OperationStartTime "The time
    the most recent patching operation was started on the managed node", OperationEndTime "...
    completed") and it runs inside the PatchWindows/PatchLinux step. Without it the operation takes
    `operation_duration`.
    """
    if operation not in OPERATIONS:
        raise ValueError(f"operation must be one of {OPERATIONS}")
    if reboot_option not in REBOOT_OPTIONS:
        raise ValueError(f"reboot_option must be one of {REBOOT_OPTIONS}")
    node = _resolve_node(backend, node)
    now = now or clock.utcnow()
    snapshot_id = snapshot_id or str(uuid.uuid4())
    group = patch_group_of(node)
    operating_system = node.operating_system
    baseline_id = baseline_for_patch_group(backend, group, operating_system)
    log = AgentLog(node, now)
    try:
        baseline = get_baseline(backend, baseline_id)
        if baseline_override is not None:
            overriding = _baseline_from_override(backend, baseline_override, operating_system)
            if overriding is not None:
                baseline = {**overriding, "BaselineId": overriding.get("BaselineId") or baseline_id}
                baseline_id = baseline["BaselineId"]
                log.info("Using the baseline override document for this operating system.")
        entries = _override_entries(backend, install_override_list) \
            if install_override_list is not None and operation == "Install" else None
    except DocumentError as exc:
        log.error(str(exc))
        return PatchRunResult("Failed", 1, log.text(), str(exc) + "\n", baseline_id, group, 0, 0, 0, 0, False)

    catalog = catalog_for(operating_system)
    products = node_products(node)
    windows = catalog.package_format == WINDOWS
    decisions = decide(baseline, catalog, products, now.date())
    state = agent_state(backend)
    with state.lock:
        software = node_software(backend, node, catalog, products)
        log.header(operation, snapshot_id, reboot_option, group, baseline, products, install_override_list)
        states = patch_states(software.codes, decisions, windows, software.pending)
        installed, failed = [], []
        if operation == "Install":
            patterns = state.failing.get(node.instance_id, ())
            if entries is not None:
                targets = [patch for patch in catalog.patches
                           if software.codes[patch.index] == OUTDATED and _override_matches(patch, entries, catalog.package_format)
                           and not (decisions.block_rejected and decisions.classes[patch.index] == CLASS_REJECTED)]
            else:
                targets = [catalog.patches[index] for index, value in enumerate(states) if value == MISSING]
            log.info(f"Installing {len(targets)} patch(es)." if targets else "No patches to install.")
            for patch in targets:
                if _fails(patch, patterns):
                    failed.append(patch.index)
                    log.error(f"Failed to install {patch.title}: the package manager returned exit code 1.")
                    continue
                software.codes[patch.index] = CURRENT
                software.install_times[patch.index] = now
                if patch.reboot:
                    software.pending.add(patch.index)
                installed.append(patch.index)
                log.info(f"Installed {patch.title}{' (reboot required)' if patch.reboot else ''}")
            states = patch_states(software.codes, decisions, windows, software.pending, failed)
        counts = count_states(states, decisions, catalog)
        end = until if until is not None else now + datetime.timedelta(
            seconds=operation_duration(operation, len(installed)))
        previous = patch_record(backend, node.instance_id)
        last_no_reboot = previous.last_no_reboot_time if previous else None
        if operation == "Install" and reboot_option == "NoReboot":
            last_no_reboot = now
        override_url = install_override_list if isinstance(install_override_list, str) else None
        record = PatchRecord(
            instance_id=node.instance_id, operating_system=operating_system, catalog_key=catalog.key,
            decisions=decisions, states=states, codes=bytes(software.codes),
            install_times=dict(software.install_times), patch_group=group, baseline_id=baseline_id,
            snapshot_id=snapshot_id, operation=operation, start_time=now, end_time=end,
            reboot_option=reboot_option, last_no_reboot_time=last_no_reboot,
            install_override_list=override_url if operation == "Install" else None, counts=counts,
            execution_time=end, execution_id=execution_id, execution_type=execution_type,
        )
        save_patch_record(backend, record)
    pending = counts["InstalledPendingRebootCount"]
    reboot_required = operation == "Install" and reboot_option == "RebootIfNeeded" and pending > 0
    log.summary(counts, reboot_option, reboot_required, operation)
    return PatchRunResult(
        status="Failed" if failed else "Success",
        response_code=1 if failed else 0,
        output=log.text(),
        error_output="".join(f"Failed to install {catalog.patches[index].title}\n" for index in failed),
        baseline_id=baseline_id,
        patch_group=group,
        installed=len(installed),
        failed=len(failed),
        missing=counts["MissingCount"],
        pending_reboot=pending,
        reboot_required=reboot_required,
    )


def finish_reboot(backend, node, now=None):
    """The node rebooted: its InstalledPendingReboot patches are Installed. Returns how many."""
    node_id = node if isinstance(node, str) else node.instance_id
    state = agent_state(backend)
    with state.lock:
        software = state.software.get(node_id)
        if software is None or not software.pending:
            return 0
        completed = len(software.pending)
        software.pending.clear()
        record = patch_record(backend, node_id)
        if record is None:
            return completed
        states = bytearray(record.states)
        for index, value in enumerate(states):
            if value == PENDING_REBOOT:
                states[index] = INSTALLED if record.decisions.classes[index] == CLASS_APPROVED else INSTALLED_OTHER
        states = bytes(states)
        end = max(record.end_time, now) if now else record.end_time
        updated = PatchRecord(**{slot: getattr(record, slot) for slot in PatchRecord.__slots__})
        updated.states = states
        updated.counts = count_states(states, record.decisions, record.catalog)
        updated.end_time = updated.execution_time = end
        save_patch_record(backend, updated)
    return completed


# --------------------------------------------------------------------------------------------------
# The agent's stdout


class AgentLog:
    """Lines like the PatchLinux / PatchWindows step of AWS-RunPatchBaseline print."""

    def __init__(self, node, now):
        self.node = node
        self.now = now
        self.windows = node.operating_system == "WINDOWS"
        self.lines = []

    def _stamp(self, level, message):
        if self.windows:
            self.lines.append(message)
        else:
            self.lines.append(f"{self.now.strftime('%m/%d/%Y %H:%M:%S')} root [{level}]: {message}")

    def info(self, message):
        self._stamp("INFO", message)

    def error(self, message):
        self._stamp("ERROR", message)

    def header(self, operation, snapshot_id, reboot_option, group, baseline, products, override):
        node = self.node
        if not self.windows:
            manager = {"UBUNTU": "apt", "DEBIAN": "apt", "RASPBIAN": "apt", "AMAZON_LINUX_2": "yum",
                       "AMAZON_LINUX": "yum"}.get(node.operating_system, "dnf")
            self.lines.extend(["/usr/bin/python3", f"/usr/bin/{manager}"])
            self.info("Attempting to acquire instance lock.")
        fields = [
            ("Instance Id", node.instance_id), ("Region", getattr(node, "region", None) or ""),
            ("Product", products[0] if products else ""), ("Patch Group", group or ""),
            ("Operating System", node.operating_system), ("Operation type", operation.lower()),
            ("Snapshot Id", snapshot_id), ("Reboot option", reboot_option),
            ("Patch baseline", f"{baseline.get('BaselineId')} ({baseline.get('Name', 'override')})"),
        ]
        if override and operation == "Install":
            fields.append(("Install override list", override if isinstance(override, str) else "(inline)"))
        for label, value in fields:
            if value:
                self.info(f"{label}: {value}")
        rules = {key: baseline.get(key) for key in ("GlobalFilters", "ApprovalRules", "ApprovedPatches",
                                                     "ApprovedPatchesComplianceLevel",
                                                     "ApprovedPatchesEnableNonSecurity", "RejectedPatches",
                                                     "RejectedPatchesAction") if baseline.get(key) is not None}
        self.info(f"Patch baseline content: {json.dumps(rules, sort_keys=True, default=str)}")

    def summary(self, counts, reboot_option, reboot_required, operation):
        if self.windows:
            self.lines.append("")
            self.lines.append(f"Patch Summary for {self.node.instance_id}")
            self.lines.append("-" * 40)
            for key in ("InstalledCount", "InstalledOtherCount", "InstalledPendingRebootCount",
                        "InstalledRejectedCount", "MissingCount", "FailedCount", "NotApplicableCount",
                        "AvailableSecurityUpdateCount"):
                self.lines.append(f"{key:<30}: {counts[key]}")
        else:
            self.info("Report Summary: " + ", ".join(
                f"{key[:-5]}: {counts[key]}" for key in ("InstalledCount", "InstalledOtherCount",
                                                        "InstalledPendingRebootCount", "InstalledRejectedCount",
                                                        "MissingCount", "FailedCount", "NotApplicableCount")))
        if operation == "Install":
            if reboot_required:
                self._stamp("INFO", "Reboot is required: the node will reboot now (RebootIfNeeded).")
            elif counts["InstalledPendingRebootCount"] and reboot_option == "NoReboot":
                self._stamp("INFO", "Reboot is required but RebootOption is NoReboot: patches stay "
                                    "InstalledPendingReboot until the node reboots.")
            else:
                self._stamp("INFO", "No reboot is required.")

    def text(self):
        return "\n".join(self.lines) + "\n"
