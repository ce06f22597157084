"""Tests of tracker.assess."""
