# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Independent paged listings read at the same time on a few threads, each page still one call.

A listing is a chain: each page needs the previous page's NextToken, so a chain has one page in
flight at a time and the chain's length in round trips is its floor. What overlaps is the chains
with each other, and a read that needs one page only (a page of node ids -> their patch states)
with the chain's next page. The calls are the same as one after another; only their order changes.

boto3's low-level clients are thread safe (boto3 User Guide, "Low-level clients", "Multithreading
or multiprocessing with clients": "Low-level clients are thread safe. When using a low-level client,
it is recommended to instantiate your client then pass that client object to each of your threads"):
the threads share the task's clients and nothing else; whatever the pages feed (an index, a file) is
written by the thread that iterates, never by a worker.
"""

import collections
import concurrent.futures

# At most this many of a chain's pages are kept read (waiting for their follow-up read or for the
# consumer) before its next page is asked for: what bounds memory whatever the listing's length.
AHEAD = 2
# botocore keeps up to 10 connections a client (Config max_pool_connections): more threads would wait for one.
MAX_WORKERS = 10

_PAGE, _FOLLOW = 0, 1


class _Chain:
    def __init__(self, read_page):
        self.read_page = read_page
        self.token = None
        self.pages = 0  # pages asked for so far
        self.in_flight = False
        self.finished = False
        self.waiting = collections.deque()  # [page number, items, follow-up result, ready, last], in page order


def chain_pages(chains, workers, follow=None, keep=None, ahead=AHEAD, followed=None):
    """Every page of each chain, read on at most `workers` threads; yields (chain number, items, extra, last).

    chains: read_page(next_token) callables answering (items, next token or None), one call each
    (and its own retries). keep: None, or keep(chain number, items) answering the items to go on with,
    called on the iterating thread as each page arrives, in each chain's page order. follow: None, or
    follow(chain number, items) answering `extra`, a read that needs that page only, run on the pool;
    it is not asked for an empty page (extra None), nor for the pages of a chain whose number is not
    in `followed` when that is given. last: whether it is the chain's last page. Each
    chain's pages are yielded in their order, the chains' interleaved as they come. A chain has one
    page in flight and at most `ahead` read but not yet yielded.

    When a read fails nothing more is asked for; once every running read has ended (no thread is
    left running), the failure that comes first in the order the reads would have been made one
    after another (chain by chain, a page before its follow-up) is raised. Closing the generator early
    also cancels what has not started and waits for what has.
    """
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be 1-{MAX_WORKERS}, got {workers}")
    state = [_Chain(read_page) for read_page in chains]
    running, failures = {}, []
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cloudpatch-read")
    try:
        _ask_next_pages(executor, state, running, ahead)
        while running:
            done, _pending = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in sorted(done, key=lambda one: running[one]):
                number, page, kind = running.pop(future)
                error = future.exception()
                if error is not None:
                    failures.append(((number, page, kind), error))
                elif not failures:
                    chain_follow = follow if followed is None or number in followed else None
                    _take(executor, state[number], number, page, kind, future.result(), chain_follow, keep, running)
            if failures:
                continue  # let what is running end; ask for nothing more
            # The next pages are asked for before the consumer gets the pages read: its work (an index
            # write, rows) overlaps the round trips instead of adding to each chain's.
            _ask_next_pages(executor, state, running, ahead)
            for number, chain in enumerate(state):
                while chain.waiting and chain.waiting[0][3]:
                    _page, items, extra, _ready, last = chain.waiting.popleft()
                    yield number, items, extra, last
                    del items, extra
            _ask_next_pages(executor, state, running, ahead)
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _take(executor, chain, number, page, kind, result, follow, keep, running):
    """A read that ended: a page (kept, its follow-up asked for) or a follow-up (its page made ready)."""
    if kind == _FOLLOW:
        entry = next(entry for entry in chain.waiting if entry[0] == page)
        entry[2], entry[3] = result, True
        return
    items, token = result
    chain.in_flight = False
    chain.token = token
    chain.finished = not token
    if keep is not None:
        items = keep(number, items)
    wanted = follow is not None and bool(items)
    chain.waiting.append([page, items, None, not wanted, chain.finished])
    if wanted:
        running[executor.submit(follow, number, items)] = (number, page, _FOLLOW)


def _ask_next_pages(executor, state, running, ahead):
    for number, chain in enumerate(state):
        if chain.finished or chain.in_flight or len(chain.waiting) >= ahead:
            continue
        chain.in_flight = True
        running[executor.submit(chain.read_page, chain.token)] = (number, chain.pages, _PAGE)
        chain.pages += 1
