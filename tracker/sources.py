"""Moved to tracker.catalogue.sources (issue 18); this alias goes when the callers move."""
import sys
import tracker.catalogue.sources as _moved
sys.modules[__name__] = _moved
