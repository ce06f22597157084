"""Moved to tracker.server.warmup (issue 18); this alias goes when the callers move."""
import sys

import tracker.server.warmup as _moved

sys.modules[__name__] = _moved
