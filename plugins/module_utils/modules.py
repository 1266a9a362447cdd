# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible.module_utils.basic import _load_params
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_NAME
from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_VERSION
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import region_error


def _given(spec, params):
    """(option name, value) of each option of `spec` given in `params`, under its name or an alias."""
    for name, option in spec.items():
        for key in [name] + list(option.get("aliases") or []):
            if key in params and params[key] is not None:
                yield key, params[key]
                break


def _as_dict(value):
    """The dict a dict option's value stands for (ansible-core's own conversion of strings), or None."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            return check_type_dict(value)
        except TypeError:
            return None
    return None


def option_shape_errors(spec, params, prefix=""):
    """Each option with suboptions given something that is not a dict (or, for a list of dicts, an
    element that is not one), named by its path (`tasks[1].notification`).

    ansible-core 2.19 checks such a value's suboptions before its type: a number or a bool there is a
    TypeError raised out of AnsibleModule (a traceback), and an unparsable string an error that names
    no option.
    """
    errors = []
    for key, value in _given(spec, params):
        option = spec.get(key) or next(o for o in spec.values() if key in (o.get("aliases") or []))
        suboptions = option.get("options")
        if not suboptions:
            continue
        path = f"{prefix}{key}"
        names = list(suboptions)
        expected = "a dict of " + (f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0])
        if option.get("type", "str") == "dict":
            as_dict = _as_dict(value)
            if as_dict is None:
                errors.append(f"{path} must be {expected}, got {value!r}")
            else:
                errors.extend(option_shape_errors(suboptions, as_dict, prefix=f"{path}."))
        elif option.get("type") == "list" and option.get("elements") == "dict" and isinstance(value, list):
            for index, element in enumerate(value):
                as_dict = _as_dict(element)
                if as_dict is None:
                    errors.append(f"{path}[{index}] must be {expected}, got {element!r}")
                else:
                    errors.extend(option_shape_errors(suboptions, as_dict, prefix=f"{path}[{index}]."))
    return errors


class AnsibleCloudpatchSSMModule(AnsibleAWSModule):
    """AnsibleAWSModule that names cloudpatch.ssm and its version in the botocore user agent.

    It also refuses a region botocore's endpoint data does not know before any module makes a call:
    a typo such as us-est-1 would otherwise fail later with an endpoint error that names no option.
    """

    def __init__(self, **kwargs):
        # ansible-core's _load_params() is there for modules that read their raw parameters (its docstring);
        # it is cached, so AnsibleModule reads the same values after it.
        # (ansible-test's validate-modules replaces it with one that answers nothing.)
        raw_params = _load_params()
        shape_errors = option_shape_errors(kwargs.get("argument_spec") or {}, raw_params) if isinstance(raw_params, dict) else []
        if shape_errors:
            # Those values as raw, so that AnsibleModule gets as far as failing with the errors.
            kwargs["argument_spec"] = {name: (dict(type="raw", aliases=option.get("aliases", [])) if option.get("options") else option)
                                       for name, option in kwargs["argument_spec"].items()}
            for relation in ("required_if", "required_by", "required_together", "required_one_of", "mutually_exclusive"):
                kwargs.pop(relation, None)
        super().__init__(**kwargs)
        if shape_errors:
            self.fail_json(msg="; ".join(shape_errors))
        set_collection_info(
            collection_name=CLOUDPATCH_SSM_COLLECTION_NAME,
            collection_version=CLOUDPATCH_SSM_COLLECTION_VERSION,
        )
        error = region_error("region", self.region)
        if error:
            self.fail_json(msg=error)

    def _should_inject_warnings(self):
        """amazon.aws 10.1.2 passes the warnings again to exit_json/fail_json on ansible-core 2.19, which
        reports the ones given to warn() by itself and deprecates being passed them ("Passing `warnings`
        to `exit_json` or `fail_json` is deprecated"): a deprecation warning on every result that warns."""
        return False

    def fail_json_aws_error(self, exception):
        """amazon.aws's fail_json_aws_error, and the result keys the error carries (its kwargs) with it.

        A failure after something was done (a run sent, a report put in place) says what was done.
        """
        if exception.exception:
            self.fail_json_aws(exception.exception, msg=exception.message, **exception.kwargs)
        self.fail_json(msg=exception.message, **exception.kwargs)

    def fail_parameter_error(self, error):
        """A ParameterError: its message, and the result keys it carries."""
        self.fail_json(msg=error.message, **error.data)
