"""Links to the Ansible documentation site without fetching its intersphinx inventory.

antsibull-docs writes ``:ref:`` links to pages that live on docs.ansible.com: other collections'
plugins (``ansible_collections.ansible.builtin.file_module``) and a few pages of the Ansible docs
(``common_return_values``), and ``:envvar:`` links to ansible-core's settings
(``ANSIBLE_CACHE_PLUGIN``). A published docsite resolves them through intersphinx, which downloads
the inventory at build time; `make docs` builds offline, so this extension turns exactly those
references into the links intersphinx would make. Every other unresolved reference, among them any
to this collection's own pages, is left to Sphinx, which reports it (and ``-W`` fails the build).
"""

import re

from docutils import nodes

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"
CORE_CONFIG_PAGE = "reference_appendices/config.html"

# The pages of the Ansible docs (not of a collection) that antsibull-docs' generated pages link to.
DOCSITE_PAGES = {
    "common_return_values": "reference_appendices/common_return_values.html",
    "ansible_configuration_settings": CORE_CONFIG_PAGE,
}

# ansible_collections.<namespace>.<name>.<page>[__<anchor>], the labels antsibull-docs gives plugin pages.
_COLLECTION_LABEL = re.compile(r"ansible_collections\.([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)(?:__(.+))?", re.ASCII)
# ansible-core's configuration settings (ANSIBLE_CACHE_PLUGIN for an inventory plugin's cache options):
# antsibull-docs defines the environment variables of the collection's own plugins in the site and
# links core's to the Ansible configuration page, where Sphinx's anchor for each is envvar-<NAME>.
_CORE_ENVVAR = re.compile(r"ANSIBLE_[A-Z0-9_]+", re.ASCII)


def external_url(label, own_collection):
    """The docs.ansible.com URL of a label, or None when it is no label of that site (or is this collection's)."""
    if label in DOCSITE_PAGES:
        return ANSIBLE_DOCS + DOCSITE_PAGES[label]
    match = _COLLECTION_LABEL.fullmatch(label)
    if not match:
        return None
    namespace, name, page, anchor = match.groups()
    if f"{namespace}.{name}" == own_collection:
        return None
    url = f"{ANSIBLE_DOCS}collections/{namespace}/{name}/{page}.html"
    # Sphinx's HTML id for a label, as the inventory intersphinx reads would have it.
    return f"{url}#{nodes.make_id(label)}" if anchor else url


def external_envvar_url(name):
    """The docs.ansible.com URL of one of ansible-core's environment variables, or None."""
    return f"{ANSIBLE_DOCS}{CORE_CONFIG_PAGE}#envvar-{name}" if _CORE_ENVVAR.fullmatch(name) else None


def _missing_reference(app, env, node, contnode):  # pylint: disable=unused-argument
    if node.get("refdomain") != "std" or node.get("reftype") not in ("ref", "envvar"):
        return None
    if node["reftype"] == "envvar":
        url = external_envvar_url(node["reftarget"])
    else:
        url = external_url(node["reftarget"], app.config.offline_refs_collection)
    if url is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=url)
    reference.append(contnode)
    return reference


def setup(app):
    app.add_config_value("offline_refs_collection", "", "env")
    app.connect("missing-reference", _missing_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
