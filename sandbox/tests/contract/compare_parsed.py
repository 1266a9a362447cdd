"""Compare a documented example's output (transcribed) with the sandbox's answer, member by member.

`differences(documented, answered, by_type=())` walks both and returns every difference as
"path: what", empty when they agree:

* structures: every member the example shows must be answered; a member it does not show is a
  difference unless the operation's output shape (`shape`, botocore's model) defines it: an example
  shows one state of one call, years ago, and AWS has added optional members since (AssociationVersion
  is in no 2017 example); a member AWS does not define is always reported. Map keys (Parameters,
  AssociationStatusAggregatedCount) are data: an extra key is always a difference;
* timestamps: the example's epoch seconds (older CLI output) must be a datetime in botocore's
  parsed answer; its ISO-8601 string (newer CLI output, or a member the model itself types as a
  string, such as GetCommandInvocation's ExecutionStartDateTime) a datetime or an ISO-8601 string;
  the wire form itself (epoch numbers for timestamp members) is checked by
  sandbox/testing/response_shapes.py on every call;
* values that are necessarily different are compared by format: ids (command, association,
  execution and window target/task ids are UUIDs; instance ids `i-`/`mi-`; window ids `mw-`,
  window execution ids, baseline ids `pb-`), ARNs (and which service's), S3/CloudWatch names made
  by the test are passed verbatim so compare by value;
* `by_type` paths that are structures or lists need only be a structure or a list;
* a list whose last documented item is "..." (ELIDED) may be answered with more items;
* everything else (enum spellings, defaults such as MaxErrors "0", names, booleans, counts of
  what the test seeded) compares by value, except paths matched by `by_type` (fnmatch globs such
  as "Command.ExpiresAfter" or "*.CommandPlugins[0].Output"; only "*" is a wildcard), which only
  need the same type (and so do their members): the members a test's request sets differently from
  the example's.

The wire is not compared because the examples are CLI output, not wire bodies.
"""

import datetime
import re

# How an example's list says it left items out; transcribed as the string "...".
ELIDED = "..."

