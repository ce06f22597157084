"""Moved to tracker.core.report (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.report as _moved

sys.modules[__name__] = _moved
