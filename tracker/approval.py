"""Moved to tracker.reporting.approval (issue 18); this alias goes when the callers move."""
import sys

import tracker.reporting.approval as _moved

sys.modules[__name__] = _moved
