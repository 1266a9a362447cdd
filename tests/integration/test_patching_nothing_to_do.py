"""The patching role when an install has nothing to do: it says so, sends nothing and succeeds; zero
nodes is still an error (targets/patching_nothing_to_do, one ansible-playbook run)."""

import re


def test_an_install_of_compliant_nodes_sends_nothing_and_says_so(run_target):
    sandbox = run_target.sandbox
    sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    try:
        for name, group in (("App1", "App"), ("App2", "App"), ("Web1", "Web")):
            sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name, "Patch Group": group})
        sandbox.clear_calls()
        result = run_target("patching_nothing_to_do", {"cloudpatch_ssm_aws": {"region": "us-east-1"}})
    finally:
        sandbox.reset_agent()

    # Only the first install was sent: the second, the check-mode runs and the empty group sent nothing.
    assert len(sandbox.calls(service="ssm", operation="SendCommand")) == 1
    assert [call["operation"] for call in sandbox.mutating_calls()] == ["SendCommand"]
    said = re.findall(r'"msg": "(Nothing to install[^"]*)"', result.stdout)
    assert said == ["Nothing to install: 2 of 2 node(s) compliant in patching_patch_groups App (us-east-1): nothing missing or failed"
                    " or waiting for a reboot as of each node's last report, all within 1 day(s); no command sent."], result.stdout
    assert "Traceback" not in result.stdout + result.stderr
