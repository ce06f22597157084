"""Moved to tracker.present.svg_chart (issue 18); this alias goes when the callers move."""
import sys
import tracker.present.svg_chart as _moved
sys.modules[__name__] = _moved
