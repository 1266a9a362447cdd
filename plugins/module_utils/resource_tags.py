# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`tags` and `purge_tags` on an SSM resource, as amazon.aws's modules treat them: one place for every
module that tags (patch baselines, associations, maintenance windows)."""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import add_tags_to_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import remove_tags_from_resource


def ensure_tags(client, resource_type, resource_id, current_tags, tags, purge_tags, check_mode):
    """(changed, tags after): the resource's tags brought to `tags` (None: left as they are).

    compare_aws_tags decides, so `aws:` keys are never purged; the removal goes first, so that a key
    whose value changes is never removed after it was written. Check mode predicts the same tags and
    makes no call.
    """
    current_tags = dict(current_tags or {})
    if tags is None:
        return False, current_tags
    to_add, to_remove = compare_aws_tags(current_tags, tags, purge_tags=purge_tags)
    if not to_add and not to_remove:
        return False, current_tags
    if not check_mode:
        if to_remove:
            remove_tags_from_resource(client, resource_type, resource_id, to_remove)
        if to_add:
            add_tags_to_resource(client, resource_type, resource_id, to_add)
    after = dict((key, value) for key, value in current_tags.items() if key not in to_remove)
    after.update(to_add)
    return True, after
