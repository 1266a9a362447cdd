"""AWS-owned SSM documents for the patching flow, and what the command engine needs to know of documents.

moto knows no AWS-owned document at all. This module adds, to every SSM backend (account and
region) on first use, the Command documents the patching flow runs, owned by `Amazon` as in AWS:

    AWS-RunPatchBaseline            Operation (Scan|Install), SnapshotId, InstallOverrideList,
                                    BaselineOverride, RebootOption, AssociationId;
                                    steps PatchWindows, PatchLinux, PatchMacOS
    AWS-RunPatchBaselineWithHooks   Operation, SnapshotId, RebootOption and three hook documents
                                    (PreInstallHookDocName, PostInstallHookDocName,
                                    OnExitHookDocName, default AWS-Noop)
    AWS-Noop                        does nothing (the default hook)
    AWS-RunShellScript, AWS-RunPowerShellScript

Their content is data (`sandbox/data/documents/NAME.json`), so DescribeDocument, GetDocument and
ListDocuments (Owner=Amazon) show it as for any document. They cannot be updated or deleted
(sandbox.moto_fixes.ssm_documents puts them in front of moto's document calls).

For the command engine: `resolve_document` (InvalidDocument / InvalidDocumentVersion),
`validate_parameters` (the document's parameter definitions: InvalidParameters for unknown names,
missing required values, values outside allowedValues / allowedPattern, several values for a String),
and `plugins_of` (the steps a document runs, with their action, platform precondition and commands).
"""

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from moto.ssm.exceptions import InvalidDocument, InvalidDocumentVersion
from moto.ssm.models import Document, Documents
from moto.ssm.exceptions import SSMException

from sandbox.ssm.store import backend_state

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "documents"
AWS_OWNER = "Amazon"

# PlatformTypes AWS reports for its documents (moto reports "Not Implemented (moto)").
AWS_DOCUMENT_PLATFORMS = {
    "AWS-RunPatchBaseline": ["Windows", "Linux", "MacOS"],
    "AWS-RunPatchBaselineWithHooks": ["Windows", "Linux", "MacOS"],
    "AWS-Noop": ["Windows", "Linux", "MacOS"],
    "AWS-RunShellScript": ["Linux", "MacOS"],
    "AWS-RunPowerShellScript": ["Windows", "Linux", "MacOS"],
}

# Which platforms a plugin action can run on (a shell script on Windows is not possible).
ACTION_PLATFORMS = {
    "aws:runShellScript": ("Linux", "MacOS"),
    "aws:runPowerShellScript": ("Windows", "Linux", "MacOS"),
    "aws:runDocument": ("Windows", "Linux", "MacOS"),
}

PATCH_DOCUMENTS = ("AWS-RunPatchBaseline", "AWS-RunPatchBaselineWithHooks")


class InvalidParameters(SSMException):
    code = "InvalidParameters"


_contents_lock = threading.Lock()
_contents = {}


def aws_document_contents():
    """{name: content text} of the AWS-owned documents, read once from sandbox/data/documents."""
    with _contents_lock:
        if not _contents:
            for path in sorted(DATA_DIR.glob("*.json")):
                _contents[path.stem] = path.read_text(encoding="utf-8")
        return dict(_contents)


def ensure_aws_documents(backend):
    """Put the AWS-owned documents into this backend's documents, once per backend instance (so a
    moto reset, which makes new backends, brings them back)."""
    backend_state(backend, "aws_documents", lambda: _add_aws_documents(backend))


def _add_aws_documents(backend):
    for name, content in aws_document_contents().items():
        if name in backend._documents:
            continue
        document = Document(
            account_id=AWS_OWNER, name=name, version_name=None, content=content, document_type="Command",
            document_format="JSON", requires=None, attachments=None, target_type="/AWS::EC2::Instance",
        )
        document.platform_types = list(AWS_DOCUMENT_PLATFORMS.get(name, ["Windows", "Linux", "MacOS"]))
        backend._documents[name] = Documents(document)
    return True


