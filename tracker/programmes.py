"""Moved to tracker.catalogue.programmes (issue 18); this alias goes when the callers move."""
import sys
import tracker.catalogue.programmes as _moved
sys.modules[__name__] = _moved
