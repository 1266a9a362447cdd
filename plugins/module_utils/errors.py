# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's one error type for a task that cannot be done as asked.

Every module's main() catches ParameterError (fail_json with its message and data) and the AWS
error types (fail_json_aws_error); anything else is a bug and shows as one, with its traceback.
"""


class ParameterError(Exception):
    """A task the user asked for that cannot be done: a bad option, or a value that names nothing.

    The message names the module's own option path (and the region when something was not found).
    `data` are result keys the failure carries: what is already known or done, for instance a run's
    ids and `changed` once it was sent, so that it can be followed up.
    """

    def __init__(self, message, **data):
        super().__init__(message)
        self.message = message
        self.data = data
