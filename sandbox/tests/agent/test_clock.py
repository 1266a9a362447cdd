"""The sandbox's clock: the Clock object in process (a fake wall clock), the control API, and
simulated work brought up to date when the clock jumps."""

import datetime
import json
import urllib.error

import pytest

from sandbox.agent.clock import Clock
from sandbox.tests.patch_isolation import account_client, new_account_id


class FakeWall:
    def __init__(self, start=1_000_000.0):
        self.value = start

    def __call__(self):
        return self.value


def test_clock_follows_the_wall_until_frozen():
    wall = FakeWall()
    clock = Clock(wall)
    assert clock.now() == 1_000_000.0
    wall.value += 5
    assert clock.now() == 1_000_005.0 and not clock.frozen
    assert clock.freeze() == 1_000_005.0
    wall.value += 100
    assert clock.state() == {"now": 1_000_005.0, "frozen": True}


def test_advance_jumps_frozen_or_running():
    wall = FakeWall()
    clock = Clock(wall)
    clock.freeze()
    assert clock.advance(600) == 1_000_600.0
    clock.unfreeze()
    assert clock.now() == 1_000_600.0           # runs on from where it was, not from the wall
    wall.value += 10
    assert clock.now() == 1_000_610.0
    clock.advance(90)
    assert clock.now() == 1_000_700.0 and not clock.frozen


def test_unfreeze_never_steps_back_and_reset_follows_the_wall():
    wall = FakeWall()
    clock = Clock(wall)
    clock.freeze()
    wall.value += 50
    assert clock.unfreeze() == 1_000_000.0
    clock.advance(30)
    clock.reset()
    assert clock.state() == {"now": 1_000_050.0, "frozen": False}


@pytest.mark.parametrize("seconds", [-1, float("inf"), float("nan"), True, "10", None])
def test_advance_refuses_what_is_not_a_duration(seconds):
    clock = Clock(FakeWall())
    with pytest.raises(ValueError, match="advance_seconds"):
        clock.advance(seconds)
    assert clock.now() == 1_000_000.0


def test_a_step_moves_the_clock_on_each_tick_until_cleared():
    wall = FakeWall()
    clock = Clock(wall)
    clock.freeze()
    clock.tick()
    assert clock.now() == 1_000_000.0                 # no step: a served request moves nothing
    clock.set_step(30)
    clock.tick()
    clock.tick()
    assert clock.state() == {"now": 1_000_060.0, "frozen": True, "advance_per_request": 30.0}
    clock.set_step(0)
    clock.tick()
    assert clock.state() == {"now": 1_000_060.0, "frozen": True}
    clock.set_step(5)
    clock.reset()
    clock.tick()
    assert clock.state() == {"now": 1_000_000.0, "frozen": False}


@pytest.mark.parametrize("seconds", [-1, float("inf"), True, None])
def test_a_step_must_be_a_duration(seconds):
    clock = Clock(FakeWall())
    with pytest.raises(ValueError, match="advance_per_request"):
        clock.set_step(seconds)


# ---------------------------------------------------------------------------------------------
# control API


def test_control_api_freezes_advances_and_unfreezes(sandbox):
    frozen = sandbox.freeze_clock()
    try:
        assert frozen["frozen"] is True
        assert sandbox.clock() == frozen                      # frozen: the same instant on every read
        advanced = sandbox.advance_clock(600)
        assert advanced == {"now": frozen["now"] + 600, "frozen": True}
        assert sandbox.clock() == advanced
    finally:
        running = sandbox.unfreeze_clock()
    assert running["frozen"] is False and running["now"] >= frozen["now"] + 600


@pytest.mark.parametrize("body", [{}, {"freeze": "yes"}, {"advance_seconds": -5}, {"advance_seconds": "60"},
                                  {"freeze": True, "advance_seconds": 1}, {"rewind": 5}, {"advance_per_request": -1},
                                  {"advance_per_request": "60"}])
def test_control_api_refuses_other_bodies(sandbox, body):
    before = sandbox.clock()
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        sandbox.request("POST", "/_sandbox/clock", body)
    assert excinfo.value.code == 400 and json.loads(excinfo.value.read())["error"]
    assert sandbox.clock()["frozen"] is before["frozen"] is False


