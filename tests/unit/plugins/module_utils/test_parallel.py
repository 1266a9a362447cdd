"""parallel.chain_pages: every page once and in order per chain, overlap, a bound on pages held, failures.

No test waits on time: threads meet at barriers and events (with a timeout only so that a broken
implementation fails instead of hanging).
"""

import threading

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils.parallel import AHEAD
from ansible_collections.cloudpatch.ssm.plugins.module_utils.parallel import MAX_WORKERS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.parallel import chain_pages

WAIT = 30  # seconds a broken implementation may take to fail


def pool_threads():
    return [thread for thread in threading.enumerate() if thread.name.startswith("cloudpatch-read")]


class Listing:
    """A chain of `pages` pages of `size` items, named `name`; records the tokens it was asked with."""

    def __init__(self, name, pages, size=3, empty=()):
        self.name, self.pages, self.size, self.empty = name, pages, size, set(empty)
        self.tokens = []
        self.lock = threading.Lock()

    def __call__(self, token):
        number = int(token.split("-")[1]) if token else 0
        with self.lock:
            self.tokens.append(token)
        items = [] if number in self.empty else [f"{self.name}{number}.{item}" for item in range(self.size)]
        return items, (f"{self.name}-{number + 1}" if number + 1 < self.pages else None)


@pytest.mark.parametrize("workers", [1, 2, 4, MAX_WORKERS])
def test_every_page_once_each_chain_in_order_with_its_follow_up(workers):
    chains = [Listing("a", 7), Listing("b", 1), Listing("c", 12, empty={4})]
    followed = []

    def follow(number, items):
        followed.append(items[0])
        return [item.upper() for item in items]

    got = list(chain_pages(chains, workers, follow=follow))
    for number, chain in enumerate(chains):
        pages = [(items, extra, last) for chain_number, items, extra, last in got if chain_number == number]
        expected = [[] if page in chain.empty else [f"{chain.name}{page}.{item}" for item in range(3)] for page in range(chain.pages)]
        assert [items for items, _extra, _last in pages] == expected
        assert [last for _items, _extra, last in pages] == [False] * (chain.pages - 1) + [True]
        # An empty page has no follow-up read; every other page has exactly one, with its own items.
        assert [extra for _items, extra, _last in pages] == [[item.upper() for item in items] or None for items in expected]
        # Each page asked for once, with the token the page before it gave.
        assert chain.tokens == [None] + [f"{chain.name}-{page}" for page in range(1, chain.pages)]
    assert sorted(followed) == sorted(items[0] for _number, items, _extra, _last in got if items)
    assert pool_threads() == []


def test_the_chains_are_read_at_the_same_time():
    # Each chain's first page waits for the others' first pages: read one after another, they never meet.
    barrier = threading.Barrier(3, timeout=WAIT)

    def meeting(name):
        listing = Listing(name, 2)

        def read_page(token):
            if token is None:
                barrier.wait()
            return listing(token)
        return read_page

    got = list(chain_pages([meeting("a"), meeting("b"), meeting("c")], 3))
    assert len(got) == 6


def test_a_follow_up_runs_while_the_next_page_is_read():
    next_page_read = threading.Event()
    listing = Listing("a", 3)

    def read_page(token):
        if token == "a-1":
            next_page_read.set()
        return listing(token)

    def follow(number, items):
        # Page 0's follow-up ends only once page 1 has been asked for.
        if items[0] == "a0.0":
            assert next_page_read.wait(WAIT)
        return len(items)

    assert [extra for _number, _items, extra, _last in chain_pages([read_page], 2, follow=follow)] == [3, 3, 3]


def test_the_next_page_is_asked_for_while_the_consumer_is_busy():
    """Page 1 arrives while the consumer still works on page 0: page 2 is asked for then, by the reading
    thread, not when the consumer next asks for a page (its work would add to each round trip of the chain)."""
    page_two_asked = threading.Event()
    listing = Listing("a", 4)

    def read_page(token):
        if token == "a-2":
            page_two_asked.set()
        return listing(token)

    pages = chain_pages([read_page], 2)
    number, items, _extra, _last = next(pages)
    assert (number, items[0]) == (0, "a0.0")
    # The consumer, busy with page 0, has not asked for page 1 yet.
    assert page_two_asked.wait(WAIT), "page 2 was not asked for while the consumer held page 0"
    assert [items[0] for _number, items, _extra, _last in pages] == ["a1.0", "a2.0", "a3.0"]
    assert listing.tokens == [None, "a-1", "a-2", "a-3"]
    assert pool_threads() == []


