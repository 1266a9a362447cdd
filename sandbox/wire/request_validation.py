"""Service-model request validation for JSON-protocol services (SSM, AWS Organizations), answered the way AWS answers.

(Organizations reports the same violations as InvalidInputException with a Reason: sandbox/wire/server.py.)

AWS validates every request against the service model before the service code sees it and reports
all violations at once as HTTP 400 `ValidationException`:

    2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: Member must have
    length greater than or equal to 3; Value '500' at 'maxResults' failed to satisfy constraint:
    Member must have value less than or equal to 50

Member paths use lowerCamelCase names and 1-based list indexes (`filters.1.member.values`), values are
quoted (lists in Java's `[a, b]` form) and a missing required member reads `Value null at ...`.

The model is compiled once into plain checker closures per operation (regexes compiled with the
`regex` package, which understands the model's Java-style `\\p{L}` classes), so a request costs one
walk over the members it actually carries. Members the model does not know are ignored, as AWS does.
A value of the wrong JSON type is rejected with `SerializationException`, as AWS's JSON front end does.
"""

import botocore.session
import regex

from sandbox.wire.errors import ValidationException

_MAX_REPORTED = 10


class SerializationError(Exception):
    """The request body does not deserialize into the operation's input shape."""


def _lower_camel(name):
    return name[:1].lower() + name[1:]


def format_value(value):
    """Render a request value as AWS (Java) does in validation messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={format_value(item)}" for key, item in value.items()) + "}"
    return str(value)


def violation(value, path, constraint):
    """One constraint violation as AWS words it; `constraint` follows "Member must"."""
    shown = "null" if value is None else f"'{format_value(value)}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: Member must {constraint}"


def format_message(violations):
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(violations[:_MAX_REPORTED])


def validation_error(value, path, constraint):
    """The ValidationException for one violation the service model cannot express (a semantic
    check of a handler), worded exactly as the model validator words its own."""
    return ValidationException(format_message([violation(value, path, constraint)]))


def _compile_pattern(pattern):
    # AWS's Java front end matches the whole value (Matcher.matches()), hence fullmatch.
    try:
        return regex.compile(pattern, regex.V0).fullmatch
    except regex.error:
        return None


class _Compiler:
    """Turns botocore shapes into checker functions `check(value, path, errors)`."""

    def __init__(self):
        self._cache = {}

    def checker(self, shape):
        key = (shape.name, shape.type_name)
        if key in self._cache:
            return self._cache[key]
        # Recursive shapes: install a trampoline before compiling the body.
        holder = []
        self._cache[key] = lambda value, path, errors: holder[0](value, path, errors)
        builder = getattr(self, "_build_" + shape.type_name, self._build_scalar)
        holder.append(builder(shape))
        self._cache[key] = holder[0]
        return holder[0]

    def _build_structure(self, shape):
        members = [
            (name, name, _lower_camel(name), self.checker(member)) for name, member in shape.members.items()
        ]
        required = [(name, _lower_camel(name)) for name in shape.required_members]

        def check(value, path, errors):
            if not isinstance(value, dict):
                raise SerializationError(f"Expected an object at '{path or 'request'}'")
            prefix = f"{path}." if path else ""
            for name, wire, label, member_check in members:
                if wire in value and value[wire] is not None:
                    member_check(value[wire], prefix + label, errors)
            for name, label in required:
                if value.get(name) is None:
                    errors.append(violation(None, prefix + label, "not be null"))

        return check

    def _build_list(self, shape):
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        member_check = self.checker(shape.member)

        def check(value, path, errors):
            if not isinstance(value, list):
                raise SerializationError(f"Expected a list at '{path}'")
            if minimum is not None and len(value) < minimum:
                errors.append(violation(value, path, f"have length greater than or equal to {minimum}"))
            if maximum is not None and len(value) > maximum:
                errors.append(violation(value, path, f"have length less than or equal to {maximum}"))
            for index, item in enumerate(value, start=1):
                if item is None:
                    continue
                member_check(item, f"{path}.{index}.member", errors)

        return check

    def _build_map(self, shape):
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        key_check = self.checker(shape.key)
        value_check = self.checker(shape.value)

        def check(value, path, errors):
            if not isinstance(value, dict):
                raise SerializationError(f"Expected a map at '{path}'")
            if minimum is not None and len(value) < minimum:
                errors.append(violation(value, path, f"have length greater than or equal to {minimum}"))
            if maximum is not None and len(value) > maximum:
                errors.append(violation(value, path, f"have length less than or equal to {maximum}"))
            for key, item in value.items():
                key_errors = []
                key_check(key, path, key_errors)
                errors.extend(
                    error.replace("Member must", "Map keys must satisfy constraint: [Member must", 1) + "]"
                    for error in key_errors
                )
                if item is not None:
                    value_check(item, f"{path}.{key}.member", errors)

        return check

    def _build_string(self, shape):
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        enum = shape.enum or None
        enum_set = frozenset(enum) if enum else None
        pattern = shape.metadata.get("pattern")
        matcher = _compile_pattern(pattern) if pattern else None

        def check(value, path, errors):
            if not isinstance(value, str):
                raise SerializationError(f"Expected a string at '{path}'")
            if enum_set is not None and value not in enum_set:
                errors.append(violation(value, path, "satisfy enum value set: [" + ", ".join(enum) + "]"))
            if minimum is not None and len(value) < minimum:
                errors.append(violation(value, path, f"have length greater than or equal to {minimum}"))
            if maximum is not None and len(value) > maximum:
                errors.append(violation(value, path, f"have length less than or equal to {maximum}"))
            if matcher is not None and matcher(value) is None:
                errors.append(violation(value, path, f"satisfy regular expression pattern: {pattern}"))

        return check

    def _build_integer(self, shape):
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")

        def check(value, path, errors):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SerializationError(f"Expected a number at '{path}'")
            if minimum is not None and value < minimum:
                errors.append(violation(value, path, f"have value greater than or equal to {minimum}"))
            if maximum is not None and value > maximum:
                errors.append(violation(value, path, f"have value less than or equal to {maximum}"))

        return check

    _build_long = _build_integer
    _build_float = _build_integer
    _build_double = _build_integer

    def _build_boolean(self, shape):
        def check(value, path, errors):
            if not isinstance(value, bool):
                raise SerializationError(f"Expected a boolean at '{path}'")

        return check

    def _build_scalar(self, shape):
        # timestamps, blobs and documents: botocore already serializes them; nothing to bound.
        def check(value, path, errors):
            return None

        return check


class RequestValidator:
    """Validators for every operation of one JSON-protocol service, compiled up front."""

    def __init__(self, service_name):
        model = botocore.session.get_session().get_service_model(service_name)
        self.target_prefix = model.metadata.get("targetPrefix")
        compiler = _Compiler()
        self._checks = {}
        for operation in model.operation_names:
            input_shape = model.operation_model(operation).input_shape
            if input_shape is not None:
                self._checks[operation] = compiler.checker(input_shape)

    def validate(self, operation, params):
        """Return the list of AWS-style violation strings (empty when the request is valid).

        Raises SerializationError when a value has the wrong JSON type.
        """
        check = self._checks.get(operation)
        if check is None:
            return []
        errors = []
        check(params if params is not None else {}, "", errors)
        return errors
