"""Moved to tracker.storage.postgres; this name stays while callers move."""
from tracker.storage.postgres import *  # noqa: F401,F403
