"""Moved to tracker.core.settings (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.settings as _moved

sys.modules[__name__] = _moved
