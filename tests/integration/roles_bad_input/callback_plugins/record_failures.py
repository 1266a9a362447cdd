# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How each host of tests/integration/test_roles_bad_input.py's run (one host a case) ended, for the test to read.

A rescue task per case would cost a worker process per case; the failure is already in the callback's
hands. Writes {host: {failed, msg, exception, task}} to the file BAD_INPUT_RESULTS names when the run
ends: `failed` from the run's own stats (a failure a block of the role rescued does not count), `msg`,
`exception` and `task` of the host's last failure that was not ignored (the one a rescue inside a role
raised, if any: the one the host failed with).
"""

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: record_failures
type: notification
short_description: Record how each host failed (tests/integration/test_roles_bad_input.py)
description:
  - Writes each host's last failure and whether the host failed to the file named by BAD_INPUT_RESULTS.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "record_failures"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_failures = {}

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if ignore_errors:
            return
        returned = result.result
        self.last_failures[result.host.get_name()] = {
            "msg": str(returned.get("msg", "")),
            "exception": str(returned.get("exception", "")),
            "task": result.task.get_name(),
        }

    def v2_playbook_on_stats(self, stats):
        records = {}
        for host in stats.processed:
            record = self.last_failures.get(host, {"msg": "", "exception": "", "task": ""})
            records[host] = dict(record, failed=bool(stats.failures.get(host)))
        with open(os.environ["BAD_INPUT_RESULTS"], "w", encoding="utf-8") as handle:
            json.dump(records, handle)
