"""Moved to tracker.present.publish (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.publish as _moved
sys.modules[__name__] = _moved
