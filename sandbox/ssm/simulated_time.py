"""Simulated time: what the sandbox's agent and schedules have done by now, brought up to date lazily.

Simulated time is `sandbox.agent.clock`'s. Nothing runs in the background. Before every SSM action the
sandbox answers (sandbox.ssm.actions), each registered advancer brings its part of a backend up to the
present (commands move through their waves, scheduled associations run), so
whatever the request reads is what AWS would show at that moment. Advancers run in registration
order, unless one asks to run before another: associations start commands, so they run before the
command engine advances.
"""

_advancers = []


def register_advancer(advance, before=None):
    """`advance(backend)` runs before every SSM request on that request's backend (and before
    `before`, if that is registered)."""
    if advance in _advancers:
        return
    position = _advancers.index(before) if before in _advancers else len(_advancers)
    _advancers.insert(position, advance)


def advance_all(backend):
    for advance in _advancers:
        advance(backend)


def advance_every_backend():
    """Bring every SSM backend that exists up to the clock's now (after the clock jumped)."""
    from moto.ssm.models import ssm_backends  # pylint: disable=import-outside-toplevel

    # dict's own views: BackendDict's [] would create the accounts and regions it is asked for.
    for account in list(dict.values(ssm_backends)):
        for backend in list(dict.values(account)):
            advance_all(backend)


def under_lock(store_of):
    """Decorate an SSM action handler, `handler(backend, params)`, to build its answer under `store_of(backend).lock`: another request
    thread may be advancing the same simulation."""

    def decorate(action):
        def locked_action(backend, params):
            with store_of(backend).lock:
                return action(backend, params)

        locked_action.__name__ = action.__name__
        return locked_action

    return decorate