def test_a_chain_holds_at_most_ahead_pages_while_one_waits_for_its_follow_up():
    long_chain_done = threading.Event()
    slow, fast = Listing("s", 10), Listing("f", 20)
    started_when_done = []

    def fast_page(token):
        page = fast(token)
        if page[1] is None:
            with slow.lock:
                started_when_done.append(len(slow.tokens))
            long_chain_done.set()
        return page

    def follow(number, items):
        if items[0] == "s0.0":
            assert long_chain_done.wait(WAIT)
        return None

    got = list(chain_pages([slow, fast_page], 4, follow=follow))
    assert len(got) == 30
    # While page 0 of the slow chain waited for its follow-up, the fast chain read its 20 pages; the
    # slow one read no more than AHEAD pages (the one waiting and those after it).
    assert started_when_done and started_when_done[0] <= AHEAD


def test_a_chain_reads_its_page_after_next_while_a_page_waits_for_its_follow_up():
    # A page's follow-up takes a round trip of its own, started about when the chain's next page is asked
    # for: the chain goes on to the page after that without waiting for the follow-up to end.
    listing = Listing("a", 5)
    page_two_asked = threading.Event()

    def read_page(token):
        if token == "a-2":
            page_two_asked.set()
        return listing(token)

    def follow(number, items):
        if items[0] == "a0.0":
            assert page_two_asked.wait(WAIT), "page 2 was not asked for while page 0 waited for its follow-up"
        return items[0]

    got = [(items[0], extra) for _number, items, extra, _last in chain_pages([read_page], 3, follow=follow)]
    assert got == [(f"a{page}.0", f"a{page}.0") for page in range(5)]
    assert listing.tokens == [None, "a-1", "a-2", "a-3", "a-4"]
    assert pool_threads() == []


def test_only_the_followed_chains_have_follow_ups():
    asked = []
    got = list(chain_pages([Listing("a", 3), Listing("b", 2), Listing("c", 2)], 3, followed={1},
                           follow=lambda number, items: asked.append(number) or items[0]))
    assert asked == [1, 1]
    assert [(number, extra) for number, _items, extra, _last in got if number == 1] == [(1, "b0.0"), (1, "b1.0")]
    assert all(extra is None for number, _items, extra, _last in got if number != 1)


def test_keep_runs_on_the_iterating_thread_in_page_order_and_what_it_drops_is_not_followed():
    calls, followed = [], []

    def keep(number, items):
        calls.append((number, items[0] if items else None, threading.current_thread() is threading.main_thread()))
        return [item for item in items if not item.endswith(".0")]

    got = list(chain_pages([Listing("a", 4, size=1), Listing("b", 3, size=2)], 4, keep=keep,
                           follow=lambda number, items: followed.append(items) or len(items)))
    assert [call for call in calls if call[0] == 0] == [(0, f"a{page}.0", True) for page in range(4)]
    assert [call for call in calls if call[0] == 1] == [(1, f"b{page}.0", True) for page in range(3)]
    # Chain a's pages were one item each, all dropped: yielded empty, no follow-up.
    assert [(items, extra) for number, items, extra, _last in got if number == 0] == [([], None)] * 4
    assert [(items, extra) for number, items, extra, _last in got if number == 1] == [([f"b{page}.1"], 1) for page in range(3)]
    assert sorted(followed) == [[f"b{page}.1"] for page in range(3)]


class Failed(Exception):
    pass


def test_the_first_failure_in_serial_order_is_raised_once_nothing_runs():
    second_failed = threading.Event()
    later = Listing("b", 5)

    def first(token):
        # Fails after the later chain's failure: the error raised is still this one, as one call at a time would.
        assert second_failed.wait(WAIT)
        raise Failed("chain a, page 0")

    def second(token):
        if token == "b-2":
            second_failed.set()
            raise Failed("chain b, page 2")
        return later(token)

    pages = chain_pages([first, second], 3)
    with pytest.raises(Failed, match="chain a, page 0"):
        list(pages)
    # Nothing was asked for after the failure, and no thread is left.
    assert later.tokens == [None, "b-1"]
    assert pool_threads() == []


def test_a_failing_follow_up_is_raised_and_stops_the_chain():
    listing = Listing("a", 50)

    def follow(number, items):
        if items[0] == "a1.0":
            raise Failed("follow-up of page 1")
        return None

    got = []
    with pytest.raises(Failed, match="follow-up of page 1"):
        for page in chain_pages([listing], 2, follow=follow):
            got.append(page)
    assert [items[0] for _number, items, _extra, _last in got] == ["a0.0"]
    # The pages asked for before the failure was seen: at most page 1 and AHEAD after it.
    assert len(listing.tokens) <= 2 + AHEAD
    assert pool_threads() == []


def test_stopping_early_leaves_no_thread_running():
    pages = chain_pages([Listing("a", 100), Listing("b", 100)], 4, follow=lambda number, items: None)
    next(pages)
    pages.close()
    assert pool_threads() == []


@pytest.mark.parametrize("workers", [0, -1, MAX_WORKERS + 1])
def test_workers_out_of_range_is_refused(workers):
    with pytest.raises(ValueError, match=f"workers must be 1-{MAX_WORKERS}"):
        next(chain_pages([Listing("a", 1)], workers))


def test_no_chain_yields_nothing():
    assert list(chain_pages([], 2)) == []
