"""Tags on the SSM resources the sandbox keeps itself: moto 5.2.5 refuses them.

moto's SimpleSystemManagerBackend._validate_resource_type_and_id, which AddTagsToResource,
ListTagsForResource and RemoveTagsFromResource all call, knows only the parameters, documents and
maintenance windows moto stores: a PatchBaseline or ManagedInstance id is always InvalidResourceId
and Association is InvalidResourceType, although the API reference lists all three as taggable
(AddTagsToResource, ResourceType). The sandbox keeps those resources itself, so each layer that
keeps one registers how to tell that an id exists (`register_taggable`), and the replacement answers
for them; every other resource type goes to moto's own check.
"""

from moto.ssm.models import SimpleSystemManagerBackend

from sandbox.wire.errors import InvalidResourceId

_taggable = {}


def register_taggable(resource_type, exists, missing_message):
    """`exists(backend, resource_id) -> bool`; `missing_message` is formatted with `resource_id`."""
    _taggable[resource_type] = (exists, missing_message)


_moto_validate_resource_type_and_id = SimpleSystemManagerBackend._validate_resource_type_and_id  # pylint: disable=protected-access


def _validate_resource_type_and_id(self, resource_type, resource_id):
    known = _taggable.get(resource_type)
    if known is None:
        return _moto_validate_resource_type_and_id(self, resource_type, resource_id)
    exists, missing_message = known
    if not exists(self, resource_id):
        raise InvalidResourceId(missing_message.format(resource_id=resource_id))
    return resource_id


def install():
    SimpleSystemManagerBackend._validate_resource_type_and_id = _validate_resource_type_and_id  # pylint: disable=protected-access
