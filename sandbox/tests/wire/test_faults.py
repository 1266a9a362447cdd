"""Fault injection: injected errors parse into the service's own ClientError codes."""

import time

import pytest
from botocore.exceptions import ClientError

from sandbox.wire import server
from sandbox.wire.faults import FaultConfigError, FaultInjector, choose_fault, error_response, normalize_config


def _error(callable_):
    with pytest.raises(ClientError) as excinfo:
        callable_()
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_choose_fault_bands():
    rule = normalize_config({"rules": [{"throttle_rate": 0.2, "error_500_rate": 0.3, "error_503_rate": 0.1}]})["rules"][0]
    assert [choose_fault(rule, d) for d in (0.0, 0.19, 0.2, 0.49, 0.5, 0.59, 0.6, 0.99)] == [
        "throttle", "throttle", 500, 500, 503, 503, None, None]
    assert choose_fault(None, 0.0) is None
    denied = normalize_config({"rules": [{"error_503_rate": 0.5, "access_denied_rate": 0.25}]})["rules"][0]
    assert [choose_fault(denied, d) for d in (0.49, 0.5, 0.74, 0.75)] == [503, "denied", "denied", None]


@pytest.mark.parametrize("config", [
    {"rules": [{"throttle_rate": 1.5}]},
    {"rules": [{"throttle_rate": 0.6, "error_500_rate": 0.6}]},
    {"rules": [{"latency_ms": -1}]},
    {"rules": [{"throtle_rate": 0.1}]},
    {"rules": "all"},
])
def test_invalid_configs(config):
    with pytest.raises(FaultConfigError):
        normalize_config(config)


def test_most_specific_rule_wins():
    injector = FaultInjector({"rules": [
        {"service": "*", "operation": "*", "throttle_rate": 1},
        {"service": "ssm", "operation": "*", "error_500_rate": 1},
        {"service": "ssm", "operation": "GetPatchBaseline", "error_503_rate": 1},
    ]})
    assert injector.decide("ssm", "GetPatchBaseline")[0] == 503
    assert injector.decide("ssm", "DescribePatchBaselines")[0] == 500
    assert injector.decide("ec2", "DescribeInstances")[0] == "throttle"


def test_seed_makes_the_sequence_reproducible():
    config = {"seed": 7, "rules": [{"throttle_rate": 0.5}]}
    first = [FaultInjector(config).decide("ssm", "X")[0] for _ in range(1)]
    a, b = FaultInjector(config), FaultInjector(config)
    run_a = [a.decide("ssm", "X")[0] for _ in range(200)]
    run_b = [b.decide("ssm", "X")[0] for _ in range(200)]
    assert run_a == run_b and first[0] == run_a[0]
    assert 60 < run_a.count("throttle") < 140


def test_error_response_shapes():
    status, headers, body, code = error_response("ssm", "json", "throttle")
    assert (status, code) == (400, "ThrottlingException")
    assert ("Content-Type", "application/x-amz-json-1.1") in headers
    assert body == b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
    assert error_response("ec2", "query", "throttle")[3] == "RequestLimitExceeded"
    assert error_response("iam", "query", "throttle")[3] == "Throttling"
    assert error_response("s3", "rest-xml", "throttle")[3] == "SlowDown"


# --------------------------------------------------------------------------- through the server


