"""Moved to tracker.core.observation (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.observation as _moved

sys.modules[__name__] = _moved
