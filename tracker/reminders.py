"""Moved to tracker.reporting.reminders (issue 18); this alias goes when the callers move."""
import sys

import tracker.reporting.reminders as _moved

sys.modules[__name__] = _moved
