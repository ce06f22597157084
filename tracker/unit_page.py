"""Moved to tracker.present.unit_page (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.unit_page as _moved
sys.modules[__name__] = _moved
