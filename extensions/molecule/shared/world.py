"""The world a scenario starts from, made in one process: `shared/tasks/world.yml` (each prepare) runs it.

Always: the sandbox reset (every AWS resource, managed node and logged call) and its simulated agent
made fast. Then, as the JSON argument asks, in this order:

    {"nodes": [{"Name": "App1", "Patch": "true"}, ...],   one EC2 managed node (Amazon Linux 2) per tag dict
     "baselines": [...],      entries of patch_baseline_baselines: ssm_patch_baseline, one run each
     "patch_groups": [...],   entries of patch_groups_groups: ssm_patch_group, one run each
     "scan": true,            ssm_patch_run operation scan, all instances (the compliance the roles read)
     "buckets": ["name"]}     S3 buckets

The collection's modules run in this process exactly as Ansible runs them (AnsibleModule reads its
arguments, prints its JSON result and exits; tests/integration/in_process.py does the same), with
the region and endpoint of the environment molecule's config.yml sets: the same calls as the roles'
tasks, without an ansible-playbook task (and its start-up, ~0.8 CPU-s with boto3) per call.
Prints what it made; exits 1 naming the step that failed.
"""

import contextlib
import importlib
import io
import json
import os
import sys
import urllib.request

FAST_AGENT = {"seconds_per_node": 0.2, "reboot_seconds": 0.5}


def control(method, path, body=None):
    request = urllib.request.Request(f"{os.environ['AWS_ENDPOINT_URL']}/_sandbox/{path}", method=method,
                                     data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def run_module(name, args):
    """One module run in this process: `name` is cloudpatch.ssm's (ssm_patch_run) or a FQCN (amazon.aws.s3_bucket_info)."""
    # The collections as ansible-playbook finds them (ANSIBLE_COLLECTIONS_PATH, which make layout links).
    for path in reversed(os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep)):
        if path and path not in sys.path:
            sys.path.insert(0, path)
    from ansible.module_utils.common import warnings  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel

    # A run's result carries its own warnings, as in a process of its own, not an earlier run's.
    warnings._global_warnings.clear()  # pylint: disable=protected-access
    warnings._global_deprecations.clear()  # pylint: disable=protected-access

    namespace, collection, short_name = name.split(".") if "." in name else ("cloudpatch", "ssm", name)
    module = importlib.import_module(f"ansible_collections.{namespace}.{collection}.plugins.modules.{short_name}")
    output = io.StringIO()
    with patch_module_args({"region": os.environ["AWS_REGION"], **args}), contextlib.redirect_stdout(output):
        try:
            module.main()
        except SystemExit:
            pass
    result = json.loads(output.getvalue())
    if result.get("failed"):
        raise RuntimeError(f"{name} {json.dumps(args)}: {result.get('msg')}")
    return result


def make(world):
    made = {"reset": control("POST", "reset")["status"], "agent": control("PUT", "agent", FAST_AGENT)}
    made["nodes"] = {
        tags.get("Name", str(number)): control("POST", "nodes/seed", {"count": 1, "operating_system": "AMAZON_LINUX_2",
                                                                      "tags": tags})["instance_ids"][0]
        for number, tags in enumerate(world.get("nodes", []))
    }
    made["baselines"] = [run_module("ssm_patch_baseline", entry)["patch_baseline"]["baseline_id"]
                         for entry in world.get("baselines", [])]
    made["patch_groups"] = [run_module("ssm_patch_group", entry)["patch_group"]["name"]
                            for entry in world.get("patch_groups", [])]
    if world.get("scan"):
        made["scan"] = run_module("ssm_patch_run", {"operation": "scan", "all_instances": True})["status"]
    if world.get("buckets"):
        import boto3  # pylint: disable=import-outside-toplevel

        s3 = boto3.client("s3", region_name=os.environ["AWS_REGION"])
        for bucket in world["buckets"]:
            s3.create_bucket(Bucket=bucket)
        made["buckets"] = world["buckets"]
    return made


def main():
    world = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    try:
        made = make(world)
    except Exception as exc:  # pylint: disable=broad-except  # said in one line, as a task's failure
        print(f"the scenario's world could not be made: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(made))
    return 0


if __name__ == "__main__":
    sys.exit(main())