def is_aws_owned(documents):
    return documents.get_default_version().owner == AWS_OWNER


def document_name_from(name_or_arn):
    """SendCommand takes a name or an ARN (`arn:aws:ssm:REGION:ACCOUNT:document/NAME`)."""
    if name_or_arn and name_or_arn.startswith("arn:") and ":document/" in name_or_arn:
        return name_or_arn.split(":document/", 1)[1]
    return name_or_arn


def _shared_documents(backend, name):
    """Another account's document named by its ARN (`arn:aws:ssm:REGION:OWNER:document/NAME`), if its
    owner shared it with this account or with all (ModifyDocumentPermission; User Guide, "Sharing SSM
    documents": "use the full Amazon Resource Name (ARN) of the document" to run a shared one,
    send-command.rst Example 8); None when the ARN names this account or no ARN is given."""
    parts = name.split(":") if isinstance(name, str) and name.startswith("arn:") else []
    if len(parts) < 6 or ":document/" not in name or parts[4] in ("", backend.account_id):
        return None
    from moto.ssm.models import ssm_backends  # pylint: disable=import-outside-toplevel

    owner = ssm_backends[parts[4]][parts[3] or backend.region_name]
    documents = owner._documents.get(document_name_from(name))  # pylint: disable=protected-access
    if documents is None or not {backend.account_id, "all"} & set(documents.permissions):
        raise InvalidDocument("The specified document does not exist.")
    return documents


def resolve_document(backend, name, version=None):
    """The Document to run: default version, `$DEFAULT`, `$LATEST` or a number (of this account's
    document, or of one another account shared with it, named by its ARN)."""
    ensure_aws_documents(backend)
    documents = _shared_documents(backend, name) or backend._documents.get(document_name_from(name))
    if documents is None:
        raise InvalidDocument("The specified document does not exist.")
    if version in (None, "", "$DEFAULT"):
        return documents.get_default_version()
    document = documents.find(version, strict=False)
    if document is None:
        raise InvalidDocumentVersion("The document version is not valid or does not exist.")
    return document


# ---------------------------------------------------------------------------------------------
# parameters (pure functions over the document's content)


def parameter_definitions(document):
    return dict(document.content_json.get("parameters") or {})


def _check_value(document_name, name, definition, value):
    allowed = definition.get("allowedValues")
    if allowed is not None and value not in allowed:
        raise InvalidParameters(
            f"Parameter \"{name}\" of document {document_name} has value \"{value}\" that is not one of "
            f"the allowed values: {', '.join(allowed)}."
        )
    pattern = definition.get("allowedPattern")
    if pattern is not None and re.fullmatch(pattern, value) is None:
        raise InvalidParameters(
            f"Parameter \"{name}\" of document {document_name} has value \"{value}\" that does not match "
            f"the allowed pattern {pattern}."
        )
    max_chars = definition.get("maxChars")
    if max_chars is not None and len(value) > int(max_chars):
        raise InvalidParameters(
            f"Parameter \"{name}\" of document {document_name} is longer than {max_chars} characters."
        )


