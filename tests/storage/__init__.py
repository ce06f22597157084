"""Tests of tracker.storage."""
