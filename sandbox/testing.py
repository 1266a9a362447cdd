"""pytest plugin: a sandbox server on a free port for the whole session, stopped by PID.

Tests use the `sandbox` fixture (the running server) or `clean_sandbox` (the same, reset first).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO_ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


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

    def client(self, service, region=REGION, **config):
        # One attempt: a retry would hide the error a test wants to see.
        retries = config.pop("retries", {"max_attempts": 1, "mode": "standard"})
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            config=Config(retries=retries, **config),
            **CREDENTIALS,
        )

    def environment(self, region=REGION):
        """Environment variables that point boto3 (and so AnsibleAWSModule) at this sandbox."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
        }

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def reset(self):
        self.request("POST", "/moto-api/reset")

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_sandbox(port=None, extra_args=(), env=None):
    port = port or free_port()
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "sandbox", "--port", str(port), *extra_args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sandbox = Sandbox(port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sandbox exited: {process.stderr.read().decode(errors='replace')}")
        try:
            sandbox.request("GET", "/moto-api/data.json")
            return sandbox
        except OSError:
            time.sleep(0.1)
    sandbox.stop()
    raise RuntimeError("sandbox did not start within 60 s")


@pytest.fixture(scope="session")
def sandbox():
    server = start_sandbox()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clean_sandbox(sandbox):  # pylint: disable=redefined-outer-name
    sandbox.reset()
    return sandbox
