"""The execution environment as AWX / Automation Platform gets it: `ansible-builder create` on
meta/execution-environment.yml (no container engine needed), and what the build context it writes would put in
the image: our collection (the tarball built from this checkout) and amazon.aws in the galaxy requirements,
boto3/botocore ranges in the Python requirements, bindep.txt; then the two steps of a real build that need no
network, run on that context: the galaxy stage's install of our tarball, and the introspection that finds our
Python and system requirements in the installed collection.

Also: requirements.txt gives ranges and constraints.txt pins the versions tested here, inside those ranges."""

import json
import shutil
import sys
import tarfile
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from awx_commands import AMAZON_AWS, BIN, REPO_ROOT, run  # pylint: disable=import-error  # beside this file

DEFINITION = REPO_ROOT / "meta" / "execution-environment.yml"
# The tarball the definition copies into the context, relative to meta/ (make ee-context puts it there).
TARBALL_FROM_META = "../.build/ee/cloudpatch-ssm.tar.gz"


def requirements(path):
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return {requirement.name: requirement for requirement in map(Requirement, filter(None, lines))}


def galaxy_version():
    return yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]


def test_requirements_are_ranges_and_the_tested_versions_are_pinned_inside_them():
    ranges = requirements(REPO_ROOT / "requirements.txt")
    pins = requirements(REPO_ROOT / "constraints.txt")
    assert set(ranges) == {"ansible-core", "boto3", "botocore"}
    for name, requirement in ranges.items():
        operators = {spec.operator for spec in requirement.specifier}
        assert operators == {">=", "<"}, f"{name}: a range with a floor and a ceiling, got {requirement}"
    assert set(pins) == set(ranges)
    for name, pin in pins.items():
        (spec,) = pin.specifier
        assert spec.operator == "==", f"constraints.txt pins exact versions, got {pin}"
        assert Version(spec.version) in ranges[name].specifier, f"{pin} is outside requirements.txt's {ranges[name]}"
        # The shared virtualenv runs what constraints.txt says.
        assert metadata.version(name) == spec.version, name
    # The root files are links into meta/, where the definition (and introspection) read them.
    assert (REPO_ROOT / "requirements.txt").resolve() == REPO_ROOT / "meta" / "requirements.txt"
    assert (REPO_ROOT / "bindep.txt").resolve() == REPO_ROOT / "meta" / "bindep.txt"


def test_ansible_builder_create_writes_a_context_with_our_collection_amazon_aws_and_ranges(tmp_path):
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    assert definition["version"] == 3
    assert [entry["src"] for entry in definition["additional_build_files"]] == [TARBALL_FROM_META]

    # The checkout's layout in a scratch copy: meta/ as shipped, the tarball where make ee-context puts it.
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "meta", project / "meta")
    (project / ".build" / "ee").mkdir(parents=True)
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", tmp_path / "dist", REPO_ROOT])
    version = galaxy_version()
    shutil.copy(tmp_path / "dist" / f"cloudpatch-ssm-{version}.tar.gz", project / ".build" / "ee" / "cloudpatch-ssm.tar.gz")

    context = tmp_path / "context"
    result = run([BIN / "ansible-builder", "create", "-f", project / "meta" / "execution-environment.yml",
                  "--context", context, "--output-filename", "Containerfile"])
    assert "No matches" not in result.stdout + result.stderr
    build = context / "_build"

    # Galaxy: amazon.aws from Galaxy (>= 10), our collection as the tarball copied into the context.
    galaxy = yaml.safe_load((build / "requirements.yml").read_text(encoding="utf-8"))
    by_name = {entry["name"]: entry for entry in galaxy["collections"]}
    assert set(by_name) == {"amazon.aws", "collections/cloudpatch-ssm.tar.gz"}
    amazon_aws = by_name["amazon.aws"]["version"]
    assert amazon_aws.startswith(">=10.0.0")
    assert by_name["collections/cloudpatch-ssm.tar.gz"]["type"] == "file"
    with tarfile.open(build / "collections" / "cloudpatch-ssm.tar.gz") as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))["collection_info"]
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == ("cloudpatch", "ssm", version)
    assert manifest["dependencies"] == {"amazon.aws": ">=10.0.0"}

    # Python and system requirements: the shipped files, boto3 and botocore as ranges.
    assert (build / "requirements.txt").read_text(encoding="utf-8") == (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert (build / "bindep.txt").read_text(encoding="utf-8") == (REPO_ROOT / "bindep.txt").read_text(encoding="utf-8")
    python = requirements(build / "requirements.txt")
    for name in ("boto3", "botocore"):
        assert {spec.operator for spec in python[name].specifier} == {">=", "<"}
    assert not (build / "requirements.txt").is_symlink() and not (build / "bindep.txt").is_symlink()

    # The Containerfile installs ansible-core within requirements.txt's range and runs the galaxy install in
    # the copied _build, where the relative tarball name resolves.
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    core = definition["dependencies"]["ansible_core"]["package_pip"]
    runner = definition["dependencies"]["ansible_runner"]["package_pip"]
    assert Requirement(core).specifier == python["ansible-core"].specifier
    assert Requirement(runner).name == "ansible-runner"
    assert f'ARG ANSIBLE_INSTALL_REFS="{core} {runner}"' in containerfile
    assert "COPY _build /build\nWORKDIR /build" in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile

    # The galaxy stage, offline: amazon.aws is already there (Galaxy's part), our tarball from the context.
    collections = tmp_path / "usr-share-ansible-collections"
    environment = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "ANSIBLE_COLLECTIONS_PATH": str(collections),
                   "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False", "ANSIBLE_NOCOLOR": "1"}
    run([BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections, AMAZON_AWS], env=environment)
    installed = run([BIN / "ansible-galaxy", "collection", "install", "--offline", "-r", "requirements.yml",
                     "-p", collections], env=environment, cwd=build)
    assert f"cloudpatch.ssm:{version} was installed successfully" in installed.stdout
    listed = yaml.safe_load(run([BIN / "ansible-galaxy", "collection", "list", "--format", "yaml"], env=environment).stdout)
    assert listed[str(collections / "ansible_collections")] == {"amazon.aws": {"version": "10.1.2"},
                                                                "cloudpatch.ssm": {"version": version}}

    # The builder stage's introspection on what the galaxy stage installed: our ranges and system packages,
    # read through the installed collection's meta/execution-environment.yml (paths from the collection root).
    introspected = run([sys.executable, build / "scripts" / "introspect.py", "introspect", collections], env=environment)
    found = yaml.safe_load(introspected.stdout)
    ours = [line.split("#")[0].strip() for line in found["python"] if line.endswith("# from collection cloudpatch.ssm")]
    assert sorted(map(Requirement, ours), key=str) == sorted((python["boto3"], python["botocore"]), key=str)
    bindep = [line for line in (REPO_ROOT / "bindep.txt").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert bindep and [line.split("  #")[0] for line in found["system"] if "cloudpatch.ssm" in line] == bindep
