# Sphinx configuration of the documentation site `make docs` builds under .build/docs.
# Started from `antsibull-docs sphinx-init --use-current cloudpatch.ssm` (antsibull-docs 2.28.0), then
# made to build offline: no intersphinx (its inventories are fetched from docs.ansible.com and
# docs.python.org at build time); offline_refs.py links what intersphinx would have resolved.

import importlib.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

project = 'cloudpatch.ssm'
copyright = 'Contributors to the cloudpatch.ssm project'  # pylint: disable=redefined-builtin

title = 'cloudpatch.ssm documentation'
html_short_title = 'cloudpatch.ssm'

extensions = ['sphinx_antsibull_ext', 'offline_refs']
offline_refs_collection = 'cloudpatch.ssm'

pygments_style = 'ansible'

highlight_language = 'YAML+Jinja'

# The Ansible theme when it is installed (PyPI: sphinx-ansible-theme), Sphinx's own otherwise, so
# that the site builds from the test requirements alone; the content is the same with both.
html_theme = 'sphinx_ansible_theme' if importlib.util.find_spec('sphinx_ansible_theme') else 'alabaster'
html_show_sphinx = False

display_version = False

html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = 'any'

nitpicky = True
