# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the fleet-wide reads leave for the node pages, kept on disk so that memory stays flat.

Two reads cannot be asked per page of nodes within the call budget: ListResourceComplianceSummaries
(50 summaries a call, in no documented order, filtered by one resource id at most usefully) and EC2
DescribeTags (the Name tags, 1,000 a call). Both are read once, page by page, before the nodes are,
and each page goes into a temporary SQLite file keyed by node id; each page of 50 nodes then looks
its 50 ids up with one query. The file holds O(N) small rows (a node id, a name, a status, a time and
six counts); the process holds one page of them, plus SQLite's page cache, capped at CACHE_KIB.

With read_concurrency above 1 the node pages are read while the summaries still are, so the index
also keeps each page of nodes with their patch states (only what a row is made of, as JSON: about
350 bytes a node) until the summaries and Name tags are all in and its rows can be made.

Where Python was built without sqlite3, MemoryIndex keeps the same rows in dicts (memory then grows
by about 0.5 KiB a node); `index_kind` says which is in use.
"""

import datetime
import json
import os
import tempfile

try:
    import sqlite3
except ImportError:  # some minimal Python builds leave it out
    sqlite3 = None

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import SEVERITIES
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import compact_summary
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import iso

# SQLite's page cache for the index: a bound on what it takes in memory whatever the fleet's size.
CACHE_KIB = 512
# At most this many ids in one lookup (SQLite's host parameters; a page of nodes is 50).
LOOKUP_BATCH = 500

_COUNT_COLUMNS = tuple(f"{level.lower()}_count" for level in SEVERITIES)


def _json_value(value):
    """botocore's datetimes as ISO text with their full precision (common.as_utc() reads it back)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept in the index")


def _listed_text(records):
    return json.dumps(records, default=_json_value, separators=(",", ":"))


def _stored(item):
    """A summary as a row of plain values: its id, then compact_summary() with its time as text."""
    summary = compact_summary(item)
    return [item["ResourceId"], summary[0], summary[1], iso(summary[2])] + list(summary[3:])


class SqliteIndex:
    """Names, compliance summaries and the ids already listed, in a temporary SQLite file."""

    kind = "sqlite"

    def __init__(self, directory=None):
        handle, self.path = tempfile.mkstemp(prefix=".compliance-index.", suffix=".sqlite", dir=directory)
        os.close(handle)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", f"cache_size=-{CACHE_KIB}"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE names (id TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID")
        self.db.execute(
            "CREATE TABLE summaries (id TEXT PRIMARY KEY, status TEXT, severity TEXT, execution_time TEXT, "
            + ", ".join(f"{column} INTEGER" for column in _COUNT_COLUMNS) + ") WITHOUT ROWID"
        )
        self.db.execute("CREATE TABLE seen (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("CREATE TABLE listed (page INTEGER PRIMARY KEY, nodes TEXT)")

    def add_names(self, names):
        """names: {instance id: Name tag}, one page."""
        self._insert("INSERT OR REPLACE INTO names VALUES (?, ?)", names.items())

    def add_summaries(self, items):
        """items: ResourceComplianceSummaryItems, one page."""
        placeholders = ", ".join("?" * (4 + len(_COUNT_COLUMNS)))
        self._insert(f"INSERT OR REPLACE INTO summaries VALUES ({placeholders})", (_stored(item) for item in items))

    def names(self, ids):
        return dict(self._select("SELECT id, name FROM names", ids))

    def summaries(self, ids):
        """{id: compact summary} of those ids that have one."""
        return dict((row[0], tuple(row[1:])) for row in self._select("SELECT * FROM summaries", ids))

    def first_seen(self, ids):
        """The ids not seen before, in order; all of them are seen from now on."""
        ids = list(dict.fromkeys(ids))
        known = set(row[0] for row in self._select("SELECT id FROM seen", ids))
        fresh = [node_id for node_id in ids if node_id not in known]
        self._insert("INSERT INTO seen VALUES (?)", ((node_id,) for node_id in fresh))
        return fresh

    def add_listed(self, page, records):
        """records: one page of nodes as [(node, patch state or None)], plain dicts; page: its number from 0."""
        self._insert("INSERT INTO listed VALUES (?, ?)", [(page, _listed_text(records))])

    def listed(self, page):
        """That page's [(node, patch state or None)], times as ISO text."""
        row = self.db.execute("SELECT nodes FROM listed WHERE page = ?", (page,)).fetchone()
        return [tuple(record) for record in json.loads(row[0])]

    def close(self):
        try:
            self.db.close()
        finally:
            if os.path.exists(self.path):
                os.unlink(self.path)

    def _insert(self, statement, rows):
        self.db.execute("BEGIN")
        try:
            self.db.executemany(statement, rows)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _select(self, query, ids):
        rows = []
        for batch in chunks(ids, LOOKUP_BATCH):
            rows.extend(self.db.execute(f"{query} WHERE id IN ({', '.join('?' * len(batch))})", batch))
        return rows


class MemoryIndex:
    """The same as SqliteIndex in dicts: for a single node, or where sqlite3 is missing."""

    kind = "memory"

    def __init__(self, directory=None):
        self._names, self._summaries, self._seen, self._listed = {}, {}, set(), {}

    def add_names(self, names):
        self._names.update(names)

    def add_summaries(self, items):
        for item in items:
            self._summaries[item["ResourceId"]] = tuple(_stored(item)[1:])

    def names(self, ids):
        return dict((node_id, self._names[node_id]) for node_id in ids if node_id in self._names)

    def summaries(self, ids):
        return dict((node_id, self._summaries[node_id]) for node_id in ids if node_id in self._summaries)

    def first_seen(self, ids):
        fresh = [node_id for node_id in dict.fromkeys(ids) if node_id not in self._seen]
        self._seen.update(fresh)
        return fresh

    def add_listed(self, page, records):
        # The same text as SqliteIndex keeps, so that both give back the same values.
        self._listed[page] = _listed_text(records)

    def listed(self, page):
        return [tuple(record) for record in json.loads(self._listed[page])]

    def close(self):
        self._names, self._summaries, self._seen, self._listed = {}, {}, set(), {}


def open_index(directory=None, small=False):
    """A SqliteIndex in `directory` (the system's temporary directory by default); a MemoryIndex for a
    small selection (a few nodes) or without sqlite3."""
    if small or sqlite3 is None:
        return MemoryIndex(directory)
    return SqliteIndex(directory)
