"""The simulated SSM agent's timing (shared by every account and region of the server) and the patch
agent it calls for AWS-RunPatchBaseline."""

import importlib
import math
import threading

AGENT_DEFAULTS = {"seconds_per_node": 1.0, "reboot_seconds": 2.0, "delivery_timeout_scale": 1.0}
_agent_lock = threading.Lock()
_agent = dict(AGENT_DEFAULTS)


def agent_settings():
    with _agent_lock:
        return dict(_agent)


def configure_agent(**settings):
    """Change the simulated agent's timing; unknown names or negative numbers raise ValueError."""
    unknown = set(settings) - set(AGENT_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown agent settings {sorted(unknown)}; known: {sorted(AGENT_DEFAULTS)}")
    checked = {}
    for name, value in settings.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or math.isinf(value):
            raise ValueError(f"{name} must be a non-negative number of seconds")
        checked[name] = float(value)
    with _agent_lock:
        _agent.update(checked)
        return dict(_agent)


def reset_agent():
    with _agent_lock:
        _agent.clear()
        _agent.update(AGENT_DEFAULTS)
        return dict(_agent)


# The patch agent module; tests of the engine alone may put a fake here.
patch_agent_override = None


def patch_agent():
    if patch_agent_override is not None:
        return patch_agent_override
    return importlib.import_module("sandbox.agent.patch_agent")

