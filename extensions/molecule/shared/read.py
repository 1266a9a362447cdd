"""A scenario's reads for its checks in one process: `shared/tasks/read.yml` runs it.

The JSON argument names each read, `{"cleanup_role": {"module": "amazon.aws.iam_role_info", "args": {...}}, ...}`;
each module runs in-process as Ansible runs it (world.py's run_module), in the order given. Prints
`{"cleanup_role": <the module's result, as its task would register it>, ...}`; exits 1 naming the read that failed.
"""

import json
import sys

from world import run_module  # pylint: disable=import-error  # beside this file


def main():
    reads = json.loads(sys.argv[1])
    try:
        results = {name: run_module(read["module"], read.get("args", {})) for name, read in reads.items()}
        for result in results.values():
            # What a module warns goes to the task's output, not into the data a check reads; and its
            # summaries are Ansible's own objects, which from_json refuses.
            for key in ("warnings", "deprecations"):
                for message in result.pop(key, ()):
                    print(f"{key}: {message.get('event', {}).get('msg', message) if isinstance(message, dict) else message}",
                          file=sys.stderr)
    except Exception as exc:  # pylint: disable=broad-except  # said in one line, as a task's failure
        print(f"a read failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
