"""ssm_patch_compliance_info's recurring patching tasks: maintenance window tasks and associations
(scheduled or not) that run a patching document, as the console's Recurring Patching Tasks widget
lists them."""


def test_recurring_tasks_are_patching_window_tasks_and_associations(run_target):
    sandbox = run_target.sandbox
    ssm = sandbox.client("ssm")
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": "App1", "Patch Group": "App"})
    window_id = ssm.create_maintenance_window(
        Name="Sunday-patching", Schedule="cron(0 2 ? * SUN *)", Duration=3, Cutoff=1, AllowUnassociatedTargets=True,
    )["WindowId"]
    ssm.create_maintenance_window(Name="Empty-window", Schedule="rate(7 days)", Duration=2, Cutoff=1,
                                  AllowUnassociatedTargets=True)
    common = {"WindowId": window_id, "TaskType": "RUN_COMMAND", "MaxConcurrency": "10%", "MaxErrors": "1",
              "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
    patch_task_id = ssm.register_task_with_maintenance_window(
        TaskArn="AWS-RunPatchBaseline", Name="Install-App",
        TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Install"]}}}, **common,
    )["WindowTaskId"]
    ssm.register_task_with_maintenance_window(
        TaskArn="AWS-RunShellScript", Name="Not-patching",
        TaskInvocationParameters={"RunCommand": {"Parameters": {"commands": ["uptime"]}}}, **common,
    )
    association_id = ssm.create_association(
        Name="AWS-RunPatchBaseline", AssociationName="DailyScan", ScheduleExpression="rate(1 day)",
        Targets=[{"Key": "InstanceIds", "Values": [node]}], Parameters={"Operation": ["Scan"]},
    )["AssociationDescription"]["AssociationId"]
    sandbox.clear_calls()

    run_target("ssm_patch_compliance_info_tasks", {
        "window_id": window_id, "patch_task_id": patch_task_id, "association_id": association_id,
    })

    assert sandbox.mutating_calls() == []
    # One DescribeMaintenanceWindowTasks a window, whatever the fleet.
    assert len(sandbox.calls(operation="DescribeMaintenanceWindowTasks")) == 2
