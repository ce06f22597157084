"""Moved to tracker.web.upload (issue 18); this alias goes when the callers move."""
import sys
import tracker.web.upload as _moved
sys.modules[__name__] = _moved
