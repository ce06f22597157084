"""Moved to tracker.core.calendar (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.calendar as _moved

sys.modules[__name__] = _moved
