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
import threading

# At most this many of a chain's pages are kept read (waiting for their follow-up read or for the
# consumer) before its next page is asked for: what bounds memory whatever the listing's length.
# Three, not two: a page's follow-up starts as the page is taken, about when the chain's next page is
# asked for, and takes a round trip as long; with two, whenever the follow-up ended after that next page,
# the page after it was not asked for until the follow-up was in and its page taken, and the chain waited
# on the follow-up and on the consumer's turn (at 10,000 nodes: 6 to 14 ms a link, median). With
# three, a chain and the follow-ups of its two pages waiting are three calls: with a fourth chain (the
# summaries) they fit in the modules' default of four workers, so the chain's next page does not wait
# for a thread either (with six it could, behind follow-ups; bench/README.md measured six no faster than two).
AHEAD = 3
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
        self.arrived = 0  # pages read that the iterating thread has not taken yet
        self.waiting = collections.deque()  # [page number, items, follow-up result, ready, last], in page order


class _Reads:
    """The reads of one chain_pages: its chains, what runs, and whether more may be asked for, under one lock.

    A chain's next page is asked for by the thread that read the page before it, as soon as that page
    is in (a future's done callback), not when the iterating thread next looks: the consumer's work
    between two pages (an index write, rows) then never lengthens the chain's round trips.
    """

    def __init__(self, executor, chains, ahead):
        self.executor = executor
        self.state = [_Chain(read_page) for read_page in chains]
        self.ahead = ahead
        self.running = {}
        # Reentrant: a read that has already ended when its callback is added runs the callback at once,
        # on the thread that asked for it, which holds the lock.
        self.lock = threading.RLock()
        self.stopped = False  # a read failed, or the generator is closing: ask for nothing more
        self.accounted = set()  # the page reads whose token is taken, by their callback or by the iterating thread

    def ask_next_pages(self):
        with self.lock:
            for number in range(len(self.state)):
                self._ask(number)

    def _ask(self, number):
        chain = self.state[number]
        if self.stopped or chain.finished or chain.in_flight or len(chain.waiting) + chain.arrived >= self.ahead:
            return
        chain.in_flight = True
        future = self.executor.submit(chain.read_page, chain.token)
        self.running[future] = (number, chain.pages, _PAGE)
        chain.pages += 1
        future.add_done_callback(lambda done: self.page_read(number, done))

    def page_read(self, number, future):
        """A page read ended: its chain's token taken, and the chain's next page asked for when it may be."""
        with self.lock:
            # Seen twice (its callback and the iterating thread, in either order): the second time it is
            # forgotten, so that no ended read, nor the page it holds, is kept.
            if future in self.accounted:
                self.accounted.discard(future)
                return
            self.accounted.add(future)
            chain = self.state[number]
            chain.in_flight = False
            if future.cancelled() or future.exception() is not None:
                self.stopped = True
                return
            chain.arrived += 1
            chain.token = future.result()[1]
            chain.finished = not chain.token
            self._ask(number)

    def follow_up(self, follow, number, page, items):
        with self.lock:
            if self.stopped:
                return
            future = self.executor.submit(follow, number, items)
            self.running[future] = (number, page, _FOLLOW)
            future.add_done_callback(self._follow_up_read)

    def _follow_up_read(self, future):
        with self.lock:
            if future.cancelled() or future.exception() is not None:
                self.stopped = True

    def pending(self):
        with self.lock:
            return list(self.running)


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
    failures = []
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cloudpatch-read")
    reads = _Reads(executor, chains, ahead)
    try:
        reads.ask_next_pages()
        while True:
            pending = reads.pending()
            if not pending:
                break
            done, _pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            with reads.lock:
                ended = sorted(((future, reads.running.pop(future)) for future in done), key=lambda pair: pair[1])
            for future, (number, page, kind) in ended:
                if kind == _PAGE:
                    # Its callback may not have run yet: the token is taken here then, once.
                    reads.page_read(number, future)
                error = future.exception()
                if error is not None:
                    failures.append(((number, page, kind), error))
                    with reads.lock:
                        reads.stopped = True
                elif not failures or (number, page) < _first(failures)[:2]:
                    # After a failure, still what comes before it in the serial order: what one read at a
                    # time would have given before failing, whichever thread ended first.
                    chain_follow = follow if followed is None or number in followed else None
                    _take(reads, number, page, kind, future.result(), chain_follow, keep)
            if not failures:
                reads.ask_next_pages()
            for number, chain in enumerate(reads.state):
                while True:
                    with reads.lock:
                        if not (chain.waiting and chain.waiting[0][3]):
                            break
                        if failures and (number, chain.waiting[0][0]) >= _first(failures)[:2]:
                            break
                        _page, items, extra, _ready, last = chain.waiting.popleft()
                    yield number, items, extra, last
                    del items, extra
                    if not failures:
                        reads.ask_next_pages()
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]
    finally:
        with reads.lock:
            reads.stopped = True
        executor.shutdown(wait=True, cancel_futures=True)


def _first(failures):
    """The (chain, page, kind) of the failure that comes first in the order of one read at a time."""
    return min(failure[0] for failure in failures)


def _take(reads, number, page, kind, result, follow, keep):
    """A read that ended, on the iterating thread: a page (kept, its follow-up asked for) or a follow-up (its page made ready)."""
    chain = reads.state[number]
    if kind == _FOLLOW:
        with reads.lock:
            entry = next(entry for entry in chain.waiting if entry[0] == page)
            entry[2], entry[3] = result, True
        return
    items, token = result
    if keep is not None:
        items = keep(number, items)
    wanted = follow is not None and bool(items)
    with reads.lock:
        chain.arrived -= 1
        chain.waiting.append([page, items, None, not wanted, not token])
    if wanted:
        reads.follow_up(follow, number, page, items)
