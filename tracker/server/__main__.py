"""`python -m tracker.server`: the production dashboard server (see tracker/server/__init__.py)."""

from tracker.server import main

main()
