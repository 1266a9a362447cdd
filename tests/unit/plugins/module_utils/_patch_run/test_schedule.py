"""The rate controls of a run of several commands: each command's share, when it may go, the error budget."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.schedule import command_concurrency
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.schedule import errors_left
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.schedule import sendable


@pytest.mark.parametrize("max_concurrency, nodes, expected", [
    ("50", 50, "50"), ("50", 20, "20"), ("10", 50, "10"), ("1000", 50, "50"), ("8%", 50, "8%"), ("100%", 3, "100%"), ("5", 0, "5"),
])
def test_a_command_gets_at_most_the_absolute_concurrency_and_no_more_than_its_nodes(max_concurrency, nodes, expected):
    assert command_concurrency(max_concurrency, nodes) == expected


@pytest.mark.parametrize("pending, running, max_concurrency, expected", [
    (["50", "50", "20"], [], "50", 1),        # one command of 50 at a time
    (["50", "20"], ["50"], "50", 0),          # nothing while the first runs
    (["50", "50", "20"], [], "100", 2),       # 50 + 50; the 20 waits for one of them
    (["20"], ["50"], "100", 1),               # 50 + 20 <= 100
    (["50"] * 20, [], "1000", 20),            # a scan's default over 1,000 nodes: every command at once
    (["10", "10", "10"], ["10"], "30", 2),
    (["8%"] * 3, ["8%"], "8%", 3),            # a percentage is each command's own share: all at once
])
def test_commands_go_only_while_the_concurrency_in_flight_stays_within_n(pending, running, max_concurrency, expected):
    assert sendable(pending, running, max_concurrency) == expected


def simulate(node_counts, max_concurrency):
    """Send and finish commands as a run does (each ends at once after it starts, in order); the peak in flight."""
    pending = [command_concurrency(max_concurrency, count) for count in node_counts]
    running, peak, rounds = [], 0, 0
    while pending or running:
        count = sendable(pending, running, max_concurrency)
        running += pending[:count]
        pending = pending[count:]
        peak = max(peak, sum(int(value) for value in running))
        running = running[1:]  # the oldest ends before the next poll
        rounds += 1
    return peak, rounds


@pytest.mark.parametrize("node_counts, max_concurrency, peak", [
    ([50, 50, 20], "50", 50), ([50, 50, 20], "70", 70), ([50] * 200, "50", 50), ([50] * 4, "120", 100), ([7], "1", 1),
])
def test_the_sum_in_flight_never_passes_n_and_every_command_is_sent(node_counts, max_concurrency, peak):
    assert simulate(node_counts, max_concurrency)[0] == peak


@pytest.mark.parametrize("max_errors, errors, expected", [
    ("5", 0, "5"), ("5", 3, "2"), ("5", 5, "0"), ("5", 6, None), ("0", 0, "0"), ("0", 1, None), ("10%", 40, "10%"),
])
def test_an_absolute_max_errors_is_a_budget_for_the_whole_run(max_errors, errors, expected):
    assert errors_left(max_errors, errors) == expected
