"""Tests of tracker.reporting."""
