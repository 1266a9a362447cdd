# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Cutting lists to the API's batch sizes (50 ids a call, 1,000 tags a call...): one helper for all."""


def chunks(items, size):
    """`items` in consecutive lists of at most `size`, in order (none for no items)."""
    items = list(items)
    return [items[start:start + size] for start in range(0, len(items), size)]
