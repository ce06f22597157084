"""Moved to tracker.core.periods (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.periods as _moved

sys.modules[__name__] = _moved
