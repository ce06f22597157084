"""Moved to tracker.ingest.preview (issue 18); this alias goes when the callers move."""
import sys

import tracker.ingest.preview as _moved

sys.modules[__name__] = _moved
