"""Moved to tracker.present.letter (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.letter as _moved
sys.modules[__name__] = _moved
