"""Moved to tracker.storage (open_store, Store, StoreError, …); this name stays while callers move."""
from tracker.storage import *  # noqa: F401,F403
from tracker.storage.duckdb import MIGRATIONS, DuckDBStore, duckdb  # noqa: F401 (tests patch duckdb.connect here)
