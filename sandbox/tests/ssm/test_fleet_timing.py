"""A command over 10,000 managed nodes on the frozen clock: the run takes its full simulated time
(minutes, as on AWS) and the test gets there by moving the clock, not by waiting or by a fast agent."""

import pytest

from sandbox.tests.patch_isolation import account, account_client  # noqa: F401 (fixtures)

FLEET = 10_000
CONCURRENCY = 1_000
SECONDS_PER_NODE = 120.0     # as long as a real agent's run of a short script may take, and then some


@pytest.fixture
def slow_agent(frozen_clock):
    frozen_clock.set_agent(seconds_per_node=SECONDS_PER_NODE)
    yield frozen_clock
    frozen_clock.reset_agent()


def test_ten_thousand_nodes_finish_when_the_clock_says_so(slow_agent, account):  # noqa: F811
    sandbox = slow_agent
    sandbox.seed_nodes(FLEET, "AMAZON_LINUX_2", kind="hybrid", account_id=account, tags={"Fleet": "all"})
    ssm = account_client(sandbox, account)
    command = ssm.send_command(
        DocumentName="AWS-RunShellScript", Targets=[{"Key": "tag:Fleet", "Values": ["all"]}],
        Parameters={"commands": ["echo patched"]}, MaxConcurrency=str(CONCURRENCY), MaxErrors="0",
    )["Command"]
    waves = FLEET // CONCURRENCY

    def status():
        return ssm.list_commands(CommandId=command["CommandId"])["Commands"][0]

    # One second before the last wave ends, the last 1,000 are still running and nothing failed.
    sandbox.advance_clock(waves * SECONDS_PER_NODE - 1)
    running = status()
    assert (running["Status"], running["TargetCount"]) == ("InProgress", FLEET)
    assert running["CompletedCount"] == FLEET - CONCURRENCY and running["ErrorCount"] == 0

    sandbox.advance_clock(1)
    done = status()
    assert (done["Status"], done["CompletedCount"], done["ErrorCount"]) == ("Success", FLEET, 0)
    # Twenty minutes of the fleet's time went by; the sandbox says so, whatever the wall clock did.
    assert sandbox.clock()["now"] - command["RequestedDateTime"].timestamp() == pytest.approx(waves * SECONDS_PER_NODE)
