"""Moved to tracker.reporting.completeness (issue 18); this alias goes when the callers move."""
import sys

import tracker.reporting.completeness as _moved

sys.modules[__name__] = _moved
