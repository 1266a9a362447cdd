"""Stand-in for the get-pip script ansible-test downloads to bootstrap pip in its virtualenvs.

ansible-test (sanity --venv) fetches get-pip-<version>.py from the internet, which this project
cannot reach; it uses a cached copy at ~/.ansible/test/cache/get_pip_<version>.py first, and the
Makefile puts this file there. It bootstraps pip from the interpreter's own ensurepip, then installs
what ansible-test asked for from the configured package index.
"""

import ensurepip
import os
import subprocess
import sys

# get-pip options that `pip install` does not take
GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main():
    environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    # ensurepip sets PIP_CONFIG_FILE=/dev/null, which would drop the machine's pip settings
    # (certificates, index) for the install below.
    os.environ.clear()
    os.environ.update(environment)
    requested = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    return subprocess.call([sys.executable, "-m", "pip", "install", *requested])


if __name__ == "__main__":
    sys.exit(main())
