"""Install amazon.aws into a collections path from the `ansible` package's wheel, offline from Galaxy.

    python tools/install_amazon_aws.py --ansible 12.3.0 --dest .build/collections

There is no Galaxy here, and the whole `ansible` package is 550 MB of collections we do not use:
pip downloads its wheel (PyPI is reachable), this takes `ansible_collections/amazon/aws/` out of it and
`ansible-galaxy collection install --offline` installs that directory, so the result is laid out and
recorded (MANIFEST.json) exactly as a Galaxy install would be.
"""

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

COLLECTION_PREFIX = "ansible_collections/amazon/aws/"


def download_wheel(ansible_version, directory):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(directory),
         f"ansible=={ansible_version}"],
        check=True,
    )
    return next(Path(directory).glob(f"ansible-{ansible_version}-*.whl"))


def extract_collection(wheel, directory):
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.startswith(COLLECTION_PREFIX)]
        if not members:
            raise SystemExit(f"{wheel.name} has no {COLLECTION_PREFIX}")
        archive.extractall(directory, members)
    return Path(directory) / COLLECTION_PREFIX


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--ansible", required=True, help="version of the `ansible` package to take amazon.aws from")
    parser.add_argument("--dest", required=True, help="collections path to install into")
    args = parser.parse_args()
    galaxy = Path(sys.executable).parent / "ansible-galaxy"
    with tempfile.TemporaryDirectory() as scratch:
        wheel = download_wheel(args.ansible, scratch)
        source = extract_collection(wheel, scratch)
        subprocess.run(
            [str(galaxy), "collection", "install", "--offline", "--force", "-p", args.dest, str(source)],
            check=True,
        )


if __name__ == "__main__":
    main()
