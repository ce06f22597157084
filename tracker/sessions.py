"""Moved to tracker.web.routes (issue 18); this alias goes when the callers move."""
import sys
import tracker.web.routes as _moved
sys.modules[__name__] = _moved
