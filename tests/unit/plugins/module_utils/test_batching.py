"""The one batching helper: the API's batch sizes, in order, and nothing for nothing."""

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks


def test_chunks_respect_the_api_batch_size():
    assert [len(batch) for batch in chunks(list(range(2500)), 1000)] == [1000, 1000, 500]


def test_chunks_keep_the_order_and_take_any_iterable():
    assert chunks((item for item in "abcde"), 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert chunks(range(3), 50) == [[0, 1, 2]]


def test_no_items_are_no_chunks():
    assert chunks([], 50) == []
