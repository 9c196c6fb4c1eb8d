"""Loading: a client's workbook, folder or database read into validated tables."""

import os

# DuckDB's allocator (its own jemalloc) keeps the pages a query frees for some seconds: at ten
# million orders 0.6 GB of the first converted leads' query was still held while the metrics
# built their per-customer arrays, and made the render's peak. Given back at once instead. Read
# once, when DuckDB is first imported: set here, before any module of deckgen.data (the only
# ones that import it: transforms, SQL sources, the stores) can; a user's own setting wins.
os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
