"""A sandbox server in a subprocess, stopped by PID, and the `Sandbox` object that drives it.

Used by the pytest plugin (sandbox/testing/plugin.py), tools/ and bench/. The `Sandbox` object
drives the control API:

    sandbox.client("ssm")                         boto3 client, one attempt, every response checked
                                                  against botocore's output shape (response_shapes.py);
                                                  account_id= (moto's x-moto-account-id header) or
                                                  credentials= (an AssumeRole answer's) for another account
    sandbox.assume_role(role_arn, account_id=None, credentials=None) -> Credentials (trust policy checked)
    sandbox.role_client("ssm", role_arn)          a client in the role's account
    sandbox.seed_organization([member_account("web", ou="Prod", regions=["us-east-1"], nodes=3)],
                              ous={"Prod": {}})   organization, OUs, accounts, roles, nodes in one call
    sandbox.put_role(account_id, role_name, trusted_principal=... | trust_policy=...) -> role ARN
    sandbox.environment(region, credentials=None)  AWS_* variables for a module process (an assumed role's)
    sandbox.calls(service="ssm", operation=None, account_id=None)  the call log (list of dicts), oldest first
    sandbox.mutating_calls(service=None)          calls whose operation is not a read
    sandbox.clear_calls()
    sandbox.set_faults(rules, seed=None) / sandbox.set_fault(service, operation="*", **rates)
    sandbox.clear_faults()
    sandbox.seed_nodes(count, operating_system, kind="ec2", tags=None, ...) -> instance ids
    sandbox.register_node(operating_system, **fields) -> node dict (hybrid mi- node)
    sandbox.update_node(node_id, **fields), sandbox.nodes()
    sandbox.set_agent(seconds_per_node=0.1, reboot_seconds=0.2, delivery_timeout_scale=0.01)
    sandbox.agent(), sandbox.reset_agent()             simulated time of Run Command
    sandbox.take_offline(node_id, ping_status="ConnectionLost"), sandbox.bring_online(node_id)
    sandbox.set_failing_patches(node_id, ["kernel*"]), sandbox.clear_failing_patches(node_id)
    sandbox.commands(region)                           command summaries
    sandbox.clock() -> {"now": epoch seconds, "frozen": bool}
    sandbox.freeze_clock(), sandbox.unfreeze_clock(), sandbox.advance_clock(seconds)
                                                       simulated time (sandbox.agent.clock); a reset
                                                       follows the wall clock again

`start_sandbox(extra_args=[...])` starts another server (e.g. with `--faults`); stop it with
`.stop()` in a `finally`, or use it as a context manager.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

from sandbox.testing import response_shapes

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def amazon_linux_2_ami(ec2):
    """An Amazon Linux 2 AMI id. Filtered by name: moto knows 1,301 Amazon AMIs, and listing them all
    costs seconds a call."""
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-hvm-2.0.*-x86_64-gp2"]}])
    return images["Images"][0]["ImageId"]


def member_account(name, ou="", regions=None, nodes=0, operating_system="AMAZON_LINUX_2", kind="hybrid", **fields):
    """One account of `Sandbox.seed_organization`: `nodes` nodes in each of `regions` (hybrid by default: fast),
    other keys (id, status, role_name, trusted_principal, email) as the control API takes them."""
    plan = {"nodes": nodes, "os": operating_system, "kind": kind}
    return {"name": name, "ou": ou, "regions": {region: dict(plan) for region in (regions or ())}, **fields}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sandbox:
    """A running sandbox server and the calls a test needs to drive it."""

    def __init__(self, port, process):
        self.port = port
        self.process = process
        self.endpoint = f"http://127.0.0.1:{port}"

    def client(self, service, region=REGION, account_id=None, credentials=None, **config):
        """A boto3 client of this sandbox. `account_id`: every request carries moto's documented server-mode
        header `x-moto-account-id` (the account's own credentials, as it were); `credentials`: the
        `Credentials` an STS AssumeRole answered (moto serves those in the role's account)."""
        # One attempt: a retry would hide the error a test wants to see. (botocore reads
        # retries["max_attempts"] as the number of *retries*; total_max_attempts counts them all.)
        retries = config.pop("retries", {"total_max_attempts": 1, "mode": "standard"})
        keys = CREDENTIALS
        if credentials is not None:
            keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
                    "aws_session_token": credentials["SessionToken"]}
        # Every response is checked against botocore's output shape (sandbox/testing/response_shapes.py);
        # there is no switch to turn that off.
        client = response_shapes.watch(boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            config=Config(retries=retries, **config),
            **keys,
        ))
        if account_id is not None:
            def add_account_header(request, **_kwargs):
                request.headers["x-moto-account-id"] = account_id

            client.meta.events.register("before-send", add_account_header)
        return client

    def assume_role(self, role_arn, session_name="sandbox-test", account_id=None, credentials=None, external_id=None):
        """STS AssumeRole as the caller `account_id` (its root) or `credentials`; the answer's Credentials."""
        request = {"RoleArn": role_arn, "RoleSessionName": session_name}
        if external_id is not None:
            request["ExternalId"] = external_id
        return self.client("sts", account_id=account_id, credentials=credentials).assume_role(**request)["Credentials"]

    def role_client(self, service, role_arn, region=REGION, **assume):
        """A client with the credentials of an assumed role: its requests are served in the role's account."""
        return self.client(service, region=region, credentials=self.assume_role(role_arn, **assume))

    def environment(self, region=REGION, credentials=None):
        """Environment variables that point boto3 (and so AnsibleAWSModule) at this sandbox; with `credentials`
        (an AssumeRole answer's) they act in the role's account."""
        environment = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
        }
        if credentials is not None:
            environment.update({"AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
                                "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
                                "AWS_SESSION_TOKEN": credentials["SessionToken"]})
        return environment

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def reset(self):
        """All AWS state and the call log (fault rules stay; see clear_faults)."""
        self.request("POST", "/_sandbox/reset")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # call log -----------------------------------------------------------------------------

    def calls(self, service=None, operation=None, region=None, mutating=None, account_id=None):
        query = {"service": service, "operation": operation, "region": region, "account_id": account_id}
        if mutating is not None:
            query["mutating"] = "true" if mutating else "false"
        encoded = urllib.parse.urlencode({key: value for key, value in query.items() if value is not None})
        return self.request("GET", "/_sandbox/calls" + (f"?{encoded}" if encoded else ""))["calls"]

    def operations(self, service=None):
        """Just the operation names of the logged calls, in order."""
        return [call["operation"] for call in self.calls(service=service)]

    def mutating_calls(self, service=None):
        """Calls that change state (anything but Describe*/Get*/List*/Head*...): check mode makes none."""
        return self.calls(service=service, mutating=True)

    def clear_calls(self):
        return self.request("DELETE", "/_sandbox/calls")["cleared"]

    # faults -------------------------------------------------------------------------------

    def set_faults(self, rules, seed=None):
        return self.request("PUT", "/_sandbox/faults", {"seed": seed, "rules": list(rules)})

    def set_fault(self, service="*", operation="*", seed=None, **rates):
        """One rule: set_fault("ssm", "DescribePatchBaselines", throttle_rate=1.0)."""
        return self.set_faults([{"service": service, "operation": operation, **rates}], seed=seed)

    def faults(self):
        return self.request("GET", "/_sandbox/faults")

    def clear_faults(self):
        return self.request("DELETE", "/_sandbox/faults")

    # managed nodes ------------------------------------------------------------------------

    def seed_nodes(self, count, operating_system="AMAZON_LINUX_2", kind="ec2", tags=None, region=REGION, **options):
        body = {"count": count, "operating_system": operating_system, "kind": kind, "tags": tags or {},
                "region": region, **options}
        return self.request("POST", "/_sandbox/nodes/seed", body)["instance_ids"]

    def register_node(self, operating_system="AMAZON_LINUX_2", region=REGION, **fields):
        return self.request("POST", "/_sandbox/nodes/register",
                            {"operating_system": operating_system, "region": region, **fields})

    def update_node(self, node_id, region=REGION, **fields):
        return self.request("PATCH", f"/_sandbox/nodes/{node_id}", {"region": region, **fields})

    def nodes(self, region=REGION, account_id=None):
        query = f"?region={region}" + (f"&account_id={account_id}" if account_id else "")
        return self.request("GET", "/_sandbox/nodes" + query)["nodes"]

    # accounts and organizations ---------------------------------------------------------------

    def seed_organization(self, accounts, ous=None, management_account_id=None, management_regions=None):
        """One call: the organization, its OUs, accounts (`member_account(...)` builds one), roles and nodes
        (sandbox/wire/accounts.py); returns the control API's answer."""
        body = {"ous": ous or {}, "accounts": list(accounts)}
        if management_account_id is not None:
            body["management_account_id"] = management_account_id
        if management_regions is not None:
            body["management_regions"] = management_regions
        return self.request("POST", "/_sandbox/organization", body)

    def put_role(self, account_id, role_name, trusted_principal=None, trust_policy=None):
        body = {"role_name": role_name}
        if trust_policy is not None:
            body["trust_policy"] = trust_policy
        else:
            body["trusted_principal"] = trusted_principal
        return self.request("POST", f"/_sandbox/accounts/{account_id}/roles", body)["role_arn"]

    # run command: simulated agent ---------------------------------------------------------------

    def set_agent(self, **settings):
        """Timing of simulated command runs: seconds_per_node, reboot_seconds, delivery_timeout_scale."""
        return self.request("PUT", "/_sandbox/agent", settings)

    def agent(self):
        return self.request("GET", "/_sandbox/agent")

    def reset_agent(self):
        return self.request("DELETE", "/_sandbox/agent")

    def take_offline(self, node_id, ping_status="ConnectionLost", region=REGION, **account):
        return self.update_node(node_id, region=region, ping_status=ping_status, **account)

    def bring_online(self, node_id, region=REGION, **account):
        return self.update_node(node_id, region=region, ping_status="Online", **account)

    def set_failing_patches(self, node_id, patterns, region=REGION, account_id=None):
        body = {"patterns": list(patterns), "region": region}
        if account_id:
            body["account_id"] = account_id
        return self.request("PUT", f"/_sandbox/nodes/{node_id}/failing-patches", body)

    def clear_failing_patches(self, node_id, region=REGION, account_id=None):
        body = {"region": region}
        if account_id:
            body["account_id"] = account_id
        return self.request("DELETE", f"/_sandbox/nodes/{node_id}/failing-patches", body)

    def commands(self, region=REGION, account_id=None):
        query = f"?region={region}" + (f"&account_id={account_id}" if account_id else "")
        return self.request("GET", "/_sandbox/commands" + query)["commands"]

    # simulated time -----------------------------------------------------------------------------

    def clock(self):
        """{"now": epoch seconds, "frozen": bool}: the sandbox's simulated time."""
        return self.request("GET", "/_sandbox/clock")

    def freeze_clock(self):
        return self.request("POST", "/_sandbox/clock", {"freeze": True})

    def unfreeze_clock(self):
        """Time runs again at the wall's pace, from where the simulated clock is."""
        return self.request("POST", "/_sandbox/clock", {"freeze": False})

    def advance_clock(self, seconds):
        """Jump `seconds` ahead; whatever fell due in between (command waves, reboots, delivery
        timeouts, scheduled association runs) has happened when this returns."""
        return self.request("POST", "/_sandbox/clock", {"advance_seconds": seconds})

    def step_clock(self, seconds):
        """Every SSM request served from now on first moves the clock `seconds` (0 stops it): a
        module's polls then meet the run at points fixed by its own calls, not by the machine's speed."""
        return self.request("POST", "/_sandbox/clock", {"advance_per_request": seconds})

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_sandbox(port=None, extra_args=(), env=None):
    """Start a sandbox server subprocess and wait until it answers; stopped by PID in `stop()`."""
    port = port or free_port()
    # stderr to a file, not a pipe: nobody reads a pipe while tests run, and a full pipe would
    # block the server.
    log = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "sandbox", "--port", str(port), *extra_args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    sandbox = Sandbox(port, process)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"sandbox exited: {log.read().decode(errors='replace')}")
            try:
                sandbox.request("GET", "/_sandbox/health")
                return sandbox
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("sandbox did not start within 60 s")
    except BaseException:
        sandbox.stop()
        raise
