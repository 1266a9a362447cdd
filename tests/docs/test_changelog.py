"""The changelog: fragments that antsibull-changelog accepts, a CHANGELOG.md that is what changelog.yaml
generates, and a release flow that keeps the fragments and records each of them once.

Everything that writes runs in a copy of changelogs/ and galaxy.yml under tmp_path: the checkout is
only read.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / ".build" / "collections"
ANTSIBULL_CHANGELOG = str(Path(sys.executable).parent / "antsibull-changelog")


def antsibull_changelog(cwd, *args):
    environment = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
        # antsibull-changelog runs ansible-doc (to find new plugins) from PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.run([ANTSIBULL_CHANGELOG, *args], cwd=cwd, env=environment, capture_output=True, text=True, check=False,
                          timeout=300)


def changelog_copy(tmp_path):
    """changelogs/ and galaxy.yml as they are in the checkout, without the plugin cache."""
    copy = tmp_path / "collection"
    shutil.copytree(REPO_ROOT / "changelogs", copy / "changelogs", ignore=shutil.ignore_patterns(".plugin-cache.yaml"))
    shutil.copy(REPO_ROOT / "galaxy.yml", copy / "galaxy.yml")
    return copy


def config():
    return yaml.safe_load((REPO_ROOT / "changelogs" / "config.yaml").read_text(encoding="utf-8"))


def fragments(root):
    return sorted(path.name for path in (root / "changelogs" / "fragments").iterdir() if path.suffix in (".yml", ".yaml"))


def recorded_fragments(root):
    changes = yaml.safe_load((root / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    return [name for release in (changes.get("releases") or {}).values() for name in release.get("fragments", [])]


def test_every_fragment_passes_the_lint():
    assert fragments(REPO_ROOT), "changelogs/fragments has no fragment"
    result = antsibull_changelog(REPO_ROOT, "lint")
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), result.stdout + result.stderr


def test_the_lint_fails_on_a_bad_fragment(tmp_path):
    copy = changelog_copy(tmp_path)
    (copy / "changelogs" / "fragments" / "bad.yml").write_text("improvements:\n  - not a section of config.yaml\n", encoding="utf-8")
    result = antsibull_changelog(copy, "lint")
    assert result.returncode != 0
    assert "bad.yml" in result.stdout + result.stderr


def test_the_changelog_is_markdown_at_the_root_and_the_release_keeps_fragments():
    settings = config()
    assert settings["changelog_filename_template"] == "../CHANGELOG.md"
    assert settings["output_formats"] == ["md"]
    assert settings["keep_fragments"] is True
    assert (REPO_ROOT / "CHANGELOG.md").is_file()
    assert not (REPO_ROOT / "CHANGELOG.rst").exists()


def test_changelog_md_is_what_changelog_yaml_generates(tmp_path):
    # CHANGELOG.md is generated, never edited: `make changelog` writes both files.
    copy = changelog_copy(tmp_path)
    result = antsibull_changelog(copy, "generate")
    assert result.returncode == 0, result.stdout + result.stderr
    expected = (copy / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8") == expected, "CHANGELOG.md is stale: run `make changelog`"


def make_changelog_arguments(version):
    """The arguments `make changelog` gives antsibull-changelog (CHANGELOG_RELEASE in the Makefile)."""
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^CHANGELOG_RELEASE = \$\(BIN\)/antsibull-changelog (.+)$", makefile, re.MULTILINE)
    assert match, "the Makefile has no CHANGELOG_RELEASE"
    return shlex.split(match.group(1).replace("$(GALAXY_VERSION)", version))


def test_make_changelog_records_new_and_edited_fragments_once_and_deletes_none(tmp_path):
    copy = changelog_copy(tmp_path)
    version = str(yaml.safe_load((copy / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    arguments = make_changelog_arguments(version)
    before = fragments(copy)
    (copy / "changelogs" / "fragments" / "new-change.yml").write_text(
        "bugfixes:\n  - ssm_patch_run - a change merged after the last ``make changelog``.\n", encoding="utf-8")
    recorded_before = [name for name in recorded_fragments(copy) if name in before]
    assert recorded_before, "changelog.yaml records no fragment of changelogs/fragments"
    edited = copy / "changelogs" / "fragments" / recorded_before[0]
    edited.write_text("trivial:\n  - Edited after it was recorded.\nbugfixes:\n  - ssm_patch_group - an edited entry.\n",
                      encoding="utf-8")

    result = antsibull_changelog(copy, *arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    assert fragments(copy) == sorted([*before, "new-change.yml"])
    recorded = recorded_fragments(copy)
    assert sorted(recorded) == sorted(set(recorded)) and "new-change.yml" in recorded
    changelog = (copy / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "a change merged after the last" in changelog
    assert "an edited entry" in changelog

    changes = (copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8")
    result = antsibull_changelog(copy, *arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8") == changes
