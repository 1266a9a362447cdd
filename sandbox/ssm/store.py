"""The one accessor for the sandbox's state kept on a moto backend, with its lock.

What the sandbox adds to a service (commands, associations, patch baselines, patch states, the patch
agent's software, hybrid nodes, caches) lives in an attribute of moto's backend instance, so moto's
reset, which makes new backends, drops it with everything else. The server is threaded: two first
requests after a reset may ask for the same state at once, and each creating its own would lose
whatever one of them stored. So state is created under one lock, once per backend and name.
"""

import threading

_creation_lock = threading.RLock()  # re-entrant: a factory may read another state of the backend


def _attribute(name):
    return f"_sandbox_{name}"


def backend_state(backend, name, factory):
    """The backend's state `name`, made by `factory()` on first use (once, whatever the threads)."""
    attribute = _attribute(name)
    # The instance's own __dict__, not getattr: a class attribute is not this backend's state.
    found = backend.__dict__.get(attribute)
    if found is None:
        with _creation_lock:
            found = backend.__dict__.get(attribute)
            if found is None:
                found = factory()
                setattr(backend, attribute, found)
    return found


def existing_state(backend, name):
    """The backend's state `name` if something created it, else None (reading creates nothing)."""
    return backend.__dict__.get(_attribute(name))


def replace_state(backend, name, value):
    """Put `value` in place of the state `name` (caches rebuilt whole)."""
    with _creation_lock:
        setattr(backend, _attribute(name), value)
    return value
