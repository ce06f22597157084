"""Moved to tracker.core.collector (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.collector as _moved

sys.modules[__name__] = _moved
