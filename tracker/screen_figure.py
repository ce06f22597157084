"""Moved to tracker.present.screen_figure (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.screen_figure as _moved
sys.modules[__name__] = _moved
