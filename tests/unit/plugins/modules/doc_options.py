"""A module's documented options with those of the collection's own doc fragments, merged as ansible-doc merges them.

For the tests that build an argument spec from DOCUMENTATION to check the EXAMPLES against it, without
running ansible-doc: an option documented once in plugins/doc_fragments/ is an option of every module
that extends that fragment (the module's own keys win, as in ansible-core's add_fragments).
"""

import importlib

import yaml

COLLECTION = "cloudpatch.ssm."


def documented_options(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        if not fragment.startswith(COLLECTION):
            continue
        source = importlib.import_module(f"ansible_collections.cloudpatch.ssm.plugins.doc_fragments.{fragment[len(COLLECTION):]}")
        for name, option in (yaml.safe_load(source.ModuleDocFragment.DOCUMENTATION).get("options") or {}).items():
            options[name] = dict(option, **options.get(name, {}))
    return options
