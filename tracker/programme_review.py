"""Moved to tracker.catalogue.programme_review (issue 18); this alias goes when the callers move."""
import sys
import tracker.catalogue.programme_review as _moved
sys.modules[__name__] = _moved
