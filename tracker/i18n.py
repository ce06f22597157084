"""Moved to tracker.core.i18n (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.i18n as _moved

sys.modules[__name__] = _moved
