"""Managed nodes that have run AWS-RunPatchBaseline, for the patch state and compliance examples:
seeded through the control API in the test's account, patched through SendCommand, with the frozen
clock advanced past the run (never a sleep)."""

# Longer than any seeded run takes on the simulated agent (seconds per node, reboots).
RUN_SECONDS = 3600


def seed(sandbox, account, count, operating_system="WINDOWS", kind="ec2", tags=None, region="us-east-1"):
    return sandbox.seed_nodes(count, operating_system, kind=kind, tags=tags or {}, region=region,
                              account_id=account)


def patch(sandbox, ssm, node_ids, operation="Scan", reboot_option="NoReboot"):
    """Runs AWS-RunPatchBaseline on the nodes to its end; returns the command id."""
    command = ssm.send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=list(node_ids),
                               Parameters={"Operation": [operation], "RebootOption": [reboot_option]})
    sandbox.advance_clock(RUN_SECONDS)
    command_id = command["Command"]["CommandId"]
    statuses = {invocation["Status"] for invocation in
                ssm.list_command_invocations(CommandId=command_id)["CommandInvocations"]}
    assert statuses == {"Success"}, statuses
    return command_id
