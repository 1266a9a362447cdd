# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading a window as the modules show it: found by name or id, with its tags, targets and tasks,
through ssm.py's calls. Names are not unique in AWS: a name several windows share is an error that
lists their ids and says which option picks one."""

from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.targets import target_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.tasks import task_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.window import window_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_tasks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_windows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_maintenance_window_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource


def windows_named(client, names):
    """The identities of every window whose name is one of `names` (the Name filter, exact names)."""
    wanted = list(names)
    return [item for item in describe_maintenance_windows(client, [{"Key": "Name", "Values": wanted}]) if item.get("Name") in wanted]


def find_window(client, region, name, window_id=None):
    """GetMaintenanceWindow of the one window a task names, or None if there is none.

    With `window_id` the id decides (ParameterError when it does not exist: an id is never a create);
    with only a name, several windows sharing it are an error naming their ids.
    """
    if window_id is not None:
        definition = get_maintenance_window(client, window_id)
        if definition is None:
            raise ParameterError(f"window_id: maintenance window {window_id} does not exist in {region}")
        return definition
    matches = windows_named(client, [name])
    if len(matches) > 1:
        ids = ", ".join(sorted(item["WindowId"] for item in matches))
        raise ParameterError(f"name: {len(matches)} maintenance windows in {region} are named {name} ({ids}); "
                             "set window_id to one of these ids to choose one")
    return get_maintenance_window(client, matches[0]["WindowId"]) if matches else None


def registered_tasks(client, window_id):
    """Every task of the window with its invocation parameters (GetMaintenanceWindowTask: one call a task,
    since DescribeMaintenanceWindowTasks leaves them out)."""
    tasks = []
    for identity in describe_maintenance_window_tasks(client, window_id):
        task = get_maintenance_window_task(client, window_id, identity["WindowTaskId"])
        if task is not None:
            tasks.append(task)
    return sorted(tasks, key=lambda task: (str(task.get("Name")), task["WindowTaskId"]))


def registered_targets(client, window_id):
    return sorted(describe_maintenance_window_targets(client, window_id), key=lambda target: (str(target.get("Name")), target["WindowTargetId"]))


def read_window(client, definition):
    """(window in the module's shape with targets and tasks, registered targets, registered tasks) as the API lists them."""
    window_id = definition["WindowId"]
    targets = registered_targets(client, window_id)
    tasks = registered_tasks(client, window_id)
    window = describe_window(definition, list_tags_for_resource(client, "MaintenanceWindow", window_id), targets, tasks)
    return window, targets, tasks


def describe_window(definition, tags, targets, tasks):
    window = window_to_ansible(definition, tags)
    names = dict((target["WindowTargetId"], target.get("Name")) for target in targets if target.get("WindowTargetId"))
    window["targets"] = [target_to_ansible(target) for target in targets]
    window["tasks"] = [task_to_ansible(task, names) for task in tasks]
    return window
