"""Tests of tracker.accounts."""
