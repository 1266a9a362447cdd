# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rate controls over a run of several commands: what each command gets, and when it may be sent.

Run Command applies MaxConcurrency and MaxErrors to one command's targets (API reference,
SendCommand; User Guide, "Using targets and rate controls to send commands to a fleet"). A run of
several commands (ids 50 to a command, the most SendCommand takes; patch groups once per tag key
spelling) keeps the options' meaning for the whole run:

- a percentage applies to each command's nodes, so with every command sent at once the same share
  of the whole fleet runs at a time, and each command stops past its share of errors;
- an absolute max_concurrency N is shared: each command gets at most N (no more than its nodes),
  and a command is sent only when the MaxConcurrency of the commands still running plus its own is
  at most N, so no more than N nodes ever run at once;
- an absolute max_errors E is a budget for the whole run: each command is sent with what is left
  (E minus the errors of the commands sent before it), and once more than E nodes failed no further
  command is sent.

Nothing here calls AWS.
"""

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks


def is_percentage(value):
    return value.endswith("%")


def command_concurrency(max_concurrency, node_count):
    """The MaxConcurrency of one command of `node_count` nodes (None when not known)."""
    if is_percentage(max_concurrency) or not node_count:
        return max_concurrency
    return str(min(int(max_concurrency), node_count))


def sendable(pending, running, max_concurrency):
    """How many of the `pending` commands (their MaxConcurrency, in sending order) may be sent now,
    while commands of MaxConcurrency `running` are still going."""
    if is_percentage(max_concurrency):
        return len(pending)
    room = int(max_concurrency) - sum(int(value) for value in running)
    count = 0
    for value in pending:
        if int(value) > room:
            break
        room -= int(value)
        count += 1
    return count


def errors_left(max_errors, errors_so_far):
    """The MaxErrors of the next command: a percentage as it is, a count minus the errors so far;
    None once the budget is spent (more errors than it allows): send nothing more."""
    if is_percentage(max_errors):
        return max_errors
    left = int(max_errors) - errors_so_far
    return str(left) if left >= 0 else None


def id_commands(node_ids, size):
    """Targets of the commands that run on these nodes, `size` ids to a command, in order."""
    return [[{"Key": "InstanceIds", "Values": batch}] for batch in chunks(node_ids, size)]
