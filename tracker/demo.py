"""Moved to tracker.forms.demo (issue 18); this alias goes when the callers move."""
import sys

import tracker.forms.demo as _moved

sys.modules[__name__] = _moved
