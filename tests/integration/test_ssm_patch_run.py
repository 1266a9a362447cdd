"""ssm_patch_run against the sandbox agent: the workshop's scan and install."""

import pytest

WORKSHOP_NODES = ("App1", "App2", "Web1", "Web2")


@pytest.fixture
def agent(run_target):
    run_target.sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5)
    yield run_target.sandbox
    run_target.sandbox.reset_agent()


def test_workshop_scan_then_install(run_target, agent):
    node_ids = {name: agent.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}
    agent.client("s3").create_bucket(Bucket="ssm-command-logs-us-east-1-123456789012")
    run_target("ssm_patch_run", {"node_ids": node_ids, "output_bucket": "ssm-command-logs-us-east-1-123456789012"})
