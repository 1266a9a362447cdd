"""Run Command's model: the statuses an invocation goes through, the errors the API answers, a
step's result (PluginResult) and one node's copy of a command (Invocation)."""

import datetime

import botocore.session
from moto.ssm.exceptions import SSMException

_SSM_MODEL = botocore.session.get_session().get_service_model("ssm")
COMMAND_STATUSES = tuple(_SSM_MODEL.shape_for("CommandStatus").enum)
INVOCATION_STATUSES = tuple(_SSM_MODEL.shape_for("CommandInvocationStatus").enum)

DEFAULT_MAX_CONCURRENCY = "50"
DEFAULT_MAX_ERRORS = "0"
DEFAULT_TIMEOUT_SECONDS = 3600
LIST_OUTPUT_LIMIT = 2500        # CommandPlugins[].Output in ListCommandInvocations
GET_STDOUT_LIMIT = 24000        # GetCommandInvocation StandardOutputContent
GET_STDERR_LIMIT = 8000         # GetCommandInvocation StandardErrorContent

# (Status, StatusDetails) of an invocation, as the API reports them.
PENDING = ("Pending", "Pending")
DELAYED = ("Delayed", "Delayed")
IN_PROGRESS = ("InProgress", "InProgress")
SUCCESS = ("Success", "Success")
FAILED = ("Failed", "Failed")
DELIVERY_TIMED_OUT = ("TimedOut", "DeliveryTimedOut")
UNDELIVERABLE = ("Failed", "Undeliverable")
TERMINATED = ("Cancelled", "Terminated")
CANCELLED = ("Cancelled", "Cancelled")
NOT_STARTED = (PENDING, DELAYED)


class InvalidCommandId(SSMException):
    code = "InvalidCommandId"


class InvocationDoesNotExist(SSMException):
    code = "InvocationDoesNotExist"


class InvalidPluginName(SSMException):
    code = "InvalidPluginName"


class DuplicateInstanceId(SSMException):
    code = "DuplicateInstanceId"


class InvalidOutputFolder(SSMException):
    code = "InvalidOutputFolder"


class InvalidRole(SSMException):
    code = "InvalidRole"


class InvalidNotificationConfig(SSMException):
    code = "InvalidNotificationConfig"


class UnsupportedPlatformType(SSMException):
    code = "UnsupportedPlatformType"



def utc_datetime(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)


def iso_time(timestamp):
    """GetCommandInvocation's StringDateTime: ISO 8601 with milliseconds, UTC."""
    if timestamp is None:
        return ""
    return utc_datetime(timestamp).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(timestamp * 1000) % 1000:03d}Z"


class PluginResult:
    """What one step of the document did on one node."""

    __slots__ = ("spec", "status", "status_details", "response_code", "start", "end", "stdout", "stderr",
                 "skipped")

    def __init__(self, spec, status=SUCCESS, response_code=0, start=None, end=None, stdout="", stderr="",
                 skipped=False):
        self.spec = spec
        self.status, self.status_details = status
        self.response_code = response_code
        self.start = start
        self.end = end
        self.stdout = stdout or ""
        self.stderr = stderr or ""
        self.skipped = skipped

    @property
    def name(self):
        return self.spec.name

    @property
    def failed(self):
        return self.status != "Success"


class Invocation:
    """One node's copy of a command."""

    __slots__ = ("index", "instance_id", "instance_name", "platform_type", "status", "status_details",
                 "response_code", "start", "end", "plugins", "phase_state")

    def __init__(self, index, instance_id, instance_name="", platform_type=None):
        self.index = index
        self.instance_id = instance_id
        self.instance_name = instance_name
        self.platform_type = platform_type
        self.status, self.status_details = PENDING
        self.response_code = -1
        self.start = None
        self.end = None
        self.plugins = None          # list of PluginResult once the node ran the document
        self.phase_state = None      # what the run still has to do after a reboot

    @property
    def state(self):
        return (self.status, self.status_details)

    @property
    def terminal(self):
        return self.state not in (PENDING, DELAYED, IN_PROGRESS)

