"""Run a command against a sandbox started for it, and stop the sandbox by PID afterwards.

    python tools/run_with_sandbox.py -- ansible-playbook playbooks/...

The command gets the sandbox's endpoint and dummy credentials in AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION, which botocore (and so every
amazon.aws and cloudpatch.ssm module) reads when no parameter says otherwise.
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.testing.process import start_sandbox  # noqa: E402  pylint: disable=wrong-import-position


def main(argv):
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        sys.exit("usage: run_with_sandbox.py -- COMMAND [ARGS...]")
    sandbox = start_sandbox()
    print(f"== sandbox started on {sandbox.endpoint} (pid {sandbox.process.pid})", flush=True)
    try:
        return subprocess.call(argv, env={**os.environ, **sandbox.environment()})
    finally:
        sandbox.stop()
        print(f"== sandbox stopped (pid {sandbox.process.pid})", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
