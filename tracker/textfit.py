"""Moved to tracker.present.textfit (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.textfit as _moved
sys.modules[__name__] = _moved
