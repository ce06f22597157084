"""Tests of tracker.ingest."""
