"""Moved to tracker.present.figures (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.figures as _moved
sys.modules[__name__] = _moved
