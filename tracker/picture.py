"""Moved to tracker.present.picture (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.picture as _moved
sys.modules[__name__] = _moved
