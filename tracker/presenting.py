"""Moved to tracker.present.presenting (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.presenting as _moved
sys.modules[__name__] = _moved