# The documentation's ids end in "EXAMPLE" ("92853adf-ba41-4cd6-9a88-142d1EXAMPLE",
# "mw-0c50858d01EXAMPLE"), so the hexadecimal tails also admit letters.
_FORMATS = (
    ("uuid", re.compile(r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-zA-Z]{12}\Z")),
    ("ec2 instance id", re.compile(r"\Ai-[0-9a-zA-Z]{8,17}\Z")),
    ("managed instance id", re.compile(r"\Ami-[0-9a-zA-Z]{8,17}\Z")),
    ("maintenance window id", re.compile(r"\Amw-[0-9a-zA-Z]{17}\Z")),
    ("patch baseline id", re.compile(r"\Apb-[0-9a-zA-Z]{17}\Z")),
    ("arn", re.compile(r"\Aarn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+\Z")),
    ("iso timestamp", re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?\Z")),
)


def string_format(value):
    """The name of the variable format `value` has (an id, an ARN, a timestamp), or None."""
    for name, pattern in _FORMATS:
        if pattern.fullmatch(value):
            if name == "arn":
                return "arn of " + value.split(":")[2]
            return name
    return None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _documented_timestamp(value):
    if _is_number(value):
        # Epoch seconds between 2001 and 2100: how the older CLI prints a timestamp.
        return 1e9 <= value <= 4.2e9
    return isinstance(value, str) and string_format(value) == "iso timestamp"


def differences(documented, answered, by_type=(), shape=None, path=""):
    """Every difference between the documented output and the answer, as "path: what".

    `shape`: the operation's botocore output shape; a member the example does not show is then
    accepted when the shape defines it (see the module's docstring)."""
    found = []
    _compare(documented, answered, tuple(by_type), path, found, False, shape)
    return found


def _member(shape, name):
    if shape is None or shape.type_name != "structure":
        return None
    return shape.members.get(name)


def _item(shape):
    if shape is None:
        return None
    if shape.type_name == "list":
        return shape.member
    if shape.type_name == "map":
        return shape.value
    return None


def _glob_matches(glob, path):
    """Whole-path match where only "*" is a wildcard (fnmatch would read "[0]" as a character class)."""
    pattern = re.escape(glob).replace(r"\*", ".*")
    return re.fullmatch(pattern, path) is not None


def _where(path):
    return path or "(output)"


def _compare(documented, answered, by_type, path, found, inherited, shape):  # pylint: disable=too-many-branches,too-many-return-statements
    # A loose path's members are loose too ("Command.Parameters" covers its lists' strings).
    loose = inherited or any(_glob_matches(glob, path) for glob in by_type)
    if loose and isinstance(documented, (dict, list)):
        if type(documented) is not type(answered):
            found.append(f"{_where(path)}: documented a {type(documented).__name__}, answered "
                         f"{type(answered).__name__} {answered!r}")
        return
    if isinstance(documented, dict):
        if not isinstance(answered, dict):
            found.append(f"{_where(path)}: documented a structure, answered {type(answered).__name__} {answered!r}")
            return
        for key, value in documented.items():
            member = f"{path}.{key}" if path else key
            if key not in answered:
                found.append(f"{member}: documented, not answered")
            else:
                member_shape = _item(shape) if shape is not None and shape.type_name == "map" else _member(shape, key)
                _compare(value, answered[key], by_type, member, found, loose, member_shape)
        for key in answered:
            if key in documented or (path == "" and key == "ResponseMetadata"):
                continue
            if _member(shape, key) is not None:
                continue  # a structure member the example does not show, but AWS defines
            member = f"{path}.{key}" if path else key
            found.append(f"{member}: answered, not in the documented output")
        return
    if isinstance(documented, list):
        if not isinstance(answered, list):
            found.append(f"{_where(path)}: documented a list, answered {type(answered).__name__} {answered!r}")
            return
        if documented and documented[-1] == ELIDED:
            # The example left items out ("..."): the answer has at least the ones it shows.
            documented = documented[:-1]
            if len(answered) < len(documented):
                found.append(f"{_where(path)}: documented at least {len(documented)} item(s), answered {len(answered)}")
        elif len(documented) != len(answered) and not loose:
            found.append(f"{_where(path)}: documented {len(documented)} item(s), answered {len(answered)}")
        for index, (item, other) in enumerate(zip(documented, answered)):
            _compare(item, other, by_type, f"{path}[{index}]", found, loose, _item(shape))
        return
    if _documented_timestamp(documented) and not loose:
        if isinstance(documented, str) and isinstance(answered, str) and string_format(answered) == "iso timestamp":
            # Some members are ISO strings in the model itself (GetCommandInvocation's
            # ExecutionStartDateTime is a StringDateTime); which kind each member must be on the wire
            # is the response-shape check's job.
            return
        if not isinstance(answered, datetime.datetime):
            found.append(f"{_where(path)}: documented a timestamp ({documented!r}), answered "
                         f"{type(answered).__name__} {answered!r}")
        return
    if isinstance(documented, bool) or isinstance(answered, bool):
        if type(documented) is not type(answered) or (documented != answered and not loose):
            found.append(f"{_where(path)}: documented {documented!r}, answered {answered!r}")
        return
    if _is_number(documented):
        if not _is_number(answered) and not (loose and isinstance(answered, datetime.datetime)):
            found.append(f"{_where(path)}: documented a number ({documented!r}), answered "
                         f"{type(answered).__name__} {answered!r}")
        elif documented != answered and not loose:
            found.append(f"{_where(path)}: documented {documented!r}, answered {answered!r}")
        return
    if isinstance(documented, str):
        if not isinstance(answered, str):
            found.append(f"{_where(path)}: documented a string ({documented!r}), answered "
                         f"{type(answered).__name__} {answered!r}")
            return
        if loose:
            return
        documented_format = string_format(documented)
        if documented_format:
            answered_format = string_format(answered)
            if documented_format != answered_format:
                found.append(f"{_where(path)}: documented {documented_format or 'a plain string'} ({documented!r}), "
                             f"answered {answered_format or 'a plain string'} ({answered!r})")
            return
        if documented != answered:
            found.append(f"{_where(path)}: documented {documented!r}, answered {answered!r}")
        return
    if documented != answered:
        found.append(f"{_where(path)}: documented {documented!r}, answered {answered!r}")
