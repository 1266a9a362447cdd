"""The server process, its command line and the control API."""

import json
import urllib.error

import pytest
from botocore.exceptions import ClientError

from sandbox.cli import load_faults
from sandbox.testing.process import start_sandbox
from sandbox.wire.call_log import read_operations


def test_health(sandbox):
    health = sandbox.request("GET", "/_sandbox/health")
    assert health["status"] == "ok" and health["moto_version"]


def test_unknown_control_route_is_404(sandbox):
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        sandbox.request("GET", "/_sandbox/nope")
    assert excinfo.value.code == 404
    assert "error" in json.loads(excinfo.value.read())


def test_reset_clears_aws_state_and_nodes(clean_sandbox):
    clean_sandbox.client("ssm").put_parameter(Name="/x", Value="1", Type="String")
    clean_sandbox.register_node("WINDOWS")
    clean_sandbox.reset()
    assert clean_sandbox.client("ssm").describe_parameters()["Parameters"] == []
    assert clean_sandbox.nodes() == []


def test_node_control_routes(clean_sandbox):
    node = clean_sandbox.register_node("CENTOS", name="build", tags={"Env": "ci"}, ip_address="10.9.8.7")
    assert (node["operating_system"], node["platform_name"], node["ip_address"], node["tags"]) == (
        "CENTOS", "CentOS Linux", "10.9.8.7", {"Env": "ci"})
    updated = clean_sandbox.update_node(node["instance_id"], ping_status="Inactive")
    assert updated["ping_status"] == "Inactive"
    clean_sandbox.request("DELETE", f"/_sandbox/nodes/{node['instance_id']}")
    assert clean_sandbox.nodes() == []
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        clean_sandbox.request("DELETE", f"/_sandbox/nodes/{node['instance_id']}")
    assert excinfo.value.code == 404


def test_faults_from_a_file_at_start_up_pid_file_operations_record_and_stop(tmp_path):
    """One server start for what only a start shows: --pid-file, --faults naming a file (the inline form of
    --faults is the same function's other branch: test_faults_argument_is_inline_json_or_a_file), and the
    operations record of $CLOUDPATCH_SANDBOX_OPERATIONS_DIR (each distinct operation once, across resets)."""
    pid_file = tmp_path / "sandbox.pid"
    faults = tmp_path / "faults.json"
    operations = tmp_path / "operations"
    faults.write_text(json.dumps({"seed": 1, "rules": [
        {"service": "ssm", "operation": "DescribePatchBaselines", "throttle_rate": 1.0},
        {"service": "sts", "error_503_rate": 1.0}]}))
    server = start_sandbox(extra_args=["--pid-file", str(pid_file), "--faults", str(faults)],
                           env={"CLOUDPATCH_SANDBOX_OPERATIONS_DIR": str(operations)})
    with server:
        assert int(pid_file.read_text()) == server.process.pid
        with pytest.raises(ClientError) as excinfo:
            server.client("ssm").describe_patch_baselines()
        assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
        assert server.faults()["rules"][0]["throttle_rate"] == 1.0
        assert server.calls()[0]["injected"] is True
        with pytest.raises(ClientError) as excinfo:
            server.client("sts").get_caller_identity()
        assert excinfo.value.response["Error"]["Code"] == "ServiceUnavailable"

        # The operations record: kept across a reset, each (service, operation, caller) once.
        server.clear_faults()
        server.reset()
        server.client("s3").list_buckets()
        server.client("ssm").describe_patch_baselines()
    assert server.process.poll() is not None
    recorded = [(r["service"], r["operation"], r["access_key_id"]) for r in read_operations(operations)]
    key = server.environment()["AWS_ACCESS_KEY_ID"]
    assert recorded == [("ssm", "DescribePatchBaselines", key), ("sts", "GetCallerIdentity", key),
                        ("s3", "ListBuckets", key)], recorded
    assert all("Boto3/" in r["user_agent"] for r in read_operations(operations))


def test_faults_argument_is_inline_json_or_a_file(tmp_path):
    rules = {"seed": 1, "rules": [{"service": "ssm", "operation": "DescribePatchBaselines", "throttle_rate": 1.0}]}
    path = tmp_path / "faults.json"
    path.write_text(json.dumps(rules))
    assert load_faults(json.dumps(rules)) == load_faults(f"  {json.dumps(rules)}") == load_faults(str(path)) == rules
    assert load_faults(None) is None


def test_binds_loopback_only(sandbox):
    # /proc/net/tcp lists listening sockets as "ADDR:PORT" in hex; state 0A is LISTEN.
    port = f"{sandbox.port:04X}"
    with open("/proc/net/tcp", encoding="ascii") as handle:
        rows = [line.split() for line in handle.readlines()[1:]]
    addresses = [row[1].split(":")[0] for row in rows if row[1].endswith(":" + port) and row[3] == "0A"]
    assert addresses == ["0100007F"]  # 127.0.0.1


def test_warm_up_builds_the_default_account_s_ssm_and_ec2_backends():
    from moto.ec2.models import ec2_backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.ssm.models import ssm_backends

    from sandbox.install import install_all
    from sandbox.wire.server import SandboxApp, warm_up

    install_all()
    app = SandboxApp(DomainDispatcherApplication(create_backend_app), validated_services=())
    ec2_backends.reset()  # moto's BackendDict.reset(): every service's backends in this process
    warm_up(app)
    # moto builds a region's backend on its first use: dict membership tells whether it was built.
    assert dict.__contains__(ec2_backends["123456789012"], "us-east-1")
    assert dict.__contains__(ssm_backends["123456789012"], "us-east-1")
    assert len(app.call_log) == 0


def test_a_warm_up_call_that_fails_stops_the_start():
    from sandbox.wire.server import SandboxApp, warm_up

    def refusing(environ, start_response):
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [b"no backend"]

    with pytest.raises(RuntimeError, match="warm-up ssm call failed.*500.*no backend"):
        warm_up(SandboxApp(refusing, validated_services=()))
