"""Moved to tracker.forms.workbook (issue 18); this alias goes when the callers move."""
import sys

import tracker.forms.workbook as _moved

sys.modules[__name__] = _moved
