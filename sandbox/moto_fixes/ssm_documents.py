"""SSM documents: moto 5.2.5 knows no AWS-owned document, and lets every document be changed.

moto's SimpleSystemManagerBackend serves CreateDocument, DescribeDocument, GetDocument,
ListDocuments, UpdateDocument and DeleteDocument itself. These replacements put the AWS-owned
documents of `sandbox.ssm.documents` into a backend before moto reads its documents, and answer as
AWS does (SSM API Reference, UpdateDocument / DeleteDocument: InvalidDocumentOperation for a
document you do not own). ListDocuments' `Owner` filter (botocore's DocumentKeyValuesFilter:
`Amazon`, `Private`, `Public`, `Self`, `ThirdParty`) reaches moto with `Private` read as `Self`,
which is what moto understands; `All`, which that list does not name, is read as no owner filter.
"""

from moto.ssm.exceptions import InvalidDocumentOperation
from moto.ssm.models import SimpleSystemManagerBackend

from sandbox.ssm.documents import ensure_aws_documents, is_aws_owned

_original_get_documents = SimpleSystemManagerBackend._get_documents
_original_list_documents = SimpleSystemManagerBackend.list_documents
_original_create_document = SimpleSystemManagerBackend.create_document
_original_delete_document = SimpleSystemManagerBackend.delete_document
_original_update_document = SimpleSystemManagerBackend.update_document


def _get_documents(self, name):
    ensure_aws_documents(self)
    return _original_get_documents(self, name)


def _list_documents(self, document_filter_list, filters, max_results=10, token="0"):
    ensure_aws_documents(self)
    adjusted = []
    for item in filters or []:
        if item.get("Key") == "Owner":
            values = item.get("Values") or []
            if values == ["All"]:
                continue  # every owner
            if values == ["Private"]:
                item = {"Key": "Owner", "Values": ["Self"]}
        adjusted.append(dict(item, Values=list(item.get("Values") or [])))
    return _original_list_documents(self, document_filter_list, adjusted, max_results, token)


# The platforms each Command plugin runs on (User Guide, "Command document plugin reference": each
# plugin's "Platforms" line; macOS supports aws:refreshAssociation, aws:runShellScript,
# aws:runPowerShellScript, aws:softwareInventory and aws:updateSsmAgent). moto answers
# PlatformTypes ["Not Implemented (moto)"] for every document it stores.
PLUGIN_PLATFORMS = {
    "aws:runShellScript": ("Linux", "MacOS"),
    "aws:runPowerShellScript": ("Windows", "Linux", "MacOS"),
    "aws:refreshAssociation": ("Windows", "Linux", "MacOS"),
    "aws:softwareInventory": ("Windows", "Linux", "MacOS"),
    "aws:updateSsmAgent": ("Windows", "Linux", "MacOS"),
    "aws:runDocument": ("Windows", "Linux"),
    "aws:applications": ("Windows",),
    "aws:psModule": ("Windows",),
    "aws:updateAgent": ("Windows",),
    "aws:configureDocker": ("Windows", "Linux"),
    "aws:configurePackage": ("Windows", "Linux"),
    "aws:downloadContent": ("Windows", "Linux"),
    "aws:domainJoin": ("Windows", "Linux"),
    "aws:cloudWatch": ("Windows",),
}
_ORDER = ("Windows", "Linux", "MacOS")


def platform_types_of(content):
    """PlatformTypes of a Command document: the platforms its steps' plugins run on."""
    steps = (content or {}).get("mainSteps") or list(((content or {}).get("runtimeConfig") or {}).keys())
    found = set()
    for step in steps:
        action = step.get("action") if isinstance(step, dict) else step
        found.update(PLUGIN_PLATFORMS.get(action, ()))
    return [platform for platform in _ORDER if platform in found]


def _with_platform_types(documents):
    for document in documents.versions.values():
        if document.platform_types == ["Not Implemented (moto)"]:
            document.platform_types = platform_types_of(document.content_json)
    return documents


def _create_document(self, *args, **kwargs):
    ensure_aws_documents(self)  # so that an AWS document's name is taken
    return _with_platform_types(_original_create_document(self, *args, **kwargs))


def _refuse_aws_owned(self, name, verb):
    ensure_aws_documents(self)
    documents = self._documents.get(name)
    if documents is not None and is_aws_owned(documents):
        raise InvalidDocumentOperation(f"You can't {verb} the AWS-owned document {name}.")


def _delete_document(self, name, document_version, version_name, force):
    _refuse_aws_owned(self, name, "delete")
    return _original_delete_document(self, name, document_version, version_name, force)


def _update_document(self, content, attachments, name, *args, **kwargs):
    _refuse_aws_owned(self, name, "update")
    answer = _original_update_document(self, content, attachments, name, *args, **kwargs)
    documents = _with_platform_types(self._documents[name])  # pylint: disable=protected-access
    # moto described the new version before its platform types were set.
    return dict(answer, PlatformTypes=documents.versions[answer["DocumentVersion"]].platform_types)


def install():
    SimpleSystemManagerBackend._get_documents = _get_documents
    SimpleSystemManagerBackend.list_documents = _list_documents
    SimpleSystemManagerBackend.create_document = _create_document
    SimpleSystemManagerBackend.delete_document = _delete_document
    SimpleSystemManagerBackend.update_document = _update_document
