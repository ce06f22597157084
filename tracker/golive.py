"""Moved to tracker.reporting.golive (issue 18); this alias goes when the callers move."""
import sys

import tracker.reporting.golive as _moved

sys.modules[__name__] = _moved
