"""Moved to tracker.core.signing (issue 18); this alias goes when the callers move."""
import sys

import tracker.core.signing as _moved

sys.modules[__name__] = _moved
