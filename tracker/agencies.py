"""Moved to tracker.catalogue.agencies (issue 18); this alias goes when the callers move."""
import sys

import tracker.catalogue.agencies as _moved

sys.modules[__name__] = _moved
