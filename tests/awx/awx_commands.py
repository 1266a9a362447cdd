"""What the AWX tests share: where things are, and a command that must succeed."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# `make venv` installs amazon.aws here from the `ansible` package's wheel (tools/install_amazon_aws.py).
AMAZON_AWS = REPO_ROOT / ".build" / "collections" / "ansible_collections" / "amazon" / "aws"


def run(command, **kwargs):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False,
                            timeout=600, **kwargs)
    assert result.returncode == 0, f"{command[0]} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result
