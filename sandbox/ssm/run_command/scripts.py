"""Running a command's document on one node: AWS-RunPatchBaseline through the patch agent, the
AWS-RunPatchBaselineWithHooks flow, and script documents simulated line by line."""

import re
import traceback

from moto.ssm.exceptions import SSMException

from sandbox.ssm import documents as docs
from sandbox.ssm.run_command.agent import patch_agent
from sandbox.ssm.run_command.model import FAILED, SUCCESS, PluginResult, utc_datetime

_EXIT = re.compile(r"^exit(?:\s+(-?\d+))?\s*;?$", re.IGNORECASE)
_PRINT = re.compile(r"^(?:echo|Write-Output|Write-Host)(?:\s+(.*))?$", re.IGNORECASE)
_PRINT_ERROR = re.compile(r"^(?:Write-Error)\s+(.*)$", re.IGNORECASE)


def _unquote(text):
    text = (text or "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def simulate_script(lines):
    """(exit code, stdout, stderr) of a hook or Run Command script, simulated: `echo X` /
    `Write-Output X` print X, `echo X >&2` / `Write-Error X` print to stderr, `exit N` ends the
    script with N; other lines run silently and succeed."""
    stdout, stderr = [], []
    code = 0
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _EXIT.match(line)
        if match:
            code = int(match.group(1) or 0)
            break
        to_stderr = line.endswith(">&2") or line.startswith(">&2 ")
        bare = line.replace(">&2", "").strip()
        match = _PRINT.match(bare)
        if match:
            (stderr if to_stderr else stdout).append(_unquote(match.group(1)))
            continue
        match = _PRINT_ERROR.match(bare)
        if match:
            stderr.append(_unquote(match.group(1)))
    if code != 0:
        stderr.append(f"failed to run commands: exit status {code}")
    return code, "".join(f"{text}\n" for text in stdout), "".join(f"{text}\n" for text in stderr)


def count_of(value):
    if value is None:
        return 0
    if isinstance(value, (list, tuple, set, dict)):
        return len(value)
    return int(value)


def _patch_run(command, node, started, finished, *, operation, reboot_option, snapshot_id=None,
               install_override_list=None, baseline_override=None):
    """Call the patch agent: the operation runs from the step's start to its end (the patch state's
    times fall inside the step); a crash in it is a failed step (with the traceback as stderr), not a 500."""
    try:
        return patch_agent().run_patch_baseline(
            command.backend, node, operation=operation, snapshot_id=snapshot_id or command.command_id,
            reboot_option=reboot_option, install_override_list=install_override_list or None,
            baseline_override=baseline_override or None, now=utc_datetime(started), until=utc_datetime(finished),
            execution_id=command.command_id,
            execution_type="Command",
        )
    except Exception:  # pylint: disable=broad-except
        return _CrashedRun(traceback.format_exc())


class _CrashedRun:
    status = "Failed"
    response_code = 1
    output = ""
    missing = 0
    pending_reboot = 0
    reboot_required = False

    def __init__(self, error_output):
        self.error_output = error_output


def _needs_reboot(result):
    return bool(getattr(result, "reboot_required", False)) or count_of(getattr(result, "pending_reboot", 0)) > 0


def _plugin_from_patch_result(spec, result, start, when):
    state = SUCCESS if result.status == "Success" else FAILED
    return PluginResult(spec, state, result.response_code, start, when, result.output, result.error_output)


def _skipped(spec, start, when, reason):
    return PluginResult(spec, SUCCESS, 0, start, when, f"Step execution skipped due to {reason}. Step name: {spec.name}",
                        skipped=True)


def run_document(command, invocation, node, when):
    """Run the command's document on a node whose turn has completed; returns "reboot" when the node
    must reboot before the invocation ends, else None (invocation.plugins set)."""
    if command.document_name == "AWS-RunPatchBaseline":
        return _run_patch_baseline(command, invocation, node, when)
    if command.document_name == "AWS-RunPatchBaselineWithHooks":
        return _run_with_hooks(command, invocation, node, when)
    invocation.plugins = _run_script_plugins(command.plugin_specs, command.parameters, node, invocation.start, when)
    return None


def run_after_reboot(command, invocation, node, when):
    state = invocation.phase_state or {}
    if command.document_name == "AWS-RunPatchBaselineWithHooks":
        _hooks_on_exit(command, invocation, node, when)
    elif state.get("plugin") is not None:
        state["plugin"].end = when
    return None


def _run_patch_baseline(command, invocation, node, when):
    params = command.parameters
    plugins = []
    reboot = False
    for spec in command.plugin_specs:
        if not spec.applies_to(node.platform_type):
            plugins.append(_skipped(spec, invocation.start, invocation.start, "incompatible platform"))
            continue
        result = _patch_run(
            command, node, invocation.start, when, operation=params["Operation"], reboot_option=params["RebootOption"],
            snapshot_id=params["SnapshotId"], install_override_list=params["InstallOverrideList"],
            baseline_override=params["BaselineOverride"],
        )
        plugin = _plugin_from_patch_result(spec, result, invocation.start, when)
        plugins.append(plugin)
        if (params["Operation"] == "Install" and params["RebootOption"] == "RebootIfNeeded"
                and _needs_reboot(result)):
            reboot = True
            invocation.phase_state = {"plugin": plugin}
    invocation.plugins = plugins
    return "reboot" if reboot else None


HOOK_PARAMETERS = {"PreInstallHook": "PreInstallHookDocName", "PostInstallHook": "PostInstallHookDocName",
                   "OnExitHook": "OnExitHookDocName"}


def _run_with_hooks(command, invocation, node, when):
    """AWS-RunPatchBaselineWithHooks: scan; if nothing is missing and no reboot is pending, go to the
    on-exit hook; else pre-install hook, install with NoReboot, post-install hook, reboot if needed,
    on-exit hook. A failing step skips to the on-exit hook and fails the invocation."""
    params = command.parameters
    specs = {spec.name: spec for spec in command.plugin_specs}
    results = {}
    start = invocation.start

    def skip_rest(reason):
        for name in ("PreInstallHook", "InstallWithNoReboot", "PostInstallHook", "RebootIfNeeded"):
            results.setdefault(name, _skipped(specs[name], start, start, reason))

    scan = _patch_run(command, node, invocation.start, when, operation="Scan", reboot_option="NoReboot",
                      snapshot_id=params["SnapshotId"])
    results["InitialScan"] = _plugin_from_patch_result(specs["InitialScan"], scan, start, when)
    failed = results["InitialScan"].failed
    reboot = False
    if failed:
        skip_rest("a failed step")
    elif params["Operation"] == "Scan":
        skip_rest("operation Scan")
    elif count_of(scan.missing) == 0 and not _needs_reboot(scan):
        skip_rest("no missing patches and no pending reboot")
    else:
        results["PreInstallHook"] = _run_hook(command, specs["PreInstallHook"], node, start, when)
        if results["PreInstallHook"].failed:
            failed = True
            skip_rest("a failed pre-install hook")
        else:
            install = _patch_run(command, node, invocation.start, when, operation="Install", reboot_option="NoReboot",
                                 snapshot_id=params["SnapshotId"])
            results["InstallWithNoReboot"] = _plugin_from_patch_result(specs["InstallWithNoReboot"], install,
                                                                       start, when)
            if results["InstallWithNoReboot"].failed:
                failed = True
                skip_rest("a failed install")
            else:
                results["PostInstallHook"] = _run_hook(command, specs["PostInstallHook"], node, start, when)
                if results["PostInstallHook"].failed:
                    failed = True
                    skip_rest("a failed post-install hook")
                elif params["RebootOption"] == "RebootIfNeeded" and _needs_reboot(install):
                    results["RebootIfNeeded"] = PluginResult(specs["RebootIfNeeded"], SUCCESS, 0, when, when,
                                                             "Rebooting the managed node to finish the install.\n")
                    reboot = True
                else:
                    reason = "reboot option NoReboot" if params["RebootOption"] == "NoReboot" else "no reboot needed"
                    results["RebootIfNeeded"] = _skipped(specs["RebootIfNeeded"], start, start, reason)
    invocation.plugins = [results.get(spec.name) for spec in command.plugin_specs]
    if reboot:
        return "reboot"
    _hooks_on_exit(command, invocation, node, when)
    return None


def _hooks_on_exit(command, invocation, node, when):
    """The on-exit hook, run in every case (after the reboot when there is one). A step that failed
    earlier already fails the invocation through its own plugin."""
    specs = {spec.name: spec for spec in command.plugin_specs}
    on_exit = _run_hook(command, specs["OnExitHook"], node, invocation.start, when)
    reboot_step = next((plugin for plugin in invocation.plugins if plugin is not None
                        and plugin.name == "RebootIfNeeded"), None)
    if reboot_step is not None and not reboot_step.skipped:
        reboot_step.end = when
    invocation.plugins = [on_exit if spec.name == "OnExitHook" else plugin
                          for spec, plugin in zip(command.plugin_specs, invocation.plugins)]


def _run_hook(command, spec, node, start, when):
    """A lifecycle hook: the named Command document's script steps for the node's platform."""
    name = command.parameters[HOOK_PARAMETERS[spec.name]]
    try:
        hook = docs.resolve_document(command.backend, name)
    except SSMException:
        return PluginResult(spec, FAILED, 1, start, when, stderr=f"Hook document {name} does not exist.\n")
    if hook.document_type != "Command":
        return PluginResult(spec, FAILED, 1, start, when,
                            stderr=f"Hook document {name} is not a Command document.\n")
    try:
        hook_params = docs.validate_parameters(hook, {})
    except SSMException as exc:
        return PluginResult(spec, FAILED, 1, start, when, stderr=f"Hook document {name}: {exc.message}\n")
    plugins = _run_script_plugins(docs.plugins_of(hook), hook_params, node, start, when)
    ran = [plugin for plugin in plugins if not plugin.skipped]
    failed = [plugin for plugin in ran if plugin.failed]
    stdout = "".join(plugin.stdout for plugin in ran)
    stderr = "".join(plugin.stderr for plugin in ran)
    state = FAILED if failed else SUCCESS
    return PluginResult(spec, state, failed[0].response_code if failed else 0, start, when, stdout, stderr)


def _run_script_plugins(specs, parameters, node, start, when):
    plugins = []
    for spec in specs:
        if not spec.applies_to(node.platform_type):
            plugins.append(_skipped(spec, start, start, "incompatible platform"))
            continue
        supported = docs.ACTION_PLATFORMS.get(spec.action)
        if spec.action in ("aws:runShellScript", "aws:runPowerShellScript"):
            if node.platform_type not in supported:
                plugins.append(PluginResult(spec, FAILED, 1, start, when,
                                            stderr=f"{spec.action} is not supported on {node.platform_type}.\n"))
                continue
            code, stdout, stderr = simulate_script(docs.substitute(spec.commands, parameters))
            plugins.append(PluginResult(spec, SUCCESS if code == 0 else FAILED, code, start, when, stdout, stderr))
        else:
            # Other plugins (aws:configurePackage, aws:runDocument...) are not simulated: they succeed.
            plugins.append(PluginResult(spec, SUCCESS, 0, start, when))
    return plugins

