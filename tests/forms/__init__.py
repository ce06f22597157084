"""Tests of tracker.forms."""
