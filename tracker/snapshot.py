"""Moved to tracker.assess.snapshot (issue 18); this alias goes when the callers move."""
import sys
import tracker.assess.snapshot as _moved
sys.modules[__name__] = _moved
