"""Compare an AWS example output (transcribed as data) with the sandbox's answer, member by member.

`differences(expected, actual, shape)` walks both together with the operation's botocore output
shape and returns every difference as "path: what", [] when they agree:

* members: every member the example shows must be there; a member the example does not show is
  accepted only if the output shape defines it (an example shows one state, and AWS adds optional
  members over the years), otherwise it is reported;
* timestamps (shape type `timestamp`): the example prints them as the CLI renders them (CLI v1: epoch
  numbers, v2: ISO 8601), but the JSON protocol SSM speaks sends epoch seconds, so `actual` (the raw
  wire body, not botocore's parsed datetime) must be a number;
* strings: ids, ARNs, UUIDs, ISO times, KB ids and the like (FORMATS) are compared by format, since a
  sandbox cannot produce AWS's ids; any other string by value (enum spellings, names the test sent),
  unless its path is `loose` (then by type only: not against the shape's enum either, since AWS
  sends spellings its model does not list, `Installed` for PatchComplianceDataState's `INSTALLED`);
* numbers by type (int vs float: counts and sizes depend on the seeded world), booleans by value
  unless `loose`;
* lists: "..." in an example list (ELIDED) means the example left items out, so `actual` may hold
  more; otherwise the lengths must agree. Each example item is paired with the sandbox item it differs
  least from (AWS does not promise the order the example shows).

Paths are written like `BaselineIdentities[0].BaselineId`; `loose` and `optional` take generic paths
with empty brackets (`Patches[].Title`). `optional` names members the example shows but AWS sends
only in some states (a NextToken when more pages follow).
"""

import re

ELIDED = "..."

# An example id ends in EXAMPLE where AWS's has hex digits (pb-045f10b4f3EXAMPLE).
_EXAMPLE_SUFFIX = re.compile(r"EXAMPLE")

FORMATS = (
    ("empty string", r""),
    ("patch baseline ARN", r"arn:aws:ssm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:patchbaseline/pb-[0-9a-f]{17}"),
    ("patch baseline id", r"pb-[0-9a-f]{17}"),
    ("EC2 instance id", r"i-[0-9a-f]{8}([0-9a-f]{9})?"),
    ("managed instance id", r"mi-[0-9a-f]{17}"),
    ("UUID", r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    ("ISO 8601 time", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"),
    ("KB id", r"KB\d+"),
    ("Microsoft KB article URL", r"https://support\.microsoft\.com/en-us/kb/\d+"),
    # An IPv4 address and an agent version (2.3.842.0) cannot be told apart by their text.
    ("four dotted numbers (IPv4 address, agent version)", r"\d+(\.\d+){3}"),
)


def string_format(value):
    """The name of the id/time format `value` has (after an example's EXAMPLE placeholder), or None
    for free text."""
    value = _EXAMPLE_SUFFIX.sub(lambda match: "0" * len(match.group()), value)
    for name, pattern in FORMATS:
        if re.fullmatch(pattern, value):
            return name
    return None


def generic(path):
    return re.sub(r"\[\d+\]", "[]", path)


def _kind(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "structure"
    return type(value).__name__


def _member_shape(shape, name):
    if shape is None or shape.type_name != "structure":
        return None
    return shape.members.get(name)


def _join(path, name):
    return f"{path}.{name}" if path else name


def differences(expected, actual, shape=None, loose=(), optional=(), path=""):
    loose, optional = frozenset(loose), frozenset(optional)
    return _walk(expected, actual, shape, loose, optional, path)


def _walk(expected, actual, shape, loose, optional, path):
    where = path or "(top)"
    if shape is not None and shape.type_name == "timestamp":
        if _kind(actual) not in ("integer", "float"):
            return [f"{where}: timestamp sent as {_kind(actual)} {actual!r}; SSM's JSON protocol sends "
                    "epoch seconds (a number)"]
        return []
    if isinstance(expected, dict):
        return _walk_structure(expected, actual, shape, loose, optional, path)
    if isinstance(expected, list):
        return _walk_list(expected, actual, shape, loose, optional, path)
    if _kind(expected) != _kind(actual):
        if {_kind(expected), _kind(actual)} <= {"integer", "float"} and generic(path) in loose:
            return []
        return [f"{where}: example has {_kind(expected)} {expected!r}, sandbox {_kind(actual)} {actual!r}"]
    if isinstance(expected, str):
        return _walk_string(expected, actual, loose, where, path)
    if isinstance(expected, bool) and expected != actual and generic(path) not in loose:
        return [f"{where}: example has {expected!r}, sandbox {actual!r}"]
    return []


def _walk_string(expected, actual, loose, where, path):
    wanted = string_format(expected)
    got = string_format(actual)
    if wanted is not None or got is not None:
        if wanted != got:
            return [f"{where}: example has {wanted or 'text'} {expected!r}, sandbox {got or 'text'} {actual!r}"]
        return []
    if generic(path) in loose:
        return []
    if expected != actual:
        return [f"{where}: example has {expected!r}, sandbox {actual!r}"]
    return []


def _walk_structure(expected, actual, shape, loose, optional, path):
    where = path or "(top)"
    if not isinstance(actual, dict):
        return [f"{where}: example has a structure, sandbox {_kind(actual)} {actual!r}"]
    found = []
    for name, value in expected.items():
        member_path = _join(path, name)
        if name not in actual:
            if generic(member_path) not in optional:
                found.append(f"{member_path}: missing (the example has {value!r})")
            continue
        found.extend(_walk(value, actual[name], _member_shape(shape, name), loose, optional, member_path))
    for name in actual:
        if name in expected:
            continue
        if shape is None or shape.type_name != "structure" or name not in shape.members:
            found.append(f"{_join(path, name)}: not in the example and not a member of "
                         f"{getattr(shape, 'name', 'the shape')}")
    return found


def _walk_list(expected, actual, shape, loose, optional, path):
    where = path or "(top)"
    if not isinstance(actual, list):
        return [f"{where}: example has a list, sandbox {_kind(actual)} {actual!r}"]
    elided = ELIDED in expected
    items = [item for item in expected if item != ELIDED]
    found = []
    if elided and len(actual) < len(items):
        found.append(f"{where}: example shows at least {len(items)} items, sandbox {len(actual)}")
    elif not elided and len(actual) != len(items):
        found.append(f"{where}: example has {len(items)} items, sandbox {len(actual)}")
    member = shape.member if shape is not None and shape.type_name == "list" else None
    unused = list(range(len(actual)))
    for index, item in enumerate(items):
        if not unused:
            break
        item_path = f"{path}[{index}]"
        scored = [(_walk(item, actual[candidate], member, loose, optional, item_path), candidate != index, candidate)
                  for candidate in unused]
        best, _, candidate = min(scored, key=lambda entry: (len(entry[0]), entry[1]))
        unused.remove(candidate)
        found.extend(best)
    return found
