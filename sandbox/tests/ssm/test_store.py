"""The one per-backend state accessor: created once under its lock, whatever the threads; and over
HTTP, first requests racing after a reset lose nothing."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sandbox.ssm.store import backend_state, existing_state
from sandbox.tests.patch_isolation import account_client

THREADS = 8


class Backend:
    """Stands in for a moto backend: state goes in the instance's attributes."""


def test_racing_first_uses_make_one_state():
    backend = Backend()
    made = []
    start = threading.Barrier(THREADS)

    def factory():
        made.append(1)
        time.sleep(0.01)    # widen the window between "none yet" and "stored": racing threads see it
        return {"made": len(made)}

    def first_use(_):
        start.wait()
        return backend_state(backend, "things", factory)

    with ThreadPoolExecutor(THREADS) as pool:
        states = list(pool.map(first_use, range(THREADS)))
    assert len(made) == 1 and all(state is states[0] for state in states)
    assert existing_state(backend, "things") is states[0]
    assert existing_state(backend, "other") is None and "_sandbox_other" not in vars(backend)


def test_first_requests_after_a_reset_lose_nothing(clean_sandbox):
    """Each round: a reset, then THREADS commands and THREADS baselines sent at once, the backend's
    first requests of each kind; every one of them is there afterwards."""
    sandbox = clean_sandbox
    account = "123456789012"
    for _round in range(3):
        sandbox.reset()
        nodes = sandbox.seed_nodes(THREADS, "AMAZON_LINUX_2", kind="hybrid", account_id=account)
        clients = [account_client(sandbox, account) for _ in range(2 * THREADS)]
        start = threading.Barrier(2 * THREADS)

        def send(index):
            client = clients[index]
            start.wait()
            if index % 2:
                return client.create_patch_baseline(Name=f"race-{index}", OperatingSystem="AMAZON_LINUX_2")["BaselineId"]
            return client.send_command(DocumentName="AWS-RunShellScript", InstanceIds=[nodes[index // 2]],
                                       Parameters={"commands": ["echo race"]})["Command"]["CommandId"]

        with ThreadPoolExecutor(2 * THREADS) as pool:
            made = list(pool.map(send, range(2 * THREADS)))
        ssm = clients[0]
        commands = {command["CommandId"] for page in ssm.get_paginator("list_commands").paginate()
                    for command in page["Commands"]}
        baselines = {baseline["BaselineId"] for page in ssm.get_paginator("describe_patch_baselines").paginate(
            Filters=[{"Key": "OWNER", "Values": ["Self"]}]) for baseline in page["BaselineIdentities"]}
        assert commands == set(made[0::2]) and len(commands) == THREADS
        assert baselines == set(made[1::2]) and len(baselines) == THREADS
