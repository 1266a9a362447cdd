# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A role variable that is a dict of options, checked against the options its argument spec declares.

ansible-core's role argument validation fails on a bool or a number given for a dict with options, with
"argument of type 'bool' is not iterable" naming no variable (ansible/ansible#75612 fixed strings only).
Such a variable is declared `type: raw` with its options still documented in meta/argument_specs.yml, and
the role checks it with these options (the `cloudpatch.ssm.dict_variable_errors` filter), so that the
check and the documentation cannot drift apart.
"""

from collections.abc import Mapping

from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.common.validation import check_type_int

# How a message names each type the options use.
TYPE_WORDS = {"str": "a string", "bool": "true or false", "int": "an integer", "list": "a list"}


def dict_variable_errors(value, name, options):
    """The problems of `value`, given for the role variable `name`, against `options` (its argument spec's
    sub-options: type, elements, choices, required), each message naming `name` or `name.option`.

    Left out (None) is no problem: the role's own checks say what None means for it."""
    if value is None:
        return []
    keys = list(options)
    if not isinstance(value, Mapping):
        return [f"{name} must be a dict ({', '.join(keys)}), got {_type_name(value)}"]
    unknown = sorted(str(key) for key in value if key not in options)
    if unknown:
        return [f"{name} has unknown key(s) {', '.join(unknown)}; give {', '.join(keys)}"]
    errors = []
    for key, spec in options.items():
        error = _option_error(f"{name}.{key}", value.get(key), spec)
        if error:
            errors.append(error)
    return errors


def _option_error(path, value, spec):
    kind = spec.get("type", "str")
    if value is None:
        return f"{path} is required, {TYPE_WORDS.get(kind, kind)}" if spec.get("required") else None
    choices = spec.get("choices")
    if kind == "list":
        items = value if isinstance(value, list) else None
        if items is None or (choices and any(item not in choices for item in items)) or not all(isinstance(item, str) for item in items):
            described = f"a list of {', '.join(choices)}" if choices else "a list of strings"
            return f"{path} must be {described}, got {_shown(value)}"
        return None
    if kind == "bool":
        # As the argument spec reads a bool: yes/no, on/off, 1/0 and their strings too.
        try:
            check_type_bool(value)
        except TypeError:
            return f"{path} must be true or false, got {_shown(value)}"
        return None
    if kind == "int":
        try:
            if isinstance(value, bool):
                raise TypeError(value)
            check_type_int(value)
        except (TypeError, ValueError):
            return f"{path} must be an integer, got {_shown(value)}"
        return None
    if not isinstance(value, str):
        return f"{path} must be a string, got {_shown(value)}"
    if choices and value not in choices:
        return f"{path} must be one of {', '.join(choices)}, got {_shown(value)}"
    return None


def _type_name(value):
    """The value's type as YAML and JSON know it: ansible-core's templating gives subclasses (_AnsibleTaggedInt)."""
    for kind in (bool, int, float, str, list):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def _shown(value):
    """The value as the user wrote it in YAML or JSON."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)
