"""The pieces of the documentation site that are ours (docs/sphinx): the README page and the offline links.

`make docs` builds the whole site (and `make docs-lint` runs it in `make test`); these test the two
helpers' rules directly.
"""

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "docs" / "sphinx"))

# pylint: disable=wrong-import-position
import offline_refs  # noqa: E402
import readme_page  # noqa: E402

REPOSITORY = "https://github.com/cloudpatch/ssm"


@pytest.mark.parametrize("target, expected", [
    ("playbooks/README.md", f"{REPOSITORY}/blob/main/playbooks/README.md"),
    ("./docs/iam-policy.json#L3", f"{REPOSITORY}/blob/main/docs/iam-policy.json#L3"),
    ("roles/patching", f"{REPOSITORY}/tree/main/roles/patching"),
    ("roles/patching/", f"{REPOSITORY}/tree/main/roles/patching"),
    ("https://docs.aws.amazon.com/systems-manager/", "https://docs.aws.amazon.com/systems-manager/"),
    ("mailto:someone@example.com", "mailto:someone@example.com"),
    ("#the-sandbox", "#the-sandbox"),
    ("//example.com/x", "//example.com/x"),
])
def test_readme_links_to_files_point_into_the_repository(target, expected):
    assert readme_page.repository_link(target, REPOSITORY) == expected


def test_a_readme_link_out_of_the_collection_is_refused():
    with pytest.raises(ValueError, match="leaves the collection"):
        readme_page.repository_link("../other/README.md", REPOSITORY)


def test_the_readme_page_has_the_readmes_title_and_its_html():
    page = readme_page.readme_rst("# cloudpatch.ssm\n\nSee [the playbooks](playbooks/README.md).\n\n"
                                  "| a | b |\n| - | - |\n| 1 | 2 |\n\n```sh\nmake docs\n\n  indented\n```\n", REPOSITORY)
    head, _sep, body = page.partition(".. raw:: html\n\n")
    assert head.splitlines()[2:4] == ["cloudpatch.ssm", "=============="]
    assert f'<a href="{REPOSITORY}/blob/main/playbooks/README.md">the playbooks</a>' in body
    assert "<table>" in body and "<h1>" not in body
    # Every line is indented under the directive; blank lines stay blank; a code block keeps its indentation.
    assert all(line.startswith("   ") or not line for line in body.splitlines())
    assert "\n\n     indented" in body


def test_a_readme_without_a_heading_is_titled_readme():
    page = readme_page.readme_rst("Some text.\n", REPOSITORY)
    assert page.splitlines()[2:4] == ["README", "======"]


def test_the_real_readme_renders(tmp_path):
    dest = tmp_path / "readme.rst"
    readme_page.main(["--readme", str(REPO_ROOT / "README.md"), "--galaxy", str(REPO_ROOT / "galaxy.yml"), "--dest", str(dest)])
    page = dest.read_text(encoding="utf-8")
    assert page.startswith(".. _cloudpatch_ssm_readme:\n\ncloudpatch.ssm\n")
    assert "<h2>" in page


@pytest.mark.parametrize("label, expected", [
    ("common_return_values", "https://docs.ansible.com/projects/ansible/devel/reference_appendices/common_return_values.html"),
    ("ansible_collections.ansible.builtin.file_module",
     "https://docs.ansible.com/projects/ansible/devel/collections/ansible/builtin/file_module.html"),
    ("ansible_collections.amazon.aws.ec2_instance_module__parameter-region",
     "https://docs.ansible.com/projects/ansible/devel/collections/amazon/aws/ec2_instance_module.html"
     "#ansible-collections-amazon-aws-ec2-instance-module-parameter-region"),
    # This collection's own pages are in the site: an unresolved one is an error Sphinx reports.
    ("ansible_collections.cloudpatch.ssm.ssm_patch_run_module", None),
    ("ansible_collections.amazon.aws.docsite.guide", None),
    ("some_label", None),
])
def test_only_labels_of_the_ansible_docsite_become_external_links(label, expected):
    assert offline_refs.external_url(label, "cloudpatch.ssm") == expected


@pytest.mark.parametrize("name, expected", [
    ("ANSIBLE_CACHE_PLUGIN", "https://docs.ansible.com/projects/ansible/devel/reference_appendices/config.html#envvar-ANSIBLE_CACHE_PLUGIN"),
    # Not one of ansible-core's settings: Sphinx reports it.
    ("AWS_REGION", None),
    ("ANSIBLE_CACHE_PLUGIN\n", None),
])
def test_only_ansible_core_environment_variables_become_external_links(name, expected):
    assert offline_refs.external_envvar_url(name) == expected
