"""Tests of tracker.server."""