def test_throttle_rate_one_always_throttles_and_zero_never(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    clean_sandbox.set_fault("ssm", "DescribeInstanceInformation", throttle_rate=1.0)
    for _ in range(5):
        assert _error(ssm.describe_instance_information) == ("ThrottlingException", 400)
    # Other operations are untouched.
    ssm.describe_parameters()
    clean_sandbox.set_fault("ssm", "DescribeInstanceInformation", throttle_rate=0.0)
    for _ in range(5):
        ssm.describe_instance_information()
    calls = clean_sandbox.calls(service="ssm", operation="DescribeInstanceInformation")
    assert [(c["status"], c["error_code"], c["injected"]) for c in calls] == [(400, "ThrottlingException", True)] * 5 + [
        (200, None, False)] * 5


def test_error_message_and_headers(clean_sandbox):
    clean_sandbox.set_fault("ssm", throttle_rate=1.0)
    with pytest.raises(ClientError) as excinfo:
        clean_sandbox.client("ssm").get_default_patch_baseline()
    assert excinfo.value.response["Error"]["Message"] == "Rate exceeded"
    assert excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"


@pytest.mark.parametrize("service, call, expected", [
    ("ec2", lambda s: s.client("ec2").describe_instances(), ("RequestLimitExceeded", 503)),
    ("iam", lambda s: s.client("iam").list_roles(), ("Throttling", 400)),
    ("sts", lambda s: s.client("sts").get_caller_identity(), ("Throttling", 400)),
    ("s3", lambda s: s.client("s3").list_buckets(), ("SlowDown", 503)),
])
def test_throttling_in_each_protocol(clean_sandbox, service, call, expected):
    clean_sandbox.set_fault(service, throttle_rate=1.0)
    assert _error(lambda: call(clean_sandbox)) == expected


@pytest.mark.parametrize("rates, expected", [
    ({"error_500_rate": 1.0}, ("InternalServerError", 500)),
    ({"error_503_rate": 1.0}, ("ServiceUnavailable", 503)),
])
def test_server_errors(clean_sandbox, rates, expected):
    clean_sandbox.set_fault("ssm", "*", **rates)
    assert _error(clean_sandbox.client("ssm").describe_instance_information) == expected


@pytest.mark.parametrize("service, call, expected", [
    ("ssm", lambda s: s.client("ssm").describe_instance_information(), ("AccessDeniedException", 400)),
    ("ec2", lambda s: s.client("ec2").describe_vpcs(), ("UnauthorizedOperation", 403)),
    ("s3", lambda s: s.client("s3").list_buckets(), ("AccessDenied", 403)),
    ("sts", lambda s: s.client("sts").get_caller_identity(), ("AccessDenied", 403)),
])
def test_access_denied_in_each_protocol(clean_sandbox, service, call, expected):
    clean_sandbox.set_fault(service, access_denied_rate=1.0)
    assert _error(lambda: call(clean_sandbox)) == expected
    assert clean_sandbox.calls(service=service)[-1]["injected"] is True


def test_ec2_server_errors(clean_sandbox):
    clean_sandbox.set_fault("ec2", error_500_rate=1.0)
    assert _error(clean_sandbox.client("ec2").describe_vpcs) == ("InternalError", 500)


def test_wildcard_rule_and_latency(clean_sandbox):
    sts = clean_sandbox.client("sts")
    # The first STS call after the reset builds moto's backends (under a loaded make test, more than 300 ms
    # of work, which then leaves nothing to hold): the call timed is a second one.
    sts.get_caller_identity()
    clean_sandbox.set_fault("*", "*", latency_ms=300)
    started = time.monotonic()
    sts.get_caller_identity()
    assert time.monotonic() - started >= 0.3
    call = clean_sandbox.calls(service="sts")[-1]
    # A round trip: the sandbox's own work is inside the 300 ms, the rest of it the answer was held.
    assert call["duration_ms"] >= 300
    assert 0 < call["held_ms"] < call["duration_ms"]


def test_no_latency_holds_nothing(clean_sandbox):
    clean_sandbox.client("sts").get_caller_identity()
    assert clean_sandbox.calls(service="sts")[-1]["held_ms"] == 0


class _Clock:
    """time.perf_counter and time.sleep for sandbox.wire.server."""

    def __init__(self):
        self.now = 100.0
        self.slept = []

    def perf_counter(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("work, latency, held", [
    (0.004, 0.030, 0.026),  # the work counted within the round trip, the rest held
    (0.045, 0.030, 0.0),    # work longer than the round trip: answered when done, nothing added
    (0.030, 0.030, 0.0),
    (0.004, 0.0, 0.0),      # no latency: no wait at all
])
def test_an_answer_is_held_until_its_round_trip_is_up(monkeypatch, work, latency, held):
    fake = _Clock()
    monkeypatch.setattr(server.time, "perf_counter", fake.perf_counter)
    monkeypatch.setattr(server.time, "sleep", fake.sleep)
    started = fake.perf_counter()
    fake.now += work
    assert server._hold(started, latency) == pytest.approx(held)  # pylint: disable=protected-access
    assert fake.slept == ([pytest.approx(held)] if held else [])
    assert fake.now - started == pytest.approx(max(work, latency))


def test_half_rate_with_seed_is_reproducible(clean_sandbox):
    ssm = clean_sandbox.client("ssm")

    def run():
        clean_sandbox.set_fault("ssm", "DescribeParameters", seed=42, throttle_rate=0.5)
        outcomes = []
        for _ in range(20):
            try:
                ssm.describe_parameters()
                outcomes.append("ok")
            except ClientError as exc:
                outcomes.append(exc.response["Error"]["Code"])
        return outcomes

    first, second = run(), run()
    assert first == second
    assert 0 < first.count("ThrottlingException") < 20


def test_faults_round_trip_and_clear(clean_sandbox):
    config = clean_sandbox.set_faults([{"service": "ssm", "throttle_rate": 0.25}], seed=3)
    assert config == {"seed": 3, "rules": [{"service": "ssm", "operation": "*", "throttle_rate": 0.25,
                                            "error_500_rate": 0.0, "error_503_rate": 0.0, "access_denied_rate": 0.0,
                                            "latency_ms": 0.0}]}
    assert clean_sandbox.faults() == config
    clean_sandbox.clear_faults()
    assert clean_sandbox.faults() == {"seed": None, "rules": []}


def test_invalid_fault_config_is_a_400(clean_sandbox):
    with pytest.raises(Exception) as excinfo:
        clean_sandbox.set_faults([{"service": "ssm", "throttle_rate": 2}])
    assert excinfo.value.code == 400
