"""Moved to tracker.present.downloads (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.downloads as _moved
sys.modules[__name__] = _moved