def validate_parameters(document, parameters):
    """The document's parameters with defaults filled in: {name: str for String, list for StringList}.

    `parameters` is SendCommand's map of name -> list of strings (a bare string is taken as a list
    of one). Raises InvalidParameters as SSM does for unknown names, missing required parameters,
    a String given several values and values outside allowedValues / allowedPattern.
    """
    definitions = parameter_definitions(document)
    given = {}
    for name, values in (parameters or {}).items():
        given[name] = [values] if isinstance(values, str) else list(values)
    unknown = sorted(set(given) - set(definitions))
    if unknown:
        raise InvalidParameters(
            f"Document {document.name} does not support parameter(s): {', '.join(unknown)}."
        )
    resolved = {}
    for name, definition in definitions.items():
        kind = definition.get("type", "String")
        if name not in given:
            if "default" not in definition:
                raise InvalidParameters(f"Parameter \"{name}\" of document {document.name} is required.")
            default = definition["default"]
            resolved[name] = list(default) if kind == "StringList" else str(default)
            continue
        values = given[name]
        if kind == "StringList":
            if len(values) < int(definition.get("minItems", 0)):
                raise InvalidParameters(
                    f"Parameter \"{name}\" of document {document.name} needs at least "
                    f"{definition['minItems']} value(s)."
                )
            for value in values:
                _check_value(document.name, name, definition, value)
            resolved[name] = values
        else:
            if len(values) != 1:
                raise InvalidParameters(
                    f"Parameter \"{name}\" of document {document.name} is a String: give exactly one value."
                )
            _check_value(document.name, name, definition, values[0])
            resolved[name] = values[0]
    return resolved


# ---------------------------------------------------------------------------------------------
# plugins (steps)


@dataclass
class PluginSpec:
    """One step of a Command document, as the engine runs it and as CommandPlugins names it."""

    name: str                      # step name (schema 2.x) or plugin name (schema 1.2)
    action: str                    # aws:runShellScript, aws:runPowerShellScript, aws:runDocument...
    platform: str = None           # precondition StringEquals [platformType, X], else None
    commands: list = field(default_factory=list)
    inputs: dict = field(default_factory=dict)
    output_id: str = None          # schema 1.2: the property id (`0.aws:runShellScript`)

    @property
    def s3_folder(self):
        """Output folder of the step under PREFIX/COMMAND/INSTANCE: `awsrunShellScript/PatchLinux`,
        or `awsrunShellScript/0.awsrunShellScript` for a schema 1.2 plugin."""
        return f"{self.action.replace(':', '')}/{(self.output_id or self.name).replace(':', '')}"

    def applies_to(self, platform_type):
        return self.platform is None or self.platform == platform_type


def _commands_from(value):
    if isinstance(value, list):
        return [str(line) for line in value]
    if isinstance(value, str):
        return value.splitlines() or [value]
    return []


def _precondition_platform(step):
    condition = (step.get("precondition") or {}).get("StringEquals")
    if isinstance(condition, list) and len(condition) == 2 and condition[0] == "platformType":
        return condition[1]
    return None


def plugins_of(document):
    """The steps of a Command document in order (schema 2.x mainSteps, schema 1.2 runtimeConfig)."""
    content = document.content_json
    plugins = []
    if str(content.get("schemaVersion")) == "1.2":
        for action, config in (content.get("runtimeConfig") or {}).items():
            for prop in (config or {}).get("properties", []) or [{}]:
                plugins.append(PluginSpec(name=action, action=action,
                                          commands=_commands_from(prop.get("runCommand")), inputs=prop,
                                          output_id=prop.get("id")))
        return plugins
    for step in content.get("mainSteps") or []:
        inputs = step.get("inputs") or {}
        plugins.append(PluginSpec(
            name=step.get("name", step.get("action", "step")), action=step.get("action", ""),
            platform=_precondition_platform(step), commands=_commands_from(inputs.get("runCommand")),
            inputs=inputs,
        ))
    return plugins


def substitute(commands, parameters):
    """Replace `{{ name }}` by parameter values; a StringList parameter alone on a line expands to its lines."""
    lines = []
    for line in commands:
        whole = re.fullmatch(r"\s*\{\{\s*(\w+)\s*\}\}\s*", line)
        if whole and isinstance(parameters.get(whole.group(1)), list):
            lines.extend(parameters[whole.group(1)])
            continue
        lines.append(re.sub(
            r"\{\{\s*(\w+)\s*\}\}",
            lambda match: _as_text(parameters.get(match.group(1), match.group(0))),
            line,
        ))
    return lines


def _as_text(value):
    return "\n".join(value) if isinstance(value, list) else str(value)