def test_each_ssm_request_served_moves_a_stepping_clock(frozen_clock):
    sandbox = frozen_clock
    start = sandbox.step_clock(60)
    assert start["advance_per_request"] == 60
    ssm = sandbox.client("ssm")
    for _ in range(3):
        ssm.get_default_patch_baseline(OperatingSystem="WINDOWS")
    sandbox.client("s3").list_buckets()                # only SSM requests move it
    assert sandbox.clock()["now"] == start["now"] + 180
    sandbox.step_clock(0)
    ssm.get_default_patch_baseline(OperatingSystem="WINDOWS")
    assert sandbox.clock() == {"now": start["now"] + 180, "frozen": True}


def test_reset_follows_the_wall_clock_again(clean_sandbox):
    clean_sandbox.freeze_clock()
    advanced = clean_sandbox.advance_clock(86400)["now"]
    clean_sandbox.reset()
    state = clean_sandbox.clock()
    # Back on the wall clock: running, and a day behind where the advanced clock was.
    assert state["frozen"] is False and state["now"] < advanced - 86000


def test_a_ten_minute_command_is_over_after_advancing_ten_minutes(frozen_clock):
    sandbox = frozen_clock
    account = new_account_id()
    ssm = account_client(sandbox, account)
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", kind="hybrid", account_id=account)
    sandbox.set_agent(seconds_per_node=600)
    try:
        sent = ssm.send_command(DocumentName="AWS-RunShellScript", InstanceIds=[node],
                                Parameters={"commands": ["echo done"]})["Command"]
        sandbox.advance_clock(599)
        assert ssm.list_commands(CommandId=sent["CommandId"])["Commands"][0]["Status"] == "InProgress"
        sandbox.advance_clock(1)
        [command] = ssm.list_commands(CommandId=sent["CommandId"])["Commands"]
        assert (command["Status"], command["CompletedCount"]) == ("Success", 1)
        result = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId=node)
        assert (result["ExecutionElapsedTime"], result["StandardOutputContent"]) == ("PT600.000S", "done\n")
        end = datetime.datetime.fromisoformat(result["ExecutionEndDateTime"].replace("Z", "+00:00"))
        assert (end - sent["RequestedDateTime"]).total_seconds() == pytest.approx(600, abs=0.001)
    finally:
        sandbox.reset_agent()


def test_advancing_writes_what_fell_due_without_an_ssm_read(frozen_clock):
    """The jump itself runs the advancers: a command's S3 output is there for an S3 read."""
    sandbox = frozen_clock
    account = new_account_id()
    ssm = account_client(sandbox, account)
    s3 = sandbox.client("s3")
    s3.meta.events.register("before-send.s3", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    s3.create_bucket(Bucket=f"clock-{account}")
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", kind="hybrid", account_id=account)
    sent = ssm.send_command(DocumentName="AWS-RunShellScript", InstanceIds=[node], Parameters={"commands": ["echo hi"]},
                            OutputS3BucketName=f"clock-{account}")["Command"]
    assert s3.list_objects_v2(Bucket=f"clock-{account}").get("KeyCount") == 0
    sandbox.advance_clock(5)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=f"clock-{account}")["Contents"]]
    assert keys == [f"{sent['CommandId']}/{node}/awsrunShellScript/0.awsrunShellScript/stdout"]


def test_patch_states_and_pings_carry_the_simulated_time(frozen_clock):
    """A month later on the sandbox's clock, a scan reports that month, whatever the wall says."""
    sandbox = frozen_clock
    account = new_account_id()
    ssm = account_client(sandbox, account)
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", kind="hybrid", account_id=account)
    later = sandbox.advance_clock(30 * 86400)["now"]
    sent = ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=[node],
                            Parameters={"Operation": ["Scan"]})["Command"]
    assert sent["RequestedDateTime"].timestamp() == pytest.approx(later, abs=0.001)
    sandbox.advance_clock(60)
    [state] = ssm.describe_instance_patch_states(InstanceIds=[node])["InstancePatchStates"]
    # The agent's run starts at delivery and ends seconds_per_node later: the scan is recorded as
    # that run (contract/test_patch_states.py: the times fall inside the PatchLinux step).
    ran = later + sandbox.agent()["seconds_per_node"]
    assert state["OperationStartTime"].timestamp() == pytest.approx(later, abs=0.001)
    assert state["OperationEndTime"].timestamp() == pytest.approx(ran, abs=0.001)
    sandbox.take_offline(node, account_id=account)
    [item] = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [node]}])["InstanceInformationList"]
    assert item["LastPingDateTime"].timestamp() == pytest.approx(later + 60, abs=0.001)
